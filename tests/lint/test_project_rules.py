"""Project checks (AST scans) for the rules in STYLE.md that ruff cannot express.

1. Only tickets/services.py assigns a ticket's status (workflow.py is its only rule book).
2. Views and API handlers never write: no .save(), .delete(), .objects.create()/update()…
   in linia/web/ and linia/api/ (their tests excepted).
3. No Django model signals (@receiver, post_save …) outside an allow-list (cache and file
   cleanup only).
4. Settings are read as settings.LINIA_X, never getattr(settings, "LINIA_X", default).

Each rule has an allow-list of reviewed exceptions, keyed by path (and a snippet of the line):
add to it only with a reason beside the entry.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "linia"

# Rule 1: where ticket status may be assigned.
STATUS_WRITERS = {"linia/tickets/services.py"}
# Rule 2: reviewed writes in interfaces, as (path, snippet of the line).
INTERFACE_WRITES_ALLOWED: set[tuple[str, str]] = set()
# Rule 3: modules allowed to connect model signals (cache and file clean-up only).
SIGNALS_ALLOWED: set[str] = set()

MODEL_SIGNALS = {
    "pre_save",
    "post_save",
    "pre_delete",
    "post_delete",
    "m2m_changed",
    "pre_init",
    "post_init",
}
WRITE_MANAGER_METHODS = {
    "create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def python_files(root: Path, *, include_tests: bool = True) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts:
            continue
        if not include_tests and ("tests" in parts or path.name.startswith("test_")):
            continue
        yield path


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def source_of(node: ast.AST) -> str:
    return ast.unparse(node)


# --- the checks (pure functions of a syntax tree, tested below on samples) ----------------


def _is_ticketish(node: ast.AST) -> bool:
    """An expression that names a ticket: `ticket`, `self.ticket`, `tickets[0]`, `new_ticket`…"""
    return "ticket" in source_of(node).lower()


def status_assignments(tree: ast.AST) -> list[tuple[int, str]]:
    """Assignments to a ticket's status: `ticket.status = …`, `ticket.status += …`,
    `setattr(ticket, "status", …)`, and `Ticket.objects….update(status=…)`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.extend(
                (node.lineno, source_of(node))
                for target in targets
                for element in ast.walk(target)
                if isinstance(element, ast.Attribute)
                and element.attr == "status"
                and _is_ticketish(element.value)
            )
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
            and _is_ticketish(node.args[0])
        ):
            found.append((node.lineno, source_of(node)))
        if isinstance(func, ast.Attribute) and "ticket" in source_of(func.value).lower():
            updates_status = func.attr == "update" and any(
                keyword.arg == "status" for keyword in node.keywords
            )
            bulk_updates_status = func.attr == "bulk_update" and any(
                "'status'" in source_of(argument)
                for argument in [*node.args[1:], *(k.value for k in node.keywords)]
            )
            if updates_status or bulk_updates_status:
                found.append((node.lineno, source_of(node)))
    return found


def _goes_through_objects(node: ast.expr) -> bool:
    """Whether an attribute chain passes through a model manager: `X.objects…`, `x.tickets.all()`
    does not count, `Ticket.objects.filter(...)` does."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr == "objects":
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return False


def interface_writes(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls that write from an interface: `.save(`, `.delete(`, and create/update… on a
    manager or a queryset built from one."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name in {"save", "delete"} or (
            name in WRITE_MANAGER_METHODS and _goes_through_objects(node.func.value)
        ):
            found.append((node.lineno, source_of(node.func)))
    return found


def signal_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """`@receiver(...)` decorators and any mention of a model signal."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = (
                    target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                )
                if name == "receiver":
                    found.append((decorator.lineno, f"@{source_of(decorator)}"))
        elif isinstance(node, ast.Name) and node.id in MODEL_SIGNALS:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in MODEL_SIGNALS:
            found.append((node.lineno, source_of(node)))
        elif isinstance(node, ast.ImportFrom):
            found.extend(
                (node.lineno, f"import {alias.name}")
                for alias in node.names
                if alias.name in MODEL_SIGNALS or alias.name == "receiver"
            )
    return found


