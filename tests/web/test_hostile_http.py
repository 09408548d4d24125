"""Hostile input through the real HTTP stack: no 5xx, no traceback, a message for bad input, bounded time.

pytest-django's ``live_server`` is a threaded WSGI server on a socket; a signed-in learner posts every value
of the corpus (``tests/web/hostile``) the way the site's htmx forms do: to an inline check question and to a
fresh exercise attempt of each answer type, and to each lab's compute endpoint.

A request costs 30-60 ms of server time here, so to stay within about a minute each value goes to one of
the two answer endpoints in turn, and the type-independent nasty text (``NASTY_TEXT``) is spread over the
nine answer types (each piece goes through one type); every type's own fixed corpus and every lab's fixed
corpus run in full.  ``LINLAB_HOSTILE_EXAMPLES`` (default 10) sets how many hypothesis-generated values
each answer type and lab form adds.  ``benchmarks/hostile.py`` sends the whole corpus to every type and
endpoint, plus 10,000 generated values per answer type and lab form, to gunicorn.

Beyond "no crash", the answers must not be lost: every check answer the server acknowledged (200) is a
stored row with the text sent (NULs dropped), and every graded attempt is marked answered.
"""

from __future__ import annotations

import os

import pytest

from .hostile import ANSWER_TYPES, LAB_SLUGS, NASTY_TEXT, OVERSIZED, answer_text, lab_values, nasty_answers, nasty_lab_values, sample
from .hostile.client import TIME_BOUND_S, Browser, Request, answer_requests, answer_targets, lab_requests, make_attempts, problem, session_cookie

EXAMPLES = int(os.environ.get("LINLAB_HOSTILE_EXAMPLES", "10"))
"""Generated values per answer type and per lab form (the fixed corpus comes on top)."""

_SHOWN_FAILURES = 12


@pytest.fixture
def browser(live_server, learner):
    b = Browser(live_server.url, session_cookie(learner))
    yield b
    b.close()


def _failures(browser: Browser, requests, *, bound: float | None = TIME_BOUND_S) -> tuple[list[str], list[tuple[Request, int]]]:
    failures, sent = [], []
    for request in requests:
        reply = browser.send(request)
        sent.append((request, reply.status))
        why = problem(request, reply, bound=bound)
        if why is not None:
            failures.append(f"{why}: {request.describe()}")
    return failures, sent


def _report(failures: list[str], total: int) -> str:
    shown = "\n".join(failures[:_SHOWN_FAILURES])
    return f"{len(failures)} of {total} requests failed:\n{shown}"


@pytest.mark.parametrize("answer_type", ANSWER_TYPES)
def test_hostile_answers_are_refused_or_graded_never_a_server_error(browser, learner, answer_type):
    from linlab.web.learning.actions import MAX_ANSWER_CHARS
    from linlab.web.learning.models import Attempt, CheckAnswer

    targets = answer_targets()[answer_type]
    assert targets["checks"] and targets["exercises"], f"the course has no check and exercise of type {answer_type}"
    which = ANSWER_TYPES.index(answer_type)
    texts = (nasty_answers(answer_type, shared=False) + list(NASTY_TEXT[which::len(ANSWER_TYPES)])
             + sample(answer_text(answer_type), EXAMPLES, seed_value=which))
    ids = make_attempts(learner, targets["exercises"], len(texts) // 2, seed=len(texts))
    failures, sent = _failures(browser, answer_requests(answer_type, texts, targets["checks"], ids, both=False))
    assert not failures, _report(failures, len(sent))

    # Every acknowledged answer is kept: a stored check answer per 200, with the text sent (NULs dropped) …
    accepted = [r.fields["answer"].replace("\x00", "") for r, status in sent if r.endpoint == "check" and status == 200]
    stored = sorted(CheckAnswer.objects.filter(user=learner).values_list("text", flat=True))
    assert stored == sorted(accepted)
    # … the ones over the length limit, and only those, are refused …
    refused = [r.fields["answer"] for r, status in sent if status == 400]
    assert all(len(t) > MAX_ANSWER_CHARS for t in refused)
    assert len(refused) == sum(len(t) > MAX_ANSWER_CHARS for t in texts)
    # … and every attempt that got a 200 is graded, with its answer.
    graded = {int(r.path.split("/")[2]) for r, status in sent if r.endpoint == "answer" and status == 200}
    assert set(Attempt.objects.filter(user=learner, answered_at__isnull=False).values_list("pk", flat=True)) == graded


@pytest.mark.parametrize("slug", LAB_SLUGS)
def test_hostile_lab_forms_answer_200_or_400_with_a_message(browser, slug):
    from linlab.web.labs import minilm

    if slug == "svd" and minilm.model_folder() is not None:
        # The first model request loads MiniLM's token embedding (30522×384) for the readouts: not bounded here.
        warm = [{"source": "model", "layer": "0", "weight": "query", "terms": "12"}]
        failures, _ = _failures(browser, lab_requests(slug, warm), bound=None)
        assert not failures, _report(failures, len(warm))
    forms = nasty_lab_values(slug) + sample(lab_values(slug), EXAMPLES, seed_value=100 + LAB_SLUGS.index(slug))
    failures, sent = _failures(browser, lab_requests(slug, forms))
    assert not failures, _report(failures, len(sent))
    statuses = {status for _, status in sent}
    assert statuses == {200, 400}, f"the corpus should hold both usable and refused forms, got statuses {statuses}"


def test_a_body_over_the_upload_limit_is_a_400_page_with_a_message(browser, learner):
    """Django refuses a form body over DATA_UPLOAD_MAX_MEMORY_SIZE before any view runs: a 400 with the
    site's message, not a 5xx; the learner's attempt stays open."""
    targets = answer_targets()["vector"]
    (attempt_id,) = make_attempts(learner, targets["exercises"], 1)
    lesson, question = targets["checks"][0]
    requests = [
        Request("vector", "check", f"/lessons/{lesson}/checks/{question}/", {"answer": OVERSIZED}),
        Request("vector", "answer", f"/attempts/{attempt_id}/answer/", {"answer": OVERSIZED}),
        Request("linear-map", "lab", "/labs/linear-map/compute/", {"matrix": OVERSIZED}),
        Request("linear-map", "lab", "/labs/linear-map/compute/", {"matrix": OVERSIZED}, as_json=True),
    ]
    for request in requests:
        reply = browser.send(request)
        assert reply.status == 400 and problem(request, reply) is None, (reply.status, reply.body[:300])
        # The reason, not the generic "could not be understood": a fragment for htmx, the page otherwise.
        assert b"larger than the site accepts (2.5 MB" in reply.body, reply.body[:300]
    from linlab.web.learning.models import Attempt

    assert Attempt.objects.get(pk=attempt_id).answered_at is None
