"""The corpus of hostile input: typed answers of every answer type and the fields of every lab.

Two halves, used both by ``tests/web/test_hostile_http.py`` (a few hundred inputs per type in CI) and by
``benchmarks/hostile.py`` (at least 10,000 per type against gunicorn):

* fixed lists of nasty cases (:data:`NASTY_TEXT`, :func:`nasty_answers`, :func:`nasty_lab_values`), always
  sent in full;
* hypothesis strategies (:func:`answer_text`, :func:`lab_values`) that mix random unicode with the same
  ingredients: huge and non-finite numbers, zero denominators, exponent towers, brackets nested far past
  the parser's depth limit, text longer than the size limit, NUL bytes, bidirectional and zero-width
  characters, LaTeX, Python/SymPy/template/SQL/format-string injection, and near-valid answers with one
  of those spliced in.

:func:`sample` draws a deterministic list of ``n`` values from a strategy (hypothesis' generation phase
only), so a failure names the input and the same seed gives the same inputs again.

Every value is a ``str`` (or a dict of ``str`` for a lab form); nothing here needs Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from linlab.course.answers.base import ANSWER_TYPES
from linlab.course.parse import MAX_LENGTH

__all__ = [
    "ANSWER_TYPES",
    "LAB_SLUGS",
    "NASTY_TEXT",
    "nasty_answers",
    "nasty_lab_values",
    "answer_text",
    "lab_values",
    "sample",
    "OVERSIZED",
]

LAB_SLUGS = ("linear-map", "svd", "layernorm", "packing")
"""The labs whose forms the corpus covers (every lab of ``linlab.web.labs.registry.LABS``)."""

OVERSIZED = "A" * 3_000_000
"""A value larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB): the body itself is refused."""

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BIDI = "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

#: Atoms: one "number" or token each, spliced into vectors, matrices and expressions.
ATOMS: tuple[str, ...] = (
    "1e308", "1e309", "-1e308", "1e-308", "1e-324", "4.9e-324", "1.7976931348623157e308", "2.2250738585072014e-308",
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "∞", "-∞", "-0", "+0", "-0.0", "0e0", "0x10", "0b101", "0o17",
    "1_000", "1,5", "1.2.3", "1e", "e1", "1e+", "--1", "+-1", "-+-1", "1/0", "0/0", "-1/0", "1/(1-1)", "1/-0",
    "0^0", "0^-1", "(-1)^(1/2)", "sqrt(-1)", "log(0)", "ln(-1)", "exp(1000)", "exp(exp(exp(9)))", "tan(pi/2)",
    "2^2^2^2^2^99", "10^10^10", "9^9^9", "2**2**2**99", "(2^99)^99", "99!", "1e30", "1e31", "1e-31", "1e99999",
    "9" * 31, "9" * 300, "0." + "0" * 40 + "1", "1" + "0" * 29, "1" * 1000, "−1", "−½", "½", "⅓", "²", "x²", "2³",
    "¹⁰", "١٢٣", "１２３", "٣", "\u0661", "𝟙", "Ⅻ", "i", "1j", "2i", "pi", "e", "π", "τ", "sqrt(2)", "√2", "∛8",
    "abs(-3)", "sin(1e308)", "cos(nan)", "x", "y", "xx", "x^x^x^99", "x**x**x**99", "(x)(x)(x)", "True", "None",
    "\\frac{1}{0}", "\\sqrt{-1}", "\\infty", "$1$", "$$", "{}", "[]", "()", "[,]", ";", ";;", ",", "", " ",
    "\x00", "1\x00", "\x00" * 8, "\t", "\r\n", "\x0b", "\x1b[31m", "\ud7ff", "\U0010ffff", "\ufffd",
)

#: Whole answers that every grader must survive, whatever its type.
NASTY_TEXT: tuple[str, ...] = ATOMS + (
    "[" * 10_000 + "]" * 10_000,
    "[" * 999 + "1" + "]" * 999,
    "(" * 999 + "1" + ")" * 999,
    "[" * 21 + "1" + "]" * 21,
    "(" * 61 + "x" + ")" * 61,
    "-" * 1999 + "1",
    "+" * 1999 + "1",
    "√" * 1999 + "2",
    "sqrt(" * 300 + "2" + ")" * 300,
    "1" + "^1" * 999,
    "2" + "^2" * 50,
    "x" + "^x" * 600,
    "x" + "*x" * 999,
    "1+" * 999 + "1",
    "1/" * 999 + "1",
    "[1," * 600 + "1" + "]" * 600,
    "[" + ", ".join(["1"] * 999) + "]",
    "; ".join(["1 2 3"] * 400),
    "\n".join(["1 " * 40] * 40),
    "[" + "1, " * 21 + "1]",
    ", ".join(["[1, 0]"] * 300),
    "9" * 5000,
    "9" * MAX_LENGTH,
    "9" * (MAX_LENGTH + 1),
    "1" * 100_001,
    "A" * 1_000_000,
    "\x00" * MAX_LENGTH,
    "\x00" * (MAX_LENGTH + 5),
    "\u200b" * 1999 + "1",
    _ZERO_WIDTH + "1" + _ZERO_WIDTH,
    _BIDI + "[1, 2, 3]" + _BIDI,
    "\u202e]3 ,2 ,1[",
    "1\u20602",
    "yes\u200b",
    "y\u0435s",
    "ДА",
    "нет\x00",
    "oui",
    "YES" * 700,
    "no" + " " * 1990 + "yes",
    "__import__('os').system('echo pwned')",
    '__import__("os").system("id")',
    "exec('import os')",
    "eval('1+1')",
    "lambda: 1",
    "lambda x: x",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "Symbol('x')",
    "Integer(1)/0",
    "S('oo')",
    "oo",
    "zoo",
    "E**(I*pi)",
    "Matrix([[1]])",
    "sympify('1')",
    "open('/etc/passwd').read()",
    "globals()",
    "__builtins__",
    "${7*7}",
    "{{7*7}}",
    "{% debug %}",
    "{{ settings.SECRET_KEY }}",
    "#{7*7}",
    "<%= 7*7 %>",
    "%s%s%s%s%n",
    "%(password)s",
    "{0}{1}{0.__class__}",
    "{answer.__init__.__globals__}",
    "'; DROP TABLE learning_attempt; --",
    "1' OR '1'='1",
    "1; SELECT * FROM auth_user",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "]]><!--",
    "\\",
    "\\\\",
    "\\x00",
    "\\u0000",
    "%00",
    "%2e%2e%2f",
    "../../../../etc/passwd",
    "😀" * 500,
    "ﷺ" * 600,
    "\u0300" * 1999,
    "a\u0301" * 900,
    "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 200,
)

_VALID_SHAPES: dict[str, tuple[str, ...]] = {
    "integer": ("3", "-2", "0", "12"),
    "number": ("1/2", "0.5", "sqrt(2)/2", "-3"),
    "choice": ("1", "2", "b", "3"),
    "yesno": ("yes", "no", "да", "нет"),
    "vector": ("[1, 2, 3]", "(1, -1)", "1 2 3", "[1/2, 0]"),
    "matrix": ("[[1, 2], [3, 4]]", "1 2; 3 4", "1 0 0; 0 1 0; 0 0 1", "[[1, 2, 3]]"),
    "basis": ("[1, 0, -1], [0, 1, 2]", "[1, 1]", "{0}", "[1, 0], [0, 1]"),
    "scaled_vector": ("[1, -1]", "[2, 1, 0]", "(1, 2)", "[0, 0]"),
    "expression": ("2x + 1", "x^2 - 5x + 6", "(x-1)(x+2)", "3*x"),
}
"""Typical right-shaped answers of each type (what the hostile mutations start from)."""

_TYPE_EXTRAS: dict[str, tuple[str, ...]] = {
    "integer": ("99999999999999999999999999999999", "-0", "1e3", "2^11", "1.0", "3.5", "7/7", "0x1F", "1e31"),
    "number": ("1e-300", "1e300", "1/3", "0,333", "-0,0", "1/(2-2)", "sqrt(1e308)", "0.1e-29", "1e-30"),
    "choice": ("0", "-1", "1.0", "01", "²", "١", "１", "99999999999999999999", "z", "a)", "(a)", "1,2", "all", "b c",
               "1" * 5000, "٢٢", "𝟐", "Ⅱ", "½"),
    "yesno": ("yess", "y e s", "nope", "ja", "0", "1", "true", "FALSE", "Да!", "нет.", "yes no", "🙂"),
    "vector": ("[1e308, 1e308]", "[nan, 1]", "[inf]", "[" + ", ".join(["1"] * 21) + "]", "[]", "[[1]]", "[1, [2]]",
               "[1; 2]", "[1/0, 2]", "[1,,2]", "[,]", "[1 2 3", "1, 2, 3]", "⟨1, 2⟩", "(1 2) (3 4)"),
    "matrix": ("[[1e308, 1e308], [1e308, 1e308]]", "[[1], [1, 2]]", "[[]]", "[[[1]]]", ";".join(["1"] * 21),
               " ".join(["1"] * 21), "[[nan]]", "[[1/0]]", "1 2; 3", "; ; ;", "\n\n\n", "[[1, 2], 3]"),
    "basis": ("[0, 0], [0, 0]", "[1, 0], [1]", "[1e308, 1], [1, 1e308]", "∅", "{}", "none", "[nan, 0]",
              ", ".join(["[1, 0]"] * 21), "[1, 0],", ",[1, 0]", "[1, 0] [0, 1]", "[1/0, 1]"),
    "scaled_vector": ("[0, 0, 0]", "[1e-300, 1e-300]", "[1e308, -1e308]", "[nan, nan]", "[1]", "[x, 1]"),
    "expression": ("x^99", "x^100", "x^101", "x^-1", "1/x", "1/(x-x)", "0*x/0", "x^(1/2)", "sqrt(x)", "log(x)",
                   "exp(x^99)", "x^x", "x^(x^x)", "(x+1)^100", "(x+1)^99*(x-1)^99", "sin(x)^99", "y", "z + 1",
                   "t", "λ", "x x x", "2(x)(x)", "x(", ")x(", "x^", "^x", "x__", "x.real", "x[0]", "x = 1",
                   "x == x", "x if x else x", "lambda", "Subs(x, x, 1)", "Piecewise((1, x > 0))", "x >> 2",
                   "x % 2", "x // 2", "x @ x", "x & 1", "~x", "not x", "x!", "|x|", "⌊x⌋", "x'"),
}


def nasty_answers(answer_type: str, *, shared: bool = True) -> list[str]:
    """The fixed corpus for one answer type: :data:`NASTY_TEXT` (unless ``shared=False``), the type's own
    traps, its typical answers, and each typical answer with a NUL and a zero-width space, a right-to-left
    override, or a byte-order mark and a stray ``%`` spliced in (at the start, inside or at the end, in turn)."""
    if answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer type {answer_type!r}; expected one of {ANSWER_TYPES}")
    junk = ("\x00\u200b", "\u202e", "\ufeff%")
    spliced = [(f"{j}{v}", f"{v[:1]}{j}{v[1:]}", f"{v}{j}")[(i + k) % 3]
               for i, v in enumerate(_VALID_SHAPES[answer_type]) for k, j in enumerate(junk)]
    own = (*_TYPE_EXTRAS[answer_type], *_VALID_SHAPES[answer_type], *spliced)
    return list(dict.fromkeys((*NASTY_TEXT, *own) if shared else own))


# --------------------------------------------------------------------------------------------------
# strategies

# Any unicode except lone surrogates (a form cannot carry them as UTF-8).
_any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
_hostile_chars = st.sampled_from(tuple(_ZERO_WIDTH + _BIDI + "\x00\x01\x7f\x85\u2028\u2029\u00a0\u3000−⁻⁰¹²³√∞½⅓"))


def _huge_integer() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.integers(min_value=25, max_value=3000).map(lambda k: "9" * k),
        st.integers(min_value=1, max_value=400).map(lambda k: f"1e{k}"),
        st.integers(min_value=1, max_value=400).map(lambda k: f"1e-{k}"),
        st.integers(min_value=2, max_value=10**6).map(lambda k: f"2^{k}"),
    )


def _number_text() -> st.SearchStrategy[str]:
    fractions = st.tuples(st.integers(-(10**35), 10**35), st.sampled_from((0, 0, 1, -1, 3, 10**31))).map(
        lambda p: f"{p[0]}/{p[1]}")
    towers = st.lists(st.sampled_from(("2", "9", "99", "x", "-1", "0", "1/2", "1e30")), min_size=2, max_size=12).map(
        lambda parts: st_choice_join(parts, ("^", "**", "^-", "^(", "**-")))
    return st.one_of(
        st.sampled_from(ATOMS),
        _huge_integer(),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17e}"),
        fractions,
        towers,
    )


def st_choice_join(parts: list[str], joins: tuple[str, ...]) -> str:
    """``parts`` joined by the operators of ``joins`` in turn (a deterministic tower of mixed syntax)."""
    out = parts[0]
    for i, part in enumerate(parts[1:]):
        out += joins[(len(part) + i) % len(joins)] + part
    return out


def _nested(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.sampled_from((("[", "]"), ("(", ")"), ("{", "}"), ("sqrt(", ")"), ("-(", ")"), ("[", ")")))
    return st.tuples(pairs, st.integers(1, 10_000), inner, st.booleans()).map(
        lambda t: t[0][0] * t[1] + t[2] + (t[0][1] * t[1] if t[3] else ""))


def _splice(base: st.SearchStrategy[str], junk: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``junk`` inserted into ``base`` at a drawn position."""

    @st.composite
    def spliced(draw: Callable[..., Any]) -> str:
        text, extra = draw(base), draw(junk)
        at = draw(st.integers(0, len(text)))
        return text[:at] + extra + text[at:]

    return spliced()


