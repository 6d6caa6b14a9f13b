# ruff: noqa: S603  (runs our own console script)
"""The round trip docs/email.md shows an administrator, through the real commands on a
database the demo built: mail in → ticket, agent reply in the desk → outbox with threading
headers, the requester's answer to it → appended to the ticket."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from pathlib import Path

import pytest

REQUEST = b"""\
From: Olena Shevchuk <olena@dnipro-cargo.example>
To: support@linia.localhost
Subject: The warehouse printer does not print
Message-ID: <printer-1@dnipro-cargo.example>
Content-Type: text/plain; charset=utf-8

Good morning! The printer in the Brovary warehouse prints blank pages since today.
"""

# What the administrator does in the desk (log in as agent1, reply) and what the task
# consumer (`linia serve` runs it) then does, in one `linia shell -c`.
AGENT_REPLIES = """
import json
from django.test import Client
from huey.contrib.djhuey import HUEY
from linia.accounts.models import User
from linia.notifications.models import OutboundEmail
agent = Client()
agent.force_login(User.objects.get(username="agent1"))
status = agent.post(
    "/desk/tickets/NUMBER/messages/", {"body": "An engineer is on his way to Brovary."}
).status_code
while (task := HUEY.dequeue()) is not None:
    HUEY.execute(task)
manager = Client()
manager.force_login(User.objects.get(username="manager"))
outbox_page = manager.get("/desk/outbox/").content.decode()
reply = OutboundEmail.objects.get(ticket_number=NUMBER, body_text__contains="on his way")
print(json.dumps({"status": status, "raw": bytes(reply.raw).decode(), "listed": reply.subject in outbox_page}))
"""


def _answer(to: email.message.EmailMessage) -> bytes:
    # What Olena's mail client sends back: no [#N] tag, threaded by In-Reply-To alone.
    return (
        "From: Olena Shevchuk <olena@dnipro-cargo.example>\n"
        "To: support@linia.localhost\n"
        "Subject: Re: printer\n"
        "Message-ID: <printer-2@dnipro-cargo.example>\n"
        f"In-Reply-To: {to['Message-ID']}\n"
        f"References: {to['References']} {to['Message-ID']}\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Thank you, he is here.\n"
    ).encode()


@pytest.mark.slow  # builds a demo database in subprocesses (a minute on a busy machine)
def test_the_documented_round_trip_on_the_demo(tmp_path: Path):
    env = {
        "LINIA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PATH": "/usr/bin:/bin",
    }
    linia = [sys.executable, "-m", "linia"]

    def run(*args: str, stdin: bytes = b"") -> str:
        done = subprocess.run(
            [*linia, *args], env=env, input=stdin, capture_output=True, check=False, timeout=600
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        return done.stdout.decode().strip()

    run("migrate", "-v0")
    run("demo", "--no-table")
    created = run("ingest-email", "--mailbox", "Demo support", "-", stdin=REQUEST)
    assert created.startswith("created ")
    number = int(created.split()[1])

    output = run("shell", "-c", AGENT_REPLIES.replace("NUMBER", str(number)))
    shown = json.loads(output.splitlines()[-1])  # after the shell's own greeting

    assert shown["status"] == 302
    assert shown["listed"] is True
    reply = email.message_from_string(shown["raw"], policy=email.policy.default)
    assert reply["To"] == "olena@dnipro-cargo.example"
    assert str(reply["Subject"]).strip().startswith(f"[#{number}] ")
    assert reply["In-Reply-To"] == "<printer-1@dnipro-cargo.example>"
    assert str(reply["References"]).split() == [
        f"<ticket-{number}@linia.localhost>",
        "<printer-1@dnipro-cargo.example>",
    ]
    answer = _answer(reply)
    assert run("ingest-email", "--mailbox", "Demo support", "-", stdin=answer) == (
        f"appended {number}"
    )
    assert run("ingest-email", "--mailbox", "Demo support", "-", stdin=answer) == (
        f"duplicate {number}"
    )
    misconfigured = subprocess.run(
        [*linia, "ingest-email", "--mailbox", "Nowhere", "-"],
        env=env,
        input=answer,
        capture_output=True,
        check=False,
        timeout=600,
    )
    # A wrong --mailbox in the MTA's configuration: the MTA keeps the mail and retries.
    assert (misconfigured.returncode, misconfigured.stderr.decode().strip()) == (
        75,
        "no mailbox named 'Nowhere'",
    )
