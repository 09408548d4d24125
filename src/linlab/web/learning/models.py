"""What the site stores: the course index, the learner's answers, attempts, review cards.

The lesson text itself is not stored: it is read from ``content/`` by :func:`linlab.course.load_course`
(cached).  :class:`Lesson` and :class:`ExerciseGenerator` are an index of it, kept in step by
:func:`linlab.web.learning.sync.sync_course`, so that answers and cards have foreign keys and the admin
can list them.

Double submits are harmless by construction: every answer form carries a random ``submission`` key and
``(user, submission)`` is unique, and an exercise attempt is graded once (its ``answered_at`` is set by
a conditional UPDATE).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Profile(models.Model):
    """Per-user settings: the interface and lesson language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Lesson(models.Model):
    """One lesson of the course, as last synced from ``content/``."""

    id = models.CharField(primary_key=True, max_length=100)
    order = models.PositiveIntegerField()
    title_en = models.CharField(max_length=200)
    title_ru = models.CharField(max_length=200)
    prerequisites = models.JSONField(default=list)
    check_ids = models.JSONField(default=list)
    content_version = models.CharField(max_length=64)
    active = models.BooleanField(default=True, help_text="False once the lesson left content/; its history stays.")

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.id


class ExerciseGenerator(models.Model):
    """One randomized exercise of a lesson (a generator in its ``exercises.py``); a review card each."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="generators")
    exercise_id = models.CharField(max_length=100)
    answer_type = models.CharField(max_length=40)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson__order", "order"]
        constraints = [models.UniqueConstraint(fields=["lesson", "exercise_id"], name="unique_exercise_per_lesson")]

    def __str__(self) -> str:
        return f"{self.lesson_id}/{self.exercise_id}"


class CheckAnswer(models.Model):
    """One answer to an inline check question (every try is kept)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_answers")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="check_answers")
    question_id = models.CharField(max_length=100)
    text = models.TextField(max_length=2000)
    correct = models.BooleanField()
    feedback = models.TextField(blank=True)
    submission = models.UUIDField(default=uuid.uuid4)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "submission"], name="unique_check_submission")]
        indexes = [models.Index(fields=["user", "lesson", "question_id"])]


class Attempt(models.Model):
    """One variant of an exercise shown to a learner, and the answer to it.

    ``number`` counts the learner's attempts at this exercise (1, 2, …); the variant's seed is derived
    from the user and the number, so reloading the page shows the same variant until it is answered.
    ``review`` marks attempts made from the review page; their grade rates the exercise's card.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    generator = models.ForeignKey(ExerciseGenerator, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    review = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(max_length=2000, blank=True)
    correct = models.BooleanField(null=True)
    score = models.FloatField(null=True)
    feedback = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "generator", "number"], name="unique_attempt_number"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(correct__isnull=False), name="answered_attempt_is_graded"
            ),
        ]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class ReviewCard(models.Model):
    """The spaced-repetition card of one exercise generator for one learner (scheduled by fsrs)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    generator = models.ForeignKey(ExerciseGenerator, on_delete=models.CASCADE, related_name="cards")
    due = models.DateTimeField(db_index=True)
    state = models.JSONField(help_text="fsrs.Card.to_dict()")
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due"]
        constraints = [models.UniqueConstraint(fields=["user", "generator"], name="unique_card_per_exercise")]


class ReviewLog(models.Model):
    """One rating of a card, from one graded attempt (at most one rating per attempt)."""

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="review_log")
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField()
    due_after = models.DateTimeField()

    class Meta:
        ordering = ["reviewed_at"]


class SignInFailure(models.Model):
    """One failed sign-in, kept while it counts for :mod:`linlab.web.learning.throttle`.

    ``username`` is the typed name normalised (NFKC, case-folded, at most 150 characters), whether or
    not such an account exists; ``client`` is the client's address (an IPv6 address as its /64
    network), empty when unknown.  Rows older than the throttle's window are deleted as new failures
    come in, so the table holds at most one window's failures.
    """

    username = models.CharField(max_length=150)
    client = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.client or '?'} at {self.at:%Y-%m-%d %H:%M:%S}"