def _sequence(atom: st.SearchStrategy[str], max_size: int = 22) -> st.SearchStrategy[str]:
    seps = st.sampled_from((", ", ",", " ", ";", "; ", "\n", ",,", " , "))
    opens = st.sampled_from(("[", "(", "", "⟨", "{", "[["))
    closes = st.sampled_from(("]", ")", "", "⟩", "}", "]]"))
    return st.tuples(opens, st.lists(atom, min_size=0, max_size=max_size), seps, closes).map(
        lambda t: t[0] + t[2].join(t[1]) + t[3])


def _vector_text() -> st.SearchStrategy[str]:
    return _sequence(st.one_of(_number_text(), st.integers(-9, 9).map(str)))


def _matrix_text() -> st.SearchStrategy[str]:
    row = st.lists(st.one_of(_number_text(), st.integers(-9, 9).map(str)), min_size=0, max_size=12)
    return st.tuples(st.lists(row, min_size=0, max_size=12), st.sampled_from(("; ", "\n", "], [", ";;", ","))).map(
        lambda t: ("[[" if t[1] == "], [" else "") + t[1].join(" ".join(r) if t[1] != "], [" else ", ".join(r)
                                                               for r in t[0]) + ("]]" if t[1] == "], [" else ""))


def _basis_text() -> st.SearchStrategy[str]:
    return st.lists(_sequence(st.one_of(_number_text(), st.integers(-9, 9).map(str)), 8), min_size=0, max_size=22).map(", ".join)


