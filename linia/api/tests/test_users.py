import pytest

from linia.accounts.models import User

from .conftest import API, event_count

JSON = "application/json"


def test_admin_creates_a_user(world, api_as):
    response = api_as(world.admin).post(
        f"{API}/users",
        {
            "username": "dmitro",
            "email": "Dmitro@Desk.example",
            "role": "agent",
            "password": "correct-horse-battery",
            "first_name": "Dmitro",
            "last_name": "K",
            "language": "uk",
            "time_zone": "Europe/Kyiv",
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "username": "dmitro",
        "email": "dmitro@desk.example",
        "first_name": "Dmitro",
        "last_name": "K",
        "name": "Dmitro K",
        "role": "agent",
        "language": "uk",
        "time_zone": "Europe/Kyiv",
        "is_active": True,
        "team_ids": [],
    }
    assert User.objects.get(username="dmitro").check_password("correct-horse-battery")


@pytest.mark.parametrize(
    ("_case", "payload", "code"),
    [
        ("taken login", {"username": "ANNA", "role": "requester"}, "username_taken"),
        (
            "taken e-mail",
            {"username": "x1", "email": "anna@example.test", "role": "agent"},
            "email_taken",
        ),
        ("weak password", {"username": "x2", "role": "agent", "password": "123"}, "invalid"),
        ("unknown role", {"username": "x3", "role": "god"}, "invalid"),
        ("bad login", {"username": "a b", "role": "agent"}, "invalid"),
        (
            "bad time zone",
            {"username": "x4", "role": "agent", "time_zone": "Mars/Base"},
            "invalid_time_zone",
        ),
        ("bad language", {"username": "x5", "role": "agent", "language": "xx"}, "invalid_language"),
    ],
)
def test_invalid_user_is_422(world, api_as, _case, payload, code):
    before = User.objects.count()

    response = api_as(world.admin).post(f"{API}/users", payload, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert User.objects.count() == before
    assert event_count() == 0


@pytest.mark.parametrize("role", ["manager", "agent_a", "requester_a"])
def test_only_admins_create_users(world, api_as, role):
    before = User.objects.count()

    response = api_as(getattr(world, role)).post(
        f"{API}/users", {"username": "newbie", "role": "admin"}, content_type=JSON
    )

    assert response.status_code == 403
    assert User.objects.count() == before
    assert event_count() == 0


def test_managers_read_users(world, api_as):
    client = api_as(world.manager)

    agents = client.get(f"{API}/users", {"role": "agent"})
    searched = client.get(f"{API}/users", {"text": "cm_"})
    one = client.get(f"{API}/users/{world.agent_a.pk}")

    assert [u["username"] for u in agents.json()["items"]] == [
        "agent_a",
        "agent_b",
        "engineer_a",
        "lead",
    ]
    assert [u["username"] for u in searched.json()["items"]] == ["cm_a", "cm_b"]
    assert one.json()["team_ids"] == [world.l1.pk]


@pytest.mark.parametrize("role", ["agent_a", "client_manager_a"])
def test_others_cannot_read_users(world, api_as, role):
    client = api_as(getattr(world, role))

    assert client.get(f"{API}/users").status_code == 403
    assert client.get(f"{API}/users/{world.agent_a.pk}").status_code == 403
    assert event_count() == 0


def test_missing_user_is_404(world, api_as):
    response = api_as(world.admin).get(f"{API}/users/424242")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert event_count() == 0
