"""The demo installation, loaded once per module on an empty database (rolled back after)."""

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from linia.accounts.models import Team, User
from linia.directory.models import Contact, Organization
from linia.sla.models import Calendar, SlaContract
from linia.tickets.models import Category, Message, Ticket, TicketEvent
from linia.tickets.sla_clock import sla_status
from linia.tickets.workflow import TicketStatus

from .helpers import USERNAMES, run_demo


@pytest.fixture(scope="module")
def _demo_output(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_output: str, db) -> str:
    return _demo_output


def test_demo_creates_people_with_roles_languages_and_zones(demo):
    users = {user.username: user for user in User.objects.all()}
    assert sorted(users) == sorted(USERNAMES)
    assert Counter(user.role for user in users.values()) == {
        "admin": 1,
        "manager": 1,
        "agent": 4,
        "requester": 6,
        "client_manager": 3,
    }
    clients = {
        user.username: (contact.organization.name, user.language, user.time_zone)
        for contact in Contact.objects.select_related("organization", "user")
        if (user := contact.user) is not None
    }
    assert clients == {
        "olena": ("Dnipro Cargo", "uk", "Europe/Kyiv"),
        "taras": ("Dnipro Cargo", "uk", "Europe/Kyiv"),
        "iryna": ("Dnipro Cargo", "uk", "Europe/Kyiv"),
        "kasia": ("Nowak & Partners Law Office", "pl", "Europe/Warsaw"),
        "piotr": ("Nowak & Partners Law Office", "pl", "Europe/Warsaw"),
        "marek": ("Nowak & Partners Law Office", "pl", "Europe/Warsaw"),
        "svetlana": ("Zdorovye Family Clinic", "ru", "Europe/Moscow"),
        "dmitry": ("Zdorovye Family Clinic", "ru", "Europe/Moscow"),
        "natalia": ("Zdorovye Family Clinic", "ru", "Europe/Moscow"),
    }
    assert {
        users[name].language
        for name in ["admin", "manager", "agent1", "agent2", "engineer", "lead"]
    } == {"en", "ru"}
    assert users["admin"].is_superuser is True
    assert all(user.check_password("linia-demo") for user in users.values())


def test_demo_creates_teams_organizations_and_categories(demo):
    teams = {
        team.name: (team.tier, sorted(team.members.values_list("username", flat=True)))
        for team in Team.objects.all()
    }
    assert teams == {
        "L1 Service desk": (1, ["agent1", "agent2"]),
        "L2 Engineers": (2, ["engineer"]),
        "L3 Lead specialists": (3, ["lead"]),
    }
    for organization in Organization.objects.all():
        assert sorted(organization.teams.values_list("tier", flat=True)) == [1, 2, 3]
    assert Organization.objects.count() == 3
    paths = {
        f"{category.parent.name} › {category.name}" if category.parent else category.name
        for category in Category.objects.select_related("parent")
    }
    assert {
        "Workstations › Printers",
        "Workstations › Software",
        "Network › VPN",
        "Network › Wi-Fi",
        "Accounts & access › Password reset",
        "Servers",
        "Telephony",
    } <= paths
    servers = Category.objects.get(name="Servers")
    assert servers.default_team is not None
    assert (servers.default_tier, servers.default_team.name) == (2, "L2 Engineers")


def test_demo_tickets_cover_every_state(demo):
    statuses = Counter(Ticket.objects.values_list("status", flat=True))
    assert statuses == {
        "new": 6,
        "open": 3,
        "in_progress": 4,
        "pending": 3,
        "resolved": 2,
        "closed": 3,
        "cancelled": 1,
    }
    assert set(statuses) <= set(TicketStatus.values)
    assert Ticket.objects.filter(is_auto_closed=True).count() == 1
    assert sorted(Ticket.objects.values_list("tier", "team__name").distinct()) == [
        (1, "L1 Service desk"),
        (2, "L2 Engineers"),
        (3, "L3 Lead specialists"),
    ]
    assert Ticket.objects.filter(training_recommended=True).count() == 1
    assert Ticket.objects.exclude(resolution="").count() == 5


def test_demo_escalations_carry_reasons(demo):
    escalations = TicketEvent.objects.filter(kind="ticket.escalated").order_by("id")
    assert [(event.old_value, event.new_value) for event in escalations] == [
        ("1", "2"),
        ("2", "3"),
        ("1", "2"),
    ]
    assert all(event.payload["reason"] for event in escalations)


def test_demo_threads_have_public_replies_and_internal_notes(demo):
    assert Message.objects.filter(is_internal=True).count() == 7
    assert Message.objects.filter(is_internal=False, is_from_staff=True).count() == 14
    assert Message.objects.filter(is_from_staff=False).count() == 4
    ticket = Ticket.objects.get(subject="Сервер WMS дуже повільно відповідає")
    assert ticket.priority == "P1"
    assert ticket.assignee is not None
    assert ticket.assignee.username == "lead"


def test_every_status_change_is_recorded(demo):
    for ticket in Ticket.objects.all():
        kinds = list(ticket.events.values_list("kind", flat=True))
        assert kinds[0] == "ticket.created"
        assert kinds.count("ticket.created") == 1
        last_status = ticket.events.filter(kind="ticket.status_changed").last()
        expected = "new" if last_status is None else last_status.new_value
        assert ticket.status == expected