def _expression_text() -> st.SearchStrategy[str]:
    token = st.one_of(
        st.sampled_from(("x", "y", "t", "x", "(", ")", "+", "-", "*", "/", "^", "**", "sqrt(", "exp(", "log(", "sin(",
                         "abs(", "pi", "e", "²", "−", "⁻¹", " ", "x^99", "x^x", "!", "=", "__", ".", "'", "[", "]")),
        _number_text(),
    )
    return st.lists(token, min_size=1, max_size=80).map("".join)


def _words() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(("yes", "no", "да", "нет", "y", "n", "true", "false", "1", "2", "a", "b", "c", "д", "ä")),
        st.text(st.characters(categories=("Lu", "Ll", "Nd", "No", "Nl")), min_size=1, max_size=8),
    )


_SHAPED: dict[str, Callable[[], st.SearchStrategy[str]]] = {
    "integer": _number_text,
    "number": _number_text,
    "choice": _words,
    "yesno": _words,
    "vector": _vector_text,
    "matrix": _matrix_text,
    "basis": _basis_text,
    "scaled_vector": _vector_text,
    "expression": _expression_text,
}


def _generic() -> st.SearchStrategy[str]:
    """Shapes every type gets: random unicode, nasty atoms, deep nesting, long text, hostile characters."""
    return st.one_of(
        _any_text,
        st.sampled_from(NASTY_TEXT),
        _nested(st.sampled_from(("1", "x", "", "1, 2", "nan"))),
        st.integers(MAX_LENGTH - 5, 30_000).map(lambda k: "1" * k),
        st.text(_hostile_chars, min_size=1, max_size=50),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    )


