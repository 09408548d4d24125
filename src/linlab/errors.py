"""The one exception hierarchy of linlab.

Every error that linlab raises on bad input is a :class:`LinlabError`, so callers (the CLI, the web
site, a notebook) can catch one class.  The subclasses also derive from the matching builtin
(``ValueError`` or ``TypeError``), so code written against the builtins keeps working.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "LinlabError",
    "ShapeError",
    "DTypeError",
    "NonFiniteError",
    "NotLinearError",
    "UnsupportedModuleError",
    "ParseError",
    "CheckpointError",
]


class LinlabError(Exception):
    """Base class of every error linlab raises on purpose."""


class ShapeError(LinlabError, ValueError):
    """An array has the wrong number of dimensions, or dimensions that do not fit together."""


class DTypeError(LinlabError, TypeError):
    """An array has a dtype linlab cannot work with (complex, string, object, …)."""


class NonFiniteError(LinlabError, ValueError):
    """An array holds NaN or ±inf where a finite number is needed."""


class UnsupportedModuleError(LinlabError, TypeError):
    """A torch module that linlab does not know how to read as a linear map."""


class ParseError(LinlabError, ValueError):
    """Typed text that could not be read as the expected kind of answer."""


class CheckpointError(LinlabError, ValueError):
    """A model file or checkpoint that is missing, truncated or malformed."""


class NotLinearError(LinlabError, ValueError):
    """A function or module was offered as a linear map but violates a law of linearity.

    Attributes
    ----------
    law : str
        ``"additivity"`` (f(x + y) = f(x) + f(y)) or ``"homogeneity"`` (f(a·x) = a·f(x)).
    inputs : dict[str, Any]
        The inputs of the failed check, e.g. ``{"x": tensor, "y": tensor}`` or ``{"x": tensor, "a": 0.0}``.
    lhs, rhs : Any
        The two sides that should have been equal (e.g. f(x + y) and f(x) + f(y)).
    residual : float
        ``‖lhs − rhs‖``, the size of the violation.
    """

    def __init__(
        self,
        message: str,
        *,
        law: str,
        inputs: dict[str, Any],
        lhs: Any = None,
        rhs: Any = None,
        residual: float,
    ) -> None:
        super().__init__(message)
        self.law = law
        self.inputs = inputs
        self.lhs = lhs
        self.rhs = rhs
        self.residual = residual
