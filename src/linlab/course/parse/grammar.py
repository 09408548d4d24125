"""The recursive-descent parser: tokens into :class:`~linlab.course.parse.tree.Node` trees and lists of them.

See the grammar in :mod:`linlab.course.parse`.  :func:`_prepare` normalises and tokenizes a text and
returns the parser over it; :func:`_reject_lists` and :func:`_finish_scalar` say what is wrong when one
number or expression was asked for.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from linlab.course.i18n import MESSAGES
from linlab.errors import ParseError

from .limits import FUNCTIONS, MAX_SIZE, MAX_TREE_DEPTH, _fail
from .text import normalize
from .tokens import _ENTRY_END, _lookup, _names, _number, _split_names, _Token, _tokenize
from .tree import Node, _leaf_num, _make

__all__: list[str] = []  # internal; the package re-exports what is public

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