def answer_text(answer_type: str) -> st.SearchStrategy[str]:
    """Hostile text for one answer type: the generic shapes, type-shaped input built from hostile atoms,
    and the type's typical answers with hostile text spliced in."""
    if answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer type {answer_type!r}; expected one of {ANSWER_TYPES}")
    shaped = _SHAPED[answer_type]()
    valid = st.sampled_from(_VALID_SHAPES[answer_type])
    junk = st.one_of(st.sampled_from(ATOMS), _hostile_chars, _any_text)
    return st.one_of(_generic(), shaped, _splice(valid, junk), _splice(shaped, _hostile_chars))


# --------------------------------------------------------------------------------------------------
# labs

_LAB_FIELDS: dict[str, tuple[str, ...]] = {
    "linear-map": ("matrix", "random"),
    "svd": ("source", "matrix", "layer", "weight", "terms"),
    "layernorm": ("x", "y", "z"),
    "packing": ("d", "eps", "n", "seed"),
}
_SVD_WEIGHTS = ("query", "key", "value", "attention-output", "mlp-in", "mlp-out")


def _lab_matrix() -> st.SearchStrategy[str]:
    entry = st.one_of(
        st.integers(-9, 9).map(str),
        st.sampled_from(("1e308", "-1e308", "1e6", "1000001", "1e-300", "nan", "inf", "1/0", "sqrt(2)", "1/3",
                         "1/999999999999999999999999999999", "999999/1000000", "0.000001", "-0", "2^20", "1e-30")),
        _number_text(),
    )
    rows = st.integers(1, 8).flatmap(lambda r: st.integers(1, 8).flatmap(
        lambda c: st.lists(st.lists(entry, min_size=c, max_size=c), min_size=r, max_size=r)))
    sep = st.sampled_from(("; ", "\n", ";"))
    return st.one_of(st.tuples(rows, sep).map(lambda t: t[1].join(" ".join(r) for r in t[0])), _matrix_text(),
                     _generic())


