"""The lab pages and their compute endpoint.

``/labs/<lab>/`` is a page with the lab's form and its result, computed on the server: from the
defaults, from GET parameters (``/labs/linear-map/?matrix=1+2%3B3+4``), or from the form's POST when
JavaScript is off.  ``/labs/<lab>/compute/`` answers the htmx form (GET or POST) with the lab's body
fragment, or JSON when the client asks for ``application/json``.  Bad input is HTTP 400 everywhere,
with the message on the page (or in the JSON).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from linlab.errors import LinlabError

from .core import Lab, LabInputError, Result
from .registry import LABS
from .threads import single_threaded

__all__ = ["index", "lab_page", "lab_compute", "lab_context"]


@dataclass(frozen=True)
class BoundField:
    """A field with the value to show and its error, for the form templates."""

    field: Any
    value: str
    error: str | None

    @property
    def name(self) -> str:
        return self.field.name


def _lab(slug: str) -> Lab:
    lab = LABS.get(slug)
    if lab is None:
        raise Http404(f"no lab {slug!r}")
    return lab


def _submitted(request: HttpRequest) -> Mapping[str, str]:
    """The request's form data; a body too large to parse is an input error, not a crash."""
    if request.method != "POST":
        return request.GET
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent) as err:
        raise LabInputError(None, _("The request is too large.")) from err


def _values(lab: Lab, data: Mapping[str, str]) -> dict[str, str]:
    """The lab's defaults, overridden by the submitted fields the lab knows."""
    values = lab.defaults()
    for name in lab.field_names:
        if name in data:
            values[name] = str(data.get(name) or "")
    return values


def _run(lab: Lab, values: dict[str, str]) -> tuple[Result | None, LabInputError | None]:
    try:
        with single_threaded():
            result = lab.compute(values)
    except LabInputError as err:
        return None, err
    except LinlabError as err:  # the engine refused something the lab's checks let through
        return None, LabInputError(None, str(err))
    values.update(result.values)
    return result, None


def lab_context(
    lab: Lab,
    values: dict[str, str],
    *,
    compact: bool = False,
    lesson: Any = None,
    request_error: LabInputError | None = None,
) -> tuple[dict[str, Any], int]:
    """Compute the lab on ``values`` and build its template context; returns (context, HTTP status).

    ``request_error`` (a request that could not be read) skips the computation and shows that error.
    """
    result, error = (None, request_error) if request_error is not None else _run(lab, values)
    fields = {}
    for f in lab.fields:
        message = error.message if error is not None and error.field == f.name else None
        # a value over the length limit is shown cut to it (its error says so), never echoed back in full
        fields[f.name] = BoundField(f, values.get(f.name, "")[: f.max_length], message)
    figures = []
    for fig in result.figures if result is not None else ():
        figures.append({"data_id": f"lab-{lab.slug}-{fig.key}-data", "spec": fig.spec, "caption": fig.caption})
    context = {
        "lab": lab,
        "values": values,
        "fields": fields,
        "error": error,
        "error_field": None if error is None or error.field is None else lab.field(error.field).label,
        "result": result,
        "r": result.context if result is not None else {},
        "figures": figures,
        "compact": compact,
        "lesson": lesson,
        "page_url": reverse(f"labs:{lab.slug}"),
        "compute_url": reverse(f"labs:{lab.slug}-compute"),
        **(lab.form_context() if lab.form_context is not None else {}),
    }
    return context, 400 if error is not None else 200


def _request_context(request: HttpRequest, lab: Lab) -> tuple[dict[str, Any], int]:
    try:
        data = _submitted(request)
    except LabInputError as err:
        return lab_context(lab, lab.defaults(), request_error=err)
    return lab_context(lab, _values(lab, data), compact=data.get("compact") == "1")


def _finite(value: Any) -> Any:
    """JSON has no Infinity or NaN: non-finite floats become None (a bound that says nothing)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json(lab: Lab, context: dict[str, Any], status: int) -> JsonResponse:
    error = context["error"]
    if error is not None:
        return JsonResponse({"lab": lab.slug, "ok": False, "error": error.message, "field": error.field}, status=status)
    result = context["result"]
    figures = {fig.key: fig.spec for fig in result.figures}
    body = {"lab": lab.slug, "ok": True, "values": context["values"], "data": result.data, "figures": figures}
    return JsonResponse(_finite(body))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") and not request.headers.get("HX-Request")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The list of labs."""
    return render(request, "labs/index.html", {"labs": list(LABS.values()), "nav": "labs"})


@require_http_methods(["GET", "HEAD", "POST"])
def lab_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A lab's page: the form and the result computed on the server (defaults, GET parameters or a POST)."""
    lab = _lab(slug)
    context, status = _request_context(request, lab)
    context.update(nav="labs", compact=False)
    return render(request, "labs/page.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def lab_compute(request: HttpRequest, slug: str) -> HttpResponse:
    """The htmx endpoint: the lab's body (form and result) as a fragment, or JSON for ``Accept: application/json``."""
    lab = _lab(slug)
    context, status = _request_context(request, lab)
    if _wants_json(request):
        return _json(lab, context, status)
    return render(request, "labs/_body.html", context, status=status)
