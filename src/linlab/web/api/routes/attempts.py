"""Exercise attempts: a variant for the learner, and its grade (once)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from ...learning.actions import ActionError, answer_attempt, current_attempt, get_generator
from ...learning.models import Attempt
from .. import auth
from ..present import attempt_json, lang_for
from ..schemas import AnswerIn, AttemptOut, ErrorOut, LangQuery, ValidationErrorOut

__all__ = ["router"]

router = Router(tags=["exercises"])

_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _own_attempt(user, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_related("generator").filter(pk=attempt_id, user=user).first()
    if attempt is None:  # someone else's attempt is "none" too: ids must not reveal other learners
        raise ActionError(f"You have no attempt {attempt_id}.", status=404)
    return attempt


@router.post(
    "/lessons/{lesson_id}/exercises/{exercise_id}/attempts",
    response={200: AttemptOut, 409: ErrorOut, **_ERRORS},
    auth=auth.SIGNED_IN,
    summary="Get a variant of an exercise",
)
def start_attempt(request: HttpRequest, lesson_id: str, exercise_id: str, query: Query[LangQuery]):
    """The learner's open (unanswered) attempt at this exercise, or a new variant if there is none:
    a variant stays the learner's until it is answered, then this gives the next one."""
    user = auth.request_user(request)
    gen = get_generator(lesson_id, exercise_id)
    return attempt_json(current_attempt(user, gen), lang_for(user, query.lang))


@router.get("/attempts/{attempt_id}", response={200: AttemptOut, **_ERRORS}, auth=auth.SIGNED_IN, summary="Get an attempt")
def get_attempt(request: HttpRequest, attempt_id: int, query: Query[LangQuery]):
    """One of the learner's attempts; once answered, with its grade, solution and expected answer."""
    user = auth.request_user(request)
    return attempt_json(_own_attempt(user, attempt_id), lang_for(user, query.lang))


@router.post(
    "/attempts/{attempt_id}/answer", response={200: AttemptOut, **_ERRORS}, auth=auth.SIGNED_IN, summary="Answer an attempt"
)
def answer(request: HttpRequest, attempt_id: int, body: AnswerIn, query: Query[LangQuery]):
    """Grade the answer to an attempt.  An attempt is graded once: answering again returns the first
    grade unchanged.  The grade also schedules the exercise's review card."""
    user = auth.request_user(request)
    lang = lang_for(user, query.lang)
    return attempt_json(answer_attempt(user, attempt_id, body.answer, lang=lang), lang)
