"""One ``lesson.<lang>.md`` file, parsed: front matter, body sections and question fences.

:func:`read_lesson_file` reports every problem of the file with its line and returns a :class:`Doc`
holding whatever was valid; :class:`~linlab.course.lesson.LessonBuilder` then compares the languages
of a lesson and assembles the :class:`~linlab.course.model.Lesson`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .frontmatter import read_front_matter, split_front_matter
from .markup import Report, parse_body
from .model import Section
from .questions import QuestionReader
from .yaml_lines import Lines, YamlError, describe, parse_yaml

__all__ = ["Doc", "read_lesson_file"]


@dataclass
class Doc:
    """One ``lesson.<lang>.md``, parsed; a field is missing or ``None`` where the file had a problem."""

    lang: str
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)  # validated front matter (plain values)
    html: dict[str, Any] = field(default_factory=dict)  # rendered front-matter fields
    lines: Lines = field(default_factory=dict)
    front_line: int = 1
    sections: tuple[Section, ...] | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)  # the valid ones
    reflections: list[dict[str, Any]] = field(default_factory=list)
    # (id, line) of every question fence, valid or not
    ids: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: {"check": [], "reflect": []})

    def line(self, *path: Any) -> int:
        """The file line of the front-matter value at ``path`` (the front matter's first line if none)."""
        return self.lines.get(path, self.front_line)


def read_lesson_file(path: Path, lang: str, text: str, report: Report) -> Doc:
    """Parse and validate the text of one language file, reporting every problem with its file line.

    Parameters
    ----------
    path : Path
        The file, kept on the :class:`Doc` for the problems found later.
    lang : str
        Its language, one of :data:`~linlab.course.model.LANGUAGES`.
    text : str
        Its content.
    report : callable
        Receives ``(line, message)`` for each problem.

    Returns
    -------
    Doc
        ``sections`` is ``None`` when the front matter could not be read at all.
    """
    doc = Doc(lang, path)
    try:
        front, front_line, body, body_line = split_front_matter(text)
        doc.front_line = front_line
        data, doc.lines, duplicates = parse_yaml(front, front_line)
    except YamlError as err:
        report(err.line, err.message)
        return doc
    for line, message in duplicates:
        report(line, f"front matter: {message}")
    if isinstance(data, dict):
        read_front_matter(doc, data, report)
    else:
        report(front_line, f"the front matter must be a YAML mapping of keys, got {describe(data)}")
    doc.sections = parse_body(body, first_line=body_line, report=report, fences=QuestionReader(doc, report))
    return doc
