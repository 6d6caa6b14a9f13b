"""How many typical e-mail messages one process ingests per second.

    .venv/bin/python bench/email_ingest.py                    # 1000 messages, SQLite (temp file)
    .venv/bin/python bench/email_ingest.py --messages 3000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/email_bench .venv/bin/python bench/email_ingest.py
    .venv/bin/python bench/email_ingest.py --batch 1          # one at a time (pipe, SMTP)

The mix: 60 % new requests from known contacts, 30 % replies threaded by In-Reply-To, 10 %
from unknown senders (a contact in "Unsorted" is created). Each message is a few hundred
bytes of text, a third of them with a 20 kB attachment. Everything goes through
`ingest_batch` in batches of 100, as the IMAP poller ingests (`--batch 1`: `ingest_message`,
one at a time, as the pipe and the SMTP receiver do), including raw storage, parsing,
threading and the ticket services; event
handlers (notification mail) are enqueued (Redis when REDIS_URL is set, as in production;
SQLite otherwise) and run afterwards by the task consumer: not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _setup(database_url: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="linia-email-bench-"))
    os.environ["LINIA_VAR_DIR"] = str(work)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linia.config.settings")
    os.environ["LINIA_EMAIL_RATE_LIMIT"] = "1000000"
    # With REDIS_URL set, the task queue is Redis as in production (README), under a name of
    # its own that is flushed at the end; without it, Huey's SQLite file in the scratch folder.
    os.environ["LINIA_HUEY_NAME"] = f"linia-email-bench-{os.getpid()}"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _message(
    number: int, *, sender: str, subject: str, reply_to: str = "", attachment: bool = False
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@linia.localhost"
    message["Subject"] = subject
    message["Date"] = "Mon, 23 Nov 2026 10:00:00 +0200"
    message["Message-ID"] = f"<bench-{number}@mail.example.test>"
    if reply_to:
        message["In-Reply-To"] = reply_to
        message["References"] = reply_to
    message.set_content(
        "Добрый день!\n\nПосле обновления не запускается 1С на рабочем месте бухгалтера. "
        "Ошибка при подключении к серверу лицензий. Перезагрузка не помогла.\n\n"
        "С уважением,\nАнна\n\nOn Mon, 23 Nov 2026 at 09:00 Linia wrote:\n> Earlier text\n"
    )
    if attachment:
        message.add_attachment(
            b"x" * 20_000, maintype="application", subtype="pdf", filename="скан.pdf"
        )
    return message.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument(
        "--batch",
        type=int,
        default=100,
        help="messages per ingest_batch call, as the IMAP poller's BATCH_SIZE (1: one at a "
        "time through ingest_message, as the pipe and the SMTP receiver do)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line (bench)")
    args = parser.parse_args()
    _setup(os.environ.get("DATABASE_URL"))

    from linia.accounts.services import create_team
    from linia.channels.email.batch import ingest_batch
    from linia.channels.email.ingest import ingest_message
    from linia.core.access import SYSTEM_ACTOR
    from linia.directory import services as directory

    team = create_team(name="L1", tier=1, serves_all_organizations=True)
    organization = directory.create_organization(
        actor=SYSTEM_ACTOR, name="Bench client", team_ids=[team.pk]
    )
    senders = [
        directory.create_contact(
            organization_id=organization.pk, full_name=f"User {n}", email=f"user{n}@client.test"
        ).email
        for n in range(50)
    ]
    raws: list[bytes] = []
    for number in range(args.messages):
        kind = number % 10
        if kind < 6 or number < 10:
            raws.append(
                _message(
                    number,
                    sender=senders[number % 50],
                    subject=f"Request {number}",
                    attachment=number % 3 == 0,
                )
            )
        elif kind < 9:
            base = number - kind  # the new request of this group of ten, from the same sender
            raws.append(
                _message(
                    number,
                    sender=senders[base % 50],
                    subject="Re: Request",
                    reply_to=f"<bench-{base}@mail.example.test>",
                )
            )
        else:
            raws.append(_message(number, sender=f"stranger{number}@else.test", subject="Hello"))

    from django.db import connection

    outcomes: dict[str, int] = {}
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    latencies: list[float] = []
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for start in range(0, len(raws), args.batch):
            chunk = raws[start : start + args.batch]
            one = time.perf_counter()
            if args.batch == 1:
                results = [ingest_message(raw=chunk[0], source="pipe")]
            else:
                results = ingest_batch(chunk, source="imap")
            # Per message: a batch's time shared by its messages.
            latencies += [(time.perf_counter() - one) / len(chunk)] * len(chunk)
            for result in results:
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    elapsed = time.perf_counter() - started
    from huey.contrib.djhuey import HUEY

    HUEY.flush()  # the notification tasks were enqueued, not run: nothing to keep

    print(
        f"database: {connection.vendor}; task queue: {type(HUEY).__name__}; batches of {args.batch}"
    )
    print(f"messages: {len(raws)} in {elapsed:.2f} s → {len(raws) / elapsed:.0f} messages/s")
    print(f"queries: {queries / len(raws):.1f} per message (with the after-commit dispatch)")
    print(f"outcomes: {outcomes}")
    if args.json:
        latencies.sort()

        def ms(share: float) -> float:
            return round(latencies[max(0, int(share * len(latencies)) - 1)] * 1000, 1)

        print(json.dumps({
            "vendor": connection.vendor, "messages": len(raws), "seconds": round(elapsed, 2),
            "per_second": round(len(raws) / elapsed, 1),
            "queries_per_message": round(queries / len(raws), 1),
            "p50_ms": ms(0.5), "p95_ms": ms(0.95), "max_ms": ms(1.0), "outcomes": outcomes,
            "batch": args.batch,
        }))  # fmt: skip


if __name__ == "__main__":
    main()
