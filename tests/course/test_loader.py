"""The course loader on fixture courses: a valid course, and one broken copy per validation rule."""

import os
import shutil
import sys
from pathlib import Path

import pytest

from linlab.course import answers, load_course
from linlab.course.exercises import Exercise
from linlab.course.loader import ANSWER_TYPES, course_root
from linlab.course.markup import fill_placeholders
from linlab.course.model import Course, CourseError, Lesson
from linlab.errors import LinlabError

VALID = Path(__file__).parent / "fixtures" / "valid"
IDS = ["tt-01-vectors", "tt-02-maps", "tt-03-composition"]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(VALID, cache=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of the valid course, to break."""
    shutil.copytree(VALID, tmp_path / "lessons", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "lessons"


def edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_both(root: Path, lesson: str, old: str, new: str) -> None:
    for lang in ("en", "ru"):
        edit(root / lesson / f"lesson.{lang}.md", old, new)


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (found independently of the loader)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def problems(root: Path) -> CourseError:
    with pytest.raises(CourseError) as info:
        load_course(root, cache=False)
    return info.value


def assert_problem(error: CourseError, message: str, path: Path | None = None, line: int | None = None) -> None:
    matches = [p for p in error.problems if message in p.message]
    assert matches, f"no problem containing {message!r} in:\n{error}"
    if path is not None:
        assert any(p.path == path for p in matches), f"{message!r} not reported for {path}:\n{error}"
    if line is not None:
        assert any(p.line == line for p in matches), f"{message!r} not reported at line {line}:\n{error}"
    assert message in str(error)


# ---------------------------------------------------------------------------------------- valid course


def test_lessons_are_ordered_by_order(course):
    assert list(course.lessons) == IDS
    assert [lesson.order for lesson in course.lessons.values()] == [1, 2, 3]
    assert all(isinstance(lesson, Lesson) for lesson in course.lessons.values())


def test_front_matter_per_language(course):
    lesson = course.lessons["tt-01-vectors"]
    assert lesson.title == {"en": "Vectors", "ru": "Векторы"}
    assert lesson.category == {"en": "Algebra", "ru": "Алгебра"}
    assert lesson.lab == "linear-map" and course.lessons["tt-02-maps"].lab is None
    assert lesson.source_path == VALID.resolve() / "tt-01-vectors"
    assert [r.id for r in lesson.related] == ["tt-02-maps"]
    assert lesson.related[0].why["ru"] == "Линейное отображение переводит векторы в векторы."
    (topic,) = lesson.related_topics
    assert topic.topic["en"] == "Arrays in NumPy" and "<code>(n,)</code>" in topic.why["en"]
    assert len(lesson.ml_applications["en"]) == len(lesson.ml_applications["ru"]) == 2
    assert "<math" in lesson.ml_applications["en"][0] and "<p>" not in lesson.ml_applications["en"][0]
    assert len(lesson.key_ideas["ru"]) == 3 and "<math" in lesson.key_ideas["ru"][0]


def test_graph_and_topological_order(course):
    assert course.graph == {
        "tt-01-vectors": (),
        "tt-02-maps": ("tt-01-vectors",),
        "tt-03-composition": ("tt-02-maps", "tt-01-vectors"),
    }
    order = course.topological_order()
    assert sorted(order) == sorted(IDS)
    for lesson_id, prereqs in course.graph.items():
        assert all(order.index(p) < order.index(lesson_id) for p in prereqs)


def test_sections_in_both_languages_with_math_and_placeholders(course):
    lesson = course.lessons["tt-01-vectors"]
    for lang in ("en", "ru"):
        sections = lesson.sections[lang]
        assert [s.id for s in sections] == ["definition", "formula", "example", "ml", "reflection"]
        assert all("<math" in s.html for s in sections[:3])
        assert '<div class="check" data-question-id="dim-of-vector"></div>' in sections[0].html
        assert "<table>" in sections[1].html
        assert 'display="block"' in sections[2].html
        assert "$0" in sections[3].html and "<code>x = emb[token]</code>" in sections[3].html
        assert sections[4].html.count('<div class="reflect"') == 3
    assert lesson.sections["en"][1].title == "Sum and scaling"
    assert lesson.sections["ru"][1].title == "Сумма и умножение на число"


def test_check_questions(course):
    lesson = course.lessons["tt-01-vectors"]
    assert [(c.id, c.type, c.section) for c in lesson.checks] == [
        ("dim-of-vector", "integer", "definition"),
        ("add-vectors", "vector", "example"),
        ("is-it-linear", "yesno", "ml"),
    ]
    first = lesson.checks[0]
    assert isinstance(first.answer, answers.Integer) and first.answer_text == "3"
    assert first.check("3").correct and not first.check("4").correct and not first.check("three").correct
    assert lesson.checks[2].check("да", "ru").correct
    assert "<math" in first.question["en"] and "<strong>трёх</strong>" in first.explain["ru"]
    assert lesson.check_question("add-vectors").check("(4, 6)").correct
    with pytest.raises(KeyError, match="no check question 'nope'"):
        lesson.check_question("nope")


def test_reflections(course):
    lesson = course.lessons["tt-02-maps"]
    assert [r.id for r in lesson.reflections] == ["why-lists", "why-add", "why-scale"]
    assert "<math" in lesson.reflections[0].answer["ru"]
    assert lesson.reflection("why-scale").question["en"].startswith("<p>What does scaling")


def test_placeholders_can_be_filled(course):
    lesson = course.lessons["tt-01-vectors"]
    html = fill_placeholders(lesson.sections["en"][0].html, lambda kind, qid: lesson.check_question(qid).question["en"])
    assert "data-question-id" not in html and "How many entries" in html


def test_exercises_loaded_in_definition_order_with_lesson_id(course):
    for lesson_id, lesson in course.lessons.items():
        assert [e.id for e in lesson.exercises] == ["add-one", "double", "negate"]
        assert all(isinstance(e, Exercise) and e.lesson_id == lesson_id for e in lesson.exercises)
    variant = course.lessons["tt-01-vectors"].exercise("double").generate(seed=3)
    assert variant.check(variant.expected).correct
    assert sys.modules["linlab_content.tt_01_vectors"].double is course.lessons["tt-01-vectors"].exercises[1]


def test_content_version_tracks_bytes_not_mtimes(root):
    first = load_course(root, cache=False).content_version
    os.utime(root / "tt-01-vectors" / "lesson.en.md", ns=(1, 1))
    assert load_course(root, cache=False).content_version == first
    edit(root / "tt-01-vectors" / "lesson.en.md", "A **vector**", "A *vector*")
    assert load_course(root, cache=False).content_version != first


def test_cache_reuses_until_a_file_changes(root):
    first = load_course(root)
    assert load_course(root) is first
    assert load_course(root, cache=False) is not first
    edit(root / "tt-02-maps" / "lesson.en.md", "title: Linear maps", "title: Maps")
    second = load_course(root)
    assert second is not first and second.lessons["tt-02-maps"].title["en"] == "Maps"
    load_course.cache_clear()
    assert load_course(root) is not second


def test_course_root_resolution(root, monkeypatch):
    assert course_root(root) == root.resolve()
    assert course_root(root.parent) == root.resolve()  # a folder holding `lessons/`
    monkeypatch.setenv("LINLAB_CONTENT", str(root))
    assert course_root() == root.resolve()
    monkeypatch.delenv("LINLAB_CONTENT")
    checkout = Path(__file__).resolve().parents[2] / "content" / "lessons"
    assert course_root() == checkout.resolve()


def test_missing_folder_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLAB_CONTENT", str(tmp_path / "nowhere"))
    with pytest.raises(CourseError, match="nowhere.*LINLAB_CONTENT"):
        load_course()


def test_empty_folder(tmp_path):
    with pytest.raises(CourseError, match="no lesson folders"):
        load_course(tmp_path)


def test_course_error_is_linlab_and_value_error(root):
    (root / "tt-02-maps" / "lesson.ru.md").unlink()
    error = problems(root)
    assert isinstance(error, LinlabError) and isinstance(error, ValueError)


def test_answer_types_match_the_answer_engine():
    assert ANSWER_TYPES == answers.ANSWER_TYPES


# ------------------------------------------------------------------------------------- broken courses


def test_id_must_equal_folder(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "id: tt-02-maps", "id: tt-02-map")
    error = problems(root)
    assert_problem(error, "id 'tt-02-map' must equal the folder name 'tt-02-maps'", path, 2)
    assert_problem(error, "ru has id 'tt-02-maps' but en has 'tt-02-map'")


def test_folder_name_must_look_like_an_id(root):
    shutil.copytree(root / "tt-02-maps", root / "Maps")
    assert_problem(problems(root), "folder name 'Maps' is not a lesson id")


def test_unknown_prerequisite(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit_both(root, "tt-02-maps", "prerequisites: [tt-01-vectors]", "prerequisites: [tt-09-nothing]")
    line = line_of(path, "prerequisites")
    assert_problem(problems(root), "prerequisites: unknown lesson id 'tt-09-nothing'", path, line)


def test_unknown_related(root):
    path = root / "tt-01-vectors" / "lesson.en.md"
    edit_both(root, "tt-01-vectors", "  - id: tt-02-maps", "  - id: tt-04-gone")
    assert_problem(problems(root), "related: unknown lesson id 'tt-04-gone'", path, line_of(path, "tt-04-gone"))


def test_self_prerequisite(root):
    edit_both(root, "tt-02-maps", "prerequisites: [tt-01-vectors]", "prerequisites: [tt-02-maps]")
    assert_problem(problems(root), "prerequisites: the lesson lists itself")


def _reaches(graph: dict[str, list[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, []))
    return False


def test_prerequisite_cycle_is_named(root):
    edit_both(root, "tt-01-vectors", "prerequisites: []", "prerequisites: [tt-03-composition]")
    error = problems(root)
    cycles = [p.message for p in error.problems if p.message.startswith("prerequisite cycle: ")]
    assert cycles, str(error)
    graph = {"tt-01-vectors": ["tt-03-composition"], "tt-02-maps": ["tt-01-vectors"],
             "tt-03-composition": ["tt-02-maps", "tt-01-vectors"]}
    for message in cycles:
        nodes = message.removeprefix("prerequisite cycle: ").split(" → ")
        assert nodes[0] == nodes[-1] and len(nodes) >= 3
        assert all(b in graph[a] for a, b in zip(nodes, nodes[1:]))  # every arrow is a real prerequisite
        assert all(_reaches(graph, node, node) for node in nodes)


def test_missing_language_file(root):
    (root / "tt-02-maps" / "lesson.ru.md").unlink()
    assert_problem(problems(root), "missing lesson.ru.md", root / "tt-02-maps" / "lesson.ru.md")


def test_unknown_language_file(root):
    shutil.copy(root / "tt-02-maps" / "lesson.en.md", root / "tt-02-maps" / "lesson.de.md")
    assert_problem(problems(root), "unknown language 'de'")


def test_missing_exercises_file(root):
    (root / "tt-03-composition" / "exercises.py").unlink()
    assert_problem(problems(root), "missing exercises.py", root / "tt-03-composition" / "exercises.py")


def test_missing_anatomy_section(root):
    edit_both(root, "tt-02-maps", "{#formula}", "{#formulas}")
    assert_problem(problems(root), "missing section ['formula']", root / "tt-02-maps" / "lesson.en.md")


def test_anatomy_sections_out_of_order(root):
    edit_both(root, "tt-02-maps", "{#definition}", "{#swap}")
    edit_both(root, "tt-02-maps", "{#formula}", "{#definition}")
    edit_both(root, "tt-02-maps", "{#swap}", "{#formula}")
    assert_problem(problems(root), "must come in this order")


def test_section_ids_differ_between_languages(root):
    extra = "## Ещё {#extra}\n\nТекст.\n\n## Пример {#example}"
    edit(root / "tt-02-maps" / "lesson.ru.md", "## Пример {#example}", extra)
    assert_problem(problems(root), "section ids differ: ru has ['definition', 'formula', 'extra',")


def test_section_heading_without_id(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "## An example {#example}", "## An example")
    assert_problem(problems(root), "has no id", path, line_of(path, "## An example"))


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("category: Algebra\n", "", "front matter: missing key 'category'"),
        ("order: 2\n", "order: 2\ncolour: red\n", "front matter: unknown key 'colour'"),
        ("order: 2", "order: two", "'order' must be an integer, got str 'two'"),
        ("order: 2", "order: true", "'order' must be an integer, got bool True"),
        ("title: Linear maps", "title: ''", "'title' must be non-empty text"),
        ("title: Linear maps", "lab: cooking\ntitle: Linear maps", "'lab' must be one of"),
        ("prerequisites: [tt-01-vectors]", "prerequisites: tt-01-vectors", "'prerequisites' must be a list of texts"),
        ("  - id: tt-01-vectors\n", "  - id: tt-01-vectors\n    when: now\n", "related[0] must be {id: text, why: text}"),
        ("order: 2\n", "order: 2\norder: 2\n", "front matter: duplicate key 'order'"),
        ("title: Linear maps", "title: [unclosed", "YAML error"),
    ],
)
def test_front_matter_errors(root, old, new, message):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, old, new)
    error = problems(root)
    assert_problem(error, message, path)
    assert all(p.line is not None for p in error.problems if message in p.message)


def test_yaml_error_line_number(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "category: Algebra", "category: [Algebra")
    line = line_of(path, "category: [Algebra")
    error = problems(root)
    assert_problem(error, "YAML error", path)
    assert any(p.line is not None and line <= p.line <= line + 2 for p in error.problems if "YAML" in p.message)


def test_front_matter_must_open_and_close(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "---\n", "", count=2)
    assert_problem(problems(root), "must start with a '---' line", path, 1)


@pytest.mark.parametrize(
    "key, old, new, message",
    [
        ("order", "order: 2", "order: 7", "ru has order 7 but en has 2"),
        ("lab", "title: Линейные отображения", "title: Линейные отображения\nlab: svd", "ru has lab 'svd' but en has None"),
        ("prerequisites", "prerequisites: [tt-01-vectors]", "prerequisites: []", "ru has prerequisites () but en has ('tt-01-vectors',)"),
        ("related", "  - id: tt-01-vectors", "  - id: tt-03-composition", "ru has the ids of related ('tt-03-composition',)"),
        ("key_ideas", "  - Векторы складываются покоординатно.\n", "", "ru has 2 key_ideas but en has 3"),
        ("ml_applications", "ml_applications:\n", "ml_applications:\n  - Ещё один.\n", "ru has 3 ml_applications but en has 2"),
    ],
)
def test_languages_must_agree(root, key, old, new, message):
    path = root / "tt-02-maps" / "lesson.ru.md"
    edit(path, old, new)
    assert_problem(problems(root), message, path, line_of(path, f"{key}:"))


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("ml_applications:\n", "ml_applications:\n  - A.\n  - B.\n  - C.\n", "at most"),
        ("key_ideas:\n", "key_ideas:\n  - A.\n  - B.\n  - C.\n", "key ideas"),
    ],
)
def test_list_counts_upper_bounds(root, old, new, message):
    edit(root / "tt-02-maps" / "lesson.en.md", old, new)
    edit(root / "tt-02-maps" / "lesson.ru.md", old, new)
    error = problems(root)
    assert any("a lesson needs" in p.message for p in error.problems), str(error)


def test_ml_applications_too_few(root):
    for lang in ("en", "ru"):
        path = root / "tt-02-maps" / f"lesson.{lang}.md"
        text = path.read_text(encoding="utf-8").splitlines(keepends=True)
        index = next(i for i, line in enumerate(text) if line.startswith("ml_applications:"))
        del text[index + 2]
        path.write_text("".join(text), encoding="utf-8")
    assert_problem(problems(root), "a lesson needs 2 to 4 ml applications, this one has 1")


def test_key_ideas_too_many(root):
    extra = "key_ideas:\n  - One.\n  - Two.\n  - Three.\n"
    edit(root / "tt-02-maps" / "lesson.en.md", "key_ideas:\n", extra)
    edit(root / "tt-02-maps" / "lesson.ru.md", "key_ideas:\n", extra)
    assert_problem(problems(root), "a lesson needs 3 to 5 key ideas, this one has 6")


def _drop_block(path: Path, question_id: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"id: {question_id}\n")
    start = text.rindex("```", 0, start)
    end = text.index("```", text.index("\n", start) + 1) + 4
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def test_too_few_checks(root):
    for lang in ("en", "ru"):
        _drop_block(root / "tt-02-maps" / f"lesson.{lang}.md", "add-vectors")
        _drop_block(root / "tt-02-maps" / f"lesson.{lang}.md", "is-it-linear")
    assert_problem(problems(root), "a lesson needs at least 2 checks, this one has 1")


def test_too_few_reflections(root):
    for lang in ("en", "ru"):
        _drop_block(root / "tt-02-maps" / f"lesson.{lang}.md", "why-add")
    assert_problem(problems(root), "a lesson needs at least 3 reflections, this one has 2")


def test_too_few_exercises(root):
    path = root / "tt-02-maps" / "exercises.py"
    edit(path, '@exercise("negate", answer_type="integer")\n', "")
    assert_problem(problems(root), "a lesson needs at least 3 exercises, this one has 2", path)


def test_duplicate_exercise_ids(root):
    path = root / "tt-02-maps" / "exercises.py"
    edit(path, '@exercise("negate"', '@exercise("double"')
    assert_problem(problems(root), "duplicate exercise id 'double'", path)


def test_exercises_module_that_fails_to_import(root):
    path = root / "tt-02-maps" / "exercises.py"
    edit(path, "import random\n", "import random\n\n1 / 0\n")
    assert_problem(problems(root), "exercises.py fails to import: ZeroDivisionError", path, line_of(path, "1 / 0"))


def test_exercises_module_with_syntax_error(root):
    path = root / "tt-02-maps" / "exercises.py"
    edit(path, "import random\n", "import random\ndef (:\n")
    assert_problem(problems(root), "exercises.py fails to import: SyntaxError", path, line_of(path, "def (:"))


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("explain: Add entry by entry.\n", "", "check 'add-vectors': missing 'explain'"),
        ('answer: "[4, 6]"\n', "", "check 'add-vectors': missing 'answer'"),
        ("type: vector", "type: tensor", "'type' must be one of"),
        ("type: vector", "type: vector\nhint: none", "check 'add-vectors': unknown key 'hint'"),
        ('answer: "[4, 6]"', 'answer: "[4, six]"', "check 'add-vectors': the answer '[4, six]' does not parse as vector"),
        ("type: vector", "type: vector\nchoices: [a, b]", "'choices' is required for type choice and allowed only there"),
        ("type: vector", "type: vector\nvariables: [x]", "'variables' is a list of names"),
        ('id: add-vectors', "id: Add Vectors", "'id' must look like"),
        ("question: Compute", "question: [Compute", "check block: YAML error"),
    ],
)
def test_check_question_errors(root, old, new, message):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, old, new)
    assert_problem(problems(root), message, path)


def test_choice_answer_out_of_range(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, 'type: yesno\nquestion: Is $x \\mapsto 2x$ linear?\nanswer: "yes"',
         'type: choice\nquestion: Is $x \\mapsto 2x$ linear?\nchoices: ["yes", "no"]\nanswer: "7"')
    error = problems(root)
    message = "a choice answer is the number of the right choice, 1 to 2; got '7'"
    assert_problem(error, message, path, line_of(path, 'answer: "7"'))
    assert len(error.problems) == 1


def test_answer_key_must_grade_its_own_answer(root, monkeypatch):
    class Stubborn:
        expected = "3"

        def check(self, text, lang="en"):
            return answers.Result(False, 0.0, "never right")

    real = answers.from_inline
    monkeypatch.setattr(
        answers, "from_inline", lambda type, answer, **kw: Stubborn() if answer == "3" else real(type, answer, **kw)
    )
    path = root / "tt-02-maps" / "lesson.en.md"
    assert_problem(problems(root), "the answer key does not grade its own answer '3' as right (en: never right)", path,
                   line_of(path, 'answer: "3"'))


def test_yaml_unquoted_answers_are_read_as_typed(root):
    edit_both(root, "tt-02-maps", 'answer: "yes"', "answer: yes")
    edit_both(root, "tt-02-maps", 'answer: "[4, 6]"', "answer: [4, 6]")
    edit_both(root, "tt-02-maps", 'answer: "3"', "answer: 3")
    lesson = load_course(root, cache=False).lessons["tt-02-maps"]
    assert [c.answer_text for c in lesson.checks] == ["3", "[4, 6]", "yes"]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('answer: "3"', 'answer: "4"', "check 'dim-of-vector': ru has answer '4' but en has '3'"),
        ("type: integer", "type: number", "check 'dim-of-vector': ru has type 'number' but en has 'integer'"),
        ("id: dim-of-vector", "id: dim-vector", "check question ids differ: ru has ['dim-vector',"),
    ],
)
def test_check_questions_must_agree_between_languages(root, old, new, message):
    path = root / "tt-02-maps" / "lesson.ru.md"
    edit(path, old, new)
    assert_problem(problems(root), message, path)


def test_duplicate_question_ids(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "id: add-vectors", "id: dim-of-vector")
    lines = path.read_text(encoding="utf-8").splitlines()
    second = [n for n, line in enumerate(lines, start=1) if line == "id: dim-of-vector"][1]
    assert_problem(problems(root), "duplicate question id 'dim-of-vector'", path, second)


def test_reflection_outside_reflection_section(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "## Reflection {#reflection}\n", "")
    edit(path, "## In a neural network {#ml}", "## Reflection {#reflection}\n\n## In a neural network {#ml}")
    assert_problem(problems(root), "reflect 'why-lists' must be inside the 'reflection' section, not 'ml'", path)


def test_reflection_needs_an_answer(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "answer: The zero vector $0$.\n", "")
    assert_problem(problems(root), "reflect 'why-scale': missing 'answer'", path)


def test_math_that_does_not_convert(root):
    path = root / "tt-02-maps" / "lesson.ru.md"
    edit(path, "(x + y)_i = x_i + y_i", "(x + y)_i = \\foo{x_i} + y_i")
    error = problems(root)
    message = "unknown command \\foo in formula $(x + y)_i = \\foo{x_i} + y_i$"
    assert_problem(error, message, path, line_of(path, "\\foo"))


def test_math_errors_in_front_matter_and_questions(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "is a list of $n$ numbers", "is a list of $n numbers")
    edit(path, "vector in $\\mathbb{R}^3$?", "vector in $\\mathbb{R}^{3$?")
    error = problems(root)
    assert_problem(error, "neither opens nor closes", path, line_of(path, "$n numbers"))
    assert_problem(error, "never closed", path, line_of(path, "How many entries"))


def test_script_in_a_lesson_is_escaped(root):
    edit(root / "tt-02-maps" / "lesson.en.md", "A **vector**", "<script>alert(1)</script> A **vector**")
    lesson = load_course(root, cache=False).lessons["tt-02-maps"]
    html = lesson.sections["en"][0].html
    assert "<script" not in html and "&lt;script&gt;" in html


def test_all_problems_of_the_course_are_reported_at_once(root):
    (root / "tt-01-vectors" / "lesson.ru.md").unlink()
    edit(root / "tt-03-composition" / "lesson.en.md", "order: 3", "order: three")
    edit(root / "tt-02-maps" / "lesson.en.md", "$x \\in \\mathbb{R}^n$", "$x \\in \\mathbb{Q}^n\\bogus$")
    error = problems(root)
    paths = {p.path for p in error.problems}
    assert {root / "tt-01-vectors" / "lesson.ru.md", root / "tt-03-composition" / "lesson.en.md",
            root / "tt-02-maps" / "lesson.en.md"} <= paths
    assert str(error).startswith(f"the course in {root} has {len(error.problems)} problems:")
    assert "tt-03-composition/lesson.en.md:" in str(error)


def test_duplicate_order(root):
    edit_both(root, "tt-03-composition", "order: 3", "order: 2")
    assert_problem(problems(root), "order 2 is also the order of tt-02-maps")


def test_topological_order_refuses_a_cycle(course):
    lessons = dict(course.lessons)
    first = lessons["tt-01-vectors"]
    lessons["tt-01-vectors"] = Lesson(**{**first.__dict__, "prerequisites": ("tt-03-composition",)})
    with pytest.raises(CourseError, match="cycle"):
        Course(course.root, lessons, course.content_version).topological_order()


# ------------------------------------------------------------------------------ `linlab course check`


def _cli():
    import typer

    from linlab.commands import course as course_command

    app = typer.Typer()
    app.callback()(lambda: None)
    course_command.register(app)
    return app


def test_course_check_command_on_a_valid_course():
    from typer.testing import CliRunner

    result = CliRunner().invoke(_cli(), ["course", "check", str(VALID), "--seeds", "2"])
    assert result.exit_code == 0, result.output
    assert "tt-02-maps: 5 sections, 3 checks, 3 reflections, 3 exercises" in result.output
    assert "ok: 3 lessons" in result.output


def test_course_check_command_reports_a_failing_generator(root):
    from typer.testing import CliRunner

    edit(root / "tt-03-composition" / "exercises.py", "return Variant(\n        prompt={\"en\": f\"What is $-(",
         "n = n // 0\n    return Variant(\n        prompt={\"en\": f\"What is $-(")
    result = CliRunner().invoke(_cli(), ["course", "check", str(root)])
    assert isinstance(result.exception, CourseError)
    assert "exercise 'negate', seed 0: ZeroDivisionError" in str(result.exception)


def test_a_broken_course_is_cached_too_until_fixed(root):
    path = root / "tt-02-maps" / "lesson.en.md"
    edit(path, "order: 2", "order: two")
    with pytest.raises(CourseError) as first:
        load_course(root)
    with pytest.raises(CourseError) as second:
        load_course(root)
    assert second.value is first.value
    edit(path, "order: two", "order: 2")
    assert list(load_course(root).lessons) == IDS


def test_lesson_file_that_is_not_utf8(root):
    path = root / "tt-02-maps" / "lesson.ru.md"
    path.write_bytes("---\ntitle: Векторы\n".encode("cp1251"))
    assert_problem(problems(root), "not UTF-8 text", path)
