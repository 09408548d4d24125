"""One lesson folder: its language files compared with each other and assembled into a :class:`Lesson`.

:class:`LessonBuilder` reads ``lesson.<lang>.md`` for every language (:mod:`~linlab.course.lessonfile`),
checks what must agree between them, the sections and question placement within each, the number of
questions, exercises and front-matter entries (:data:`COUNTS`), and that every check question's answer
key grades its own answer as right.  Every problem goes to the course's :class:`~linlab.course.model.Problems`;
the :class:`Lesson` is built only from a folder without problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .lessonfile import Doc, read_lesson_file
from .model import (
    LANGUAGES,
    REQUIRED_SECTIONS,
    CheckQuestion,
    Lesson,
    Problems,
    ReflectionQuestion,
    RelatedLesson,
    RelatedTopic,
)

__all__ = ["LessonBuilder", "LESSON_ID", "COUNTS"]

LESSON_ID = re.compile(r"^[a-z]+-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
"""A lesson id / folder name: ``la-05-linear-maps``."""

COUNTS: dict[str, tuple[int, int | None]] = {
    "checks": (2, None), "reflections": (3, None), "exercises": (3, None),
    "ml_applications": (2, 4), "key_ideas": (3, 5),
}
"""``(minimum, maximum)`` number of entries per lesson."""


def _count_problem(what: str, count: int) -> str | None:
    low, high = COUNTS[what]
    if count < low or (high is not None and count > high):
        wanted = f"at least {low}" if high is None else f"{low} to {high}"
        return f"a lesson needs {wanted} {what.replace('_', ' ')}, this one has {count}"
    return None


class LessonBuilder:
    """Cross-checks the language files of one lesson folder and builds the :class:`Lesson`."""

    def __init__(self, folder: Path, problems: Problems) -> None:
        self.folder, self.problems = folder, problems
        self.docs: dict[str, Doc] = {}

    def read(self) -> None:
        folder = self.folder
        if not LESSON_ID.match(folder.name):
            self.problems.add(folder, None, f"folder name {folder.name!r} is not a lesson id like 'la-05-linear-maps'")
        for path in sorted(folder.glob("lesson.*.md")):
            lang = path.name.split(".")[1]
            if lang not in LANGUAGES:
                self.problems.add(path, None, f"unknown language {lang!r}; the languages are {list(LANGUAGES)}")
        for lang in LANGUAGES:
            path = folder / f"lesson.{lang}.md"
            if not path.is_file():
                self.problems.add(path, None, f"missing lesson.{lang}.md: every lesson is written in {list(LANGUAGES)}")
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as err:
                self.problems.add(path, None, f"not UTF-8 text ({err.reason} at byte {err.start})")
                continue
            self.docs[lang] = read_lesson_file(path, lang, text, self.problems.at(path))

    @property
    def base(self) -> Doc | None:
        return next(iter(self.docs.values()), None)

    def compare(self) -> None:
        """Each language against the first: the keys and ids that must agree."""
        base = self.base
        for doc in self.docs.values():
            if doc.meta.get("id", self.folder.name) != self.folder.name:
                self.problems.add(
                    doc.path, doc.line("id"),
                    f"id {doc.meta['id']!r} must equal the folder name {self.folder.name!r}",
                )
            if doc is base or base is None:
                continue
            for key in ("id", "order", "prerequisites", "lab", "related"):
                if key in doc.meta and key in base.meta and doc.meta[key] != base.meta[key]:
                    what = "the ids of related" if key == "related" else key
                    self.problems.add(
                        doc.path, doc.line(key),
                        f"{doc.lang} has {what} {doc.meta[key]!r} but {base.lang} has {base.meta[key]!r}",
                    )
            for key in ("related_topics", "ml_applications", "key_ideas"):
                mine, theirs = doc.meta.get(key), base.meta.get(key)
                if mine is not None and theirs is not None and len(mine) != len(theirs):
                    self.problems.add(
                        doc.path, doc.line(key),
                        f"{doc.lang} has {len(mine)} {key} but {base.lang} has {len(theirs)}",
                    )
            if doc.sections is not None and base.sections is not None:
                ours, theirs = [s.id for s in doc.sections], [s.id for s in base.sections]
                if ours != theirs:
                    self.problems.add(
                        doc.path, None,
                        f"section ids differ: {doc.lang} has {ours}, {base.lang} has {theirs}",
                    )
            for kind, name in (("check", "check"), ("reflect", "reflection")):
                ours, theirs = [i for i, _ in doc.ids[kind]], [i for i, _ in base.ids[kind]]
                if ours != theirs:
                    self.problems.add(
                        doc.path, None,
                        f"{name} question ids differ: {doc.lang} has {ours}, {base.lang} has {theirs}",
                    )
            for mine, theirs in zip(doc.checks, base.checks):
                if mine["id"] != theirs["id"]:
                    continue
                for key in ("type", "answer", "variables", "section"):
                    if mine[key] != theirs[key]:
                        self.problems.add(
                            doc.path, mine["line"],
                            f"check {mine['id']!r}: {doc.lang} has {key} {mine[key]!r} but {base.lang} has "
                            f"{theirs[key]!r}",
                        )
                if mine["choices"] and theirs["choices"] and len(mine["choices"]) != len(theirs["choices"]):
                    self.problems.add(
                        doc.path, mine["line"],
                        f"check {mine['id']!r}: {doc.lang} has {len(mine['choices'])} choices but {base.lang} has "
                        f"{len(theirs['choices'])}",
                    )

    def structure(self) -> None:
        """Within each language: required sections in order, unique question ids, reflections placed right."""
        for doc in self.docs.values():
            if doc.sections is not None:
                ids = [section.id for section in doc.sections]
                missing = [name for name in REQUIRED_SECTIONS if name not in ids]
                if missing:
                    self.problems.add(
                        doc.path, None,
                        f"missing section{'s' if len(missing) > 1 else ''} {missing}; every lesson has "
                        f"{list(REQUIRED_SECTIONS)}",
                    )
                elif [i for i in ids if i in REQUIRED_SECTIONS] != list(REQUIRED_SECTIONS):
                    self.problems.add(
                        doc.path, None,
                        f"the sections {list(REQUIRED_SECTIONS)} must come in this order, found {ids}",
                    )
            seen: set[str] = set()
            for question_id, line in doc.ids["check"] + doc.ids["reflect"]:
                if question_id in seen:
                    self.problems.add(doc.path, line, f"duplicate question id {question_id!r}")
                seen.add(question_id)
            for question in doc.reflections:
                if question["section"] != "reflection":
                    self.problems.add(
                        doc.path, question["line"],
                        f"reflect {question['id']!r} must be inside the 'reflection' section, not "
                        f"{question['section']!r}",
                    )

    def counts(self, exercises: tuple[Any, ...] | None, exercises_path: Path) -> None:
        base = self.base
        counted = []
        if base is not None:
            counted = [("checks", len(base.ids["check"]), base.path),
                       ("reflections", len(base.ids["reflect"]), base.path)]
        if exercises is not None:
            counted.append(("exercises", len(exercises), exercises_path))
        for what, count, path in counted:
            message = _count_problem(what, count)
            if message:
                self.problems.add(path, None, message)
        for what in ("ml_applications", "key_ideas"):
            message = _count_problem(what, len(base.meta[what])) if base and what in base.meta else None
            if message:
                self.problems.add(base.path, base.line(what), message)

    def answer_keys(self) -> dict[str, Any]:
        """Build each check's answer key and grade the canonical answer with it."""
        base = self.base
        if base is None or not base.checks or set(self.docs) != set(LANGUAGES):
            return {}  # a missing language file is reported already; choices need every language
        try:
            from .answers import from_inline
        except Exception as err:  # noqa: BLE001  the answer engine itself is missing or broken
            self.problems.add(base.path, None, f"cannot import linlab.course.answers ({type(err).__name__}: {err})")
            return {}
        keys = {}
        for check in base.checks:
            where = (base.path, check["answer_line"])
            prefix = f"check {check['id']!r}: "
            choices = None
            if check["type"] == "choice":
                same = (lambda doc: next((c for c in doc.checks if c["id"] == check["id"]), check))  # noqa: E731
                choices = {doc.lang: list(same(doc)["choices_text"]) for doc in self.docs.values()}
            try:
                variables = list(check["variables"]) if check["variables"] is not None else None
                key = from_inline(check["type"], check["answer"], choices=choices, variables=variables)
            except Exception as err:  # noqa: BLE001  report whatever the answer parser says
                self.problems.add(
                    *where,
                    f"{prefix}the answer {check['answer']!r} does not parse as {check['type']}: {err}",
                )
                continue
            attempts = [check["answer"]]
            expected = getattr(key, "expected", None)
            if isinstance(expected, str) and expected not in attempts:
                attempts.append(expected)
            for lang in self.docs:
                for attempt in attempts:
                    try:
                        result = key.check(attempt, lang)
                    except Exception as err:  # noqa: BLE001  check() should never raise; say so if it does
                        result = f"{type(err).__name__}: {err}"
                    if not getattr(result, "correct", False):
                        feedback = getattr(result, "feedback", result)
                        self.problems.add(
                            *where,
                            f"{prefix}the answer key does not grade its own answer {attempt!r} as right ({lang}: "
                            f"{feedback})",
                        )
            keys[check["id"]] = key
        return keys

    def build(self, exercises: tuple[Any, ...], keys: dict[str, Any]) -> Lesson:
        """Assemble the lesson; only called when no problem was found in it."""
        docs, base = self.docs, self.base
        assert base is not None

        def per_lang(get: Callable[[Doc], Any]) -> dict[str, Any]:
            return {lang: get(doc) for lang, doc in docs.items()}

        checks = tuple(
            CheckQuestion(
                id=check["id"], type=check["type"], answer=keys[check["id"]], answer_text=check["answer"],
                question=per_lang(lambda d: d.checks[index]["question"]),
                explain=per_lang(lambda d: d.checks[index]["explain"]), section=check["section"],
                choices=per_lang(lambda d: d.checks[index]["choices"]) if check["choices"] is not None else None,
                variables=check["variables"],
            )
            for index, check in enumerate(base.checks)
        )
        reflections = tuple(
            ReflectionQuestion(
                id=question["id"],
                question=per_lang(lambda d: d.reflections[index]["question"]),
                answer=per_lang(lambda d: d.reflections[index]["answer"]),
            )
            for index, question in enumerate(base.reflections)
        )
        related = tuple(
            RelatedLesson(lesson_id, why=per_lang(lambda d: d.html["related"][index][1]))
            for index, lesson_id in enumerate(base.meta["related"])
        )
        topics = tuple(
            RelatedTopic(topic=per_lang(lambda d: d.html["related_topics"][index][0]),
                         why=per_lang(lambda d: d.html["related_topics"][index][1]))
            for index in range(len(base.meta["related_topics"]))
        )
        return Lesson(
            id=base.meta["id"], order=base.meta["order"],
            title=per_lang(lambda d: d.meta["title"]), category=per_lang(lambda d: d.meta["category"]),
            prerequisites=base.meta["prerequisites"], related=related, related_topics=topics,
            ml_applications=per_lang(lambda d: d.html["ml_applications"]),
            key_ideas=per_lang(lambda d: d.html["key_ideas"]), lab=base.meta["lab"],
            sections=per_lang(lambda d: d.sections), checks=checks, reflections=reflections,
            exercises=exercises, source_path=self.folder,
        )
