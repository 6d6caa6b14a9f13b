import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from linia.accounts import services as account_services
from linia.accounts.models import ApiToken, User
from linia.accounts.services import create_api_token

from .conftest import API, event_count


def test_missing_credentials_is_401(world):
    response = Client().get(f"{API}/tickets")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="Linia"'
    assert event_count() == 0


def test_unknown_token_is_401(world):
    response = Client(headers={"Authorization": "Bearer lin_not-a-token"}).get(f"{API}/me")

    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "The API token is invalid or has been revoked.",
    }
    assert event_count() == 0


def test_other_scheme_is_401(world):
    response = Client(headers={"Authorization": "Basic YWRtaW46YWRtaW4="}).get(f"{API}/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert event_count() == 0


def test_valid_token_authenticates(world):
    _row, token = create_api_token(username="anna")

    response = Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": world.requester_a.pk,
        "username": "anna",
        "name": world.requester_a.display_name,
        "email": "anna@example.test",
        "role": "requester",
        "is_staff": False,
        "organization": {"id": world.org_a.pk, "name": "Acme"},
        "contact_id": world.contact_a.pk,
        "language": "en",
        "time_zone": world.requester_a.time_zone,
    }


def test_me_for_staff_has_no_organization(world, api_as):
    response = api_as(world.agent_a).get(f"{API}/me")

    assert response.status_code == 200
    body = response.json()
    assert (body["role"], body["is_staff"], body["organization"], body["contact_id"]) == (
        "agent",
        True,
        None,
        None,
    )


def test_revoked_token_is_refused(world):
    row, token = create_api_token(username="anna")
    account_services.revoke_api_token(token_id=row.pk)

    response = Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert event_count() == 0


def test_token_of_inactive_user_is_refused(world):
    _row, token = create_api_token(username="anna")
    User.objects.filter(pk=world.requester_a.pk).update(is_active=False)

    response = Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/me")

    assert response.status_code == 401
    assert event_count() == 0


def test_last_used_at_is_written_at_most_once_a_minute(world):
    row, token = create_api_token(username="anna")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    start = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        client.get(f"{API}/me")
    row.refresh_from_db()
    assert row.last_used_at == start

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        client.get(f"{API}/me")
    row.refresh_from_db()
    assert row.last_used_at == start

    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        client.get(f"{API}/me")
    row.refresh_from_db()
    assert row.last_used_at == later


def test_session_authenticates_reads(world):
    client = Client()
    client.force_login(world.agent_a)

    response = client.get(f"{API}/me")

    assert response.status_code == 200
    assert response.json()["username"] == "agent_a"


def test_session_write_needs_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.requester_a)

    refused = client.post(
        f"{API}/tickets", {"subject": "No token"}, content_type="application/json"
    )
    client.get(f"{API}/docs")  # sets the CSRF cookie, as the docs page does in a browser
    accepted = client.post(
        f"{API}/tickets",
        {"subject": "With token"},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert accepted.status_code == 201
    assert accepted.json()["subject"] == "With token"
    assert event_count() == 1  # the accepted request's ticket only


def test_create_api_token_command_prints_a_working_token(world, capsys):
    call_command("create-api-token", "agent_a", "--name", "monitoring")

    token = capsys.readouterr().out.strip().splitlines()[-1]
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/me")

    assert response.status_code == 200
    assert response.json()["username"] == "agent_a"
    assert ApiToken.objects.get(digest=ApiToken.digest_of(token)).name == "monitoring"


@pytest.mark.slow  # builds the whole OpenAPI schema once (about half a second)
def test_openapi_schema_and_docs_page(db):
    schema = Client().get(f"{API}/openapi.json")
    docs = Client().get(f"{API}/docs")

    assert schema.status_code == 200
    assert (schema.json()["info"]["title"], schema.json()["info"]["version"]) == ("Linia", "1")
    assert "/api/v1/tickets/{number}/transitions" in schema.json()["paths"]
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
