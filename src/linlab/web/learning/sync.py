"""Keep the database's index of the course in step with ``content/`` (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ...course import Course, load_course
from .models import ExerciseGenerator, Lesson

__all__ = ["SyncResult", "sync_course"]


@dataclass(frozen=True)
class SyncResult:
    """What one sync changed: ids of lessons created, updated and deactivated; generators created."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    deactivated: tuple[str, ...]
    generators_created: int
    content_version: str

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.generators_created)


@transaction.atomic
def sync_course(course: Course | None = None) -> SyncResult:
    """Create or update a :class:`Lesson` row per lesson and an :class:`ExerciseGenerator` per exercise.

    Rows whose lesson or exercise left the content are marked inactive, never deleted, so the
    learners' history survives an edit of the course.  Running it twice changes nothing the second time.
    """
    course = course or load_course()
    created, updated = [], []
    generators_created = 0
    for lesson in course.lessons.values():
        fields = {
            "order": lesson.order,
            "title_en": lesson.title["en"],
            "title_ru": lesson.title["ru"],
            "prerequisites": list(lesson.prerequisites),
            "check_ids": [check.id for check in lesson.checks],
            "content_version": course.content_version,
            "active": True,
        }
        row = Lesson.objects.filter(pk=lesson.id).first()
        if row is None:
            row = Lesson.objects.create(id=lesson.id, **fields)
            created.append(lesson.id)
        elif any(getattr(row, key) != value for key, value in fields.items() if key != "content_version"):
            Lesson.objects.filter(pk=lesson.id).update(**fields)
            updated.append(lesson.id)
        elif row.content_version != course.content_version:
            Lesson.objects.filter(pk=lesson.id).update(content_version=course.content_version)
        known = {g.exercise_id: g for g in row.generators.all()}
        for order, exercise in enumerate(lesson.exercises):
            gen = known.pop(exercise.id, None)
            if gen is None:
                ExerciseGenerator.objects.create(
                    lesson=row, exercise_id=exercise.id, answer_type=exercise.answer_type, order=order
                )
                generators_created += 1
            elif (gen.answer_type, gen.order, gen.active) != (exercise.answer_type, order, True):
                ExerciseGenerator.objects.filter(pk=gen.pk).update(answer_type=exercise.answer_type, order=order, active=True)
        ExerciseGenerator.objects.filter(pk__in=[g.pk for g in known.values()]).update(active=False)
    gone = Lesson.objects.filter(active=True).exclude(pk__in=list(course.lessons))
    deactivated = tuple(gone.values_list("pk", flat=True))
    gone.update(active=False)
    # A retired lesson's exercises retire with it: no new attempts, no due reviews.
    ExerciseGenerator.objects.filter(lesson__active=False, active=True).update(active=False)
    return SyncResult(tuple(created), tuple(updated), deactivated, generators_created, course.content_version)
