"""The exercise page: one variant per attempt, graded once, with history and the worked solution."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from ....course import render as render_markdown
from ..actions import ActionError, answer_attempt, current_attempt, get_generator, get_lesson, new_attempt, variant_of
from ..models import Attempt
from .common import error_page, exercise_title, is_htmx, lang_of
from .lessons import INPUT_HINTS


def variant_context(attempt: Attempt, lang: str) -> dict[str, Any]:
    """What a template needs to show one attempt: prompt HTML, input kind, and after grading the solution."""
    variant = variant_of(attempt)
    answer = variant.answer
    choices = None
    if variant.answer_type == "choice":
        choices = [(str(i + 1), mark_safe(render_markdown(o, inline=True))) for i, o in enumerate(answer.options[lang])]
    return {
        "attempt": attempt,
        "prompt_html": mark_safe(render_markdown(variant.prompt(lang))),
        "solution_html": mark_safe(render_markdown(variant.solution(lang))) if attempt.answered else "",
        "expected": variant.expected if attempt.answered else "",
        "answer_type": variant.answer_type,
        "choices": choices,
        "input_hint": INPUT_HINTS.get(variant.answer_type, ""),
    }


def _exercise_context(request: HttpRequest, lesson_id: str, exercise_id: str, attempt: Attempt | None = None) -> dict[str, Any]:
    _, lesson = get_lesson(lesson_id)
    gen = get_generator(lesson_id, exercise_id)
    lang = lang_of(request)
    attempt = attempt or current_attempt(request.user, gen)
    exercise = lesson.exercise(exercise_id)
    title = exercise_title(exercise, lang)
    history = Attempt.objects.filter(user=request.user, generator=gen, answered_at__isnull=False).order_by("-answered_at")[:20]
    others = [{"id": e.id, "title": exercise_title(e, lang)} for e in lesson.exercises if e.id != exercise_id]
    return {
        "nav": "map",
        "lesson": lesson,
        "lesson_title": lesson.title[lang],
        "exercise": exercise,
        "title": title,
        "history": history,
        "others": others,
        **variant_context(attempt, lang),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def exercise_page(request: HttpRequest, lesson_id: str, exercise_id: str) -> HttpResponse:
    """The learner's current variant (the same one until it is answered), or ``?attempt=ID`` to look back."""
    try:
        attempt = None
        if request.GET.get("attempt", "").isdigit():
            attempt = Attempt.objects.filter(
                pk=int(request.GET["attempt"]), user=request.user,
                generator__lesson_id=lesson_id, generator__exercise_id=exercise_id,
            ).first()
            if attempt is None:
                raise ActionError("You have no such attempt at this exercise.", status=404)
        return render(request, "learning/exercise.html", _exercise_context(request, lesson_id, exercise_id, attempt))
    except ActionError as err:
        return error_page(request, err)


@login_required
@require_POST
def new_variant(request: HttpRequest, lesson_id: str, exercise_id: str) -> HttpResponse:
    """Start a new attempt (fresh numbers) unless an unanswered one is open; then show it."""
    try:
        gen = get_generator(lesson_id, exercise_id)
        open_one = Attempt.objects.filter(user=request.user, generator=gen, review=False, answered_at__isnull=True).exists()
        if not open_one:
            new_attempt(request.user, gen)
    except ActionError as err:
        return error_page(request, err)
    return redirect("exercise", lesson_id=lesson_id, exercise_id=exercise_id)


@login_required
@require_POST
def answer(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Grade one attempt (once; a resubmit shows the first grade).  htmx gets the result fragment."""
    lang = lang_of(request)
    try:
        attempt = answer_attempt(request.user, attempt_id, request.POST.get("answer", ""), lang=lang)
    except ActionError as err:
        return error_page(request, err)
    if is_htmx(request):
        context = {"lesson_id": attempt.generator.lesson_id, "exercise_id": attempt.generator.exercise_id,
                   **variant_context(attempt, lang)}
        return render(request, "learning/_attempt.html", context)
    if attempt.review:
        return redirect(reverse("reviews") + f"?answered={attempt.pk}")
    gen = attempt.generator
    return redirect(reverse("exercise", args=[gen.lesson_id, gen.exercise_id]) + f"?attempt={attempt.pk}")
