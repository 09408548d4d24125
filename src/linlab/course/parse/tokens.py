"""The tokenizer: text cut into tokens by one regular expression, brackets matched, names split.

Internal to :mod:`linlab.course.parse`; :func:`_number` reads a number token exactly within the limits.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Iterable

from .limits import _CONSTANTS, FUNCTIONS, MAX_DEPTH, MAX_DIGITS, MAX_SCI_EXPONENT, _fail

__all__: list[str] = []  # internal; the package re-exports what is public

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
