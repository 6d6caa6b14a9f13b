"""Threading headers for outgoing ticket mail: every message of a ticket refers to one
stable root Message-ID, so mail clients group them and replies can be matched back."""

from __future__ import annotations

from django.conf import settings


def mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    domain = address.rsplit("@", 1)[-1].strip(" >")
    return domain or "linia.localhost"


def ticket_root_message_id(number: int) -> str:
    return f"<ticket-{number}@{mail_domain()}>"


def thread_headers(number: int) -> dict[str, str]:
    root = ticket_root_message_id(number)
    return {"In-Reply-To": root, "References": root}
