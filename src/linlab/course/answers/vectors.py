"""Answer keys for a list of numbers: :class:`Vector`, :class:`ScaledVector` (a direction) and
:class:`Matrix`, with the exact and tolerant entry-by-entry comparisons they share."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

from linlab.course import parse
from linlab.course.i18n import LANGS
from linlab.course.parse import Scalar
from linlab.errors import ParseError

from .base import (
    _DECIMAL_COMMA,
    _EXACT_RTOL,
    Answer,
    Texts,
    _check_tolerance,
    _equal,
    _key_rows,
    _key_vector,
    _texts,
    _Verdict,
)

__all__ = ["Vector", "ScaledVector", "Matrix"]


class _VectorKey(Answer):
    """What Vector and ScaledVector share: the key's entries, its canonical text and how input is read."""

    def __init__(self, values: Sequence[int | Fraction | float | str], *, rtol: float = 1e-6, atol: float = 1e-9,
                 hints: dict[str, Texts] | None = None) -> None:
        _check_tolerance(rtol, atol)
        self.rtol, self.atol = float(rtol), float(atol)
        self.values, self._entry_texts = _key_vector(values, "values")
        self._check_key()
        self._exact = _Exact(self.values)
        super().__init__(hints=hints)

    def _check_key(self) -> None:
        """Reject a key that cannot be graded (before the hints are graded against it)."""

    @property
    def expected(self) -> str:
        return "[" + ", ".join(self._entry_texts) + "]"

    def _read(self, text: str) -> tuple[list[Scalar], str]:
        return parse.parse_vector(text), text


class Vector(_VectorKey):
    """A vector, right when every entry is equal (exactly, or within tolerance for decimals).

    Examples
    --------
    >>> key = Vector([1, -2, Fraction(1, 3)])
    >>> key.expected
    '[1, -2, 1/3]'
    >>> key.check("(1; -2; 1/3)").correct, key.check("1 -2").feedback
    (True, 'Expected 3 entries, got 2.')
    """

    answer_type = "vector"

    def _grade(self, value: tuple[list[Scalar], str]) -> _Verdict:
        got, text = value
        n = len(self.values)
        if len(got) != n:
            return _Verdict(False, builtin=_length_texts(n, len(got), text))
        if _all_equal(got, self.values, self._exact, self.rtol, self.atol):
            return _Verdict(True, tolerance=any([g.decimal for g in got]))
        # a multiple of the answer gets its own message, unless a hint matches (so decide it only then)
        return _Verdict(False, generic=lambda: _texts("parallel") if _parallel_to_key(got, self.values, self._exact,
                                                                                      self.rtol, self.atol)
                        else None)

    def _same(self, value: tuple[list[Scalar], str], other: tuple[list[Scalar], str]) -> bool:
        a, b = value[0], other[0]
        return len(a) == len(b) and all(_equal(x, y, self.rtol, self.atol) for x, y in zip(a, b))


def _length_texts(n: int, k: int, text: str) -> Texts:
    """"Expected n entries, got k", with a note on the decimal comma if the text has a comma between digits."""
    texts = _texts("vector_length", n=n, k=k)
    if _DECIMAL_COMMA.search(text):
        note = _texts("comma_note")
        texts = {lang: texts[lang] + note[lang] for lang in LANGS}
    return texts


class _Exact:
    """What :func:`_all_equal` needs to know of a key's entries, computed once with the key."""

    __slots__ = ("values", "plain", "ratios", "first")

    def __init__(self, values: list[Scalar]) -> None:
        exact = [s.exact for s in values]
        #: the exact values, or None if one of them is irrational
        self.values: list[Fraction] | None = None if any(x is None for x in exact) else exact  # type: ignore[assignment]
        #: every entry exact and none a decimal: then _equal compares exactly with an exact non-decimal entry
        self.plain = self.values is not None and not any(s.decimal for s in values)
        #: for plain entries, (numerator, denominator) of each, and the index of the first non-zero one (or None)
        self.ratios = [x.as_integer_ratio() for x in self.values] if self.plain else None  # type: ignore[union-attr]
        self.first = next((i for i, (n, _) in enumerate(self.ratios) if n), None) if self.ratios else None


