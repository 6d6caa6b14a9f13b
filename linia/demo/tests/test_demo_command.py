"""`linia demo` on databases that are empty or hold other data."""

import pytest
from django.core import mail
from django.core.management import CommandError

from linia.accounts.models import User
from linia.directory.models import Organization
from linia.tickets.models import Ticket

from .helpers import run_demo


@pytest.mark.slow  # builds the whole demo and renders every notification (about 90 e-mails)
def test_demo_notifications_go_only_to_reserved_addresses(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_demo("--no-table")
    assert len(mail.outbox) > 20
    recipients = {address for message in mail.outbox for address in message.to}
    assert all(address.endswith(".example") for address in recipients)


def test_print_only_loads_nothing(db):
    output = run_demo("--print")
    assert "olena" in output
    assert "linia-demo" in output
    assert User.objects.count() == 0


def test_print_if_loaded_is_silent_without_demo(db):
    assert run_demo("--print", "--if-loaded") == ""


def test_demo_refuses_a_database_with_other_data(world):
    with pytest.raises(CommandError, match="fresh installation"):
        run_demo()
    assert Ticket.objects.count() == 0
    assert not Organization.objects.filter(name="Dnipro Cargo").exists()


def test_if_fresh_skips_a_database_with_other_data(world):
    output = run_demo("--if-fresh")
    assert output == (
        "Demo data not loaded: these log-ins already exist: admin, lead, manager; "
        "some demo organizations or teams already exist.\n"
    )
    assert not Organization.objects.filter(name="Dnipro Cargo").exists()
