"""The migrations, every app's (Django's own included), from an empty database forward, one at a time.

After each migration the database's tables and columns must be exactly those of the models as that
migration leaves them (the migration state, an independent record of the schema); at the end, those of
the models the code defines.  Rows written at the first state that has the learning tables must come
through every later migration unchanged (the account is written as soon as there is a user table).  The test leaves the database fully migrated.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from io import StringIO

import pytest
from django.apps import apps as current_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linlab.web.learning.progress import lesson_progress

WHEN = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
SUBMISSION = uuid.UUID("12345678-1234-5678-1234-567812345678")
STATE = {"card_id": 7, "state": 2, "step": None, "stability": 3.5, "difficulty": 5.25,
         "due": "2026-01-05T03:04:05.678901+00:00", "last_review": "2026-01-02T03:04:05.678901+00:00"}


def _schema() -> dict[str, set[str]]:
    """``{table: {column, ...}}`` of the database as it is (django_migrations left out)."""
    with connection.cursor() as cursor:
        return {
            table: {column.name for column in connection.introspection.get_table_description(cursor, table)}
            for table in connection.introspection.table_names(cursor)
            if table != "django_migrations"
        }


def _needed(apps) -> dict[str, set[str]]:
    """``{table: {column, ...}}`` that the models of an app registry need (many-to-many tables included)."""
    return {
        model._meta.db_table: {f.column for f in model._meta.local_concrete_fields}
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _write_user(apps) -> None:
    """A learner's account, written as soon as there is a user table (Django's later migrations rebuild it)."""
    apps.get_model("auth", "User").objects.create(username="ada", password="!", date_joined=WHEN, last_login=WHEN)


def _write_progress(apps) -> None:
    """The learner's rows, written through the historical models as soon as the learning tables exist."""
    user = apps.get_model("auth", "User").objects.get(username="ada")
    apps.get_model("learning", "Profile").objects.create(user_id=user.pk, language="ru")
    lesson = apps.get_model("learning", "Lesson").objects.create(
        id="la-00-carried", order=1, title_en="Carried", title_ru="Перенесённый", prerequisites=[], check_ids=["q1"],
        content_version="v1", active=True,
    )
    gen = apps.get_model("learning", "ExerciseGenerator").objects.create(lesson_id=lesson.pk, exercise_id="ex", answer_type="integer")
    apps.get_model("learning", "CheckAnswer").objects.create(
        user_id=user.pk, lesson_id=lesson.pk, question_id="q1", text="ответ ✓", correct=True, feedback="", submission=SUBMISSION,
    )
    attempt = apps.get_model("learning", "Attempt").objects.create(
        user_id=user.pk, generator_id=gen.pk, number=1, seed=2**62 + 5, answer="42", correct=True, score=1.0, answered_at=WHEN,
    )
    card = apps.get_model("learning", "ReviewCard").objects.create(user_id=user.pk, generator_id=gen.pk, due=WHEN, state=STATE, reviews=1)
    apps.get_model("learning", "ReviewLog").objects.create(card_id=card.pk, attempt_id=attempt.pk, rating=3, reviewed_at=WHEN, due_after=WHEN)


def _check_rows() -> None:
    """The rows of :func:`_write_rows`, read through today's models and the learning app's own read side."""
    from django.contrib.auth import get_user_model

    from linlab.web.learning.models import Attempt, CheckAnswer, ReviewCard, ReviewLog

    user = get_user_model().objects.get(username="ada")
    assert (user.date_joined, user.last_login, user.profile.language) == (WHEN, WHEN, "ru")
    answer = CheckAnswer.objects.get(user=user)
    assert (answer.submission, answer.text, answer.correct) == (SUBMISSION, "ответ ✓", True)
    attempt = Attempt.objects.get(user=user)
    assert (attempt.generator.exercise_id, attempt.seed, attempt.answered_at, attempt.score) == ("ex", 2**62 + 5, WHEN, 1.0)
    card = ReviewCard.objects.get(user=user)
    assert (card.state, card.due) == (STATE, WHEN)
    assert ReviewLog.objects.get(card=card).attempt == attempt
    progress = lesson_progress(user, now=WHEN)["la-00-carried"]
    assert progress.checks_right == {"q1"} and progress.recent == [True] and progress.due == 1


@pytest.mark.django_db(transaction=True)
def test_every_migration_from_an_empty_database_builds_the_schema_its_state_describes():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([(app, None) for app, _ in leaves])
        assert _schema() == {}
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(leaves)
        assert {(m.app_label, m.name) for m, _ in plan} == set(executor.loader.graph.nodes)
        assert not any(backwards for _, backwards in plan)
        state, pending = None, [({("auth", "user")}, _write_user),
                                ({("learning", "reviewlog"), ("learning", "profile")}, _write_progress)]
        for migration, _ in plan:
            state = executor.migrate([(migration.app_label, migration.name)], plan=[(migration, False)], state=state)
            assert _schema() == _needed(state.apps), f"after {migration.app_label}.{migration.name}"
            models = {(m._meta.app_label, m._meta.model_name) for m in state.apps.get_models()}
            while pending and pending[0][0] <= models:
                pending.pop(0)[1](state.apps)
        assert not pending
        assert _schema() == _needed(current_apps)
        _check_rows()
    finally:
        MigrationExecutor(connection).migrate(leaves)  # the other tests need the full schema, whatever happened
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()  # its cached ids belong to the tables dropped above


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
