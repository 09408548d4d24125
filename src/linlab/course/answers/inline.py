"""The answer key of an inline ``check`` question in a lesson, built from its YAML fields."""

from __future__ import annotations

from linlab.course import parse
from linlab.errors import ParseError

from .base import ANSWER_TYPES, Answer
from .expression import Expression
from .scalars import Choice, Integer, Number, YesNo
from .subspaces import Basis
from .vectors import Matrix, ScaledVector, Vector

__all__ = ["from_inline"]


def from_inline(type: str, answer: str, *, choices: dict[str, list[str]] | None = None,
                variables: list[str] | None = None) -> Answer:
    """The answer key of an inline ``check`` question, from its YAML fields.

    Parameters
    ----------
    type : str
        One of :data:`ANSWER_TYPES`.
    answer : str
        The canonical answer as a learner would type it; for ``choice``, the 1-based number of the
        right option.  For ``basis`` at least one vector (the ambient dimension comes from it).
    choices : dict, optional
        ``{"en": [...], "ru": [...]}``, only for ``choice`` (and required there).
    variables : list of str, optional
        The variable names of an ``expression`` (default ``["x"]``).

    Raises
    ------
    ParseError
        If ``type`` is unknown or ``answer`` does not read as that type.

    Examples
    --------
    >>> from_inline("yesno", "no").check("нет").correct
    True
    >>> from_inline("basis", "[1, 0, -1], [0, 1, 2]").check("[1, 1, 1], [1, 0, -1]").correct
    True
    >>> from_inline("choice", "2", choices={"en": ["a", "b"], "ru": ["а", "б"]}).expected
    '2'
    """
    if type not in ANSWER_TYPES:
        raise ParseError(f"type must be one of {', '.join(ANSWER_TYPES)}; got {type!r}")
    if not isinstance(answer, str):
        raise ParseError(f"answer must be a str (quote it in YAML), got {_type_name(answer)} {answer!r}")
    if choices is not None and type != "choice":
        raise ParseError(f"choices are only for type 'choice', not {type!r}")
    if variables is not None and type != "expression":
        raise ParseError(f"variables are only for type 'expression', not {type!r}")
    if type == "integer":
        s = parse.parse_number(answer, what="integer")
        if s.exact is None or s.exact.denominator != 1:
            raise ParseError(f"answer {answer!r} is not a whole number")
        return Integer(s.exact.numerator)
    if type == "number":
        return Number(answer)
    if type == "choice":
        if choices is None:
            raise ParseError("a 'choice' question needs choices: {en: [...], ru: [...]}")
        word = answer.strip()
        if not word.isdigit():
            raise ParseError(f"answer of a 'choice' question must be the 1-based number of the right option, got {answer!r}")
        return Choice(choices, int(word) - 1)
    if type == "yesno":
        return YesNo(parse.parse_yesno(answer))
    if type == "vector":
        return Vector(parse.parse_vector(answer))
    if type == "scaled_vector":
        return ScaledVector(parse.parse_vector(answer))
    if type == "matrix":
        return Matrix(parse.parse_matrix(answer))
    if type == "basis":
        vectors = parse.parse_basis(answer)
        if not vectors:
            raise ParseError("an inline 'basis' answer needs at least one vector, to know the dimension of the space")
        return Basis(vectors, ambient=len(vectors[0]))  # type: ignore[arg-type]
    return Expression(answer, variables=variables if variables is not None else ("x",))


def _type_name(x: object) -> str:
    return x.__class__.__name__
