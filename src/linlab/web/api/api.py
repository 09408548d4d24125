"""The :class:`ninja.NinjaAPI` of ``/api/v1``: its routers, and errors as ``{"detail": "…"}`` JSON.

Every error answers ``{"detail": "a message meant for a person"}`` with its status: 400 bad input,
401 no or bad credentials, 403 a session request without its CSRF token, 404 anything that is not
there or not the caller's, 409 a conflict worth retrying, 422 a request that does not fit the schema
(also ``"errors"``, one entry per field), 500 a server fault (logged).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from ..learning.actions import ActionError
from .docs import OfflineSwagger
from .routes import attempts, learner, lessons, tokens

__all__ = ["api"]

logger = logging.getLogger("linlab.web.api")


class _Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Russian text as UTF-8, not \u escapes


api = NinjaAPI(
    title="linlab API",
    version="1",
    description="Lessons, exercise variants and grading, check questions, progress and reviews of the "
    "linlab course. Authenticate with `Authorization: Bearer <token>` (create a token with "
    "`POST /api/v1/tokens` from a signed-in browser, or `python -m linlab.web create_api_token USERNAME`) "
    "or with the site's session plus the `X-CSRFToken` header on unsafe methods. Guide: docs/api.md.",
    urls_namespace="api-v1",
    docs=OfflineSwagger(),
    renderer=_Renderer(),
)
api.add_router("", lessons.router)
api.add_router("", attempts.router)
api.add_router("", learner.router)
api.add_router("", tokens.router)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return _detail(request, str(exc), exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _detail(request, _("Authentication required: send an API token (Authorization: Bearer <token>) "
                                  "or sign in."), 401)
    response["WWW-Authenticate"] = 'Bearer realm="linlab"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = exc.message
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    response = _detail(request, message, exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="linlab", error="invalid_token"'
    return response


def _where(loc: Any) -> str:
    parts = [str(p) for p in loc]
    if len(parts) >= 2 and parts[0] in ("body", "query", "path") and parts[1] in ("body", "query"):
        del parts[1]  # ninja's name of the parameter object, not the client's field
    return ".".join(parts)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in exc.errors]
    problems = "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in errors)
    message = _("The request does not fit the API: %(problems)s.") % {"problems": problems}
    return api.create_response(request, {"detail": message, "errors": errors}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, _("There is no such API endpoint; the endpoints are listed at /api/v1/docs."), 404)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request %s %s failed", request.method, request.path)
    return _detail(request, _("The server failed to answer this request; the error was logged."), 500)
