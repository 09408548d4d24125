"""Faults under load, through the real stack: gunicorn (2 workers, threads) + a throwaway PostgreSQL cluster.

While 8 client threads submit inline answers and exercise answers (each inline answer with its own
``submission`` key), one gunicorn worker is SIGKILLed, or PostgreSQL is stopped and started again.
Afterwards every submission the server acknowledged (a 2xx answer carrying the grade) must be in the
database, every failed request must have failed cleanly (a dropped connection, or the site's 503
answer; never the 500 page), and requests must succeed again within seconds with no manual step.

The cluster is started here (``benchmarks/load.py`` reuses ``scripts/postgres_tests.py``); without
PostgreSQL binaries, and no way to install them, the tests skip, saying why.  They use no pytest-django
database, so the PostgreSQL pass of ``make test`` (``scripts/pytest_database_only.py``) leaves them out.
"""

from __future__ import annotations

import http.client
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import load  # noqa: E402

THREADS = 8
LOAD_SECONDS = 6.0
FAULT_AT = 2.0
RECOVERY_LIMIT_S = 10.0


def _messages() -> list[str]:
    """The 503 message in each language (half the learners read the site in Russian)."""
    from django.utils import translation
    from django.utils.html import escape

    from linlab.web.learning.views.errors import unavailable_message

    out = []
    for language in ("en", "ru"):
        with translation.override(language):
            out.append(str(escape(unavailable_message())))
    return out


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A throwaway cluster with the course synced and 8 signed-in learners (or a skip saying why)."""
    manager = load.cluster()
    try:
        pg = manager.__enter__()
    except load.Unavailable as why:
        pytest.skip(f"no throwaway PostgreSQL cluster can be had here: {why}")
    try:
        env = load.site_env(pg.url, tmp_path_factory.mktemp("faults-home"))
        learners = load.prepare_database(env, THREADS, prefix="fault")
        yield pg, env, learners, load.course_plan()["lessons"]
    finally:
        manager.__exit__(None, None, None)


@dataclass
class Outcome:
    name: str
    start: float
    end: float
    kind: str  # load.classify's kinds, or "connection"
    status: int = 0
    body: str = ""


@dataclass
class Record:
    outcomes: list[Outcome] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # acknowledged submission key -> graded right
    attempts: dict[int, bool] = field(default_factory=dict)  # acknowledged attempt id -> graded right
    lock: threading.Lock = field(default_factory=threading.Lock)


def _learner(port: int, learner: dict[str, Any], plan: dict[str, Any], record: Record, stop: threading.Event) -> None:
    client = load.Client(port, learner["session"], timeout=15)
    rng = random.Random(learner["id"])
    lessons = [lid for lid, p in plan.items() if p["checks"] and p["exercises"]]

    def send(name: str, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        start = time.time()
        try:
            status, body = client.request(method, path, form, htmx=form is not None)
        except (OSError, http.client.HTTPException):
            status, body, kind = 0, "", "connection"
        else:
            kind = load.classify(status, body)
        with record.lock:
            record.outcomes.append(Outcome(name, start, time.time(), kind, status, body if kind != "ok" else ""))
        return status, body

    while not stop.is_set():
        lesson_id = rng.choice(lessons)
        check = rng.choice(plan[lesson_id]["checks"])
        right = rng.random() < 0.5
        submission = load.new_submission()
        status, body = send("check", "POST", f"/lessons/{lesson_id}/checks/{check['id']}/",
                            {"answer": check["right"] if right else check["wrong"], "submission": submission})
        grade = load.GRADE.search(body) if 200 <= status < 300 else None
        if grade:
            with record.lock:
                record.checks[submission] = grade.group(1) == "true"
        exercise = rng.choice(plan[lesson_id]["exercises"])
        status, body = send("exercise", "GET", f"/lessons/{lesson_id}/exercises/{exercise}/")
        attempt = load.ATTEMPT.search(body) if status == 200 else None
        if attempt:
            status, body = send("answer", "POST", f"/attempts/{attempt.group(1)}/answer/", {"answer": rng.choice(["0", "1", "[1, 0]"])})
            grade = load.GRADE.search(body) if 200 <= status < 300 else None
            if grade:
                with record.lock:
                    record.attempts[int(attempt.group(1))] = grade.group(1) == "true"
    client.close()


def _run_with_fault(port: int, learners: list[dict[str, Any]], plan: dict[str, Any], fault: Callable[[], float]) -> tuple[Record, float, float]:
    """The load for LOAD_SECONDS with ``fault()`` at FAULT_AT; returns the record, the fault's start and end."""
    record, stop = Record(), threading.Event()
    threads = [threading.Thread(target=_learner, args=(port, learner, plan, record, stop)) for learner in learners]
    for thread in threads:
        thread.start()
    started = time.time()
    time.sleep(FAULT_AT)
    fault_start = time.time()
    fault_end = fault()
    time.sleep(max(0.0, LOAD_SECONDS - (time.time() - started)))
    stop.set()
    for thread in threads:
        thread.join(30)
    return record, fault_start, fault_end


