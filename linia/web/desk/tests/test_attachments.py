from __future__ import annotations

from linia.directory.tests.factories import actor
from linia.tickets import services

from .conftest import incoming


def test_download_is_an_attachment_with_nosniff(agent_client, world, ticket_a):
    attachment = ticket_a.attachments.get()
    response = agent_client.get(f"/desk/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"line 1\n"
    assert response["Content-Disposition"] == 'attachment; filename="log.txt"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_images_are_shown_inline(agent_client, world, ticket_a):
    services.add_attachments(
        actor=actor(world.requester_a),
        number=ticket_a.number,
        files=[incoming("photo.png", b"\x89PNG...", "image/png")],
    )
    attachment = ticket_a.attachments.get(filename="photo.png")
    response = agent_client.get(f"/desk/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="photo.png"'


def test_staff_see_internal_attachments(agent_client, world, ticket_a):
    message = services.add_message(
        actor=actor(world.agent_a),
        number=ticket_a.number,
        body="Config dump",
        is_internal=True,
        files=[incoming("config.txt", b"secret")],
    )
    attachment = message.attachments.get()
    assert agent_client.get(f"/desk/attachments/{attachment.pk}/").status_code == 200


def test_missing_attachment_is_404(agent_client, db):
    assert agent_client.get("/desk/attachments/424242/").status_code == 404


def test_svg_and_html_are_never_inline(agent_client, world, ticket_a):
    services.add_attachments(
        actor=actor(world.requester_a),
        number=ticket_a.number,
        files=[
            incoming("x.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
            incoming("x.html", b"<script>", "text/html"),
        ],
    )
    for name in ("x.svg", "x.html"):
        attachment = ticket_a.attachments.get(filename=name)
        response = agent_client.get(f"/desk/attachments/{attachment.pk}/")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
