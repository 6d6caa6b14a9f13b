"""Log-in, "remember me", the login/password reminder and closed sign-up."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from linia.accounts.models import User

PASSWORD = "pass-word-123"


def _login(client, login: str, password: str = PASSWORD, *, remember: bool = False):
    data = {"login": login, "password": password, "next": "/"}
    if remember:
        data["remember"] = "on"
    return client.post(reverse("account_login"), data)


def test_anonymous_home_shows_login_form_and_welcome(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'action="{reverse("account_login")}"' in body
    assert 'name="login"' in body
    assert 'name="password"' in body
    assert 'name="remember"' in body
    assert 'name="next" value="/"' in body
    assert f'href="{reverse("account_reset_password")}"' in body
    assert "Report a problem" in body
    assert "Check the status" in body
    assert 'class="portal"' in body


def test_login_by_username(client, world):
    response = _login(client, "anna")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world.requester_a.pk)


def test_login_by_email(client, world):
    response = _login(client, "anna@example.test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.requester_a.pk)


def test_wrong_password_shows_error_and_keeps_login(client, world):
    response = _login(client, "anna", "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The username and/or password you specified are not correct." in body
    assert 'value="anna"' in body
    assert "_auth_user_id" not in client.session


def test_without_remember_me_session_ends_with_browser(client, world):
    response = _login(client, "anna")
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close() is True


def test_with_remember_me_session_persists(client, world):
    response = _login(client, "anna", remember=True)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] != ""
    assert int(cookie["max-age"]) > 0
    assert client.session.get_expire_at_browser_close() is False


def test_login_page_is_portal_styled(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="portal"' in body
    assert 'name="login"' in body
    assert "Forgot your login or password?" in body


def test_password_reset_mail_reminds_login_and_link_works(client, world):
    response = client.post(reverse("account_reset_password"), {"email": "anna@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.test"]
    assert message.subject == "[Linia] Your login and a link to choose a new password"
    assert "Your login: anna\n" in message.body
    links = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", str(message.body))
    assert len(links) == 1

    # The link leads to the form (allauth moves the key into the session first).
    response = client.get(links[0], follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "Brand-new-secret-42", "password2": "Brand-new-secret-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    client.logout()
    assert _login(client, "anna", "Brand-new-secret-42").status_code == 302
    assert client.session["_auth_user_id"] == str(world.requester_a.pk)
    client.logout()
    response = _login(client, "anna", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_speaks_the_users_language(client, world):
    world.requester_a.language = "uk"
    world.requester_a.save(update_fields=["language"])
    client.post(reverse("account_reset_password"), {"email": "anna@example.test"})
    assert len(mail.outbox) == 1
    # The login and the link are there whatever the language.
    assert "anna" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_pages_render(client, db):
    assert client.get(reverse("account_reset_password")).status_code == 200
    done = client.get(reverse("account_reset_password_done"))
    assert done.status_code == 200
    assert "Check your e-mail" in done.content.decode()
    bad = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    )
    assert bad.status_code == 200
    assert "This link does not work" in bad.content.decode()
    assert (
        "Password changed"
        in client.get(reverse("account_reset_password_from_key_done")).content.decode()
    )


def test_signup_is_closed(client, db):
    before = User.objects.count()
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "Accounts are created by the service desk" in page.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "username": "intruder",
            "email": "intruder@example.test",
            "password1": "Very-long-secret-99",
            "password2": "Very-long-secret-99",
        },
    )
    assert response.status_code == 200
    assert User.objects.count() == before
    assert not User.objects.filter(username="intruder").exists()
    assert "_auth_user_id" not in client.session


def test_logout_confirm_page_and_post(client, world):
    client.force_login(world.requester_a)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Do you want to log out" in page.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_topbar_has_portal_links_and_logout_form(client, world):
    client.force_login(world.requester_a)
    body = client.get("/").content.decode()
    assert f'href="{reverse("portal:request-create")}"' in body
    assert f'href="{reverse("portal:request-list")}"' in body
    assert f'href="{reverse("portal:preferences")}"' in body
    assert f'<form method="post" action="{reverse("account_logout")}">' in body


def test_password_reset_mail_is_recorded_in_the_outbox(client, world, settings):
    from linia.notifications.models import OutboundEmail

    settings.EMAIL_BACKEND = "linia.notifications.backends.OutboxEmailBackend"
    settings.LINIA_EMAIL_DELIVERY = ""
    client.post(reverse("account_reset_password"), {"email": "anna@example.test"})
    row = OutboundEmail.objects.get()
    assert row.to == "anna@example.test"
    assert "Your login: anna\n" in row.body_text
    assert "/accounts/password/reset/key/" in row.body_text


def test_other_allauth_pages_use_the_portal_layout(client, world):
    client.force_login(world.requester_a)
    for name in ("account_change_password", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert 'class="portal"' in body, name
        assert "page narrow auth-page" in body, name
