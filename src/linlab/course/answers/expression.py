"""The answer key for a formula: :class:`Expression`, graded by comparing values at sample points."""

from __future__ import annotations

import random
import re
from typing import Sequence

from linlab.course import parse
from linlab.course.parse import Expression as _ParsedExpression
from linlab.errors import DTypeError, ParseError

from .base import Answer, Texts, _texts, _Verdict

__all__ = ["Expression"]


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
