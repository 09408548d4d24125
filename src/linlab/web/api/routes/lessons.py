"""``/lessons``: the course's lessons, and answers to their inline check questions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from ...learning.coursecache import current_course
from ...learning.actions import get_check, get_lesson, record_check
from ...learning.models import Lesson
from .. import auth
from ..present import lang_for, lesson_detail, lesson_summary, markdown_html
from ..schemas import CheckIn, CheckResultOut, ErrorOut, LangQuery, LessonDetail, LessonSummary, ValidationErrorOut

__all__ = ["router"]

router = Router(tags=["lessons"])


@router.get("/lessons", response={200: list[LessonSummary], 401: ErrorOut, 422: ValidationErrorOut}, auth=auth.ANYONE,
            openapi_extra=auth.OPTIONAL_IN_SCHEMA, summary="List the lessons")
def list_lessons(request: HttpRequest, query: Query[LangQuery]):
    """Every lesson of the course in course order.  ``lang`` (en or ru) defaults to the learner's
    profile language, else English."""
    lang = lang_for(auth.request_user(request), query.lang)
    active = set(Lesson.objects.filter(active=True).values_list("pk", flat=True))
    return [lesson_summary(lesson, lang) for lesson in current_course().lessons.values() if lesson.id in active]


@router.get("/lessons/{lesson_id}", response={200: LessonDetail, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
            auth=auth.ANYONE,
            openapi_extra=auth.OPTIONAL_IN_SCHEMA, summary="Get one lesson")
def get_one_lesson(request: HttpRequest, lesson_id: str, query: Query[LangQuery]):
    """The whole lesson in one language: sections as HTML with MathML, check questions (without
    answers), reflection questions, key ideas, related lessons and topics, exercises."""
    _, lesson = get_lesson(lesson_id)
    return lesson_detail(lesson, lang_for(auth.request_user(request), query.lang))


@router.post(
    "/lessons/{lesson_id}/checks/{question_id}",
    response={200: CheckResultOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=auth.SIGNED_IN,
    summary="Answer a check question",
)
def answer_check(request: HttpRequest, lesson_id: str, question_id: str, body: CheckIn, query: Query[LangQuery]):
    """Grade and store an answer to an inline check question.  Sending the same ``submission`` key
    twice stores one answer and returns the first grade both times."""
    user = auth.request_user(request)
    lang = lang_for(user, query.lang)
    outcome = record_check(user, lesson_id, question_id, body.answer, lang=lang, submission=body.submission)
    _, lesson = get_lesson(lesson_id)
    return {
        "lesson": lesson_id,
        "question": question_id,
        "correct": outcome.correct,
        "feedback": outcome.feedback,
        "feedback_html": markdown_html(outcome.feedback),
        "explanation": get_check(lesson, question_id).explain[lang],
        "answer": outcome.text,
        "submission": outcome.answer.submission,
    }
