"""Answer keys: what is right for each answer type, and feedback that teaches without giving it away.

Every key has an ``answer_type``, an ``expected`` string (one canonical typed answer that grades
correct), ``hints`` and ``check(text, lang="en") -> Result``.  ``check`` never raises for a ``str``: text
it cannot read is a wrong :class:`Result` whose feedback says what was expected.

Order of feedback for a wrong answer: first the built-in targeted feedback where it applies (wrong
shape, the transpose, a vector outside the subspace, linear dependence, the zero vector, …), then a
hint whose key has the same value as the answer (``hints={"2": {"en": …, "ru": …}}``, the key parsed
like the learner's input, so ``"0.5"`` also matches ``1/2``), then the generic message of the type.

How values are compared:

* exact (``int``/``Fraction``) against exact: equal exactly (``0.5`` typed equals ``1/2``);
* a decimal the learner typed, or a float key: within ``rtol``/``atol``
  (``|got - want| <= atol + rtol * |want|``, by default ``rtol=1e-6``, ``atol=1e-9``);
* irrational exact values (``sqrt(2)/2``): as floats within ``1e-12`` (relative);
* :class:`Number` always compares within its tolerance;
* :class:`Expression` compares values at several points where the key is defined (at most a relative
  ``1e-9``; ``1e-6`` if the learner typed decimals), with ``sympy.simplify`` only when too few such
  points exist.

Examples
--------
>>> key = KernelBasis([[1, 2, 3], [2, 4, 6]])
>>> key.expected
'[2, -1, 0], [3, 0, -1]'
>>> key.check("[1, 1, -1], [2, -1, 0]").correct
True
>>> key.check("[1, 2, 0], [2, -1, 0]").feedback
'(1, 2, 0) is not in the kernel: A·v = (5, 10).'
>>> key.check("[2, -1, 0]").score
0.5
>>> Matrix([[1, 2, 3], [4, 5, 6]]).check("1 4; 2 5; 3 6").feedback
'You entered the transpose.'
"""

from __future__ import annotations

import math
import numbers
import random
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, ClassVar, Iterable, Sequence

from linlab.course import parse
from linlab.course.i18n import LANGS, check_lang, message
from linlab.course.parse import Expression as _ParsedExpression
from linlab.course.parse import Node, Scalar
from linlab.errors import DTypeError, NonFiniteError, ParseError, ShapeError

__all__ = [
    "Result",
    "Answer",
    "Integer",
    "Number",
    "Choice",
    "YesNo",
    "Vector",
    "Matrix",
    "Basis",
    "KernelBasis",
    "ImageBasis",
    "ScaledVector",
    "Expression",
    "ANSWER_TYPES",
    "from_inline",
]

ANSWER_TYPES = ("integer", "number", "choice", "yesno", "vector", "matrix", "basis", "scaled_vector", "expression")

Texts = dict[str, str]
_EXACT_RTOL = 1e-12


@dataclass(frozen=True)
class Result:
    """The grade of one typed answer.

    Attributes
    ----------
    correct : bool
        Whether the answer is right (then ``score == 1``).
    score : float
        In ``[0, 1]``; partial credit where it means something (a basis missing a vector).
    feedback : str
        One message for the learner, in the language asked for.
    """

    correct: bool
    score: float
    feedback: str

    def __post_init__(self) -> None:
        if not isinstance(self.correct, bool):
            raise DTypeError(f"correct must be a bool, got {self.correct!r}")
        if not (isinstance(self.score, (int, float)) and 0.0 <= self.score <= 1.0):
            raise ParseError(f"score must be a number in [0, 1], got {self.score!r}")
        if self.correct and self.score != 1.0:
            raise ParseError(f"a correct result has score 1, got {self.score!r}")
        if not isinstance(self.feedback, str):
            raise DTypeError(f"feedback must be a str, got {type(self.feedback).__name__}")


# Results are immutable, so every right answer can share one per language and kind
_CORRECT = {(lang, tolerance): Result(True, 1.0, message("correct_tolerance" if tolerance else "correct", lang))
            for lang in LANGS for tolerance in (False, True)}


class _Verdict:
    """What a grader found: right or not, partial score, built-in feedback, and the type's generic message."""

    __slots__ = ("correct", "score", "builtin", "generic", "tolerance")

    def __init__(self, correct: bool, score: float = 0.0, builtin: Texts | None = None,
                 generic: Texts | Callable[[], Texts | None] | None = None, tolerance: bool = False) -> None:
        self.correct, self.score, self.builtin, self.generic = correct, score, builtin, generic
        self.tolerance = tolerance  # right only within a tolerance


def _texts(key: str, **fields: Any) -> Texts:
    return {lang: message(key, lang, **{k: (v[lang] if isinstance(v, dict) else v) for k, v in fields.items()})
            for lang in LANGS}


def _check_texts(value: object, what: str) -> Texts:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise ParseError(f"{what} must be a dict with the keys 'en' and 'ru', got {value!r}")
    for lang in LANGS:
        if not isinstance(value[lang], str) or not value[lang].strip():
            raise ParseError(f"{what}[{lang!r}] must be a non-empty str, got {value[lang]!r}")
    return dict(value)


# --------------------------------------------------------------------------------------------------
# numbers


