r"""Lesson Markdown → HTML: CommonMark + pipe tables, math as MathML, questions as placeholders.

* Markdown is CommonMark (markdown-it-py) with GitHub pipe tables.  Raw HTML is **disabled**: a
  ``<script>`` in a lesson comes out as the text ``&lt;script&gt;``, and only safe link schemes are linked.
* Math is ``$…$`` (inline) and ``$$…$$`` (display, on its own lines or inline), converted on the server
  by :func:`linlab.course.mathml.to_mathml`.  An opening ``$`` must be followed, and a closing ``$``
  preceded, by a non-space; a closing ``$`` must not be followed by a digit.  A literal dollar sign is
  ``\$``; any other ``$`` that does not open or close a formula is an error, so prices and typos cannot
  silently eat text.  ``$`` inside code spans and code blocks is left alone.
* The body is split into sections at level-2 headings ``## Title {#id}`` (ids: lowercase letters,
  digits, ``-``).  A ``#`` heading, a section heading without an id, and text before the first section
  are errors.
* Fenced blocks with the info string ``check`` or ``reflect`` are handed to a callback (the loader parses
  their YAML) and replaced by what it returns, normally :func:`placeholder`:
  ``<div class="check" data-question-id="ID"></div>``.  The web layer puts the rendered question there
  with :func:`fill_placeholders`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .mathml import MathError, to_mathml
from .model import CourseError, Problem, Section

__all__ = [
    "render",
    "parse_body",
    "placeholder",
    "fill_placeholders",
    "QUESTION_KINDS",
    "SECTION_ID",
    "Report",
    "FenceHandler",
]

QUESTION_KINDS: tuple[str, ...] = ("check", "reflect")
"""Fence info strings that hold a question instead of code."""

SECTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""What a section id (and a question id) looks like: ``definition``, ``worked-example-2``."""

Report = Callable[[int | None, str], None]
"""Receives ``(line, message)`` for each problem; the line is 1-based in the file, or ``None``."""

FenceHandler = Callable[[str, str, int, str], str]
"""``(kind, yaml_source, line, section_id) -> html`` for a ``check``/``reflect`` fence at ``line``."""

_HEADING_ID = re.compile(r"^(?P<title>.*?)\s*\{#(?P<id>[^{}]*)\}\s*$", re.S)
_HEADING_SUFFIX = re.compile(r"\s*\{#[^{}]*\}\s*$")
_PLACEHOLDER = re.compile(r'<div class="(check|reflect)" data-question-id="([a-z0-9-]+)"></div>')


def placeholder(kind: str, question_id: str) -> str:
    """The HTML that stands where a question is: ``<div class="KIND" data-question-id="ID"></div>``.

    Examples
    --------
    >>> placeholder("check", "affine-not-linear")
    '<div class="check" data-question-id="affine-not-linear"></div>'
    """
    if kind not in QUESTION_KINDS or not SECTION_ID.match(question_id):
        raise CourseError(
            f"placeholder needs kind in {QUESTION_KINDS} and an id like 'a-b-2', got {kind!r}, {question_id!r}"
        )
    return f'<div class="{kind}" data-question-id="{question_id}"></div>'


def fill_placeholders(section_html: str, fill: Callable[[str, str], str]) -> str:
    """Replace every question placeholder in ``section_html`` by ``fill(kind, question_id)``.

    Examples
    --------
    >>> fill_placeholders('<p>a</p>' + placeholder("check", "q1"), lambda kind, qid: f"[{kind} {qid}]")
    '<p>a</p>[check q1]'
    """
    return _PLACEHOLDER.sub(lambda match: fill(match.group(1), match.group(2)), section_html)


def _math_rule(display: bool) -> Callable[..., str]:
    def rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        mathml = tokens[idx].meta.get("mathml") or '<span class="math-error"></span>'
        return mathml + "\n" if display and tokens[idx].block else mathml

    return rule


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.disable("text_join")  # keep escapes (`\$`) as separate tokens until the stray-`$` check has run
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True, allow_labels=False)
    for name, display in (("math_inline", False), ("math_inline_double", True), ("math_block", True)):
        md.add_render_rule(name, _math_rule(display))
    return md


@lru_cache(maxsize=8192)
def _mathml(latex: str, display: bool) -> str:
    return to_mathml(latex, display=display)


def _raise_first(line: int | None, message: str) -> None:
    raise CourseError(f"line {line}: {message}" if line is not None else message,
                      problems=[Problem(None, line, message)])


class _Pass:
    """One walk over the token stream: math → MathML, stray ``$`` and heading checks, fences."""

    def __init__(self, report: Report | None, first_line: int) -> None:
        self.strict = report is None  # raise the MathError itself (with .formula) at the first bad formula
        self.report = report or _raise_first
        self.offset = first_line  # token.map lines are 0-based in the parsed text

    def line_of(self, token: Token, fallback: int | None = None) -> int | None:
        return token.map[0] + self.offset if token.map else fallback

    def math(self, token: Token, latex: str, display: bool, line: int | None) -> None:
        try:
            token.meta["mathml"] = _mathml(latex, display)
        except MathError as err:
            if self.strict:
                raise
            self.report(line, str(err))

    def inline(self, token: Token, line: int | None) -> None:
        cursor = 0
        for child in token.children or []:
            if child.type in ("math_inline", "math_inline_double"):
                found = token.content.find(child.content, cursor)
                at = line if found < 0 or line is None else line + token.content.count("\n", 0, found)
                cursor = max(cursor, found)
                self.math(child, child.content, child.type == "math_inline_double", at)
            elif child.type == "text" and "$" in child.content:
                self.report(line, f"a '$' that neither opens nor closes a formula in {child.content.strip()!r}; "
                            "write \\$ for a dollar sign, and no space just inside $…$")
            elif child.type == "text_special":
                child.type = "text"

    def tokens(self, tokens: list[Token], fallback: int | None) -> None:
        for token in tokens:
            line = self.line_of(token, fallback)
            if token.type == "inline":
                self.inline(token, line)
            elif token.type == "math_block":
                self.math(token, token.content, True, line)


