"""Error pages for 400/403/404/500/503 in the site's layout, and health checks for load balancers.

The 503 page answers any request during which the database could not be reached (see
:class:`linlab.web.learning.middleware.DatabaseUnavailableMiddleware`): pages get it in the site's
layout, ``/api/v1`` and htmx requests get ``{"detail": ...}`` JSON or a fragment, all with
``Retry-After``.
"""

from __future__ import annotations

import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _page(request, status: int, message: str) -> HttpResponse:
    return render(request, "learning/error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    """400.  A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused while Django's CSRF check reads it,
    before any view: say so (in JSON under ``/api/v1``, as a fragment for htmx) instead of the generic text."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
        message = _("The form sent is larger than the site accepts (%(limit).1f MB, at most %(fields)d fields); "
                    "nothing was saved.") % {"limit": limit_mb, "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
        if request.headers.get("HX-Request") == "true":
            html = loader.get_template("learning/_error.html").render({"message": message, "status": 400})
            return HttpResponse(html, status=400)
        return _page(request, 400, message)
    return _page(request, 400, _("The request could not be understood."))


def forbidden(request, exception=None):
    return _page(request, 403, _("You are not allowed to open this page."))


def not_found(request, exception=None):
    return _page(request, 404, _("There is no such page."))


RETRY_AFTER_S = 10
"""Seconds a client is asked to wait (``Retry-After``) when the database is unreachable."""


def database_unavailable_error(exc: BaseException | None) -> bool:
    """True if ``exc`` means the database is unreachable or the connection dropped.

    Django's ``OperationalError`` and ``InterfaceError`` (which wrap the driver's errors raised
    through a cursor or on connect), and psycopg's own ones raised outside Django's wrapper.
    """
    from django.db import InterfaceError, OperationalError

    kinds: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
    try:
        import psycopg
    except ImportError:  # SQLite-only installs
        pass
    else:
        kinds += (psycopg.OperationalError, psycopg.InterfaceError)
    return isinstance(exc, kinds)


def unavailable_message() -> str:
    """What the 503 answer says (in the request's language)."""
    return _(
        "The site cannot reach its database right now, so this request was not completed and what it "
        "sent may not have been saved. Please try again in a moment: an answer sent twice is stored once."
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON ``{"detail": ...}`` under ``/api/v1``, a fragment for htmx, else a page.

    Renders without context processors that query the database, and without the signed-in user
    (loading it needs the database); the page still has the site's layout.
    """
    message = unavailable_message()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503, json_dumps_params={"ensure_ascii": False})
    elif request.headers.get("HX-Request") == "true":
        html = loader.get_template("learning/_error.html").render({"message": message, "status": 503})
        response = HttpResponse(html, status=503)
    else:
        from django.contrib.auth.models import AnonymousUser
        from django.middleware.csrf import get_token

        html = loader.get_template("learning/unavailable.html").render({
            "status": 503, "message": message, "request": request, "user": AnonymousUser(),
            "reviews_due": 0, "csrf_token": get_token(request),
        })
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    # No context processors or database here: whatever broke may be what they need.
    # A database that went away while a middleware used it (the session, the user) lands here rather
    # than in the middleware's process_exception: answer the 503 page for that too.
    if database_unavailable_error(sys.exc_info()[1]):
        return database_unavailable(request)
    html = loader.get_template("learning/500.html").render({})
    return HttpResponse(html, status=500)


def live(request):
    """``ok`` as plain text, touching neither the database nor a template: the process answers.

    The floor of a request through the whole middleware stack; the load benchmark compares the
    lesson page's latency with it.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def health(request):
    """200 with ``{"status": "ok"}`` when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as err:  # noqa: BLE001 - report any database failure as unavailable
        return JsonResponse({"status": "unavailable", "detail": type(err).__name__}, status=503)
    return JsonResponse({"status": "ok"})
