from django.urls import path

from .views import attachments, home, preferences, requests

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
]
