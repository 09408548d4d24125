"""Read what a learner types: numbers, vectors, matrices, bases, expressions, yes/no, choices.

Nothing here calls ``eval``, ``exec`` or ``sympify``.  Text is normalised (:func:`normalize`), cut into
tokens by one regular expression, and read by a small recursive-descent parser into a tree of
:class:`Node` objects.  Constant sub-trees are folded as they are built, exactly with
``fractions.Fraction`` where the value is rational (``-1/2``, ``0.25``, ``sqrt(4)``) and as a float
otherwise (``sqrt(2)/2``); a tree converts to sympy (:meth:`Node.to_sympy`) built from
``sympy.Add``/``Mul``/``Pow``/``Symbol`` by hand.

Limits, checked before any work that could grow with them (so hostile input costs bounded time):

* at most :data:`MAX_LENGTH` (2,000) characters, :data:`MAX_DEPTH` (20) nested brackets and an
  expression tree :data:`MAX_TREE_DEPTH` (60) deep;
* a number has at most :data:`MAX_DIGITS` (30) digits and a scientific exponent of at most
  :data:`MAX_SCI_EXPONENT` (30) in size (``1e999`` is rejected);
* a constant exponent is at most :data:`MAX_POWER` (100) in size (``x^(10^9)`` and ``9^9^9`` are
  rejected), every constant is below 1e300 in size, and an exact rational has at most 20,000 bits;
* a matrix or a list of vectors has at most :data:`MAX_SIZE` (20) rows and 20 columns.

Grammar (``^`` binds tightest and is right-associative, ``-x^2`` is ``-(x^2)``, and implicit
multiplication ``2x``, ``(x+1)(x-1)``, ``2 sqrt(2)`` ranks with ``*`` and ``/``, so ``1/2x`` is ``x/2``)::

    expr  := ("+"|"-")* term (("+"|"-") term)*
    term  := unary (("*"|"/") unary | power)*       implicit product: never a number after an operand
    unary := ("+"|"-")* power
    power := atom ("^" ("+"|"-")* atom)*            right-associative; "**" is read as "^"
    atom  := NUMBER | CONSTANT | VARIABLE | FUNC "(" expr ")" | "√" atom | "(" expr ")"

Vectors and matrices are lists of such entries (without variables).  Inside brackets and in a bare
list, entries are separated by ``,`` or by white space, rows by ``;`` or a new line; white space
separates entries the way MATLAB does it: ``1 -2`` is two entries, ``1 - 2`` and ``1-2`` are one.

The decimal comma: where the answer is one number or an expression (a comma has no other meaning
there), a comma between two digits is a decimal comma: ``0,5`` is 0.5.  In vectors, matrices and
bases a comma always separates entries, so decimals there are written with a point (``0.5``) or as
fractions (``1/2``).

Examples
--------
>>> parse_number("-1/2").exact
Fraction(-1, 2)
>>> parse_number("0,5").exact, parse_number("0,5").decimal
(Fraction(1, 2), True)
>>> round(parse_number("√2/2").approx, 6)
0.707107
>>> [[str(x.exact) for x in row] for row in parse_matrix("1 2; 3 4")]
[['1', '2'], ['3', '4']]
>>> [str(x.exact) for x in parse_vector("(1; -2; 1/3)")]
['1', '-2', '1/3']
>>> parse_expression("(x+1)(x-1)", variables=["x"]).evaluate({"x": 3.0})
8.0
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, NamedTuple

from linlab.course.i18n import MESSAGES, message
from linlab.errors import ParseError

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_TREE_DEPTH",
    "MAX_DIGITS",
    "MAX_SCI_EXPONENT",
    "MAX_POWER",
    "MAX_SIZE",
    "FUNCTIONS",
    "EMPTY_SPELLINGS",
    "Node",
    "Scalar",
    "Expression",
    "normalize",
    "parse_number",
    "parse_vector",
    "parse_matrix",
    "parse_grid",
    "parse_basis",
    "is_empty_basis",
    "parse_expression",
    "parse_yesno",
    "parse_choice",
]

MAX_LENGTH = 2000
MAX_DEPTH = 20
MAX_TREE_DEPTH = 60
MAX_DIGITS = 30
MAX_SCI_EXPONENT = 30
MAX_POWER = 100
MAX_SIZE = 20
_MAX_BITS = 20_000
_MAX_MAGNITUDE = 1e300

FUNCTIONS = ("sqrt", "exp", "log", "ln", "sin", "cos", "tan", "abs")
_CONSTANTS = ("pi", "e")

#: How the empty basis (a basis of the zero subspace) may be typed; spaces and case are ignored.
EMPTY_SPELLINGS = frozenset({"0", "{0}", "{}", "none", "empty", "нет", "пусто", "∅", "[]", "()"})


# --------------------------------------------------------------------------------------------------
# errors


def _fail(key: str, **fields: Any) -> ParseError:
    """A ParseError whose message is English, with both languages kept in ``.messages``."""
    if "what" in fields:
        fields["what"] = _what(fields["what"])
    texts = {
        lang: message(key, lang, **{k: (v[lang] if isinstance(v, dict) else v) for k, v in fields.items()})
        for lang in ("en", "ru")
    }
    err = ParseError(texts["en"])
    err.messages = texts  # type: ignore[attr-defined]
    return err


def _what(kind: str | dict) -> dict[str, str]:
    return kind if isinstance(kind, dict) else MESSAGES[f"what_{kind}"]


# --------------------------------------------------------------------------------------------------
# normalisation

_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                 "⁹": "9", "⁻": "-", "⁺": "+"}
_SUPERSCRIPT_RUN = re.compile("[" + "".join(_SUPERSCRIPTS) + "]+")
_REPLACE = str.maketrans({
    # dashes and the minus sign read as '-'
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\ufe63": "-",
    # multiplication and division signs
    "×": "*", "·": "*", "⋅": "*", "∙": "*", "∗": "*", "÷": "/", "∕": "/", "⁄": "/",
    "\u2028": "\n", "\u2029": "\n", "\r": "\n", "\t": " ", "\x0b": " ", "\x0c": " ", "\x85": "\n",
    # Cyrillic letters that look like Latin ones (typed with a Russian keyboard layout)
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X",
})


def normalize(text: str) -> str:
    """Return ``text`` in the parser's alphabet, or raise :class:`ParseError`.

    The length is checked first, on the raw text.  Format characters (right-to-left marks,
    zero-width spaces, the BOM) are dropped; compatibility forms become plain ones (NFKC: fullwidth
    ``１２`` is ``12``, a no-break space is a space); the minus sign ``−`` and dashes become ``-``,
    ``×`` and ``·`` become ``*``, ``π`` becomes ``pi``, superscripts ``x²`` become ``x^(2)``, and
    Cyrillic letters that look like Latin ones (``х``) become those.  Other control characters
    (NUL, …) are rejected.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.
    ParseError
        If it is longer than :data:`MAX_LENGTH` or holds a control character.

    Examples
    --------
    >>> normalize("\\u2212\\uff11\\u200f2х²")
    '-12x^(2)'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _fail("too_long", n=len(text), max=MAX_LENGTH)
    if text.isascii() and "\r" not in text and "\t" not in text and (text.isprintable() or _only_newlines(text)):
        return text  # the common case: nothing to do
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        if cat == "Cc" and ch not in "\n\r\t\x0b\x0c\x85":
            raise _fail("control_char", code=f"{ord(ch):04X}", what="operand")
        out.append(ch)
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^(" + "".join(_SUPERSCRIPTS[c] for c in m.group()) + ")", "".join(out))
    text = unicodedata.normalize("NFKC", text.replace("π", " pi "))
    text = text.translate(_REPLACE)
    if len(text) > 2 * MAX_LENGTH:  # NFKC can expand a character into many
        raise _fail("too_long", n=len(text), max=MAX_LENGTH)
    return text