def render(text: str, *, inline: bool = False, first_line: int = 1, report: Report | None = None) -> str:
    r"""Render a Markdown fragment (a question, an explanation, a generated prompt) to HTML.

    Parameters
    ----------
    text : str
        Markdown with ``$…$`` math.
    inline : bool, keyword-only
        Render one paragraph's content without the ``<p>`` wrapper (list items, one-line fields).
    first_line : int, keyword-only
        The line of ``text`` in its file, for messages.
    report : callable, keyword-only
        Receives ``(line, message)`` for each problem; by default the first problem raises.

    Raises
    ------
    CourseError
        (without ``report``) for a formula that does not convert or a stray ``$``.

    Examples
    --------
    >>> render("Is $x$ *linear*?", inline=True)
    'Is <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>x</mi></mrow></math> <em>linear</em>?'
    >>> render("<b>hi</b> \\$5")
    '<p>&lt;b&gt;hi&lt;/b&gt; $5</p>\n'
    """
    md = _parser()
    walk = _Pass(report, first_line)
    tokens = md.parseInline(text) if inline else md.parse(text)
    walk.tokens(tokens, first_line)
    return md.renderer.render(tokens, md.options, {})


def _heading_id(walk: _Pass, inline: Token, line: int | None) -> tuple[str, str] | None:
    """Read and strip the ``{#id}`` at the end of a ``##`` heading; ``(id, title source)``."""
    match = _HEADING_ID.match(inline.content)
    last = inline.children[-1] if inline.children else None
    suffix = _HEADING_SUFFIX.search(last.content) if last is not None and last.type == "text" else None
    if match is None or suffix is None:
        walk.report(line, f"section heading {inline.content!r} has no id; write '## {inline.content} {{#some-id}}'")
        return None
    if not SECTION_ID.match(match["id"]):
        walk.report(line, f"section id {match['id']!r} must be lowercase letters, digits and '-'")
        return None
    last.content = last.content[: suffix.start()]
    return match["id"], match["title"]


def parse_body(
    text: str,
    *,
    first_line: int = 1,
    report: Report | None = None,
    fences: FenceHandler | None = None,
) -> tuple[Section, ...]:
    """Split a lesson body into rendered sections.

    Parameters
    ----------
    text : str
        The Markdown after the front matter.
    first_line : int, keyword-only
        The file line where ``text`` starts, so that messages name file lines.
    report : callable, keyword-only
        Receives ``(line, message)`` per problem; by default the first problem raises ``CourseError``.
    fences : callable, keyword-only
        Called as ``fences(kind, yaml_source, line, section_id)`` for each ``check``/``reflect`` fence;
        its return value (HTML) replaces the fence.  By default fences become :func:`placeholder` with a
        running number as id.

    Returns
    -------
    tuple[Section, ...]
        In document order; ``Section.html`` excludes the heading.

    Examples
    --------
    >>> sections = parse_body("## Definition {#definition}\\nA map $f$.\\n\\n## More {#more}\\nText.")
    >>> [(s.id, s.title) for s in sections]
    [('definition', 'Definition'), ('more', 'More')]
    """
    md = _parser()
    walk = _Pass(report, first_line)
    numbers = itertools.count(1)
    fences = fences or (lambda kind, source, line, section: placeholder(kind, f"q{next(numbers)}"))
    tokens = md.parse(text)
    walk.tokens(tokens, first_line)

    starts: list[tuple[int, str, str]] = []  # (index of heading_open, id, title source)
    seen: set[str] = set()
    section = ""
    complained_before = False
    for index, token in enumerate(tokens):
        line = walk.line_of(token)
        if token.type == "heading_open" and token.tag == "h1":
            walk.report(line, "a '#' heading in the body; the title comes from the front matter, sections are '##'")
        elif token.type == "heading_open" and token.tag == "h2":
            if token.level != 0:
                walk.report(line, "a '##' section heading inside a list or quote")
                continue
            parsed = _heading_id(walk, tokens[index + 1], line)
            if parsed is None:
                continue
            section_id, title = parsed
            if section_id in seen:
                walk.report(line, f"duplicate section id {section_id!r}")
            seen.add(section_id)
            starts.append((index, section_id, title))
            section = section_id
        elif not starts and token.level == 0 and token.nesting >= 0 and not complained_before:
            walk.report(line, "text before the first section; start the body with '## Title {#id}'")
            complained_before = True
        if token.type == "fence" and token.info.strip() in QUESTION_KINDS:
            kind = token.info.strip()
            html = fences(kind, token.content, (line or 0) + 1, section)  # the YAML starts below the ``` line
            replacement = Token("html_block", "", 0, content=html + "\n")
            replacement.map, replacement.level = token.map, token.level
            tokens[index] = replacement

    sections = []
    for number, (start, section_id, title) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(tokens)
        body = tokens[start + 3 : end]  # skip heading_open, inline, heading_close
        title_html = md.renderer.render(tokens[start + 1 : start + 2], md.options, {})
        sections.append(Section(section_id, title, title_html, md.renderer.render(body, md.options, {})))
    return tuple(sections)
