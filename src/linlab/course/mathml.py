r"""LaTeX → MathML with strict validation, for the math in lesson text.

`latex2mathml` does the conversion but is lenient: an unknown ``\foo`` comes out as ``<mi>\foo</mi>``,
``\frac{1}{2`` is accepted, ``\begin{foo}`` is silently dropped, and ``\text{<b>}`` is copied into the
output unescaped.  :func:`to_mathml` therefore checks the source before converting (balanced braces,
every command one that latex2mathml knows, a known environment, no comment ``%``) and the output after
(well-formed XML, MathML elements only, no backslash left, no links or event attributes, every
fraction/script/root with its arguments), and raises :class:`MathError` naming the formula otherwise.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml import commands as _l2m_commands
from latex2mathml.converter import convert as _convert
from latex2mathml.symbols_parser import SYMBOLS as _L2M_SYMBOLS

from .model import CourseError

__all__ = ["MathError", "to_mathml", "check_braces", "ENVIRONMENTS", "FORBIDDEN_COMMANDS", "MAX_LENGTH"]

MAX_LENGTH = 4000
"""Longest formula accepted (characters); keeps conversion time bounded."""

_MAX_DEPTH = 40  # brace nesting; latex2mathml recurses per level

ENVIRONMENTS: frozenset[str] = frozenset(
    {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "cases", "array",
     "align", "align*", "aligned", "split"}
)
"""``\begin{…}`` environments that convert correctly (``aligned`` is converted as ``align*``)."""

FORBIDDEN_COMMANDS: frozenset[str] = frozenset(
    {r"\href", r"\url", r"\style", r"\class", r"\unicode", r"\verb", r"\def", r"\newcommand",
     r"\renewcommand", r"\newenvironment", r"\DeclareMathOperator", r"\require", r"\html"}
)
"""Commands latex2mathml may know but lessons may not use (links, raw styles, macros)."""

_CONTROL_SYMBOLS = frozenset("\\{},;:! |_%#$&>")  # \\ \{ \} \, \; \: \! \␣ \| \_ \% \# \$ \& \>

_MATHML_ELEMENTS = frozenset(
    "math mrow mi mn mo mtext mspace ms mfrac msqrt mroot mstyle merror mpadded mphantom menclose "
    "msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd "
    "maligngroup malignmark semantics annotation".split()
)
_ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3}
_FORBIDDEN_ATTRIBUTES = re.compile(r"^(href|src|style|class|id|xlink:.*|on.*|actiontype|.*:.*)$", re.I)
_NS = "{http://www.w3.org/1998/Math/MathML}"

_TOKEN = re.compile(r"\\([A-Za-z]+\*?|.?)", re.S)  # a command, a control symbol, or a lone trailing "\"
_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")


class MathError(CourseError):
    """A formula that cannot be converted to valid MathML.

    Attributes
    ----------
    formula : str
        The LaTeX source as written (without the ``$`` delimiters).
    reason : str
        What is wrong, e.g. ``"unknown command \\foo"``.
    """

    def __init__(self, formula: str, reason: str) -> None:
        shown = formula if len(formula) <= 200 else formula[:200] + "…"
        super().__init__(f"{reason} in formula ${shown}$")
        self.formula = formula
        self.reason = reason


@lru_cache(maxsize=1)
def _known_commands() -> frozenset[str]:
    """Every ``\\name`` latex2mathml converts: its command table plus its Unicode symbol table."""
    pattern = re.compile(r"^\\[A-Za-z]+\*?$")
    known: set[str] = set()

    def add(value: object) -> None:
        if isinstance(value, str):
            if pattern.match(value):
                known.add(value)
        elif isinstance(value, (tuple, list, set, frozenset, dict)):
            for item in value:
                add(item)

    for name in dir(_l2m_commands):
        if not name.startswith("_"):
            add(getattr(_l2m_commands, name))
    add(list(_L2M_SYMBOLS))
    return frozenset(known - FORBIDDEN_COMMANDS)


def check_braces(latex: str) -> None:
    r"""Raise :class:`MathError` unless the ``{``/``}`` of ``latex`` are balanced.

    Escaped braces ``\{`` ``\}`` and the row break ``\\`` do not count.

    Examples
    --------
    >>> check_braces(r"\frac{1}{2} \{x\}")
    >>> check_braces(r"\frac{1}{2")
    Traceback (most recent call last):
    ...
    linlab.course.mathml.MathError: unbalanced braces: the '{' at position 8 is never closed in formula $\frac{1}{2$
    """
    opened: list[int] = []
    position = 0
    while position < len(latex):
        char = latex[position]
        if char == "\\":
            position += 2  # skip the escaped character (\{, \}, \\ …)
            continue
        if char == "{":
            opened.append(position)
            if len(opened) > _MAX_DEPTH:
                raise MathError(latex, f"braces nested deeper than {_MAX_DEPTH} levels")
        elif char == "}":
            if not opened:
                raise MathError(latex, f"unbalanced braces: the '}}' at position {position} has no matching '{{'")
            opened.pop()
        position += 1
    if opened:
        raise MathError(latex, f"unbalanced braces: the '{{' at position {opened[-1]} is never closed")


def _check_source(latex: str) -> None:
    if len(latex) > MAX_LENGTH:
        raise MathError(latex, f"formula longer than {MAX_LENGTH} characters ({len(latex)})")
    if not latex.strip():
        raise MathError(latex, "empty formula")
    check_braces(latex)
    known = _known_commands()
    unknown: list[str] = []
    for match in _TOKEN.finditer(latex):
        name = match.group(1)
        if name == "":
            raise MathError(latex, "a lone '\\' at the end")
        if len(name) == 1 and not name.isalpha():
            if name not in _CONTROL_SYMBOLS:
                unknown.append("\\" + name)
            continue
        command = "\\" + name
        if command.endswith("*") and command not in known:
            command = command[:-1]  # `\alpha*` is \alpha then a star, `\operatorname*` one command
        if command in FORBIDDEN_COMMANDS:
            raise MathError(latex, f"the command {command} is not allowed in lessons")
        if command not in known and command not in unknown:
            unknown.append(command)
    if unknown:
        raise MathError(latex, f"unknown command{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    if re.search(r"(?<!\\)%", latex.replace("\\\\", "  ")):
        raise MathError(latex, "'%' starts a LaTeX comment; write \\% for a percent sign")
    stack: list[str] = []
    for match in _ENVIRONMENT.finditer(latex):
        kind, name = match.groups()
        if name not in ENVIRONMENTS:
            raise MathError(latex, f"unknown environment {name!r}; use one of {sorted(ENVIRONMENTS)}")
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise MathError(latex, f"\\end{{{name}}} does not match a \\begin{{{name}}}")
    if stack:
        raise MathError(latex, f"\\begin{{{stack[-1]}}} is never ended")
    lefts, rights = len(re.findall(r"\\left(?![A-Za-z])", latex)), len(re.findall(r"\\right(?![A-Za-z])", latex))
    if lefts != rights:
        raise MathError(latex, f"{lefts} \\left but {rights} \\right")


def _check_output(latex: str, mathml: str) -> None:
    if "\\" in mathml:
        raise MathError(latex, "the converter left a backslash command unconverted")
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError as err:
        hint = "is there a <, > or & inside \\text{…}?"
        raise MathError(latex, f"the converter produced invalid MathML ({err}); {hint}") from None
    for element in root.iter():
        tag = element.tag.removeprefix(_NS)
        if tag not in _MATHML_ELEMENTS:
            raise MathError(latex, f"the converter produced a <{tag}> element, which is not MathML")
        for attribute in element.attrib:
            if _FORBIDDEN_ATTRIBUTES.match(attribute):
                raise MathError(latex, f"the converter produced a {attribute!r} attribute")
        wanted = _ARITY.get(tag)
        if wanted is not None and len(element) != wanted:
            raise MathError(
                latex, f"<{tag}> needs {wanted} arguments but has {len(element)} (a missing {{…}} argument?)"
            )


# latex2mathml writes pmatrix's parentheses as plain <mo> next to the <mtable>; browsers then draw them
# at text height.  As \left( … \right) they become stretchy fences that span the matrix.
_MATRIX_FENCES = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("\\{", "\\}"),
                  "vmatrix": ("|", "|"), "Vmatrix": ("\\|", "\\|")}
_MATRIX_ENV = re.compile(r"\\(begin|end)\s*\{(pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix)\}")

# \dim, \ker, … come out as <mi>dim</mi> with nothing after them, so "dim ker A" renders "dimkerA".
_FUNCTION_NAMES = re.compile(r"<mi>(dim|ker|det|tr|rank|span|exp|log|ln|sin|cos|tan|max|min|sup|inf|arg|deg|lim)</mi>")


def _fence_matrices(latex: str) -> str:
    def swap(match: re.Match[str]) -> str:
        left, right = _MATRIX_FENCES[match.group(2)]
        return f"\\left{left}\\begin{{matrix}}" if match.group(1) == "begin" else f"\\end{{matrix}}\\right{right}"

    return _MATRIX_ENV.sub(swap, latex)


def _space_function_names(mathml: str) -> str:
    return _FUNCTION_NAMES.sub(r'<mi>\1</mi><mspace width="0.1667em"></mspace>', mathml)


def to_mathml(latex: str, *, display: bool = False) -> str:
    r"""Convert one formula to a ``<math>`` element, strictly.

    Parameters
    ----------
    latex : str
        The formula without its ``$`` delimiters, at most :data:`MAX_LENGTH` characters.
    display : bool, keyword-only
        ``True`` for display math (``$$…$$``, ``display="block"``), ``False`` for inline.

    Returns
    -------
    str
        ``<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline|block">…</math>``; safe to
        embed in HTML (only MathML elements, no links, no scripts).

    Raises
    ------
    MathError
        For unbalanced braces, an unknown or forbidden command or environment, an unescaped ``%``, a
        missing argument, or anything the converter fails on; the message names the formula.

    Examples
    --------
    >>> to_mathml(r"\frac{1}{2}")
    '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mfrac>...</mfrac></mrow></math>'
    >>> to_mathml(r"\foo + 1")
    Traceback (most recent call last):
    ...
    linlab.course.mathml.MathError: unknown command \foo in formula $\foo + 1$
    """
    if not isinstance(latex, str):
        raise MathError(repr(latex), f"a formula must be a str, got {type(latex).__name__}")
    _check_source(latex)
    source = re.sub(r"\\(begin|end)\s*\{aligned\}", r"\\\1{align*}", latex)
    source = _fence_matrices(source)
    try:
        mathml = _convert(source, display="block" if display else "inline")
    except RecursionError:
        raise MathError(latex, "the formula is nested too deeply") from None
    except Exception as err:  # noqa: BLE001  latex2mathml raises many unrelated types on bad input
        reason = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        raise MathError(latex, f"latex2mathml cannot convert it ({reason})") from None
    _check_output(latex, mathml)
    return _space_function_names(mathml)
