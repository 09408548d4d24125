"""Read ``content/lessons/<id>/`` folders into a validated :class:`~linlab.course.model.Course`.

The loader collects every problem of the course (each with file and line where it can) and raises one
:class:`CourseError` listing them all, so an author sees everything wrong in one run.  Loaded courses
are cached per folder and invalidated when any file's mtime or size changes.

The work is split by what is checked: :mod:`~linlab.course.lessonfile` reads one ``lesson.<lang>.md``
(:mod:`~linlab.course.frontmatter`, :mod:`~linlab.course.markup`, :mod:`~linlab.course.questions`),
:mod:`~linlab.course.lesson` compares the languages of a lesson and builds it, and
:mod:`~linlab.course.graph` checks the links between lessons.  This module finds the course, imports
each lesson's ``exercises.py``, runs those steps over every folder, and caches the result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from .graph import check_links
from .lesson import COUNTS, LESSON_ID, LessonBuilder
from .markup import Report
from .model import Course, CourseError, Problem, Problems
from .questions import ANSWER_TYPES

# ANSWER_TYPES, LESSON_ID and COUNTS live with the checks that use them and stay importable from here.
__all__ = ["load_course", "course_root", "ANSWER_TYPES", "LESSON_ID", "COUNTS"]



# ------------------------------------------------------------------------------------------- exercises


def _load_exercises(path: Path, lesson_id: str, report: Report) -> tuple[Any, ...] | None:
    """Import ``exercises.py`` as ``linlab_content.<id>`` and collect its ``Exercise`` objects in order.

    ``None`` (after reporting why) when the module cannot be imported.
    """
    try:
        from .exercises import Exercise
    except Exception as err:  # noqa: BLE001  the exercise engine itself is missing or broken
        report(None, f"cannot import linlab.course.exercises ({type(err).__name__}: {err})")
        return None
    name = "linlab_content." + lesson_id.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickle look the module up while and after it runs
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # noqa: BLE001  any error in an author's module is a problem to report
        sys.modules.pop(name, None)
        line = err.lineno if isinstance(err, SyntaxError) else None
        for frame in traceback.extract_tb(err.__traceback__):
            if Path(frame.filename) == path:
                line = frame.lineno
        report(line, f"exercises.py fails to import: {type(err).__name__}: {err}")
        return None
    found: list[Any] = []
    for value in vars(module).values():  # definition order
        if isinstance(value, Exercise) and not any(value is other for other in found):
            found.append(value)
    seen: set[str] = set()
    for item in found:
        if item.id in seen:
            report(None, f"duplicate exercise id {item.id!r}")
        seen.add(item.id)
        try:
            item.lesson_id = lesson_id
        except (AttributeError, dataclasses.FrozenInstanceError):
            object.__setattr__(item, "lesson_id", lesson_id)
    return tuple(found)


# -------------------------------------------------------------------------------------- the whole course


def _files(root: Path) -> list[Path]:
    """Every content file under ``root`` (no dot-files, no ``__pycache__``), sorted."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found.extend(Path(folder, name) for name in sorted(files) if not name.startswith("."))
    return found


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    stats = []
    for path in _files(root):
        stat = path.stat()
        stats.append((str(path.relative_to(root)), stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


def _content_version(root: Path) -> str:
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(str(path.relative_to(root).as_posix()).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _load(root: Path) -> Course:
    problems = Problems()
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not folders:
        raise CourseError(f"no lesson folders in {root}", problems=[Problem(root, None, "no lesson folders")])
    builders, lessons = [], []
    for folder in folders:
        start = len(problems.items)
        builder = LessonBuilder(folder, problems)
        builder.read()
        builder.compare()
        builder.structure()
        exercises_path = folder / "exercises.py"
        exercises: tuple[Any, ...] | None = None
        if exercises_path.is_file():
            exercises = _load_exercises(exercises_path, folder.name, problems.at(exercises_path))
        else:
            problems.add(exercises_path, None, "missing exercises.py")
        builder.counts(exercises, exercises_path)
        keys = builder.answer_keys()
        builders.append(builder)
        if len(problems.items) == start:
            lessons.append(builder.build(exercises or (), keys))
    docs = {builder.folder.name: builder.base for builder in builders if builder.base is not None}
    check_links(docs, known={builder.folder.name for builder in builders}, problems=problems)
    if problems.items:
        ordered = sorted(problems.items, key=lambda p: (str(p.path or ""), p.line or 0))
        raise CourseError.from_problems(ordered, root=root)
    lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    return Course(root=root, lessons={lesson.id: lesson for lesson in lessons}, content_version=_content_version(root))


# --------------------------------------------------------------------------------------- public entry


def course_root(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the lesson folders.

    ``path`` if given, else ``$LINLAB_CONTENT``, else the checkout's ``content/lessons`` (found relative
    to this package), else the copy of it an installed wheel carries (``linlab/_content/lessons``; in a
    checkout ``src/linlab/_content`` is a link to ``content/``, so there is one source).  A folder that
    has a ``lessons`` subfolder (``content/``) means that subfolder.

    Raises
    ------
    CourseError
        If the folder does not exist (for example, a path or ``$LINLAB_CONTENT`` naming no folder).
    """
    if path is not None:
        root, origin = Path(path), "the path given"
    elif os.environ.get("LINLAB_CONTENT"):
        root, origin = Path(os.environ["LINLAB_CONTENT"]), "$LINLAB_CONTENT"
    else:
        root, origin = Path(__file__).resolve().parents[3] / "content" / "lessons", "the checkout's content/lessons"
        if not root.is_dir():
            root, origin = Path(__file__).resolve().parents[1] / "_content" / "lessons", "the installed package's lessons"
    if (root / "lessons").is_dir():
        root = root / "lessons"
    if not root.is_dir():
        raise CourseError(
            f"no course found: {root} ({origin}) is not a folder; pass load_course(path) or set "
            "LINLAB_CONTENT to the content/lessons folder of a linlab checkout"
        )
    return root.resolve()


_CACHE: dict[Path, tuple[tuple[tuple[str, int, int], ...], Course | CourseError]] = {}
_LOCK = threading.Lock()


def load_course(path: str | os.PathLike[str] | None = None, *, cache: bool = True) -> Course:
    """Load, validate and render the course.

    Parameters
    ----------
    path : str or PathLike, optional
        The folder of lesson folders (or the ``content`` folder above it).  Default: ``$LINLAB_CONTENT``,
        else the checkout's ``content/lessons``.
    cache : bool, keyword-only
        Reuse the course (or the error) of the last load of the same folder if no file in it changed
        (same names, mtimes and sizes).  ``load_course.cache_clear()`` empties the cache.

    Returns
    -------
    Course
        Lessons ordered by ``order``, each with both languages rendered to HTML with MathML.

    Raises
    ------
    CourseError
        Listing every problem found, each as ``file:line: what is wrong``; ``err.problems`` has them
        as :class:`~linlab.course.model.Problem` records.
    """
    root = course_root(path)
    signature = _signature(root)
    with _LOCK:
        hit = _CACHE.get(root) if cache else None
        if hit is None or hit[0] != signature:
            try:
                result: Course | CourseError = _load(root)
            except CourseError as err:
                result = err
            hit = _CACHE[root] = (signature, result)
    if isinstance(hit[1], CourseError):
        raise hit[1].with_traceback(None)  # the same error again, without piling up tracebacks
    return hit[1]


def _cache_clear() -> None:
    with _LOCK:
        _CACHE.clear()


load_course.cache_clear = _cache_clear  # type: ignore[attr-defined]
