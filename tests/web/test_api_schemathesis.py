"""schemathesis against ``/api/v1/openapi.json``: every operation, fed generated requests, keeps its schema.

The WSGI application is called directly (no socket), authenticated with a learner's Bearer token.  The
learner has progress (answered and open attempts, a check answer, a due review card) and another learner's
attempts and cards sit beside it; generated path ids are sometimes replaced by those real ids (the
learner's own, the other learner's, and real lesson/exercise/question ids), so the operations are exercised
beyond their 404s.  Every default check of schemathesis runs on every response (no 5xx, status codes,
content types and bodies as the schema documents them, headers, …), with ``max_examples`` per operation
kept small so the file stays within about 40 s, and derandomized so CI runs the same requests every time.
Only query parameters the schema does not name are not generated: the API ignores them by design.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings

MAX_EXAMPLES = 25
"""Generated requests per operation (and per generation mode)."""


@pytest.fixture
def _connection_kept(db):
    """Keep the test's database connection across WSGI calls, as Django's test client does.

    The WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction that really closes the connection on PostgreSQL (SQLite's in-memory test database
    ignores it), and the next query would find it gone.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(db, _connection_kept, learner, other_learner, course_index):
    """Two learners with progress; the learner's token and the ids a client could try."""
    from linlab.web.api.tokens import create_token
    from linlab.web.learning.actions import answer_attempt, current_attempt, get_generator, record_check
    from linlab.web.learning.models import ReviewCard
    from linlab.course import load_course

    course = load_course()
    lesson = next(le for le in course.lessons.values() if le.exercises and le.checks)
    exercise, check = lesson.exercises[0], lesson.checks[0]
    gen = get_generator(lesson.id, exercise.id)
    ids: dict[str, list] = {"attempt_id": [], "card_id": []}
    for user in (learner, other_learner):
        answered = current_attempt(user, gen)
        answer_attempt(user, answered.pk, "1", lang="en")
        ids["attempt_id"] += [answered.pk, current_attempt(user, gen).pk]
        record_check(user, lesson.id, check.id, "1", lang="en")
        card = ReviewCard.objects.get(user=user, generator=gen)
        ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timedelta(days=1))
        ids["card_id"].append(card.pk)
    _, token = create_token(learner, name="schemathesis")
    _, other_token = create_token(other_learner, name="other")
    ids.update(lesson_id=[lesson.id], exercise_id=[exercise.id], question_id=[check.id],
               prefix=[token[:12], other_token[:12]])
    return token, ids


def _schema():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = _schema()  # the schema is generated without the database: loading it at collection is safe
# Query parameters the schema does not name are ignored, as most HTTP APIs do (cache busters, tracking
# parameters); every other kind of schema-violating request must be refused.
schema.config.generation.update(allow_extra_parameters=False)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_keeps_to_its_schema(case, api_world):
    token, ids = api_world
    rng = random.Random(repr(case.path_parameters))
    for name in list(case.path_parameters or {}):
        if name in ids and rng.random() < 0.6:  # a real id: the learner's own or the other learner's
            case.path_parameters[name] = rng.choice(ids[name])
    if case.path_parameters and case.path_parameters.get("prefix") == ids["prefix"][0]:
        case.path_parameters["prefix"] = ids["prefix"][1]  # never revoke the token the test runs with
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
