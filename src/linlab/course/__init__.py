"""The course as data: lesson loading and validation, exercises, answer parsing and grading.

The lessons live in ``content/lessons/<id>/`` (``lesson.en.md``, ``lesson.ru.md``, ``exercises.py``;
the format is ``docs/course-format.md``).  :func:`load_course` reads them all, validates them and renders
the Markdown to HTML with MathML; anything wrong raises one :class:`CourseError` listing every problem
as ``file:line: message``.

>>> from linlab.course import load_course
>>> course = load_course()                                        # doctest: +SKIP
>>> lesson = course.lessons["la-05-linear-maps"]                  # doctest: +SKIP
>>> lesson.title["en"], lesson.prerequisites                      # doctest: +SKIP
('Linear maps', ('la-04-matrices',))
>>> [s.id for s in lesson.sections["ru"]][:2]                     # doctest: +SKIP
['definition', 'formula']
>>> lesson.checks[0].check("no", "en").correct                    # doctest: +SKIP
True
>>> lesson.exercises[0].generate(seed=7).prompt("en")             # doctest: +SKIP
'...'

Public API
----------
load_course(path=None, *, cache=True) -> Course
    The course; cached per folder until a file changes (``load_course.cache_clear()``).
course_root(path=None) -> Path
    Where :func:`load_course` looks: ``path``, ``$LINLAB_CONTENT``, or the checkout's ``content/lessons``.
Course, Lesson, Section, CheckQuestion, ReflectionQuestion, RelatedLesson, RelatedTopic
    The loaded data (immutable; HTML per language).
CourseError, MathError, Problem
    Errors (``LinlabError`` and ``ValueError`` subclasses) and the problem records they carry.
render(text, *, inline=False), fill_placeholders(html, fill), to_mathml(latex, *, display=False)
    Markdown/LaTeX rendering as the loader does it, for generated text such as exercise prompts.
Exercise, Variant, Result
    The exercise engine (:mod:`linlab.course.exercises`), imported on first use.

Submodules: :mod:`~linlab.course.answers` (answer keys), :mod:`~linlab.course.parse` (what learners
type), :mod:`~linlab.course.randmat` (exact random matrices), :mod:`~linlab.course.latex`.
"""

from __future__ import annotations

from typing import Any

from .loader import course_root, load_course
from .markup import fill_placeholders, render
from .mathml import MathError, to_mathml
from .model import (
    LANGUAGES,
    CheckQuestion,
    Course,
    CourseError,
    Lesson,
    Problem,
    ReflectionQuestion,
    RelatedLesson,
    RelatedTopic,
    Section,
)

__all__ = [
    "load_course",
    "course_root",
    "Course",
    "Lesson",
    "Section",
    "CheckQuestion",
    "ReflectionQuestion",
    "RelatedLesson",
    "RelatedTopic",
    "CourseError",
    "MathError",
    "Problem",
    "LANGUAGES",
    "render",
    "fill_placeholders",
    "to_mathml",
    "Exercise",
    "Variant",
    "Result",
]

_FROM_EXERCISES = ("Exercise", "Variant", "Result")


def __getattr__(name: str) -> Any:
    # The exercise engine is imported lazily so that loading lesson text never depends on it.
    if name in _FROM_EXERCISES:
        from . import exercises

        return getattr(exercises, name)
    raise AttributeError(f"module 'linlab.course' has no attribute {name!r}")