def _all_equal(got: list[Scalar], want: list[Scalar], key: _Exact, rtol: float, atol: float) -> bool:
    """``all(_equal(g, w) for g, w in zip(got, want))`` for lists of one length; ``key`` is ``_Exact(want)``."""
    if key.values is not None:
        got_exact = [g.exact for g in got]
        if got_exact == key.values:
            return True  # every entry exactly equal: _equal holds whatever the decimal flags
        if key.plain:
            for g in got:
                if g.exact is None or g.decimal:
                    break
            else:
                return False  # exact against exact, no decimals: _equal is exact equality, and one pair differs
    for g, w in zip(got, want):
        if not _equal(g, w, rtol, atol):
            return False
    return True


def _is_zero(v: list[Scalar], atol: float) -> bool:
    """Whether every entry is 0 (exactly for exact entries, else within ``atol``)."""
    for s in v:
        x = s.exact
        if x is not None and not s.decimal:
            if x:
                return False
        elif abs(s.approx) > atol:
            return False
    return True


def _is_plain(v: list[Scalar]) -> bool:
    """Whether every entry is exact and none was typed as a decimal."""
    for s in v:
        if s.exact is None or s.decimal:
            return False
    return True


def _parallel_to_key(got: list[Scalar], want: list[Scalar], key: _Exact, rtol: float, atol: float) -> bool:
    """``_parallel(got, want, rtol, atol)`` for a key's ``want``, with ``key = _Exact(want)`` computed once."""
    if key.ratios is None:
        return _parallel(got, want, rtol, atol)
    gr = []
    for s in got:
        x = s.exact
        if x is None or s.decimal:
            return _parallel(got, want, rtol, atol)
        gr.append(x.as_integer_ratio())
    i = key.first
    if i is None or not any([a for a, _ in gr]):
        return False  # the key or the answer is exactly zero
    # the integer test of _parallel, with the key's side precomputed
    (a_i, b_i), (c_i, d_i) = gr[i], key.ratios[i]
    if a_i == 0:
        return False
    left, right = c_i * b_i, a_i * d_i
    for (a, b), (c, d) in zip(gr, key.ratios):
        if a * d * left != c * b * right:
            return False
    return True


def _parallel(got: list[Scalar], want: list[Scalar], rtol: float, atol: float) -> bool:
    """Whether ``got`` is a non-zero multiple of ``want`` (exactly for exact entries, else within tolerance)."""
    if _is_zero(got, atol) or _is_zero(want, atol):
        return False
    if _is_plain(got) and _is_plain(want):
        # got = c·want with c = g_i / w_i  ⇔  g_j·w_i = g_i·w_j for every j; in integers, with g = a/b and
        # w = c/d (b, d > 0):  a_j·d_j·(c_i·b_i) = c_j·b_j·(a_i·d_i)
        gr = [s.exact.as_integer_ratio() for s in got]  # type: ignore[union-attr]
        wr = [s.exact.as_integer_ratio() for s in want]  # type: ignore[union-attr]
        i = next(k for k, (c, _) in enumerate(wr) if c != 0)
        (a_i, b_i), (c_i, d_i) = gr[i], wr[i]
        if a_i == 0:
            return False
        left, right = c_i * b_i, a_i * d_i
        for (a, b), (c, d) in zip(gr, wr):
            if a * d * left != c * b * right:
                return False
        return True
    tol = rtol if any(s.decimal for s in got + want) else _EXACT_RTOL
    g = [s.approx for s in got]
    w = [s.approx for s in want]
    gw = sum(a * b for a, b in zip(g, w))
    ww = sum(b * b for b in w)
    gg = sum(a * a for a in g)
    residual = math.sqrt(max(gg - gw * gw / ww, 0.0))
    return residual <= tol * math.sqrt(gg) + atol


