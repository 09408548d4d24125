"""A learner's path through the site in a real browser: sign up, read, check, exercise, review, progress,
switch to Russian, sign out and in again.  The expected answers come from the course itself
(the check's answer key, the exercise regenerated from the attempt's seed in the database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from linlab.course import load_course
from linlab.web.learning.models import Attempt, CheckAnswer, ReviewCard

from .conftest import PASSWORD, shoot, sign_up

pytestmark = pytest.mark.browser

LESSON = "la-08-rank-nullity"
EXERCISE = "nullity-from-matrix"


def _text_check(lesson):
    """The lesson's first check answered in a text box (not a choice, not yes/no)."""
    return next(c for c in lesson.checks if c.type not in ("choice", "yesno"))


def _wrong_answer(variant) -> str:
    """An answer the variant grades wrong (checked with the variant's own grader)."""
    for candidate in ("0", "1", "2", "7"):
        if not variant.check(candidate, "en").correct:
            return candidate
    raise AssertionError("no wrong integer answer found")


def _progress_row(page, site, lesson_id):
    page.goto(f"{site}/progress/")
    row = page.locator(f"tr[data-lesson='{lesson_id}']")
    return row.get_attribute("data-state"), int(page.locator("[data-stat=answers]").inner_text()), \
        int(page.locator("[data-stat=attempts]").inner_text())


def _answer_attempt(page, answer: str, correct: bool) -> None:
    form = page.locator("form.exercise-form")
    box = form.locator("[name=answer]")
    box.fill(answer)
    form.locator("button[type=submit]").click()
    page.locator(f".attempt-result[data-correct={'true' if correct else 'false'}]").wait_for()


def test_learner_path(page, site, screens, django_user_model):
    course = load_course()
    lesson = course.lessons[LESSON]

    page.goto(f"{site}/")
    assert page.locator("a[href='/lessons/la-01-vector-spaces/']").count() >= 1
    shoot(page, screens, "home-map")

    page.goto(f"{site}/accounts/signup/")
    shoot(page, screens, "sign-up")
    sign_up(page, site, "ada")
    user = django_user_model.objects.get(username="ada")
    assert page.locator("details.user-menu summary").inner_text() == "ada"

    state, answers, attempts = _progress_row(page, site, LESSON)
    assert (state, answers, attempts) == ("not-started", 0, 0)

    # Read the lesson: its title, and its formulas as MathML.
    page.goto(f"{site}/lessons/{LESSON}/")
    assert page.locator("h1").inner_text() == lesson.title["en"]
    assert page.locator("article.lesson math").count() > 10
    shoot(page, screens, "lesson")

    # An inline check: wrong first, then right; the result is swapped in place (htmx), no reload.
    check = _text_check(lesson)
    box = page.locator(f"#check-{check.id}")
    box.locator("input[name=answer]").fill(str(int(check.answer_text) + 1))
    box.locator("button[type=submit]").click()
    page.locator(f"#check-{check.id} .check-result[data-correct=false]").wait_for()
    box = page.locator(f"#check-{check.id}")
    box.locator("input[name=answer]").fill(check.answer_text)
    box.locator("button[type=submit]").click()
    page.locator(f"#check-{check.id} .check-result[data-correct=true]").wait_for()
    assert list(CheckAnswer.objects.filter(user=user).order_by("id").values_list("correct", flat=True)) == [False, True]

    # An exercise: a wrong answer, a new variant, then the right answer read from the attempt's seed.
    page.goto(f"{site}/lessons/{LESSON}/exercises/{EXERCISE}/")
    shoot(page, screens, "exercise")
    attempt = Attempt.objects.get(pk=page.locator(".attempt[data-attempt]").get_attribute("data-attempt"))
    variant = lesson.exercise(EXERCISE).generate(attempt.seed)
    _answer_attempt(page, _wrong_answer(variant), correct=False)
    page.locator("button.new-variant").click()
    page.locator("form.exercise-form").wait_for()
    attempt = Attempt.objects.get(pk=page.locator(".attempt[data-attempt]").get_attribute("data-attempt"))
    assert attempt.number == 2 and attempt.answered_at is None
    _answer_attempt(page, lesson.exercise(EXERCISE).generate(attempt.seed).expected, correct=True)
    shoot(page, screens, "exercise-answered")
    assert [a.correct for a in Attempt.objects.filter(user=user).order_by("number")] == [False, True]

    state, answers, attempts = _progress_row(page, site, LESSON)
    assert (state, answers, attempts) == ("in-progress", 2, 2)
    questions_right = page.locator(f"tr[data-lesson='{LESSON}'] td").nth(2).inner_text()
    assert questions_right == f"1 / {len(lesson.checks)}"
    shoot(page, screens, "progress")

    # A review: make the exercise's card due, answer the fresh variant the review page shows.
    card = ReviewCard.objects.get(user=user)
    ReviewCard.objects.filter(pk=card.pk).update(due=timezone.now() - timedelta(days=1))
    page.goto(f"{site}/reviews/")
    shoot(page, screens, "review")
    attempt = Attempt.objects.get(pk=page.locator(".attempt[data-attempt]").get_attribute("data-attempt"))
    assert attempt.review and attempt.generator_id == card.generator_id
    _answer_attempt(page, lesson.exercise(EXERCISE).generate(attempt.seed).expected, correct=True)
    card.refresh_from_db()
    assert card.reviews == 3 and card.due > timezone.now()

    # Русский: the switch in the header; the lesson text and the interface change language.
    page.goto(f"{site}/lessons/{LESSON}/")
    page.locator("form.lang-switch button[value=ru]").click()
    page.wait_for_url(f"{site}/lessons/{LESSON}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == lesson.title["ru"]
    first_section = lesson.sections["ru"][0]
    assert page.locator(f"section#{first_section.id} h2").inner_text() == first_section.title
    shoot(page, screens, "lesson-ru")
    user.profile.refresh_from_db()
    assert user.profile.language == "ru"

    # Sign out and in again: the language stays with the account.
    page.locator("details.user-menu summary").click()
    page.locator("details.user-menu form button").click()
    page.goto(f"{site}/accounts/login/")
    page.locator("form.lang-switch button[value=en]").click()  # signed out: back to English for the shot
    shoot(page, screens, "sign-in")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site}/")
    assert page.locator("details.user-menu summary").inner_text() == "ada"
    assert page.locator("html").get_attribute("lang") == "ru"
    shoot(page, screens, "home-map-ru")
