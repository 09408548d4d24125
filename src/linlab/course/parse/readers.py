"""The public readers: ``parse_number``, ``parse_expression``, ``parse_vector``, ``parse_matrix``,
``parse_grid``, ``parse_basis``, ``is_empty_basis``, ``parse_yesno`` and ``parse_choice``.

Each tries a fast path first (:mod:`linlab.course.parse.fast`) and otherwise runs the full parser
(:mod:`linlab.course.parse.grammar`).
"""

from __future__ import annotations

import re
from typing import Iterable

from linlab.errors import ParseError

from .fast import _fast_grid, _fast_scalar
from .grammar import _finish_scalar, _Group, _prepare, _reject_lists
from .limits import EMPTY_SPELLINGS, MAX_SIZE, _fail
from .text import _words
from .values import Expression, Scalar, _scalar

__all__ = [
    "parse_number",
    "parse_vector",
    "parse_matrix",
    "parse_grid",
    "parse_basis",
    "is_empty_basis",
    "parse_expression",
    "parse_yesno",
    "parse_choice",
]

def parse_number(text: str, *, what: str = "number") -> Scalar:
    """Read one number: ``3``, ``-1/2``, ``0.5``, ``0,5``, ``sqrt(2)/2``, ``√2/2``, ``2^(1/2)``, ``pi/4``, ``1e-3``.

    Parameters
    ----------
    text : str
        What the learner typed.  A comma between two digits is a decimal comma.
    what : str
        Which answer type to name in error messages (``"number"`` or ``"integer"``).

    Raises
    ------
    ParseError
        If ``text`` is not one number within the limits of this module; the message says why.

    Examples
    --------
    >>> parse_number("2^(1/2)").exact is None, round(parse_number("2^(1/2)").approx, 4)
    (True, 1.4142)
    >>> parse_number("1e-3").exact
    Fraction(1, 1000)
    """
    fast = _fast_scalar(text) if isinstance(text, str) else None
    if fast is not None:
        return fast
    p = _prepare(text, what, decimal_comma=True)
    _reject_lists(p, what)
    node = p.expr()
    _finish_scalar(p, what)
    return _scalar(node)


def parse_expression(text: str, *, variables: Iterable[str] = ("x",)) -> Expression:
    """Read an expression in ``variables``: ``x^2 - 2x + 1``, ``(x+1)(x-1)``, ``exp(-x^2/2)``, ``x**2``.

    Functions: ``sqrt exp log sin cos tan abs`` (``ln`` is ``log``), constants ``pi`` and ``e``.
    A comma between two digits is a decimal comma.

    Raises
    ------
    ParseError
        If ``text`` is not such an expression within the limits of this module.

    Examples
    --------
    >>> e = parse_expression("2x y", variables=["x", "y"])
    >>> e.evaluate({"x": 2.0, "y": 3.0})
    12.0
    >>> parse_expression("log(x)").evaluate({"x": -1.0}) is None
    True
    """
    variables = tuple(variables)
    p = _prepare(text, "expression", decimal_comma=True, variables=variables)
    _reject_lists(p, "expression")
    node = p.expr()
    _finish_scalar(p, "expression")
    return Expression(node, variables)


def _grid(text: str, what: str) -> list[list[Scalar]]:
    fast = _fast_grid(text) if isinstance(text, str) else None
    return fast if fast is not None else _full_grid(text, what)


def _full_grid(text: str, what: str) -> list[list[Scalar]]:
    p = _prepare(text, what, decimal_comma=False)
    rows, _ = p.seq("end")
    if not rows:
        raise _fail("empty", what=what)
    # one bracket around everything ("[1 2; 3 4]", "[[1,2],[3,4]]"): unwrap it
    while len(rows) == 1 and len(rows[0]) == 1 and isinstance(rows[0][0], _Group):
        rows = rows[0][0].rows
    items = [x for row in rows for x in row]
    groups = [x for x in items if isinstance(x, _Group)]
    if groups and len(groups) != len(items):
        raise _fail("mixed")
    if groups:  # several bracketed vectors: each is one row
        grid = []
        for g in groups:
            if any(isinstance(x, _Group) for r in g.rows for x in r):
                raise _fail("too_many_levels")
            if len(g.rows) > 1 and any(len(r) > 1 for r in g.rows):
                raise _fail("too_many_levels")
            grid.append([_scalar(x) for r in g.rows for x in r])
        for v in grid[1:]:
            if len(v) != len(grid[0]):
                raise _fail("different_lengths", a=len(grid[0]), b=len(v))
    else:
        grid = [[_scalar(x) for x in row] for row in rows]
        for i, row in enumerate(grid[1:], start=2):
            if len(row) != len(grid[0]):
                raise _fail("ragged", i=i, k=len(row), n=len(grid[0]))
    if len(grid) > MAX_SIZE or len(grid[0]) > MAX_SIZE:
        raise _fail("too_big", max=MAX_SIZE)
    return grid


