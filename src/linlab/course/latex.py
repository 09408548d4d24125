"""LaTeX for exact numbers, vectors and matrices in prompts and solutions.

Everything here produces commands that the course's MathML converter understands (``\\frac``,
``\\begin{pmatrix}``); the output goes between ``$…$`` in a prompt.  Numbers are ``int`` or
``fractions.Fraction`` (a Fraction with denominator 1 prints as an integer); a float prints with up to
6 significant digits.

Examples
--------
>>> matrix_latex([[1, -2], [Fraction(1, 2), 0]])
'\\\\begin{pmatrix} 1 & -2 \\\\\\\\ \\\\frac{1}{2} & 0 \\\\end{pmatrix}'
>>> print(vector_latex([1, 2]))
\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}
>>> number_latex(Fraction(-3, 4))
'-\\\\frac{3}{4}'
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Sequence

from linlab.errors import DTypeError, NonFiniteError, ShapeError

__all__ = [
    "number_latex",
    "vector_latex",
    "matrix_latex",
    "number_text",
    "vector_text",
    "matrix_text",
    "vectors_latex",
    "factor_latex",
    "products_latex",
    "lincomb_latex",
    "signed_text",
]


def _check_number(x: object, name: str) -> None:
    if type(x) is int:
        return
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise DTypeError(f"{name} must be an int, a Fraction or a float, got {type(x).__name__} {x!r}")
    if isinstance(x, float) and not math.isfinite(x):
        raise NonFiniteError(f"{name} must be finite, got {x!r}")


def number_latex(x: int | Fraction | float) -> str:
    """LaTeX for one number: ``3``, ``-\\frac{1}{2}``, ``0.333333``.

    Raises
    ------
    DTypeError
        If ``x`` is not a real number (``bool`` is refused too).
    NonFiniteError
        If ``x`` is a NaN or infinite float.
    """
    if type(x) is int:
        return str(x)
    _check_number(x, "x")
    if isinstance(x, float):
        return f"{x:.6g}"
    x = Fraction(x)  # type: ignore[arg-type]
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    return f"{sign}\\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"


def number_text(x: int | Fraction | float) -> str:
    """Plain text for one number, as a learner would type it: ``3``, ``-1/2``, ``0.333333``."""
    _check_number(x, "x")
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(Fraction(x))  # type: ignore[arg-type]


def _rows(A: Sequence[Sequence[int | Fraction | float]]) -> list[list[int | Fraction | float]]:
    if isinstance(A, (str, bytes)) or not isinstance(A, Sequence) or len(A) == 0:
        raise ShapeError(f"A must be a non-empty list of rows, got {A!r}")
    rows = []
    for i, row in enumerate(A):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ShapeError(f"A must be a list of rows; row {i} is {row!r}")
        rows.append(list(row))
    n = len(rows[0])
    if n == 0 or any(len(r) != n for r in rows):
        raise ShapeError(f"A must have rows of one non-zero length, got lengths {[len(r) for r in rows]}")
    for i, row in enumerate(rows):
        for j, x in enumerate(row):
            _check_number(x, f"A[{i}][{j}]")
    return rows


def matrix_latex(A: Sequence[Sequence[int | Fraction | float]]) -> str:
    """A ``pmatrix`` for a matrix given as a list of rows, shape ``(m, n)``.

    Raises
    ------
    ShapeError
        If ``A`` is empty or its rows differ in length.
    DTypeError
        If an entry is not a real number.
    """
    rows = _rows(A)
    body = " \\\\ ".join(" & ".join(number_latex(x) for x in row) for row in rows)
    return f"\\begin{{pmatrix}} {body} \\end{{pmatrix}}"


def vector_latex(v: Sequence[int | Fraction | float], *, column: bool = True) -> str:
    """A vector of length n as a column ``pmatrix`` (``column=False``: a row ``(1, 2, 3)``).

    Examples
    --------
    >>> vector_latex([1, Fraction(-1, 3)], column=False)
    '\\\\left(1, -\\\\frac{1}{3}\\\\right)'
    """
    rows = _rows([list(v)] if isinstance(v, Sequence) and not isinstance(v, (str, bytes)) else v)  # type: ignore[list-item]
    if not column:
        return "\\left(" + ", ".join(number_latex(x) for x in rows[0]) + "\\right)"
    return matrix_latex([[x] for x in rows[0]])


def vector_text(v: Sequence[int | Fraction | float]) -> str:
    """Plain text for a vector: ``(1, -2, 1/3)``.

    For an integer vector this is also valid LaTeX, so prompts use it for vectors written as tuples
    (``$x = (1, -2, 0)$``) and it matches what a learner types.
    """
    return "(" + ", ".join(number_text(x) for x in v) + ")"


def matrix_text(A: Sequence[Sequence[int | Fraction | float]]) -> str:
    """Plain text for a matrix as a learner types it: ``1 2; 3 4``."""
    return "; ".join(" ".join(number_text(x) for x in row) for row in _rows(A))


# --------------------------------------------------------------------------------------------------
# pieces of worked solutions


def vectors_latex(vectors: Sequence[Sequence[int | Fraction | float]]) -> str:
    """Several column vectors, comma-separated: ``\\begin{pmatrix} 1 \\\\ 0 \\end{pmatrix}, …``.

    Each vector (of any length n) is written by :func:`vector_latex`; an empty list gives ``""``.

    Examples
    --------
    >>> print(vectors_latex([[1, 0], [2, -1]]))
    \\begin{pmatrix} 1 \\\\ 0 \\end{pmatrix}, \\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}
    """
    return ", ".join(vector_latex(v) for v in vectors)


def factor_latex(x: int | Fraction | float) -> str:
    """LaTeX for a number as a factor of a product: :func:`number_latex`, in parentheses when negative.

    Examples
    --------
    >>> factor_latex(3), factor_latex(-3), factor_latex(Fraction(-1, 2))
    ('3', '(-3)', '(-\\\\frac{1}{2})')
    """
    s = number_latex(x)
    return f"({s})" if x < 0 else s


def _same_length(a: Sequence[object], b: Sequence[object], names: str) -> None:
    if len(a) != len(b):
        raise ShapeError(f"{names} must have the same length, got {len(a)} and {len(b)}")


def products_latex(x: Sequence[int | Fraction | float], y: Sequence[int | Fraction | float]) -> str:
    """The terms of the dot product of two vectors of length n: ``x_1 \\cdot y_1 + x_2 \\cdot y_2 + …``.

    Every factor is written by :func:`factor_latex` (negative ones in parentheses).

    Raises
    ------
    ShapeError
        If ``x`` and ``y`` differ in length.

    Examples
    --------
    >>> print(products_latex([1, -2], [3, 4]))
    1 \\cdot 3 + (-2) \\cdot 4
    """
    _same_length(x, y, "x and y")
    return " + ".join(f"{factor_latex(p)} \\cdot {factor_latex(q)}" for p, q in zip(x, y))


def lincomb_latex(coeffs: Sequence[int | Fraction], terms: Sequence[str], *, dot: bool = False) -> str:
    """LaTeX for the linear combination ``c_1 t_1 + c_2 t_2 + …`` of n terms, as a person writes it.

    Signs are folded in (``2 v_1 - v_2``, never ``+ -1 v_2``), coefficients 1 and -1 are left out, terms
    with coefficient 0 are dropped, and a combination with no terms left is ``0``.

    Parameters
    ----------
    coeffs : sequence of int or Fraction, length n
        The coefficients (written by :func:`number_latex`).
    terms : sequence of str, length n
        LaTeX for the terms: names (``"v_1"``) or whole vectors (``vector_text(v)``).
    dot : bool
        Write ``2 \\cdot t`` instead of ``2 t`` (for terms that are numbers or tuples).

    Raises
    ------
    ShapeError
        If ``coeffs`` and ``terms`` differ in length.

    Examples
    --------
    >>> lincomb_latex([2, -1, 0], ["v_1", "v_2", "v_3"])
    '2 v_1 - v_2'
    >>> print(lincomb_latex([-1, 3], ["(1, 0)", "(0, 1)"], dot=True))
    -(1, 0) + 3 \\cdot (0, 1)
    >>> lincomb_latex([0, 0], ["a", "b"])
    '0'
    """
    _same_length(coeffs, terms, "coeffs and terms")
    out = ""
    for c, t in zip(coeffs, terms):
        if c == 0:
            continue
        size = "" if abs(c) == 1 else number_latex(abs(c)) + (" \\cdot " if dot else " ")
        sign = ("-" if c < 0 else "") if not out else (" - " if c < 0 else " + ")
        out += f"{sign}{size}{t}"
    return out or "0"


def signed_text(c: int) -> str:
    """An integer as a later term of a sum: ``+ 3``, ``- 3``, ``+ 0``; plain text that is also LaTeX.

    Raises
    ------
    DTypeError
        If ``c`` is not an int.

    Examples
    --------
    >>> "t^2 " + signed_text(-7) + "t " + signed_text(10)
    't^2 - 7t + 10'
    """
    if type(c) is not int:
        raise DTypeError(f"c must be an int, got {type(c).__name__} {c!r}")
    return f"- {-c}" if c < 0 else f"+ {c}"