def _node_text(node: Node) -> str:
    """Text that parses back to the same tree value (used for ``expected``)."""
    op, args = node.op, node.args
    if op == "num":
        return _fraction_text(args[0])
    if op in ("const", "var"):
        return args[0]
    if op == "call":
        return f"{args[0]}({_node_text(args[1])})"

    def wrapped(child: Node) -> str:
        text = _node_text(child)
        simple = child.op in ("const", "var", "call") or (child.op == "num" and child.args[0] >= 0
                                                         and child.args[0].denominator == 1)
        return text if simple else f"({text})"

    if op == "neg":
        return f"-{wrapped(args[0])}"
    if op == "inv":
        return f"1/{wrapped(args[0])}"
    if op == "pow":
        return f"{wrapped(args[0])}^{wrapped(args[1])}"
    if op == "mul":
        return "*".join(wrapped(a) for a in args)
    parts = [_node_text(args[0])]
    for a in args[1:]:
        parts.append(f"- {wrapped(a.args[0])}" if a.op == "neg" else f"+ {wrapped(a)}")
    return " ".join(parts)


def _fraction_text(x: Fraction) -> str:
    return str(x)


def _scalar_text(s: Scalar) -> str:
    """How a value is shown in feedback: exact where it is exact, else 6 significant digits."""
    if s.exact is not None and not s.decimal:
        return str(s.exact)
    if s.exact is not None and s.exact.denominator == 1:
        return str(s.exact)
    return f"{s.approx:.6g}"


def _key_scalar(x: object, name: str) -> tuple[Scalar, str]:
    """A number of an answer key (int, Fraction, float or exact text) as a Scalar and its canonical text."""
    if isinstance(x, Scalar):
        return x, _node_text(x.node)
    if isinstance(x, bool):
        raise DTypeError(f"{name} must be a number, got the bool {x!r}")
    if isinstance(x, numbers.Integral):
        f = Fraction(int(x))
        return _interned(Scalar(f, float(f), False), str(f)), str(f)
    if isinstance(x, Fraction):
        if abs(x) > 1e30:
            raise ParseError(f"{name} is too large for an answer: {x}")
        return _interned(Scalar(x, float(x), False), str(x)), str(x)
    if isinstance(x, numbers.Real):
        v = float(x)
        if not math.isfinite(v):
            raise NonFiniteError(f"{name} must be finite, got {v!r}")
        if v != 0 and not 1e-30 < abs(v) < 1e30:
            raise ParseError(f"{name} must be 0 or between 1e-30 and 1e30 in size, got {v!r}")
        text = repr(v)
        s = parse.parse_number(text)
        return Scalar(s.exact, v, True, s.node), text
    if isinstance(x, str):
        try:
            s = parse.parse_number(x)
        except ParseError as err:
            raise ParseError(f"{name} = {x!r} is not a number: {err}") from None
        return s, " ".join(x.split())
    raise DTypeError(f"{name} must be an int, a Fraction, a float or exact text, got {type(x).__name__} {x!r}")


def _interned(s: Scalar, text: str) -> Scalar:
    """The parser's shared Scalar for the entry ``text`` if it has the value of ``s``, else ``s``.

    A key built from ints and Fractions then holds the very objects the parser returns for the same
    typed entries, and comparing them (``==`` on lists) stops at identity instead of ``Fraction.__eq__``.
    """
    shared = parse._fast_entry(text)
    return shared if shared is not None and shared == s else s


def _equal(got: Scalar, want: Scalar, rtol: float, atol: float) -> bool:
    a, b = got.exact, want.exact
    if a is not None and b is not None:
        if a.numerator == b.numerator and a.denominator == b.denominator:  # Fractions are in lowest terms
            return True
        if not got.decimal and not want.decimal:
            return False
    if got.decimal or want.decimal:
        return abs(got.approx - want.approx) <= atol + rtol * abs(want.approx)
    return abs(got.approx - want.approx) <= _EXACT_RTOL * max(1.0, abs(want.approx))


