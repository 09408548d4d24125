"""The lesson map (home page), the lesson page, and inline check answers."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ....course import fill_placeholders, load_course
from ..actions import ActionError, CheckOutcome, get_check, get_lesson, record_check
from ..lessonmap import layout
from ..models import CheckAnswer
from ..progress import lesson_progress
from .common import error_page, exercise_title, is_htmx, lang_of

STATE_LABELS = {
    "not-started": _("not started"),
    "in-progress": _("in progress"),
    "done": _("done"),
    "review-due": _("review due"),
}

INPUT_HINTS = {
    "integer": "3",
    "number": "1/2",
    "vector": "[1, 2, 3]",
    "matrix": "[[1, 2], [3, 4]]",
    "basis": "[1, 0, -1], [0, 1, 2]",
    "expression": "2x + 1",
    "scaled_vector": "[1, -1]",
}


def home(request: HttpRequest) -> HttpResponse:
    """The lesson map: the prerequisite graph, each lesson coloured by the learner's state."""
    course = load_course()
    lang = lang_of(request)
    progress = lesson_progress(request.user)
    ids = [i for i in course.lessons if i in progress]
    graph = layout(ids, {i: course.lessons[i].prerequisites for i in ids})
    nodes = [
        {
            "id": i,
            "node": graph.nodes[i],
            "title": course.lessons[i].title[lang],
            "category": course.lessons[i].category[lang],
            "order": course.lessons[i].order,
            "state": progress[i].state,
        }
        for i in ids
    ]
    legend = [(state, label, sum(1 for n in nodes if n["state"] == state)) for state, label in STATE_LABELS.items()]
    return render(request, "learning/home.html", {"nav": "map", "graph": graph, "nodes": nodes, "legend": legend})


def _latest_answers(user: Any, lesson_id: str) -> dict[str, CheckAnswer]:
    if not user.is_authenticated:
        return {}
    latest: dict[str, CheckAnswer] = {}
    for row in CheckAnswer.objects.filter(user=user, lesson_id=lesson_id).order_by("created", "id"):
        latest[row.question_id] = row
    return latest


def _check_context(request: HttpRequest, lesson: Any, check: Any, outcome: CheckOutcome | None, lang: str) -> dict[str, Any]:
    choices = None
    if check.type == "choice":
        choices = [(str(i + 1), mark_safe(html)) for i, html in enumerate(check.choices[lang])]
    return {
        "lesson": lesson,
        "check": check,
        "question_html": mark_safe(check.question[lang]),
        "explain_html": mark_safe(check.explain[lang]),
        "choices": choices,
        "input_hint": INPUT_HINTS.get(check.type, ""),
        "variables": ", ".join(check.variables or ()),
        "outcome": outcome,
        "submission": uuid.uuid4(),
        "user": request.user,
        "request": request,
    }


def _render_check(request: HttpRequest, lesson: Any, check: Any, outcome: CheckOutcome | None, lang: str) -> str:
    return render_to_string("learning/_check.html", _check_context(request, lesson, check, outcome, lang), request=request)


def _lesson_response(request: HttpRequest, lesson_id: str, *, fresh: dict[str, CheckOutcome] | None = None, status: int = 200) -> HttpResponse:
    row, lesson = get_lesson(lesson_id)
    course = load_course()
    lang = lang_of(request)
    latest = _latest_answers(request.user, lesson_id)
    outcomes = {qid: CheckOutcome(a, a.correct, a.feedback, a.text) for qid, a in latest.items()}
    outcomes.update(fresh or {})
    reflections = {r.id: r for r in lesson.reflections}

    def fill(kind: str, question_id: str) -> str:
        if kind == "check":
            return _render_check(request, lesson, lesson.check_question(question_id), outcomes.get(question_id), lang)
        reflection = reflections[question_id]
        return render_to_string("learning/_reflect.html", {
            "id": question_id, "question": mark_safe(reflection.question[lang]), "answer": mark_safe(reflection.answer[lang]),
        })

    sections = [
        {"id": s.id, "title": mark_safe(s.title_html), "html": mark_safe(fill_placeholders(s.html, fill))}
        for s in lesson.sections[lang]
    ]
    ids = list(lesson.prerequisites) + [r.id for r in lesson.related]
    progress = lesson_progress(request.user, lesson_ids=[lesson_id, *ids])
    def link(other_id: str) -> dict[str, Any]:
        other = course.lessons.get(other_id)
        state = progress[other_id].state if other_id in progress else "not-started"
        return {"id": other_id, "title": other.title[lang] if other else other_id, "state": state,
                "label": STATE_LABELS[state]}
    exercises = [{"id": e.id, "title": exercise_title(e, lang), "answer_type": e.answer_type} for e in lesson.exercises]
    context = {
        "nav": "map",
        "lesson": lesson,
        "row": row,
        "title": lesson.title[lang],
        "category": lesson.category[lang],
        "ml_applications": [mark_safe(h) for h in lesson.ml_applications[lang]],
        "key_ideas": [mark_safe(h) for h in lesson.key_ideas[lang]],
        "prerequisites": [link(p) for p in lesson.prerequisites],
        "related_lessons": [dict(link(r.id), why=mark_safe(r.why[lang])) for r in lesson.related],
        "related_topics": [{"topic": mark_safe(t.topic[lang]), "why": mark_safe(t.why[lang])} for t in lesson.related_topics],
        "body_sections": [s for s in sections if s["id"] != "reflection"],
        "reflection_sections": [s for s in sections if s["id"] == "reflection"],
        "exercises": exercises,
        "progress": progress[lesson_id],
        "lab": lesson.lab,
    }
    return render(request, "learning/lesson.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def lesson_page(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """The whole lesson: ML box, prerequisites, sections with inline checks, key ideas, related, lab."""
    try:
        return _lesson_response(request, lesson_id)
    except ActionError as err:
        return error_page(request, err)


@require_POST
def check_answer(request: HttpRequest, lesson_id: str, question_id: str) -> HttpResponse:
    """Grade an inline answer.  htmx gets the question's fragment back; a plain form post is
    redirected to the lesson (signed in: the answer is stored) or shown the page with the result."""
    lang = lang_of(request)
    try:
        outcome = record_check(request.user, lesson_id, question_id, request.POST.get("answer", ""),
                               lang=lang, submission=request.POST.get("submission"))
    except ActionError as err:
        if is_htmx(request) and err.status == 400:
            _, lesson = get_lesson(lesson_id)
            check = get_check(lesson, question_id)
            context = _check_context(request, lesson, check, None, lang)
            context["error"] = str(err)
            return render(request, "learning/_check.html", context, status=400)
        return error_page(request, err)
    if is_htmx(request):
        _, lesson = get_lesson(lesson_id)
        return HttpResponse(_render_check(request, lesson, get_check(lesson, question_id), outcome, lang))
    if request.user.is_authenticated:
        return redirect(reverse("lesson", args=[lesson_id]) + f"#check-{question_id}")
    return _lesson_response(request, lesson_id, fresh={question_id: outcome})
