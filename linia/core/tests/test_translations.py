"""The shipped translations (linia/locale): complete catalogs, intact placeholders, compiled
files in step with the sources, and pages, labels and e-mails that really come out translated.

After `make messages` adds new strings, this test fails until every entry is translated
(docs/i18n.md).
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from linia.core.errors import Invalid
from linia.directory.tests.factories import World, actor, make_requester
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket
from linia.tickets.workflow import TicketStatus
from linia.web.ui.templatetags.linia_ui import age

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ru", "uk", "pl"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdfir]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def where(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header is the entry with an empty msgid)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, key = None, None
            continue
        current = current or Entry()
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(current, key, ast.literal_eval(line))
        else:
            keyword, _space, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            key = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            _append(current, key, "", reset=True)
            _append(current, key, ast.literal_eval(value))
    return entries


def _append(entry: Entry, key: tuple[str, int] | None, text: str, reset: bool = False) -> None:
    assert key is not None, "a string continuation without a keyword"
    name, index = key
    if name == "msgstr":
        entry.msgstr[index] = ("" if reset else entry.msgstr.get(index, "")) + text
    else:
        attribute = {"msgid": "msgid", "msgid_plural": "msgid_plural", "msgctxt": "msgctxt"}[name]
        previous = "" if reset else getattr(entry, attribute) or ""
        setattr(entry, attribute, previous + text)


def catalog(language: str) -> tuple[Entry, list[Entry]]:
    entries = parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header and not e.obsolete]


def nplurals(header: Entry) -> int:
    match = re.search(r"nplurals=(\d+)", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header_names_the_language_and_three_plural_forms(language: str) -> None:
    header, _entries = catalog(language)
    assert f"Language: {language}\n" in header.msgstr[0]
    assert nplurals(header) == 3
    assert "fuzzy" not in header.flags


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language: str) -> None:
    header, entries = catalog(language)
    assert len(entries) > 400
    fuzzy = [e.where for e in entries if "fuzzy" in e.flags]
    forms = nplurals(header)
    untranslated = [
        e.where
        for e in entries
        if sorted(e.msgstr) != list(range(forms if e.msgid_plural else 1))
        or not all(text.strip() for text in e.msgstr.values())
    ]
    assert fuzzy == []
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    _header, entries = catalog(language)
    broken = []
    for entry in entries:
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for index, text in entry.msgstr.items():
            if set(PLACEHOLDER.findall(text)) != wanted:
                broken.append((entry.where, index))
    assert broken == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language: str) -> None:
    """The committed .mo says what the .po says (run `make messages` after editing a .po)."""
    _header, entries = catalog(language)
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for entry in entries:
        prefix = f"{entry.msgctxt}\x04" if entry.msgctxt else ""
        if entry.msgid_plural:
            found = [mo._catalog.get((prefix + entry.msgid, n)) for n in sorted(entry.msgstr)]  # type: ignore[attr-defined]
            if found != [entry.msgstr[n] for n in sorted(entry.msgstr)]:
                stale.append(entry.where)
        elif mo._catalog.get(prefix + entry.msgid) != entry.msgstr[0]:  # type: ignore[attr-defined]
            stale.append(entry.where)
    assert stale == []


def test_status_labels_are_translated() -> None:
    with translation.override("uk"):
        assert str(TicketStatus.RESOLVED.label) == "Вирішена"
        assert str(TicketStatus.PENDING.label) == "Очікує"
    with translation.override("ru"):
        assert str(TicketStatus.RESOLVED.label) == "Решена"
    with translation.override("pl"):
        assert str(TicketStatus.RESOLVED.label) == "Rozwiązane"


def test_plural_forms_follow_each_language() -> None:
    now = timezone.now()
    cases = {
        "ru": {61: "61 день", 62: "62 дня", 65: "65 дней", 111: "111 дней"},
        "uk": {61: "61 день", 62: "62 дні", 65: "65 днів", 111: "111 днів"},
        "pl": {61: "61 dni", 62: "62 dni", 65: "65 dni"},
    }
    for language, expected in cases.items():
        with translation.override(language):
            shown = {days: age(now - timedelta(days=days, hours=1), now) for days in expected}
        assert shown == expected


def test_domain_errors_name_the_field_in_the_users_language(world: World) -> None:
    with translation.override("uk"), pytest.raises(Invalid) as error:
        services.create_ticket(actor=actor(world.requester_a), subject="  ", description="")
    assert error.value.message == "Заповніть поле «тема»."
    assert error.value.code == "subject_required"


def test_ticket_created_mail_is_in_the_requesters_language(
    world: World, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    user, _contact = make_requester(world.org_a, username="piotr", language="pl")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(actor(user), subject="Drukarka nie drukuje")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([user.email], f"[#{ticket.number}] Zgłoszenie zarejestrowane: Drukarka nie drukuje")
    ]
    body = mail.outbox[0].body
    assert f"Twoje zgłoszenie zostało zarejestrowane pod numerem {ticket.number}." in body
    assert "Service Desk Linia" in body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("pl", ["Zaloguj się", "Nie pamiętasz loginu lub hasła?"]),
        ("uk", ["Увійти", "Ласкаво просимо до служби підтримки"]),
        ("ru", ["Войти", "Добро пожаловать в службу поддержки"]),
    ],
)
def test_login_page_follows_the_browser_language(
    client: Client, db: None, language: str, words: list[str]
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert [word for word in words if word not in body] == []


def test_signed_in_client_sees_pages_in_their_own_language(client: Client, world: World) -> None:
    user, _contact = make_requester(world.org_a, username="olena", language="uk")
    make_ticket(actor(user), subject="Сканер не працює")
    client.force_login(user)

    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Нова заявка" in home
    assert "Відкриті заявки" in home
    listing = client.get("/requests/?state=open").content.decode()
    # The list's tab ("open requests") and the ticket status are told apart.
    assert ">Відкриті</a>" in listing
    assert ">Нова</span>" in listing
