"""Send the hostile corpus over real HTTP as a signed-in learner, and judge each reply.

The same code drives the CI test (pytest-django's ``live_server``, a threaded WSGI server on a socket)
and the benchmark (gunicorn): :class:`Browser` is one keep-alive ``http.client`` connection carrying a
learner's session cookie and a CSRF token; :func:`answer_requests` and :func:`lab_requests` turn corpus
values into the requests a browser's htmx forms send; :func:`problem` says what is wrong with a reply
(a 5xx, a traceback, a status the endpoint never answers with, an error without its message, a raw
``<script>`` echoed back, or a reply slower than :data:`TIME_BOUND_S`), or None.

Django is imported only inside the functions that need the database (:func:`make_attempts`,
:func:`session_cookie`), so the module imports without a configured project.
"""

from __future__ import annotations

import http.client
import json
import secrets
import string
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "TIME_BOUND_S",
    "Reply",
    "Request",
    "Browser",
    "answer_targets",
    "make_attempts",
    "session_cookie",
    "answer_requests",
    "lab_requests",
    "problem",
]

TIME_BOUND_S = 2.0
"""Longest any single request may take, in seconds.  The parser refuses hostile text before doing work that
grows with it and a lab computes on at most a 6×6 matrix, a 384×1536 MiniLM weight (terms cached after the
first request per weight) or 2,000 vectors in 2,048 dimensions; the slowest of these takes about 0.4 s on
one core, so 2 s leaves room for a loaded CI machine while still catching anything that grows with the
input (a 10,000-deep nesting, a 10**100000 number, an exponent tower evaluated exactly)."""

_CSRF_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status (0: the connection failed), body, seconds from sending to the last byte."""

    status: int
    body: bytes
    seconds: float
    content_type: str = ""


@dataclass(frozen=True)
class Request:
    """One hostile request: which corpus it belongs to (an answer type or a lab slug), which endpoint,
    where it goes and the form fields it sends.

    ``endpoint`` is ``"check"`` (an inline check question), ``"answer"`` (an exercise attempt) or ``"lab"``
    (a lab's compute endpoint); ``as_json`` asks a lab for JSON instead of the htmx fragment.
    """

    corpus: str
    endpoint: str
    path: str
    fields: dict[str, str]
    as_json: bool = False

    def describe(self, limit: int = 120) -> str:
        """The request in one line, long values cut (for failure messages)."""
        shown = {k: (v if len(v) <= limit else f"{v[:limit]!r}… ({len(v):,} chars)") for k, v in self.fields.items()}
        return f"{self.endpoint} {self.path} {shown!r}"


class Browser:
    """A signed-in learner's keep-alive connection to the site.

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:PORT`` of the server.
    session : str
        The learner's ``sessionid`` cookie.
    timeout : float
        Socket timeout in seconds (a hung request fails instead of stalling).

    Every POST carries a CSRF token the way the site's forms do: a ``csrftoken`` cookie holding a secret
    and the same secret in ``X-CSRFToken`` (Django accepts the unmasked secret).
    """

    def __init__(self, base_url: str, session: str, *, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.csrf = "".join(secrets.choice(_CSRF_ALPHABET) for _ in range(32))
        self.cookie = f"sessionid={session}; csrftoken={self.csrf}"
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def send(self, request: Request) -> Reply:
        """POST ``request`` (form-encoded, as htmx does) and read the whole answer."""
        body = urllib.parse.urlencode(request.fields).encode()
        headers = {
            "Cookie": self.cookie,
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Language": "en",
        }
        if request.as_json:
            headers["Accept"] = "application/json"
        else:
            headers["HX-Request"] = "true"
        return self._exchange("POST", request.path, body, headers)

    def get(self, path: str) -> Reply:
        return self._exchange("GET", path, None, {"Cookie": self.cookie, "Accept-Language": "en"})

    def _exchange(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        for attempt in (1, 2):
            conn = self._connection()
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as err:
                # A keep-alive connection the server closed while idle: open a fresh one and send again.
                # A second failure on a fresh connection is the server's fault, reported as status 0.
                self.close()
                if attempt == 2:
                    return Reply(0, repr(err).encode(), time.perf_counter() - start)
                continue
            except OSError as err:  # a timeout: the request hung
                self.close()
                return Reply(0, repr(err).encode(), time.perf_counter() - start)
            seconds = time.perf_counter() - start
            if response.will_close:
                self.close()
            return Reply(response.status, data, seconds, response.getheader("Content-Type", ""))
        raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------------
# what to send


def answer_targets() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """For each answer type, the course's inline check questions and exercises of that type:
    ``{type: {"checks": [(lesson_id, question_id), …], "exercises": [(lesson_id, exercise_id), …]}}``."""
    from linlab.course import load_course
    from linlab.course.answers.base import ANSWER_TYPES

    found: dict[str, dict[str, list[tuple[str, str]]]] = {t: {"checks": [], "exercises": []} for t in ANSWER_TYPES}
    for lesson in load_course().lessons.values():
        for check in lesson.checks:
            found[check.type]["checks"].append((lesson.id, check.id))
        for exercise in lesson.exercises:
            found[exercise.answer_type]["exercises"].append((lesson.id, exercise.id))
    return found


def make_attempts(user: Any, exercises: list[tuple[str, str]], n: int, *, seed: int = 0) -> list[int]:
    """``n`` fresh (unanswered) attempts of ``user``, round-robin over ``exercises``; their ids in order.

    An attempt is graded once, so every hostile answer needs its own.  The variants come from seeds
    drawn from ``seed``, so a run can be repeated.
    """
    import random

    from django.db.models import Max

    from linlab.web.learning.models import Attempt, ExerciseGenerator

    if not exercises or n <= 0:
        return []
    rng = random.Random(seed)
    gens = [ExerciseGenerator.objects.get(lesson_id=lesson, exercise_id=exercise) for lesson, exercise in exercises]
    next_number = {g.pk: (Attempt.objects.filter(user=user, generator=g).aggregate(n=Max("number"))["n"] or 0) + 1
                   for g in gens}
    rows = []
    for i in range(n):
        gen = gens[i % len(gens)]
        rows.append(Attempt(user=user, generator=gen, number=next_number[gen.pk], seed=rng.getrandbits(56)))
        next_number[gen.pk] += 1
    created = Attempt.objects.bulk_create(rows, batch_size=500)
    if any(a.pk is None for a in created):  # a database without RETURNING: look the rows up
        numbers = {(a.generator_id, a.number) for a in rows}
        ids = {(a.generator_id, a.number): a.pk for a in Attempt.objects.filter(user=user, generator__in=gens)
               if (a.generator_id, a.number) in numbers}
        return [ids[(a.generator_id, a.number)] for a in rows]
    return [a.pk for a in created]


def session_cookie(user: Any) -> str:
    """A ``sessionid`` for ``user``, stored in the database the server reads (as signing in does)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def answer_requests(answer_type: str, texts: Iterable[str], checks: list[tuple[str, str]],
                    attempt_ids: Iterable[int], *, both: bool = True) -> Iterator[Request]:
    """Each text posted to an inline check question of the type (round-robin over ``checks``) and to the
    answer endpoint of its own fresh attempt (one id from ``attempt_ids`` per text).

    ``both=False`` sends each text to one of the two endpoints, in turn (the check first): half the
    requests, for a time-boxed run; ``attempt_ids`` then needs one id per second text.
    """
    ids = iter(attempt_ids)
    for i, text in enumerate(texts):
        lesson, question = checks[i % len(checks)]
        if both or i % 2 == 0:
            yield Request(answer_type, "check", f"/lessons/{lesson}/checks/{question}/", {"answer": text})
        if both or i % 2 == 1:
            yield Request(answer_type, "answer", f"/attempts/{next(ids)}/answer/", {"answer": text})


def lab_requests(slug: str, forms: Iterable[dict[str, str]]) -> Iterator[Request]:
    """Each form posted to the lab's compute endpoint, alternately as htmx (HTML fragment) and for JSON."""
    for i, form in enumerate(forms):
        yield Request(slug, "lab", f"/labs/{slug}/compute/", dict(form), as_json=bool(i % 2))


# --------------------------------------------------------------------------------------------------
# judging a reply

_TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b"technical_500", b'id="traceback"', b"Exception Value:")
_RAW_SCRIPT = b"<script>alert(1)</script>"


