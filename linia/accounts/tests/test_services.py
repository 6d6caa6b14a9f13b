"""Accounts services: users, teams, API tokens, preferences."""

from __future__ import annotations

import hashlib

import pytest
from allauth.account.models import EmailAddress

from linia.accounts import services
from linia.accounts.models import ApiToken, Team, User
from linia.core.errors import Invalid, NotFound
from linia.directory.tests.factories import make_team, make_user


def create(**kwargs) -> User:
    values = {
        "username": "olena",
        "email": "olena@example.test",
        "password": "a-long-pass-phrase",
        "role": "agent",
    }
    return services.create_user(**(values | kwargs))


def test_create_user(db):
    user = create(first_name="Olena", last_name="Koval", language="uk", time_zone="Europe/Kyiv")

    assert (user.username, user.email, user.role, user.language, user.time_zone) == (
        "olena",
        "olena@example.test",
        "agent",
        "uk",
        "Europe/Kyiv",
    )
    assert user.display_name == "Olena Koval"
    assert user.check_password("a-long-pass-phrase")
    assert (user.is_staff, user.is_superuser, user.is_desk_staff) == (False, False, True)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == ("olena@example.test", True, True)


def test_create_user_defaults(db, settings):
    user = create(email="", password=None, role="requester")

    assert (user.language, user.time_zone) == (
        settings.LANGUAGE_CODE,
        settings.LINIA_DEFAULT_TIME_ZONE,
    )
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()


def test_administrators_may_use_the_django_admin(db):
    user = create(role="admin")

    assert (user.is_staff, user.is_superuser) == (True, True)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"username": "OLENA"}, "username_taken"),
        ({"username": "other", "email": "Olena@Example.test"}, "email_taken"),
        ({"username": "other", "email": "other@example.test", "role": "superhero"}, "invalid_role"),
        ({"username": "other", "email": "other@example.test", "role": "system"}, "invalid_role"),
        (
            {"username": "other", "email": "other@example.test", "language": "xx"},
            "invalid_language",
        ),
        (
            {"username": "other", "email": "other@example.test", "time_zone": "Mars/Olympus"},
            "invalid_time_zone",
        ),
        (
            {"username": "other", "email": "other@example.test", "time_zone": "../etc/passwd"},
            "invalid_time_zone",
        ),
        ({"username": "  ", "email": "other@example.test"}, "username_required"),
        ({"username": "no spaces", "email": "other@example.test"}, "invalid_username"),
        ({"username": "other", "email": "not-an-address"}, "invalid_email"),
    ],
)
def test_create_user_validation(db, kwargs, code):
    create()
    users = User.objects.count()

    with pytest.raises(Invalid) as caught:
        create(**kwargs)

    assert caught.value.code == code
    assert caught.value.http_status == 422
    assert User.objects.count() == users
    assert EmailAddress.objects.count() == 1


def test_update_preferences(db):
    user = create()

    services.update_preferences(user_id=user.pk, language="pl", time_zone="Europe/Warsaw")

    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("pl", "Europe/Warsaw")


@pytest.mark.parametrize(
    ("language", "time_zone", "code"),
    [("de", "Europe/Warsaw", "invalid_language"), ("pl", "Nowhere/City", "invalid_time_zone")],
)
def test_update_preferences_validation(db, language, time_zone, code):
    user = create(language="uk", time_zone="Europe/Kyiv")

    with pytest.raises(Invalid) as caught:
        services.update_preferences(user_id=user.pk, language=language, time_zone=time_zone)

    assert caught.value.code == code
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("uk", "Europe/Kyiv")


def test_create_team_and_add_members(db):
    team = services.create_team(name="L2 Network", tier=2)
    agent = make_user("agent")

    services.add_team_member(team_id=team.pk, user_id=agent.pk)

    assert (team.tier, team.serves_all_organizations, list(team.members.all())) == (
        2,
        False,
        [agent],
    )


def test_team_tier_must_be_1_to_3(db):
    with pytest.raises(Invalid) as caught:
        services.create_team(name="L4", tier=4)

    assert caught.value.code == "invalid_tier"
    assert Team.objects.count() == 0


@pytest.mark.parametrize("role", ["requester", "client_manager"])
def test_only_staff_join_teams(db, role):
    team = make_team()
    client = make_user(role)

    with pytest.raises(Invalid) as caught:
        services.add_team_member(team_id=team.pk, user_id=client.pk)

    assert caught.value.code == "not_staff"
    assert team.members.count() == 0


def test_api_token_stores_only_its_digest(db):
    user = create()

    row, token = services.create_api_token(username="OLENA", name="Monitoring")

    assert token.startswith("lin_")
    assert len(token) > 40
    assert (row.user, row.name, row.prefix) == (user, "Monitoring", token[:8])
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    assert all(token not in str(value) for value in stored.values())
    assert ApiToken.objects.get(digest=ApiToken.digest_of(token)) == row


def test_api_tokens_differ(db):
    create()

    tokens = {services.create_api_token(username="olena")[1] for _ in range(3)}

    assert len(tokens) == 3


@pytest.mark.parametrize("username", ["nobody", "olena"])
def test_api_token_needs_an_active_user(db, username):
    user = create()
    User.objects.filter(pk=user.pk).update(is_active=False)

    with pytest.raises(NotFound):
        services.create_api_token(username=username)

    assert ApiToken.objects.count() == 0
