"""Numbers as a person reads them: exact fractions, 4 significant digits, big counts, MathML matrices.

Exact results (``int``, ``Fraction``) print exactly (``-1/2``, or ``\\frac{1}{2}`` in MathML); floats
print with 4 significant digits, with ``·10ⁿ`` for very large or small ones.  MathML comes from
:func:`linlab.course.to_mathml`, whose output contains MathML elements only, so it is safe to mark
as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from django.utils.safestring import SafeString, mark_safe

from linlab.course import to_mathml

__all__ = [
    "number",
    "count",
    "power_of_ten",
    "superscript",
    "clean",
    "number_latex",
    "matrix_mathml",
    "vector_mathml",
    "math_inline",
]

Number = int | Fraction | float

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(k: int) -> str:
    """``k`` in superscript digits: ``superscript(256) == "²⁵⁶"``."""
    return str(k).translate(_SUPERSCRIPT)


def clean(x: float, scale: float = 1.0) -> float:
    """``x`` with rounding noise below ``1e-12·scale`` set to 0 (so ``-0.0`` and ``3e-17`` print as 0)."""
    return 0.0 if abs(x) <= 1e-12 * max(scale, 1e-300) else x


def _mantissa_exponent(x: float, digits: int) -> tuple[str, int]:
    m, e = f"{x:.{digits - 1}e}".split("e")
    return m.rstrip("0").rstrip("."), int(e)


def number(x: Number, digits: int = 4) -> str:
    """Plain text: ``3``, ``-1/2``, ``0.7071``, ``1.235·10⁸``.

    Examples
    --------
    >>> number(Fraction(-1, 2)), number(2 ** 0.5), number(123456789.0), number(-0.0)
    ('-1/2', '1.414', '1.235·10⁸', '0')
    """
    if isinstance(x, (int, Fraction)) and not isinstance(x, bool):
        return str(Fraction(x))
    x = float(x)
    if not math.isfinite(x):
        return "∞" if x > 0 else ("−∞" if x < 0 else "NaN")
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 10**digits * 10:
        text = f"{x:.{digits}g}"
        return text if "e" not in text else str(round(x))
    m, e = _mantissa_exponent(x, digits)
    return f"{m}·10{str(e).translate(_SUPERSCRIPT)}"


def count(n: int | float) -> str:
    """A count: exact with thin-space groups up to 10¹², else ``≈ 3.690·10²⁷``.

    Examples
    --------
    >>> count(268699206).split("\\u2009"), count(36965545741457043456)       # groups split by thin spaces
    (['268', '699', '206'], '≈ 3.697·10¹⁹')
    """
    if isinstance(n, float):
        if not math.isfinite(n):
            return "∞"
        if n < 1000:
            return number(n)
        if n < 1e12:
            return f"{round(n):,}".replace(",", "\u2009")
        return "≈ " + number(n)
    if n < 10**12:
        return f"{n:,}".replace(",", "\u2009")
    digits = len(str(n)) - 1
    lead = n / 10**digits if digits < 300 else int(str(n)[:5]) / 10**4
    return f"≈ {lead:.3f}·10{str(digits).translate(_SUPERSCRIPT)}"


def power_of_ten(log10: float) -> str:
    """``≈ m·10ᵉ`` for a number given by its base-10 logarithm (too large for a float).

    Examples
    --------
    >>> power_of_ten(360.2)
    '≈ 1.585·10³⁶⁰'
    """
    e = math.floor(log10)
    return f"≈ {10 ** (log10 - e):.3f}·10{str(e).translate(_SUPERSCRIPT)}"


def number_latex(x: Number, digits: int = 4) -> str:
    """LaTeX for one number: ``\\frac{1}{2}``, ``-0.7071``, ``1.235 \\cdot 10^{8}``."""
    if isinstance(x, (int, Fraction)) and not isinstance(x, bool):
        f = Fraction(x)
        if f.denominator == 1:
            return str(f.numerator)
        sign = "-" if f < 0 else ""
        return f"{sign}\\frac{{{abs(f.numerator)}}}{{{f.denominator}}}"
    text = number(x, digits)
    if "·10" in text:
        m, e = text.split("·10")
        exponent = e.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return f"{m} \\cdot 10^{{{exponent}}}"
    return text


def math_inline(latex: str, *, display: bool = False) -> SafeString:
    """A formula as MathML, safe to insert in a template (only MathML elements come out)."""
    return mark_safe(to_mathml(latex, display=display))  # noqa: S308  to_mathml validates its output


def matrix_mathml(rows: Sequence[Sequence[Number]], digits: int = 4) -> SafeString:
    """A matrix in parentheses, as MathML."""
    body = r" \\ ".join(" & ".join(number_latex(x, digits) for x in row) for row in rows)
    return math_inline(rf"\begin{{pmatrix}} {body} \end{{pmatrix}}")


def vector_mathml(v: Sequence[Number], digits: int = 4) -> SafeString:
    """A column vector, as MathML."""
    return matrix_mathml([[x] for x in v], digits)