def _only_newlines(text: str) -> bool:
    return all(line.isprintable() for line in text.split("\n"))


# --------------------------------------------------------------------------------------------------
# tokens

_TOKEN_PARTS = r"""
    (?P<ws>[ ]+)
  | (?P<num>{comma}(?:\d+(?:[.]\d*)?|[.]\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z]+)
  | (?P<op>\*\*|[-+*/^])
  | (?P<punct>[()\[\],;\n√])
  | (?P<bad>.)
"""
_TOKEN = re.compile(_TOKEN_PARTS.format(comma=""), re.X | re.S)
# where a comma between digits is a decimal comma, "0,5" is one number
_TOKEN_DECIMAL_COMMA = re.compile(_TOKEN_PARTS.format(comma=r"\d+,\d+(?:[eE][+-]?\d+)?|"), re.X | re.S)
_CLOSE = {"(": ")", "[": "]"}
_ENTRY_END = frozenset({",", ";", "\n", "end", "]", ")"})


class _Token:
    """One token: its kind ("num", "name", "op", one of "()[],;\\n√", or "end"), text, 1-based position,
    and whether white space comes right before it."""

    __slots__ = ("kind", "text", "pos", "space")

    def __init__(self, kind: str, text: str, pos: int, space: bool) -> None:
        self.kind, self.text, self.pos, self.space = kind, text, pos, space


