"""The real course in content/lessons: it loads, is complete in both languages, and its graph is sound.

These tests fail while lessons are missing or broken; the failure message is the loader's list of
problems, each as ``file:line: what is wrong``.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from linlab.course import load_course
from linlab.course.model import LANGUAGES, REQUIRED_SECTIONS, CourseError

CONTENT = Path(__file__).resolve().parents[2] / "content" / "lessons"
MATH = re.compile(r"<math\b.*?</math>", re.S)


@pytest.fixture(scope="module")
def course():
    try:
        return load_course(CONTENT)
    except CourseError as err:
        count = len(err.problems)
    pytest.fail(f"the real course does not load ({count} problems; see test_the_course_loads)", pytrace=False)


def test_the_course_loads():
    try:
        load_course(CONTENT)
        return
    except CourseError as err:
        message = str(err)
    pytest.fail(message, pytrace=False)


def test_the_course_has_at_least_12_lessons(course):
    assert len(course.lessons) >= 12
    folders = sorted(p.name for p in CONTENT.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    assert sorted(course.lessons) == folders


@pytest.mark.parametrize("lesson_id", ["la-05-linear-maps", "la-06-transformations"])
def test_required_lessons_exist(course, lesson_id):
    assert lesson_id in course.lessons


def test_every_lesson_has_both_languages(course):
    for lesson in course.lessons.values():
        for field in (lesson.title, lesson.category, lesson.sections, lesson.ml_applications, lesson.key_ideas):
            assert set(field) == set(LANGUAGES), lesson.id
        for question in (*lesson.checks, *lesson.reflections):
            assert set(question.question) == set(LANGUAGES), (lesson.id, question.id)
        for lang in LANGUAGES:
            assert (lesson.source_path / f"lesson.{lang}.md").is_file()


def test_every_lesson_renders_math_to_valid_mathml_in_both_languages(course):
    for lesson in course.lessons.values():
        for lang in LANGUAGES:
            html = "".join(section.html for section in lesson.sections[lang])
            formulas = MATH.findall(html)
            assert formulas, f"{lesson.id} ({lang}) has no math"
            for formula in formulas:
                root = ET.fromstring(formula)  # well-formed XML
                assert root.tag == "{http://www.w3.org/1998/Math/MathML}math"
                assert "\\" not in formula, f"{lesson.id} ({lang}): unconverted command in {formula[:200]}"


def test_anatomy_and_counts(course):
    for lesson in course.lessons.values():
        for lang in LANGUAGES:
            ids = [section.id for section in lesson.sections[lang]]
            assert [i for i in ids if i in REQUIRED_SECTIONS] == list(REQUIRED_SECTIONS), (lesson.id, lang, ids)
            assert 2 <= len(lesson.ml_applications[lang]) <= 4 and 3 <= len(lesson.key_ideas[lang]) <= 5
        assert len(lesson.checks) >= 2 and len(lesson.reflections) >= 3 and len(lesson.exercises) >= 3, lesson.id
        assert all(exercise.lesson_id == lesson.id for exercise in lesson.exercises)


def test_check_answers_grade_themselves_right(course):
    for lesson in course.lessons.values():
        for check in lesson.checks:
            for lang in LANGUAGES:
                assert check.check(check.answer_text, lang).correct, (lesson.id, check.id, lang)


def test_links_point_to_existing_lessons(course):
    for lesson in course.lessons.values():
        for other in (*lesson.prerequisites, *(related.id for related in lesson.related)):
            assert other in course.lessons and other != lesson.id, (lesson.id, other)


def test_prerequisite_graph_is_acyclic_by_depth_first_search(course):
    graph = {lesson.id: list(lesson.prerequisites) for lesson in course.lessons.values()}

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return seen

    for lesson_id in graph:
        assert lesson_id not in reachable(lesson_id), f"{lesson_id} is its own (indirect) prerequisite"
    order = course.topological_order()
    assert sorted(order) == sorted(graph)
    for lesson_id, prereqs in graph.items():
        assert all(order.index(p) < order.index(lesson_id) for p in prereqs)
