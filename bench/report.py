"""The report: Markdown tables on stdout and a small JSON file in bench/results/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import Result


@dataclass(frozen=True)
class Pair:
    """One line of the side-by-side table: Linia's measure against the peer's equivalent.
    A peer side of several requests (a page and the data it loads) adds their latencies."""

    label: str
    linia: str
    peer: tuple[str, ...]
    throughput: bool = False


PAIRS = (
    Pair("Ticket list, default view (all organizations)", "desk.queue.manager",
         ("hd.list.page", "hd.list.data")),
    Pair("Ticket list, text filter", "desk.queue.text.manager",
         ("hd.list.page.text", "hd.list.data.text")),
    Pair("Ticket list, deep page (all statuses)", "desk.queue.deep.manager",
         ("hd.list.page.all", "hd.list.data.deep")),
    Pair("Ticket page, 50 messages", "desk.ticket", ("hd.ticket",)),
    Pair("Requester's own requests", "portal.requests", ("hd.mine.page", "hd.mine.data")),
    Pair("API list, first page", "api.list", ("hd.api.list",)),
    Pair("API list, deep page", "api.list.deep", ("hd.api.list.deep",)),
    Pair("API create, 1 client", "api.create.c1", ("hd.api.create.c1",), throughput=True),
    Pair("API create, 4 clients", "api.create.c4", ("hd.api.create.c4",), throughput=True),
    Pair("API create, 8 clients", "api.create.c8", ("hd.api.create.c8",), throughput=True),
    # Tickets per second: Linia's batches of 50 against the peer's one-at-a-time create (it
    # has no batch create).
    Pair("API create in batches, 4 clients (tickets/s)", "api.create.batch.c4",
         ("hd.api.create.c4",), throughput=True),
    # django-helpdesk has no knowledge-base or ticket full-text search and imports mail only
    # by polling a mailbox: these rows show "—" on its side.
    Pair("Ticket search, API q", "api.search", ()),
    Pair("KB search, API (requester)", "api.kb.search.requester", ()),
    Pair("E-mail ingest, one process", "email.ingest", (), throughput=True),
)  # fmt: skip


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _num(value: float | int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def measures_table(title: str, results: list[Result]) -> str:
    lines = [
        f"### {title}",
        "",
        "| measure | p50 ms | p95 ms | max ms | req/s | requests | SQL queries | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        label = r.label + (f" (×{r.concurrency})" if r.concurrency > 1 else "")
        note = r.note
        if r.items_per_second is not None:
            note = "; ".join(filter(None, [f"{r.items_per_second:,} items/s", note]))
        lines.append(
            f"| {label} | {_ms(r.p50_ms)} | {_ms(r.p95_ms)} | {_ms(r.max_ms)} | "
            f"{_num(r.per_second)} | {r.requests} | {_num(r.queries)} | {note} |"
        )
    return "\n".join(lines)


def side_by_side(linia: list[Result], peer: list[Result]) -> list[dict[str, Any]]:
    """The paired figures and their ratios (Linia ÷ peer)."""
    by_key = {r.key: r for r in [*linia, *peer]}
    rows = []
    for pair in PAIRS:
        mine = by_key.get(pair.linia)
        theirs = [by_key.get(key) for key in pair.peer]
        row: dict[str, Any] = {"label": pair.label, "linia": pair.linia, "peer": list(pair.peer)}
        if pair.throughput:
            ours = (mine.items_per_second or mine.per_second) if mine else None
            other = theirs[0].per_second if theirs and theirs[0] else None
            unit = "items/s" if mine and mine.items_per_second else "req/s"
            row.update(unit=unit, linia_value=ours, peer_value=other)
        else:
            ours = mine.p50_ms if mine else None
            parts = [r.p50_ms if r else None for r in theirs]
            other = None if any(p is None for p in parts) else round(sum(parts), 1)  # type: ignore[arg-type]
            row.update(unit="p50 ms", linia_value=ours, peer_value=other)
        if not pair.peer:
            row.update(peer_value=None, no_peer=True)
            other = None
        row["ratio"] = float(f"{ours / other:.3g}") if ours is not None and other else None
        rows.append(row)
    return rows


def _verdict(row: dict[str, Any]) -> str:
    if row["ratio"] is None:
        return "n/a"
    ratio = row["linia_value"] / row["peer_value"]
    if row["unit"] in ("req/s", "items/s"):
        return (
            f"Linia {ratio:.1f}× the throughput"
            if ratio >= 1
            else f"peer {1 / ratio:.1f}× the throughput"
        )
    return f"Linia {1 / ratio:.1f}× faster" if ratio <= 1 else f"Linia {ratio:.1f}× slower"


def side_by_side_table(rows: list[dict[str, Any]], rss: dict[str, float | None]) -> str:
    lines = [
        "### Side by side (same data, same machine, same run)",
        "",
        "| measure | unit | Linia | django-helpdesk | Linia ÷ helpdesk | |",
        "|---|---|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.get("no_peer"):
            lines.append(
                f"| {row['label']} | {row['unit']} | {_ms(row['linia_value'])} | — | — | "
                "no equivalent in django-helpdesk |"
            )
            continue
        ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.3g}"
        lines.append(
            f"| {row['label']} | {row['unit']} | {_ms(row['linia_value'])} | "
            f"{_ms(row['peer_value'])} | {ratio} | {_verdict(row)} |"
        )
    ours, theirs = rss.get("linia"), rss.get("helpdesk")
    ratio = f"{ours / theirs:.2f}" if ours and theirs else "n/a"
    lines.append(f"| Peak RSS of a web worker | MiB | {_ms(ours)} | {_ms(theirs)} | {ratio} | |")
    return "\n".join(lines)


def machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, "
        f"{machine['os']}; Python {machine['python']}, Django {machine['django']}, "
        f"gunicorn {machine['gunicorn']}; {machine['database']} {machine['database_version']}; "
        f"Linia {machine['linia_revision']}; load average {machine.get('load_average_at_start')}"
        + (f" → {machine['load_average_at_end']}" if machine.get("load_average_at_end") else "")
        + (
            f"; CPU probe {machine['cpu_probe_ms_at_start']} ms"
            if "cpu_probe_ms_at_start" in machine
            else ""
        )
        + (f" → {machine['cpu_probe_ms_at_end']} ms" if "cpu_probe_ms_at_end" in machine else "")
    )


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


def render_saved(path: Path) -> str:
    """The Markdown report of a saved results file."""
    data = json.loads(path.read_text())
    linia = [Result(**entry) for entry in data.get("linia", [])]
    peer = [Result(**entry) for entry in data.get("helpdesk", [])]
    sections = [
        f"## Linia benchmark: {data['tickets']:,} tickets, {data['database']} ({data['date']})",
        "",
        f"Machine: {machine_line(data['machine'])}",
        "",
        measures_table("Linia", linia),
    ]
    if peer:
        rss = data.get("peak_worker_rss_mib", {})
        sections += ["", measures_table("django-helpdesk", peer), "",
                     side_by_side_table(side_by_side(linia, peer), rss)]  # fmt: skip
    return "\n".join(sections)


def main() -> None:
    import sys

    for name in sys.argv[1:] or sorted(str(p) for p in Path("bench/results").glob("*.json"))[-1:]:
        print(render_saved(Path(name)))


if __name__ == "__main__":
    main()
