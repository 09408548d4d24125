"""The answer parser: every accepted spelling reads back exactly, expressions evaluate like Python's
math, the limits hold structurally, and no text makes it raise anything but ParseError."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linlab.course import parse
from linlab.course.parse import (
    parse_basis,
    parse_choice,
    parse_expression,
    parse_grid,
    parse_matrix,
    parse_number,
    parse_vector,
    parse_yesno,
)
from linlab.errors import ParseError

fractions = st.fractions(min_value=-50, max_value=50, max_denominator=12)


def frac_text(x: Fraction) -> str:
    return str(x)  # "3", "-1/2"


def exact(values):
    return [s.exact for s in values]


# --------------------------------------------------------------------------------------------- numbers


@given(fractions)
def test_a_fraction_reads_back_exactly(x):
    s = parse_number(frac_text(x))
    assert s.exact == x and not s.decimal and s.approx == pytest.approx(float(x))


@given(st.integers(-10**6, 10**6), st.integers(0, 6))
def test_decimals_with_a_point_or_a_comma_are_exact_and_marked_decimal(n, places):
    x = Fraction(n, 10**places)
    digits = str(abs(n)).rjust(places + 1, "0")
    text = ("-" if n < 0 else "") + (digits[:-places] + "." + digits[-places:] if places else digits + ".0")
    for spelling in (text, text.replace(".", ",")):
        s = parse_number(spelling)
        assert s.exact == x and s.decimal


@given(fractions)
def test_unicode_minus_fullwidth_digits_and_marks_are_normalised(x):
    text = frac_text(x)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    for spelling in (text.replace("-", "\u2212"), fullwidth, "\u200f" + text + "\u200e", f" {text}\n"):
        assert parse_number(spelling).exact == x


def test_irrational_numbers_keep_a_float_and_a_sympy_form():
    for text, value in [("sqrt(2)/2", math.sqrt(2) / 2), ("√2/2", math.sqrt(2) / 2), ("2^(1/2)", math.sqrt(2)),
                        ("pi/4", math.pi / 4), ("e^2", math.e**2), ("2 sqrt(3)", 2 * math.sqrt(3)),
                        ("log(2)", math.log(2)), ("1/sqrt(2)", 1 / math.sqrt(2))]:
        s = parse_number(text)
        assert s.exact is None and s.approx == pytest.approx(value, rel=1e-15)
        assert float(s.to_sympy()) == pytest.approx(value, rel=1e-15)
        assert not s.to_sympy().is_rational


def test_roots_and_powers_that_are_rational_stay_exact():
    cases = {"sqrt(4)": 2, "8^(1/3)": 2, "(9/4)^(1/2)": Fraction(3, 2), "2^-3": Fraction(1, 8), "1e-3": Fraction(1, 1000),
             "abs(-3/2)": Fraction(3, 2), "cos(0)": 1, "4^(3/2)": 8, "-2^2": -4, "(-2)^2": 4, "2^3^2": 2**9}
    for text, value in cases.items():
        assert parse_number(text).exact == value, text


def test_a_comma_in_a_number_answer_is_decimal_only_between_two_digits():
    assert parse_number("0,5").exact == Fraction(1, 2)
    assert parse_number("-1,25").exact == Fraction(-5, 4)
    for text in ("1,2,3", "1, 5", "1,", "(1, 2)"):
        with pytest.raises(ParseError, match="one number|not a vector"):
            parse_number(text)


# --------------------------------------------------------------------------------------------- vectors

VECTOR_SPELLINGS = [
    lambda v: "[" + ", ".join(v) + "]",
    lambda v: "(" + ", ".join(v) + ")",
    lambda v: " ".join(v),
    lambda v: ", ".join(v),
    lambda v: "(" + ";".join(v) + ")",
    lambda v: "[" + "; ".join(v) + "]",
    lambda v: "\n".join(v),
    lambda v: "[" + " ".join(v) + "]",
]


@given(st.lists(fractions, min_size=1, max_size=8), st.sampled_from(range(len(VECTOR_SPELLINGS))))
def test_every_vector_spelling_reads_back_exactly(values, k):
    text = VECTOR_SPELLINGS[k]([frac_text(x) for x in values])
    assert exact(parse_vector(text)) == values


def test_white_space_separates_entries_the_way_matlab_does():
    assert exact(parse_vector("1 -2 3")) == [1, -2, 3]
    assert exact(parse_vector("1 - 2 3")) == [-1, 3]
    assert exact(parse_vector("1-2 3")) == [-1, 3]
    assert exact(parse_vector("[2 * 3, 1 /2]")) == [6, Fraction(1, 2)]
    assert exact(parse_vector("(1+2) 3")) == [3, 3]
    assert exact(parse_vector("[sqrt(4) -1]")) == [2, -1]


def test_in_a_vector_a_comma_always_separates_entries():
    assert exact(parse_vector("0,5")) == [0, 5]
    assert exact(parse_vector("0.5, 1.5")) == [Fraction(1, 2), Fraction(3, 2)]


def test_a_matrix_is_not_a_vector():
    with pytest.raises(ParseError, match="one vector, got a 2×2 matrix"):
        parse_vector("1 2; 3 4")


# --------------------------------------------------------------------------------------------- matrices

MATRIX_SPELLINGS = [
    lambda rows: "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]",
    lambda rows: "; ".join(" ".join(r) for r in rows),
    lambda rows: "\n".join(" ".join(r) for r in rows),
    lambda rows: "\n".join(", ".join(r) for r in rows) + "\n",
    lambda rows: ", ".join("[" + ", ".join(r) + "]" for r in rows),
    lambda rows: ";".join("(" + ",".join(r) + ")" for r in rows),
    lambda rows: "[" + "; ".join(" ".join(r) for r in rows) + "]",
]


@given(st.integers(2, 5), st.integers(1, 5), st.data(), st.sampled_from(range(len(MATRIX_SPELLINGS))))
def test_every_matrix_spelling_reads_back_exactly(m, n, data, k):
    rows = data.draw(st.lists(st.lists(fractions, min_size=n, max_size=n), min_size=m, max_size=m))
    text = MATRIX_SPELLINGS[k]([[frac_text(x) for x in r] for r in rows])
    assert [exact(r) for r in parse_matrix(text)] == rows


def test_ragged_and_mixed_input_is_explained():
    with pytest.raises(ParseError, match="Row 2 has 1 entries but row 1 has 2"):
        parse_matrix("1 2; 3")
    with pytest.raises(ParseError, match="different lengths"):
        parse_grid("[1, 2], [3]")
    with pytest.raises(ParseError, match="mixes numbers and bracketed vectors"):
        parse_grid("[1, 2], 3")
    with pytest.raises(ParseError, match="Empty entry"):
        parse_matrix("1,,2")
    with pytest.raises(ParseError, match="Empty brackets"):
        parse_matrix("[]")


def test_bases_are_rows_and_the_empty_basis_has_many_spellings():
    assert [exact(v) for v in parse_basis("[1,0,-1], [0,1,2]")] == [[1, 0, -1], [0, 1, 2]]
    assert [exact(v) for v in parse_basis("(1;0;-1), (0;1;2)")] == [[1, 0, -1], [0, 1, 2]]
    for text in ("0", "{0}", "none", "None", "empty", "нет", "∅", " {} ", "пусто"):
        assert parse_basis(text) == [], text


# --------------------------------------------------------------------------------------------- expressions


@st.composite
def expressions(draw, depth=0):
    """(text in the course's syntax, the same function in Python), built together, independently of the parser."""
    if depth >= 3 or draw(st.booleans()):
        leaf = draw(st.sampled_from(["x", "int"]))
        if leaf == "x":
            return "x", lambda x: x
        k = draw(st.integers(0, 9))
        return str(k), lambda x, k=k: k
    kind = draw(st.sampled_from(["+", "-", "*", "implicit", "/", "^", "sin", "cos", "exp", "neg"]))
    a_text, a = draw(expressions(depth + 1))
    if kind in ("sin", "cos", "exp"):
        f = getattr(math, kind)
        return f"{kind}({a_text})", lambda x: f(a(x))
    if kind == "neg":
        return f"-({a_text})", lambda x: -a(x)
    if kind == "^":
        k = draw(st.integers(0, 3))
        return f"({a_text})^{k}", lambda x: a(x) ** k
    b_text, b = draw(expressions(depth + 1))
    if kind == "implicit":
        return f"({a_text})({b_text})", lambda x: a(x) * b(x)
    if kind == "/":
        return f"({a_text})/({b_text})", lambda x: a(x) / b(x)
    op = {"+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q}[kind]
    return f"({a_text}) {kind} ({b_text})", lambda x: op(a(x), b(x))


@given(expressions(), st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 1e-2))
def test_expressions_evaluate_like_python(pair, x):
    text, f = pair
    try:
        want = f(x)
    except (ZeroDivisionError, OverflowError):
        want = None
    try:
        e = parse_expression(text)
    except ParseError as err:  # a constant sub-expression such as 1/0 or exp(exp(7)) is rejected when read
        assert "Division by zero" in str(err) or "too large" in str(err)
        assert want is None or not math.isfinite(want) or "Division" in str(err) or abs(want) > 1e300
        return
    got = e.evaluate({"x": x})
    if want is None or not math.isfinite(want):
        assert got is None
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_the_grammar_precedence_as_documented():
    def at(text, x, **kw):
        return parse_expression(text, **kw).evaluate({**{k: 2.0 for k in kw.get("variables", [])}, "x": x})

    assert at("-x^2", 3.0) == -9.0
    assert at("2^x^2", 3.0) == 2.0**9
    assert at("1/2x", 4.0) == 2.0  # implicit multiplication ranks with / : (1/2)·x
    assert at("2x^2", 3.0) == 18.0
    assert at("(x+1)(x-1)", 3.0) == 8.0
    assert at("x**2", 3.0) == 9.0
    assert at("x²", 3.0) == 9.0
    assert at("2 x", 3.0) == 6.0
    assert at("xy", 3.0, variables=["x", "y"]) == 6.0
    assert at("х + 1", 3.0) == 4.0  # Cyrillic 'х'
    assert at("Sin(x) + PI", 0.0) == pytest.approx(math.pi)
    assert at("ln(x)", math.e) == pytest.approx(1.0)
    assert at("0,5x", 4.0) == 2.0


def test_off_the_domain_an_expression_has_no_value():
    assert parse_expression("log(x)").evaluate({"x": -1.0}) is None
    assert parse_expression("sqrt(x)").evaluate({"x": -1.0}) is None
    assert parse_expression("1/x").evaluate({"x": 0.0}) is None
    assert parse_expression("exp(x)").evaluate({"x": 1000.0}) is None
    assert parse_expression("x^(1/3)").evaluate({"x": -8.0}) is None


def test_to_sympy_builds_the_same_expression():
    import sympy

    x = sympy.Symbol("x", real=True)
    e = parse_expression("(x+1)(x-1) - x^2 + sqrt(x) + 2abs(x)").to_sympy()
    assert sympy.simplify(e - (-1 + sympy.sqrt(x) + 2 * sympy.Abs(x))) == 0


# --------------------------------------------------------------------------------------------- yes/no and choices


def test_yes_and_no_in_both_languages():
    for text in ("yes", "Y", "true", "Да", "да!", " YES. "):
        assert parse_yesno(text) is True
    for text in ("no", "N", "False", "нет", "Нет."):
        assert parse_yesno(text) is False
    with pytest.raises(ParseError, match="yes or no"):
        parse_yesno("maybe")


def test_choices_by_number_letter_or_text():
    options = {"en": ["rank", "nullity", "trace"], "ru": ["ранг", "дефект", "след"]}
    assert [parse_choice(t, options) for t in ("1", "b", "(C)", "Nullity", "след")] == [0, 1, 2, 1, 2]
    with pytest.raises(ParseError, match=r"1–3.*a–c"):
        parse_choice("4", options)


# --------------------------------------------------------------------------------------------- limits


def test_the_length_limit_is_exact():
    ok = "1+" * (parse.MAX_LENGTH // 2 - 1) + "11"
    assert len(ok) == parse.MAX_LENGTH and parse_number(ok).exact == parse.MAX_LENGTH // 2 - 1 + 11
    with pytest.raises(ParseError, match="too long: 2001 characters"):
        parse_number(ok + "1")
    with pytest.raises(ParseError, match="too long"):
        parse_vector("1 " * 5_000_000)  # 10 MB: refused before any other work


def test_the_nesting_limit_is_exact():
    d = parse.MAX_DEPTH
    assert parse_number("(" * d + "1" + ")" * d).exact == 1
    assert exact(parse_vector("[" * d + "1, 2" + "]" * d)) == [1, 2]
    with pytest.raises(ParseError, match="nested brackets"):
        parse_number("(" * (d + 1) + "1" + ")" * (d + 1))
    with pytest.raises(ParseError, match="nested brackets"):
        parse_matrix("[" * 999 + "]" * 999)
    with pytest.raises(ParseError, match="too long"):
        parse_matrix("[" * 10_000 + "]" * 10_000)


def test_the_tree_depth_limit_holds_without_recursion():
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_number("√" * 1500 + "2")
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_expression("x" + "^x" * 900)
    assert parse_number("-" * 1999 + "1").exact == -1


def test_digit_and_exponent_limits_are_exact():
    assert parse_number("9" * parse.MAX_DIGITS).exact == 10**parse.MAX_DIGITS - 1
    with pytest.raises(ParseError, match="too many digits"):
        parse_number("9" * (parse.MAX_DIGITS + 1))
    assert parse_number(f"1e{parse.MAX_SCI_EXPONENT}").exact == 10**parse.MAX_SCI_EXPONENT
    with pytest.raises(ParseError, match="exponent"):
        parse_number(f"1e{parse.MAX_SCI_EXPONENT + 1}")
    assert parse_expression(f"x^{parse.MAX_POWER}").evaluate({"x": 1.0}) == 1.0
    with pytest.raises(ParseError, match=r"exponent 101 is too large"):
        parse_expression(f"x^{parse.MAX_POWER + 1}")


def test_the_size_limit_is_exact():
    n = parse.MAX_SIZE
    grid = parse_matrix("\n".join(" ".join(["1"] * n) for _ in range(n)))
    assert len(grid) == n and len(grid[0]) == n
    with pytest.raises(ParseError, match="at most 20 rows and 20 columns"):
        parse_vector(" ".join(["1"] * (n + 1)))
    with pytest.raises(ParseError, match="at most 20 rows and 20 columns"):
        parse_matrix("\n".join(["1 2"] * (n + 1)))
    with pytest.raises(ParseError, match="at most 20 rows and 20 columns"):
        parse_basis(", ".join(["[1, 2]"] * (n + 1)))


# text -> what the message must say; read as an expression in x (NUMBER_ONLY: as a number)
HOSTILE = {
    "__import__('os')": "Unexpected character '_'",
    "__import__('os').system('ls')": "Unexpected character",
    "eval(1)": "Unknown name 'eval'",
    "lambda: 1": "Unexpected character ':'",
    "1e999": "exponent of 1e999 is too large",
    "nan": "Unknown name 'nan'",
    "inf": "Unknown name 'inf'",
    "-inf": "Unknown name 'inf'",
    "NaN": "Unknown name",
    "9^9^9": "exponent 387420489 is too large",
    "x^(10^9)": "exponent 1000000000 is too large",
    "10^30^2": "exponent 900 is too large",
    "(10^30)^100": "too large",
    "2^100^2": "too large",
    "1\x00": "control character (U+0000)",
    "\x1b[31m1": "control character",
    "1/0": "Division by zero",
    "0^-1": "0 to a negative power",
    "sqrt(-1)": "square root of a negative number",
    "log(0)": "logarithm",
    "(-8)^(1/3)": "negative number to a fractional power",
    "((1)": "Missing ')'",
    "(1))": "Unmatched ')'",
    "(1]": "closed by ']'",
    "": "empty",
    "   \n ": "empty",
    "2+": "ends too early",
    "1 000": "Two numbers in a row",
    "sin x": "parentheses",
    "x": "Unknown name 'x'; you can use numbers, pi and e",
    "1 2": "Two numbers in a row",
    "'1'": "Unexpected character",
    "1;2": "one number, got a list",
    "1;x": "not a vector or a matrix",
    "[1]": "not a vector",
    "{1}": "Unexpected character '{'",
    "1 == 1": "Unexpected character '='",
    "y": "Unknown name 'y'; you can use x, pi, e",
    "E^x": "Unknown name 'E'",
}
NUMBER_ONLY = {"x", "1;2", "[1]", "1 2", "sin x"}


@pytest.mark.parametrize("text", sorted(HOSTILE))
def test_hostile_input_is_refused_with_a_message_saying_what_is_wrong(text):
    with pytest.raises(ParseError) as info:
        parse_number(text) if text in NUMBER_ONLY else parse_expression(text, variables=["x"])
    assert HOSTILE[text].lower() in str(info.value).lower()
    assert set(info.value.messages) == {"en", "ru"}  # type: ignore[attr-defined]
    assert any("а" <= c <= "я" for c in info.value.messages["ru"].lower())  # type: ignore[attr-defined]


PARSERS = [parse_number, parse_vector, parse_matrix, parse_grid, parse_basis, parse_expression, parse_yesno,
           lambda t: parse_expression(t, variables=["x", "y", "t"]),
           lambda t: parse_choice(t, {"en": ["a", "b"], "ru": ["а", "б"]})]
tokens = st.sampled_from(["(", ")", "[", "]", ",", ";", " ", "\n", "-", "+", "*", "/", "^", "**", "√", ".", "e",
                          "0", "1", "2", "9", "x", "y", "sqrt", "log(", "pi", "1e5", "0,5", "\u2212", "²", "х",
                          "\u200f", "{", "}", "∅", "нет", "１"])
texts = st.one_of(st.text(max_size=200), st.lists(tokens, max_size=60).map("".join))


@given(texts)
def test_any_text_reads_or_raises_parse_error_and_nothing_else(text):
    for f in PARSERS:
        try:
            f(text)
        except ParseError as err:
            assert str(err)


def test_non_strings_are_a_type_error():
    for f in PARSERS:
        with pytest.raises(TypeError):
            f(b"1")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- the fast path

simple = st.lists(st.sampled_from(["1", "2", "-3", "10", "1/2", "-2/3", "0.5", "1/0", " ", ",", ";", "\n", "[", "]",
                                   "(", ")", "-", "/", "."]), max_size=25).map("".join)


def read(f, text):
    try:
        return [[(s.exact, s.decimal) for s in row] for row in f(text)]
    except ParseError as err:
        return str(err)


@given(simple)
def test_the_fast_path_agrees_with_the_full_parser(text):
    fast = parse._fast_grid(text)
    if fast is not None:
        assert read(lambda t: fast, text) == read(lambda t: parse._full_grid(t, "matrix"), text)
    scalar = parse._fast_scalar(text)
    if scalar is not None:
        full = parse.parse_expression(text, variables=[])
        assert (scalar.exact, scalar.decimal) == (full.node.exact, full.node.decimal)


@given(st.lists(st.lists(fractions, min_size=2, max_size=2), min_size=1, max_size=4), st.sampled_from(range(len(MATRIX_SPELLINGS))))
def test_the_fast_path_reads_the_common_spellings(rows, k):
    text = MATRIX_SPELLINGS[k]([[frac_text(x) for x in r] for r in rows])
    fast = parse._fast_grid(text)
    assert fast is not None and [exact(r) for r in fast] == rows


# The fast path reads integers, fractions and decimals of up to 30 digits in the common spellings.  These
# draw such entries and spell them every way the parser accepts, and check that the fast path reads them
# (where it should), and exactly as the full parser does: the same exact value, float and decimal flag.


@st.composite
def entry_texts(draw):
    """An entry as typed: an integer, a fraction (maybe not in lowest terms) or a decimal; its text."""
    kind = draw(st.sampled_from(["int", "fraction", "decimal", "long"]))
    sign = draw(st.sampled_from(["", "-"]))
    if kind == "int":
        return sign + str(draw(st.integers(0, 99)))
    if kind == "fraction":
        return f"{sign}{draw(st.integers(0, 60))}/{draw(st.integers(1, 24))}"
    if kind == "decimal":
        return f"{sign}{draw(st.integers(0, 999))}.{draw(st.integers(0, 99999)):0{draw(st.integers(1, 5))}d}"
    digits = draw(st.integers(1, 30))  # up to the 30-digit limit
    return sign + str(draw(st.integers(10 ** (digits - 1), 10**digits - 1)))


def values(rows):
    return [[(s.exact, s.approx, s.decimal) for s in row] for row in rows]


SEPARATORS = [", ", ",", " ", "  ", " , "]
GRID_SPELLINGS = MATRIX_SPELLINGS + [
    lambda rows, sep: "[" + ", ".join("[" + sep.join(r) + "]" for r in rows) + "]",
    lambda rows, sep: "[[" + "],[".join(sep.join(r) for r in rows) + "]]",
    lambda rows, sep: " [ " + " , ".join("[ " + sep.join(r) + " ]" for r in rows) + " ] ",
    lambda rows, sep: "(" + ", ".join("(" + sep.join(r) + ")" for r in rows) + ")",
    lambda rows, sep: "[" + "\n".join("[" + sep.join(r) + "]" for r in rows) + "]",
    lambda rows, sep: "; ".join(sep.join(r) for r in rows),
    lambda rows, sep: "\n".join(sep.join(r) for r in rows),
    lambda rows, sep: "[" + "; ".join(sep.join(r) for r in rows) + "]",
    lambda rows, sep: " ".join("[" + sep.join(r) + "]" for r in rows),
]


def spell_grid(k: int, rows: list[list[str]], sep: str) -> str:
    f = GRID_SPELLINGS[k]
    return f(rows) if k < len(MATRIX_SPELLINGS) else f(rows, sep)  # type: ignore[call-arg]


@given(st.integers(1, 4), st.integers(1, 4), st.data(), st.sampled_from(range(len(GRID_SPELLINGS))),
       st.sampled_from(SEPARATORS))
def test_the_fast_path_reads_every_grid_spelling_like_the_full_parser(m, n, data, k, sep):
    rows = data.draw(st.lists(st.lists(entry_texts(), min_size=n, max_size=n), min_size=m, max_size=m))
    text = spell_grid(k, rows, sep)
    full = parse._full_grid(text, "matrix")
    parse._ENTRY_CACHE.clear()
    cold = parse._fast_grid(text)
    warm = parse._fast_grid(text)  # now every entry comes from the cache
    if n > 1 or "(" not in text:
        assert cold is not None, text  # a common spelling: read by the fast path ("(1)" is left to the parser)
    if cold is not None:
        assert values(cold) == values(warm) == values(full)


@given(st.lists(entry_texts(), min_size=1, max_size=6), st.sampled_from(range(len(VECTOR_SPELLINGS))))
def test_the_fast_path_reads_every_vector_spelling_like_the_full_parser(entries, k):
    text = VECTOR_SPELLINGS[k](entries)
    parse._ENTRY_CACHE.clear()
    fast = parse._fast_grid(text)
    assert fast is not None or (len(entries) == 1 and "(" in text)  # "(1)" is left to the full parser
    if fast is not None:
        assert values(fast) == values(parse._full_grid(text, "vector"))
    assert values([parse.parse_vector(text)]) == values([[x for row in parse._full_grid(text, "vector") for x in row]])


grid_soup = st.lists(st.sampled_from(["1", "-2", "10", "1/2", "-7/4", "0.25", "3.", "1/0", "00", "1" * 31, " ", "  ",
                                      ",", ";", "\n", "[", "]", "(", ")", "[[", "]]", "], [", "),(", "-", "/", "."]),
                     max_size=30).map("".join)


@given(grid_soup)
def test_the_fast_path_reads_nothing_the_full_parser_refuses(text):
    for cache in ("cold", "warm"):
        parse._ENTRY_CACHE.clear()
        if cache == "warm":  # every piece of the soup that is an entry is cached
            for entry in ("0", "1", "2", "10", "00", "1/2", "7/4", "-7/4", "0.25", "-2", "-1", "12", "21", "3"):
                parse._fast_entry(entry)
        fast = parse._fast_grid(text)
        if fast is not None:
            assert read(lambda t: fast, text) == read(lambda t: parse._full_grid(t, "matrix"), text)
            assert values(fast) == values(parse._full_grid(text, "matrix"))


def test_the_entry_cache_is_bounded():
    parse._ENTRY_CACHE.clear()
    for i in range(parse._ENTRY_CACHE_SIZE + 10):
        assert parse._fast_entry(str(i)) == (Fraction(i), float(i), False, None)
    assert 0 < len(parse._ENTRY_CACHE) <= parse._ENTRY_CACHE_SIZE
    assert parse._fast_entry("1/0") is None and "1/0" not in parse._ENTRY_CACHE


@given(st.one_of(grid_soup, texts))
def test_the_empty_basis_shortcut_agrees_with_normalising_the_text(text):
    try:
        normalised = "".join(parse._words(text).split()) in parse.EMPTY_SPELLINGS
    except ParseError:
        normalised = False
    assert parse.is_empty_basis(text) == normalised
