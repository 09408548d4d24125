"""Answer keys for one value: :class:`Integer`, :class:`Number`, :class:`Choice` and :class:`YesNo`."""

from __future__ import annotations

import numbers
from fractions import Fraction

from linlab.course import parse
from linlab.course.i18n import LANGS
from linlab.course.parse import Scalar
from linlab.errors import DTypeError, ParseError

from .base import _EXACT_RTOL, Answer, Texts, _check_tolerance, _equal, _key_scalar, _scalar_text, _texts, _Verdict

__all__ = ["Integer", "Number", "Choice", "YesNo"]


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