class Matrix(Answer):
    """A matrix (list of rows, shape ``(m, n)``), right when every entry is equal.

    Examples
    --------
    >>> key = Matrix([[1, 2, 3], [4, 5, 6]])
    >>> key.check("[[1,2,3],[4,5,6]]").correct
    True
    >>> key.check("1 2 3 4 5 6").feedback
    'Expected a 2×3 matrix, got 1×6. Separate rows with ; or new lines.'
    """

    answer_type = "matrix"

    def __init__(self, rows: Sequence[Sequence[int | Fraction | float | str]], *, rtol: float = 1e-6,
                 atol: float = 1e-9, hints: dict[str, Texts] | None = None) -> None:
        _check_tolerance(rtol, atol)
        self.rtol, self.atol = float(rtol), float(atol)
        self.rows, self._entry_texts = _key_rows(rows, "rows")
        self._shape = (len(self.rows), len(self.rows[0]))
        # the entries row by row, and those of the transpose (shape (n, m)) row by row
        self._flat = [x for row in self.rows for x in row]
        self._flat_t = [x for col in zip(*self.rows) for x in col]
        self._exact, self._exact_t = _Exact(self._flat), _Exact(self._flat_t)
        super().__init__(hints=hints)

    @property
    def shape(self) -> tuple[int, int]:
        """``(m, n)``: rows, columns."""
        return len(self.rows), len(self.rows[0])

    @property
    def expected(self) -> str:
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in self._entry_texts) + "]"

    def _read(self, text: str) -> list[list[Scalar]]:
        return parse.parse_matrix(text)

    def _equal_rows(self, a: list[list[Scalar]], b: list[list[Scalar]]) -> bool:
        return all(_equal(x, y, self.rtol, self.atol) for ra, rb in zip(a, b) for x, y in zip(ra, rb))

    def _grade(self, got: list[list[Scalar]]) -> _Verdict:
        m, n = self._shape
        p, q = len(got), len(got[0])
        flat = [x for row in got for x in row]
        rtol, atol = self.rtol, self.atol
        # got's transpose equals the key  ⇔  got equals the key's transpose: the same pairs of entries, and
        # with equal shapes, equal entries row by row
        if (p, q) != (m, n):
            if (p, q) == (n, m) and _all_equal(flat, self._flat_t, self._exact_t, rtol, atol):
                return _Verdict(False, builtin=_texts("transpose"))
            texts = _texts("matrix_shape", m=m, n=n, p=p, q=q)
            if p == 1 and m > 1:
                note = _texts("rows_note")
                texts = {lang: texts[lang] + note[lang] for lang in LANGS}
            return _Verdict(False, builtin=texts)
        if _all_equal(flat, self._flat, self._exact, rtol, atol):
            return _Verdict(True, tolerance=any([s.decimal for s in flat]))
        if m == n and _all_equal(flat, self._flat_t, self._exact_t, rtol, atol):
            return _Verdict(False, builtin=_texts("transpose"))
        return _Verdict(False)

    def _same(self, value: list[list[Scalar]], other: list[list[Scalar]]) -> bool:
        return (len(value), len(value[0])) == (len(other), len(other[0])) and self._equal_rows(value, other)


class ScaledVector(_VectorKey):
    """A direction: any non-zero multiple of ``values`` is right (an eigenvector, a normal vector).

    Examples
    --------
    >>> key = ScaledVector([1, -2])
    >>> key.check("[-3, 6]").correct, key.check("0 0").feedback
    (True, 'The zero vector does not count: it is not an eigenvector and has no direction.')
    """

    answer_type = "scaled_vector"

    def _check_key(self) -> None:
        if _is_zero(self.values, 0.0):
            raise ParseError("values must not be the zero vector: it has no direction")

    def _grade(self, value: tuple[list[Scalar], str]) -> _Verdict:
        got, text = value
        n = len(self.values)
        if len(got) != n:
            return _Verdict(False, builtin=_length_texts(n, len(got), text))
        if _is_zero(got, self.atol):
            return _Verdict(False, builtin=_texts("scaled_zero"))
        if _parallel_to_key(got, self.values, self._exact, self.rtol, self.atol):
            return _Verdict(True, tolerance=any(s.decimal for s in got))
        return _Verdict(False, generic=_texts("scaled_direction"))

    def _same(self, value: tuple[list[Scalar], str], other: tuple[list[Scalar], str]) -> bool:
        a, b = value[0], other[0]
        return len(a) == len(b) and (_parallel(a, b, self.rtol, self.atol)
                                     or (_is_zero(a, self.atol) and _is_zero(b, self.atol)))
