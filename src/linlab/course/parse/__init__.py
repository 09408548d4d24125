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

The package, one idea a module: :mod:`~linlab.course.parse.limits` (limits, reserved names, the
ParseError), :mod:`~linlab.course.parse.text` (normalisation), :mod:`~linlab.course.parse.tokens`
(the tokenizer), :mod:`~linlab.course.parse.tree` (:class:`Node` and constant folding),
:mod:`~linlab.course.parse.grammar` (the recursive-descent parser), :mod:`~linlab.course.parse.values`
(:class:`Scalar`, :class:`Expression`), :mod:`~linlab.course.parse.fast` (fast paths and the entry
cache) and :mod:`~linlab.course.parse.readers` (the ``parse_*`` functions).  Every name, the internal
ones included, is importable from here; module-level state (the entry cache, the compiled regular
expressions) exists once, in its submodule, and is re-exported as the same object.

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

from .limits import (  # noqa: F401
    _CONSTANTS,
    EMPTY_SPELLINGS,
    _fail,
    FUNCTIONS,
    _MAX_BITS,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_LENGTH,
    _MAX_MAGNITUDE,
    MAX_POWER,
    MAX_SCI_EXPONENT,
    MAX_SIZE,
    MAX_TREE_DEPTH,
    _what,
)
from .text import (  # noqa: F401
    normalize,
    _only_newlines,
    _REPLACE,
    _SUPERSCRIPT_RUN,
    _SUPERSCRIPTS,
    _words,
)
from .tokens import (  # noqa: F401
    _CLOSE,
    _ENTRY_END,
    _lookup,
    _names,
    _number,
    _split_names,
    _TOKEN,
    _Token,
    _TOKEN_DECIMAL_COMMA,
    _TOKEN_PARTS,
    _tokenize,
)
from .tree import (  # noqa: F401
    _check_size,
    _exact_power,
    _FLOAT_FUNCS,
    _float_pow,
    _int_root,
    _leaf_num,
    _make,
    Node,
    _sympy_funcs,
    _to_float,
)
from .grammar import (  # noqa: F401
    _finish_scalar,
    _Group,
    _Parser,
    _prepare,
    _reject_lists,
)
from .values import (  # noqa: F401
    Expression,
    Scalar,
    _scalar,
)
from .fast import (  # noqa: F401
    _cached_line,
    _ENTRY_CACHE,
    _ENTRY_CACHE_SIZE,
    _FAST_CHARS,
    _FAST_ENTRY,
    _fast_entry,
    _FAST_ENTRY_TEXT,
    _fast_grid,
    _FAST_GROUP,
    _fast_groups,
    _FAST_LINE,
    _fast_line,
    _FAST_NESTED,
    _FAST_NUMBER,
    _FAST_PLAIN_VECTOR,
    _fast_rows,
    _FAST_SCALAR,
    _fast_scalar,
    _FAST_SPLIT_ROWS,
    _FAST_SQUARE_GROUPS,
    _FAST_SQUARE_INSIDE,
    _fast_value,
)
from .readers import (  # noqa: F401
    _full_grid,
    _grid,
    is_empty_basis,
    _NO,
    _NOT_EMPTY,
    parse_basis,
    parse_choice,
    parse_expression,
    parse_grid,
    parse_matrix,
    parse_number,
    parse_vector,
    parse_yesno,
    _YES,
)

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
