"""The lesson page's cached rendering: keyed by lesson, language and content version; the reader's
own parts (previous answers, states, tokens) filled in per request."""

from __future__ import annotations

import re
import shutil

import pytest
from django.core.cache import cache

from linlab.course import load_course
from linlab.web.learning.actions import record_check
from linlab.web.learning.views import lessons

LESSON = "la-01-vector-spaces"
SENTENCE = "One counterexample is enough to show that a set is not a subspace."


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def count_renders(monkeypatch):
    calls: list[tuple[str, str]] = []
    real = lessons._render_lesson

    def spy(course, lesson, lang):
        calls.append((lesson.id, lang))
        return real(course, lesson, lang)

    monkeypatch.setattr(lessons, "_render_lesson", spy)
    return calls


def _page(client, lang: str = "en") -> str:
    response = client.get(f"/lessons/{LESSON}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def test_one_rendering_per_language_and_each_language_its_own(client, course, course_index, count_renders):
    lesson = course.lessons[LESSON]
    en, en_again, ru = _page(client, "en"), _page(client, "en"), _page(client, "ru")
    assert count_renders == [(LESSON, "en"), (LESSON, "ru")]  # the second English request was served from the cache
    assert cache.get(lessons.lesson_cache_key(LESSON, "en", course.content_version)) is not None
    assert cache.get(lessons.lesson_cache_key(LESSON, "ru", course.content_version)) is not None
    for section in lesson.sections["en"]:
        assert section.title_html in en and section.title_html in en_again
        assert section.title_html not in ru
    for section in lesson.sections["ru"]:
        assert section.title_html in ru


def test_an_edited_lesson_shows_its_new_text(client, course_index, tmp_path, monkeypatch, settings, count_renders):
    root = tmp_path / "lessons"
    shutil.copytree(load_course().root, root)
    monkeypatch.setenv("LINLAB_CONTENT", str(root))
    settings.LINLAB_COURSE_RECHECK_SECONDS = 0
    before = _page(client)
    version_before = load_course().content_version
    assert SENTENCE in before
    source = root / LESSON / "lesson.en.md"
    assert SENTENCE in source.read_text()
    source.write_text(source.read_text().replace(SENTENCE, "A single counterexample settles it (edited)."))
    after = _page(client)
    assert load_course().content_version != version_before
    assert "A single counterexample settles it (edited)." in after and SENTENCE not in after
    assert count_renders == [(LESSON, "en"), (LESSON, "en")]  # a new version: rendered again, not the stale one
    assert cache.get(lessons.lesson_cache_key(LESSON, "en", version_before)) is not None  # the old key is another key


def _check_block(html: str, question_id: str) -> str:
    """The HTML of one inline check: from its id to the next check or the end of its section."""
    start = html.index(f'id="check-{question_id}"')
    ends = [i for i in (html.find('class="check-q', start), html.find("</section>", start)) if i != -1]
    return html[start:min(ends)]


def test_each_reader_sees_their_own_answers_from_one_rendering(client, course, learner, other_learner, count_renders):
    lesson = course.lessons[LESSON]
    check = next(c for c in lesson.checks if c.type == "integer")
    right, wrong = check.answer_text, "12345"
    assert check.check(right, "en").correct and not check.check(wrong, "en").correct
    record_check(learner, LESSON, check.id, right, lang="en")
    record_check(other_learner, LESSON, check.id, wrong, lang="en")

    client.force_login(learner)
    mine = _check_block(_page(client), check.id)
    client.force_login(other_learner)
    theirs = _check_block(_page(client), check.id)
    client.logout()
    anonymous = _check_block(_page(client), check.id)

    assert count_renders == [(LESSON, "en")]  # three readers, one rendering
    assert 'data-correct="true"' in mine and f"<code>{right}</code>" in mine
    assert 'data-correct="false"' in theirs and f"<code>{wrong}</code>" in theirs and f'value="{wrong}"' in theirs
    assert "data-correct" not in anonymous and wrong not in anonymous
    assert lessons.SLOT not in mine + theirs + anonymous


def test_every_form_gets_a_fresh_submission_key_and_a_csrf_token(client, course, course_index):
    lesson = course.lessons[LESSON]
    first, second = _page(client), _page(client)
    keys_first = re.findall(r'name="submission" value="([0-9a-f-]{36})"', first)
    keys_second = re.findall(r'name="submission" value="([0-9a-f-]{36})"', second)
    assert len(keys_first) == len(set(keys_first)) == len(lesson.checks)
    assert not set(keys_first) & set(keys_second)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', first)
    assert tokens and all(re.fullmatch(r"[A-Za-z0-9]{64}", t) for t in tokens)


def test_prerequisite_chips_show_this_readers_states(signed_in, course, learner, django_user_model):
    lesson = next(l for l in course.lessons.values() if l.prerequisites)
    prereq = course.lessons[lesson.prerequisites[0]]
    record_check(learner, prereq.id, prereq.checks[0].id, prereq.checks[0].answer_text, lang="en")
    html = signed_in.get(f"/lessons/{lesson.id}/").content.decode()
    assert re.search(rf'href="/lessons/{prereq.id}/" class="chip state-in-progress"', html)
    other = django_user_model.objects.create_user(username="cy", password="a-long-passphrase-3")
    signed_in.force_login(other)
    html = signed_in.get(f"/lessons/{lesson.id}/").content.decode()
    assert re.search(rf'href="/lessons/{prereq.id}/" class="chip state-not-started"', html)


def test_an_answer_that_looks_like_a_slot_is_shown_as_typed(signed_in, course, learner):
    check = next(c for c in course.lessons[LESSON].checks if c.type == "integer")
    typed = f"{lessons.SLOT}csrf\ue000"
    record_check(learner, LESSON, check.id, typed, lang="en")
    block = _check_block(signed_in.get(f"/lessons/{LESSON}/").content.decode(), check.id)
    assert f"<code>{typed}</code>" in block  # not replaced by a token


def test_anonymous_pages_come_whole_from_the_cache_with_working_tokens(course, course_index, django_user_model):
    from django.test import Client

    reader = Client(enforce_csrf_checks=True)
    first = _page(reader)
    assert cache.get(lessons.lesson_cache_key(LESSON, "en", course.content_version) + ":anonymous-page") is not None
    second = _page(reader)
    keys = [re.findall(r'name="submission" value="([0-9a-f-]{36})"', html) for html in (first, second)]
    assert len(keys[1]) == len(course.lessons[LESSON].checks) and not set(keys[0]) & set(keys[1])
    strip = lambda html: re.sub(r'value="[0-9a-f-]{36}"|(?<=csrfmiddlewaretoken" value=")\w+|(?<="X-CSRFToken": ")\w+', "", html)
    assert strip(first) == strip(second)
    # the token in the cached page goes with this reader's CSRF cookie: a form sent from it is accepted
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', second).group(1)
    check = course.lessons[LESSON].checks[0]
    response = reader.post(f"/lessons/{LESSON}/checks/{check.id}/", {"answer": check.answer_text, "csrfmiddlewaretoken": token,
                                                                    "submission": keys[1][0]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-correct="true"' in response.content.decode()
    # a signed-in reader never gets the anonymous page
    user = django_user_model.objects.create_user(username="dee", password="a-long-passphrase-4")
    reader.force_login(user)
    assert "dee" in _page(reader) and "dee" not in second
