"""Request middleware of the learning app.

``UserLanguageMiddleware``: activate the signed-in learner's saved language on every request (it
follows them across devices).

``DatabaseUnavailableMiddleware``: when the database cannot be reached or the connection drops
(Django's ``OperationalError``/``InterfaceError``, psycopg's), answer a clean 503 with ``Retry-After``
instead of the 500 page: the page in the site's layout, ``{"detail": ...}`` JSON under ``/api/v1``, a
fragment for htmx.  Nothing needs restarting afterwards: the next request opens a fresh connection
(``CONN_HEALTH_CHECKS`` in settings drops a dead persistent one before it is used).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation

from .views.errors import database_unavailable, database_unavailable_error

logger = logging.getLogger("linlab.web")


class UserLanguageMiddleware:
    """After LocaleMiddleware: a signed-in user's ``Profile.language`` wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
            language = getattr(profile, "language", None)
            if language in self.codes:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class DatabaseUnavailableMiddleware:
    """503 (not 500) for a request whose database went away; see the module's docstring.

    Three places see such an error, and each answers the same 503:

    * a view: :meth:`process_exception` here;
    * another middleware (loading the session or the user): Django turns it into the ``handler500``
      response, and :func:`linlab.web.learning.views.errors.server_error` answers 503 for it;
    * an ``/api/v1`` endpoint: django-ninja catches every exception itself, so this middleware adds an
      exception handler for these errors to the API when it is created.

    Place it near the top of ``MIDDLEWARE`` (after security/static files), so its response passes
    through as few middlewares as possible that might touch the database again.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        _install_api_handler()

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable_error(exception):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path,
                       " ".join(str(exception).split())[:300])
        return database_unavailable(request)


def _install_api_handler() -> None:
    from django.db import InterfaceError, OperationalError

    from ..api.api import api

    def handler(request, exc):
        logger.warning("database unavailable during %s %s: %s", request.method, request.path,
                       " ".join(str(exc).split())[:300])
        return database_unavailable(request)

    kinds: list[type[Exception]] = [OperationalError, InterfaceError]
    try:
        import psycopg
    except ImportError:
        pass
    else:
        kinds += [psycopg.OperationalError, psycopg.InterfaceError]
    for kind in kinds:
        api.add_exception_handler(kind, handler)
