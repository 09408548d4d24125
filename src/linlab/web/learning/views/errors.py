"""Error pages for 400/403/404/500 in the site's layout, and a health check for load balancers."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _page(request, status: int, message: str) -> HttpResponse:
    return render(request, "learning/error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, _("The request could not be understood."))


def forbidden(request, exception=None):
    return _page(request, 403, _("You are not allowed to open this page."))


def not_found(request, exception=None):
    return _page(request, 404, _("There is no such page."))


def server_error(request):
    # No context processors or database here: whatever broke may be what they need.
    html = loader.get_template("learning/500.html").render({})
    return HttpResponse(html, status=500)


def health(request):
    """200 with ``{"status": "ok"}`` when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as err:  # noqa: BLE001 - report any database failure as unavailable
        return JsonResponse({"status": "unavailable", "detail": type(err).__name__}, status=503)
    return JsonResponse({"status": "ok"})
