"""Subspaces of R^n, held as orthonormal bases.

A :class:`Subspace` is stored as a matrix ``basis`` of shape ``(ambient_dim, dim)`` whose columns are
orthonormal.  The basis itself is one choice among many; everything the class answers (projection,
membership, equality, angles) depends only on the subspace it spans.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import Any

import torch
from torch import Tensor

from ..errors import LinlabError, ShapeError
from . import exact
from ._coerce import as_matrix, as_tensor
from .tolerance import Tolerance, compute_dtype, eps

__all__ = ["Subspace"]


class Subspace:
    """A linear subspace of R^n with an orthonormal basis.

    Build one with :meth:`span` (any spanning vectors), :meth:`zero` or :meth:`full`; a
    :class:`~linlab.LinearMap` gives them through ``kernel()`` and ``image()``.

    Parameters
    ----------
    basis : Tensor of shape (ambient_dim, dim)
        Orthonormal columns.  Checked to ``sqrt(eps)`` of its dtype; use :meth:`span` for arbitrary
        spanning vectors.

    Attributes
    ----------
    basis : Tensor of shape (ambient_dim, dim)
    integer_basis : list[list[int]] or None
        When the subspace came from the exact path: a basis of primitive integer vectors, the one a
        person would write down (for a kernel, one vector per free variable of the echelon form; for a
        span or an image, the pivot columns).  Not orthogonal in general; ``basis`` is its exact
        Gram–Schmidt, normalised.  ``None`` on the numerical path.

    Examples
    --------
    >>> plane = Subspace.span([[1, 0], [0, 1], [0, 0]])   # the xy-plane in R^3, vectors as columns
    >>> plane.dim, plane.ambient_dim
    (2, 3)
    >>> plane.contains([3.0, -1.0, 0.0]), plane.contains([0.0, 0.0, 1.0])
    (True, False)
    >>> plane.complement() == Subspace.span([[0], [0], [1]])
    True
    """

    __hash__ = None  # type: ignore[assignment]  # equality is approximate, so no hashing

    def __init__(self, basis: Any) -> None:
        b = as_tensor(basis, name="basis", ndim=2)
        if b.shape[0] == 0:
            raise ShapeError(f"basis has shape {tuple(b.shape)}: the ambient space needs at least one dimension")
        if b.shape[1] > b.shape[0]:
            raise ShapeError(
                f"basis has shape {tuple(b.shape)}: {b.shape[1]} orthonormal columns cannot fit in R^{b.shape[0]}"
            )
        gram = b.T.to(compute_dtype(b.dtype)) @ b.to(compute_dtype(b.dtype))
        err = (gram - torch.eye(b.shape[1], dtype=gram.dtype, device=gram.device)).abs().max().item() if b.shape[1] else 0.0
        if err > eps(b.dtype) ** 0.5:
            raise LinlabError(
                f"basis columns are not orthonormal (max |BᵀB − I| = {err:.3g}); use Subspace.span(vectors) "
                "to get an orthonormal basis of their span"
            )
        self.basis = b
        self.integer_basis: list[list[int]] | None = None

    @classmethod
    def _trusted(cls, basis: Tensor, integer_basis: list[list[int]] | None = None) -> "Subspace":
        """Wrap a basis already known to be orthonormal, skipping validation."""
        sub = cls.__new__(cls)
        sub.basis = basis
        sub.integer_basis = integer_basis
        return sub

    @classmethod
    def _from_exact(cls, vectors: list[list[Fraction]], dim: int, *, dtype: torch.dtype, device: Any) -> "Subspace":
        """From linearly independent rational vectors: orthonormalise exactly, keep them as integer_basis."""
        basis = exact.to_orthonormal(exact.orthogonal_basis(vectors), dim, dtype=dtype, device=device)
        return cls._trusted(basis, [[int(x) for x in v] for v in vectors])

    # -- constructors ---------------------------------------------------------------------------

    @classmethod
    def span(cls, vectors: Any, *, rtol: float | None = None, atol: float | None = None) -> "Subspace":
        """The span of ``vectors``, given as the **columns** of a ``(ambient_dim, k)`` array.

        Small rational inputs take the exact path (the dimension is a pivot count, and the basis is
        the normalised exact Gram–Schmidt of the pivot columns).  Otherwise the basis is the left
        singular vectors whose singular values pass linlab's rank policy (see
        :mod:`linlab.algebra.tolerance`), with ``rtol``/``atol`` overriding its defaults; giving either
        forces the numerical path.

        An ``(n, 0)`` array spans the zero subspace of R^n; a single vector of shape ``(n,)`` spans a line.

        Examples
        --------
        >>> line = Subspace.span([[1, 2], [2, 4]])   # columns (1, 2) and (2, 4): one line
        >>> line.dim, line.integer_basis
        (1, [[1, 2]])
        """
        v = as_tensor(vectors, name="vectors", ndim=(1, 2))
        if v.ndim == 1:
            v = v[:, None]  # one vector: (n,) -> (n, 1)
        n, k = v.shape
        if n == 0:
            raise ShapeError(f"vectors has shape {tuple(v.shape)}: the ambient space needs at least one dimension")
        if k == 0:
            return cls.zero(n, dtype=v.dtype, device=v.device)
        if rtol is None and atol is None:
            _, rationals = as_matrix(v, name="vectors")
            if rationals is not None:
                return cls._from_exact(exact.image_basis(rationals), n, dtype=v.dtype, device=v.device)
        work = v.to(compute_dtype(v.dtype))
        U, S, _ = torch.linalg.svd(work, full_matrices=False)
        r = Tolerance.resolve(tuple(v.shape), v.dtype, rtol=rtol, atol=atol).rank(S)
        return cls._trusted(U[:, :r].to(v.dtype))

    @classmethod
    def zero(cls, ambient_dim: int, *, dtype: torch.dtype = torch.float64, device: Any = None) -> "Subspace":
        """The zero subspace {0} of R^ambient_dim (basis of shape ``(ambient_dim, 0)``)."""
        return cls._trusted(torch.zeros(ambient_dim, 0, dtype=dtype, device=device), [])

    @classmethod
    def full(cls, ambient_dim: int, *, dtype: torch.dtype = torch.float64, device: Any = None) -> "Subspace":
        """All of R^ambient_dim (the standard basis)."""
        eye = torch.eye(ambient_dim, dtype=dtype, device=device)
        return cls._trusted(eye, [[int(i == j) for i in range(ambient_dim)] for j in range(ambient_dim)])

    # -- sizes ------------------------------------------------------------------------------------

    @property
    def dim(self) -> int:
        """Dimension of the subspace (number of basis columns)."""
        return int(self.basis.shape[1])

    @property
    def ambient_dim(self) -> int:
        """n, for a subspace of R^n."""
        return int(self.basis.shape[0])

    @property
    def dtype(self) -> torch.dtype:
        return self.basis.dtype

    @property
    def device(self) -> torch.device:
        return self.basis.device

    def __repr__(self) -> str:
        return f"Subspace(dim={self.dim}, ambient_dim={self.ambient_dim}, dtype={self.dtype})"

    # -- projection and membership -----------------------------------------------------------

    @cached_property
    def _work_basis(self) -> Tensor:
        return self.basis.to(compute_dtype(self.dtype))

    def projector(self) -> Tensor:
        """The orthogonal projector ``P = B Bᵀ``, shape ``(ambient_dim, ambient_dim)``; ``P @ P == P``."""
        B = self._work_basis
        return (B @ B.T).to(self.dtype)

    def project(self, x: Any) -> Tensor:
        """Orthogonal projection of ``x`` (shape ``(..., ambient_dim)``) onto the subspace, same shape."""
        v = self._vectors(x, name="x")
        B = self._work_basis
        return ((v @ B) @ B.T).to(self.dtype)  # (..., n) -> (..., dim) -> (..., n)

    def contains(self, x: Any, *, tol: float | None = None) -> bool | Tensor:
        """Whether ``x`` lies in the subspace: ``‖x − Px‖ ≤ tol · ‖x‖``.

        ``tol`` defaults to ``sqrt(eps)`` of the subspace's dtype (1.5e-8 for float64, 3.5e-4 for
        float32).  The zero vector is in every subspace.  For a batch ``(..., ambient_dim)`` the answer is
        a bool tensor of shape ``(...)``; for one vector, a ``bool``.
        """
        v = self._vectors(x, name="x")
        tol = self._default_tol() if tol is None else tol
        B = self._work_basis
        residual = torch.linalg.vector_norm(v - (v @ B) @ B.T, dim=-1)
        ok = residual <= tol * torch.linalg.vector_norm(v, dim=-1)
        return bool(ok) if ok.ndim == 0 else ok

    # -- comparisons --------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        """The same subspace (whatever the bases): equal dimensions and all principal angles ≈ 0.

        Precisely: ``‖(I − P_self) B_other‖₂ ≤ sqrt(eps)``, the sine of the largest principal angle.
        """
        if not isinstance(other, Subspace):
            return NotImplemented
        return self.isclose(other)

    def isclose(self, other: "Subspace", *, tol: float | None = None) -> bool:
        """``==`` with an explicit tolerance on the sine of the largest principal angle."""
        self._check_same_ambient(other)
        if self.dim != other.dim:
            return False
        if self.dim == 0:
            return True
        tol = max(self._default_tol(), other._default_tol()) if tol is None else tol
        A, B = self._aligned(other)
        residual = B - A @ (A.T @ B)  # (n, dim): the part of other's basis outside self
        return bool(torch.linalg.matrix_norm(residual, ord=2) <= tol)

    def angles(self, other: "Subspace") -> Tensor:
        """Principal angles between the two subspaces, in radians, ascending, shape ``(min(dim_a, dim_b),)``.

        Small angles come from sines and large ones from cosines (Björck & Golub 1973, the method of
        ``scipy.linalg.subspace_angles``), so both ends are accurate.

        Examples
        --------
        >>> x_axis = Subspace.span([[1.0], [0.0]])
        >>> diagonal = Subspace.span([[1.0], [1.0]])
        >>> round(float(x_axis.angles(diagonal)[0]), 6) == round(torch.pi / 4, 6)
        True
        """
        self._check_same_ambient(other)
        A, B = self._aligned(other)
        k = min(A.shape[1], B.shape[1])
        if k == 0:
            return torch.zeros(0, dtype=A.dtype, device=A.device)
        if A.shape[1] < B.shape[1]:
            A, B = B, A
        cosines = torch.linalg.svdvals(A.T @ B).clamp(-1.0, 1.0)  # descending: smallest angles first
        sines = torch.linalg.svdvals(B - A @ (A.T @ B)).clamp(-1.0, 1.0).flip(0)[:k]  # now ascending
        theta = torch.where(cosines**2 >= 0.5, torch.arcsin(sines), torch.arccos(cosines))
        return theta.to(self.dtype)

    # -- operations ---------------------------------------------------------------------------

    def complement(self) -> "Subspace":
        """The orthogonal complement ``{x : x ⊥ self}``, of dimension ``ambient_dim − dim``."""
        if self.integer_basis is not None:
            if not self.integer_basis:
                return Subspace.full(self.ambient_dim, dtype=self.dtype, device=self.device)
            rows = [[Fraction(x) for x in v] for v in self.integer_basis]  # x ⊥ self  <=>  rows · x = 0
            return Subspace._from_exact(exact.kernel_basis(rows), self.ambient_dim, dtype=self.dtype, device=self.device)
        Q, _ = torch.linalg.qr(self._work_basis, mode="complete")  # (n, n); first dim columns span self
        return Subspace._trusted(Q[:, self.dim :].to(self.dtype))

    def __add__(self, other: "Subspace") -> "Subspace":
        """The sum ``{u + w}``: the span of both bases together."""
        if not isinstance(other, Subspace):
            return NotImplemented
        self._check_same_ambient(other)
        if self.integer_basis is not None and other.integer_basis is not None:
            both = self.integer_basis + other.integer_basis
            if not both:
                return Subspace.zero(self.ambient_dim, dtype=self.dtype, device=self.device)
            return Subspace.span(torch.tensor(both, dtype=torch.float64).T.to(self.dtype))
        A, B = self._aligned(other)
        return Subspace.span(torch.cat([A, B], dim=1)).to(self.dtype)

    def intersect(self, other: "Subspace") -> "Subspace":
        """The intersection, from the null space of ``[B_self, −B_other]``.

        A pair ``(a, b)`` with ``B_self a = B_other b`` is a common vector.  The singular values of
        ``[B_self, −B_other]`` are ``√2 · sin(θ/2)`` over the principal angles θ (and 1 elsewhere), so
        directions at an angle below about ``sqrt(eps)`` count as shared.
        """
        self._check_same_ambient(other)
        if self.integer_basis is not None and other.integer_basis is not None:
            # U ∩ W = (U⊥ + W⊥)⊥, all exact.
            return (self.complement() + other.complement()).complement()
        A, B = self._aligned(other)
        if A.shape[1] == 0 or B.shape[1] == 0:
            return Subspace.zero(self.ambient_dim, dtype=self.dtype, device=self.device)
        stacked = torch.cat([A, -B], dim=1)  # (n, dim_a + dim_b)
        _, S, Vh = torch.linalg.svd(stacked, full_matrices=True)
        tol = max(self._default_tol(), other._default_tol())
        s_full = torch.zeros(Vh.shape[0], dtype=S.dtype, device=S.device)
        s_full[: S.shape[0]] = S
        null = Vh[s_full <= tol].T  # (dim_a + dim_b, k)
        common = A @ null[: A.shape[1]]  # (n, k)
        if common.shape[1] == 0:
            return Subspace.zero(self.ambient_dim, dtype=self.dtype, device=self.device)
        return Subspace.span(common).to(self.dtype)

    def to(self, *args: Any, **kwargs: Any) -> "Subspace":
        """A copy with the basis moved/cast like ``Tensor.to`` (e.g. ``sub.to("cuda")``)."""
        return Subspace._trusted(self.basis.to(*args, **kwargs), self.integer_basis)

    # -- helpers ------------------------------------------------------------------------------

    def _default_tol(self) -> float:
        return eps(self.dtype) ** 0.5

    def _check_same_ambient(self, other: "Subspace") -> None:
        if not isinstance(other, Subspace):
            raise LinlabError(f"expected a Subspace, got {type(other).__name__}")
        if self.ambient_dim != other.ambient_dim:
            raise ShapeError(
                f"subspaces live in different spaces: R^{self.ambient_dim} and R^{other.ambient_dim}"
            )

    def _aligned(self, other: "Subspace") -> tuple[Tensor, Tensor]:
        """Both bases in one working dtype (the wider of the two) on self's device."""
        dtype = torch.promote_types(compute_dtype(self.dtype), compute_dtype(other.dtype))
        if self.device != other.device:
            raise LinlabError(f"subspaces are on different devices: {self.device} and {other.device}")
        return self.basis.to(dtype), other.basis.to(dtype)

    def _vectors(self, x: Any, *, name: str) -> Tensor:
        v = as_tensor(x, name=name, ndim=tuple(range(1, 9)))
        if v.shape[-1] != self.ambient_dim:
            raise ShapeError(
                f"{name} has shape {tuple(v.shape)} but the subspace lives in R^{self.ambient_dim}: "
                f"the last dimension must be {self.ambient_dim}"
            )
        return v.to(device=self.device, dtype=self._work_basis.dtype)
