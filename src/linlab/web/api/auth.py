"""How an API request proves who sends it: an API token, or the site's session with a CSRF token.

* ``Authorization: Bearer llt_…`` — a token from ``POST /api/v1/tokens`` or ``python -m linlab.web
  create_api_token``.  A token that is unknown or revoked is refused with 401 (never silently ignored).
  No CSRF token is needed: a browser never attaches this header on its own.
* The session cookie of a signed-in browser — unsafe methods (POST, PUT, PATCH, DELETE) must also send
  the CSRF token (``X-CSRFToken`` header), as every form of the site does; without it 403.

Each endpoint lists the callbacks it accepts; the first that returns a user wins (ninja runs them in order).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .tokens import user_for_token

__all__ = ["BearerToken", "SessionWithCsrf", "anonymous", "TOKEN", "SESSION", "SIGNED_IN", "ANYONE", "OPTIONAL_IN_SCHEMA", "request_user"]


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; an unknown or revoked token is a 401, not a fall-through."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token.strip())
        if user is None:
            raise HttpError(401, _("The API token is invalid or has been revoked."))
        return user


class SessionWithCsrf(APIKeyCookie):
    """The site's session; for unsafe methods the CSRF token must come along (else 403).

    Unlike ninja's ``SessionAuth``, the CSRF check runs only for a signed-in session, so a request with
    no credentials at all gets the 401 that tells the client to authenticate.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, _("CSRF check failed: a browser session must send the X-CSRFToken header "
                                   "with POST, PUT, PATCH and DELETE requests (or use an API token instead)."))
        return user


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Accept a request without credentials (for public endpoints), as the anonymous user."""
    return AnonymousUser()


TOKEN = BearerToken()
SESSION = SessionWithCsrf()
SIGNED_IN = [TOKEN, SESSION]
"""A signed-in learner: by token or by session."""
ANYONE = [TOKEN, SESSION, anonymous]
"""Anyone; a learner who sends credentials is recognised (their language is the default)."""
OPTIONAL_IN_SCHEMA = {"security": [{}]}
"""``openapi_extra`` of an :data:`ANYONE` endpoint: the schema says credentials are optional there."""


def request_user(request: HttpRequest) -> Any:
    """The user the request authenticated as (possibly anonymous)."""
    return getattr(request, "auth", None) or AnonymousUser()
