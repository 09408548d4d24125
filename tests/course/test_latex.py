"""The shared LaTeX pieces of worked solutions, read back with sympy and checked against the arithmetic."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy.parsing.sympy_parser import implicit_multiplication, parse_expr, standard_transformations

from linlab.course import to_mathml
from linlab.course.latex import (
    factor_latex,
    lincomb_latex,
    products_latex,
    signed_text,
    vector_latex,
    vectors_latex,
)
from linlab.errors import DTypeError, ShapeError

ints = st.integers(-12, 12)
exact = st.one_of(ints, st.fractions(min_value=-5, max_value=5, max_denominator=6))
NAMES = sympy.symbols("v_1:7")


def read_back(tex: str) -> sympy.Expr:
    """Evaluate the LaTeX that these helpers write (\\frac, \\cdot, names like v_1, juxtaposition)."""
    text = re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"(\1/\2)", tex).replace("\\cdot", "*")
    return parse_expr(text, local_dict={str(s): s for s in NAMES},
                      transformations=standard_transformations + (implicit_multiplication,))


@given(exact)
def test_factor_latex_is_the_number_and_parenthesised_exactly_when_negative(x):
    tex = factor_latex(x)
    assert read_back(tex) == sympy.Rational(x.numerator, x.denominator)
    assert tex.startswith("(") == (x < 0)
    assert read_back(f"2 \\cdot {tex}") == 2 * sympy.Rational(x.numerator, x.denominator)  # safe as a factor


@given(st.integers(1, 6).flatmap(lambda n: st.tuples(st.lists(exact, min_size=n, max_size=n),
                                                     st.lists(exact, min_size=n, max_size=n))))
def test_products_latex_sums_to_the_dot_product_term_by_term(xy):
    x, y = xy
    tex = products_latex(x, y)
    terms = tex.split(" + ")
    assert len(terms) == len(x)
    assert read_back(tex) == sum((Fraction(p) * q for p, q in zip(x, y)), Fraction(0))
    for term, p, q in zip(terms, x, y):
        assert read_back(term) == Fraction(p) * q


@given(st.integers(1, 6).flatmap(lambda n: st.lists(exact, min_size=n, max_size=n)), st.booleans())
def test_lincomb_latex_is_the_combination_written_as_a_person_writes_it(coeffs, dot):
    names = [str(s) for s in NAMES[: len(coeffs)]]
    tex = lincomb_latex(coeffs, names, dot=dot)
    expected = sum(sympy.Rational(c.numerator, c.denominator) * s for c, s in zip(coeffs, NAMES))
    assert sympy.simplify(read_back(tex) - expected) == 0
    # zero terms are dropped, a coefficient ±1 is not written, signs are folded in
    shown = [n for n, c in zip(names, coeffs) if c != 0]
    assert re.findall(r"v_\d", tex) == shown
    assert tex == "0" if not shown else "+ -" not in tex and not re.search(r"(?<![\d}])1 (\\cdot )?v", tex)
    assert (" \\cdot " in tex) == (dot and any(abs(c) != 1 for c in coeffs if c != 0))


def test_lincomb_latex_examples():
    assert lincomb_latex([1, -1], ["a", "b"]) == "a - b"
    assert lincomb_latex([-2, 0, 1], ["(1, 0)", "(0, 1)", "(1, 1)"], dot=True) == "-2 \\cdot (1, 0) + (1, 1)"
    assert lincomb_latex([Fraction(-1, 2)], ["u"]) == "-\\frac{1}{2} u"


@given(st.integers(-10**6, 10**6))
def test_signed_text_is_a_later_term_of_a_sum(c):
    text = signed_text(c)
    assert re.fullmatch(r"[+-] \d+", text)
    assert sympy.sympify(f"7 {text}") == 7 + c


def test_vectors_latex_lists_column_vectors_that_render():
    vs = [[1, 0, Fraction(1, 2)], [-2, 3, 0]]
    tex = vectors_latex(vs)
    assert tex == f"{vector_latex(vs[0])}, {vector_latex(vs[1])}"
    assert tex.count("\\begin{pmatrix}") == 2 and vectors_latex([]) == ""
    assert to_mathml(tex).count("<mtable") == 2


def test_bad_arguments_are_named():
    with pytest.raises(ShapeError, match="x and y must have the same length, got 2 and 3"):
        products_latex([1, 2], [1, 2, 3])
    with pytest.raises(ShapeError, match="coeffs and terms must have the same length, got 1 and 2"):
        lincomb_latex([1], ["a", "b"])
    with pytest.raises(DTypeError, match="c must be an int, got float 1.5"):
        signed_text(1.5)  # type: ignore[arg-type]
    with pytest.raises(DTypeError, match="c must be an int, got bool True"):
        signed_text(True)
    with pytest.raises(DTypeError, match="x must be an int, a Fraction or a float"):
        factor_latex("3")  # type: ignore[arg-type]
