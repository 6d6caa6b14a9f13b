from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("linia.api.urls")),
    path("desk/", include("linia.web.desk.urls")),
    path("", include("linia.web.portal.urls")),
]
