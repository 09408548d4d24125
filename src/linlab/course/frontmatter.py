"""The YAML front matter of a lesson file: finding it, and checking every key with its file line.

A lesson file starts with ``---``, the YAML front matter, and another ``---``; the keys are
:data:`FRONT_KEYS` (all required) and ``lab`` (optional).  :func:`read_front_matter` keeps the valid
values as plain data on the :class:`~linlab.course.lessonfile.Doc` (``doc.meta``) and the one-line
Markdown fields rendered to HTML (``doc.html``), and reports each problem with the line of its key.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from .markup import Report, render
from .model import LABS
from .yaml_lines import YamlError, describe, is_text

if TYPE_CHECKING:
    from .lessonfile import Doc

__all__ = ["FRONT_KEYS", "split_front_matter", "read_front_matter"]

FRONT_KEYS: tuple[str, ...] = ("id", "title", "category", "order", "prerequisites", "related", "related_topics",
                               "ml_applications", "key_ideas")
"""The front-matter keys every lesson file has; ``lab`` is the one optional key."""


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """``(yaml, yaml_first_line, body, body_first_line)``; lines are 1-based file lines.

    Raises
    ------
    YamlError
        If the file does not start with a ``---`` line, or the front matter is never closed.

    Examples
    --------
    >>> split_front_matter("---\\nid: x\\n---\\n## A {#a}\\n")
    ('id: x\\n', 2, '## A {#a}\\n', 4)
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise YamlError(1, "the file must start with a '---' line opening the YAML front matter")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), 2, "".join(lines[index + 1 :]), index + 2
    raise YamlError(1, "the front matter opened by '---' on line 1 is never closed by a '---' line")


def read_front_matter(doc: Doc, data: dict[Any, Any], report: Report) -> None:
    """Validate the front matter ``data`` of ``doc``, filling ``doc.meta`` and ``doc.html``.

    A key that is missing or wrong is reported (at ``doc.line(key)``) and left out of ``doc.meta``.
    """
    _FrontMatterReader(doc, report).read(data)


class _FrontMatterReader:
    def __init__(self, doc: Doc, report: Report) -> None:
        self.doc, self.report = doc, report

    def read(self, data: dict[Any, Any]) -> None:
        doc, meta, html = self.doc, self.doc.meta, self.doc.html
        inline = partial(render, inline=True, report=self.report)  # one-line fields: no <p> around them
        for key in FRONT_KEYS:
            if key not in data:
                self.report(doc.front_line, f"front matter: missing key {key!r}")
        for key in data:
            if key not in (*FRONT_KEYS, "lab"):
                self.report(doc.line(key), f"front matter: unknown key {key!r}; the keys are {[*FRONT_KEYS, 'lab']}")
        for key in ("id", "title", "category"):
            if key in data and is_text(data[key]):
                meta[key] = data[key].strip()
            elif key in data:
                self.report(doc.line(key), f"front matter: {key!r} must be non-empty text, got {describe(data[key])}")
        order = data.get("order")
        if isinstance(order, int) and not isinstance(order, bool):
            meta["order"] = order
        elif "order" in data:
            self.report(doc.line("order"), f"front matter: 'order' must be an integer, got {describe(order)}")
        lab = data.get("lab")
        if lab is None or lab in LABS:
            meta["lab"] = lab
        else:
            self.report(doc.line("lab"), f"front matter: 'lab' must be one of {list(LABS)}, got {describe(lab)}")
        if "prerequisites" in data:
            ids = self.texts(data, "prerequisites")
            if ids is not None:
                meta["prerequisites"] = tuple(item.strip() for item in ids)
        for key in ("ml_applications", "key_ideas"):
            items = self.texts(data, key) if key in data else None
            if items is not None:
                meta[key] = tuple(items)
                html[key] = tuple(inline(item, first_line=doc.line(key, i)) for i, item in enumerate(items))
        for key, name in (("related", "id"), ("related_topics", "topic")):
            entries = self.pairs(data, key, name) if key in data else None
            if entries is not None:
                meta[key] = tuple(entry[name].strip() for entry in entries)
                html[key] = tuple(
                    (entry[name].strip() if name == "id" else inline(entry[name], first_line=doc.line(key, i, name)),
                     inline(entry["why"], first_line=doc.line(key, i, "why")))
                    for i, entry in enumerate(entries)
                )

    def texts(self, data: dict[Any, Any], key: str) -> list[str] | None:
        value = data[key]
        if isinstance(value, list) and all(is_text(item) for item in value):
            return value
        self.report(self.doc.line(key), f"front matter: {key!r} must be a list of texts, got {describe(value)}")
        return None

    def pairs(self, data: dict[Any, Any], key: str, name: str) -> list[dict[str, str]] | None:
        value = data[key]
        if not isinstance(value, list):
            self.report(
                self.doc.line(key),
                f"front matter: {key!r} must be a list of {{{name}: …, why: …}}, got {describe(value)}",
            )
            return None
        ok = True
        for index, entry in enumerate(value):
            if not isinstance(entry, dict) or set(entry) != {name, "why"} or not all(map(is_text, entry.values())):
                self.report(
                    self.doc.line(key, index),
                    f"front matter: {key}[{index}] must be {{{name}: text, why: text}}, got {describe(entry)}",
                )
                ok = False
        return value if ok else None
