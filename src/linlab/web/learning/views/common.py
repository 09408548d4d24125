"""Helpers shared by the learning views: the request's language, htmx detection, error responses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from ..actions import ActionError


def lang_of(request: HttpRequest) -> str:
    """``"en"`` or ``"ru"``: the language this request is served in."""
    code = (translation.get_language() or "en")[:2]
    return code if code in ("en", "ru") else "en"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_page(request: HttpRequest, err: ActionError) -> HttpResponse:
    """A page (or, for htmx, a fragment) that says what went wrong, with the error's status."""
    template = "learning/_error.html" if is_htmx(request) else "learning/error.html"
    return render(request, template, {"message": str(err), "status": err.status}, status=err.status)


def exercise_title(exercise, lang: str) -> str:
    """An exercise's display title in ``lang``: its own title, else its id made readable."""
    title = exercise.title
    if isinstance(title, dict):
        return title[lang]
    return title or exercise.id.replace("-", " ").capitalize()