def _tokenize(text: str, *, decimal_comma: bool) -> list[_Token]:
    tokens: list[_Token] = []
    stack: list[tuple[str, int]] = []
    space = False
    for m in (_TOKEN_DECIMAL_COMMA if decimal_comma else _TOKEN).finditer(text):
        kind = m.lastgroup
        value = m.group()
        pos = m.start() + 1
        if kind == "ws":
            space = True
            continue
        if kind == "num":
            if "," in value:
                value = value.replace(",", ".")
        elif kind == "punct":
            kind = value
            if value in "([":
                stack.append((value, pos))
                if len(stack) > MAX_DEPTH:
                    raise _fail("too_deep", max=MAX_DEPTH)
            elif value in ")]":
                if not stack:
                    raise _fail("unmatched_close", ch=value, pos=pos)
                opened, where = stack.pop()
                if _CLOSE[opened] != value:
                    raise _fail("mismatched", open=opened, pos=where, close=value)
        elif kind == "op":
            if value == "**":
                value = "^"
        elif kind == "bad":
            shown = value if value.isprintable() else f"U+{ord(value):04X}"
            raise _fail("bad_char", ch=shown, pos=pos, what="operand")
        tokens.append(_Token(kind, value, pos, space))  # type: ignore[arg-type]
        space = False
    if stack:
        opened, where = stack[-1]
        raise _fail("unclosed", ch=_CLOSE[opened], pos=where)
    tokens.append(_Token("end", "", len(text) + 1, space))
    return tokens


def _number(text: str) -> Fraction:
    if text.isdigit():
        if len(text) > MAX_DIGITS:
            raise _fail("too_many_digits", num=text, max=MAX_DIGITS)
        return Fraction(int(text))
    mantissa, _, exponent = text.lower().partition("e")
    if sum(c.isdigit() for c in mantissa) > MAX_DIGITS:
        raise _fail("too_many_digits", num=text, max=MAX_DIGITS)
    if exponent and (len(exponent.lstrip("+-")) > 4 or abs(int(exponent)) > MAX_SCI_EXPONENT):
        raise _fail("big_sci_exponent", num=text, max=MAX_SCI_EXPONENT)
    whole, _, decimals = mantissa.partition(".")
    power = int(exponent or 0) - len(decimals)
    digits = int(whole + decimals or "0")
    return Fraction(digits * 10**power) if power >= 0 else Fraction(digits, 10**-power)


# --------------------------------------------------------------------------------------------------
# the expression tree


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


# --------------------------------------------------------------------------------------------------
# the parser


class _Group:
    """A bracketed list inside a vector or matrix answer: its rows of items."""

    __slots__ = ("rows", "pos")

    def __init__(self, rows: list[list[Any]], pos: int) -> None:
        self.rows, self.pos = rows, pos


