"""The ``check`` and ``reflect`` fences of a lesson file: their YAML, checked key by key.

:func:`linlab.course.markup.parse_body` hands each question fence to a :class:`QuestionReader`, which
validates it, keeps the valid question on the :class:`~linlab.course.lessonfile.Doc` (``doc.checks``,
``doc.reflections``; the id of every fence, valid or not, in ``doc.ids``) and returns the placeholder
that stands for it in the section HTML.  The answer keys are built later, once every language is read
(:meth:`linlab.course.lesson.LessonBuilder.answer_keys`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .markup import SECTION_ID, Report, placeholder, render
from .yaml_lines import Lines, YamlError, describe, is_text, parse_yaml

if TYPE_CHECKING:
    from .lessonfile import Doc

__all__ = ["ANSWER_TYPES", "QuestionReader", "answer_text"]

ANSWER_TYPES: tuple[str, ...] = (
    "integer", "number", "choice", "yesno", "vector", "matrix", "basis", "scaled_vector", "expression",
)
"""The ``type`` values a check question may have (those of :mod:`linlab.course.answers`, which is not
imported here so that reading lesson text never depends on the answer engine)."""

_CHECK_KEYS = {"id", "type", "question", "answer", "explain", "choices", "variables"}
_REFLECT_KEYS = {"id", "question", "answer"}


def answer_text(value: Any) -> str | None:
    """The canonical answer as text; YAML may have read ``no`` as False or ``[1, 2]`` as a list.

    ``None`` for a value that is no answer (nothing, blank text, an empty list, a mapping).

    Examples
    --------
    >>> answer_text(False), answer_text(3), answer_text([1, [2, 0.5]]), answer_text(" ")
    ('no', '3', '[1, [2, 0.5]]', None)
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value:
        parts = [answer_text(item) for item in value]
        return None if any(part is None for part in parts) else "[" + ", ".join(parts) + "]"  # type: ignore[arg-type]
    return None


class QuestionReader:
    """The fence handler of one lesson file: ``reader(kind, yaml_source, line, section_id) -> html``.

    A valid check becomes a dict with ``id, line, section, type, answer, answer_line, question, explain,
    choices, choices_text, variables`` (HTML where rendered); a valid reflection one with ``id, line,
    section, question, answer``.
    """

    def __init__(self, doc: Doc, report: Report) -> None:
        self.doc, self.report = doc, report

    def inline(self, text: str, line: int | None) -> str:
        return render(text, inline=True, first_line=line or 1, report=self.report)

    def block(self, text: str, line: int | None) -> str:
        return render(text, first_line=line or 1, report=self.report)

    def __call__(self, kind: str, source: str, line: int, section: str) -> str:
        """Validate one question fence, keep it on the doc, and return the placeholder that replaces it."""
        try:
            data, lines, duplicates = parse_yaml(source, line)
        except YamlError as err:
            self.report(err.line, f"{kind} block: {err.message}")
            return ""
        for dup_line, message in duplicates:
            self.report(dup_line, f"{kind} block: {message}")
        if not isinstance(data, dict):
            self.report(line, f"a {kind} block must hold a YAML mapping, got {describe(data)}")
            return ""
        question_id = data.get("id")
        if not isinstance(question_id, str) or not SECTION_ID.match(question_id):
            self.report(
                lines.get(("id",), line),
                f"{kind} block: 'id' must look like 'affine-not-linear', got {describe(question_id)}",
            )
            return ""
        prefix = f"{kind} {question_id!r}: "
        self.doc.ids[kind].append((question_id, line))
        entry = self.check(data, lines, line, prefix) if kind == "check" else self.reflection(data, lines, line, prefix)
        if entry is not None:
            entry.update(id=question_id, line=line, section=section)
            (self.doc.checks if kind == "check" else self.doc.reflections).append(entry)
        return placeholder(kind, question_id)

    def keys(
        self, data: dict[str, Any], lines: Lines, line: int, prefix: str, allowed: set[str], required: tuple[str, ...]
    ) -> bool:
        ok = True
        for key in data:
            if key not in allowed:
                self.report(lines.get((key,), line), f"{prefix}unknown key {key!r}; allowed: {sorted(allowed)}")
                ok = False
        for key in required:
            if key not in data or data[key] is None:
                self.report(line, f"{prefix}missing {key!r}")
                ok = False
            elif key != "answer" and not is_text(data[key]):
                self.report(
                    lines.get((key,), line),
                    f"{prefix}{key!r} must be non-empty text, got {describe(data[key])}",
                )
                ok = False
        return ok

    def check(self, data: dict[str, Any], lines: Lines, line: int, prefix: str) -> dict[str, Any] | None:
        if not self.keys(data, lines, line, prefix, _CHECK_KEYS, ("type", "question", "answer", "explain")):
            return None
        kind, answer_line = data["type"].strip(), lines.get(("answer",), line)
        if kind not in ANSWER_TYPES:
            self.report(lines.get(("type",), line), f"{prefix}'type' must be one of {list(ANSWER_TYPES)}, got {kind!r}")
            return None
        answer = answer_text(data["answer"])
        if answer is None:
            self.report(
                answer_line,
                f"{prefix}'answer' must be text such as \"3\" or \"[1, 2]\", got {describe(data['answer'])}",
            )
            return None
        entry: dict[str, Any] = {
            "type": kind, "answer": answer, "answer_line": answer_line,
            "question": self.block(data["question"], lines.get(("question",))),
            "explain": self.block(data["explain"], lines.get(("explain",))),
            "choices": None, "choices_text": None, "variables": None,
        }
        if (kind == "choice") != ("choices" in data):
            self.report(
                lines.get(("choices",), line),
                f"{prefix}'choices' is required for type choice and allowed only there",
            )
            return None
        if kind == "choice":
            choices = data["choices"]
            if not isinstance(choices, list) or len(choices) < 2 or not all(map(is_text, choices)):
                self.report(
                    lines.get(("choices",), line),
                    f"{prefix}'choices' must be a list of at least 2 texts, got {describe(choices)}",
                )
                return None
            if not (answer.isdigit() and 1 <= int(answer) <= len(choices)):
                self.report(
                    answer_line,
                    f"{prefix}a choice answer is the number of the right choice, 1 to {len(choices)}; got {answer!r}",
                )
                return None
            entry["choices_text"] = tuple(choice.strip() for choice in choices)
            entry["choices"] = tuple(self.inline(c, lines.get(("choices", i))) for i, c in enumerate(choices))
        if "variables" in data:
            names = data["variables"]
            names_ok = isinstance(names, list) and all(isinstance(n, str) and n.isidentifier() for n in names)
            if kind != "expression" or not names_ok:
                self.report(
                    lines.get(("variables",), line),
                    f"{prefix}'variables' is a list of names like [x, y], for type expression only; got "
                    f"{describe(names)}",
                )
                return None
            entry["variables"] = tuple(names)
        return entry

    def reflection(self, data: dict[str, Any], lines: Lines, line: int, prefix: str) -> dict[str, Any] | None:
        if not self.keys(data, lines, line, prefix, _REFLECT_KEYS, ("question", "answer")):
            return None
        if not is_text(data["answer"]):
            self.report(
                lines.get(("answer",), line),
                f"{prefix}'answer' must be non-empty text, got {describe(data['answer'])}",
            )
            return None
        return {"question": self.block(data["question"], lines.get(("question",))),
                "answer": self.block(data["answer"], lines.get(("answer",)))}