def _lab_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(("0", "-0", "1", "-1", "0.5", "1e-300", "1e-324", "1e308", "-1e308", "1e9", "10^9", "10**12",
                         "1e12", "nan", "inf", "-inf", "1/0", "0/0", "1000", "1000.0000001", "-1000", "1e-16",
                         "0.999999999999", "0.9999999999999999999", "0.000000001", "2^-1074", "2048", "2049", "2000",
                         "2001", "4294967295", "4294967296", "-1/3", "sqrt(2)", "pi", "e")),
        _number_text(),
        st.floats().map(repr),
        st.integers(-(10**13), 10**13).map(str),
        _generic(),
    )


def _field(lab: str, name: str) -> st.SearchStrategy[str]:
    if name == "matrix":
        return _lab_matrix()
    if name == "random":
        return st.one_of(st.sampled_from(("", "2x2", "3x3", "2x3", "3x2", "6x6", "9x9", "1000000x1000000", "0x0",
                                          "2x", "x", "-1x-1", "2×2")), _generic())
    if name == "source":
        return st.one_of(st.sampled_from(("matrix", "model", "MODEL", "model\x00", "")), _generic())
    if name == "layer":
        return st.one_of(st.sampled_from(tuple(str(i) for i in range(-2, 8)) + ("0.0", "00", "１", "1e0")), _generic())
    if name == "weight":
        return st.one_of(st.sampled_from((*_SVD_WEIGHTS, "QUERY", "query ", "value\x00", "")), _generic())
    if name == "terms":
        return st.one_of(st.integers(-3, 15).map(str), _lab_number())
    if lab == "layernorm":
        return st.one_of(st.integers(-1000, 1000).map(str), st.floats(-1001, 1001).map(repr), _lab_number())
    if lab == "packing":
        ranges = {"d": (-3, 2100), "n": (-3, 2100), "seed": (-3, 2**32 + 3)}
        if name in ranges:
            low, high = ranges[name]
            return st.one_of(st.integers(low, high).map(str), _lab_number())
        return st.one_of(st.floats(0, 1).map(repr), _lab_number())
    raise ValueError(f"lab {lab!r} has no field {name!r}")


def lab_values(lab: str) -> st.SearchStrategy[dict[str, str]]:
    """Hostile form values for one lab: every field drawn (each may be missing, so defaults fill in)."""
    if lab not in _LAB_FIELDS:
        raise ValueError(f"unknown lab {lab!r}; expected one of {LAB_SLUGS}")
    return st.fixed_dictionaries({}, optional={name: _field(lab, name) for name in _LAB_FIELDS[lab]})