class _Parser:
    def __init__(self, tokens: list[_Token], *, names: dict[str, str], what: str) -> None:
        self.toks = tokens
        self.i = 0
        self.names = names  # name -> "var" | "const" | "func"
        self.what = what
        self.grid = False  # reading a list entry: white space separates entries

    @property
    def tok(self) -> _Token:
        return self.toks[self.i]

    def peek(self) -> _Token:
        return self.toks[min(self.i + 1, len(self.toks) - 1)]

    def advance(self) -> _Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def unexpected(self, t: _Token | None = None, what: Any = None) -> ParseError:
        t = t or self.tok
        if t.kind == "end":
            return _fail("unexpected_end", what=what or self.what)
        shown = "\\n" if t.text == "\n" else t.text
        return _fail("unexpected_token", tok=shown, pos=t.pos, what=what or self.what)

    def expect(self, kind: str) -> None:
        if self.tok.kind != kind:
            raise self.unexpected(what={"en": f"'{kind}'", "ru": f"«{kind}»"})
        self.advance()

    # -- expressions
    def expr(self) -> Node:
        terms = [self.signed_term()]
        while self.tok.kind == "op" and self.tok.text in "+-":
            if self.grid and self.tok.space and not self.peek().space:
                break  # "1 -2": a new entry that starts with a sign
            terms.append(self.signed_term())
        return terms[0] if len(terms) == 1 else _make("add", tuple(terms))

    def signs(self) -> bool:
        negative = False
        while self.tok.kind == "op" and self.tok.text in "+-":
            negative ^= self.advance().text == "-"
        return negative

    def signed_term(self) -> Node:
        negative = self.signs()
        node = self.term()
        return _make("neg", (node,)) if negative else node

    def term(self) -> Node:
        factors = [self.unary()]
        while True:
            t = self.tok
            if t.kind == "op" and t.text in "*/":
                self.advance()
                f = self.unary()
                factors.append(f if t.text == "*" else _make("inv", (f,)))
            elif t.kind in ("name", "(", "√") and not (self.grid and t.space):
                factors.append(self.power())
            elif t.kind == "num" and not (self.grid and t.space):
                raise _fail("two_numbers", pos=t.pos)
            else:
                break
        return factors[0] if len(factors) == 1 else _make("mul", tuple(factors))

    def unary(self) -> Node:
        negative = self.signs()
        node = self.power()
        return _make("neg", (node,)) if negative else node

    def power(self) -> Node:
        operands: list[tuple[bool, Node]] = [(False, self.atom())]
        while self.tok.kind == "op" and self.tok.text == "^":
            self.advance()
            negative = self.signs()
            operands.append((negative, self.atom()))
        acc = operands[-1][1]
        for k in range(len(operands) - 1, 0, -1):
            if operands[k][0]:
                acc = _make("neg", (acc,))
            acc = _make("pow", (operands[k - 1][1], acc))
        return acc

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.advance()
            try:
                value = _number(t.text)
            except ParseError:
                raise
            except (ValueError, ZeroDivisionError):
                raise _fail("bad_number", num=t.text) from None
            return _leaf_num(value, decimal=any(c in t.text for c in ".eE"))
        if t.kind == "name":
            return self.name()
        if t.kind == "√":
            count = 0
            while self.tok.kind == "√":  # a loop, not recursion: "√√√…2" is as deep as it is long
                self.advance()
                count += 1
                if count >= MAX_TREE_DEPTH:
                    raise _fail("too_complex", max=MAX_TREE_DEPTH)
            node = self.atom()
            for _ in range(count):
                node = _make("call", ("sqrt", node))
            return node
        if t.kind == "(":
            self.advance()
            return self.inner()
        raise self.unexpected(what="operand")

    def inner(self) -> Node:
        """An expression up to the closing ')', with white space not separating anything inside."""
        saved, self.grid = self.grid, False
        node = self.expr()
        self.grid = saved
        self.expect(")")
        return node

    def name(self) -> Node:
        t = self.advance()
        text = _lookup(t.text, self.names)
        kind = self.names.get(text) if text else None
        if kind == "var":
            return Node("var", (text,))
        if kind == "const":
            return Node("const", (text,), approx=math.pi if text == "pi" else math.e)
        if kind == "func":
            if self.tok.kind != "(":
                raise _fail("func_paren", name=text)
            self.advance()
            return _make("call", (text, self.inner()))
        raise _fail("unknown_name", name=t.text, allowed=self.allowed())

    def allowed(self) -> dict[str, str]:
        variables = [n for n, k in self.names.items() if k == "var"]
        funcs = ", ".join(f for f in FUNCTIONS if f != "ln")
        if variables:
            return {lang: ", ".join(variables) + f", pi, e, {funcs}" for lang in ("en", "ru")}
        return {lang: MESSAGES["variables_none"][lang] + f", {funcs}" for lang in ("en", "ru")}

    # -- lists
    def seq(self, end: str) -> tuple[list[list[Any]], bool]:
        """Items up to ``end`` ("end", ")" or "]") as rows of Nodes and groups; and whether a separator was seen."""
        rows: list[list[Any]] = [[]]
        last = "start"
        seen_sep = False
        while self.tok.kind != end:
            t = self.tok
            if t.kind == ",":
                if last != "item":
                    raise _fail("empty_entry", pos=t.pos)
                self.advance()
                last, seen_sep = "comma", True
            elif t.kind in (";", "\n"):
                self.advance()
                seen_sep = True
                if last == "comma":
                    if t.kind == ";":
                        raise _fail("empty_entry", pos=t.pos)
                    continue  # "1,\n2": a line break after a comma continues the row
                if last == "item":
                    rows.append([])
                    last = "row"
            elif t.kind in ("num", "name", "(", "[", "√", "op"):
                if last == "item" and not t.space and t.kind not in ("[", "("):
                    raise self.unexpected(t)
                if len(rows) > MAX_SIZE or len(rows[-1]) >= MAX_SIZE:
                    raise _fail("too_big", max=MAX_SIZE)  # before reading more: a long list costs nothing
                rows[-1].append(self.item())
                last = "item"
            else:
                raise self.unexpected(t)
        if not rows[-1]:
            rows.pop()
        return rows, seen_sep

    def plain_number(self) -> Node | None:
        """The common entry, a bare number like ``3`` or ``-2`` that ends the entry: read it directly."""
        i, toks = self.i, self.toks
        negative = toks[i].kind == "op" and toks[i].text == "-" and not toks[i + 1].space
        t = toks[i + 1] if negative else toks[i]
        if t.kind != "num":
            return None
        after = toks[min(i + 2 if negative else i + 1, len(toks) - 1)]
        if not (after.kind in _ENTRY_END or (after.space and after.kind in ("num", "[", "("))):
            return None
        node = self.atom() if not negative else None
        if negative:
            self.advance()
            node = _make("neg", (self.atom(),))
        return node

    def item(self) -> Any:
        t = self.tok
        if t.kind == "[":
            self.advance()
            rows, _ = self.seq("]")
            if not rows:
                raise _fail("empty_brackets", pos=t.pos)
            self.advance()
            return _Group(rows, t.pos)
        if t.kind == "(":
            start = self.i
            self.advance()
            rows, seen_sep = self.seq(")")
            if not rows:
                raise _fail("empty_brackets", pos=t.pos)
            if seen_sep or len(rows) > 1 or len(rows[0]) > 1 or isinstance(rows[0][0], _Group):
                self.advance()
                return _Group(rows, t.pos)
            self.i = start  # one number in parentheses, "(1+2)*3": read it as an entry
        leaf = self.plain_number()
        if leaf is not None:
            return leaf
        self.grid = True
        node = self.expr()
        self.grid = False
        return node


