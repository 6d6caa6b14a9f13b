import pytest

from linia.directory.models import Contact, Organization

from .conftest import API, event_count

JSON = "application/json"


# --- organizations ---------------------------------------------------------------------------


def test_admin_creates_an_organization(world, api_as):
    response = api_as(world.admin).post(
        f"{API}/organizations",
        {"name": "Initech", "legal_name": "Initech LLC", "teams": [world.l1.pk, world.l3.pk]},
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["legal_name"], body["is_active"]) == ("Initech", "Initech LLC", True)
    assert body["teams"] == [
        {"id": world.l1.pk, "name": "L1 Service desk", "tier": 1},
        {"id": world.l3.pk, "name": "L3 Leads", "tier": 3},
    ]


@pytest.mark.parametrize(
    ("_case", "payload", "status", "code"),
    [
        ("duplicate name", {"name": "acme"}, 422, "name_taken"),
        ("blank name", {"name": "  "}, 422, "name_required"),
        ("unknown team", {"name": "Initech", "teams": [987654]}, 422, "invalid_team"),
        ("name too long", {"name": "x" * 201}, 422, "invalid"),
    ],
)
def test_invalid_organization_is_422(world, api_as, _case, payload, status, code):
    response = api_as(world.admin).post(f"{API}/organizations", payload, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Organization.objects.count() == 2
    assert event_count() == 0


@pytest.mark.parametrize("role", ["manager", "agent_a", "client_manager_a", "requester_a"])
def test_only_admins_create_organizations(world, api_as, role):
    response = api_as(getattr(world, role)).post(
        f"{API}/organizations", {"name": "Initech"}, content_type=JSON
    )

    assert response.status_code == 403
    assert Organization.objects.count() == 2
    assert event_count() == 0


def test_managers_and_admins_read_organizations(world, api_as):
    listed = api_as(world.manager).get(f"{API}/organizations")
    searched = api_as(world.admin).get(f"{API}/organizations", {"text": "glob"})
    one = api_as(world.manager).get(f"{API}/organizations/{world.org_a.pk}")

    assert [o["name"] for o in listed.json()["items"]] == ["Acme", "Globex"]
    assert listed.json()["count"] == 2
    assert [o["name"] for o in searched.json()["items"]] == ["Globex"]
    assert one.json()["teams"] == [
        {"id": world.l1.pk, "name": "L1 Service desk", "tier": 1},
        {"id": world.l2.pk, "name": "L2 Engineers", "tier": 2},
    ]


@pytest.mark.parametrize("role", ["client_manager_a", "requester_a"])
def test_others_cannot_read_organizations(world, api_as, role):
    client = api_as(getattr(world, role))

    assert client.get(f"{API}/organizations").status_code == 404
    assert client.get(f"{API}/organizations/{world.org_a.pk}").status_code == 404
    assert client.get(f"{API}/organizations/{world.org_b.pk}").status_code == 404
    assert event_count() == 0


def test_missing_organization_is_404(world, api_as):
    assert api_as(world.manager).get(f"{API}/organizations/424242").status_code == 404
    assert event_count() == 0


def test_admin_updates_an_organization(world, api_as):
    response = api_as(world.admin).patch(
        f"{API}/organizations/{world.org_b.pk}",
        {"legal_name": "Globex Corporation", "is_active": False, "teams": [world.l3.pk]},
        content_type=JSON,
    )

    assert response.status_code == 200
    world.org_b.refresh_from_db()
    assert (world.org_b.name, world.org_b.legal_name, world.org_b.is_active) == (
        "Globex",
        "Globex Corporation",
        False,
    )
    assert list(world.org_b.teams.values_list("pk", flat=True)) == [world.l3.pk]


def test_manager_cannot_update_an_organization(world, api_as):
    response = api_as(world.manager).patch(
        f"{API}/organizations/{world.org_b.pk}", {"name": "Renamed"}, content_type=JSON
    )

    assert response.status_code == 403
    world.org_b.refresh_from_db()
    assert world.org_b.name == "Globex"
    assert event_count() == 0


def test_updating_a_missing_organization_is_404(world, api_as):
    response = api_as(world.admin).patch(
        f"{API}/organizations/424242", {"name": "Renamed"}, content_type=JSON
    )

    assert response.status_code == 404
    assert event_count() == 0


# --- contacts --------------------------------------------------------------------------------


def test_admin_creates_a_contact(world, api_as):
    response = api_as(world.admin).post(
        f"{API}/contacts",
        {
            "organization": world.org_b.pk,
            "full_name": "Hank Scorpio",
            "email": "Hank@Globex.example",
            "is_vip": True,
            "language": "pl",
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (
        body["organization"],
        body["full_name"],
        body["email"],
        body["is_vip"],
        body["language"],
        body["user_id"],
    ) == (
        {"id": world.org_b.pk, "name": "Globex"},
        "Hank Scorpio",
        "hank@globex.example",
        True,
        "pl",
        None,
    )


def test_admin_links_a_contact_to_a_new_user(world, api_as):
    client = api_as(world.admin)
    user = client.post(
        f"{API}/users",
        {"username": "carla", "email": "carla@acme.example", "role": "requester"},
        content_type=JSON,
    ).json()

    response = client.post(
        f"{API}/contacts",
        {"organization": world.org_a.pk, "full_name": "Carla", "user": user["id"]},
        content_type=JSON,
    )
    again = client.post(
        f"{API}/contacts",
        {"organization": world.org_a.pk, "full_name": "Carla 2", "user": user["id"]},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["user_id"] == user["id"]
    assert (again.status_code, again.json()["code"]) == (422, "user_has_contact")


@pytest.mark.parametrize(
    ("_case", "payload", "status", "code"),
    [
        ("bad e-mail", {"full_name": "X", "email": "not-an-address"}, 422, "invalid"),
        ("unknown organization", {"organization": 424242, "full_name": "X"}, 404, "not_found"),
        ("unknown user", {"full_name": "X", "user": 424242}, 422, "invalid_user"),
        ("staff user", {"full_name": "X", "user": "agent"}, 422, "invalid"),
        ("bad language", {"full_name": "X", "language": "xx"}, 422, "invalid_language"),
        ("missing name", {}, 422, "invalid"),
    ],
)
def test_invalid_contact(world, api_as, _case, payload, status, code):
    payload = {"organization": world.org_a.pk, **payload}
    if payload.get("user") == "agent":
        payload["user"] = world.agent_a.pk
    before = Contact.objects.count()

    response = api_as(world.admin).post(f"{API}/contacts", payload, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Contact.objects.count() == before
    assert event_count() == 0


def test_manager_cannot_create_a_contact(world, api_as):
    response = api_as(world.manager).post(
        f"{API}/contacts", {"organization": world.org_a.pk, "full_name": "X"}, content_type=JSON
    )

    assert response.status_code == 403
    assert event_count() == 0


def test_contacts_list_filters_by_organization(world, api_as):
    client = api_as(world.manager)

    everyone = client.get(f"{API}/contacts")
    globex = client.get(f"{API}/contacts", {"organization": world.org_b.pk})
    one = client.get(f"{API}/contacts/{world.contact_a.pk}")

    assert everyone.json()["count"] == 5
    assert sorted(c["id"] for c in globex.json()["items"]) == sorted(
        Contact.objects.filter(organization=world.org_b).values_list("pk", flat=True)
    )
    assert one.json()["email"] == "anna@example.test"
    assert one.json()["organization"] == {"id": world.org_a.pk, "name": "Acme"}


@pytest.mark.parametrize("role", ["client_manager_a", "requester_a"])
def test_others_cannot_read_contacts(world, api_as, role):
    client = api_as(getattr(world, role))

    assert client.get(f"{API}/contacts").status_code == 404
    assert client.get(f"{API}/contacts/{world.contact_a.pk}").status_code == 404
    assert client.get(f"{API}/contacts/{world.contact_b.pk}").status_code == 404
    assert event_count() == 0


def test_missing_contact_is_404(world, api_as):
    assert api_as(world.admin).get(f"{API}/contacts/424242").status_code == 404
    assert event_count() == 0