def nasty_lab_values(lab: str) -> list[dict[str, str]]:
    """The fixed corpus of one lab: each field set to each nasty value (the others left at their defaults),
    plus whole forms at the limits: the largest dimensions, non-finite and huge entries, empty fields."""
    if lab not in _LAB_FIELDS:
        raise ValueError(f"unknown lab {lab!r}; expected one of {LAB_SLUGS}")
    per_field = ("", "-1", "10**12", "1e308", "1e-300", "nan", "1/0", "2^2^2^2^2^99", "9" * 5000, "\x00\u202e1\u200b",
                 "__import__('os')${7*7}%s%n{0}", "<script>alert(1)</script>", "[" * 10_000 + "]" * 10_000,
                 "A" * 100_000, "'; DROP TABLE auth_user; --\\frac{1}{0}")
    forms: list[dict[str, str]] = [{name: value} for name in _LAB_FIELDS[lab] for value in per_field]
    six = lambda x: "; ".join([" ".join([x] * 6)] * 6)  # noqa: E731
    if lab == "linear-map":
        forms += [{"matrix": six("1e308")}, {"matrix": six("1e6")}, {"matrix": six("-1e6")}, {"matrix": six("1/3")},
                  {"matrix": six("sqrt(2)")}, {"matrix": six("1e-300")}, {"matrix": six("0")},
                  {"matrix": "; ".join([" ".join(["1"] * 7)] * 7)}, {"matrix": six("1/999999999999999999999999999999")},
                  {"matrix": "\n".join(" ".join(str((i * 7 + j * 13) % 19 - 9) + "/" + str(j + 7) for j in range(6))
                                       for i in range(6))},
                  {"random": "6x6"}, {"random": "2x2", "matrix": "junk"}, {"matrix": "", "random": ""}]
    elif lab == "svd":
        forms += [{"source": "matrix", "matrix": six(x)} for x in ("1e308", "1e6", "1e-300", "0", "sqrt(2)", "1/3")]
        forms += [{"source": "model", "layer": "0", "weight": weight, "terms": "12"} for weight in ("query", "mlp-in")]
        forms += [{"source": "model", "layer": layer, "weight": weight, "terms": terms} for layer, weight, terms in (
            ("6", "query", "1"), ("-1", "query", "1"), ("1e0", "key", "1"), ("0", "nope", "1"), ("0", "QUERY", "1"),
            ("0", "value", "13"), ("0", "value", "0"), ("0", "value", "1e9"), ("0", "value", "nan"),
            ("5", "mlp-out", "-1"), ("", "", ""))]
    elif lab == "layernorm":
        forms += [{"x": a, "y": b, "z": c} for a, b, c in (
            ("0", "0", "0"), ("1", "1", "1"), ("1e-300", "0", "0"), ("1e-300", "-1e-300", "0"), ("1000", "-1000", "0"),
            ("1000", "1000", "-1000"), ("5e-324", "0", "0"), ("1e-16", "0", "0"), ("1", "1", "1.0000000000000002"),
            ("1e-150", "2e-150", "3e-150"), ("-1000", "-1000", "1000"), ("sqrt(2)", "pi", "e"), ("1/3", "1/3", "1/3"))]
    else:
        forms += [{"d": d, "eps": eps, "n": n, "seed": s} for d, eps, n, s in (
            ("2048", "0.999999", "2000", "4294967295"), ("2048", "1e-300", "2000", "0"), ("2", "0.999999", "2000", "0"),
            ("2", "1e-16", "2", "0"), ("2048", "0.01", "2000", "7"), ("1e9", "0", "1e12", "-1"),
            ("10**9", "1e-300", "10**12", "1e99"), ("2048", "1", "2000", "0"), ("2048", "0", "2000", "0"),
            ("2048", "nan", "2000", "0"), ("1024", "2^-1074", "2", "0"), ("2049", "0.5", "2001", "4294967296"))]
    return forms


# --------------------------------------------------------------------------------------------------
# drawing


def sample(strategy: st.SearchStrategy[Any], n: int, *, seed_value: int = 0) -> list[Any]:
    """``n`` values of ``strategy`` (fewer only if it has fewer distinct ones), the same for the same seed.

    Runs hypothesis' generation phase alone: no shrinking, no example database, no deadline.
    """
    if n <= 0:
        return []
    drawn: list[Any] = []

    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(seed_value)
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn
