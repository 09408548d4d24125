"""Simulated learners of the course site, for locust (started by benchmarks/load.py).

Each learner is signed in (a session made by load.py; ``LINLAB_LOAD_SIGNUPS`` of them per locust
process sign up through the form instead) and, with pauses of ``LINLAB_LOAD_WAIT`` seconds (default
1-3), reads lessons in their language, answers inline checks (the right answer from the course model,
or a wrong one), opens exercises and answers them, does due reviews, looks at the lesson map and
their progress, and now and then asks ``/healthz/live`` (the minimal view, no cookie).

Every answer carries a fresh ``submission`` key.  Each request is logged to
``$LINLAB_LOAD_OUT/requests-<pid>.jsonl`` (route name, start, milliseconds, status, kind: ``ok``,
``unavailable`` for the site's 503 answer, ``connection`` for a failed connection, ``server-error``,
``other``) and each acknowledged submission (a 2xx answer carrying the grade) to ``acks-<pid>.jsonl``.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ATTEMPT, CSRF, GRADE, classify  # noqa: E402

OUT = Path(os.environ.get("LINLAB_LOAD_OUT", "."))
LEARNERS = json.loads((OUT / "learners.json").read_text()) if (OUT / "learners.json").exists() else []
PLAN = json.loads((OUT / "plan.json").read_text())["lessons"] if (OUT / "plan.json").exists() else {}
SIGNUPS = int(os.environ.get("LINLAB_LOAD_SIGNUPS", "0"))
WAIT = [float(x) for x in os.environ.get("LINLAB_LOAD_WAIT", "1,3").split(",")]
IDLE_REUSE_S = 1.0  # a connection idle longer than this is not reused (gunicorn's keepalive is 2 s)
EXERCISE_ANSWERS = ["0", "1", "2", "[1, 0]", "[[1, 0], [0, 1]]", "yes", "no", "x + 1"]

_spawned = itertools.count()
_log = None
_acks = None


def _files():
    global _log, _acks
    if _log is None:
        _log = open(OUT / f"requests-{os.getpid()}.jsonl", "a", buffering=1 << 16)
        _acks = open(OUT / f"acks-{os.getpid()}.jsonl", "a", buffering=1 << 12)
        atexit.register(_close)
    return _log, _acks


def _close() -> None:
    for handle in (_log, _acks):
        if handle is not None and not handle.closed:
            handle.close()


@events.test_stop.add_listener
def _flush(**_kwargs) -> None:
    for handle in (_log, _acks):
        if handle is not None and not handle.closed:
            handle.flush()


@events.quitting.add_listener
def _quit(**_kwargs) -> None:
    _close()


class Learner(FastHttpUser):
    wait_time = between(*WAIT)
    connection_timeout = 30.0
    network_timeout = 60.0

    def on_start(self) -> None:
        number = next(_spawned)
        worker = getattr(self.environment.runner, "worker_index", 0) or 0
        self.lessons = list(PLAN)
        if number < SIGNUPS:
            self.language = random.choice(["en", "ru"])
            self._sign_up(f"signup{worker}x{number}x{uuid.uuid4().hex[:8]}")
        else:
            learner = LEARNERS[(number * 7 + worker * 101) % len(LEARNERS)]
            self.session, self.language = learner["session"], learner["language"]

    # ------------------------------------------------------------------------------------ requests

    def _request(self, method: str, path: str, name: str, *, form: dict[str, str] | None = None, htmx: bool = False,
                 cookies: bool = True, expect_redirect: bool = False):
        # gunicorn closes a connection idle for 2 s (its keepalive); the learner pauses 1-3 s between tasks.
        # Reusing a connection idle that long races the server's close, and a POST lost in that race is
        # not resent by the client: after a pause, start on a fresh connection (the pool is per learner).
        if time.time() - getattr(self, "_last_end", 0.0) > IDLE_REUSE_S:
            self.client.client.clientpool.close()
        headers = {"Accept-Language": getattr(self, "language", "en")}
        if cookies:
            session = getattr(self, "session", None)
            headers["Cookie"] = f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")
        if form is not None:
            headers["X-CSRFToken"] = CSRF
        if htmx:
            headers["HX-Request"] = "true"
        start = time.time()
        with self.client.request(method, path, name=name, data=form, headers=headers, catch_response=True,
                                 allow_redirects=False) as response:
            self._last_end = time.time()
            ms = (self._last_end - start) * 1000
            status = response.status_code or 0
            text = response.text or "" if status else ""
            kind = classify(status, text) if status else "connection"
            if kind == "ok" and expect_redirect != (300 <= status < 400):
                kind = "other"
            if kind == "ok":
                response.success()
            else:
                response.failure(f"{kind} {status}")
            entry = {"name": name, "start": start, "ms": round(ms, 3), "status": status, "kind": kind}
            if kind != "ok":
                entry["error"] = repr(getattr(response, "error", None))[:300] if not status else text[:300]
            log, _ = _files()
            log.write(json.dumps(entry) + "\n")
            return status, text, response

    def _ack(self, record: dict) -> None:
        _, acks = _files()
        acks.write(json.dumps(record) + "\n")
        acks.flush()  # an acknowledged submission is on disk before the next request

    def _sign_up(self, username: str) -> None:
        self.session = None
        status, _, response = self._request(
            "POST", "/accounts/signup/", "signup", expect_redirect=True,
            form={"username": username, "password1": "load-test-passphrase-1", "password2": "load-test-passphrase-1"},
        )
        cookies = response.headers.get("Set-Cookie", "") if status else ""
        cookie = "; ".join(cookies) if isinstance(cookies, (list, tuple)) else str(cookies)
        for part in cookie.replace(",", ";").split(";"):
            if part.strip().startswith("sessionid="):
                self.session = part.strip().split("=", 1)[1]
        self.client.cookiejar.clear()  # cookies travel in the Cookie header set here, never from a jar
        if self.session is None:  # the sign-up failed (logged): go on as a pre-made learner
            learner = random.choice(LEARNERS)
            self.session, self.language = learner["session"], learner["language"]

    # ---------------------------------------------------------------------------------------- tasks

    @task(5)
    def read_lesson(self) -> None:
        self._request("GET", f"/lessons/{random.choice(self.lessons)}/", "lesson")

    @task(4)
    def answer_check(self) -> None:
        lesson_id = random.choice(self.lessons)
        checks = PLAN[lesson_id]["checks"]
        if not checks:
            return
        check = random.choice(checks)
        right = random.random() < 0.6
        submission = str(uuid.uuid4())
        status, text, _ = self._request(
            "POST", f"/lessons/{lesson_id}/checks/{check['id']}/", "check", htmx=True,
            form={"answer": check["right"] if right else check["wrong"], "submission": submission},
        )
        grade = GRADE.search(text) if 200 <= status < 300 else None
        if grade:
            self._ack({"kind": "check", "submission": submission, "correct": grade.group(1) == "true", "expected": right})

    @task(2)
    def exercise(self) -> None:
        lesson_id = random.choice(self.lessons)
        exercises = PLAN[lesson_id]["exercises"]
        if not exercises:
            return
        status, text, _ = self._request("GET", f"/lessons/{lesson_id}/exercises/{random.choice(exercises)}/", "exercise")
        attempt = ATTEMPT.search(text) if status == 200 else None
        if attempt:
            self._answer(int(attempt.group(1)), "answer")

    @task(1)
    def review(self) -> None:
        status, text, _ = self._request("GET", "/reviews/", "reviews")
        attempt = ATTEMPT.search(text) if status == 200 else None
        if attempt:
            self._answer(int(attempt.group(1)), "review-answer")

    def _answer(self, attempt_id: int, name: str) -> None:
        status, text, _ = self._request("POST", f"/attempts/{attempt_id}/answer/", name, htmx=True,
                                        form={"answer": random.choice(EXERCISE_ANSWERS)})
        grade = GRADE.search(text) if 200 <= status < 300 else None
        if grade:
            self._ack({"kind": "attempt", "id": attempt_id, "correct": grade.group(1) == "true"})

    @task(1)
    def progress(self) -> None:
        self._request("GET", "/progress/", "progress")

    @task(1)
    def lesson_map(self) -> None:
        self._request("GET", "/", "home")

    @task(1)
    def live(self) -> None:
        self._request("GET", "/healthz/live", "live", cookies=False)
