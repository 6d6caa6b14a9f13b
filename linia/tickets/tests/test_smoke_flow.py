from django.core import mail

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import TicketEvent
from linia.tickets.tests.factories import make_ticket


def test_ticket_lifecycle_notifies_requester(world, django_capture_on_commit_callbacks):
    requester = actor(world.requester_a)
    agent = actor(world.agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(requester)
    assert ticket.number == 1001
    assert ticket.team == world.l1
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(actor=agent, number=ticket.number, body="Try turning it off and on.")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(
            actor=agent, number=ticket.number, to="resolved", resolution="Rebooted"
        )
        services.change_status(actor=requester, number=ticket.number, to="closed")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [
        "ticket.created",
        "ticket.message_added",
        "ticket.status_changed",
        "ticket.status_changed",
        "ticket.status_changed",
    ]
    assert [m.subject for m in mail.outbox][:2] == [
        "[#1001] Request registered: The printer does not print",
        "[#1001] New reply: The printer does not print",
    ]
    assert len(mail.outbox) == 5