def settings_getattr(tree: ast.AST) -> list[tuple[int, str]]:
    """`getattr(settings, "LINIA_…", …)` and `hasattr(settings, "LINIA_…")`."""
    return [
        (node.lineno, source_of(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"getattr", "hasattr"}
        and len(node.args) >= 2
        and source_of(node.args[0]).split(".")[-1] == "settings"
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
        and node.args[1].value.startswith("LINIA_")
    ]


def scan(paths: Iterator[Path], check) -> list[Finding]:
    return [
        Finding(relative(path), line, text) for path in paths for line, text in check(parse(path))
    ]


# --- the rules, applied to the project -----------------------------------------------------


def test_only_ticket_services_assign_the_status():
    findings = [
        finding
        for finding in scan(python_files(PACKAGE), status_assignments)
        if finding.path not in STATUS_WRITERS
    ]

    assert findings == [], "assign Ticket.status only in tickets/services.py:\n" + "\n".join(
        map(str, findings)
    )


@pytest.mark.parametrize("interface", ["web", "api"])
def test_interfaces_do_not_write(interface):
    root = PACKAGE / interface
    findings = [
        finding
        for finding in scan(python_files(root, include_tests=False), interface_writes)
        if not any(
            finding.path == path and snippet in finding.text
            for path, snippet in INTERFACE_WRITES_ALLOWED
        )
    ]

    assert findings == [], "views and API handlers call services to write:\n" + "\n".join(
        map(str, findings)
    )


def test_no_model_signals():
    findings = [
        finding
        for finding in scan(python_files(PACKAGE, include_tests=False), signal_uses)
        if finding.path not in SIGNALS_ALLOWED
    ]

    assert findings == [], "no domain logic in signals (STYLE.md rule 5):\n" + "\n".join(
        map(str, findings)
    )


def test_settings_are_read_directly():
    findings = scan(python_files(PACKAGE), settings_getattr)

    assert findings == [], "read settings.LINIA_X (defaults live in settings.py):\n" + "\n".join(
        map(str, findings)
    )


def test_the_scans_see_the_package():
    files = {relative(path) for path in python_files(PACKAGE)}

    assert "linia/tickets/services.py" in files
    assert not any("/migrations/" in path for path in files)


# --- the checks themselves -----------------------------------------------------------------


def lines(check, code: str) -> list[int]:
    return [line for line, _text in check(ast.parse(code))]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ticket.status = 'closed'", [1]),
        ("self.ticket.status = S.OPEN", [1]),
        ("tickets[0].status = 'new'", [1]),
        ("ticket.status += 'x'", [1]),
        ("ticket.status: str = 'open'", [1]),
        ("a = ticket.status = 'open'", [1]),
        ("setattr(ticket, 'status', 'open')", [1]),
        ("Ticket.objects.filter(pk=1).update(status='closed')", [1]),
        ("Ticket.objects.bulk_update(tickets, ['status', 'updated_at'])", [1]),
        ("Ticket.objects.bulk_update(tickets, fields=['status'])", [1]),
        ("row.status = OutboundStatus.SENT", []),
        ("status = ticket.status", []),
        ("ticket.subject = 'x'", []),
        ("Ticket.objects.filter(status='new').update(priority='P1')", []),
    ],
)
def test_status_check(code, expected):
    assert lines(status_assignments, code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ticket.save()", [1]),
        ("form.save(commit=False)", [1]),
        ("attachment.delete()", [1]),
        ("Ticket.objects.create(subject='x')", [1]),
        ("Ticket.objects.filter(pk=1).update(subject='x')", [1]),
        ("User.objects.get_or_create(username='x')", [1]),
        ("Ticket.objects.all()[0:5].delete()", [1]),
        ("context.update({'a': 1})", []),
        ("services.create_ticket(actor=a)", []),
        ("queries.visible_tickets(a).filter(pk=1)", []),
    ],
)
def test_interface_write_check(code, expected):
    assert lines(interface_writes, code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("@receiver(post_save, sender=Ticket)\ndef f(**kw): pass", [1, 1]),
        ("from django.db.models.signals import post_save", [1]),
        ("from django.dispatch import receiver", [1]),
        ("signals.post_delete.connect(cleanup)", [1]),
        ("def save(self): pass", []),
    ],
)
def test_signal_check(code, expected):
    assert sorted(lines(signal_uses, code)) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("getattr(settings, 'LINIA_AUTO_CLOSE_DAYS', 3)", [1]),
        ("hasattr(django.conf.settings, 'LINIA_X')", [1]),
        ("getattr(settings, 'DEBUG', False)", []),
        ("settings.LINIA_AUTO_CLOSE_DAYS", []),
    ],
)
def test_settings_check(code, expected):
    assert lines(settings_getattr, code) == expected
