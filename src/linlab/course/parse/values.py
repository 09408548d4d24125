"""The values the parser hands out: :class:`Scalar` (a number) and :class:`Expression`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from .tree import Node

__all__ = ["Scalar", "Expression"]

class Scalar(NamedTuple):
    """A number read from an answer.

    Attributes
    ----------
    exact : Fraction or None
        The exact value when it is rational (``-1/2``, ``0.25``, ``sqrt(4)``), else ``None``.
    approx : float
        The value as a float (always finite).
    decimal : bool
        Whether it was typed with a decimal point or an exponent; graders compare such numbers with
        a tolerance rather than exactly.
    tree : Node or None
        The parsed tree; ``None`` for a plain number (``node`` then builds its leaf).
    """

    exact: Fraction | None
    approx: float
    decimal: bool
    tree: Node | None = None

    @property
    def node(self) -> Node:
        """The parsed tree (for :meth:`to_sympy`)."""
        if self.tree is not None:
            return self.tree
        return Node("num", (self.exact,), exact=self.exact, approx=self.approx, decimal=self.decimal)

    def to_sympy(self) -> Any:
        """The exact value as a sympy number (``sqrt(2)/2`` stays symbolic)."""
        return self.node.to_sympy()


def _scalar(node: Node) -> Scalar:
    return Scalar(node.exact, node.approx, node.decimal, node)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Expression:
    """An expression in the allowed variables.

    Attributes
    ----------
    node : Node
        The parsed tree.
    variables : tuple[str, ...]
        The names that may appear in it.
    """

    node: Node
    variables: tuple[str, ...]

    def evaluate(self, point: dict[str, float]) -> float | None:
        """The value at ``point`` (a float per variable), or ``None`` off the domain or on overflow."""
        try:
            value = self.node.evaluate(point)
        except (ArithmeticError, ValueError):
            return None
        if not math.isfinite(value):
            return None
        return value

    def to_sympy(self) -> Any:
        """A sympy expression with one real ``Symbol`` per variable."""
        import sympy

        return self.node.to_sympy({v: sympy.Symbol(v, real=True) for v in self.variables})
