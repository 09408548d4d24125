"""``/api/v1/``: the API's endpoints, the schema (``openapi.json``) and the offline docs page (``docs``)."""

from functools import wraps

from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import Resolver404, URLPattern, path, resolve
from django.utils.translation import gettext as _
from django.views.generic import RedirectView

from .api import api
from .docs import asset


def _json(message: str, status: int, **headers: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status, headers=headers, json_dumps_params={"ensure_ascii": False})


def _is_endpoint(url: str) -> bool:
    try:
        return resolve(url).func is not _no_endpoint
    except Resolver404:
        return False


def _no_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    # Unknown paths under /api/v1/ answer JSON like every API error, not the site's HTML 404 page.
    if request.path.endswith("/") and _is_endpoint(request.path.rstrip("/")):
        return _json(_("There is no API endpoint %(path)s; did you mean %(other)s (no slash at the end)?")
                     % {"path": request.path, "other": request.path.rstrip("/")}, 404)
    return _json(_("There is no API endpoint %(path)s; the endpoints are listed at /api/v1/docs.") % {"path": request.path}, 404)


def _json_405(view):
    """ninja answers a wrong method with a plain-text 405; say it in JSON like every other error."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            return _json(_("%(method)s is not allowed here; use %(allowed)s.") % {"method": request.method, "allowed": allowed},
                         405, Allow=allowed)
        return response

    return wrapped


_patterns, _app, _namespace = api.urls
_patterns = [URLPattern(p.pattern, _json_405(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
             for p in _patterns]

urlpatterns = [
    path("docs/assets/<str:name>", asset, name="api-docs-asset"),
    path("", RedirectView.as_view(pattern_name="api-v1:openapi-view"), name="api-home"),
    path("", (_patterns, _app, _namespace)),
    path("<path:rest>", _no_endpoint),
]
