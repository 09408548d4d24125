"""The JSON API (/api/v1) through the real HTTP stack, with real users, tokens and sessions.

Expected values come from the course itself (load_course(), variants regenerated from the seed stored
in the database) and from the learning app's own read side (lesson_progress), never from the API.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from linlab.course import load_course, render
from linlab.web.api.models import ApiToken
from linlab.web.api.tokens import create_token
from linlab.web.learning.models import Attempt, CheckAnswer, Profile, ReviewCard, ReviewLog
from linlab.web.learning.progress import lesson_progress

pytestmark = pytest.mark.django_db

API = "/api/v1"
DOCS_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
NO_CREDENTIALS = "Authentication required: send an API token (Authorization: Bearer <token>) or sign in."
BAD_TOKEN = "The API token is invalid or has been revoked."
NO_CSRF = ("CSRF check failed: a browser session must send the X-CSRFToken header with POST, PUT, PATCH and "
           "DELETE requests (or use an API token instead).")


def _token_client(user, **kwargs) -> Client:
    _, token = create_token(user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"}, **kwargs)


@pytest.fixture
def api(learner):
    """A client authenticated as ``learner`` by API token."""
    return _token_client(learner)


def _post(client: Client, path: str, body: dict | None = None, **kwargs):
    return client.post(f"{API}{path}", data=json.dumps(body or {}), content_type="application/json", **kwargs)


def _variant(attempt_id: int):
    """The variant behind an attempt, regenerated from the seed in the database (not via the API)."""
    row = Attempt.objects.select_related("generator").get(pk=attempt_id)
    return row, load_course().lessons[row.generator.lesson_id].exercise(row.generator.exercise_id).generate(row.seed)


def _first_exercise(answer_type: str) -> tuple[str, str]:
    for lesson in load_course().lessons.values():
        for exercise in lesson.exercises:
            if exercise.answer_type == answer_type:
                return lesson.id, exercise.id
    raise AssertionError(f"the course has no {answer_type} exercise")


# --- lessons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_lesson_list_matches_the_course_in_each_language(client, course_index, lang):
    response = client.get(f"{API}/lessons", {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    got = response.json()
    course = load_course()
    assert [entry["id"] for entry in got] == list(course.lessons)
    for entry in got:
        lesson = course.lessons[entry["id"]]
        assert entry == {
            "id": lesson.id,
            "order": lesson.order,
            "title": lesson.title[lang],
            "category": lesson.category[lang],
            "lab": lesson.lab,
            "prerequisites": list(lesson.prerequisites),
            "exercises": [e.id for e in lesson.exercises],
            "checks": [c.id for c in lesson.checks],
        }


def test_language_defaults_to_the_profile_then_english(client, course_index, learner):
    course = load_course()
    first = next(iter(course.lessons.values()))
    assert first.title["en"] != first.title["ru"]
    assert client.get(f"{API}/lessons").json()[0]["title"] == first.title["en"]
    Profile.objects.update_or_create(user=learner, defaults={"language": "ru"})
    api = _token_client(learner)
    assert api.get(f"{API}/lessons").json()[0]["title"] == first.title["ru"]
    assert api.get(f"{API}/lessons", {"lang": "en"}).json()[0]["title"] == first.title["en"]
    client.force_login(learner)
    assert client.get(f"{API}/lessons/{first.id}").json()["title"] == first.title["ru"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_lesson_detail_carries_the_rendered_lesson_without_answers(client, course_index, lang):
    lesson = load_course().lessons["la-05-linear-maps"]
    response = client.get(f"{API}/lessons/{lesson.id}", {"lang": lang})
    assert response.status_code == 200
    got = response.json()
    assert got["lang"] == lang and got["title"] == lesson.title[lang] and got["category"] == lesson.category[lang]
    assert got["sections"] == [{"id": s.id, "title": s.title_html, "html": s.html} for s in lesson.sections[lang]]
    assert any("<math" in s["html"] for s in got["sections"])
    assert got["key_ideas"] == list(lesson.key_ideas[lang])
    assert got["ml_applications"] == list(lesson.ml_applications[lang])
    assert [p["id"] for p in got["prerequisites"]] == list(lesson.prerequisites)
    assert [(r["id"], r["why"]) for r in got["related"]] == [(r.id, r.why[lang]) for r in lesson.related]
    assert [c["id"] for c in got["checks"]] == [c.id for c in lesson.checks]
    for shown, check in zip(got["checks"], lesson.checks):
        assert shown["question"] == check.question[lang]
        assert shown["choices"] == (list(check.choices[lang]) if check.choices else None)
        assert set(shown) == {"id", "section", "type", "question", "choices", "variables"}  # no answer, no explanation
    assert [e["id"] for e in got["exercises"]] == [e.id for e in lesson.exercises]


def test_unknown_lesson_and_bad_language_are_readable_errors(client, course_index):
    response = client.get(f"{API}/lessons/la-99-nothing")
    assert (response.status_code, response.json()) == (404, {"detail": "There is no lesson 'la-99-nothing'."})
    response = client.get(f"{API}/lessons", {"lang": "fr"})
    assert response.status_code == 422
    assert response.json()["detail"] == "The request does not fit the API: query.lang: Input should be 'en' or 'ru'."
    response = client.get(f"{API}/no-such-thing")
    assert (response.status_code, response.json()) == (
        404, {"detail": "There is no API endpoint /api/v1/no-such-thing; the endpoints are listed at /api/v1/docs."})
    response = client.get(f"{API}/lessons/")
    assert (response.status_code, response.json()) == (
        404, {"detail": "There is no API endpoint /api/v1/lessons/; did you mean /api/v1/lessons (no slash at the end)?"})
    response = client.delete(f"{API}/lessons")
    assert (response.status_code, response.json(), response["Allow"]) == (
        405, {"detail": "DELETE is not allowed here; use GET."}, "GET")


# --- exercises ------------------------------------------------------------------------------------------


def test_every_exercise_variant_is_served_and_graded_right_with_its_expected_answer(api, course_index, learner):
    course = load_course()
    for lesson in course.lessons.values():
        for exercise in lesson.exercises:
            response = _post(api, f"/lessons/{lesson.id}/exercises/{exercise.id}/attempts")
            assert response.status_code == 200, (lesson.id, exercise.id, response.content)
            shown = response.json()
            row, variant = _variant(shown["id"])
            assert row.user == learner and (row.generator.lesson_id, row.generator.exercise_id) == (lesson.id, exercise.id)
            assert shown["prompt"] == render(variant.prompt("en"))
            assert shown["prompt_markdown"] == variant.prompt("en")
            assert shown["answer_type"] == variant.answer_type == exercise.answer_type
            if variant.answer_type == "choice":
                assert shown["choices"] == [render(o, inline=True) for o in variant.answer.options["en"]]
            else:
                assert shown["choices"] is None
            assert (shown["answered"], shown["solution"], shown["expected"], shown["correct"]) == (False, None, None, None)

            graded = _post(api, f"/attempts/{shown['id']}/answer", {"answer": variant.expected}).json()
            assert (graded["correct"], graded["score"]) == (True, 1.0), (lesson.id, exercise.id, graded)
            assert graded["solution"] == render(variant.solution("en"))
            assert graded["expected"] == variant.expected
            assert graded["answer"] == variant.expected


def test_a_variant_stays_until_answered_then_the_next_one_comes(api, course_index):
    lesson_id, exercise_id = _first_exercise("integer")
    path = f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts"
    first = _post(api, path).json()
    assert _post(api, path).json()["id"] == first["id"]
    _, variant = _variant(first["id"])
    _post(api, f"/attempts/{first['id']}/answer", {"answer": variant.expected})
    second = _post(api, path).json()
    assert second["id"] != first["id"] and second["number"] == first["number"] + 1


def test_a_wrong_answer_gets_the_variants_own_feedback_in_the_chosen_language(api, course_index):
    lesson_id, exercise_id = _first_exercise("integer")
    shown = _post(api, f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts?lang=ru").json()
    _, variant = _variant(shown["id"])
    assert shown["lang"] == "ru" and shown["prompt"] == render(variant.prompt("ru"))
    wrong = str(int(variant.expected) + 1)
    expected = variant.check(wrong, "ru")
    assert not expected.correct and expected.feedback
    graded = _post(api, f"/attempts/{shown['id']}/answer?lang=ru", {"answer": wrong}).json()
    assert (graded["correct"], graded["score"], graded["feedback"]) == (False, expected.score, expected.feedback)
    assert graded["feedback_html"].strip()
    assert graded["solution"] == render(variant.solution("ru"))


def test_answering_twice_returns_the_first_grade_and_stores_one(api, course_index, learner):
    lesson_id, exercise_id = _first_exercise("integer")
    shown = _post(api, f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts").json()
    _, variant = _variant(shown["id"])
    wrong = str(int(variant.expected) + 1)
    first = _post(api, f"/attempts/{shown['id']}/answer", {"answer": wrong})
    again = _post(api, f"/attempts/{shown['id']}/answer", {"answer": variant.expected})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert (again.json()["correct"], again.json()["answer"]) == (False, wrong)
    row = Attempt.objects.get(pk=shown["id"])
    assert (row.answer, row.correct) == (wrong, False)
    assert ReviewLog.objects.filter(attempt=row).count() == 1
    assert ReviewCard.objects.get(user=learner, generator=row.generator).reviews == 1
    assert api.get(f"{API}/attempts/{shown['id']}").json() == first.json()


def test_an_overlong_answer_is_refused_with_the_rules_message(api, course_index):
    lesson_id, exercise_id = _first_exercise("integer")
    shown = _post(api, f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts").json()
    response = _post(api, f"/attempts/{shown['id']}/answer", {"answer": "1" * 2001})
    assert (response.status_code, response.json()) == (
        400, {"detail": "The answer is 2,001 characters long; at most 2,000 are accepted."})
    assert not Attempt.objects.get(pk=shown["id"]).answered
    response = _post(api, f"/attempts/{shown['id']}/answer", {})
    assert response.status_code == 422
    assert response.json()["detail"] == "The request does not fit the API: body.answer: Field required."


def test_another_learners_attempt_is_not_found(api, course_index, other_learner):
    lesson_id, exercise_id = _first_exercise("integer")
    theirs = _post(_token_client(other_learner), f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts").json()
    _, variant = _variant(theirs["id"])
    message = {"detail": f"You have no attempt {theirs['id']}."}
    response = api.get(f"{API}/attempts/{theirs['id']}")
    assert (response.status_code, response.json()) == (404, message)
    response = _post(api, f"/attempts/{theirs['id']}/answer", {"answer": variant.expected})
    assert (response.status_code, response.json()) == (404, message)
    assert not Attempt.objects.get(pk=theirs["id"]).answered
    missing = Attempt.objects.order_by("-pk").first().pk + 1000
    assert api.get(f"{API}/attempts/{missing}").json() == {"detail": f"You have no attempt {missing}."}


def test_unknown_exercise_is_not_found(api, course_index):
    response = _post(api, "/lessons/la-05-linear-maps/exercises/no-such/attempts")
    assert (response.status_code, response.json()) == (404, {"detail": "Lesson la-05-linear-maps has no exercise 'no-such'."})


# --- check questions and progress ----------------------------------------------------------------------


def test_check_answers_are_graded_stored_once_per_submission_and_need_a_learner(client, api, course_index, learner):
    lesson = load_course().lessons["la-05-linear-maps"]
    check = lesson.checks[0]
    key = uuid.uuid4()
    path = f"/lessons/{lesson.id}/checks/{check.id}"
    first = _post(api, path, {"answer": check.answer_text, "submission": str(key)})
    assert first.status_code == 200
    want = check.check(check.answer_text, "en")
    assert (first.json()["correct"], first.json()["feedback"]) == (True, want.feedback)
    assert first.json()["explanation"] == check.explain["en"]
    assert first.json()["submission"] == str(key)
    again = _post(api, path, {"answer": "something else", "submission": str(key)})
    assert again.json() == first.json()
    assert CheckAnswer.objects.filter(user=learner).count() == 1

    response = _post(client, path, {"answer": check.answer_text})
    assert (response.status_code, response.json()) == (401, {"detail": NO_CREDENTIALS})
    response = _post(api, f"/lessons/{lesson.id}/checks/no-such", {"answer": "1"})
    assert (response.status_code, response.json()) == (404, {"detail": f"Lesson {lesson.id} has no question 'no-such'."})
    response = api.post(f"{API}{path}", data="{not json", content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": "The request body is not valid JSON."})
    response = _post(api, path, {"answer": "1", "submission": "not-a-uuid"})
    assert response.status_code == 422 and response.json()["detail"].startswith("The request does not fit the API: body.submission:")


def test_progress_is_the_learning_apps_progress(api, course_index, learner):
    course = load_course()
    lesson = course.lessons["la-05-linear-maps"]
    for check in lesson.checks:
        _post(api, f"/lessons/{lesson.id}/checks/{check.id}", {"answer": check.answer_text})
    for i, exercise in enumerate(lesson.exercises * 2):
        shown = _post(api, f"/lessons/{lesson.id}/exercises/{exercise.id}/attempts").json()
        _, variant = _variant(shown["id"])
        answer = variant.expected if i % 3 else "0, 0, 0, 0, 0"
        assert _post(api, f"/attempts/{shown['id']}/answer", {"answer": answer}).status_code == 200
    got = api.get(f"{API}/progress").json()
    want = json.loads(json.dumps([p.to_json() for p in lesson_progress(learner).values()]))
    assert got == want
    mine = next(p for p in got if p["lesson"] == lesson.id)
    assert mine["exercises"]["attempts"] == 2 * len(lesson.exercises)
    assert sorted(mine["checks"]["right"]) == sorted(c.id for c in lesson.checks)
    assert mine["state"] in ("in-progress", "done", "review-due")
    assert all(p["state"] == "not-started" for p in got if p["lesson"] != lesson.id)


def test_due_cards_are_listed_and_reviewed_through_attempts(api, course_index, learner):
    lesson_id, exercise_id = _first_exercise("integer")
    shown = _post(api, f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts").json()
    _, variant = _variant(shown["id"])
    _post(api, f"/attempts/{shown['id']}/answer", {"answer": variant.expected})
    card = ReviewCard.objects.get(user=learner)
    assert card.due > timezone.now() and api.get(f"{API}/reviews/due").json() == []
    ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timezone.timedelta(hours=1))
    due = api.get(f"{API}/reviews/due").json()
    assert [(d["id"], d["lesson"], d["exercise"], d["reviews"]) for d in due] == [(card.pk, lesson_id, exercise_id, 1)]
    review = _post(api, f"/reviews/{card.pk}/attempt").json()
    assert review["review"] is True and review["id"] != shown["id"]
    _, variant = _variant(review["id"])
    assert _post(api, f"/attempts/{review['id']}/answer", {"answer": variant.expected}).json()["correct"] is True
    card.refresh_from_db()
    assert card.reviews == 2 and card.due > timezone.now()
    response = _post(api, f"/reviews/{card.pk}/attempt")
    assert (response.status_code, response.json()) == (404, {"detail": f"You have no review card {card.pk} due now."})


# --- authentication ----------------------------------------------------------------------------------


def test_requests_without_or_with_a_bad_token_get_401(client, course_index):
    response = client.get(f"{API}/progress")
    assert (response.status_code, response.json()) == (401, {"detail": NO_CREDENTIALS})
    assert response["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer llt_00000000_nope", "Bearer not-even-shaped-right"):
        response = client.get(f"{API}/progress", headers={"Authorization": header})
        assert (response.status_code, response.json()) == (401, {"detail": BAD_TOKEN})
    # a bad token is refused even where anonymous readers are welcome
    response = client.get(f"{API}/lessons", headers={"Authorization": "Bearer llt_00000000_nope"})
    assert (response.status_code, response.json()) == (401, {"detail": BAD_TOKEN})


def test_tokens_are_created_by_a_session_stored_hashed_and_revocable(client, course_index, learner):
    client.force_login(learner)
    response = _post(client, "/tokens", {"name": "my notebook"})
    assert response.status_code == 201
    made = response.json()
    token = made["token"]
    assert token.startswith(made["prefix"] + "_") and made["name"] == "my notebook"
    row = ApiToken.objects.get(prefix=made["prefix"])
    assert row.user == learner and row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in row.__dict__.values())

    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    assert bearer.get(f"{API}/progress").status_code == 200
    row.refresh_from_db()
    assert row.last_used is not None
    listed = client.get(f"{API}/tokens").json()
    assert [(t["prefix"], t["name"]) for t in listed] == [(made["prefix"], "my notebook")]
    assert "token" not in listed[0]
    # a token cannot mint tokens
    assert _post(bearer, "/tokens", {}).json() == {"detail": NO_CREDENTIALS}

    response = client.delete(f"{API}/tokens/{made['prefix']}")
    assert response.status_code == 204
    response = bearer.get(f"{API}/progress")
    assert (response.status_code, response.json()) == (401, {"detail": BAD_TOKEN})
    response = client.delete(f"{API}/tokens/{made['prefix']}")
    assert (response.status_code, response.json()) == (404, {"detail": f"You have no API token {made['prefix']!r}."})


def test_tokens_stop_working_for_inactive_users_and_are_private(course_index, learner, other_learner):
    api = _token_client(learner)
    _, theirs = create_token(other_learner)
    prefix = ApiToken.objects.get(user=other_learner).prefix
    response = api.delete(f"{API}/tokens/{prefix}")
    assert (response.status_code, response.json()) == (404, {"detail": f"You have no API token {prefix!r}."})
    assert Client(headers={"Authorization": f"Bearer {theirs}"}).get(f"{API}/progress").status_code == 200
    other_learner.is_active = False
    other_learner.save()
    response = Client(headers={"Authorization": f"Bearer {theirs}"}).get(f"{API}/progress")
    assert (response.status_code, response.json()) == (401, {"detail": BAD_TOKEN})


def test_session_posts_need_the_csrf_token_and_token_posts_do_not(course_index, learner):
    lesson_id, exercise_id = _first_exercise("integer")
    path = f"/lessons/{lesson_id}/exercises/{exercise_id}/attempts"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert browser.get(f"{API}/progress").status_code == 200  # safe methods need no CSRF token
    response = _post(browser, path)
    assert (response.status_code, response.json()) == (403, {"detail": NO_CSRF})
    assert not Attempt.objects.exists()
    browser.get(f"{API}/docs")  # the docs page sets the CSRF cookie, as every page of the site does
    csrf = browser.cookies["csrftoken"].value
    assert _post(browser, path, headers={"X-CSRFToken": csrf}).status_code == 200

    notebook = _token_client(learner, enforce_csrf_checks=True)
    assert _post(notebook, path).status_code == 200
    assert Attempt.objects.count() == 1  # the same open attempt both times


def test_create_api_token_command_prints_a_working_token(course_index, learner):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "ada", "--name", "cli", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert ApiToken.objects.get(user=learner).name == "cli"
    assert Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/progress").status_code == 200
    with pytest.raises(CommandError, match="There is no user 'zed'."):
        call_command("create_api_token", "zed", stdout=out, stderr=err)


# --- schema and docs ----------------------------------------------------------------------------------


def _documented_endpoints() -> set[tuple[str, str]]:
    """``(METHOD, path)`` of every endpoint listed in docs/api.md's table."""
    rows = re.findall(r"^\| `(GET|POST|DELETE|PUT|PATCH) /api/v1(/[^`]*)` \|", DOCS_MD.read_text(), flags=re.M)
    return {(method, path) for method, path in rows}


def test_openapi_schema_lists_every_documented_endpoint(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.") and schema["info"]["version"] == "1"
    served = {(method.upper(), path.removeprefix(API)) for path, ops in schema["paths"].items() for method in ops}
    documented = _documented_endpoints()
    assert len(documented) >= 12
    assert served == documented
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()


def test_docs_page_loads_nothing_from_outside_the_site(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(links) >= 4
    assert not re.search(r"https?://", html)
    for link in links:
        assert link.startswith("/")
        asset = client.get(link)
        assert asset.status_code == 200, link
        assert b"".join(asset.streaming_content)
    settings = json.loads(re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == f"{API}/openapi.json" and settings["validatorUrl"] is None
    assert client.get(f"{API}/docs/assets/settings.py").status_code == 404
