from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _

from .api import api


def unknown_endpoint(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /api/v1/: the API's JSON 404, not the HTML page."""
    return JsonResponse(
        {"code": "not_found", "message": _("There is no such API endpoint.")}, status=404
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
