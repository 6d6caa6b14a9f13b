from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Attachment
from linia.tickets.tests.factories import make_ticket

from .conftest import API, event_count


def upload(name: str, content: bytes = b"%PDF-1.4 report", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_upload_list_and_download(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    client = api_as(world.requester_a)

    created = client.post(
        f"{API}/tickets/{ticket.number}/attachments",
        {"files": [upload("report.pdf"), upload("photo.png", b"\x89PNG...", "image/png")]},
    )
    listed = client.get(f"{API}/tickets/{ticket.number}/attachments")
    first = created.json()[0]
    download = client.get(first["download_url"])

    assert created.status_code == 201
    assert [(a["filename"], a["size"], a["internal"]) for a in created.json()] == [
        ("report.pdf", 15, False),
        ("photo.png", 7, False),
    ]
    assert first["download_url"] == f"{API}/attachments/{first['id']}"
    assert listed.json()["count"] == 2
    assert [a["filename"] for a in listed.json()["items"]] == ["report.pdf", "photo.png"]
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_staff_uploads_an_internal_file(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/attachments",
        {"files": [upload("dump.txt", b"log", "text/plain")], "internal": "true"},
    )

    assert response.status_code == 201
    assert response.json()[0]["internal"] is True
    assert Attachment.objects.get().is_internal is True


def test_client_cannot_upload_internal_files(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/attachments",
        {"files": [upload("x.pdf")], "internal": "true"},
    )

    assert response.status_code == 403
    assert Attachment.objects.count() == 0
    assert event_count() == before


def test_client_never_sees_internal_attachments(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    [internal] = services.add_attachments(
        actor=actor(world.agent_a),
        number=ticket.number,
        is_internal=True,
        files=[services.IncomingFile(name="notes.txt", content=ContentFile(b"secret"), size=6)],
    )
    client = api_as(world.requester_a)
    before = event_count()

    listed = client.get(f"{API}/tickets/{ticket.number}/attachments")
    download = client.get(f"{API}/attachments/{internal.pk}")
    staff_download = api_as(world.agent_a).get(f"{API}/attachments/{internal.pk}")

    assert listed.json() == {"items": [], "count": 0}
    assert download.status_code == 404
    assert download.json() == {"code": "not_found", "message": "Attachment not found."}
    assert staff_download.status_code == 200
    assert event_count() == before


@override_settings(LINIA_MAX_ATTACHMENT_BYTES=1000)
def test_oversize_file_is_413(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/attachments", {"files": [upload("big.pdf", b"x" * 1001)]}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "attachment_too_large"
    assert Attachment.objects.count() == 0
    assert event_count() == before


def test_blocked_file_type_is_422(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/attachments", {"files": [upload("setup.exe", b"MZ")]}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "attachment_type_blocked"
    assert Attachment.objects.count() == 0
    assert event_count() == 1  # only the ticket's own creation


def test_upload_without_files_is_422(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/attachments", {"internal": "false"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["loc"] == ["file", "files"]
    assert event_count() == 1  # only the ticket's own creation


def test_download_of_missing_attachment_is_404(world, api_as):
    response = api_as(world.manager).get(f"{API}/attachments/12345")

    assert response.status_code == 404
    assert event_count() == 0
