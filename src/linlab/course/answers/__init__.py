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

from .base import ANSWER_TYPES, Answer, Result, Texts
from .expression import Expression
from .inline import from_inline
from .scalars import Choice, Integer, Number, YesNo
from .subspaces import Basis, ImageBasis, KernelBasis, _rank_exact, _Span  # the private two: for tests
from .vectors import Matrix, ScaledVector, Vector

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
