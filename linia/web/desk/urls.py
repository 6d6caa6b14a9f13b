from django.urls import path

from .views import attachments, directory, email, kb, new_ticket, outbox, queue, tickets, worklogs

app_name = "desk"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("queue/count/", queue.queue_count, name="queue_count"),
    path("tickets/new/", new_ticket.new_ticket, name="new_ticket"),
    path("tickets/new/requesters/", new_ticket.requester_options, name="requester_options"),
    path("tickets/<int:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:number>/client-card/", tickets.client_card, name="ticket_client_card"),
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
    path("licenses/<int:license_id>/reveal/", directory.reveal_license, name="reveal_license"),
    path("vault-log/", directory.vault_log, name="vault_log"),
    path("directory/import/", directory.import_directory, name="import_directory"),
    path(
        "directory/export/<str:kind>.<str:fmt>",
        directory.export_directory,
        name="export_directory",
    ),
    path("tickets/<int:number>/worklogs/", worklogs.log_work, name="log_work"),
    path(
        "tickets/<int:number>/worklogs/<int:worklog_id>/delete/",
        worklogs.delete_worklog,
        name="delete_worklog",
    ),
]

# Knowledge base (issue #6).
urlpatterns += [
    path("kb/", kb.kb_list, name="kb"),
    path("kb/new/", kb.article_new, name="kb_new"),
    path("kb/preview/", kb.preview, name="kb_preview"),
    path("kb/categories/", kb.category_create, name="kb_category_create"),
    path("kb/upkeep/", kb.upkeep, name="kb_upkeep"),
    path("kb/<int:article_id>/", kb.article_detail, name="kb_article"),
    path("kb/<int:article_id>/edit/", kb.article_edit, name="kb_edit"),
    path("kb/<int:article_id>/status/", kb.article_status, name="kb_status"),
    path("kb/<int:article_id>/review/", kb.article_review, name="kb_review"),
    path("kb/<int:article_id>/files/", kb.attachment_upload, name="kb_attachment_upload"),
    path(
        "kb/<int:article_id>/files/<int:attachment_id>/",
        kb.attachment_download,
        name="kb_attachment",
    ),
    path("kb/<int:article_id>/revisions/", kb.revisions, name="kb_revisions"),
    path("kb/<int:article_id>/revisions/<int:number>/", kb.revision_diff, name="kb_revision"),
    path(
        "kb/<int:article_id>/revisions/<int:number>/restore/",
        kb.revision_restore,
        name="kb_restore",
    ),
    path("tickets/<int:number>/kb-panel/", kb.ticket_panel, name="kb_ticket_panel"),
    path("tickets/<int:number>/kb-panel/use/", kb.ticket_use_article, name="kb_ticket_use"),
]

# Client cards: editing from the desk (issue #5).
urlpatterns += [
    path("organizations/new/", directory.organization_new, name="organization_new"),
    path(
        "organizations/<int:organization_id>/edit/",
        directory.organization_edit,
        name="organization_edit",
    ),
    path(
        "organizations/<int:organization_id>/contacts/new/",
        directory.contact_new,
        name="contact_new",
    ),
    path("contacts/<int:contact_id>/edit/", directory.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/invite/", directory.contact_invite, name="contact_invite"),
    path("organizations/<int:organization_id>/assets/new/", directory.asset_new, name="asset_new"),
    path("assets/<int:asset_id>/edit/", directory.asset_edit, name="asset_edit"),
    path(
        "organizations/<int:organization_id>/licenses/new/",
        directory.license_new,
        name="license_new",
    ),
    path("licenses/<int:license_id>/edit/", directory.license_edit, name="license_edit"),
    path(
        "credentials/<int:credential_id>/edit/", directory.credential_edit, name="credential_edit"
    ),
]
