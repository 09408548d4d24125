"""Answer keys: right answers in every spelling grade right, wrong ones get the targeted feedback,
checked against independent computations (numpy ranks and products, sympy expansions)."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from linlab.course import answers, randmat
from linlab.course.answers import (
    Basis,
    Choice,
    Expression,
    ImageBasis,
    Integer,
    KernelBasis,
    Matrix,
    Number,
    Result,
    ScaledVector,
    Vector,
    YesNo,
    from_inline,
)
from linlab.course.i18n import message
from linlab.errors import ParseError

small = st.integers(-9, 9)
fractions = st.fractions(min_value=-20, max_value=20, max_denominator=9)


def vec(values) -> str:
    return "[" + ", ".join(str(x) for x in values) + "]"


def has_cyrillic(text: str) -> bool:
    return bool(re.search("[а-яА-ЯёЁ]", text))


KEYS = [
    Integer(3), Number("sqrt(2)/2"), Number(Fraction(1, 3)), Number(0.25), Vector([1, 2, Fraction(1, 2)]),
    Matrix([[1, 2, 3], [4, 5, 6]]), KernelBasis([[1, 2, 3]]), ImageBasis([[1, 2], [2, 4]]), Basis([], ambient=2),
    ScaledVector([1, -1]), Expression("x^2 - 1"), Expression("x y + log(x)", variables=["x", "y"]), YesNo(True),
    Choice({"en": ["a", "b"], "ru": ["а", "б"]}, 1),
]


# --------------------------------------------------------------------------------------------- for every key


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_the_expected_string_grades_correct_in_both_languages(key):
    for lang in ("en", "ru"):
        r = key.check(key.expected, lang)
        assert r == Result(True, 1.0, r.feedback) and r.feedback
    assert key.answer_type in answers.ANSWER_TYPES


tokens = st.sampled_from(["(", ")", "[", "]", ",", ";", " ", "\n", "-", "+", "*", "/", "^", "√", ".", "e", "0", "1",
                          "2", "3", "x", "y", "sqrt(", "log(", "pi", "1e5", "0,5", "none", "да", "b", "\u2212", "\x00"])
texts = st.one_of(st.text(max_size=100), st.lists(tokens, max_size=40).map("".join))


@given(texts)
def test_check_never_raises_for_any_text(text):
    for key in KEYS:
        for lang in ("en", "ru"):
            r = key.check(text, lang)
            assert isinstance(r, Result) and 0.0 <= r.score <= 1.0 and r.feedback


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_unreadable_input_is_a_wrong_result_in_the_learners_language(key):
    en, ru = key.check("((", "en"), key.check("((", "ru")
    assert not en.correct and not ru.correct and en.score == 0.0
    assert not has_cyrillic(en.feedback) and has_cyrillic(ru.feedback)


def test_check_refuses_non_strings_and_unknown_languages():
    with pytest.raises(TypeError):
        Integer(1).check(1)  # type: ignore[arg-type]
    with pytest.raises(ParseError, match="lang must be 'en' or 'ru', got 'de'"):
        Integer(1).check("1", "de")


def test_result_is_validated_and_frozen():
    with pytest.raises(ParseError):
        Result(True, 0.5, "x")
    with pytest.raises(ParseError):
        Result(False, 1.5, "x")
    r = Result(False, 0.5, "x")
    with pytest.raises(AttributeError):
        r.score = 1.0  # type: ignore[misc]


# --------------------------------------------------------------------------------------------- numbers


@given(st.integers(-10**6, 10**6), fractions)
def test_integer_accepts_any_spelling_of_the_value_and_explains_non_integers(n, q):
    key = Integer(n)
    assert key.check(f"{2 * n}/2").correct and key.check(f"{n}.0").correct
    assume(q.denominator != 1)
    r = key.check(str(q))
    assert not r.correct and "whole number" in r.feedback


@given(st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-3), st.floats(-1, 1))
def test_number_grades_within_its_tolerance(value, wiggle):
    key = Number(value, rtol=1e-6, atol=0.0)
    typed = value * (1 + wiggle * 1e-7)
    assert key.check(repr(typed)).correct
    off = value * (1 + (0.5 + abs(wiggle)) * 1e-3)
    r = key.check(repr(off))
    assert not r.correct and "close" in r.feedback.lower()
    assert not key.check(repr(-value * 3)).correct


def test_number_from_exact_text_accepts_equivalent_forms_and_decimal_commas():
    key = Number("sqrt(2)/2")
    for typed in ("1/sqrt(2)", "√2/2", "2^(-1/2)", "0,7071067812", "0.70710678"):
        assert key.check(typed).correct, typed
    assert key.check("0,70710678").feedback == "Correct (within the tolerance)."
    assert key.check("1/sqrt(2)").feedback == "Correct."
    assert not key.check("0.7").correct


def test_number_refuses_a_non_finite_key():
    from linlab.errors import NonFiniteError

    with pytest.raises(NonFiniteError):
        Number(float("nan"))


# --------------------------------------------------------------------------------------------- vectors and matrices


@given(st.lists(fractions, min_size=1, max_size=6))
def test_vector_compares_exactly_and_says_how_many_entries(values):
    key = Vector(values)
    assert key.check(" ".join(str(v) for v in values)).correct
    r = key.check(vec(values + [1]))
    assert not r.correct and r.feedback == f"Expected {len(values)} entries, got {len(values) + 1}."
    changed = list(values)
    changed[-1] += Fraction(1, 7)
    r = key.check(vec(changed))
    assert not r.correct
    for v in values:  # which entry is wrong is not given away, and neither is the answer
        assert key.expected not in r.feedback


def test_vector_feedback_for_a_multiple_and_for_decimal_commas():
    key = Vector([1, 2])
    assert key.check("[2, 4]").feedback.startswith("Your vector points in the right direction")
    r = key.check("0,5, 1")
    assert r.feedback == "Expected 2 entries, got 3." + message("comma_note", "en")
    assert "comma separates entries" in Vector([Fraction(1, 2)]).check("0,5").feedback
    assert Vector([Fraction(1, 2), 3]).check("0.5 3").correct


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_matrix_detects_the_transpose_and_wrong_shapes(m, n, data):
    rows = data.draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=m, max_size=m))
    key = Matrix(rows)
    text = "; ".join(" ".join(str(x) for x in r) for r in rows)
    assert key.check(text).correct
    T = np.array(rows).T.tolist()
    if T != rows:
        r = key.check("; ".join(" ".join(str(x) for x in r) for r in T))
        assert not r.correct and r.feedback == "You entered the transpose."
    r = key.check("[" + ", ".join(str(x) for x in range(m * n + 1)) + "]")
    assert not r.correct and f"Expected a {m}×{n} matrix" in r.feedback


def test_matrix_shape_message_suggests_row_separators():
    r = Matrix([[1, 2], [3, 4]]).check("1 2 3 4")
    assert r.feedback == "Expected a 2×2 matrix, got 1×4. Separate rows with ; or new lines."
    assert Matrix([[1, 2], [3, 4]]).check("1 2 3 4", "ru").feedback.startswith("Ожидается матрица 2×2")


# Grading compares the key's entries with precomputed data (exact values, the transpose) and cross-multiplies
# in integers; these check the verdicts against a plain entry-by-entry comparison in Fractions and sympy.


def typed(x: Fraction, decimal: bool) -> str:
    return repr(float(x)) if decimal else str(x)


def close(got: Fraction, want: Fraction, decimal: bool) -> bool:
    """The documented rule: exact values equal exactly; a typed decimal within 1e-9 + 1e-6·|want|."""
    return got == want or (decimal and abs(float(got) - float(want)) <= 1e-9 + 1e-6 * abs(float(want)))


@given(st.lists(fractions, min_size=1, max_size=5), st.data())
def test_vector_verdicts_agree_with_an_entrywise_comparison(values, data):
    key = Vector(values)
    how = data.draw(st.sampled_from(["same", "one entry", "multiple", "zero"]))
    got = list(values)
    if how == "one entry":
        i = data.draw(st.integers(0, len(got) - 1))
        got[i] += data.draw(st.sampled_from([Fraction(1), Fraction(-1, 3), Fraction(1, 10**8)]))
    elif how == "multiple":
        got = [data.draw(fractions.filter(lambda c: c not in (0, 1))) * x for x in got]
    elif how == "zero":
        got = [Fraction(0)] * len(got)
    decimals = data.draw(st.lists(st.booleans(), min_size=len(got), max_size=len(got)))
    r = key.check(vec(typed(x, d) for x, d in zip(got, decimals)))
    assert r.correct == all(close(g, w, d) for g, w, d in zip(got, values, decimals))
    if not r.correct and not any(decimals):
        parallel = any(got) and any(values) and sympy.Matrix([got, values]).rank() == 1
        assert r.feedback == message("parallel" if parallel else "wrong", "en")


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_matrix_verdicts_agree_with_an_entrywise_comparison(m, n, data):
    rows = data.draw(st.lists(st.lists(fractions, min_size=n, max_size=n), min_size=m, max_size=m))
    key = Matrix(rows)
    how = data.draw(st.sampled_from(["same", "transpose", "one entry"]))
    got = [list(r) for r in rows]
    if how == "transpose":
        got = [list(c) for c in zip(*rows)]
    elif how == "one entry":
        got[data.draw(st.integers(0, m - 1))][data.draw(st.integers(0, n - 1))] += Fraction(1, 3)
    decimal = data.draw(st.booleans())
    r = key.check("[" + ", ".join(vec(typed(x, decimal) for x in row) for row in got) + "]")
    equal = (len(got), len(got[0])) == (m, n) and all(close(g, w, decimal) for gr, wr in zip(got, rows)
                                                       for g, w in zip(gr, wr))
    transposed = (len(got), len(got[0])) == (n, m) and all(close(got[j][i], rows[i][j], decimal)
                                                           for i in range(m) for j in range(n))
    assert r.correct == equal
    if not equal:
        if transposed:
            assert r.feedback == message("transpose", "en")
        elif (len(got), len(got[0])) == (m, n):
            assert r.feedback == message("wrong", "en")
        else:
            assert r.feedback.startswith(f"Expected a {m}×{n} matrix")


@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_exact_rank_and_span_membership_agree_with_sympy(m, n, data):
    rows = data.draw(st.lists(st.lists(fractions, min_size=n, max_size=n), min_size=m, max_size=m))
    rank = sympy.Matrix(rows).rank()
    assert answers._rank_exact(rows) == rank
    basis = [[Fraction(int(x.p), int(x.q)) for x in v] for v in sympy.Matrix(rows).rowspace()]
    span = answers._Span(basis, n)
    c = data.draw(st.lists(small, min_size=m, max_size=m))
    v = [sum((a * row[j] for a, row in zip(c, rows)), Fraction(0)) for j in range(n)]  # in the span
    how = data.draw(st.sampled_from(["inside", "one coordinate off", "random"]))
    if how == "one coordinate off":
        v[data.draw(st.integers(0, n - 1))] += 1
    elif how == "random":
        v = data.draw(st.lists(fractions, min_size=n, max_size=n))
    inside = sympy.Matrix(rows + [v]).rank() == rank
    assert span.contains(v) == inside


def reference_message(key: str, lang: str, **fields) -> str:
    """i18n.message as it was first written: every companion computed, whether the template uses it or not."""
    from linlab.course.i18n import MESSAGES, _RU_FORMS, capitalize, plural

    template = MESSAGES[key][lang]
    extra = {}
    for field, value in fields.items():
        if isinstance(value, int) and not isinstance(value, bool):
            for noun, forms in _RU_FORMS.items():
                extra[f"{field}_{noun}_ru"] = plural(value, forms)
        if field == "name" and isinstance(value, str):
            extra["Name"] = capitalize(value)
    return template.format(**fields, **extra)


@given(st.data())
def test_messages_fill_their_plural_forms_and_capitals_like_the_reference(data):
    import string

    from linlab.course.i18n import MESSAGES

    key = data.draw(st.sampled_from(sorted(MESSAGES)))
    lang = data.draw(st.sampled_from(["en", "ru"]))
    names = {name for t in MESSAGES[key].values() for _, name, _, _ in string.Formatter().parse(t) if name}
    bases = {re.sub(r"_(chars|entries)_ru$", "", n) for n in names if n != "Name"} | ({"name"} if "Name" in names else set())
    # any field may be an int (then it has plural companions) or a str (then "name" has a capitalised one)
    fields = {b: data.draw(st.one_of(st.integers(0, 125), st.sampled_from(["ядро", "the kernel", "A"]))) for b in bases}

    def outcome(f):
        try:
            return f(key, lang, **fields)
        except KeyError as err:  # an int name has no capitalised form
            return repr(err)

    assert outcome(message) == outcome(reference_message)


# --------------------------------------------------------------------------------------------- bases


@st.composite
def kernel_cases(draw):
    m, n = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    rank = draw(st.integers(0, min(m, n) - 1 if min(m, n) == n else min(m, n)))
    A = randmat.with_rank(random.Random(draw(st.integers(0, 10**6))), m, n, rank=rank)
    return A, draw(st.integers(0, 10**6))


def combine(rng: random.Random, basis: list[list[int]]) -> list[list[int]]:
    """Another basis of the same span: an invertible integer recombination."""
    k = len(basis)
    U = randmat.unimodular(rng, k) if k > 1 else [[rng.choice([-2, -1, 1, 3])]]
    return [[sum(U[i][j] * basis[j][c] for j in range(k)) for c in range(len(basis[0]))] for i in range(k)]


@given(kernel_cases())
def test_any_basis_of_the_kernel_is_right_and_missing_vectors_get_partial_credit(case):
    A, seed = case
    rng = random.Random(seed)
    key = KernelBasis(A)
    M = np.array(A, dtype=object)
    basis = key.vectors
    d = len(A[0]) - np.linalg.matrix_rank(np.array(A, dtype=float))  # independent: rank–nullity with numpy
    assert key.dim == d
    if d == 0:
        assert key.check("none").correct and key.expected == "none"
        return
    ints = [[int(x) for x in v] for v in basis]
    other = combine(rng, ints)
    assert all(all(x == 0 for x in M.dot(np.array(v, dtype=object))) for v in other)
    assert key.check(", ".join(vec(v) for v in other)).correct
    if d > 1:
        r = key.check(", ".join(vec(v) for v in other[:-1]))
        assert not r.correct and r.score == pytest.approx((d - 1) / d)
        assert f"spans a {d - 1}-dimensional subspace; the kernel has dimension {d}" in r.feedback
    r = key.check(", ".join(vec(v) for v in other + [[2 * x for x in other[0]]]))
    assert not r.correct and "linearly dependent" in r.feedback
    r = key.check("none")
    assert not r.correct and f"the kernel has dimension {d}" in r.feedback


@given(kernel_cases())
def test_a_vector_outside_the_kernel_is_named_with_its_image(case):
    A, seed = case
    rng = random.Random(seed)
    n = len(A[0])
    v = [rng.randint(-3, 3) for _ in range(n)]
    Av = np.array(A, dtype=object).dot(np.array(v, dtype=object)).tolist()
    assume(any(Av))
    r = KernelBasis(A).check(vec(v))
    shown = "(" + ", ".join(str(x) for x in v) + ")"
    assert not r.correct and r.feedback == f"{shown} is not in the kernel: A·v = ({', '.join(str(x) for x in Av)})."
    ru = KernelBasis(A).check(vec(v), "ru").feedback
    assert ru.startswith(f"Ядро не содержит вектор {shown}")


@given(kernel_cases())
def test_image_basis_accepts_combinations_of_columns_and_names_other_vectors(case):
    A, seed = case
    rng = random.Random(seed)
    key = ImageBasis(A)
    cols = np.array(A, dtype=float)
    assert key.dim == np.linalg.matrix_rank(cols)
    if key.dim:
        other = combine(rng, [[int(x) for x in v] for v in key.vectors])
        assert key.check("\n".join(" ".join(str(x) for x in v) for v in other)).correct
    w = [rng.randint(-3, 3) for _ in range(len(A))]
    if any(w) and np.linalg.matrix_rank(np.column_stack([cols, w])) > key.dim:
        r = key.check(vec(w))
        assert not r.correct and "not a combination of the columns of A" in r.feedback


def test_basis_messages_for_shapes_zero_vectors_and_columns():
    key = KernelBasis([[1, 1, 1]])  # a plane in R^3
    assert key.check("[1, -1]").feedback == "Your vectors have 2 entries; vectors in this space have 3."
    assert key.check("[0, 0, 0], [1, -1, 0]").feedback == "A basis cannot contain the zero vector."
    assert "typed the vectors as columns" in key.check("1 1; -1 0; 0 -1").feedback
    assert key.check("(1; -1; 0), (0; 1; -1)").correct
    assert key.check("(1; -1; 0)").score == 0.5  # one column vector typed as a column


def test_basis_with_a_custom_witness_and_name():
    key = Basis([[1, 1]], ambient=2, name={"en": "the eigenspace", "ru": "собственное подпространство"},
                witness=[[1, -1], [-1, 1]], witness_name="(A - 2I)")
    assert key.check("[3, 3]").correct
    assert key.check("[1, 0]").feedback == "(1, 0) is not in the eigenspace: (A - 2I)·v = (1, -1)."
    assert key.check("[1, 0]", "ru").feedback.startswith("Собственное подпространство не содержит")


def test_basis_rejects_a_dependent_key():
    from linlab.errors import ShapeError

    with pytest.raises(ShapeError, match="linearly independent"):
        Basis([[1, 2], [2, 4]], ambient=2)


def test_basis_with_irrational_or_decimal_entries_is_graded_in_floats():
    key = Basis([[1, 1, 0]], ambient=3)
    assert key.check("[sqrt(2)/2, sqrt(2)/2, 0]").correct
    assert key.check("[0.5, 0.5, 0]").correct
    assert not key.check("[sqrt(2)/2, 0.7, 0]").correct


# --------------------------------------------------------------------------------------------- scaled vectors


@given(st.lists(small, min_size=2, max_size=5).filter(any), fractions.filter(lambda c: c != 0))
def test_scaled_vector_accepts_every_non_zero_multiple(values, c):
    key = ScaledVector(values)
    assert key.check(vec([c * x for x in values])).correct
    r = key.check(vec([0] * len(values)))
    assert not r.correct and "zero vector" in r.feedback and "not an eigenvector" in r.feedback
    other = list(values)
    i = next(k for k, x in enumerate(values) if x != 0)
    other[(i + 1) % len(values)] += 1
    r = key.check(vec(other))
    assert not r.correct and r.feedback == "Your vector points in a different direction."


# --------------------------------------------------------------------------------------------- expressions

x_sym = sympy.Symbol("x")


@given(st.lists(st.integers(-4, 4), min_size=1, max_size=3), st.integers(1, 3))
def test_expanded_products_from_sympy_are_equivalent(roots, k):
    factored = "".join(f"(x - ({r}))" for r in roots) + f"*{k}"
    expanded = str(sympy.expand(k * sympy.prod([x_sym - r for r in roots])))  # sympy's own syntax, with **
    key = Expression(factored)
    assert key.check(expanded).correct
    wrong = expanded + " + 1"
    r = key.check(wrong)
    assert not r.correct
    point = float(re.search(r"x = (-?[\d.]+)", r.feedback).group(1))  # the point really separates them
    f = sympy.lambdify(x_sym, sympy.sympify(factored.replace(")(", ")*(")) - sympy.sympify(wrong))
    assert abs(f(point)) > 1e-9


def test_expression_feedback_names_a_point_and_domains_matter():
    key = Expression("x^2 - 1")
    assert key.check("x^2 + 1").feedback == "Your expression differs at x = 2."
    assert key.check("(x-1)(x+1)").correct
    log_key = Expression("2 log(x)")
    assert log_key.check("log(x^2)").correct  # equal wherever the key is defined
    r = Expression("log(x^2)").check("2log(x)")
    assert not r.correct and "not defined at x = -1" in r.feedback
    assert Expression("exp(-x^2/2)").check("1/exp(x^2/2)").correct
    assert Expression("x y", variables=["x", "y"]).check("y*x").correct
    assert Expression("sqrt(x - 100)").check("(x-100)^(1/2)").correct  # the key's domain is far out
    assert Expression("0,5x").check("x/2").correct


def test_expressions_defined_almost_nowhere_fall_back_to_sympy():
    key = Expression("sqrt(-x^2)")  # real only at x = 0, so sampling finds no points
    assert key.check("sqrt(-(x*x))").correct
    r = key.check("x")
    assert not r.correct and r.feedback.startswith("Could not confirm")
    r = key.check("+".join(["sqrt(-x^2)"] * 20))  # too large for simplify: refused, not attempted
    assert not r.correct and r.feedback.startswith("Could not confirm")


# --------------------------------------------------------------------------------------------- choices, yes/no


def test_choice_and_yesno():
    key = Choice({"en": ["rank", "nullity"], "ru": ["ранг", "дефект"]}, 1)
    assert key.check("2").correct and key.check("B").correct and key.check("дефект").correct
    assert key.check("1").feedback == "That is not the right option."
    assert "1–2" in key.check("7").feedback
    assert YesNo(False).check("нет").correct and not YesNo(False).check("yes").correct


# --------------------------------------------------------------------------------------------- hints


def test_hints_match_by_value_and_come_after_built_in_feedback():
    hint = {"en": "That is the rank.", "ru": "Это ранг."}
    key = Integer(1, hints={"2": hint})
    assert key.check("4/2").feedback == "That is the rank." and key.check("4/2", "ru").feedback == "Это ранг."
    assert key.check("2.5").feedback.startswith("Expected a whole number")
    key = Number(Fraction(1, 4), hints={"0.5": hint})
    assert key.check("1/2").feedback == "That is the rank."
    m = Matrix([[1, 2], [3, 4]], hints={"1 3; 2 4": hint})
    assert m.check("1 3; 2 4").feedback == "You entered the transpose."
    assert key.hints == {"0.5": hint}


def test_bad_hints_are_refused():
    hint = {"en": "x", "ru": "х"}
    with pytest.raises(ParseError, match="is a correct answer"):
        Integer(1, hints={"1": hint})
    with pytest.raises(ParseError, match="does not read"):
        Integer(1, hints={"one": hint})
    with pytest.raises(ParseError, match="'en' and 'ru'"):
        Integer(1, hints={"2": {"en": "only English"}})


# --------------------------------------------------------------------------------------------- inline questions


def test_from_inline_builds_every_type():
    cases = [
        ("integer", "3", "6/2"), ("number", "sqrt(2)/2", "1/sqrt(2)"), ("yesno", "no", "нет"),
        ("vector", "[1, -2, 1]", "(1; -2; 1)"), ("matrix", "1 0; 0 1", "[[1, 0], [0, 1]]"),
        ("basis", "[1, 0, -1], [0, 1, 2]", "[1, 1, 1], [1, 0, -1]"), ("scaled_vector", "[1, 2]", "-2 -4"),
        ("expression", "x^2 - 1", "(x+1)(x-1)"),
    ]
    for type_, answer, other in cases:
        key = from_inline(type_, answer)
        assert key.answer_type == type_
        assert key.check(answer).correct and key.check(other).correct, (type_, answer)
        assert key.check(key.expected).correct
    key = from_inline("choice", "2", choices={"en": ["a", "b"], "ru": ["а", "б"]})
    assert key.check("2").correct and not key.check("1").correct
    key = from_inline("expression", "x y", variables=["x", "y"])
    assert key.check("y x").correct


def test_from_inline_refuses_what_does_not_read():
    for args, kwargs, match in [
        (("integer", "1.5"), {}, "not a whole number"),
        (("vector", "[1, 2"), {}, "Missing"),
        (("colour", "red"), {}, "type must be one of"),
        (("choice", "b"), {"choices": {"en": ["a", "b"], "ru": ["а", "б"]}}, "1-based number"),
        (("choice", "2"), {}, "needs choices"),
        (("choice", "3"), {"choices": {"en": ["a", "b"], "ru": ["а", "б"]}}, "0-based index"),
        (("basis", "none"), {}, "at least one vector"),
        (("basis", "[1, 2], [2, 4]"), {}, "linearly independent"),
        (("expression", "x^2"), {"variables": ["x", "sin"]}, "variable names"),
        (("yesno", "maybe"), {}, "yes or no"),
    ]:
        with pytest.raises((ParseError, ValueError), match=match):
            from_inline(*args, **kwargs)
