from __future__ import annotations

from linia.channels.email.models import Mailbox


def test_an_administrator_configures_a_mailbox_with_a_sealed_password(client, world):
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    assert client.get("/admin/email_channel/mailbox/add/").status_code == 200

    response = client.post(
        "/admin/email_channel/mailbox/add/",
        {
            "name": "Support",
            "is_active": "on",
            "host": "imap.example.test",
            "port": "993",
            "security": "ssl",
            "folder": "INBOX",
            "auth": "password",
            "username": "support",
            "new_password": "s3cret",
            "unknown_sender_policy": "catch_all",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    mailbox = Mailbox.objects.get()
    assert b"s3cret" not in bytes(mailbox.password or b"")
    assert mailbox.secret("password") == "s3cret"
    # Saving without a new password keeps the old one.
    client.post(
        f"/admin/email_channel/mailbox/{mailbox.pk}/change/",
        {
            "name": "Support",
            "is_active": "on",
            "host": "imap2.example.test",
            "port": "993",
            "security": "ssl",
            "folder": "INBOX",
            "auth": "password",
            "username": "support",
            "unknown_sender_policy": "catch_all",
        },
    )
    mailbox.refresh_from_db()
    assert (mailbox.host, mailbox.secret("password")) == ("imap2.example.test", "s3cret")


def test_key_rotation_reseals_the_mailbox_secrets(db, capsys):
    from django.core.management import call_command
    from django.test import override_settings

    from linia.core import crypto

    mailbox = Mailbox(name="M365", host="outlook.office365.com", username="support")
    mailbox.set_secret("password", "app-password")
    mailbox.set_secret("oauth_client_secret", "client-secret")
    mailbox.set_secret("oauth_refresh_token", "refresh-token")
    mailbox.save()
    Mailbox.objects.create(name="Empty", host="h", username="u")  # no secrets: nothing to do
    old_key = crypto.configured_key_texts()[0]
    new_key = crypto.generate_key()

    with override_settings(LINIA_ENCRYPTION_KEYS=[new_key, old_key]):
        call_command("rotate-encryption-key", "--batch-size", "1")
        assert ", 3 mailbox secret(s)." in capsys.readouterr().out
        call_command("rotate-encryption-key")
        assert ", 0 mailbox secret(s)." in capsys.readouterr().out
    with override_settings(LINIA_ENCRYPTION_KEYS=[new_key]):  # the old key is gone
        mailbox.refresh_from_db()
        assert [
            mailbox.secret(name)
            for name in ("password", "oauth_client_secret", "oauth_refresh_token")
        ] == ["app-password", "client-secret", "refresh-token"]
