"""A database that cannot be reached answers a clean 503 (page, htmx fragment or API JSON), never the 500 page."""

from __future__ import annotations

import json

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from linlab.web.learning.views import errors, lessons

LESSON = "la-01-vector-spaces"
MESSAGE = "The site cannot reach its database right now"


def _down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def _assert_clean_503(response, *, kind: str) -> str:
    body = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) == errors.RETRY_AFTER_S
    assert "Traceback" not in body and "Connection refused" not in body  # no internals leak
    assert "Something went wrong on our side" not in body  # not the 500 page
    if kind == "json":
        assert response["Content-Type"].startswith("application/json")
        assert json.loads(body)["detail"].startswith(MESSAGE)
    else:
        assert MESSAGE in body and 'data-status="503"' in body
        assert ('class="site-header"' in body) == (kind == "page")  # the page has the site's layout
    return body


def test_a_page_whose_view_loses_the_database_gets_the_503_page(signed_in, monkeypatch):
    monkeypatch.setattr(lessons, "lesson_progress", _down)
    body = _assert_clean_503(signed_in.get(f"/lessons/{LESSON}/"), kind="page")
    assert "try again" in body.lower()


@pytest.mark.parametrize("error", [InterfaceError("connection already closed"), psycopg.OperationalError("server closed the connection")])
def test_dropped_connections_of_either_kind_are_503(signed_in, monkeypatch, error):
    def drop(*args, **kwargs):
        raise error

    monkeypatch.setattr(lessons, "lesson_progress", drop)
    _assert_clean_503(signed_in.get(f"/lessons/{LESSON}/"), kind="page")


def test_an_htmx_answer_gets_a_fragment(signed_in, course, monkeypatch):
    monkeypatch.setattr(lessons, "record_check", _down)
    check = course.lessons[LESSON].checks[0]
    response = signed_in.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text}, HTTP_HX_REQUEST="true")
    _assert_clean_503(response, kind="fragment")


def test_the_api_answers_json(client, course_index, monkeypatch):
    from linlab.web.learning.models import Lesson

    monkeypatch.setattr(Lesson.objects, "filter", _down)
    _assert_clean_503(client.get("/api/v1/lessons"), kind="json")


def test_a_session_that_cannot_be_loaded_is_503_not_500(learner, monkeypatch):
    # The session is read by a middleware, before any view: Django turns the error into handler500's answer.
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    monkeypatch.setattr(SessionStore, "load", _down)
    _assert_clean_503(client.get("/progress/"), kind="page")


def test_other_errors_still_get_the_500_page(learner, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(learner)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionStore, "load", broken)
    response = client.get("/progress/")
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()


def test_postgresql_connections_are_health_checked(tmp_path):
    # A persistent connection that died with a restarted server is dropped before use, without a manual step.
    import os
    import subprocess
    import sys

    env = dict(os.environ, DATABASE_URL="postgres://someone@127.0.0.1:5432/somedb", LINLAB_HOME=str(tmp_path))
    code = "import json; from linlab.web import settings; print(json.dumps(settings.DATABASES['default']))"
    db = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert db["ENGINE"].endswith("postgresql")
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] > 0


def test_the_minimal_view_answers_ok_without_the_database(client):
    # No database fixture: pytest-django refuses any database access here, so a query would fail the test.
    response = client.get("/healthz/live")
    assert response.status_code == 200 and response.content == b"ok"