def _lookup(word: str, names: dict[str, str]) -> str | None:
    """The known name ``word`` stands for: itself, or for functions and ``pi`` any capitalisation."""
    if word in names:
        return word
    lower = word.lower()
    if lower in names and names[lower] != "var" and lower != "e":
        return lower
    return None


def _names(variables: Iterable[str]) -> dict[str, str]:
    names = {c: "const" for c in _CONSTANTS}
    names.update({f: "func" for f in FUNCTIONS})
    for v in variables:
        names[v] = "var"
    return names


def _split_names(tokens: list[_Token], names: dict[str, str]) -> list[_Token]:
    """Split runs of letters into known names, longest first: ``xy`` → x y, ``pix`` → pi x."""
    out: list[_Token] = []
    for t in tokens:
        if t.kind != "name" or _lookup(t.text, names):
            out.append(t)
            continue
        parts: list[str] = []
        s = t.text
        longest = max(len(n) for n in names)
        while s:
            for k in range(min(len(s), longest), 0, -1):
                head = s[:k]
                if _lookup(head, names):
                    parts.append(head)
                    s = s[k:]
                    break
            else:
                parts = []
                break
        if not parts:
            out.append(t)  # unknown: reported where it is read, with the allowed names
            continue
        offset = 0
        for j, part in enumerate(parts):
            out.append(_Token("name", part, t.pos + offset, t.space if j == 0 else False))
            offset += len(part)
    return out


def _prepare(text: str, what: str, *, decimal_comma: bool, variables: Iterable[str] = ()) -> _Parser:
    text = normalize(text).strip()
    if not text:
        raise _fail("empty", what=what)
    names = _names(variables)
    tokens = _split_names(_tokenize(text, decimal_comma=decimal_comma), names)
    return _Parser(tokens, names=names, what=what)


def _reject_lists(p: _Parser, what: str) -> None:
    """One number or expression was asked for: say so if the text is a list, a vector or a matrix."""
    kinds = {t.kind for t in p.toks}
    if "[" in kinds or (what != "expression" and kinds & {",", ";", "\n"} and "(" in kinds):
        raise _fail("got_vector", what=what)
    if kinds & {",", ";", "\n"}:
        raise _fail("got_list") if what != "expression" else _fail("got_vector", what=what)


def _finish_scalar(p: _Parser, what: str) -> None:
    t = p.tok
    if t.kind == "end":
        return
    if t.kind in (",", ";", "\n"):
        raise _fail("got_list") if what != "expression" else p.unexpected(t)
    if t.kind == "num":
        raise _fail("two_numbers", pos=t.pos)
    raise p.unexpected(t)


# --------------------------------------------------------------------------------------------------
# public values


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


# --------------------------------------------------------------------------------------------------
# fast paths: most answers are plain lists of integers, fractions and decimals.  These read only text
# whose meaning is unambiguous and return None for anything else (and for anything that is an error),
# which then goes through the full parser; tests check that both give the same values.

_FAST_SCALAR = re.compile(r"\s*(-?)(\d+)(?:[.,](\d+))?(?:/(\d+))?\s*", re.ASCII)
_FAST_NUMBER = r"-?\d{1,30}(?:[.]\d{1,30})?(?:/\d{1,30})?"
_FAST_ENTRY = re.compile(r"(-?)(\d{1,30})(?:[.](\d{1,30}))?(?:/(\d{1,30}))?", re.ASCII)
_FAST_ENTRY_TEXT = re.compile(_FAST_NUMBER, re.ASCII)  # the same entries as _FAST_ENTRY, as whole strings
_FAST_LINE = re.compile(rf"\s*{_FAST_NUMBER}(?:(?:\s*,\s*|\s+){_FAST_NUMBER})*\s*", re.ASCII)
_FAST_CHARS = re.compile(r"[0-9 ,;\n\[\]().\-/]+")
_FAST_SPLIT_ROWS = re.compile(r"[;\n]")
_FAST_GROUP = re.compile(r"\s*([\[(])([^\[\]()]*)([\])])\s*[,;\n]?", re.ASCII)
# the common case of _FAST_GROUP repeated: square brackets, each around one row
_FAST_SQUARE_GROUPS = re.compile(r"(?:\s*\[[^\[\]();\n]*\]\s*[,;\n]?)+", re.ASCII)
_FAST_SQUARE_INSIDE = re.compile(r"\[([^\[\]]*)\]")
_FAST_NESTED = re.compile(r"[\[(]\s*[\[(]")  # a text that opens with two brackets
# the commonest answer of all, "[1, -2, 1/2]": one square bracket around one row, nothing around it
_FAST_PLAIN_VECTOR = re.compile(r"\[([0-9 ,./\-]*)\]")

# Entry text ("-3", "1/2", "0.25") → its Scalar.  Scalars are immutable (a tuple of a Fraction, a float,
# a bool and None), so one object can stand for every occurrence of the same text; answers reuse a few
# small numbers over and over.  Bounded: emptied when full.
_ENTRY_CACHE: dict[str, Scalar] = {}
_ENTRY_CACHE_SIZE = 4096


