"""Raw messages for tests."""

from __future__ import annotations

import itertools
from email.message import EmailMessage

_sequence = itertools.count(1)


def raw_email(
    *,
    sender: str = "anna@example.test",
    subject: str = "VPN does not connect",
    body: str = "Since this morning the VPN does not connect.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@linia.localhost"
    message["Subject"] = subject
    message["Date"] = "Mon, 23 Nov 2026 10:00:00 +0200"
    message["Message-ID"] = message_id or f"<test-{next(_sequence)}@mail.example.test>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()
