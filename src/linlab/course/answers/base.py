"""What every answer key shares: :class:`Result`, the :class:`Answer` base class, and the helpers that
read a key's numbers and compare them with what a learner typed.

The comparison rules are those of :mod:`linlab.course.answers`.
"""

from __future__ import annotations

import math
import numbers
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, ClassVar, Iterable, Sequence

from linlab.course import parse
from linlab.course.i18n import LANGS, check_lang, message
from linlab.course.parse import Node, Scalar
from linlab.errors import DTypeError, NonFiniteError, ParseError, ShapeError

__all__ = ["Result", "Answer", "ANSWER_TYPES"]

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
