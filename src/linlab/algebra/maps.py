"""Linear maps R^n → R^m as matrices of shape ``(m, n)``: the convention of ``nn.Linear.weight``.

Two paths compute ranks, kernels and images:

- **exact** — for matrices up to 16×16 whose entries are small rationals (integers, ``Fraction``, or
  floats like 0.5): Gaussian elimination over ``fractions.Fraction``.  The rank is a pivot count; the
  kernel and image come with integer bases (``Subspace.integer_basis``), normalised for ``basis``.
- **numerical** — everything else: the SVD, with the rank policy of :mod:`linlab.algebra.tolerance`
  (σ counts when ``σ > max(atol, rtol · σ_max)``, ``rtol = max(m, n) · eps`` by default).

``LinearMap.is_exact`` says which path a map takes.  Singular values are always floating point.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import Any, Callable

import torch
from torch import Tensor, nn

from ..errors import LinlabError, ShapeError
from . import exact
from ._coerce import EXACT_MAX_DIM, Rationals, as_matrix, as_tensor
from .linearity import check_linear, raise_if_not_linear
from .modules import module_matrix
from .subspaces import Subspace
from .tolerance import Tolerance, compute_dtype

__all__ = ["LinearMap"]


class LinearMap:
    """A linear map ``x ↦ A x`` from R^dim_in to R^dim_out.

    Parameters
    ----------
    matrix : Tensor, numpy array or nested lists, shape (dim_out, dim_in)
        Like ``torch.nn.Linear.weight``: row i holds the weights of output i, column j is the image of
        the basis vector e_j.  Floating tensors keep their dtype and device; integer/bool tensors and
        arrays, and nested lists, become float64.
    rtol, atol : float, optional
        The rank policy for this map (see :mod:`linlab.algebra.tolerance`).  Giving either selects
        the numerical path.
    exact : bool, optional
        ``None`` (default): exact when the matrix is small and rational.  ``True``: require the exact
        path (raises if the entries are not small rationals or the matrix exceeds 16×16).
        ``False``: always numerical.

    Raises
    ------
    ShapeError
        Ragged lists, not two-dimensional, or an empty dimension.
    NonFiniteError
        NaN or ±inf entries.
    DTypeError
        Complex, string or object entries.

    Examples
    --------
    >>> A = LinearMap([[1, 2], [2, 4]])
    >>> A.shape, A.rank, A.nullity, A.is_exact
    ((2, 2), 1, 1, True)
    >>> A.kernel().integer_basis          # the exact direction of the kernel
    [[2, -1]]
    >>> A(torch.tensor([2.0, -1.0], dtype=torch.float64))
    tensor([0., 0.], dtype=torch.float64)
    """

    def __init__(
        self,
        matrix: Any,
        *,
        rtol: float | None = None,
        atol: float | None = None,
        exact: bool | None = None,
    ) -> None:
        m, rationals = as_matrix(matrix, name="matrix")
        self._init(m, rationals, rtol=rtol, atol=atol, exact=exact)

    def _init(
        self, m: Tensor, rationals: Rationals | None, *, rtol: float | None, atol: float | None, exact: bool | None
    ) -> None:
        self.tolerance = Tolerance.resolve(tuple(m.shape), m.dtype, rtol=rtol, atol=atol)
        self._given_tolerance = (rtol, atol)  # what the user chose, re-resolved for a new dtype by .to()
        numerical_requested = exact is False or rtol is not None or atol is not None
        if exact is True:
            if numerical_requested:
                raise LinlabError("exact=True cannot be combined with rtol or atol (the exact path has no tolerance)")
            if rationals is None:
                raise LinlabError(
                    f"exact=True needs a matrix of at most {EXACT_MAX_DIM}×{EXACT_MAX_DIM} with small rational "
                    f"entries; got shape {tuple(m.shape)} with entries that are not all small rationals"
                    if max(m.shape) <= EXACT_MAX_DIM
                    else f"exact=True needs at most {EXACT_MAX_DIM}×{EXACT_MAX_DIM}; got shape {tuple(m.shape)}"
                )
        self._matrix = m
        self._rationals = None if numerical_requested else rationals

    @classmethod
    def _trusted(
        cls, m: Tensor, rationals: Rationals | None, rtol: float | None = None, atol: float | None = None
    ) -> "LinearMap":
        """Wrap a validated matrix; a parent's own rtol/atol carry over (transpose, ``to``)."""
        obj = cls.__new__(cls)
        obj._init(m, rationals, rtol=rtol, atol=atol, exact=None)
        return obj

    # -- constructors ---------------------------------------------------------------------------

    @classmethod
    def from_function(
        cls,
        f: Callable[[Tensor], Any],
        dim_in: int,
        *,
        dtype: torch.dtype = torch.float64,
        device: Any = None,
        trials: int = 16,
        seed: int = 0,
    ) -> "LinearMap":
        """Build the matrix of a linear function: column j is ``f(e_j)``.

        First checks additivity and homogeneity with :func:`~linlab.check_linear` (``trials`` random
        inputs per law, seeded); then evaluates f on the standard basis e_1 … e_dim_in.  If the
        columns are small rationals (f has an integer matrix), the map takes the exact path.

        Raises
        ------
        NotLinearError
            When a law fails; its ``law``, ``inputs``, ``lhs``, ``rhs`` and ``residual`` say where.

        Examples
        --------
        >>> def f(x):                      # (x0, x1, x2) ↦ (x0 + 2·x1, 3·x2)
        ...     return torch.stack([x[0] + 2 * x[1], 3 * x[2]])
        >>> LinearMap.from_function(f, 3).matrix
        tensor([[1., 2., 0.],
                [0., 0., 3.]], dtype=torch.float64)
        >>> LinearMap.from_function(lambda x: x**2, 2)
        Traceback (most recent call last):
        ...
        linlab.errors.NotLinearError: f is not linear: additivity fails: ...
        """
        report = check_linear(f, dim_in, trials=trials, dtype=dtype, device=device, seed=seed)
        raise_if_not_linear(report)
        eye = torch.eye(dim_in, dtype=dtype, device=device)
        columns = []
        for j in range(dim_in):
            out = f(eye[j])
            y = as_tensor(out.detach() if isinstance(out, Tensor) else out, name=f"f(e_{j})", ndim=(0, 1))
            columns.append(y.reshape(-1).to(dtype))
        return cls(torch.stack(columns, dim=1))  # (dim_out, dim_in): column j = f(e_j)

    @classmethod
    def from_module(cls, module: nn.Module, *, drop_bias: bool = False) -> "LinearMap":
        """The linear map of a layer: ``nn.Linear``, ``nn.Conv1d/2d/3d`` on patch space, GPT-2 ``Conv1D``.

        See :mod:`linlab.algebra.modules` for the conventions.  The matrix shares memory with the
        module's weight (detached); build a new map after training changes the weight.

        Raises
        ------
        NotLinearError
            A non-zero bias makes the layer affine; ``drop_bias=True`` takes its linear part.
        UnsupportedModuleError
            Any other module type.

        Examples
        --------
        >>> layer = torch.nn.Linear(5, 3, bias=False)
        >>> LinearMap.from_module(layer).shape
        (3, 5)
        """
        return cls(module_matrix(module, drop_bias=drop_bias))

    # -- basic attributes -----------------------------------------------------------------------

    @property
    def matrix(self) -> Tensor:
        """The matrix, shape ``(dim_out, dim_in)``."""
        return self._matrix

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self._matrix.shape[0]), int(self._matrix.shape[1]))

    @property
    def dim_out(self) -> int:
        return self.shape[0]

    @property
    def dim_in(self) -> int:
        return self.shape[1]

    @property
    def dtype(self) -> torch.dtype:
        return self._matrix.dtype

    @property
    def device(self) -> torch.device:
        return self._matrix.device

    @property
    def is_exact(self) -> bool:
        """True when rank, kernel and image come from exact rational arithmetic."""
        return self._rationals is not None

    def __repr__(self) -> str:
        path = "exact" if self.is_exact else "numerical"
        return f"LinearMap(dim_out={self.dim_out}, dim_in={self.dim_in}, dtype={self.dtype}, device={self.device}, {path})"

    # -- spectrum, rank and subspaces -----------------------------------------------------------

    @cached_property
    def singular_values(self) -> Tensor:
        """Singular values, descending, shape ``(min(dim_out, dim_in),)`` (float32 for half inputs)."""
        if "_svd" in self.__dict__:  # kernel() or image() already paid for the full decomposition
            return self._svd[1]
        return torch.linalg.svdvals(self._work)

    @cached_property
    def rank(self) -> int:
        """dim im f: a pivot count on the exact path, else the singular values above the threshold."""
        if self._rationals is not None:
            return exact.rank(self._rationals)
        return self.tolerance.rank(self.singular_values)

    @property
    def nullity(self) -> int:
        """dim ker f = dim_in − rank (rank–nullity)."""
        return self.dim_in - self.rank

    @property
    def is_injective(self) -> bool:
        """ker f = {0}: no input direction is lost."""
        return self.nullity == 0

    @property
    def is_surjective(self) -> bool:
        """im f = R^dim_out: every output is reachable."""
        return self.rank == self.dim_out

    @property
    def is_isomorphism(self) -> bool:
        """Bijective: injective and surjective (so square, and of full rank)."""
        return self.is_injective and self.is_surjective

    def numerical_rank(self, *, rtol: float | None = None, atol: float | None = None) -> int:
        """The rank from the singular values, with ``rtol``/``atol`` overriding this map's tolerance.

        On the exact path this can differ from :attr:`rank` only when the tolerance is loose enough to
        call a genuinely non-zero singular value zero.
        """
        tol = Tolerance.resolve(
            self.shape,
            self.dtype,
            rtol=self.tolerance.rtol if rtol is None else rtol,
            atol=self.tolerance.atol if atol is None else atol,
        )
        return tol.rank(self.singular_values)

    def kernel(self, *, rtol: float | None = None, atol: float | None = None) -> Subspace:
        """ker f = {v : A v = 0}, a subspace of R^dim_in of dimension ``nullity``.

        Exact path: the integer null-space basis of the row echelon form, orthogonalised exactly.
        Numerical path (or when ``rtol``/``atol`` are given): the right singular vectors whose singular
        values fall at or below the threshold, i.e. rows ``Vh[rank:]`` of the SVD (full when the matrix
        is wide, reduced when it is tall: never an (dim_out, dim_out) U for a tall matrix).
        """
        if self._rationals is not None and rtol is None and atol is None:
            return self._exact_subspace(exact.kernel_basis(self._rationals), self.dim_in)
        _, _, Vh = self._svd  # (dim_in, dim_in): all right singular vectors
        r = self._rank_for(rtol, atol)
        return Subspace._trusted(Vh[r:].T.to(self.dtype))  # (dim_in, nullity)

    def image(self, *, rtol: float | None = None, atol: float | None = None) -> Subspace:
        """im f = {A x}, the column space, a subspace of R^dim_out of dimension ``rank``.

        Exact path: the pivot columns, orthogonalised exactly.  Numerical path: ``U[:, :rank]``.
        """
        if self._rationals is not None and rtol is None and atol is None:
            return self._exact_subspace(exact.image_basis(self._rationals), self.dim_out)
        U, _, _ = self._svd
        r = self._rank_for(rtol, atol)
        return Subspace._trusted(U[:, :r].to(self.dtype))  # (dim_out, rank)

    # -- acting and composing -------------------------------------------------------------------

    def __call__(self, x: Any) -> Tensor:
        """Apply the map to a vector ``(dim_in,)`` or a batch ``(..., dim_in)``; returns ``(..., dim_out)``.

        ``x`` is cast to the map's dtype; it must be on the map's device.
        """
        v = as_tensor(x, name="x", ndim=tuple(range(1, 9)))
        if v.shape[-1] != self.dim_in:
            raise ShapeError(
                f"x has shape {tuple(v.shape)} but the map has shape {self.shape}: "
                f"the last dimension of x must be dim_in = {self.dim_in}"
            )
        if v.device != self.device:
            raise LinlabError(f"x is on {v.device} but the map is on {self.device}; move one of them with .to()")
        return v.to(self.dtype) @ self._matrix.T  # (..., dim_in) @ (dim_in, dim_out) -> (..., dim_out)

    def __matmul__(self, other: Any) -> Any:
        """``A @ B`` is the composition "B first, then A": the map x ↦ A(B(x)), matrix ``A.matrix @ B.matrix``.

        The product is a new matrix and gets the default tolerance for its shape and dtype.

        With a tensor, ``A @ X`` is the plain matrix product (``X`` of shape ``(dim_in,)`` or ``(dim_in, k)``).
        """
        if isinstance(other, LinearMap):
            if self.dim_in != other.dim_out:
                raise ShapeError(
                    f"A has shape {self.shape} but B has shape {other.shape}: A @ B needs A.dim_in == B.dim_out "
                    f"({self.dim_in} != {other.dim_out})"
                )
            a, b = self._matrices_with(other)
            product = a @ b
            rationals = None
            if self._rationals is not None and other._rationals is not None:
                rationals = exact.matmul(self._rationals, other._rationals)
            return LinearMap._trusted(product, rationals)
        if isinstance(other, Tensor):
            if other.shape[0] != self.dim_in or other.ndim > 2:
                raise ShapeError(
                    f"A has shape {self.shape} but X has shape {tuple(other.shape)}: A @ X needs X of shape "
                    f"({self.dim_in},) or ({self.dim_in}, k)"
                )
            return self._matrix @ other.to(self.dtype)
        return NotImplemented

    # -- the vector space of maps: (A + B)(x) = A(x) + B(x), (c·A)(x) = c·A(x) ------------------------

    def __add__(self, other: "LinearMap") -> "LinearMap":
        """The sum of two maps of the same shape (e.g. a base weight plus a low-rank update)."""
        return self._combine(other, "+", lambda a, b: a + b)

    def __sub__(self, other: "LinearMap") -> "LinearMap":
        return self._combine(other, "-", lambda a, b: a - b)

    def __neg__(self) -> "LinearMap":
        return -1 * self

    def __mul__(self, scalar: Any) -> "LinearMap":
        """``c * A``: the map x ↦ c·A(x).  An ``int`` or ``Fraction`` keeps the exact path."""
        if isinstance(scalar, bool) or not isinstance(scalar, (int, float, Fraction)):
            return NotImplemented
        if not torch.isfinite(torch.tensor(float(scalar))):
            raise LinlabError(f"the scalar must be finite, got {scalar!r}")
        rationals = None
        if self._rationals is not None and isinstance(scalar, (int, Fraction)):
            rationals = [[scalar * x for x in row] for row in self._rationals]
        return LinearMap._trusted(self._matrix * float(scalar), rationals)

    __rmul__ = __mul__

    def _combine(self, other: Any, op: str, fn: Callable[[Any, Any], Any]) -> "LinearMap":
        if not isinstance(other, LinearMap):
            return NotImplemented
        if self.shape != other.shape:
            raise ShapeError(f"A has shape {self.shape} but B has shape {other.shape}: A {op} B needs equal shapes")
        rationals = None
        if self._rationals is not None and other._rationals is not None:
            rationals = [[fn(a, b) for a, b in zip(ra, rb)] for ra, rb in zip(self._rationals, other._rationals)]
        return LinearMap._trusted(fn(*self._matrices_with(other)), rationals)

    def _matrices_with(self, other: "LinearMap") -> tuple[Tensor, Tensor]:
        """Both matrices in the promoted dtype, for a binary operation; they must share a device."""
        if self.device != other.device:
            raise LinlabError(f"A is on {self.device} but B is on {other.device}")
        dtype = torch.promote_types(self.dtype, other.dtype)
        return self._matrix.to(dtype), other._matrix.to(dtype)

    @property
    def T(self) -> "LinearMap":
        """The transpose R^dim_out → R^dim_in: it reads where A writes and writes where A reads."""
        rationals = [list(col) for col in zip(*self._rationals)] if self._rationals is not None else None
        return LinearMap._trusted(self._matrix.T, rationals, *self._given_tolerance)

    def to(self, *args: Any, **kwargs: Any) -> "LinearMap":
        """A copy with the matrix moved/cast like ``Tensor.to`` (e.g. ``A.to("cuda")``)."""
        m = self._matrix.to(*args, **kwargs)
        return LinearMap._trusted(m, self._rationals, *self._given_tolerance)

    # -- helpers ----------------------------------------------------------------------------------

    @cached_property
    def _work(self) -> Tensor:
        return self._matrix.to(compute_dtype(self.dtype))

    @cached_property
    def _svd(self) -> tuple[Tensor, Tensor, Tensor]:
        # The kernel needs all dim_in right singular vectors, the image only the first rank left ones.
        # Tall (m >= n): the reduced SVD already has Vh (n, n); a full U of a 50257×768 unembedding
        # would be 50257² numbers.  Wide (m < n): the full SVD adds the missing rows of Vh, and its U is
        # only (m, m).
        return torch.linalg.svd(self._work, full_matrices=self.dim_out < self.dim_in)

    def _rank_for(self, rtol: float | None, atol: float | None) -> int:
        return self.rank if rtol is None and atol is None else self.numerical_rank(rtol=rtol, atol=atol)

    def _exact_subspace(self, vectors: list[list[Fraction]], dim: int) -> Subspace:
        return Subspace._from_exact(vectors, dim, dtype=self.dtype, device=self.device)
