"""Pure linear algebra on torch tensors: linear maps, subspaces, the rank policy, SVD read/write
terms and LayerNorm geometry.

Nothing here imports Django or knows about lessons; the same code runs on a 3×5 integer matrix in a
lesson and on a transformer's weights, on CPU or GPU.
"""

from .layernorm import DegenerateInputError, LayerNormGeometry, NormStages, RMSNormGeometry, norm_geometry
from .linearity import Counterexample, LinearityReport, check_linear
from .maps import LinearMap
from .readwrite import NotInvertibleError, NotSymmetricError, ReadWrite, Spectral, Term, readwrite
from .subspaces import Subspace
from .tolerance import Tolerance, numerical_rank

__all__ = [
    "LinearMap",
    "Subspace",
    "check_linear",
    "LinearityReport",
    "Counterexample",
    "Tolerance",
    "numerical_rank",
    "LayerNormGeometry",
    "RMSNormGeometry",
    "NormStages",
    "norm_geometry",
    "DegenerateInputError",
    "readwrite",
    "ReadWrite",
    "Term",
    "Spectral",
    "NotInvertibleError",
    "NotSymmetricError",
]
