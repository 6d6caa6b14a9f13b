from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from linia.notifications.backends import OutboxEmailBackend
from linia.notifications.models import OutboundEmail


def send(
    subject: str, body: str = "Hello", html: str = "", to: str = "anna@example.test"
) -> OutboundEmail:
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[to], headers={"X-Linia-Ticket": "1001"}
    )
    if html:
        message.attach_alternative(html, "text/html")
    OutboxEmailBackend().send_messages([message])
    return OutboundEmail.objects.get(subject=subject)


def test_outbox_lists_mail_for_managers_and_admins(client, world):
    send("Password reset", to="boris@example.test")
    for user in (world.manager, world.admin):
        client.force_login(user)
        response = client.get("/desk/outbox/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Password reset" in html
        assert "boris@example.test" in html
        assert 'href="/desk/tickets/1001/"' in html


def test_outbox_pages(client, world):
    for number in range(55):
        send(f"Mail {number}")
    client.force_login(world.admin)
    first = client.get("/desk/outbox/")
    assert len(first.context["emails"]) == 50
    assert first.context["emails"][0].subject == "Mail 54"
    second = client.get("/desk/outbox/?page=2")
    assert [email.subject for email in second.context["emails"]] == [
        f"Mail {n}" for n in range(4, -1, -1)
    ]


def test_outbox_message_shows_text_and_sanitised_html(client, world):
    email = send(
        "Your reply",
        body="Plain <b>text</b> body",
        html='<p onclick="steal()">Hi <script>alert(1)</script><img src="https://t.example/p.gif"><a href="https://x.example">link</a></p>',
    )
    client.force_login(world.manager)
    response = client.get(f"/desk/outbox/{email.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plain &lt;b&gt;text&lt;/b&gt; body" in html
    assert "<script>" not in html
    assert "onclick" not in html
    assert "t.example" not in html
    assert '<a href="https://x.example" rel="noopener noreferrer">link</a>' in html


def test_outbox_is_404_for_agents_and_redirects_clients(client, world):
    email = send("Hidden")
    client.force_login(world.agent_a)
    assert client.get("/desk/outbox/").status_code == 404
    assert client.get(f"/desk/outbox/{email.pk}/").status_code == 404
    client.force_login(world.requester_a)
    assert client.get("/desk/outbox/")["Location"] == "/"


def test_unknown_outbox_message_is_404(client, world):
    client.force_login(world.admin)
    assert client.get("/desk/outbox/999/").status_code == 404
