"""After a firing commits: e-mail the people the rule names (hierarchical escalation).

The recipients were chosen inside the firing's transaction and stored on the timeline row;
this handler runs once per event (linia.tickets.tasks.run_event_handler_task).
"""

from __future__ import annotations

from linia.accounts.models import User
from linia.core.events import on
from linia.tickets import events
from linia.tickets.models import Ticket, TicketEvent

from .mail import send_rule_fired_mail


@on(events.ESCALATION_RULE_FIRED)
def notify_rule_fired(event: TicketEvent) -> None:
    user_ids = [pk for pk in event.payload.get("notify_user_ids") or [] if isinstance(pk, int)]
    if not user_ids:
        return
    ticket = Ticket.objects.select_related("organization", "team", "assignee").get(
        pk=event.ticket_id
    )
    recipients = User.objects.mailable().filter(pk__in=user_ids)
    for user in recipients.order_by("pk"):
        send_rule_fired_mail(ticket, event, user)