def _check_tolerance(rtol: float, atol: float) -> None:
    for name, v in (("rtol", rtol), ("atol", atol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise ParseError(f"{name} must be a finite number >= 0, got {v!r}")


def _vec_text(values: Iterable[Scalar]) -> str:
    return "(" + ", ".join(_scalar_text(s) for s in values) + ")"


def _key_vector(values: object, name: str) -> tuple[list[Scalar], list[str]]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
        raise ShapeError(f"{name} must be a non-empty list of numbers, got {values!r}")
    if len(values) > parse.MAX_SIZE:
        raise ShapeError(f"{name} has {len(values)} entries; at most {parse.MAX_SIZE}")
    pairs = [_key_scalar(x, f"{name}[{i}]") for i, x in enumerate(values)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _key_rows(rows: object, name: str) -> tuple[list[list[Scalar]], list[list[str]]]:
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or len(rows) == 0:
        raise ShapeError(f"{name} must be a non-empty list of rows, got {rows!r}")
    vals, texts = [], []
    for i, row in enumerate(rows):
        v, t = _key_vector(row, f"{name}[{i}]")
        vals.append(v)
        texts.append(t)
    if any(len(r) != len(vals[0]) for r in vals):
        raise ShapeError(f"{name} must have rows of one length, got lengths {[len(r) for r in vals]}")
    if len(vals) > parse.MAX_SIZE:
        raise ShapeError(f"{name} has {len(vals)} rows; at most {parse.MAX_SIZE}")
    return vals, texts


_DECIMAL_COMMA = re.compile(r"\d,\d")


# --------------------------------------------------------------------------------------------------
# the base class


class Answer(ABC):
    """An answer key: ``check(text, lang)`` grades what a learner typed.

    Subclasses set ``answer_type``, read text with ``_read`` (raising ParseError) and grade the value
    with ``_grade``; ``_same`` compares two read values for matching hints.
    """

    answer_type: ClassVar[str]
    _hint_list: list[tuple[Any, Texts]]

    def __init__(self, *, hints: dict[str, Texts] | None = None) -> None:
        self._hints: dict[str, Texts] = {}
        self._hint_list = []
        if hints is None:
            return
        if not isinstance(hints, dict):
            raise ParseError(f"hints must be a dict {{typed answer: {{'en': ..., 'ru': ...}}}}, got {hints!r}")
        for key, texts in hints.items():
            if not isinstance(key, str):
                raise ParseError(f"a hint key must be the typed answer as a str, got {key!r}")
            texts = _check_texts(texts, f"hints[{key!r}]")
            try:
                value = self._read(key)
            except ParseError as err:
                raise ParseError(f"hint key {key!r} does not read as a {self.answer_type} answer: {err}") from None
            if self._grade(value).correct:
                raise ParseError(f"hint key {key!r} is a correct answer; hints are for wrong ones")
            self._hints[key] = texts
            self._hint_list.append((value, texts))

    @property
    def hints(self) -> dict[str, Texts]:
        """The targeted feedback for typical wrong answers, ``{typed answer: {"en": …, "ru": …}}``."""
        return dict(self._hints)

    @property
    @abstractmethod
    def expected(self) -> str:
        """One canonical typed answer that grades correct."""

    @abstractmethod
    def _read(self, text: str) -> Any:
        """Parse ``text`` (ParseError if it cannot be read as this type)."""

    @abstractmethod
    def _grade(self, value: Any) -> _Verdict:
        """Grade a read value."""

    def _same(self, value: Any, other: Any) -> bool:
        """Whether two read values are the same answer (for hints); the subclasses refine this."""
        return value == other

    def check(self, text: str, lang: str = "en") -> Result:
        """Grade ``text`` and explain the grade in ``lang`` (``"en"`` or ``"ru"``).

        Never raises for a ``str``; raises TypeError for anything else and ParseError for an unknown
        ``lang``.
        """
        check_lang(lang)
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        try:
            value = self._read(text)
        except ParseError as err:
            messages = getattr(err, "messages", None) or {}
            return Result(False, 0.0, messages.get(lang, str(err)))
        v = self._grade(value)
        if v.correct:
            return _CORRECT[lang, bool(v.tolerance)]
        if v.builtin is not None:
            return Result(False, v.score, v.builtin[lang])
        for key_value, texts in self._hint_list:
            if self._same(value, key_value):
                return Result(False, v.score, texts[lang])
        generic = v.generic() if callable(v.generic) else v.generic
        return Result(False, v.score, generic[lang] if generic else message("wrong", lang))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(expected={self.expected!r})"


# --------------------------------------------------------------------------------------------------
# scalars


class Integer(Answer):
    """A whole number.

    Examples
    --------
    >>> Integer(2).check("2.5").feedback
    'Expected a whole number, got 2.5.'
    >>> Integer(2).check("4/2").correct
    True
    """

    answer_type = "integer"

    def __init__(self, value: int, *, hints: dict[str, Texts] | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            if isinstance(value, Fraction) and value.denominator == 1:
                value = value.numerator
            else:
                raise DTypeError(f"value must be an int, got {type(value).__name__} {value!r}")
        self.value = int(value)
        super().__init__(hints=hints)

    @property
    def expected(self) -> str:
        return str(self.value)

    def _read(self, text: str) -> Scalar:
        return parse.parse_number(text, what="integer")

    def _grade(self, value: Scalar) -> _Verdict:
        if value.exact is None or value.exact.denominator != 1:
            return _Verdict(False, builtin=_texts("not_whole", got=_scalar_text(value)))
        return _Verdict(value.exact == self.value)

    def _same(self, value: Scalar, other: Scalar) -> bool:
        return _equal(value, other, 0.0, 0.0)


class Number(Answer):
    """A real number, right within ``|got - value| <= atol + rtol·|value|``.

    ``value`` is an int, a Fraction, a float or exact text such as ``"sqrt(2)/2"``.

    Examples
    --------
    >>> key = Number("sqrt(2)/2")
    >>> key.check("1/sqrt(2)").correct, key.check("0,70710678").correct
    (True, True)
    >>> key.check("0.7071").feedback
    'Close, but not within the tolerance; give more digits or an exact value such as 1/3 or sqrt(2)/2.'
    """

    answer_type = "number"

    def __init__(self, value: int | Fraction | float | str, *, rtol: float = 1e-6, atol: float = 1e-9,
                 hints: dict[str, Texts] | None = None) -> None:
        _check_tolerance(rtol, atol)
        self.rtol, self.atol = float(rtol), float(atol)
        self.value, self._text = _key_scalar(value, "value")
        super().__init__(hints=hints)

    @property
    def expected(self) -> str:
        return self._text

    def _read(self, text: str) -> Scalar:
        return parse.parse_number(text)

    def _grade(self, value: Scalar) -> _Verdict:
        want = self.value
        if value.exact is not None and want.exact is not None and value.exact == want.exact:
            return _Verdict(True)
        diff = abs(value.approx - want.approx)
        if diff <= self.atol + self.rtol * abs(want.approx) or diff <= _EXACT_RTOL * max(1.0, abs(want.approx)):
            return _Verdict(True, tolerance=value.decimal)
        if diff <= 1e-2 * max(abs(want.approx), 1e-2):
            return _Verdict(False, builtin=_texts("close"))
        return _Verdict(False)

    def _same(self, value: Scalar, other: Scalar) -> bool:
        return _equal(value, other, self.rtol, self.atol)


class Choice(Answer):
    """One of several options: typed as its number (``2``), its letter (``b``) or its text.

    Parameters
    ----------
    options : dict
        ``{"en": [...], "ru": [...]}``, at least 2 options, the same count in both languages.
    correct : int
        The 0-based index of the right option.

    Examples
    --------
    >>> key = Choice({"en": ["0", "1", "2"], "ru": ["0", "1", "2"]}, 2)
    >>> key.expected, key.check("c").correct, key.check("3").correct
    ('3', True, True)
    """

    answer_type = "choice"

    def __init__(self, options: dict[str, list[str]], correct: int, *, hints: dict[str, Texts] | None = None) -> None:
        if not isinstance(options, dict) or set(options) != set(LANGS):
            raise ParseError(f"options must be a dict with the keys 'en' and 'ru', got {options!r}")
        counts = set()
        for lang in LANGS:
            opts = options[lang]
            if not isinstance(opts, list) or not all(isinstance(o, str) and o.strip() for o in opts):
                raise ParseError(f"options[{lang!r}] must be a list of non-empty str, got {opts!r}")
            counts.add(len(opts))
        if len(counts) != 1:
            raise ParseError(f"options must have as many entries in 'en' as in 'ru', got {sorted(counts)}")
        n = counts.pop()
        if not 2 <= n <= 26:
            raise ParseError(f"options must hold 2 to 26 entries, got {n}")
        if isinstance(correct, bool) or not isinstance(correct, int) or not 0 <= correct < n:
            raise ParseError(f"correct must be a 0-based index from 0 to {n - 1}, got {correct!r}")
        self.options = {lang: list(options[lang]) for lang in LANGS}
        self.correct = correct
        super().__init__(hints=hints)

    @property
    def expected(self) -> str:
        return str(self.correct + 1)

    def _read(self, text: str) -> int:
        return parse.parse_choice(text, self.options)

    def _grade(self, value: int) -> _Verdict:
        return _Verdict(value == self.correct, generic=_texts("choice_wrong"))


class YesNo(Answer):
    """Yes or no: ``yes``/``no``, ``y``/``n``, ``true``/``false``, ``да``/``нет``.

    Examples
    --------
    >>> YesNo(False).check("Нет").correct
    True
    """

    answer_type = "yesno"

    def __init__(self, value: bool, *, hints: dict[str, Texts] | None = None) -> None:
        if not isinstance(value, bool):
            raise DTypeError(f"value must be a bool, got {type(value).__name__} {value!r}")
        self.value = value
        super().__init__(hints=hints)

    @property
    def expected(self) -> str:
        return "yes" if self.value else "no"

    def _read(self, text: str) -> bool:
        return parse.parse_yesno(text)

    def _grade(self, value: bool) -> _Verdict:
        return _Verdict(value == self.value)


# --------------------------------------------------------------------------------------------------
# vectors and matrices


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


# --------------------------------------------------------------------------------------------------
# bases


def _exact_rows(rows: Sequence[Sequence[object]], name: str) -> list[list[Fraction]]:
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ShapeError(f"{name}[{i}] must be a list of numbers, got {row!r}")
        r = []
        for j, x in enumerate(row):
            if isinstance(x, Scalar):
                if x.exact is None:
                    raise DTypeError(f"{name}[{i}][{j}] must be rational, got {_scalar_text(x)}")
                x = x.exact
            if isinstance(x, bool) or not isinstance(x, (numbers.Integral, Fraction)):
                raise DTypeError(f"{name}[{i}][{j}] must be an int or a Fraction, got {type(x).__name__} {x!r}")
            r.append(Fraction(x))
        out.append(r)
    return out


def _scaled(values: Iterable[Fraction]) -> tuple[list[int], int]:
    """``(m·values, m)`` with ``m`` the least common multiple of the denominators: the values in integers."""
    ratios = [x.as_integer_ratio() for x in values]
    m = math.lcm(*[d for _, d in ratios]) if ratios else 1
    return [n * (m // d) for n, d in ratios], m


def _integer_vector(values: Iterable[Fraction]) -> list[int]:
    """A positive multiple of ``values`` in integers (same span, same direction)."""
    return _scaled(values)[0]


def _integer_rank(rows: list[list[int]]) -> int:
    """The exact rank of integer rows, by fraction-free elimination (rows are replaced, not modified)."""
    rows = [r for r in rows if any(r)]
    rank = 0
    n = len(rows[0]) if rows else 0
    for col in range(n):
        if rank == len(rows):
            break
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        top = rows[rank]
        a = top[col]
        for i in range(rank + 1, len(rows)):
            b = rows[i][col]
            if b:  # a·row - b·top: an invertible row operation (a != 0) that clears this column
                r = [a * x - b * y for x, y in zip(rows[i], top)]
                g = math.gcd(*r)
                rows[i] = [x // g for x in r] if g > 1 else r
        rank += 1
    return rank


class _Span:
    """An exact subspace of Q^n given by an independent list of vectors.

    Membership is tested in integers: ``v`` lies in the span of the rows of ``B`` exactly when it is
    orthogonal to every vector of ``ker B`` (the row space is the orthogonal complement of the kernel),
    and a vector may be scaled to integers first.
    """

    def __init__(self, vectors: list[list[Fraction]], n: int) -> None:
        from linlab.algebra import exact

        self.n = n
        self.dim = len(vectors)
        if vectors:
            R, pivots = exact.rref(vectors)
            self.rows = [(p, R[i]) for i, p in enumerate(pivots)]
            normals = exact.kernel_basis(vectors) if self.dim < n else []
        else:
            self.rows = []
            normals = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        self._normals = [_integer_vector(z) for z in normals]  # (n - dim, n), a basis of the complement
        self._floats: Any = None

    def contains(self, v: list[Fraction]) -> bool:
        return self.contains_integers(_integer_vector(v))

    def contains_integers(self, v: list[int]) -> bool:
        """Whether the integer vector ``v`` lies in the subspace."""
        for z in self._normals:
            if sum([a * b for a, b in zip(z, v)]):
                return False
        return True

    def contains_float(self, v: list[float], tol: float) -> bool:
        import numpy as np

        if self._floats is None:
            if self.rows:
                Q, _ = np.linalg.qr(np.array([[float(x) for x in r] for _, r in self.rows], dtype=float).T)
                self._floats = Q  # (n, dim), orthonormal columns
            else:
                self._floats = np.zeros((self.n, 0))
        x = np.array(v, dtype=float)
        residual = x - self._floats @ (self._floats.T @ x)
        return float(np.linalg.norm(residual)) <= tol * max(float(np.linalg.norm(x)), 1e-300)


def _rank_exact(vectors: list[list[Fraction]]) -> int:
    return _integer_rank([_integer_vector(v) for v in vectors]) if vectors else 0


def _rank_float(vectors: list[list[float]], tol: float) -> int:
    import numpy as np

    s = np.linalg.svd(np.array(vectors, dtype=float), compute_uv=False)
    return int((s > tol * max(s[0], 1e-300)).sum()) if len(s) else 0


class Basis(Answer):
    """A basis of a subspace: any basis of the same subspace is right.

    Parameters
    ----------
    vectors : list of vectors of int or Fraction
        A linearly independent list spanning the subspace (empty for the zero subspace).
    ambient : int
        The length of the vectors (the subspace lies in R^ambient).
    name : dict, optional
        How feedback names the subspace: ``{"en": "the kernel", "ru": "ядро"}`` (Russian in the
        nominative case).  Default: the subspace / подпространство.
    witness : list of rows, optional
        A matrix ``W`` of shape ``(k, ambient)``; feedback on a vector ``v`` outside the subspace shows
        ``W·v`` (for the kernel of ``A``, ``W = A``).
    witness_name : str
        How ``W`` is named in that feedback (default ``"A"``).

    Examples
    --------
    >>> key = Basis([[1, 0, 1]], ambient=3, name={"en": "the line", "ru": "прямая"})
    >>> key.check("[2, 0, 2]").correct, key.check("[1, 1, 1]").feedback
    (True, '(1, 1, 1) is not in the line.')
    >>> Basis([], ambient=2).check("none").correct
    True
    """

    answer_type = "basis"
    _image = False

    def __init__(self, vectors: Sequence[Sequence[int | Fraction]], *, ambient: int,
                 name: Texts | None = None, witness: Sequence[Sequence[int | Fraction]] | None = None,
                 witness_name: str = "A", rtol: float = 1e-6, atol: float = 1e-9,
                 hints: dict[str, Texts] | None = None) -> None:
        if isinstance(ambient, bool) or not isinstance(ambient, int) or not 1 <= ambient <= parse.MAX_SIZE:
            raise ShapeError(f"ambient must be an int from 1 to {parse.MAX_SIZE}, got {ambient!r}")
        if isinstance(vectors, (str, bytes)) or not isinstance(vectors, Sequence):
            raise ShapeError(f"vectors must be a list of vectors, got {vectors!r}")
        basis = _exact_rows(vectors, "vectors")
        for i, v in enumerate(basis):
            if len(v) != ambient:
                raise ShapeError(f"vectors[{i}] has {len(v)} entries but ambient = {ambient}")
        if _rank_exact(basis) != len(basis):
            raise ShapeError(f"vectors must be linearly independent (a basis), got rank {_rank_exact(basis)} "
                             f"for {len(basis)} vectors")
        self.vectors = basis
        self.ambient = ambient
        self.name = _check_texts(name, "name") if name is not None else self._default_name()
        if witness is not None:
            W = _exact_rows(witness, "witness")
            if not W or any(len(r) != ambient for r in W):
                raise ShapeError(f"witness must be a non-empty matrix with {ambient} columns, got {witness!r}")
            witness = W
        self.witness = witness
        self._witness_scaled = [_scaled(row) for row in witness] if witness is not None else []
        if not isinstance(witness_name, str) or not witness_name:
            raise ParseError(f"witness_name must be a non-empty str, got {witness_name!r}")
        self.witness_name = witness_name
        _check_tolerance(rtol, atol)
        self.rtol, self.atol = float(rtol), float(atol)
        self._span = _Span(basis, ambient)
        super().__init__(hints=hints)

    @staticmethod
    def _default_name() -> Texts:
        return {"en": "the subspace", "ru": "подпространство"}

    @property
    def dim(self) -> int:
        """The dimension of the subspace."""
        return len(self.vectors)

    @property
    def expected(self) -> str:
        if not self.vectors:
            return "none"
        return ", ".join("[" + ", ".join(str(x) for x in v) + "]" for v in self.vectors)

    def _read(self, text: str) -> list[list[Scalar]] | tuple[str, list[list[Scalar]]]:
        got = parse.parse_basis(text)
        if got and len(got[0]) == 1 and len(got) == self.ambient and self.ambient > 1:
            return [[row[0] for row in got]]  # one vector typed as a column
        return got

    def _not_in(self, v: list[Scalar]) -> Texts:
        vt = _vec_text(v)
        if self._image and self.witness is not None:
            return _texts("basis_not_in_image", v=vt, name=self.name, W=self.witness_name)
        if self.witness is not None:
            if _is_plain(v):
                # W·v in integers: with v = x / m and a row of W = w / d, its entry is (w·x) / (d·m)
                x, m = _scaled([s.exact for s in v])  # type: ignore[misc]
                Wv = [Fraction(sum([a * b for a, b in zip(w, x)]), d * m) for w, d in self._witness_scaled]
                wt = "(" + ", ".join(str(y) for y in Wv) + ")"
            else:
                Wv_f = [sum(float(a) * s.approx for a, s in zip(row, v)) for row in self.witness]
                wt = "(" + ", ".join(f"{x:.6g}" for x in Wv_f) + ")"
            return _texts("basis_not_in_witness", v=vt, name=self.name, W=self.witness_name, Wv=wt)
        return _texts("basis_not_in", v=vt, name=self.name)

    def _grade(self, got: list[list[Scalar]]) -> _Verdict:
        d = self.dim
        if not got:
            if d == 0:
                return _Verdict(True)
            return _Verdict(False, builtin=_texts("basis_empty_given", name=self.name, d=d))
        k = len(got[0])
        if k != self.ambient:
            if len(got) == self.ambient:
                return _Verdict(False, builtin=_texts("basis_columns"))
            return _Verdict(False, builtin=_texts("basis_ambient", k=k, n=self.ambient))
        exact = all([_is_plain(v) for v in got])
        if any([_is_zero(v, self.atol) for v in got]):
            return _Verdict(False, builtin=_texts("basis_zero_vector"))
        # exact vectors in integers (each a positive multiple: the same span, the same rank)
        ints = [_integer_vector([s.exact for s in v]) for v in got] if exact else []  # type: ignore[misc]
        for i, v in enumerate(got):
            inside = (self._span.contains_integers(ints[i]) if exact
                      else self._span.contains_float([s.approx for s in v], self._tol(v)))
            if not inside:
                return _Verdict(False, builtin=self._not_in(v))
        if exact:
            r = _integer_rank(ints)
        else:
            r = _rank_float([[s.approx for s in v] for v in got], self._tol([s for v in got for s in v]))
        if r < len(got):
            return _Verdict(False, score=0.5 * r / d, builtin=_texts("basis_dependent"))
        if r < d:
            return _Verdict(False, score=r / d, builtin=_texts("basis_dimension", k=r, name=self.name, d=d))
        return _Verdict(True, tolerance=not exact and any(s.decimal for v in got for s in v))

    def _tol(self, values: list[Scalar]) -> float:
        return max(self.rtol, 1e-9) if any(s.decimal for s in values) else 1e-9

    def _same(self, value: list[list[Scalar]], other: list[list[Scalar]]) -> bool:
        def exact_rows(rows: list[list[Scalar]]) -> list[list[Fraction]] | None:
            if any(s.exact is None or s.decimal for v in rows for s in v):
                return None
            return [[s.exact for s in v] for v in rows]  # type: ignore[misc]

        a, b = exact_rows(value), exact_rows(other)
        if a is None or b is None:
            return False
        if not a or not b:
            return not a and not b
        if len(a[0]) != len(b[0]):
            return False
        ra, rb = _rank_exact(a), _rank_exact(b)
        return ra == rb == _rank_exact(a + b)


class KernelBasis(Basis):
    """A basis of ``ker A`` for an integer or rational matrix ``A`` of shape ``(m, n)``.

    Feedback on a vector ``v`` outside the kernel shows ``A·v``.

    Examples
    --------
    >>> key = KernelBasis([[1, 1]])
    >>> key.expected, key.check("[1, -1]").correct, key.check("(1, 1)").feedback
    ('[1, -1]', True, '(1, 1) is not in the kernel: A·v = (2).')
    """

    def __init__(self, A: Sequence[Sequence[int | Fraction]], *, name: Texts | None = None,
                 witness_name: str = "A", hints: dict[str, Texts] | None = None) -> None:
        from linlab.algebra import exact

        rows = _exact_rows(A, "A")
        if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
            raise ShapeError(f"A must be a non-empty matrix with rows of one length, got {A!r}")
        self.A = rows
        super().__init__(exact.kernel_basis(rows), ambient=len(rows[0]), name=name, witness=rows,
                         witness_name=witness_name, hints=hints)

    @staticmethod
    def _default_name() -> Texts:
        return {"en": "the kernel", "ru": "ядро"}


class ImageBasis(Basis):
    """A basis of ``im A`` (the column space) for a matrix ``A`` of shape ``(m, n)``.

    Feedback on a vector outside the image says it is not a combination of the columns of ``A``.

    Examples
    --------
    >>> key = ImageBasis([[1, 2], [2, 4]])
    >>> key.check("[2, 4]").correct, key.check("[1, 0]").feedback
    (True, '(1, 0) is not in the image: it is not a combination of the columns of A.')
    """

    _image = True

    def __init__(self, A: Sequence[Sequence[int | Fraction]], *, name: Texts | None = None,
                 witness_name: str = "A", hints: dict[str, Texts] | None = None) -> None:
        from linlab.algebra import exact

        rows = _exact_rows(A, "A")
        if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
            raise ShapeError(f"A must be a non-empty matrix with rows of one length, got {A!r}")
        self.A = rows
        super().__init__(exact.image_basis(rows), ambient=len(rows), name=name, witness=[list(c) for c in zip(*rows)],
                         witness_name=witness_name, hints=hints)

    @staticmethod
    def _default_name() -> Texts:
        return {"en": "the image", "ru": "образ"}


# --------------------------------------------------------------------------------------------------
# expressions

_NICE = [2.0, 1.0, 3.0, -1.0, -2.0, 0.0, 0.5, 4.0, 5.0, -3.0, 1.5, 10.0]
_NAME = re.compile(r"^[A-Za-z]+$")


def _points(variables: tuple[str, ...], count: int, spread: float, seed: int) -> list[dict[str, float]]:
    rng = random.Random(seed)
    return [{v: round(rng.uniform(-spread, spread), 6) for v in variables} for _ in range(count)]


class Expression(Answer):
    """An expression in ``variables``; any equivalent expression is right.

    Equivalence is checked by evaluating both at up to 8 irregular points where the key is defined
    (and finite), drawn from [-3, 3], then [-30, 30], then [-1000, 1000] until at least 3 are found;
    failing that, by ``sympy.simplify(a - b) == 0`` on expressions of at most 60 nodes.  Feedback names a point (small integers preferred) where the two differ.

    Examples
    --------
    >>> key = Expression("x^2 - 1")
    >>> key.check("(x+1)(x-1)").correct
    True
    >>> key.check("x^2 + 1").feedback
    'Your expression differs at x = 2.'
    """

    answer_type = "expression"

    def __init__(self, text: str, *, variables: Sequence[str] = ("x",), hints: dict[str, Texts] | None = None) -> None:
        if isinstance(variables, str) or not isinstance(variables, Sequence) or not variables:
            raise ParseError(f"variables must be a non-empty list of names, got {variables!r}")
        reserved = set(parse.FUNCTIONS) | {"pi", "e"}
        for v in variables:
            if not isinstance(v, str) or not _NAME.match(v) or v.lower() in reserved:
                raise ParseError(f"variable names must be Latin letters and not a function or constant, got {v!r}")
        if len(set(variables)) != len(variables):
            raise ParseError(f"variables must be distinct, got {list(variables)}")
        self.variables = tuple(variables)
        if not isinstance(text, str):
            raise DTypeError(f"text must be a str, got {type(text).__name__}")
        try:
            self.value = parse.parse_expression(text, variables=self.variables)
        except ParseError as err:
            raise ParseError(f"text = {text!r} is not an expression in {list(self.variables)}: {err}") from None
        self._text = " ".join(text.split())
        self._samples: list[tuple[dict[str, float], float]] = []
        for spread, seed in ((3.0, 1), (30.0, 2), (1000.0, 3)):
            for pt in _points(self.variables, 40, spread, seed):
                y = self.value.evaluate(pt)
                if y is not None and abs(y) < 1e12:
                    self._samples.append((pt, y))
                if len(self._samples) >= 8:
                    break
            if len(self._samples) >= 3:
                break
        super().__init__(hints=hints)

    @property
    def expected(self) -> str:
        return self._text

    def _read(self, text: str) -> _ParsedExpression:
        return parse.parse_expression(text, variables=self.variables)

    @staticmethod
    def _close(a: float, b: float, decimal: bool) -> bool:
        return abs(a - b) <= (1e-6 if decimal else 1e-9) * max(1.0, abs(a), abs(b))

    def _nice_point(self, got: _ParsedExpression, fallback: dict[str, float]) -> tuple[str, dict[str, float]]:
        """A point, small integers first, where the key is defined and the answer differs or is not."""
        import itertools

        vs = self.variables
        candidates = itertools.islice(itertools.product(_NICE, repeat=len(vs)), 60)
        for combo in candidates:
            pt = dict(zip(vs, combo))
            y = self.value.evaluate(pt)
            if y is None:
                continue
            g = got.evaluate(pt)
            if g is None:
                return "expr_undefined", pt
            if not self._close(g, y, got.node.decimal) and abs(g - y) > 1e-6 * max(1.0, abs(y)):
                return "expr_differs", pt
        return ("expr_undefined" if got.evaluate(fallback) is None else "expr_differs"), fallback

    @staticmethod
    def _point_text(pt: dict[str, float]) -> str:
        def num(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else f"{x:g}"

        return ", ".join(f"{k} = {num(v)}" for k, v in pt.items())

    def _grade(self, got: _ParsedExpression) -> _Verdict:
        if len(self._samples) >= 3:
            for pt, y in self._samples:
                g = got.evaluate(pt)
                if g is None or not self._close(g, y, got.node.decimal):
                    key, where = self._nice_point(got, pt)
                    return _Verdict(False, builtin=_texts(key, point=self._point_text(where)))
            return _Verdict(True, tolerance=got.node.decimal)
        return self._symbolic(got)

    def _symbolic(self, got: _ParsedExpression) -> _Verdict:
        if self.value.node.size() > 60 or got.node.size() > 60:
            return _Verdict(False, builtin=_texts("expr_inconclusive"))
        import sympy

        try:
            same = sympy.simplify(self.value.to_sympy() - got.to_sympy()) == 0
        except Exception:  # sympy can fail on odd input; the learner gets a message, not a crash
            same = False
        return _Verdict(bool(same), builtin=None if same else _texts("expr_inconclusive"))

    def _same(self, value: _ParsedExpression, other: _ParsedExpression) -> bool:
        pts = [pt for pt, _ in self._samples] or _points(self.variables, 8, 3.0, 3)
        for pt in pts:
            a, b = value.evaluate(pt), other.evaluate(pt)
            if (a is None) != (b is None) or (a is not None and not self._close(a, b, True)):  # type: ignore[arg-type]
                return False
        return True


# --------------------------------------------------------------------------------------------------
# inline check questions


def from_inline(type: str, answer: str, *, choices: dict[str, list[str]] | None = None,
                variables: list[str] | None = None) -> Answer:
    """The answer key of an inline ``check`` question, from its YAML fields.

    Parameters
    ----------
    type : str
        One of :data:`ANSWER_TYPES`.
    answer : str
        The canonical answer as a learner would type it; for ``choice``, the 1-based number of the
        right option.  For ``basis`` at least one vector (the ambient dimension comes from it).
    choices : dict, optional
        ``{"en": [...], "ru": [...]}``, only for ``choice`` (and required there).
    variables : list of str, optional
        The variable names of an ``expression`` (default ``["x"]``).

    Raises
    ------
    ParseError
        If ``type`` is unknown or ``answer`` does not read as that type.

    Examples
    --------
    >>> from_inline("yesno", "no").check("нет").correct
    True
    >>> from_inline("basis", "[1, 0, -1], [0, 1, 2]").check("[1, 1, 1], [1, 0, -1]").correct
    True
    >>> from_inline("choice", "2", choices={"en": ["a", "b"], "ru": ["а", "б"]}).expected
    '2'
    """
    if type not in ANSWER_TYPES:
        raise ParseError(f"type must be one of {', '.join(ANSWER_TYPES)}; got {type!r}")
    if not isinstance(answer, str):
        raise ParseError(f"answer must be a str (quote it in YAML), got {_type_name(answer)} {answer!r}")
    if choices is not None and type != "choice":
        raise ParseError(f"choices are only for type 'choice', not {type!r}")
    if variables is not None and type != "expression":
        raise ParseError(f"variables are only for type 'expression', not {type!r}")
    if type == "integer":
        s = parse.parse_number(answer, what="integer")
        if s.exact is None or s.exact.denominator != 1:
            raise ParseError(f"answer {answer!r} is not a whole number")
        return Integer(s.exact.numerator)
    if type == "number":
        return Number(answer)
    if type == "choice":
        if choices is None:
            raise ParseError("a 'choice' question needs choices: {en: [...], ru: [...]}")
        word = answer.strip()
        if not word.isdigit():
            raise ParseError(f"answer of a 'choice' question must be the 1-based number of the right option, got {answer!r}")
        return Choice(choices, int(word) - 1)
    if type == "yesno":
        return YesNo(parse.parse_yesno(answer))
    if type == "vector":
        return Vector(parse.parse_vector(answer))
    if type == "scaled_vector":
        return ScaledVector(parse.parse_vector(answer))
    if type == "matrix":
        return Matrix(parse.parse_matrix(answer))
    if type == "basis":
        vectors = parse.parse_basis(answer)
        if not vectors:
            raise ParseError("an inline 'basis' answer needs at least one vector, to know the dimension of the space")
        return Basis(vectors, ambient=len(vectors[0]))  # type: ignore[arg-type]
    return Expression(answer, variables=variables if variables is not None else ("x",))


def _type_name(x: object) -> str:
    return x.__class__.__name__
