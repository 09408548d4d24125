"""Turn loaded lessons, attempts and answers into the API's JSON (HTML with MathML where shown).

Read-only: nothing here decides anything; the grades and states come from the learning app.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from ...course import CourseError, Lesson, render
from ..learning.coursecache import current_course
from ..learning.actions import variant_of
from ..learning.models import Attempt

__all__ = ["lang_for", "markdown_html", "title_in", "lesson_summary", "lesson_detail", "attempt_json", "LANGS"]

LANGS = ("en", "ru")


def lang_for(user: Any, lang: str | None) -> str:
    """The language to answer in.

    Parameters
    ----------
    user : User or AnonymousUser
        Who asks; a signed-in learner's ``Profile.language`` is the default.
    lang : {"en", "ru"} or None
        The ``?lang=`` of the request (already validated), if any.

    Returns
    -------
    str
        ``lang`` if given, else the learner's profile language, else ``"en"``.
    """
    if lang:
        return lang
    profile = getattr(user, "profile", None) if user.is_authenticated and hasattr(user, "profile") else None
    chosen = getattr(profile, "language", None)
    return chosen if chosen in LANGS else "en"


def markdown_html(text: str) -> str:
    """Feedback Markdown (``$…$`` math) as HTML; text that is not valid lesson Markdown is escaped as is."""
    try:
        return render(text)
    except CourseError:  # a stray "$" in feedback must not fail the answer; show it literally
        return f"<p>{escape(text)}</p>\n"


def title_in(title: str | dict[str, str] | None, lang: str) -> str | None:
    """An exercise title (a str, ``{"en": …, "ru": …}`` or None) in ``lang``."""
    return title.get(lang) if isinstance(title, dict) else title


def lesson_summary(lesson: Lesson, lang: str) -> dict[str, Any]:
    """The list entry of a lesson."""
    return {
        "id": lesson.id,
        "order": lesson.order,
        "title": lesson.title[lang],
        "category": lesson.category[lang],
        "lab": lesson.lab,
        "prerequisites": list(lesson.prerequisites),
        "exercises": [e.id for e in lesson.exercises],
        "checks": [c.id for c in lesson.checks],
    }


def _link(lesson_id: str, lang: str) -> dict[str, str]:
    other = current_course().lessons.get(lesson_id)
    return {"id": lesson_id, "title": other.title[lang] if other else lesson_id}


def lesson_detail(lesson: Lesson, lang: str) -> dict[str, Any]:
    """A whole lesson in ``lang``; check questions without their answers."""
    return {
        "id": lesson.id,
        "order": lesson.order,
        "lang": lang,
        "title": lesson.title[lang],
        "category": lesson.category[lang],
        "lab": lesson.lab,
        "content_version": current_course().content_version,
        "ml_applications": list(lesson.ml_applications[lang]),
        "prerequisites": [_link(p, lang) for p in lesson.prerequisites],
        "sections": [{"id": s.id, "title": s.title_html, "html": s.html} for s in lesson.sections[lang]],
        "checks": [
            {"id": c.id, "section": c.section, "type": c.type, "question": c.question[lang],
             "choices": list(c.choices[lang]) if c.choices else None,
             "variables": list(c.variables) if c.variables else None}
            for c in lesson.checks
        ],
        "reflections": [{"id": r.id, "question": r.question[lang], "answer": r.answer[lang]} for r in lesson.reflections],
        "key_ideas": list(lesson.key_ideas[lang]),
        "related": [dict(_link(r.id, lang), why=r.why[lang]) for r in lesson.related],
        "related_topics": [{"topic": t.topic[lang], "why": t.why[lang]} for t in lesson.related_topics],
        "exercises": [{"id": e.id, "title": title_in(e.title, lang), "answer_type": e.answer_type} for e in lesson.exercises],
    }


def attempt_json(attempt: Attempt, lang: str) -> dict[str, Any]:
    """An attempt as its learner may see it (the fields of :class:`~linlab.web.api.schemas.AttemptOut`).

    The variant is regenerated from the attempt's seed; its grade, worked solution and expected answer
    are included only once the attempt is answered, so a client cannot read the answer first.

    Parameters
    ----------
    attempt : Attempt
        The learner's attempt (with ``generator`` loaded or loadable).
    lang : {"en", "ru"}
        The language of prompt, choices and solution (the stored feedback keeps the language it was graded in).
    """
    variant = variant_of(attempt)
    answered = attempt.answered
    return {
        "id": attempt.pk,
        "lesson": attempt.generator.lesson_id,
        "exercise": attempt.generator.exercise_id,
        "number": attempt.number,
        "review": attempt.review,
        "lang": lang,
        "created": attempt.created,
        "prompt": render(variant.prompt(lang)),
        "prompt_markdown": variant.prompt(lang),
        "answer_type": variant.answer_type,
        "choices": [render(o, inline=True) for o in variant.answer.options[lang]] if variant.answer_type == "choice" else None,
        "answered": answered,
        "answered_at": attempt.answered_at,
        "answer": attempt.answer if answered else None,
        "correct": attempt.correct if answered else None,
        "score": attempt.score if answered else None,
        "feedback": attempt.feedback if answered else None,
        "feedback_html": markdown_html(attempt.feedback) if answered else None,
        "solution": render(variant.solution(lang)) if answered else None,
        "expected": variant.expected if answered else None,
    }
