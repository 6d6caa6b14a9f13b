# ruff: noqa: S603  (runs our own console script)
"""IMAP against a real dovecot on loopback: peek, ingest, then flag \\Seen after commit."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from imap_tools import AND, MailBoxUnencrypted

from linia.channels.email import imap
from linia.channels.email.imap import poll_all
from linia.channels.email.models import InboundEmail, Mailbox, Security
from linia.tickets.models import Message, Ticket

from .dovecot import PASSWORD, USER, Dovecot, dovecot_binary, start_dovecot
from .factories import raw_email

pytestmark = [pytest.mark.real_server, pytest.mark.imap]


@pytest.fixture
def dovecot():
    if dovecot_binary() is None:
        pytest.skip("dovecot is not installed (scripts/install-system-deps.sh installs it)")
    # A short path: dovecot's unix sockets live under it.
    server = start_dovecot(Path(tempfile.mkdtemp(prefix="linia-dovecot-")))
    yield server
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


def _mailbox(server: Dovecot, *, password: str = PASSWORD) -> Mailbox:
    mailbox = Mailbox(
        name="Support",
        host="127.0.0.1",
        port=server.port,
        security=Security.NONE,
        username=USER,
    )
    mailbox.set_secret("password", password)
    mailbox.save()
    return mailbox


def _flags(server: Dovecot) -> dict[str, bool]:
    with MailBoxUnencrypted("127.0.0.1", server.port).login(USER, PASSWORD) as client:
        return {
            message.headers["message-id"][0]: "\\Seen" in message.flags
            for message in client.fetch(AND(all=True), mark_seen=False, headers_only=True)
        }


def test_poll_creates_tickets_and_flags_seen_after_commit(world, dovecot):
    dovecot.deliver(raw_email(message_id="<m1@x.test>", subject="First"))
    dovecot.deliver(
        raw_email(message_id="<m2@x.test>", subject="Second", sender="new@nowhere.test")
    )
    mailbox = _mailbox(dovecot)

    [report] = poll_all()

    assert report.error == ""
    assert [result.outcome for result in report.results] == ["created", "created"]
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", "Second"]
    assert _flags(dovecot) == {"<m1@x.test>": True, "<m2@x.test>": True}
    mailbox.refresh_from_db()
    assert (mailbox.consecutive_failures, mailbox.last_error) == (0, "")
    assert mailbox.last_success_at is not None
    assert set(InboundEmail.objects.values_list("source", "mailbox_id")) == {("imap", mailbox.pk)}
    # A second poll finds nothing new.
    assert poll_all()[0].results == []


def test_a_failure_before_commit_leaves_the_message_unseen(world, dovecot, monkeypatch):
    for number in (1, 2, 3):
        dovecot.deliver(raw_email(message_id=f"<c{number}@x.test>", subject=f"Crash {number}"))
    mailbox = _mailbox(dovecot)
    monkeypatch.setattr(imap, "BATCH_SIZE", 1)
    real = imap.ingest_batch
    calls = []

    def crash_on_second(raws, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed after fetch, before commit")
        return real(raws, **kwargs)

    with mock.patch.object(imap, "ingest_batch", side_effect=crash_on_second):
        [report] = poll_all()

    assert report.error == "RuntimeError: killed after fetch, before commit"
    assert _flags(dovecot) == {"<c1@x.test>": True, "<c2@x.test>": False, "<c3@x.test>": False}
    mailbox.refresh_from_db()
    assert mailbox.consecutive_failures == 1

    [report] = poll_all()

    assert [result.outcome for result in report.results] == ["created", "created"]
    assert Ticket.objects.count() == 3
    assert set(_flags(dovecot).values()) == {True}


def test_a_crash_between_commit_and_flag_gives_a_duplicate_not_a_second_ticket(world, dovecot):
    dovecot.deliver(raw_email(message_id="<d1@x.test>", subject="Once"))
    _mailbox(dovecot)
    real = imap.ingest_batch

    def commit_then_crash(raws, **kwargs):
        real(raws, **kwargs)
        raise RuntimeError("killed after commit, before flagging")

    with mock.patch.object(imap, "ingest_batch", side_effect=commit_then_crash):
        poll_all()
    assert _flags(dovecot) == {"<d1@x.test>": False}

    [report] = poll_all()

    assert [result.outcome for result in report.results] == ["duplicate"]
    assert Ticket.objects.count() == 1
    assert _flags(dovecot) == {"<d1@x.test>": True}


def test_a_reply_by_imap_lands_on_its_ticket(world, dovecot):
    dovecot.deliver(raw_email(message_id="<r1@x.test>", subject="Printer"))
    _mailbox(dovecot)
    poll_all()
    number = Ticket.objects.get().number
    dovecot.deliver(
        raw_email(
            subject="Re: Printer", body="Still broken.", headers={"In-Reply-To": "<r1@x.test>"}
        )
    )

    [report] = poll_all()

    assert [(r.outcome, r.ticket_number) for r in report.results] == [("appended", number)]
    assert Message.objects.get(ticket__number=number).body == "Still broken."


def test_a_mailbox_that_cannot_log_in_counts_failures(world, dovecot):
    mailbox = _mailbox(dovecot, password="wrong")

    for _ in range(3):
        poll_all()

    mailbox.refresh_from_db()
    assert mailbox.consecutive_failures == 3
    assert "MailboxLoginError" in mailbox.last_error


@pytest.mark.slow  # a real `linia poll-imap` process killed with SIGKILL mid-batch (~10 s)
def test_kill_9_mid_batch_loses_and_doubles_nothing(dovecot, tmp_path):
    database = tmp_path / "kill.sqlite3"
    env = {
        **os.environ,
        "LINIA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "linia.config.settings",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    linia = [sys.executable, "-m", "linia"]
    subprocess.run([*linia, "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run(
        [
            *linia,
            "shell",
            "-c",
            (
                "from linia.channels.email.models import Mailbox; "
                f"m = Mailbox(name='m', host='127.0.0.1', port={dovecot.port}, "
                f"security='none', username='{USER}'); "
                f"m.set_secret('password', '{PASSWORD}'); m.save()"
            ),
        ],
        env=env,
        check=True,
        timeout=120,
    )
    total = 120
    for number in range(total):
        dovecot.deliver(
            raw_email(
                message_id=f"<k{number}@x.test>",
                subject=f"Kill {number}",
                sender=f"user{number % 7}@nowhere.test",
            )
        )
    env["LINIA_EMAIL_RATE_LIMIT"] = "100000"
    kills = 0
    for _attempt in range(3):
        poller = subprocess.Popen(
            [*linia, "poll-imap"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        target = 20 * (_attempt + 1)
        while time.monotonic() < deadline and poller.poll() is None:
            with sqlite3.connect(database) as db:
                done = db.execute("select count(*) from email_channel_inboundemail").fetchone()[0]
            if done >= target:
                poller.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.02)
        poller.wait(timeout=60)
    subprocess.run(
        [*linia, "poll-imap"], env=env, check=True, timeout=300, stdout=subprocess.DEVNULL
    )

    assert kills >= 1
    with sqlite3.connect(database) as db:
        subjects = [row[0] for row in db.execute("select subject from tickets_ticket")]
    assert sorted(subjects) == sorted(f"Kill {number}" for number in range(total))
    assert set(_flags(dovecot).values()) == {True}