def _fast_value(sign: str, whole: str, decimals: str | None, den: str | None) -> Scalar | None:
    if decimals is None and den is None:
        if len(whole) > MAX_DIGITS:
            return None
        n = -int(whole) if sign else int(whole)
        return Scalar(Fraction(n), float(n), False)
    if len(whole) + len(decimals or "") > MAX_DIGITS:
        return None
    n = int(whole + decimals) if decimals else int(whole)
    d = 10 ** len(decimals) if decimals else 1
    if den is not None:
        q = int(den) if len(den) <= MAX_DIGITS else 0
        if q == 0:
            return None
        d *= q
    if sign:
        n = -n
    return Scalar(Fraction(n, d), n / d, decimals is not None)  # n / d is correctly rounded, like float(Fraction)


def _fast_entry(text: str) -> Scalar | None:
    """The value of one entry matched by :data:`_FAST_ENTRY_TEXT` (``None`` if it is an error), cached."""
    value = _ENTRY_CACHE.get(text)
    if value is not None:
        return value
    m = _FAST_ENTRY.fullmatch(text)
    value = _fast_value(*m.groups()) if m is not None else None
    if value is not None:
        if len(_ENTRY_CACHE) >= _ENTRY_CACHE_SIZE:
            _ENTRY_CACHE.clear()
        _ENTRY_CACHE[text] = value
    return value


def _fast_scalar(text: str) -> Scalar | None:
    m = _FAST_SCALAR.fullmatch(text) if len(text) <= MAX_LENGTH else None
    return _fast_value(*m.groups()) if m else None


def _cached_line(line: str) -> list[Scalar | None]:
    """The cached values of the entries of one row, ``None`` where a piece is not a cached entry.

    Every cached key is one whole entry (it matched ``_FAST_ENTRY``).  The pieces are the white-space
    separated words between commas, and a blank stretch between commas is the piece ``""`` (never a
    key); so when every piece is a key, the row is entries separated by white space or by one comma
    with optional white space around it, which is what ``_FAST_LINE`` accepts, and the pieces are the
    entries that ``_FAST_ENTRY_TEXT`` finds.
    """
    cache = _ENTRY_CACHE
    return [cache.get(word) for part in line.split(",") for word in (part.split() or ("",))]


def _fast_line(line: str) -> list[Scalar] | None:
    """The entries of one row (no ``;`` or new line in it), or ``None``."""
    row = _cached_line(line)
    if None not in row:
        return row  # type: ignore[return-value]
    if not _FAST_LINE.fullmatch(line):
        return None
    row = [_fast_entry(e) for e in _FAST_ENTRY_TEXT.findall(line)]
    return None if None in row else row  # type: ignore[return-value]


def _fast_rows(body: str) -> list[list[Scalar]] | None:
    rows = []
    for line in _FAST_SPLIT_ROWS.split(body) if ";" in body or "\n" in body else (body,):
        if not line or line.isspace():
            continue
        row = _fast_line(line)
        if row is None:
            return None
        rows.append(row)
    return rows or None


def _fast_groups(body: str) -> list[list[Scalar]] | None:
    vectors: list[list[Scalar]] = []
    if _FAST_SQUARE_GROUPS.fullmatch(body):  # "[1, 2], [3, 4]": what the loop below reads, in one step
        insides = _FAST_SQUARE_INSIDE.findall(body)
        cache = _ENTRY_CACHE  # _cached_line, inlined: the common case of the commonest matrix spelling
        vectors = [[cache.get(word) for part in inside.split(",") for word in (part.split() or ("",))]
                   for inside in insides]  # type: ignore[misc]
        if True in [None in row for row in vectors]:  # not all cached: check and read each row (see _fast_line)
            vectors = []
            for inside in insides:
                row = None if not inside or inside.isspace() else _fast_line(inside)
                if row is None:
                    return None
                vectors.append(row)
        return vectors
    i = 0
    while i < len(body):
        m = _FAST_GROUP.match(body, i)
        if m is None:
            return None
        opened, inner, closed = m.groups()
        if _CLOSE[opened] != closed:
            return None
        rows = _fast_rows(inner)
        if rows is None:
            return None
        if len(rows) == 1:
            vector = rows[0]
        elif any(len(r) > 1 for r in rows):
            return None
        else:
            vector = [r[0] for r in rows]  # a bracketed column "(1; 2; 3)"
        if opened == "(" and len(vector) == 1:
            return None  # "(1)" is a number in parentheses, not a vector: leave it to the parser
        vectors.append(vector)
        i = m.end()
    return vectors or None


