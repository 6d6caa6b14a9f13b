"""Message-ID / References helpers shared by inbound and outbound mail.

Every message Linia sends about a ticket (notifications, escalation mail) refers to one stable
root Message-ID, so mail clients group them and replies can be matched back to the ticket."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

# Channels that receive mail register here the Message-IDs a ticket received (oldest first),
# so that outgoing mail refers to the requester's own message; the senders (notifications,
# escalation) never import the channels, which sit above them.
ReferenceProvider = Callable[[int], list[str]]
_reference_providers: list[ReferenceProvider] = []


def register_reference_provider(provider: ReferenceProvider) -> None:
    if provider not in _reference_providers:
        _reference_providers.append(provider)


def mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    domain = address.rsplit("@", 1)[-1].strip(" >")
    return domain or "linia.localhost"


def ticket_root_message_id(number: int) -> str:
    return f"<ticket-{number}@{mail_domain()}>"


def thread_headers(number: int) -> dict[str, str]:
    """In-Reply-To the last message the ticket received by e-mail (else the root), and
    References the root followed by the received messages (at most the last ten)."""
    root = ticket_root_message_id(number)
    received = [mid for provider in _reference_providers for mid in provider(number)][-10:]
    return {
        "In-Reply-To": received[-1] if received else root,
        "References": " ".join([root, *received]),
    }
