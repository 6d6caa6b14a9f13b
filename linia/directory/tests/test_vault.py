import logging
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from linia.core import crypto
from linia.core.errors import Invalid, NotFound
from linia.directory import queries, services
from linia.directory.models import CREDENTIAL_PURPOSE, Credential, CredentialReveal
from linia.directory.services import SecondFactorRequired
from linia.directory.tests.factories import actor


def make_credential(world, *, secret="S3cr3t-Pa55", organization=None):  # noqa: S107
    return services.create_credential(
        actor=actor(world.agent_a),
        organization_id=(organization or world.org_a).pk,
        name="Router admin",
        login="admin",
        url="https://192.168.1.1",
        secret=secret,
    )


def reveal(user, credential, **kwargs):
    return services.reveal_credential(
        actor=actor(user),
        credential_id=credential.pk,
        ip="203.0.113.7",
        user_agent="pytest",
        **kwargs,
    )


def test_the_database_holds_ciphertext_not_the_plaintext(world):
    credential = make_credential(world, secret="Correct-Horse-Battery")
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM directory_credential WHERE id = %s", [credential.pk])
        (raw,) = cursor.fetchone()
    assert b"Correct-Horse" not in bytes(raw)
    assert crypto.decrypt(raw, purpose=CREDENTIAL_PURPOSE) == "Correct-Horse-Battery"


def test_an_agent_who_serves_the_organization_reveals_and_it_is_audited(world):
    credential = make_credential(world)
    assert reveal(world.agent_a, credential) == "S3cr3t-Pa55"
    assert reveal(world.engineer_a, credential) == "S3cr3t-Pa55"
    assert reveal(world.manager, credential) == "S3cr3t-Pa55"
    rows = list(
        CredentialReveal.objects.order_by("id").values_list("user_id", "ip_address", "user_agent")
    )
    assert rows == [
        (world.agent_a.pk, "203.0.113.7", "pytest"),
        (world.engineer_a.pk, "203.0.113.7", "pytest"),
        (world.manager.pk, "203.0.113.7", "pytest"),
    ]


@pytest.mark.parametrize(
    "who", ["agent_b", "requester_a", "client_manager_a", "requester_b", "client_manager_b"]
)
def test_others_get_not_found_and_nothing_is_logged(world, who):
    credential = make_credential(world)
    with pytest.raises(NotFound):
        reveal(getattr(world, who), credential)
    assert CredentialReveal.objects.count() == 0
    assert list(queries.list_credentials_for(actor(getattr(world, who)))) == []


@pytest.mark.parametrize("who", ["agent_b", "requester_a", "client_manager_a"])
def test_others_cannot_create_or_change_entries(world, who):
    credential = make_credential(world)
    with pytest.raises(NotFound):
        services.create_credential(
            actor=actor(getattr(world, who)), organization_id=world.org_a.pk, name="x", secret="y"
        )
    with pytest.raises(NotFound):
        services.update_credential(
            actor=actor(getattr(world, who)), credential_id=credential.pk, secret="z"
        )
    with pytest.raises(NotFound):
        services.delete_credential(actor=actor(getattr(world, who)), credential_id=credential.pk)
    assert Credential.objects.count() == 1
    assert reveal(world.agent_a, credential) == "S3cr3t-Pa55"


def test_an_entry_needs_a_secret_and_an_asset_of_the_same_organization(world):
    with pytest.raises(Invalid):
        make_credential(world, secret="")
    assert Credential.objects.count() == 0


def test_update_reseals_and_keeps_the_secret_when_omitted(world):
    credential = make_credential(world)
    services.update_credential(
        actor=actor(world.agent_a), credential_id=credential.pk, login="root"
    )
    assert reveal(world.agent_a, credential) == "S3cr3t-Pa55"
    services.update_credential(
        actor=actor(world.agent_a), credential_id=credential.pk, secret="new"
    )
    assert reveal(world.agent_a, credential) == "new"


def test_lists_and_repr_never_carry_the_secret(world, caplog):
    credential = make_credential(world, secret="Never-Shown-42")
    caplog.set_level(logging.DEBUG)
    listed = queries.list_credentials_for(actor(world.agent_a), organization_id=world.org_a.pk)
    assert [item.name for item in listed] == ["Router admin"]
    assert "secret" in listed[0].get_deferred_fields()
    assert "Never-Shown-42" not in repr(credential)
    assert "Never-Shown-42" not in str(credential)
    reveal(world.agent_a, credential)
    assert "Never-Shown-42" not in caplog.text


def test_a_user_with_totp_needs_a_recent_second_factor(world):
    credential = make_credential(world)
    Authenticator.objects.create(user=world.agent_a, type=Authenticator.Type.TOTP, data={})
    with pytest.raises(SecondFactorRequired):
        reveal(world.agent_a, credential)
    with pytest.raises(SecondFactorRequired):
        reveal(world.agent_a, credential, second_factor_at=time.time() - 10 * 60)
    assert CredentialReveal.objects.count() == 0
    assert reveal(world.agent_a, credential, second_factor_at=time.time() - 60) == "S3cr3t-Pa55"
    assert CredentialReveal.objects.count() == 1


def test_rotation_reseals_everything_under_the_current_key_and_is_idempotent(world):
    old_key = crypto.configured_key_texts()[0]
    first = make_credential(world, secret="one")
    second = make_credential(world, secret="two")
    new_key = crypto.generate_key()
    with override_settings(LINIA_ENCRYPTION_KEYS=[new_key, old_key]):
        assert services.rotate_encryption_keys(batch_size=1) == {"credentials": 2, "licenses": 0}
        assert services.rotate_encryption_keys(batch_size=1) == {"credentials": 0, "licenses": 0}
    with override_settings(LINIA_ENCRYPTION_KEYS=[new_key]):
        assert reveal(world.agent_a, first) == "one"
        assert reveal(world.agent_a, second) == "two"


def test_the_rotation_command_reports_what_it_did(world, capsys):
    make_credential(world)
    old_key = crypto.configured_key_texts()[0]
    with override_settings(LINIA_ENCRYPTION_KEYS=[crypto.generate_key(), old_key]):
        call_command("rotate-encryption-key")
    assert "re-encrypted 1 credential(s) and 0 license key(s)" in capsys.readouterr().out


def test_managers_read_the_audit_log_and_agents_do_not(world):
    credential = make_credential(world)
    reveal(world.agent_a, credential)
    assert [row.user_id for row in queries.list_reveals_for(actor(world.manager))] == [
        world.agent_a.pk
    ]
    assert list(queries.list_reveals_for(actor(world.agent_a))) == []
    assert list(queries.list_reveals_for(actor(world.requester_a))) == []
