"""Fast paths for the commonest answers, and the entry cache they share.

Internal to :mod:`linlab.course.parse`.  :data:`_ENTRY_CACHE` exists once, here; the package re-exports
the same dict object.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .limits import MAX_DIGITS, MAX_LENGTH, MAX_SIZE
from .tokens import _CLOSE
from .values import Scalar

__all__: list[str] = []  # internal; the package re-exports what is public

# --------------------------------------------------------------------------------------------------
# fast paths: most answers are plain lists of integers, fractions and decimals.  These read only text
# whose meaning is unambiguous and return None for anything else (and for anything that is an error),
# which then goes through the full parser; tests check that both give the same values.

_FAST_SCALAR = re.compile(r"\s*(-?)(\d+)(?:[.,](\d+))?(?:/(\d+))?\s*", re.ASCII)
_FAST_NUMBER = r"-?\d{1,30}(?:[.]\d{1,30})?(?:/\d{1,30})?"
_FAST_ENTRY = re.compile(r"(-?)(\d{1,30})(?:[.](\d{1,30}))?(?:/(\d{1,30}))?", re.ASCII)
_FAST_ENTRY_TEXT = re.compile(_FAST_NUMBER, re.ASCII)  # the same entries as _FAST_ENTRY, as whole strings
_FAST_LINE = re.compile(rf"\s*{_FAST_NUMBER}(?:(?:\s*,\s*|\s+){_FAST_NUMBER})*\s*", re.ASCII)
_FAST_CHARS = re.compile(r"[0-9 ,;\n\[\]().\-/]+")
_FAST_SPLIT_ROWS = re.compile(r"[;\n]")
_FAST_GROUP = re.compile(r"\s*([\[(])([^\[\]()]*)([\])])\s*[,;\n]?", re.ASCII)
# the common case of _FAST_GROUP repeated: square brackets, each around one row
_FAST_SQUARE_GROUPS = re.compile(r"(?:\s*\[[^\[\]();\n]*\]\s*[,;\n]?)+", re.ASCII)
_FAST_SQUARE_INSIDE = re.compile(r"\[([^\[\]]*)\]")
_FAST_NESTED = re.compile(r"[\[(]\s*[\[(]")  # a text that opens with two brackets
# the commonest answer of all, "[1, -2, 1/2]": one square bracket around one row, nothing around it
_FAST_PLAIN_VECTOR = re.compile(r"\[([0-9 ,./\-]*)\]")

# Entry text ("-3", "1/2", "0.25") → its Scalar.  Scalars are immutable (a tuple of a Fraction, a float,
# a bool and None), so one object can stand for every occurrence of the same text; answers reuse a few
# small numbers over and over.  Bounded: emptied when full.
_ENTRY_CACHE: dict[str, Scalar] = {}
_ENTRY_CACHE_SIZE = 4096


def _fast_value(sign: str, whole: str, decimals: str | None, den: str | None) -> Scalar | None:
    if decimals is None and den is None:
        if len(whole) > MAX_DIGITS:
            return None
        n = -int(whole) if sign else int(whole)
        return Scalar(Fraction(n), float(n), False)
    if len(whole) + len(decimals or "") > MAX_DIGITS:
        return None
    n = int(whole + decimals) if decimals else int(whole)
    d = 10 ** len(decimals) if decimals else 1
    if den is not None:
        q = int(den) if len(den) <= MAX_DIGITS else 0
        if q == 0:
            return None
        d *= q
    if sign:
        n = -n
    return Scalar(Fraction(n, d), n / d, decimals is not None)  # n / d is correctly rounded, like float(Fraction)


def _fast_entry(text: str) -> Scalar | None:
    """The value of one entry matched by :data:`_FAST_ENTRY_TEXT` (``None`` if it is an error), cached."""
    value = _ENTRY_CACHE.get(text)
    if value is not None:
        return value
    m = _FAST_ENTRY.fullmatch(text)
    value = _fast_value(*m.groups()) if m is not None else None
    if value is not None:
        if len(_ENTRY_CACHE) >= _ENTRY_CACHE_SIZE:
            _ENTRY_CACHE.clear()
        _ENTRY_CACHE[text] = value
    return value


def _fast_scalar(text: str) -> Scalar | None:
    m = _FAST_SCALAR.fullmatch(text) if len(text) <= MAX_LENGTH else None
    return _fast_value(*m.groups()) if m else None


def _cached_line(line: str) -> list[Scalar | None]:
    """The cached values of the entries of one row, ``None`` where a piece is not a cached entry.

    Every cached key is one whole entry (it matched ``_FAST_ENTRY``).  The pieces are the white-space
    separated words between commas, and a blank stretch between commas is the piece ``""`` (never a
    key); so when every piece is a key, the row is entries separated by white space or by one comma
    with optional white space around it, which is what ``_FAST_LINE`` accepts, and the pieces are the
    entries that ``_FAST_ENTRY_TEXT`` finds.
    """
    cache = _ENTRY_CACHE
    return [cache.get(word) for part in line.split(",") for word in (part.split() or ("",))]


def _fast_line(line: str) -> list[Scalar] | None:
    """The entries of one row (no ``;`` or new line in it), or ``None``."""
    row = _cached_line(line)
    if None not in row:
        return row  # type: ignore[return-value]
    if not _FAST_LINE.fullmatch(line):
        return None
    row = [_fast_entry(e) for e in _FAST_ENTRY_TEXT.findall(line)]
    return None if None in row else row  # type: ignore[return-value]


def _fast_rows(body: str) -> list[list[Scalar]] | None:
    rows = []
    for line in _FAST_SPLIT_ROWS.split(body) if ";" in body or "\n" in body else (body,):
        if not line or line.isspace():
            continue
        row = _fast_line(line)
        if row is None:
            return None
        rows.append(row)
    return rows or None


def _fast_groups(body: str) -> list[list[Scalar]] | None:
    vectors: list[list[Scalar]] = []
    if _FAST_SQUARE_GROUPS.fullmatch(body):  # "[1, 2], [3, 4]": what the loop below reads, in one step
        insides = _FAST_SQUARE_INSIDE.findall(body)
        cache = _ENTRY_CACHE  # _cached_line, inlined: the common case of the commonest matrix spelling
        vectors = [[cache.get(word) for part in inside.split(",") for word in (part.split() or ("",))]
                   for inside in insides]  # type: ignore[misc]
        if True in [None in row for row in vectors]:  # not all cached: check and read each row (see _fast_line)
            vectors = []
            for inside in insides:
                row = None if not inside or inside.isspace() else _fast_line(inside)
                if row is None:
                    return None
                vectors.append(row)
        return vectors
    i = 0
    while i < len(body):
        m = _FAST_GROUP.match(body, i)
        if m is None:
            return None
        opened, inner, closed = m.groups()
        if _CLOSE[opened] != closed:
            return None
        rows = _fast_rows(inner)
        if rows is None:
            return None
        if len(rows) == 1:
            vector = rows[0]
        elif any(len(r) > 1 for r in rows):
            return None
        else:
            vector = [r[0] for r in rows]  # a bracketed column "(1; 2; 3)"
        if opened == "(" and len(vector) == 1:
            return None  # "(1)" is a number in parentheses, not a vector: leave it to the parser
        vectors.append(vector)
        i = m.end()
    return vectors or None


def _fast_grid(text: str) -> list[list[Scalar]] | None:
    if len(text) > MAX_LENGTH:
        return None
    plain = _FAST_PLAIN_VECTOR.fullmatch(text)
    if plain is not None:  # what the general case below does with such a text, in fewer steps
        inside = plain.group(1)
        row = None if not inside or inside.isspace() else _fast_line(inside)
        return [row] if row is not None and len(row) <= MAX_SIZE else None
    if not _FAST_CHARS.fullmatch(text):
        return None
    body = text.strip()
    if "[" not in body and "(" not in body and "]" not in body and ")" not in body:
        grid = _fast_rows(body)
    else:
        single = _FAST_GROUP.fullmatch(body)
        if single is not None and _CLOSE[single.group(1)] == single.group(3):
            grid = _fast_rows(single.group(2))  # one bracket around a grid: "[1 2; 3 4]", "(1;2;3)"
        elif _FAST_NESTED.match(body):
            # "[[1, 2], [3, 4]]" is not a list of groups (the first group would hold a bracket), so it can only
            # be one bracket around bracketed vectors
            grid = _fast_groups(body[1:-1]) if body[-1:] == _CLOSE[body[0]] else None
        else:
            grid = _fast_groups(body)
            if grid is None and body[:1] in "[(" and body[-1:] == _CLOSE[body[:1]]:
                grid = _fast_groups(body[1:-1])  # one bracket around bracketed vectors
    if grid is None:
        return None
    n = len(grid[0])
    for row in grid:
        if len(row) != n:
            return None
    if len(grid) > MAX_SIZE or n > MAX_SIZE:
        return None
    return grid
