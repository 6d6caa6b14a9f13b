from django.urls import path

from .views import attachments, home, kb, preferences, requests

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("requests/", requests.request_list, name="request-list"),
    path("requests/new/", requests.request_create, name="request-create"),
    path("requests/<int:number>/", requests.request_detail, name="request-detail"),
    path("requests/<int:number>/messages/", requests.request_reply, name="request-reply"),
    path(
        "requests/<int:number>/transitions/",
        requests.request_transition,
        name="request-transition",
    ),
    path(
        "attachments/<int:attachment_id>/",
        attachments.attachment_download,
        name="attachment",
    ),
    path("preferences/", preferences.preferences, name="preferences"),
    path("kb/", kb.kb_index, name="kb"),
    path("kb/suggest", kb.kb_suggest, name="kb-suggest"),
    path("kb/categories/<int:category_id>/", kb.kb_category, name="kb-category"),
    path("kb/<int:article_id>/", kb.kb_article, name="kb-article"),
    path("kb/<int:article_id>/vote/", kb.kb_vote, name="kb-vote"),
    path(
        "kb/<int:article_id>/files/<int:attachment_id>/",
        kb.kb_file,
        name="kb-file",
    ),
]
