"""The expression tree: :class:`Node`, built by :func:`_make`, which folds constant sub-trees as it goes.

A constant sub-tree carries its value, exactly as a ``Fraction`` where it is rational and as a float
otherwise; the depth, size and power limits are enforced as nodes are made.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from .limits import _MAX_BITS, _MAX_MAGNITUDE, MAX_POWER, MAX_TREE_DEPTH, _fail

__all__ = ["Node"]

class Node:
    """One node of a parsed expression; constant sub-trees carry their value.

    Attributes
    ----------
    op : str
        ``"num"``, ``"const"`` (pi, e), ``"var"``, ``"neg"``, ``"add"``, ``"mul"``, ``"inv"`` (1/x),
        ``"pow"`` or ``"call"``.
    args : tuple
        Children, or the Fraction / name for leaves; ``(function name, child)`` for a call.
    exact : Fraction or None
        The exact value of a constant sub-tree when it is rational.
    approx : float or None
        The float value of a constant sub-tree; ``None`` if it holds a variable.
    decimal : bool
        Whether a decimal (``0.5``, ``1e-3``) was typed somewhere inside.
    depth : int
        The height of the tree (at most :data:`MAX_TREE_DEPTH`).
    """

    __slots__ = ("op", "args", "exact", "approx", "decimal", "depth")

    def __init__(self, op: str, args: tuple, *, exact: Fraction | None = None, approx: float | None = None,
                 decimal: bool = False, depth: int = 1) -> None:
        self.op, self.args, self.exact, self.approx, self.decimal, self.depth = op, args, exact, approx, decimal, depth

    @property
    def children(self) -> tuple[Node, ...]:
        """The sub-trees (none for a leaf)."""
        if self.op in ("num", "const", "var"):
            return ()
        if self.op == "call":
            return (self.args[1],)
        return self.args

    def evaluate(self, env: dict[str, float]) -> float:
        """The float value with the variables set as in ``env``.

        Raises ArithmeticError or ValueError off the domain (``log(-1)``, ``1/0``) or on overflow.
        """
        if self.approx is not None:
            return self.approx
        op, args = self.op, self.args
        if op == "var":
            return env[args[0]]
        if op == "add":
            return math.fsum(a.evaluate(env) for a in args)
        if op == "mul":  # a·b/c as (a·b)/c, rounded like the division the learner wrote
            num = den = 1.0
            for a in args:
                if a.op == "inv":
                    den *= a.args[0].evaluate(env)
                else:
                    num *= a.evaluate(env)
            return num / den
        if op == "neg":
            return -args[0].evaluate(env)
        if op == "inv":
            return 1.0 / args[0].evaluate(env)
        if op == "pow":
            return _float_pow(args[0].evaluate(env), args[1].evaluate(env))
        return _FLOAT_FUNCS[args[0]](args[1].evaluate(env))

    def to_sympy(self, symbols: dict[str, Any] | None = None) -> Any:
        """The same expression as a sympy object, built node by node (no text is parsed)."""
        import sympy

        symbols = symbols if symbols is not None else {}
        op, args = self.op, self.args
        if op == "num":
            return sympy.Rational(args[0].numerator, args[0].denominator)
        if op == "const":
            return sympy.pi if args[0] == "pi" else sympy.E
        if op == "var":
            if args[0] not in symbols:
                symbols[args[0]] = sympy.Symbol(args[0], real=True)
            return symbols[args[0]]
        if op == "call":
            return _sympy_funcs()[args[0]](args[1].to_sympy(symbols))
        kids = [a.to_sympy(symbols) for a in args]
        if op == "add":
            return sympy.Add(*kids)
        if op == "mul":
            return sympy.Mul(*kids)
        if op == "neg":
            return -kids[0]
        if op == "inv":
            return sympy.Pow(kids[0], -1)
        return sympy.Pow(kids[0], kids[1])

    def size(self) -> int:
        """The number of nodes."""
        return 1 + sum(c.size() for c in self.children)

    def __repr__(self) -> str:
        return f"Node({self.op!r}, {self.args!r})"


def _sympy_funcs() -> dict[str, Any]:
    import sympy

    return {"sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sin": sympy.sin,
            "cos": sympy.cos, "tan": sympy.tan, "abs": sympy.Abs}


def _float_pow(b: float, e: float) -> float:
    if b < 0 and not float(e).is_integer():
        raise ValueError("negative base, fractional exponent")
    out = math.pow(b, e)
    if math.isinf(out):
        raise OverflowError("power overflows")
    return out


_FLOAT_FUNCS = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "ln": math.log, "sin": math.sin,
                "cos": math.cos, "tan": math.tan, "abs": abs}


def _check_size(value: Fraction) -> Fraction:
    if value.numerator.bit_length() + value.denominator.bit_length() > _MAX_BITS:
        raise _fail("too_large")
    return value


def _to_float(value: Fraction) -> float:
    try:
        out = float(value)
    except OverflowError:
        raise _fail("too_large") from None
    if abs(out) > _MAX_MAGNITUDE:
        raise _fail("too_large")
    return out


def _int_root(n: int, k: int) -> int | None:
    """The integer k-th root of n >= 0 if it is exact, else None."""
    if n < 2:
        return n
    if n.bit_length() > 1000:
        return None
    r = round(n ** (1.0 / k))
    for c in (r - 1, r, r + 1):
        if c >= 0 and c**k == n:
            return c
    return None


def _exact_power(b: Fraction, e: Fraction) -> Fraction | None:
    """b^e when it is rational, None when irrational; ParseError off the domain (e is already bounded)."""
    if b == 0 and e < 0:
        raise _fail("domain_zero_power")
    if e.denominator == 1:
        k = e.numerator
        if max(b.numerator.bit_length(), b.denominator.bit_length()) * abs(k) > _MAX_BITS:
            raise _fail("too_large")
        return b**k
    if b < 0:
        raise _fail("domain_power")
    q = e.denominator
    rn, rd = _int_root(b.numerator, q), _int_root(b.denominator, q)
    if rn is None or rd is None:
        return None
    return _check_size(Fraction(rn, rd) ** e.numerator)


def _leaf_num(value: Fraction, decimal: bool) -> Node:
    return Node("num", (value,), exact=value, approx=_to_float(value), decimal=decimal)


def _make(op: str, args: tuple) -> Node:
    """Build a node, folding constants and enforcing the depth and size limits."""
    kids: tuple[Node, ...] = (args[1],) if op == "call" else args
    depth = 1 + max(k.depth for k in kids)
    if depth > MAX_TREE_DEPTH:
        raise _fail("too_complex", max=MAX_TREE_DEPTH)
    decimal = any(k.decimal for k in kids)
    if op == "pow" and args[1].approx is not None:
        e = args[1].approx
        if abs(e) > MAX_POWER or (args[1].exact is not None and args[1].exact.denominator > MAX_POWER):
            shown = str(args[1].exact) if args[1].exact is not None else f"{e:.6g}"
            raise _fail("big_power", exp=shown, max=MAX_POWER)
    if any(k.approx is None for k in kids):
        return Node(op, args, decimal=decimal, depth=depth)
    # every child is a constant: fold it
    xs = [k.exact for k in kids]
    vs: list[float] = [k.approx for k in kids]  # type: ignore[misc]
    rational = all(x is not None for x in xs)
    exact: Fraction | None = None
    if op == "add":
        approx = math.fsum(vs)
        exact = sum(xs, Fraction(0)) if rational else None  # type: ignore[arg-type]
    elif op == "mul":
        approx = math.prod(vs)
        if rational:
            exact = Fraction(1)
            for x in xs:
                exact = _check_size(exact * x)  # type: ignore[operator]
        elif any(x == 0 for x in xs):
            exact = Fraction(0)  # 0 · (anything finite) is exactly 0
    elif op == "neg":
        approx = -vs[0]
        exact = -xs[0] if rational else None  # type: ignore[operator]
    elif op == "inv":
        if xs[0] == 0 or vs[0] == 0:
            raise _fail("div_zero")
        exact = 1 / xs[0] if rational else None  # type: ignore[operator]
        approx = 1.0 / vs[0]
    elif op == "pow":
        if rational:
            exact = _exact_power(xs[0], xs[1])  # type: ignore[arg-type]
        try:
            approx = _float_pow(vs[0], vs[1]) if exact is None else 0.0
        except OverflowError:
            raise _fail("too_large") from None
        except (ValueError, ZeroDivisionError):
            raise _fail("domain_zero_power" if vs[0] == 0 else "domain_power") from None
    else:  # call
        name, x = args[0], xs[0]
        try:
            approx = _FLOAT_FUNCS[name](vs[0])
        except OverflowError:
            raise _fail("too_large") from None
        except ValueError:
            raise _fail("domain_sqrt" if name == "sqrt" else "domain_log") from None
        if x is not None:
            if name == "abs":
                exact = abs(x)
            elif name == "sqrt":
                exact = _exact_power(x, Fraction(1, 2))
            elif x == 0 and name in ("sin", "tan"):
                exact = Fraction(0)
            elif x == 0 and name in ("cos", "exp"):
                exact = Fraction(1)
            elif x == 1 and name in ("log", "ln"):
                exact = Fraction(0)
    if exact is not None:
        approx = _to_float(_check_size(exact))
    if not math.isfinite(approx) or abs(approx) > _MAX_MAGNITUDE:
        raise _fail("too_large")
    return Node(op, args, exact=exact, approx=approx, decimal=decimal, depth=depth)
