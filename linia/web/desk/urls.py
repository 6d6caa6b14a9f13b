from django.urls import path

from .views import attachments, directory, email, new_ticket, outbox, queue, tickets

app_name = "desk"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("tickets/new/", new_ticket.new_ticket, name="new_ticket"),
    path("tickets/new/requesters/", new_ticket.requester_options, name="requester_options"),
    path("tickets/<int:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:number>/messages/", tickets.add_message, name="add_message"),
    path("tickets/<int:number>/transitions/", tickets.change_status, name="change_status"),
    path("tickets/<int:number>/assign/", tickets.assign, name="assign"),
    path("tickets/<int:number>/take/", tickets.take, name="take"),
    path("tickets/<int:number>/escalate/", tickets.escalate, name="escalate"),
    path("tickets/<int:number>/classify/", tickets.classify, name="classify"),
    path("attachments/<int:attachment_id>/", attachments.download, name="attachment"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:email_id>/", outbox.outbox_detail, name="outbox_detail"),
    path("email/quarantine/", email.quarantine, name="email_quarantine"),
    path("email/messages/<int:inbound_id>/", email.inbound_detail, name="email_message"),
    path("email/messages/<int:inbound_id>/raw/", email.inbound_raw, name="email_raw"),
    path("email/messages/<int:inbound_id>/retry/", email.inbound_retry, name="email_retry"),
    path("email/messages/<int:inbound_id>/discard/", email.inbound_discard, name="email_discard"),
    path("organizations/", directory.organizations, name="organizations"),
    path("organizations/<int:organization_id>/", directory.organization, name="organization"),
    path(
        "organizations/<int:organization_id>/credentials/",
        directory.add_credential,
        name="add_credential",
    ),
    path("assets/<int:asset_id>/", directory.asset, name="asset"),
    path("credentials/<int:credential_id>/reveal/", directory.reveal, name="reveal_credential"),
    path("vault-log/", directory.vault_log, name="vault_log"),
    path("directory/import/", directory.import_directory, name="import_directory"),
    path(
        "directory/export/<str:kind>.<str:fmt>",
        directory.export_directory,
        name="export_directory",
    ),
]
