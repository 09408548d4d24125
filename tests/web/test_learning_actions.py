"""The learning rules (linlab.web.learning.actions/progress) against independent computations."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from linlab.web.learning import actions
from linlab.web.learning.models import Attempt, CheckAnswer, ExerciseGenerator, Lesson, ReviewCard, ReviewLog
from linlab.web.learning.progress import lesson_progress
from linlab.web.learning.sync import sync_course

pytestmark = pytest.mark.django_db

LESSON = "la-08-rank-nullity"


def test_sync_indexes_every_lesson_and_exercise_and_is_idempotent(course, course_index):
    assert set(Lesson.objects.values_list("pk", flat=True)) == set(course.lessons)
    expected = {(lid, e.id) for lid, lesson in course.lessons.items() for e in lesson.exercises}
    assert set(ExerciseGenerator.objects.values_list("lesson_id", "exercise_id")) == expected
    again = sync_course()
    assert not again.changed
    assert Lesson.objects.count() == len(course.lessons)


def test_sync_retires_a_removed_lesson_but_keeps_its_history(course, learner):
    lesson = course.lessons[LESSON]
    actions.record_check(learner, LESSON, lesson.checks[0].id, lesson.checks[0].answer_text, lang="en")
    smaller = dataclasses.replace(course, lessons={k: v for k, v in course.lessons.items() if k != LESSON})
    result = sync_course(smaller)
    assert result.deactivated == (LESSON,)
    assert not Lesson.objects.get(pk=LESSON).active
    assert CheckAnswer.objects.filter(user=learner, lesson_id=LESSON).count() == 1
    assert LESSON not in lesson_progress(learner)
    assert sync_course(course).updated == (LESSON,)  # it comes back, with its history


def test_record_check_grades_like_the_lesson_and_a_resubmit_stores_one_row(course, learner):
    check = course.lessons[LESSON].checks[0]
    key = uuid.uuid4()
    right = actions.record_check(learner, LESSON, check.id, check.answer_text, lang="en", submission=key)
    assert right.correct and check.check(check.answer_text, "en").correct
    again = actions.record_check(learner, LESSON, check.id, "something else", lang="en", submission=key)
    assert again.answer.pk == right.answer.pk and again.correct
    assert CheckAnswer.objects.filter(user=learner).count() == 1
    wrong = actions.record_check(learner, LESSON, check.id, "12345", lang="ru")
    assert not wrong.correct and wrong.feedback == check.check("12345", "ru").feedback
    assert CheckAnswer.objects.filter(user=learner).count() == 2


def test_record_check_refuses_unknown_ids_and_long_answers(learner):
    with pytest.raises(actions.ActionError) as err:
        actions.record_check(learner, "la-99-nothing", "q", "1", lang="en")
    assert err.value.status == 404 and str(err.value) == "There is no lesson 'la-99-nothing'."
    with pytest.raises(actions.ActionError) as err:
        actions.record_check(learner, LESSON, "no-such-question", "1", lang="en")
    assert err.value.status == 404
    with pytest.raises(actions.ActionError) as err:
        actions.record_check(learner, LESSON, "five-to-three", "1" * 2001, lang="en")
    assert err.value.status == 400 and str(err.value) == "The answer is 2,001 characters long; at most 2,000 are accepted."
    with pytest.raises(actions.ActionError, match="submission key is malformed"):
        actions.record_check(learner, LESSON, "five-to-three", "3", lang="en", submission="not-a-uuid")


def _expected(course, attempt: Attempt) -> str:
    gen = attempt.generator
    return course.lessons[gen.lesson_id].exercise(gen.exercise_id).generate(attempt.seed).expected


def test_attempts_are_seeded_per_user_and_number_and_stable_until_answered(course, learner, other_learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    first = actions.current_attempt(learner, gen)
    assert actions.current_attempt(learner, gen).pk == first.pk  # a reload shows the same variant
    theirs = actions.current_attempt(other_learner, gen)
    assert (first.number, theirs.number) == (1, 1) and first.seed != theirs.seed
    actions.answer_attempt(learner, first.pk, _expected(course, first), lang="en")
    second = actions.current_attempt(learner, gen)
    assert second.number == 2 and second.seed not in (first.seed, theirs.seed)


def test_an_attempt_is_graded_once_and_rates_its_card_like_fsrs(course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    attempt = actions.current_attempt(learner, gen)
    graded = actions.answer_attempt(learner, attempt.pk, _expected(course, attempt), lang="en")
    assert graded.correct and graded.score == 1.0
    again = actions.answer_attempt(learner, attempt.pk, "0", lang="en")  # a double submit with other text
    assert again.correct and again.answer == graded.answer and again.answered_at == graded.answered_at
    assert ReviewLog.objects.filter(attempt=attempt).count() == 1
    card = ReviewCard.objects.get(user=learner, generator=gen)
    independent, _ = Scheduler(enable_fuzzing=False).review_card(Card(due=graded.answered_at), Rating.Good,
                                                                 review_datetime=graded.answered_at)
    assert card.due == independent.due and card.reviews == 1


def test_a_wrong_answer_rates_again_and_brings_the_card_back_sooner(course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    attempt = actions.current_attempt(learner, gen)
    graded = actions.answer_attempt(learner, attempt.pk, "[[99]]", lang="en")
    assert not graded.correct
    log = ReviewLog.objects.get(attempt=attempt)
    assert log.rating == int(actions.rating_for(False, graded.score))
    right_due, _ = Scheduler(enable_fuzzing=False).review_card(Card(due=graded.answered_at), Rating.Good,
                                                               review_datetime=graded.answered_at)
    assert log.due_after < right_due.due


def test_another_learners_attempt_is_not_found(course, learner, other_learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    attempt = actions.current_attempt(learner, gen)
    with pytest.raises(actions.ActionError) as err:
        actions.answer_attempt(other_learner, attempt.pk, "1", lang="en")
    assert err.value.status == 404 and str(err.value) == f"You have no attempt {attempt.pk}."
    assert not Attempt.objects.get(pk=attempt.pk).answered


def _answer(course, user, gen, right: bool) -> Attempt:
    attempt = actions.new_attempt(user, gen)
    text = _expected(course, attempt) if right else "nonsense ]"
    return actions.answer_attempt(user, attempt.pk, text, lang="en")


@pytest.mark.parametrize("pattern, done", [
    ([True, True, True, True, True], True),
    ([False, True, True, True, True], True),
    ([True, False, True, False, True], False),
    ([True, True, True, True], True),
    ([True, True, True], False),
    ([True] * 4 + [False] * 2, False),  # newest last: the last five hold only three right
])
def test_a_lesson_is_done_when_checks_are_right_and_four_of_the_last_five_attempts(course, learner, pattern, done):
    lesson = course.lessons[LESSON]
    for check in lesson.checks:
        actions.record_check(learner, LESSON, check.id, check.answer_text, lang="en")
    gens = list(ExerciseGenerator.objects.filter(lesson_id=LESSON))
    for i, right in enumerate(pattern):
        _answer(course, learner, gens[i % len(gens)], right)
    progress = lesson_progress(learner, now=ReviewCard.objects.order_by("due").first().due - timedelta(seconds=1))
    newest_five = list(reversed(pattern))[:5]
    assert progress[LESSON].recent == newest_five
    assert progress[LESSON].done is done
    assert progress[LESSON].state == ("done" if done else "in-progress")


def test_checks_must_all_be_right_for_done(course, learner):
    lesson = course.lessons[LESSON]
    for check in lesson.checks[1:]:
        actions.record_check(learner, LESSON, check.id, check.answer_text, lang="en")
    actions.record_check(learner, LESSON, lesson.checks[0].id, "wrong 42", lang="en")
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    for _ in range(5):
        _answer(course, learner, gen, True)
    progress = lesson_progress(learner, now=ReviewCard.objects.get().due - timedelta(seconds=1))[LESSON]
    assert progress.exercises_done and not progress.checks_done and not progress.done
    assert progress.checks_tried == {c.id for c in lesson.checks}


def test_due_cards_make_the_lesson_review_due(course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    _answer(course, learner, gen, True)
    card = ReviewCard.objects.get(user=learner)
    assert lesson_progress(learner, now=card.due - timedelta(seconds=1))[LESSON].state == "in-progress"
    assert lesson_progress(learner, now=card.due)[LESSON].state == "review-due"
    assert list(actions.due_cards(learner, now=card.due)) == [card]
    assert list(actions.due_cards(learner, now=card.due - timedelta(seconds=1))) == []


def test_a_retired_lessons_cards_are_not_due_until_it_returns(course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    _answer(course, learner, gen, True)
    card = ReviewCard.objects.get(user=learner)
    assert list(actions.due_cards(learner, now=card.due)) == [card]
    sync_course(dataclasses.replace(course, lessons={k: v for k, v in course.lessons.items() if k != LESSON}))
    assert not ExerciseGenerator.objects.filter(lesson_id=LESSON, active=True).exists()
    assert list(actions.due_cards(learner, now=card.due)) == []
    sync_course(course)
    assert ExerciseGenerator.objects.filter(lesson_id=LESSON, active=False).count() == 0
    assert list(actions.due_cards(learner, now=card.due)) == [card]


def test_an_attempt_at_a_retired_exercise_is_404_not_a_crash(course, learner):
    gen = ExerciseGenerator.objects.filter(lesson_id=LESSON).first()
    attempt = actions.current_attempt(learner, gen)
    lesson = course.lessons[LESSON]
    smaller_lesson = dataclasses.replace(lesson, exercises=tuple(e for e in lesson.exercises if e.id != gen.exercise_id))
    from unittest import mock

    smaller = dataclasses.replace(course, lessons={**course.lessons, LESSON: smaller_lesson})
    with mock.patch.object(actions, "current_course", return_value=smaller):
        with pytest.raises(actions.ActionError) as err:
            actions.variant_of(attempt)
    assert err.value.status == 404 and "is no longer part of the course" in str(err.value)
