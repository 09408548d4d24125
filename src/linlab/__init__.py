"""linlab: the linear algebra inside neural networks, to learn and to inspect.

>>> from linlab import LinearMap
>>> A = LinearMap([[1, 2, 0, 1, 3], [0, 1, 1, 2, 1], [1, 3, 1, 3, 4]])   # R^5 -> R^3
>>> A.rank, A.nullity, A.rank + A.nullity == A.dim_in
(2, 3, True)
"""

from .algebra import Counterexample, LinearityReport, LinearMap, Subspace, Tolerance, check_linear, numerical_rank
from .errors import (
    CheckpointError,
    DTypeError,
    LinlabError,
    NonFiniteError,
    NotLinearError,
    ParseError,
    ShapeError,
    UnsupportedModuleError,
)

__version__ = "0.1.0"

__all__ = [
    "LinearMap",
    "Subspace",
    "check_linear",
    "LinearityReport",
    "Counterexample",
    "Tolerance",
    "numerical_rank",
    "LinlabError",
    "ShapeError",
    "DTypeError",
    "NonFiniteError",
    "NotLinearError",
    "UnsupportedModuleError",
    "ParseError",
    "CheckpointError",
]
