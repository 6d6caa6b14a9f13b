"""create_ticket: numbering, priority, routing, the requester, the time received, files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile

from linia.core.errors import Forbidden, Invalid, NotFound, TooLarge
from linia.directory.models import Contact
from linia.directory.tests.factories import actor, make_user
from linia.tickets import services
from linia.tickets.models import Attachment, PriorityRule, Ticket, TicketEvent
from linia.tickets.services import DEFAULT_MATRIX, IncomingFile
from linia.tickets.tests.factories import make_ticket

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def incoming(name: str = "report.txt", data: bytes = b"printer log", **kwargs) -> IncomingFile:
    return IncomingFile(name=name, content=ContentFile(data), size=len(data), **kwargs)


def assert_nothing_written() -> None:
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert Attachment.objects.count() == 0


def stored_files() -> list[str]:
    root = settings.MEDIA_ROOT / "attachments"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- numbers ------------------------------------------------------------------------------


def test_numbers_start_at_the_setting_and_increase(shared_world):
    requester = actor(shared_world.requester_a)

    numbers = [make_ticket(requester).number for _ in range(3)]

    first = settings.LINIA_FIRST_TICKET_NUMBER
    assert numbers == [first, first + 1, first + 2]


def test_numbers_jump_to_a_raised_first_number(shared_world, settings):
    requester = actor(shared_world.requester_a)
    make_ticket(requester)
    settings.LINIA_FIRST_TICKET_NUMBER = 5000

    numbers = [make_ticket(requester).number for _ in range(2)]

    assert numbers == [5000, 5001]


def test_failed_creation_does_not_use_a_number(shared_world):
    requester = actor(shared_world.requester_a)

    with pytest.raises(Invalid):
        make_ticket(requester, files=[incoming(f"f{i}.txt") for i in range(11)])
    ticket = make_ticket(requester)

    assert ticket.number == settings.LINIA_FIRST_TICKET_NUMBER


def test_created_ticket_has_one_event(shared_world):
    requester = actor(shared_world.requester_a)

    ticket = make_ticket(requester, channel="email")

    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.kind, event.actor_id, event.new_value) == (
        "ticket.created",
        shared_world.requester_a.pk,
        str(ticket.number),
    )
    assert event.payload == {"channel": "email", "priority": "P3", "tier": 1}
    assert event.is_internal is False
    assert (ticket.status, ticket.organization, ticket.requester) == (
        "new",
        shared_world.org_a,
        shared_world.contact_a,
    )
    assert ticket.created_by == shared_world.requester_a


# --- priority -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [pytest.param(i, u, p, id=f"{i}-{u}") for (i, u), p in DEFAULT_MATRIX.items()],
)
def test_priority_comes_from_the_matrix(shared_world, impact, urgency, priority):
    ticket = make_ticket(actor(shared_world.requester_a), impact=impact, urgency=urgency)

    assert ticket.priority == priority


def test_priority_defaults_to_medium_medium(shared_world):
    ticket = make_ticket(actor(shared_world.requester_a))

    assert (ticket.impact, ticket.urgency, ticket.priority) == ("medium", "medium", "P3")


def test_priority_follows_an_edited_matrix_row(shared_world):
    PriorityRule.objects.update_or_create(impact="low", urgency="low", defaults={"priority": "P1"})

    ticket = make_ticket(actor(shared_world.requester_a), impact="low", urgency="low")

    assert ticket.priority == "P1"


def test_staff_may_set_the_priority_directly(shared_world):
    agent = actor(shared_world.agent_a)

    ticket = make_ticket(
        agent, requester=shared_world.contact_a.pk, impact="low", urgency="low", priority="P1"
    )

    assert (ticket.impact, ticket.urgency, ticket.priority) == ("low", "low", "P1")


@pytest.mark.parametrize("user", ["requester_a", "client_manager_a"])
def test_clients_may_not_set_the_priority(shared_world, user):
    with pytest.raises(Forbidden) as caught:
        make_ticket(actor(getattr(shared_world, user)), priority="P1")

    assert caught.value.code == "forbidden"
    assert_nothing_written()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("priority", "P9", "invalid_priority"),
        ("impact", "huge", "invalid_impact"),
        ("urgency", "now", "invalid_urgency"),
        ("type", "rant", "invalid_type"),
        ("channel", "pigeon", "invalid_channel"),
    ],
)
def test_unknown_choices_are_invalid(shared_world, field, value, code):
    agent = actor(shared_world.agent_a)

    with pytest.raises(Invalid) as caught:
        make_ticket(agent, requester=shared_world.contact_a.pk, **{field: value})

    assert caught.value.code == code
    assert_nothing_written()


@pytest.mark.parametrize(
    ("subject", "code"),
    [("", "subject_required"), ("  ", "subject_required"), ("x" * 251, "subject_too_long")],
)
def test_subject_is_checked(shared_world, subject, code):
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.requester_a), subject=subject)

    assert caught.value.code == code
    assert_nothing_written()


# --- routing ------------------------------------------------------------------------------


def test_without_category_the_ticket_goes_to_the_l1_team_of_the_organization(shared_world):
    ticket_a = make_ticket(actor(shared_world.requester_a))
    ticket_b = make_ticket(actor(shared_world.requester_b))

    assert (ticket_a.tier, ticket_a.team) == (1, shared_world.l1)
    assert (ticket_b.tier, ticket_b.team) == (1, shared_world.other_l1)


def test_category_routes_to_its_default_team(shared_world):
    category = services.create_category(
        name="Servers", default_team_id=shared_world.l2.pk, default_tier=2
    )

    ticket = make_ticket(actor(shared_world.requester_a), category_id=category.pk)

    assert (ticket.category, ticket.tier, ticket.team) == (category, 2, shared_world.l2)


def test_category_tier_picks_the_tier_team_serving_the_organization(shared_world):
    category = services.create_category(name="Network", default_tier=2)

    ticket = make_ticket(actor(shared_world.requester_a), category_id=category.pk)

    assert (ticket.tier, ticket.team) == (2, shared_world.l2)


def test_category_tier_falls_back_to_a_team_serving_everyone(shared_world):
    category = services.create_category(name="Security", default_tier=3)

    ticket = make_ticket(actor(shared_world.requester_b), category_id=category.pk)

    assert (ticket.tier, ticket.team) == (3, shared_world.l3)


def test_category_team_not_serving_the_organization_is_not_used(shared_world):
    category = services.create_category(
        name="Servers", default_team_id=shared_world.l2.pk, default_tier=2
    )

    ticket = make_ticket(actor(shared_world.requester_b), category_id=category.pk)

    # L2 Engineers serve only Acme; Globex has no L2 team and nobody serves everyone at L2.
    assert (ticket.tier, ticket.team) == (2, None)


def test_inactive_category_is_invalid(shared_world):
    category = services.create_category(name="Old")
    type(category).objects.filter(pk=category.pk).update(is_active=False)

    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.requester_a), category_id=category.pk)

    assert caught.value.code == "invalid_category"
    assert_nothing_written()


# --- the requester ------------------------------------------------------------------------


def test_requester_files_for_themselves(shared_world):
    ticket = make_ticket(
        actor(shared_world.requester_a), requester=shared_world.colleague_contact_a.pk
    )

    assert (ticket.organization, ticket.requester) == (shared_world.org_a, shared_world.contact_a)


def test_client_manager_files_for_themselves_by_default(shared_world):
    ticket = make_ticket(actor(shared_world.client_manager_a))

    assert ticket.requester.user == shared_world.client_manager_a


@pytest.mark.parametrize("key", ["id", "email"])
def test_client_manager_may_name_a_colleague(shared_world, key):
    colleague = shared_world.colleague_contact_a
    ticket = make_ticket(
        actor(shared_world.client_manager_a),
        requester=colleague.pk if key == "id" else colleague.email.upper(),
    )

    assert (ticket.organization, ticket.requester) == (shared_world.org_a, colleague)


@pytest.mark.parametrize("key", ["id", "email"])
def test_client_manager_may_not_name_someone_of_another_organization(shared_world, key):
    contact_b = shared_world.contact_b

    with pytest.raises(NotFound):
        make_ticket(
            actor(shared_world.client_manager_a),
            requester=contact_b.pk if key == "id" else contact_b.email,
        )

    assert_nothing_written()


def test_client_without_a_contact_may_not_file(shared_world):
    lonely = make_user("requester")

    with pytest.raises(Forbidden):
        make_ticket(actor(lonely))

    assert_nothing_written()


@pytest.mark.parametrize("key", ["id", "id_text", "email"])
def test_staff_name_a_known_contact(shared_world, key):
    contact = shared_world.contact_a
    requester = {"id": contact.pk, "id_text": f" {contact.pk} ", "email": "ANNA@example.test"}[key]

    ticket = make_ticket(actor(shared_world.agent_a), requester=requester)

    assert (ticket.organization, ticket.requester) == (shared_world.org_a, contact)


def test_staff_unknown_email_with_organization_creates_a_contact(shared_world):
    contacts = Contact.objects.count()

    ticket = make_ticket(
        actor(shared_world.agent_a),
        requester="New.Person@Acme.test",
        organization_id=shared_world.org_a.pk,
    )

    assert Contact.objects.count() == contacts + 1
    created = ticket.requester
    assert (created.organization, created.email, created.full_name, created.user) == (
        shared_world.org_a,
        "new.person@acme.test",
        "new.person",
        None,
    )


def test_staff_unknown_email_without_organization_is_invalid(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.agent_a), requester="stranger@nowhere.test")

    assert caught.value.code == "organization_required"
    assert_nothing_written()


def test_staff_must_name_a_requester(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.agent_a))

    assert caught.value.code == "requester_required"


def test_staff_requester_must_be_an_email_or_id(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.agent_a), requester="anna")

    assert caught.value.code == "invalid_requester"


def test_requester_of_another_organization_than_named_is_invalid(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(
            actor(shared_world.lead),
            requester=shared_world.contact_a.pk,
            organization_id=shared_world.org_b.pk,
        )

    assert caught.value.code == "requester_organization_mismatch"
    assert_nothing_written()


def test_agent_not_serving_the_organization_gets_not_found_for_a_contact_id(shared_world):
    with pytest.raises(NotFound):
        make_ticket(actor(shared_world.agent_a), requester=shared_world.contact_b.pk)

    assert_nothing_written()


def test_agent_not_serving_the_organization_gets_not_found_for_a_new_email(shared_world):
    contacts = Contact.objects.count()

    with pytest.raises(NotFound):
        make_ticket(
            actor(shared_world.agent_a),
            requester="someone@globex.test",
            organization_id=shared_world.org_b.pk,
        )

    assert Contact.objects.count() == contacts
    assert_nothing_written()


def test_agent_is_not_told_that_an_email_belongs_to_another_client(shared_world):
    # bob@example.test is Globex's contact; agent_a serves only Acme.
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.agent_a), requester=shared_world.contact_b.email)

    assert caught.value.code == "organization_required"
    assert_nothing_written()


def test_agent_serving_everyone_files_for_any_organization(shared_world):
    ticket = make_ticket(actor(shared_world.lead), requester=shared_world.contact_b.pk)

    assert (ticket.organization, ticket.requester) == (shared_world.org_b, shared_world.contact_b)


def test_inactive_organization_takes_no_tickets(shared_world):
    type(shared_world.org_a).objects.filter(pk=shared_world.org_a.pk).update(is_active=False)

    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.requester_a))

    assert caught.value.code == "organization_inactive"
    assert_nothing_written()


# --- received_at --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_received_at_defaults_to_now(shared_world):
    ticket = make_ticket(actor(shared_world.requester_a))

    assert ticket.received_at == NOW


@time_machine.travel(NOW, tick=False)
def test_received_at_in_the_past_is_kept(shared_world):
    call = NOW - timedelta(hours=3, minutes=7)

    ticket = make_ticket(
        actor(shared_world.agent_a),
        requester=shared_world.contact_a.pk,
        channel="phone",
        received_at=call,
    )

    ticket.refresh_from_db()
    assert (ticket.received_at, ticket.created_at) == (call, NOW)


@time_machine.travel(NOW, tick=False)
def test_received_at_without_time_zone_is_invalid(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(
            actor(shared_world.agent_a),
            requester=shared_world.contact_a.pk,
            received_at=datetime(2026, 3, 2, 8, 0),
        )

    assert caught.value.code == "received_at_naive"
    assert_nothing_written()


@time_machine.travel(NOW, tick=False)
def test_received_at_in_the_future_is_invalid(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(
            actor(shared_world.agent_a),
            requester=shared_world.contact_a.pk,
            received_at=NOW + timedelta(hours=1),
        )

    assert caught.value.code == "received_at_future"
    assert_nothing_written()


# --- attachments --------------------------------------------------------------------------


def test_files_are_stored_with_one_event_each(shared_world):
    ticket = make_ticket(
        actor(shared_world.requester_a),
        files=[incoming("log.txt", b"abc"), incoming("shot.png", b"\x89PNG....")],
    )

    attachments = list(ticket.attachments.order_by("id"))
    assert [
        (a.filename, a.size, a.content_type, a.is_internal, a.message) for a in attachments
    ] == [
        ("log.txt", 3, "text/plain", False, None),
        ("shot.png", 8, "image/png", False, None),
    ]
    with attachments[0].file.open("rb") as stored:
        assert stored.read() == b"abc"
    kinds = list(ticket.events.order_by("id").values_list("kind", "new_value"))
    assert kinds == [
        ("ticket.created", str(ticket.number)),
        ("ticket.attachment_added", "log.txt"),
        ("ticket.attachment_added", "shot.png"),
    ]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", "attachment"),
        ("", "attachment"),
        ("report\x00.pdf", "report.pdf"),
        ("notes.txt. ", "notes.txt"),
    ],
)
def test_filenames_are_sanitised(shared_world, name, safe):
    ticket = make_ticket(actor(shared_world.requester_a), files=[incoming(name)])

    attachment = ticket.attachments.get()
    assert attachment.filename == safe
    assert attachment.file.name.startswith(f"attachments/{ticket.pk}/")


def test_too_large_file_is_refused(shared_world, settings):
    settings.LINIA_MAX_ATTACHMENT_BYTES = 10
    before = stored_files()

    with pytest.raises(TooLarge) as caught:
        make_ticket(
            actor(shared_world.requester_a),
            files=[incoming("ok.txt", b"small"), incoming("big.log", b"x" * 11)],
        )

    assert (caught.value.code, caught.value.http_status) == ("attachment_too_large", 413)
    assert "big.log" in caught.value.message
    assert_nothing_written()
    assert stored_files() == before


@pytest.mark.parametrize("name", ["setup.exe", "RUN.BAT", "script.js", "evil.exe.", "a.tar.dll"])
def test_blocked_extension_is_refused(shared_world, name):
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.requester_a), files=[incoming(name)])

    assert caught.value.code == "attachment_type_blocked"
    assert_nothing_written()


def test_empty_file_is_refused(shared_world):
    with pytest.raises(Invalid) as caught:
        make_ticket(actor(shared_world.requester_a), files=[incoming("empty.txt", b"")])

    assert caught.value.code == "attachment_empty"
    assert_nothing_written()


def test_too_many_files_are_refused(shared_world, settings):
    limit = settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE
    before = stored_files()

    with pytest.raises(Invalid) as caught:
        make_ticket(
            actor(shared_world.requester_a), files=[incoming(f"f{i}.txt") for i in range(limit + 1)]
        )

    assert caught.value.code == "too_many_attachments"
    assert_nothing_written()
    assert stored_files() == before
