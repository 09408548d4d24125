"""A learner's state per lesson, computed from their stored answers (read only).

A lesson is **done** when every inline check question has been answered right at least once and at
least 4 of the learner's last 5 graded exercise attempts in it are right.  It is **review due** when one
of its exercise cards is due, **in progress** when the learner answered anything in it, else **not started**.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from .models import Attempt, CheckAnswer, Lesson, ReviewCard

__all__ = ["LessonProgress", "STATES", "lesson_progress", "DONE_WINDOW", "DONE_NEEDED"]

STATES = ("not-started", "in-progress", "done", "review-due")
DONE_WINDOW, DONE_NEEDED = 5, 4


@dataclass
class LessonProgress:
    """One learner's progress on one lesson."""

    lesson_id: str
    checks_total: int
    checks_right: set[str] = field(default_factory=set)
    checks_tried: set[str] = field(default_factory=set)
    recent: list[bool] = field(default_factory=list)  # last graded practice/review attempts, newest first
    attempts: int = 0
    due: int = 0

    @property
    def recent_right(self) -> int:
        return sum(self.recent)

    @property
    def checks_done(self) -> bool:
        return len(self.checks_right) >= self.checks_total

    @property
    def exercises_done(self) -> bool:
        return self.recent_right >= DONE_NEEDED

    @property
    def done(self) -> bool:
        return self.checks_done and self.exercises_done

    @property
    def state(self) -> str:
        if self.due:
            return "review-due"
        if self.done:
            return "done"
        if self.checks_tried or self.attempts:
            return "in-progress"
        return "not-started"

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson_id,
            "state": self.state,
            "done": self.done,
            "checks": {"total": self.checks_total, "right": sorted(self.checks_right), "tried": sorted(self.checks_tried)},
            "exercises": {"attempts": self.attempts, "last": self.recent, "right_of_last": self.recent_right,
                          "window": DONE_WINDOW, "needed": DONE_NEEDED},
            "reviews_due": self.due,
        }


def lesson_progress(user: Any, *, lesson_ids: list[str] | None = None, now: datetime | None = None) -> dict[str, LessonProgress]:
    """``{lesson_id: LessonProgress}`` for every active lesson (or those named), in course order.

    An anonymous user gets every lesson not started.  Five queries, whatever the number of lessons.
    """
    lessons = Lesson.objects.filter(active=True)
    if lesson_ids is not None:
        lessons = lessons.filter(pk__in=lesson_ids)
    out = {row.id: LessonProgress(row.id, len(row.check_ids)) for row in lessons}
    if user is None or not user.is_authenticated:
        return out
    valid_checks = {row.id: set(row.check_ids) for row in lessons}
    answers = CheckAnswer.objects.filter(user=user, lesson_id__in=out).values_list("lesson_id", "question_id", "correct").distinct()
    for lesson_id, question_id, correct in answers:
        if question_id in valid_checks[lesson_id]:
            out[lesson_id].checks_tried.add(question_id)
            if correct:
                out[lesson_id].checks_right.add(question_id)
    graded = (
        Attempt.objects.filter(user=user, answered_at__isnull=False, generator__lesson_id__in=out)
        .order_by("-answered_at", "-id")
        .values_list("generator__lesson_id", "correct")
    )
    for lesson_id, correct in graded.iterator():
        progress = out[lesson_id]
        progress.attempts += 1
        if len(progress.recent) < DONE_WINDOW:
            progress.recent.append(bool(correct))
    for lesson_id in (
        ReviewCard.objects.filter(user=user, due__lte=now or timezone.now(), generator__active=True, generator__lesson_id__in=out)
        .values_list("generator__lesson_id", flat=True)
    ):
        out[lesson_id].due += 1
    return out
