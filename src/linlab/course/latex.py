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

__all__ = ["number_latex", "vector_latex", "matrix_latex", "number_text", "vector_text", "matrix_text"]


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
    """Plain text for a vector: ``(1, -2, 1/3)``."""
    return "(" + ", ".join(number_text(x) for x in v) + ")"


def matrix_text(A: Sequence[Sequence[int | Fraction | float]]) -> str:
    """Plain text for a matrix as a learner types it: ``1 2; 3 4``."""
    return "; ".join(" ".join(number_text(x) for x in row) for row in _rows(A))