def problem(request: Request, reply: Reply, *, bound: float | None = TIME_BOUND_S) -> str | None:
    """What is wrong with ``reply`` to ``request``, in one line; None if nothing.

    Right is: status 200 or 400 (no 5xx, no dropped connection); no traceback in the body; a 400 carries a
    message (``role="alert"`` in HTML, ``error``/``detail`` in JSON); a 200 to an answer shows its grade
    (``data-correct``) and a 200 from a lab its result (JSON ``ok``, or HTML without an error); the raw
    ``<script>`` of the corpus never comes back unescaped; and the reply took at most ``bound`` seconds.
    """
    status, body = reply.status, reply.body
    if status == 0:
        return f"no HTTP answer ({body.decode(errors='replace')[:200]})"
    if status >= 500:
        return f"HTTP {status}"
    if status not in (200, 400):
        return f"HTTP {status}, expected 200 or 400"
    if any(marker in body for marker in _TRACEBACK_MARKERS):
        return f"HTTP {status} with a traceback in the body"
    if _RAW_SCRIPT in body and "json" not in reply.content_type:  # in JSON it is a string, never markup
        return "the input's <script> came back unescaped"
    if bound is not None and reply.seconds > bound:
        return f"took {reply.seconds:.2f} s (bound {bound} s)"
    if "json" in reply.content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return "a JSON content type with a body that is not JSON"
        if status == 400 and not (isinstance(data, dict) and (data.get("error") or data.get("detail"))):
            return "a JSON 400 without an error message"
        if status == 200 and not (isinstance(data, dict) and data.get("ok") is True):
            return "a JSON 200 that is not ok"
        return None
    if status == 400 and b'role="alert"' not in body:
        return "a 400 without a message for the learner"
    if status == 200 and request.endpoint in ("check", "answer") and b"data-correct=" not in body:
        return "a 200 that does not show the grade"
    if status == 200 and request.endpoint == "lab" and b"lab-error" in body:
        return "a 200 that shows an error"
    return None