def test_demo_is_idempotent(demo):
    counts = (
        User.objects.count(),
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        Category.objects.count(),
    )
    output = run_demo()
    assert "The demo data is already loaded." in output
    assert (
        User.objects.count(),
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        Category.objects.count(),
    ) == counts


def test_demo_prints_every_login(demo):
    assert (
        "Demo data loaded: 15 users, 3 organizations, 3 teams, 13 categories, 22 tickets." in demo
    )
    table_lines = demo.split("Login ", 1)[1].splitlines()[2:]
    listed = [line.split()[0] for line in table_lines if line.strip()]
    assert listed == USERNAMES
    assert all("linia-demo" in line for line in table_lines if line.strip())


def test_demo_users_can_sign_in(demo, client):
    assert client.login(username="kasia", password="linia-demo") is True
    assert client.login(username="agent1", password="linia-demo") is True


def test_demo_has_a_24x7_and_a_kyiv_business_hours_contract(demo):
    contracts = {
        contract.organization.name: (
            contract.policy.name,
            contract.policy.calendar.name if contract.policy.calendar else "",
        )
        for contract in SlaContract.objects.filter(is_active=True).select_related(
            "organization", "policy__calendar"
        )
    }
    assert contracts == {
        "Zdorovye Family Clinic": ("Premium 24/7", "24/7"),
        "Dnipro Cargo": ("Business hours (Kyiv)", "Kyiv business hours"),
    }
    kyiv = Calendar.objects.get(name="Kyiv business hours")
    assert (kyiv.timezone, kyiv.holidays_country, kyiv.is_24x7) == ("Europe/Kyiv", "UA", False)
    days_off = set(kyiv.days.filter(kind="off").values_list("date", flat=True))
    assert {date(2026, 8, 24), date(2026, 10, 1), date(2026, 12, 25)} <= days_off
    assert Calendar.objects.get(name="24/7").is_24x7 is True


def test_demo_has_tickets_in_warning_and_in_breach(demo):
    now = timezone.now()
    states = {
        ticket.subject: sla_status(ticket, now).state
        for ticket in Ticket.objects.filter(organization__name="Zdorovye Family Clinic")
    }
    assert states["Подключить второй монитор в кабинете 12"] == "warning"
    assert states["Лаборатория не может отправить результаты анализов"] == "breached"


def test_demo_knowledge_base_has_articles_in_every_language(demo):
    from linia.kb.models import Article, ArticleSearchDocument, KbCategory

    languages = Counter(Article.objects.values_list("language", flat=True))
    assert set(languages) == {"en", "ru", "uk", "pl"}
    assert min(languages.values()) >= 10
    assert Counter(Article.objects.values_list("status", flat=True)) == {
        "published": Article.objects.count() - 1,
        "archived": 1,
    }
    assert ArticleSearchDocument.objects.count() == Article.objects.count()
    assert not Article.objects.exclude(revision_number=1).exists()
    assert Article.objects.filter(visibility="internal").count() >= 3
    assert sorted(
        Article.objects.filter(visibility="organizations").values_list(
            "organizations__name", flat=True
        )
    ) == ["Dnipro Cargo", "Nowak & Partners Law Office", "Zdorovye Family Clinic"]
    paths = {
        f"{category.parent.name} › {category.name}" if category.parent else category.name
        for category in KbCategory.objects.select_related("parent")
    }
    assert {"Printing & scanning › Printers", "Network & VPN › VPN", "Security"} <= paths


def test_demo_knowledge_base_feeds_the_upkeep_lists(demo):
    from linia.kb import queries as kb_queries
    from linia.kb.models import ArticleTicketLink

    assert sorted(a.title for a in kb_queries.stale_articles()) == [
        "L1: checklist before escalating a VPN ticket",
        "L2: перевірка стану RAID на сервері клієнта",
    ]
    assert [a.title for a in kb_queries.most_used_articles(limit=2)] == [
        "The printer shows “Offline” in Windows",
        "Connecting to the office VPN from home",
    ]
    assert [a.title for a in kb_queries.least_helpful_articles(limit=2)] == [
        "VPN rozłącza się co kilka minut",
        "Nobody hears me in Teams or Zoom",
    ]
    documented = {
        (link.article.title, link.ticket.subject, link.ticket.status)
        for link in ArticleTicketLink.objects.filter(kind="documents").select_related(
            "article", "ticket"
        )
    }
    assert documented == {
        (
            "Outlook на телефоні не синхронізує календар",
            "Outlook на телефоні не синхронізує календар",
            "closed",
        ),
        (
            "Jak udostępnić kalendarz w Outlooku asystentce",
            "Jak udostępnić kalendarz asystentce?",
            "resolved",
        ),
    }


def test_demo_knowledge_base_respects_visibility(demo):
    from linia.directory.access import actor_for_user
    from linia.kb import queries as kb_queries

    def titles(username: str) -> set[str]:
        reader = actor_for_user(User.objects.get(username=username))
        return set(kb_queries.visible_articles(reader).values_list("title", flat=True))

    kasia, olena = titles("kasia"), titles("olena")
    assert "System informacji prawnej: instalacja na nowym laptopie" in kasia
    assert "System informacji prawnej: instalacja na nowym laptopie" not in olena
    assert "Друк накладних на складі в Борисполі" in olena - kasia
    assert "L2: resetting a stuck print spooler on the terminal server" not in kasia | olena
    assert "L2: resetting a stuck print spooler on the terminal server" in titles("agent1")
