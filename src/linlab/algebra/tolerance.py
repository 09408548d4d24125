"""The numerical-rank policy, in one place.

Every rank, kernel, image and subspace computation in linlab on floating-point data uses this rule:

    a singular value σ counts (is "non-zero") when  σ > max(atol, rtol · σ_max)

with the defaults ``rtol = max(m, n) · eps(dtype)`` and ``atol = 0``, where ``(m, n)`` is the shape of
the matrix and ``eps`` the machine epsilon of its dtype (``torch.finfo(dtype).eps``).  This is the
convention of ``numpy.linalg.matrix_rank``, ``torch.linalg.matrix_rank`` and ``scipy.linalg.null_space``,
so linlab's ranks agree with theirs.  Both numbers can be given per call.

Small rational matrices (the lessons' examples) skip this rule: they take the exact path of
:mod:`linlab.algebra.exact`, where a rank is a count of pivots and needs no tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ..errors import LinlabError

__all__ = ["Tolerance", "eps", "compute_dtype", "numerical_rank"]


def eps(dtype: torch.dtype) -> float:
    """Machine epsilon of a floating dtype (``2.2e-16`` for float64, ``1.2e-7`` for float32)."""
    return torch.finfo(dtype).eps


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype linear algebra runs in: float16/bfloat16 have no SVD kernels, so they run in float32.

    The tolerance still uses the *stored* dtype's epsilon: the data carry no more precision than that.
    """
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


@dataclass(frozen=True)
class Tolerance:
    """A resolved rank policy: ``σ`` counts when ``σ > max(atol, rtol · σ_max)``.

    Build it with :meth:`Tolerance.resolve`, which fills in the defaults for a shape and dtype.

    Examples
    --------
    >>> tol = Tolerance.resolve((3, 5), torch.float64)
    >>> tol.rtol == 5 * torch.finfo(torch.float64).eps, tol.atol
    (True, 0.0)
    >>> tol.threshold(10.0) == 50 * torch.finfo(torch.float64).eps
    True
    """

    rtol: float
    atol: float

    @classmethod
    def resolve(
        cls,
        shape: tuple[int, ...],
        dtype: torch.dtype,
        *,
        rtol: float | None = None,
        atol: float | None = None,
    ) -> "Tolerance":
        """Fill in the defaults ``rtol = max(shape) · eps(dtype)`` and ``atol = 0``.

        Raises
        ------
        LinlabError
            If ``rtol`` or ``atol`` is negative or not finite.
        """
        for name, value in (("rtol", rtol), ("atol", atol)):
            if value is not None and not (0.0 <= float(value) < float("inf")):
                raise LinlabError(f"{name} must be a finite number >= 0, got {value!r}")
        return cls(
            rtol=float(rtol) if rtol is not None else max(shape, default=1) * eps(dtype),
            atol=float(atol) if atol is not None else 0.0,
        )

    def threshold(self, sigma_max: float) -> float:
        """The cut-off: singular values strictly above it count towards the rank."""
        return max(self.atol, self.rtol * float(sigma_max))

    def rank(self, singular_values: Tensor) -> int:
        """How many of ``singular_values`` (any order, shape ``(k,)``) count under this policy."""
        if singular_values.numel() == 0:
            return 0
        cut = self.threshold(singular_values.max().item())
        return int((singular_values > cut).sum().item())


def numerical_rank(
    singular_values: Tensor,
    shape: tuple[int, ...],
    dtype: torch.dtype,
    *,
    rtol: float | None = None,
    atol: float | None = None,
) -> int:
    """Rank of a matrix of ``shape`` and ``dtype`` from its singular values, under linlab's policy.

    Examples
    --------
    >>> s = torch.tensor([3.0, 1e-3, 1e-20], dtype=torch.float64)
    >>> numerical_rank(s, (3, 3), torch.float64)
    2
    >>> numerical_rank(s, (3, 3), torch.float64, atol=0.01)
    1
    """
    return Tolerance.resolve(shape, dtype, rtol=rtol, atol=atol).rank(singular_values)