def _fast_grid(text: str) -> list[list[Scalar]] | None:
    if len(text) > MAX_LENGTH:
        return None
    plain = _FAST_PLAIN_VECTOR.fullmatch(text)
    if plain is not None:  # what the general case below does with such a text, in fewer steps
        inside = plain.group(1)
        row = None if not inside or inside.isspace() else _fast_line(inside)
        return [row] if row is not None and len(row) <= MAX_SIZE else None
    if not _FAST_CHARS.fullmatch(text):
        return None
    body = text.strip()
    if "[" not in body and "(" not in body and "]" not in body and ")" not in body:
        grid = _fast_rows(body)
    else:
        single = _FAST_GROUP.fullmatch(body)
        if single is not None and _CLOSE[single.group(1)] == single.group(3):
            grid = _fast_rows(single.group(2))  # one bracket around a grid: "[1 2; 3 4]", "(1;2;3)"
        elif _FAST_NESTED.match(body):
            # "[[1, 2], [3, 4]]" is not a list of groups (the first group would hold a bracket), so it can only
            # be one bracket around bracketed vectors
            grid = _fast_groups(body[1:-1]) if body[-1:] == _CLOSE[body[0]] else None
        else:
            grid = _fast_groups(body)
            if grid is None and body[:1] in "[(" and body[-1:] == _CLOSE[body[:1]]:
                grid = _fast_groups(body[1:-1])  # one bracket around bracketed vectors
    if grid is None:
        return None
    n = len(grid[0])
    for row in grid:
        if len(row) != n:
            return None
    if len(grid) > MAX_SIZE or n > MAX_SIZE:
        return None
    return grid


# --------------------------------------------------------------------------------------------------
# entry points


def parse_number(text: str, *, what: str = "number") -> Scalar:
    """Read one number: ``3``, ``-1/2``, ``0.5``, ``0,5``, ``sqrt(2)/2``, ``√2/2``, ``2^(1/2)``, ``pi/4``, ``1e-3``.

    Parameters
    ----------
    text : str
        What the learner typed.  A comma between two digits is a decimal comma.
    what : str
        Which answer type to name in error messages (``"number"`` or ``"integer"``).

    Raises
    ------
    ParseError
        If ``text`` is not one number within the limits of this module; the message says why.

    Examples
    --------
    >>> parse_number("2^(1/2)").exact is None, round(parse_number("2^(1/2)").approx, 4)
    (True, 1.4142)
    >>> parse_number("1e-3").exact
    Fraction(1, 1000)
    """
    fast = _fast_scalar(text) if isinstance(text, str) else None
    if fast is not None:
        return fast
    p = _prepare(text, what, decimal_comma=True)
    _reject_lists(p, what)
    node = p.expr()
    _finish_scalar(p, what)
    return _scalar(node)


def parse_expression(text: str, *, variables: Iterable[str] = ("x",)) -> Expression:
    """Read an expression in ``variables``: ``x^2 - 2x + 1``, ``(x+1)(x-1)``, ``exp(-x^2/2)``, ``x**2``.

    Functions: ``sqrt exp log sin cos tan abs`` (``ln`` is ``log``), constants ``pi`` and ``e``.
    A comma between two digits is a decimal comma.

    Raises
    ------
    ParseError
        If ``text`` is not such an expression within the limits of this module.

    Examples
    --------
    >>> e = parse_expression("2x y", variables=["x", "y"])
    >>> e.evaluate({"x": 2.0, "y": 3.0})
    12.0
    >>> parse_expression("log(x)").evaluate({"x": -1.0}) is None
    True
    """
    variables = tuple(variables)
    p = _prepare(text, "expression", decimal_comma=True, variables=variables)
    _reject_lists(p, "expression")
    node = p.expr()
    _finish_scalar(p, "expression")
    return Expression(node, variables)


def _grid(text: str, what: str) -> list[list[Scalar]]:
    fast = _fast_grid(text) if isinstance(text, str) else None
    return fast if fast is not None else _full_grid(text, what)


def _full_grid(text: str, what: str) -> list[list[Scalar]]:
    p = _prepare(text, what, decimal_comma=False)
    rows, _ = p.seq("end")
    if not rows:
        raise _fail("empty", what=what)
    # one bracket around everything ("[1 2; 3 4]", "[[1,2],[3,4]]"): unwrap it
    while len(rows) == 1 and len(rows[0]) == 1 and isinstance(rows[0][0], _Group):
        rows = rows[0][0].rows
    items = [x for row in rows for x in row]
    groups = [x for x in items if isinstance(x, _Group)]
    if groups and len(groups) != len(items):
        raise _fail("mixed")
    if groups:  # several bracketed vectors: each is one row
        grid = []
        for g in groups:
            if any(isinstance(x, _Group) for r in g.rows for x in r):
                raise _fail("too_many_levels")
            if len(g.rows) > 1 and any(len(r) > 1 for r in g.rows):
                raise _fail("too_many_levels")
            grid.append([_scalar(x) for r in g.rows for x in r])
        for v in grid[1:]:
            if len(v) != len(grid[0]):
                raise _fail("different_lengths", a=len(grid[0]), b=len(v))
    else:
        grid = [[_scalar(x) for x in row] for row in rows]
        for i, row in enumerate(grid[1:], start=2):
            if len(row) != len(grid[0]):
                raise _fail("ragged", i=i, k=len(row), n=len(grid[0]))
    if len(grid) > MAX_SIZE or len(grid[0]) > MAX_SIZE:
        raise _fail("too_big", max=MAX_SIZE)
    return grid


