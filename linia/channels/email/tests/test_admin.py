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
