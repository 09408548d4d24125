"""The learning pages through the real HTTP stack (Django's test client), with real signed-in users."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linlab.web.learning.models import Attempt, CheckAnswer, ExerciseGenerator, Profile, ReviewCard, ReviewLog

pytestmark = pytest.mark.django_db

LESSON = "la-08-rank-nullity"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_home_draws_every_lesson_with_its_state(client, course, course_index):
    html = client.get("/").content.decode()
    for lesson_id in course.lessons:
        assert f'data-lesson="{lesson_id}" data-state="not-started"' in html
    # one arrow per prerequisite
    assert html.count('class="edge') == sum(len(lesson.prerequisites) for lesson in course.lessons.values())


def test_home_colours_a_lesson_in_progress(signed_in, course):
    check = course.lessons[LESSON].checks[0]
    signed_in.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text})
    html = signed_in.get("/").content.decode()
    assert f'data-lesson="{LESSON}" data-state="in-progress"' in html


def test_lesson_page_has_the_whole_anatomy_in_order(client, course, course_index):
    lesson = course.lessons[LESSON]
    html = client.get(f"/lessons/{LESSON}/").content.decode()
    marks = ['class="ml-box"', 'class="prereqs"', 'id="definition"', 'class="check-q', 'id="key-ideas"',
             'id="related-topics"', 'id="reflection"', 'id="related-lessons"', 'id="exercises"', 'id="lab"', 'id="progress"']
    positions = [html.index(m) for m in marks]
    assert positions == sorted(positions)
    assert html.count('class="check-form"') == len(lesson.checks)
    assert html.count('class="reflect-q"') == len(lesson.reflections)
    assert "<math" in html and "$" not in re.sub(r"<script.*?</script>", "", html, flags=re.S)


def test_inline_check_in_place_wrong_then_right(signed_in, course, learner):
    check = course.lessons[LESSON].checks[0]
    url = f"/lessons/{LESSON}/checks/{check.id}/"
    wrong = signed_in.post(url, {"answer": "17"}, **HTMX)
    assert wrong.status_code == 200 and 'data-correct="false"' in wrong.content.decode()
    assert check.check("17", "en").feedback in wrong.content.decode()
    right = signed_in.post(url, {"answer": check.answer_text}, **HTMX)
    assert 'data-correct="true"' in right.content.decode()
    assert list(CheckAnswer.objects.filter(user=learner).values_list("correct", flat=True)) == [False, True]


def test_inline_check_without_javascript_redirects_and_the_page_shows_the_answer(signed_in, course):
    check = course.lessons[LESSON].checks[0]
    response = signed_in.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text})
    assert response.status_code == 302 and response.url == f"/lessons/{LESSON}/#check-{check.id}"
    page = signed_in.get(f"/lessons/{LESSON}/").content.decode()
    block = page[page.index(f'id="check-{check.id}"'):]
    assert 'data-correct="true"' in block[: block.index("</form>") + 2000]


def test_anonymous_readers_get_graded_but_nothing_is_stored(client, course, course_index):
    check = course.lessons[LESSON].checks[0]
    response = client.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text})
    assert response.status_code == 200 and 'data-correct="true"' in response.content.decode()
    assert "Sign in to keep your answers." in response.content.decode()
    assert CheckAnswer.objects.count() == 0


def test_a_double_submitted_check_form_stores_one_answer(signed_in, course, learner):
    check = course.lessons[LESSON].checks[0]
    form = {"answer": check.answer_text, "submission": "6f1c2a8e-5d7b-4c1e-9a3f-0b2d4e6f8a10"}
    for _ in range(2):
        signed_in.post(f"/lessons/{LESSON}/checks/{check.id}/", form, **HTMX)
    assert CheckAnswer.objects.filter(user=learner).count() == 1


def test_check_errors_are_shown_with_their_status(signed_in):
    long = signed_in.post(f"/lessons/{LESSON}/checks/five-to-three/", {"answer": "9" * 3000}, **HTMX)
    assert long.status_code == 400
    assert "The answer is 3,000 characters long; at most 2,000 are accepted." in long.content.decode()
    missing = signed_in.post(f"/lessons/{LESSON}/checks/no-such/", {"answer": "1"})
    assert missing.status_code == 404 and f"Lesson {LESSON} has no question &#x27;no-such&#x27;." in missing.content.decode()
    assert signed_in.get("/lessons/la-99-none/").status_code == 404


def _expected(course, attempt):
    gen = attempt.generator
    return course.lessons[gen.lesson_id].exercise(gen.exercise_id).generate(attempt.seed).expected


def test_exercise_needs_sign_in(client, course_index):
    response = client.get(f"/lessons/{LESSON}/exercises/rank-from-nullity/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_exercise_round_trip_with_history_and_solution(signed_in, course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    url = f"/lessons/{LESSON}/exercises/{gen.exercise_id}/"
    page = signed_in.get(url)
    assert page.status_code == 200 and 'class="exercise-form"' in page.content.decode()
    attempt = Attempt.objects.get(user=learner)
    assert signed_in.get(url).content.decode().count(f'data-attempt="{attempt.pk}"') == 1  # same variant on reload
    result = signed_in.post(f"/attempts/{attempt.pk}/answer/", {"answer": _expected(course, attempt)}, **HTMX)
    html = result.content.decode()
    assert 'class="attempt-result" data-correct="true"' in html and "Show solution" in html
    signed_in.post(f"/lessons/{LESSON}/exercises/{gen.exercise_id}/new/")
    fresh = Attempt.objects.filter(user=learner).order_by("-number").first()
    assert fresh.number == 2 and not fresh.answered
    wrong = signed_in.post(f"/attempts/{fresh.pk}/answer/", {"answer": "]]"})
    assert wrong.status_code == 302
    history = signed_in.get(wrong.url).content.decode()
    assert 'class="attempt-result" data-correct="false"' in history and history.count('<li class="ok">') == 1


def test_someone_elses_attempt_is_404_and_unchanged(client, course, learner, other_learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    client.force_login(learner)
    client.get(f"/lessons/{LESSON}/exercises/{gen.exercise_id}/")
    attempt = Attempt.objects.get(user=learner)
    client.force_login(other_learner)
    response = client.post(f"/attempts/{attempt.pk}/answer/", {"answer": _expected(course, attempt)})
    assert response.status_code == 404 and f"You have no attempt {attempt.pk}." in response.content.decode()
    assert not Attempt.objects.get(pk=attempt.pk).answered
    peek = client.get(f"/lessons/{LESSON}/exercises/{gen.exercise_id}/?attempt={attempt.pk}")
    assert peek.status_code == 404


def test_reviews_show_a_due_card_and_the_answer_rates_it(signed_in, course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    signed_in.get(f"/lessons/{LESSON}/exercises/{gen.exercise_id}/")
    first = Attempt.objects.get(user=learner)
    signed_in.post(f"/attempts/{first.pk}/answer/", {"answer": _expected(course, first)})
    assert "Nothing is due right now." in signed_in.get("/reviews/").content.decode()
    card = ReviewCard.objects.get(user=learner)
    ReviewCard.objects.filter(pk=card.pk).update(due=card.due.replace(year=2000))  # the time has come
    page = signed_in.get("/reviews/").content.decode()
    review = Attempt.objects.get(user=learner, review=True)
    assert f'data-attempt="{review.pk}"' in page and 'class="badge">1<' in page
    done = signed_in.post(f"/attempts/{review.pk}/answer/", {"answer": _expected(course, review)})
    assert done.status_code == 302 and done.url == f"/reviews/?answered={review.pk}"
    card.refresh_from_db()
    assert card.reviews == 2 and ReviewLog.objects.filter(card=card).count() == 2 and card.due.year > 2000


def test_progress_page_changes_when_a_lesson_is_done(signed_in, course, learner):
    def state() -> str:
        html = signed_in.get("/progress/").content.decode()
        return re.search(rf'data-lesson="{LESSON}" data-state="([a-z-]+)"', html).group(1)

    assert state() == "not-started"
    for check in course.lessons[LESSON].checks:
        signed_in.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text})
    assert state() == "in-progress"
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    for _ in range(4):
        signed_in.post(f"/lessons/{LESSON}/exercises/{gen.exercise_id}/new/")
        attempt = Attempt.objects.filter(user=learner, answered_at__isnull=True).get()
        signed_in.post(f"/attempts/{attempt.pk}/answer/", {"answer": _expected(course, attempt)})
    assert state() == "done"


def test_language_switch_persists_on_the_profile(client, course, learner):
    client.force_login(learner)
    response = client.post("/language/", {"language": "ru", "next": f"/lessons/{LESSON}/"})
    assert response.status_code == 302 and response.url == f"/lessons/{LESSON}/"
    assert Profile.objects.get(user=learner).language == "ru"
    client.cookies.clear()
    client.force_login(learner)  # another device: no language cookie
    html = client.get(f"/lessons/{LESSON}/").content.decode()
    assert course.lessons[LESSON].title["ru"] in html and '<html lang="ru">' in html
    bad = client.post("/language/", {"language": "xx"})
    assert bad.status_code == 400 and "Unknown language &#x27;xx&#x27;; choose en or ru." in bad.content.decode()


def test_language_switch_refuses_an_offsite_next(client, course_index):
    response = client.post("/language/", {"language": "ru", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"


def test_sign_up_creates_a_profile_and_signs_in(client, course_index, django_user_model):
    response = client.post("/accounts/signup/", {"username": "newbie", "password1": "correct-horse-battery", "password2": "correct-horse-battery"})
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newbie")
    assert Profile.objects.filter(user=user).exists()
    assert client.get("/progress/").status_code == 200
    weak = client.post("/accounts/signup/", {"username": "weak", "password1": "123", "password2": "123"})
    assert weak.status_code in (302, 400)


def test_sign_up_rejects_weak_passwords_with_django_validators(client, course_index):
    response = client.post("/accounts/signup/", {"username": "weak", "password1": "12345678", "password2": "12345678"})
    html = response.content.decode()
    assert response.status_code == 400 and "This password is too common." in html and "entirely numeric" in html


def test_admin_is_for_staff_only(client, learner, django_user_model):
    client.force_login(learner)
    assert client.get("/admin/").status_code == 302
    staff = django_user_model.objects.create_superuser("root", password="x-very-long-pass")
    client.force_login(staff)
    assert client.get("/admin/learning/attempt/").status_code == 200


def test_health(client, course_index):
    assert client.get("/healthz").json() == {"status": "ok"}


@settings(max_examples=40)
@given(text=st.text(max_size=300))
def test_any_typed_answer_gets_a_page_not_a_500(text):
    from django.test import Client

    from linlab.web.learning.sync import sync_course

    sync_course()
    response = Client().post(f"/lessons/{LESSON}/checks/five-to-three/", {"answer": text}, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400)


def test_prerequisites_show_the_learners_mastery(signed_in, course):
    prereq = course.lessons[LESSON].prerequisites[0]
    check = course.lessons[prereq].checks[0]
    signed_in.post(f"/lessons/{prereq}/checks/{check.id}/", {"answer": check.answer_text})
    html = signed_in.get(f"/lessons/{LESSON}/").content.decode()
    chips = html[html.index('class="prereqs"'):html.index('id="definition"')]
    assert f'href="/lessons/{prereq}/" class="chip state-in-progress" title="in progress"' in chips


def test_a_lesson_page_counts_due_reviews_once_however_many_questions_it_has(signed_in, course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for lesson_id in ("la-03-dot-product", "la-05-linear-maps"):
        assert len(course.lessons[lesson_id].checks) >= 3
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(f"/lessons/{lesson_id}/").status_code == 200
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "learning_reviewcard" in q["sql"]]
        assert len(counts) == 1
