"""The course as loaded data: immutable records for lessons, sections and questions, and `CourseError`.

Everything a reader sees is stored as HTML already rendered from the lesson Markdown (math as MathML),
per language: ``lesson.sections["ru"]``, ``check.question["en"]``.  Plain-text fields (``Lesson.title``,
``Lesson.category``) are *not* HTML and must be escaped by whoever puts them into a page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LinlabError
from .graph import topological_order

__all__ = [
    "LANGUAGES",
    "LABS",
    "REQUIRED_SECTIONS",
    "Problem",
    "Problems",
    "CourseError",
    "Section",
    "CheckQuestion",
    "ReflectionQuestion",
    "RelatedLesson",
    "RelatedTopic",
    "Lesson",
    "Course",
]

LANGUAGES: tuple[str, ...] = ("en", "ru")
"""The languages every lesson is written in, in the order errors and pages list them."""

LABS: tuple[str, ...] = ("linear-map", "svd", "layernorm", "packing")
"""The values the front-matter key ``lab`` may take (the labs the web site implements)."""

REQUIRED_SECTIONS: tuple[str, ...] = ("definition", "formula", "example", "ml", "reflection")
"""The section ids every lesson has, in this relative order."""

PerLanguage = Mapping[str, str]  # language -> text or HTML


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the course: where (file and 1-based line, when known) and what."""

    path: Path | None
    line: int | None
    message: str

    def location(self, root: Path | None = None) -> str:
        """``"la-05-linear-maps/lesson.en.md:12"``: the path relative to ``root`` where possible."""
        if self.path is None:
            return ""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                pass
        return f"{shown}:{self.line}" if self.line is not None else str(shown)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class Problems:
    """Collects the problems of a course load; ``at(path)`` gives a ``(line, message)`` reporter bound to a file."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: Path | None, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line, message))

    def at(self, path: Path) -> Callable[[int | None, str], None]:
        return lambda line, message: self.add(path, line, message)


class CourseError(LinlabError, ValueError):
    """The course content is broken: a lesson file is missing, malformed or inconsistent.

    Attributes
    ----------
    problems : tuple[Problem, ...]
        Every problem found (the loader collects all of a course's problems before raising); empty
        when the error was raised for a single formula or fragment outside a lesson file.
    """

    def __init__(self, message: str, *, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    @classmethod
    def from_problems(cls, problems: Sequence[Problem], *, root: Path) -> CourseError:
        """One error listing ``problems``, locations shown relative to the course folder ``root``."""
        lines = [f"the course in {root} has {len(problems)} problem{'s' if len(problems) != 1 else ''}:"]
        for problem in problems:
            where = problem.location(root)
            lines.append(f"  {where}: {problem.message}" if where else f"  {problem.message}")
        return cls("\n".join(lines), problems=problems)


@dataclass(frozen=True)
class Section:
    """A level-2 section of a lesson body, in one language.

    ``title`` is the heading's Markdown source (without ``{#id}``), ``title_html`` its rendering, and
    ``html`` the rendered body *without* the heading.  Check and reflection questions sit in ``html``
    as placeholders, ``<div class="check" data-question-id="ID"></div>`` and
    ``<div class="reflect" data-question-id="ID"></div>``; see :func:`linlab.course.markup.fill_placeholders`.
    """

    id: str
    title: str
    title_html: str
    html: str


@dataclass(frozen=True)
class CheckQuestion:
    """An inline check question: one answer key, text per language.

    ``answer`` is the answer key built by :func:`linlab.course.answers.from_inline` (it has
    ``check(text, lang)``); ``answer_text`` is the canonical answer as written in the lesson.
    ``choices`` (``type == "choice"`` only) holds the options' HTML per language.
    """

    id: str
    type: str
    answer: Any
    answer_text: str
    question: PerLanguage
    explain: PerLanguage
    section: str
    choices: Mapping[str, tuple[str, ...]] | None = None
    variables: tuple[str, ...] | None = None

    def check(self, text: str, lang: str = "en") -> Any:
        """Grade what a learner typed: ``self.answer.check(text, lang)`` (a ``Result``; never raises)."""
        return self.answer.check(text, lang)


@dataclass(frozen=True)
class ReflectionQuestion:
    """An open question with a worked answer, HTML per language."""

    id: str
    question: PerLanguage
    answer: PerLanguage


@dataclass(frozen=True)
class RelatedLesson:
    """A related lesson: its id and one line (HTML per language) saying why."""

    id: str
    why: PerLanguage


@dataclass(frozen=True)
class RelatedTopic:
    """A topic outside the course (HTML per language) and one line saying why it is related."""

    topic: PerLanguage
    why: PerLanguage


@dataclass(frozen=True)
class Lesson:
    """One lesson, both languages merged.

    ``title`` and ``category`` are plain text per language; ``ml_applications`` and ``key_ideas`` are
    tuples of one-line HTML fragments per language; ``sections[lang]`` is the ordered body.
    ``exercises`` are the module-level :class:`linlab.course.exercises.Exercise` objects of the lesson's
    ``exercises.py`` in definition order, each with ``lesson_id`` set.  ``source_path`` is the folder.
    """

    id: str
    order: int
    title: PerLanguage
    category: PerLanguage
    prerequisites: tuple[str, ...]
    related: tuple[RelatedLesson, ...]
    related_topics: tuple[RelatedTopic, ...]
    ml_applications: Mapping[str, tuple[str, ...]]
    key_ideas: Mapping[str, tuple[str, ...]]
    lab: str | None
    sections: Mapping[str, tuple[Section, ...]]
    checks: tuple[CheckQuestion, ...]
    reflections: tuple[ReflectionQuestion, ...]
    exercises: tuple[Any, ...]
    source_path: Path

    def check_question(self, question_id: str) -> CheckQuestion:
        """The check question with this id (``KeyError`` naming the known ids if there is none)."""
        return _by_id(self.checks, question_id, f"lesson {self.id} has no check question")

    def reflection(self, question_id: str) -> ReflectionQuestion:
        """The reflection question with this id."""
        return _by_id(self.reflections, question_id, f"lesson {self.id} has no reflection question")

    def exercise(self, exercise_id: str) -> Any:
        """The exercise with this id."""
        return _by_id(self.exercises, exercise_id, f"lesson {self.id} has no exercise")


def _by_id(items: Sequence[Any], wanted: str, what: str) -> Any:
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(f"{what} {wanted!r}; it has {[item.id for item in items]}")


@dataclass(frozen=True)
class Course:
    """A loaded, validated course.

    Attributes
    ----------
    root : Path
        The folder holding the lesson folders.
    lessons : Mapping[str, Lesson]
        id -> lesson, ordered by ``Lesson.order``.
    content_version : str
        A hash of every file of every lesson folder: equal versions mean identical content, so it can
        key caches of rendered pages.
    """

    root: Path
    lessons: Mapping[str, Lesson]
    content_version: str
    graph: Mapping[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        graph = {lesson_id: lesson.prerequisites for lesson_id, lesson in self.lessons.items()}
        object.__setattr__(self, "graph", graph)

    def topological_order(self) -> tuple[str, ...]:
        """Lesson ids with every lesson after its prerequisites; among the free ones, lowest ``order`` first.

        Raises
        ------
        CourseError
            If the prerequisite graph has a cycle (a loaded course never has one).
        """
        rank = {lesson_id: lesson.order for lesson_id, lesson in self.lessons.items()}
        ordered = topological_order(self.graph, rank)
        if len(ordered) != len(self.graph):
            stuck = sorted(set(self.graph) - set(ordered))
            raise CourseError(f"the prerequisite graph has a cycle among {stuck}")
        return ordered