def _assert_nothing_lost_and_recovered(record: Record, pg: Any, fault_start: float, fault_end: float) -> list[Outcome]:
    verified = load.verify_submissions(pg.url, record.checks, record.attempts)
    assert verified["checks_acknowledged"] > 0 and verified["attempts_acknowledged"] > 0
    assert verified["checks_missing"] == 0 and verified["attempts_missing"] == 0, verified

    failed = [o for o in record.outcomes if o.kind != "ok"]
    unclean = [(o.name, o.status, o.body[:200]) for o in failed if o.kind not in ("connection", "unavailable")]
    assert not unclean, f"requests that failed without a clean answer: {unclean[:5]}"
    assert all(o.end >= fault_start - 0.5 for o in failed), "failures before the fault"

    last_failure = max((o.end for o in failed), default=fault_end)
    assert last_failure - fault_end < RECOVERY_LIMIT_S, f"still failing {last_failure - fault_end:.1f} s after the fault"
    after = [o for o in record.outcomes if o.start > last_failure]  # all succeeded (none failed later)
    assert sum(1 for o in after if o.name in ("check", "answer")) >= THREADS  # answers are stored again
    return failed


def test_kill_worker(stack):
    pg, env, learners, plan = stack
    with load.site(env, workers=2, threads=4) as running:
        before = running.worker_pids()
        assert len(before) == 2
        killed: list[int] = []
        record, fault_start, fault_end = _run_with_fault(
            running.port, learners, plan, lambda: (killed.append(running.kill_worker()), time.time())[1])
        _assert_nothing_lost_and_recovered(record, pg, fault_start, fault_end)
        deadline = time.time() + RECOVERY_LIMIT_S
        while time.time() < deadline and len(running.worker_pids()) < 2:
            time.sleep(0.1)
        after = running.worker_pids()
        assert len(after) == 2 and killed[0] not in after  # gunicorn's master replaced it by itself


def test_restart_postgres(stack):
    pg, env, learners, plan = stack
    with load.site(env, workers=2, threads=4) as running:
        record, fault_start, fault_end = _run_with_fault(running.port, learners, plan, lambda: pg.restart(down_s=1.5)[1])
        failed = _assert_nothing_lost_and_recovered(record, pg, fault_start, fault_end)
    unavailable = [o for o in failed if o.kind == "unavailable"]
    assert unavailable, "no request met the stopped database: the fault did not happen under load"
    assert all(o.kind == "unavailable" for o in failed)  # gunicorn stayed up: every failure is the 503 answer
    for outcome in unavailable:
        assert outcome.status == 503 and any(message in outcome.body for message in _messages())
        assert ('class="site-header"' in outcome.body) == (outcome.name == "exercise")  # a page, or an htmx fragment
