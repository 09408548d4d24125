"""The rules of learning, in one place: record an inline answer, hand out and grade exercise variants,
rate review cards.  Views, the JSON API and the CLI call these; each owns its transaction.

Every function takes the acting user explicitly and only ever touches that user's rows, so a view
cannot read or write someone else's progress by passing another id: the lookups filter by ``user``.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from .coursecache import current_course
from ...course.model import CheckQuestion
from ...errors import LinlabError
from .models import Attempt, CheckAnswer, ExerciseGenerator, Lesson, ReviewCard, ReviewLog

__all__ = [
    "ActionError",
    "MAX_ANSWER_CHARS",
    "CheckOutcome",
    "get_lesson",
    "get_check",
    "get_generator",
    "record_check",
    "current_attempt",
    "new_attempt",
    "answer_attempt",
    "variant_of",
    "rating_for",
    "due_cards",
    "review_attempt",
    "SCHEDULER",
]

MAX_ANSWER_CHARS = 2000
"""Longest typed answer accepted (the parser's own limit); longer text is refused with a message."""

SCHEDULER = Scheduler(enable_fuzzing=False)
"""The fsrs scheduler of every card (no fuzzing: the same answers give the same schedule)."""


class ActionError(LinlabError):
    """A request the rules refuse; ``status`` is the HTTP status a view answers with."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def get_lesson(lesson_id: str, *, course: Any = None) -> tuple[Lesson, Any]:
    """The lesson's database row and its loaded content; ActionError(404) if there is no such lesson.

    ``course``: the loaded course to look in (default :func:`current_course`), for a caller that needs
    the lesson and other facts (its content version) from one course object.
    """
    lesson = (course or current_course()).lessons.get(lesson_id)
    row = Lesson.objects.filter(pk=lesson_id, active=True).first()
    if lesson is None or row is None:
        raise ActionError(f"There is no lesson {lesson_id!r}.", status=404)
    return row, lesson


def get_check(lesson: Any, question_id: str) -> CheckQuestion:
    """The inline check question ``question_id`` of a loaded lesson; ActionError(404) otherwise."""
    for check in lesson.checks:
        if check.id == question_id:
            return check
    raise ActionError(f"Lesson {lesson.id} has no question {question_id!r}.", status=404)


def get_generator(lesson_id: str, exercise_id: str) -> ExerciseGenerator:
    """The active exercise ``exercise_id`` of lesson ``lesson_id``; ActionError(404) otherwise."""
    gen = ExerciseGenerator.objects.select_related("lesson").filter(
        lesson_id=lesson_id, exercise_id=exercise_id, active=True, lesson__active=True
    ).first()
    if gen is None:
        raise ActionError(f"Lesson {lesson_id} has no exercise {exercise_id!r}.", status=404)
    return gen


def _clean_text(text: Any) -> str:
    if not isinstance(text, str):
        raise ActionError("The answer must be text.")
    if len(text) > MAX_ANSWER_CHARS:
        raise ActionError(f"The answer is {len(text):,} characters long; at most {MAX_ANSWER_CHARS:,} are accepted.")
    return text.replace("\x00", "")


def _submission(key: Any) -> uuid.UUID:
    if key in (None, ""):
        return uuid.uuid4()
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise ActionError("The form's submission key is malformed; reload the page and answer again.") from None


@dataclass(frozen=True)
class CheckOutcome:
    """A graded inline answer: the stored row (None for an anonymous reader) and the result."""

    answer: CheckAnswer | None
    correct: bool
    feedback: str
    text: str


def record_check(user: Any, lesson_id: str, question_id: str, text: Any, *, lang: str, submission: Any = None) -> CheckOutcome:
    """Grade an answer to an inline question and, for a signed-in user, store it.

    The same ``submission`` key sent twice (a double click, a resent form) stores one row and returns
    it both times.
    """
    _, lesson = get_lesson(lesson_id)
    check = get_check(lesson, question_id)
    text = _clean_text(text)
    result = check.check(text, lang)
    if user is None or not user.is_authenticated:
        return CheckOutcome(None, result.correct, result.feedback, text)
    key = _submission(submission)
    try:
        with transaction.atomic():
            row, _ = CheckAnswer.objects.get_or_create(
                user=user,
                submission=key,
                defaults={"lesson_id": lesson_id, "question_id": question_id, "text": text,
                          "correct": result.correct, "feedback": result.feedback},
            )
    except IntegrityError:  # two requests with one key raced; the other one stored it
        row = CheckAnswer.objects.get(user=user, submission=key)
    return CheckOutcome(row, row.correct, row.feedback, row.text)


def _seed(user: Any, gen: ExerciseGenerator, number: int, review: bool) -> int:
    # Per user and attempt, stable across databases (ids are names, not primary keys).
    tag = f"{user.pk}:{gen.lesson_id}/{gen.exercise_id}:{'r' if review else 'a'}{number}"
    return int.from_bytes(hashlib.sha256(tag.encode()).digest()[:7], "big")


def variant_of(attempt: Attempt) -> Any:
    """The exercise variant an attempt shows (regenerated from its seed; generation is deterministic).

    Raises ActionError(404) when the exercise has since left the course (the attempt's row stays).
    """
    gen = attempt.generator
    lesson = current_course().lessons.get(gen.lesson_id)
    exercise = next((e for e in lesson.exercises if e.id == gen.exercise_id), None) if lesson else None
    if exercise is None:
        raise ActionError(f"The exercise {gen.lesson_id}/{gen.exercise_id} is no longer part of the course.", status=404)
    return exercise.generate(attempt.seed)


def current_attempt(user: Any, gen: ExerciseGenerator) -> Attempt:
    """The learner's open (unanswered) practice attempt at ``gen``, created if there is none."""
    open_one = Attempt.objects.filter(user=user, generator=gen, review=False, answered_at__isnull=True).order_by("-number").first()
    return open_one or new_attempt(user, gen)


def new_attempt(user: Any, gen: ExerciseGenerator, *, review: bool = False) -> Attempt:
    """A fresh variant: the next attempt number, its own seed.  Safe against two concurrent requests."""
    for _ in range(5):
        number = (Attempt.objects.filter(user=user, generator=gen).aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    user=user, generator=gen, number=number, review=review, seed=_seed(user, gen, number, review)
                )
        except IntegrityError:
            continue  # another request took this number first
    raise ActionError("Could not start a new attempt; try again.", status=409)


def rating_for(correct: bool, score: float) -> Rating:
    """The fsrs rating a graded answer gives: Good if right, Hard if partly right, Again if wrong."""
    if correct:
        return Rating.Good
    return Rating.Hard if score >= 0.5 else Rating.Again


def answer_attempt(user: Any, attempt_id: int, text: Any, *, lang: str) -> Attempt:
    """Grade the answer to one attempt, once.  A second submit returns the first grade unchanged.

    The grade rates the exercise's review card (created on the first graded answer).
    """
    text = _clean_text(text)
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().select_related("generator").filter(pk=attempt_id, user=user).first()
        )
        if attempt is None:
            raise ActionError(f"You have no attempt {attempt_id}.", status=404)
        if attempt.answered:
            return attempt
        result = variant_of(attempt).check(text, lang)
        now = timezone.now()
        attempt.answer, attempt.correct, attempt.score = text, result.correct, float(result.score)
        attempt.feedback, attempt.answered_at = result.feedback, now
        attempt.save(update_fields=["answer", "correct", "score", "feedback", "answered_at"])
        _rate(user, attempt, rating_for(result.correct, float(result.score)), now)
    return attempt


def _rate(user: Any, attempt: Attempt, rating: Rating, now: datetime) -> ReviewCard:
    card_row = ReviewCard.objects.select_for_update().filter(user=user, generator=attempt.generator).first()
    card = Card.from_dict(card_row.state) if card_row else Card(due=now)
    card, _ = SCHEDULER.review_card(card, rating, review_datetime=now)
    if card_row is None:
        card_row = ReviewCard.objects.create(user=user, generator=attempt.generator, due=card.due, state=card.to_dict(), reviews=1)
    else:
        card_row.due, card_row.state, card_row.reviews = card.due, card.to_dict(), card_row.reviews + 1
        card_row.save(update_fields=["due", "state", "reviews"])
    ReviewLog.objects.create(card=card_row, attempt=attempt, rating=int(rating), reviewed_at=now, due_after=card.due)
    return card_row


def due_cards(user: Any, *, now: datetime | None = None):
    """The learner's cards due now, most overdue first (a queryset)."""
    now = now or timezone.now()
    return ReviewCard.objects.filter(user=user, due__lte=now, generator__active=True,
                                     generator__lesson__active=True).select_related("generator__lesson").order_by("due", "id")


def review_attempt(user: Any, card: ReviewCard) -> Attempt:
    """The open review attempt for a due card, created if there is none (a fresh variant)."""
    open_one = Attempt.objects.filter(user=user, generator=card.generator, review=True, answered_at__isnull=True).first()
    return open_one or new_attempt(user, card.generator, review=True)
