"""The lesson map (home page), the lesson page, and inline check answers.

The lesson page is rendered in two layers.  What every reader sees alike (sections with their
formulas, ML box, key ideas, related topics and lessons, reflections, exercises, the lab panel) is
rendered once per lesson, language and course content version and kept in Django's cache; in it,
slots (:data:`SLOT` + a name) stand where a reader's own parts go: each inline check (its previous
answer), the state of each linked lesson, the progress box, the CSRF token and each form's
submission key.  A request fills the slots: an unanswered check from its cached fragment, an
answered one rendered from ``_check.html``.  A changed lesson file changes the content version
(:attr:`linlab.course.Course.content_version`, a hash of the course's files), so a stale rendering
is never used.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ....course import fill_placeholders
from ..actions import ActionError, CheckOutcome, get_check, get_lesson, record_check
from ..coursecache import current_course
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
    course = current_course()
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


def _check_context(request: HttpRequest | None, lesson: Any, check: Any, outcome: CheckOutcome | None, lang: str) -> dict[str, Any]:
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
        "user": request.user if request is not None else AnonymousUser(),
        "request": request,
    }


def _render_check(request: HttpRequest, lesson: Any, check: Any, outcome: CheckOutcome | None, lang: str) -> str:
    return render_to_string("learning/_check.html", _check_context(request, lesson, check, outcome, lang), request=request)


SLOT = "\ue000linlab-slot:"
"""Start of a slot in a cached lesson rendering (U+E000, a private-use character no lesson text holds);
a slot is ``SLOT + name + "\ue000"``."""
_SLOT_END = "\ue000"
_SLOTS = re.compile(re.escape(SLOT) + r"([a-z]+)(?::([\w-]+))?" + _SLOT_END)
CACHE_SECONDS = 24 * 3600
"""How long a lesson rendering is kept (the key changes anyway when the content does)."""


def _slot(name: str, arg: str = "") -> str:
    return f"{SLOT}{name}:{arg}{_SLOT_END}" if arg else f"{SLOT}{name}{_SLOT_END}"


@dataclass(frozen=True)
class LessonRendering:
    """A lesson's reader-independent HTML (the ``<article>``) with slots, and each inline check's
    unanswered fragment (with its own CSRF and submission slots)."""

    html: str
    checks: dict[str, str]


def lesson_cache_key(lesson_id: str, lang: str, content_version: str) -> str:
    """The cache key of a lesson's rendering: lesson, language and course content version."""
    return f"linlab:lesson-html:{content_version}:{lang}:{lesson_id}"


def _lesson_rendering(course: Any, lesson: Any, lang: str) -> LessonRendering:
    key = lesson_cache_key(lesson.id, lang, course.content_version)
    hit = cache.get(key)
    if hit is None:
        hit = _render_lesson(course, lesson, lang)
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def _render_lesson(course: Any, lesson: Any, lang: str) -> LessonRendering:
    """Render the reader-independent part of a lesson page of ``course`` in ``lang`` (the active language)."""
    csrf, submission = _slot("csrf"), _slot("submission")
    reflections = {r.id: r for r in lesson.reflections}
    checks = {}
    for check in lesson.checks:
        context = _check_context(None, lesson, check, None, lang)
        context.update({"submission": submission, "csrf_token": csrf, "user": AnonymousUser(), "request": None})
        checks[check.id] = render_to_string("learning/_check.html", context)

    def fill(kind: str, question_id: str) -> str:
        if kind == "check":
            lesson.check_question(question_id)  # an unknown id fails here, as it always has
            return _slot("check", question_id)
        reflection = reflections[question_id]
        return render_to_string("learning/_reflect.html", {
            "id": question_id, "question": mark_safe(reflection.question[lang]), "answer": mark_safe(reflection.answer[lang]),
        })

    sections = [
        {"id": s.id, "title": mark_safe(s.title_html), "html": mark_safe(fill_placeholders(s.html, fill))}
        for s in lesson.sections[lang]
    ]

    def link(other_id: str) -> dict[str, Any]:
        other = course.lessons.get(other_id)
        return {"id": other_id, "title": other.title[lang] if other else other_id,
                "state": _slot("state", other_id), "label": _slot("label", other_id)}

    exercises = [{"id": e.id, "title": exercise_title(e, lang), "answer_type": e.answer_type} for e in lesson.exercises]
    context = {
        "lesson": lesson,
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
        "lab": lesson.lab,
        "my_progress": _slot("progress"),
        "csrf_token": csrf,
        "request": None,
    }
    return LessonRendering(render_to_string("learning/_lesson_body.html", context), checks)


def _lesson_response(request: HttpRequest, lesson_id: str, *, fresh: dict[str, CheckOutcome] | None = None, status: int = 200) -> HttpResponse:
    course = current_course()  # once: the lesson and the content version of the cache key must agree
    _, lesson = get_lesson(lesson_id, course=course)
    lang = lang_of(request)
    rendering = _lesson_rendering(course, lesson, lang)
    latest = _latest_answers(request.user, lesson_id)
    outcomes = {qid: CheckOutcome(a, a.correct, a.feedback, a.text) for qid, a in latest.items()}
    outcomes.update(fresh or {})
    ids = list(lesson.prerequisites) + [r.id for r in lesson.related]
    # An anonymous reader has started nothing: every state is "not-started", no query needed.
    progress = lesson_progress(request.user, lesson_ids=[lesson_id, *ids]) if request.user.is_authenticated else {}

    # An anonymous reader's whole page is the same for everyone but its tokens: cached too, as a page.
    whole_page = (not request.user.is_authenticated and not fresh and status == 200 and not request.GET
                  and not len(get_messages(request)))  # len() does not mark messages as shown
    page_key = lesson_cache_key(lesson_id, lang, course.content_version) + ":anonymous-page"
    page = cache.get(page_key) if whole_page else None
    if page is not None:
        return HttpResponse(_fill_tokens(page, get_token(request)))
    token = _slot("csrf") if whole_page else get_token(request)

    def token_part(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "csrf":
            return token
        if name == "submission":
            return match.group(0) if whole_page else str(uuid.uuid4())
        if name in ("state", "label"):
            state = progress[arg].state if arg in progress else "not-started"
            return state if name == "state" else str(escape(STATE_LABELS[state]))
        return match.group(0)  # a reader part: filled in the second pass

    def reader_part(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "check":
            if arg in outcomes:
                return str(_render_check(request, lesson, lesson.check_question(arg), outcomes[arg], lang))
            return _SLOTS.sub(token_part, rendering.checks[arg])
        if name == "progress":
            return render_to_string("learning/_lesson_mine.html", {
                "user": request.user, "request": request, "progress": progress.get(lesson_id),
            })
        return match.group(0)  # the token slots of a cached anonymous page

    # Tokens first, then the reader's parts: what a learner typed (in an answered check) is never scanned for slots.
    html = _SLOTS.sub(reader_part, _SLOTS.sub(token_part, rendering.html))
    context = {"nav": "map", "title": lesson.title[lang], "body": mark_safe(html)}
    if not whole_page:
        return render(request, "learning/lesson.html", context, status=status)
    context["csrf_token"] = token  # the slot, over the context processor's token
    page = render_to_string("learning/lesson.html", context, request=request)
    cache.set(page_key, page, CACHE_SECONDS)
    return HttpResponse(_fill_tokens(page, get_token(request)))


def _fill_tokens(page: str, token: str) -> str:
    """A cached anonymous page with this request's CSRF token and fresh submission keys."""
    return _SLOTS.sub(lambda m: token if m.group(1) == "csrf" else str(uuid.uuid4()), page)


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
