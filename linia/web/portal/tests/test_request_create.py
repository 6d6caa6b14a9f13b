"""Filing a request from the portal."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linia.tickets.models import Attachment, Category, Ticket, TicketEvent

URL = "/requests/new/"


def _data(**overrides):
    data = {
        "subject": "The printer does not print",
        "description": "Paper jam light blinks since this morning.",
        "type": "incident",
        "category": "",
        "urgency": "high",
    }
    data.update(overrides)
    return data


def _file(name="photo.png", content=b"\x89PNG fake image", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_form_offers_types_categories_and_plain_urgency(client, world):
    hardware = Category.objects.create(name="Hardware")
    Category.objects.create(name="Printers", parent=hardware)
    client.force_login(world.requester_a)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for value in ("incident", "service_request", "question", "complaint", "change"):
        assert f'value="{value}"' in body
    assert 'value="problem"' not in body
    assert "Hardware \u203a Printers" in body
    assert "work has stopped" in body
    assert 'type="file" name="attachments" multiple' in body
    assert 'name="requester"' not in body  # only client managers choose the requester


def test_create_registers_request_and_shows_number(client, world):
    client.force_login(world.requester_a)
    response = client.post(URL, _data())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:request-detail", args=[ticket.number])
    assert ticket.subject == "The printer does not print"
    assert ticket.channel == "portal"
    assert ticket.urgency == "high"
    assert ticket.type == "incident"
    assert ticket.requester == world.contact_a
    assert ticket.priority == "P2"  # medium impact, high urgency
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Your request #{ticket.number} has been registered. We will keep you posted."
    ]


def test_create_with_category_and_files(client, world):
    printers = Category.objects.create(name="Printers")
    client.force_login(world.requester_a)
    response = client.post(
        URL,
        {
            **_data(category=str(printers.pk)),
            "attachments": [_file(), _file("log.txt", b"error 42", "text/plain")],
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.category == printers
    assert sorted(Attachment.objects.filter(ticket=ticket).values_list("filename", flat=True)) == [
        "log.txt",
        "photo.png",
    ]


def test_missing_subject_keeps_typed_text(client, world):
    client.force_login(world.requester_a)
    response = client.post(URL, _data(subject="", description="Typed with care"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "This field is required." in body
    assert "Typed with care" in body
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "name", "content", "message"),
    [
        ("blocked type", "setup.exe", b"MZ fake", "Files of type .exe are not accepted."),
        ("empty file", "empty.txt", b"", "The submitted file is empty."),
    ],
)
def test_bad_file_shows_error_and_keeps_text(client, world, _case, name, content, message):
    client.force_login(world.requester_a)
    response = client.post(
        URL, {**_data(description="Please keep me"), "attachments": [_file(name, content)]}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert "Please keep me" in body
    assert "please choose them again" in body
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_too_large_file_is_refused(client, world, settings):
    settings.LINIA_MAX_ATTACHMENT_BYTES = 10
    client.force_login(world.requester_a)
    response = client.post(URL, {**_data(), "attachments": [_file("big.txt", b"x" * 11)]})
    assert response.status_code == 422
    assert "“big.txt” is too large" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_too_many_files_are_refused(client, world, settings):
    settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE = 2
    client.force_login(world.requester_a)
    files = [_file(f"photo{i}.png") for i in range(3)]
    response = client.post(URL, {**_data(subject="Kept subject"), "attachments": files})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Too many files: at most 2 per message." in body
    assert 'value="Kept subject"' in body
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_client_manager_files_for_a_colleague(client, world):
    client.force_login(world.client_manager_a)
    page = client.get(URL).content.decode()
    assert 'name="requester"' in page
    assert f'value="{world.colleague_contact_a.pk}"' in page
    assert f'value="{world.contact_b.pk}"' not in page
    response = client.post(URL, _data(requester=str(world.colleague_contact_a.pk)))
    assert response.status_code == 302
    assert Ticket.objects.get().requester == world.colleague_contact_a


def test_client_manager_cannot_file_for_another_organization(client, world):
    client.force_login(world.client_manager_a)
    response = client.post(URL, _data(requester=str(world.contact_b.pk)))
    assert response.status_code == 422
    assert Ticket.objects.count() == 0


def test_requester_field_is_ignored_for_plain_requesters(client, world):
    client.force_login(world.requester_a)
    response = client.post(URL, _data(requester=str(world.colleague_contact_a.pk)))
    assert response.status_code == 302
    assert Ticket.objects.get().requester == world.contact_a
