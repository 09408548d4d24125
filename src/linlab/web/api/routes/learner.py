"""The learner's own state: progress per lesson, due review cards, and review variants."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from ...learning.actions import ActionError, due_cards, review_attempt
from ...learning.progress import lesson_progress
from .. import auth
from ..present import attempt_json, lang_for
from ..schemas import AttemptOut, DueCardOut, ErrorOut, LangQuery, ProgressOut, ValidationErrorOut

__all__ = ["router"]

router = Router(tags=["learner"])


@router.get("/progress", response={200: list[ProgressOut], 401: ErrorOut}, auth=auth.SIGNED_IN, summary="Progress per lesson")
def progress(request: HttpRequest):
    """The learner's state on every lesson, in course order: not-started, in-progress, done or
    review-due, with the checks answered right and the last graded exercise attempts."""
    return [p.to_json() for p in lesson_progress(auth.request_user(request)).values()]


@router.get("/reviews/due", response={200: list[DueCardOut], 401: ErrorOut}, auth=auth.SIGNED_IN, summary="Due review cards")
def reviews_due(request: HttpRequest):
    """The learner's review cards due now, most overdue first."""
    return [
        {"id": card.pk, "lesson": card.generator.lesson_id, "exercise": card.generator.exercise_id,
         "due": card.due, "reviews": card.reviews}
        for card in due_cards(auth.request_user(request))
    ]


@router.post(
    "/reviews/{card_id}/attempt",
    response={200: AttemptOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    auth=auth.SIGNED_IN,
    summary="Get the variant to review a due card",
)
def review(request: HttpRequest, card_id: int, query: Query[LangQuery]):
    """The open review attempt of a due card (a fresh variant the first time).  Answer it with
    ``POST /attempts/{id}/answer``; its grade reschedules the card."""
    user = auth.request_user(request)
    card = due_cards(user).filter(pk=card_id).first()
    if card is None:
        raise ActionError(f"You have no review card {card_id} due now.", status=404)
    return attempt_json(review_attempt(user, card), lang_for(user, query.lang))