def parse_grid(text: str, *, what: str = "matrix") -> list[list[Scalar]]:
    """Read rows of numbers: a matrix, or a list of vectors (each bracketed vector is one row).

    Accepts ``[[1, 2], [3, 4]]``, ``[1, 2], [3, 4]``, ``(1,2); (3,4)``, ``1 2; 3 4``, ``[1 2; 3 4]`` and
    one row per line.  A bracketed column ``(1; 2; 3)`` among several vectors is one row.

    Returns
    -------
    list of rows, shape (rows, columns), every row the same length

    Raises
    ------
    ParseError
        If ``text`` is not a rectangular array of numbers, or is larger than 20×20.
    """
    return _grid(text, what)


def parse_vector(text: str) -> list[Scalar]:
    """Read one vector: ``[1, 2, 3]``, ``(1, 2, 3)``, ``1 2 3``, ``1, 2, 3``, ``(1;2;3)``.

    A single row or a single column is a vector.

    Raises
    ------
    ParseError
        If ``text`` is not one vector of numbers.
    """
    grid = _grid(text, "vector")
    if len(grid) == 1:
        return grid[0]
    if len(grid[0]) == 1:
        return [row[0] for row in grid]
    raise _fail("not_a_vector", m=len(grid), n=len(grid[0]))


def parse_matrix(text: str) -> list[list[Scalar]]:
    """Read a matrix: ``[[1, 2], [3, 4]]``, ``1 2; 3 4``, one row per line.  Same as :func:`parse_grid`."""
    return _grid(text, "matrix")


_NOT_EMPTY = re.compile(r"[1-9,]")  # no spelling of the empty basis has one, and normalisation keeps them


def is_empty_basis(text: str) -> bool:
    """Whether ``text`` is one of the spellings of the empty basis (:data:`EMPTY_SPELLINGS`)."""
    if isinstance(text, str) and text.isascii() and _NOT_EMPTY.search(text):
        return False  # the common case, a list of vectors, without normalising it
    try:
        key = "".join(_words(text).split())
    except (TypeError, ParseError):
        return False
    return key in EMPTY_SPELLINGS


def parse_basis(text: str) -> list[list[Scalar]]:
    """Read a list of vectors, one per row; the empty basis (``0``, ``{0}``, ``none``, ``нет``, ``∅``) is ``[]``.

    Examples
    --------
    >>> [[str(x.exact) for x in v] for v in parse_basis("[1,0,-1], [0,1,2]")]
    [['1', '0', '-1'], ['0', '1', '2']]
    >>> parse_basis("none")
    []
    """
    if is_empty_basis(text):
        return []
    return _grid(text, "basis")


_YES = {"yes", "y", "true", "t", "да", "д", "верно", "правда"}
_NO = {"no", "n", "false", "f", "нет", "н", "неверно", "ложь"}


def _words(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _fail("too_long", n=len(text), max=MAX_LENGTH)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c in "\n\t")
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.strip().strip(".!?)(").split()).lower()


def parse_yesno(text: str) -> bool:
    """``yes``/``no``, ``y``/``n``, ``true``/``false``, ``да``/``нет`` (any case) → ``True``/``False``.

    Examples
    --------
    >>> parse_yesno(" Да! "), parse_yesno("false")
    (True, False)
    """
    word = _words(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _fail("empty", what="yesno") if not word else _fail("not_yesno")


def parse_choice(text: str, options: dict[str, list[str]]) -> int:
    """The 0-based index of the option chosen: its number (``2``), its letter (``b``, ``(b)``) or its text.

    Parameters
    ----------
    text : str
        What the learner typed.
    options : dict
        ``{"en": [...], "ru": [...]}``, the same number of options in each language; an option's text
        in either language selects it (case and spacing ignored).

    Examples
    --------
    >>> opts = {"en": ["two", "three"], "ru": ["два", "три"]}
    >>> parse_choice("2", opts), parse_choice("A)", opts), parse_choice("Три", opts)
    (1, 0, 1)
    """
    n = len(next(iter(options.values())))
    last = chr(ord("a") + min(n, 26) - 1)
    word = _words(text)
    if not word:
        raise _fail("empty", what="choice")
    if word.isdigit() and len(word) <= 3 and 1 <= int(word) <= n:
        return int(word) - 1
    if len(word) == 1 and "a" <= word <= "z" and ord(word) - ord("a") < n:
        return ord(word) - ord("a")
    for lang_options in options.values():
        for i, option in enumerate(lang_options):
            if " ".join(option.split()).lower().strip(".!?") == word:
                return i
    raise _fail("bad_choice", n=n, last=last)