def parse_grid(text: str, *, what: str = "matrix") -> list[list[Scalar]]:
    """Read rows of numbers: a matrix, or a list of vectors (each bracketed vector is one row).

    Accepts ``[[1, 2], [3, 4]]``, ``[1, 2], [3, 4]``, ``(1,2); (3,4)``, ``1 2; 3 4``, ``[1 2; 3 4]`` and
    one row per line.  A bracketed column ``(1; 2; 3)`` among several vectors is one row.

    Returns
    -------
    list of rows, shape (rows, columns), every row the same length

    Raises
    ------
    ParseError
        If ``text`` is not a rectangular array of numbers, or is larger than 20×20.
    """
    return _grid(text, what)


def parse_vector(text: str) -> list[Scalar]:
    """Read one vector: ``[1, 2, 3]``, ``(1, 2, 3)``, ``1 2 3``, ``1, 2, 3``, ``(1;2;3)``.

    A single row or a single column is a vector.

    Raises
    ------
    ParseError
        If ``text`` is not one vector of numbers.
    """
    grid = _grid(text, "vector")
    if len(grid) == 1:
        return grid[0]
    if len(grid[0]) == 1:
        return [row[0] for row in grid]
    raise _fail("not_a_vector", m=len(grid), n=len(grid[0]))


def parse_matrix(text: str) -> list[list[Scalar]]:
    """Read a matrix: ``[[1, 2], [3, 4]]``, ``1 2; 3 4``, one row per line.  Same as :func:`parse_grid`."""
    return _grid(text, "matrix")


_NOT_EMPTY = re.compile(r"[1-9,]")  # no spelling of the empty basis has one, and normalisation keeps them


def is_empty_basis(text: str) -> bool:
    """Whether ``text`` is one of the spellings of the empty basis (:data:`EMPTY_SPELLINGS`)."""
    if isinstance(text, str) and text.isascii() and _NOT_EMPTY.search(text):
        return False  # the common case, a list of vectors, without normalising it
    try:
        key = "".join(_words(text).split())
    except (TypeError, ParseError):
        return False
    return key in EMPTY_SPELLINGS


def parse_basis(text: str) -> list[list[Scalar]]:
    """Read a list of vectors, one per row; the empty basis (``0``, ``{0}``, ``none``, ``нет``, ``∅``) is ``[]``.

    Examples
    --------
    >>> [[str(x.exact) for x in v] for v in parse_basis("[1,0,-1], [0,1,2]")]
    [['1', '0', '-1'], ['0', '1', '2']]
    >>> parse_basis("none")
    []
    """
    if is_empty_basis(text):
        return []
    return _grid(text, "basis")


_YES = {"yes", "y", "true", "t", "да", "д", "верно", "правда"}
_NO = {"no", "n", "false", "f", "нет", "н", "неверно", "ложь"}


def parse_yesno(text: str) -> bool:
    """``yes``/``no``, ``y``/``n``, ``true``/``false``, ``да``/``нет`` (any case) → ``True``/``False``.

    Examples
    --------
    >>> parse_yesno(" Да! "), parse_yesno("false")
    (True, False)
    """
    word = _words(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _fail("empty", what="yesno") if not word else _fail("not_yesno")


def parse_choice(text: str, options: dict[str, list[str]]) -> int:
    """The 0-based index of the option chosen: its number (``2``), its letter (``b``, ``(b)``) or its text.

    Parameters
    ----------
    text : str
        What the learner typed.
    options : dict
        ``{"en": [...], "ru": [...]}``, the same number of options in each language; an option's text
        in either language selects it (case and spacing ignored).

    Examples
    --------
    >>> opts = {"en": ["two", "three"], "ru": ["два", "три"]}
    >>> parse_choice("2", opts), parse_choice("A)", opts), parse_choice("Три", opts)
    (1, 0, 1)
    """
    n = len(next(iter(options.values())))
    last = chr(ord("a") + min(n, 26) - 1)
    word = _words(text)
    if not word:
        raise _fail("empty", what="choice")
    if word.isdigit() and len(word) <= 3 and 1 <= int(word) <= n:
        return int(word) - 1
    if len(word) == 1 and "a" <= word <= "z" and ord(word) - ord("a") < n:
        return ord(word) - ord("a")
    for lang_options in options.values():
        for i, option in enumerate(lang_options):
            if " ".join(option.split()).lower().strip(".!?") == word:
                return i
    raise _fail("bad_choice", n=n, last=last)
