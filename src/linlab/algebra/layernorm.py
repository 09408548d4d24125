"""LayerNorm and RMSNorm as projections: center onto 1^⊥, normalise onto a sphere, then scale and shift.

For x ∈ R^n, ``torch.nn.LayerNorm(n)`` computes ``(x − mean(x)) / sqrt(var(x) + eps) · weight + bias``
with the *biased* variance.  It reads as three stages:

1. **center**: ``x_c = x − mean(x)·1 = (I − 11ᵀ/n) x``, the orthogonal projection onto the hyperplane
   H = 1^⊥.  It is a linear map of rank n − 1 whose kernel is the line through 1 = (1, …, 1).
2. **to_sphere**: ``s = √n·x_c / sqrt(‖x_c‖² + n·eps)``.  Since ``‖x_c‖²/n = var(x)`` this is exactly
   PyTorch's ``x_c / sqrt(var + eps)``.  With eps = 0 it is the radial projection onto the sphere of
   radius √n; eps > 0 leaves ``‖s‖ = √n·‖x_c‖ / sqrt(‖x_c‖² + n·eps)``, a little inside it.
3. **affine**: ``s·weight + bias`` elementwise: a diagonal linear map (the gain) plus a shift.

Ignoring eps, stages 1–2 send x to the nearest point of the ring R = {y ∈ H : ‖y‖ = √n}: for y ∈ R,
``‖x − y‖² = n·mean(x)² + ‖x_c − y‖²`` (Pythagoras: mean(x)·1 ⊥ H), and the point of a sphere centred
at 0 nearest to x_c is x_c scaled to the radius.  In R³ the ring is the circle of radius √3 around
the (1, 1, 1) axis.  RMSNorm skips stage 1: it sends x onto the sphere of radius √n in R^n itself.

float16/bfloat16 inputs are computed in float32 (as PyTorch's kernels do) and cast back.  Weights and
biases follow the input's device and dtype.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import torch
from torch import Tensor, nn

from ..errors import LinlabError, ShapeError, UnsupportedModuleError
from ._coerce import EXACT_MAX_DIM, as_tensor
from .maps import LinearMap
from .tolerance import compute_dtype
from .tolerance import eps as machine_eps

__all__ = ["LayerNormGeometry", "RMSNormGeometry", "NormStages", "DegenerateInputError", "norm_geometry"]


class DegenerateInputError(LinlabError, ValueError):
    """The projection is undefined at this input: x is a multiple of 1 (LayerNorm) or x = 0 (RMSNorm)."""


@dataclass(frozen=True)
class NormStages:
    """The stages of a norm layer on a batch; every field has the input's shape ``(..., n)``.

    ``centered`` = x − mean(x)·1 (RMSNorm: x itself), ``on_sphere`` = its normalisation with eps,
    ``output`` = ``on_sphere · weight + bias``, equal to the module's output.
    """

    input: Tensor
    centered: Tensor
    on_sphere: Tensor
    output: Tensor


class _NormGeometry:
    """What LayerNorm and RMSNorm share: eps, the sphere, the elementwise affine stage."""

    _kind = "norm"

    def __init__(self, n: int, *, eps: float | None, weight: Any = None, bias: Any = None) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise LinlabError(f"n must be a positive integer (the normalised dimension), got {n!r}")
        if eps is not None and (isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 <= eps < math.inf):
            raise LinlabError(f"eps must be a finite number >= 0, got {eps!r}")
        self.n = n
        self.eps = None if eps is None else float(eps)
        self.weight = self._param(weight, "weight")
        self.bias = self._param(bias, "bias")

    def _param(self, value: Any, name: str) -> Tensor | None:
        if value is None:
            return None
        t = as_tensor(value, name=name, ndim=1)
        if t.shape[0] != self.n:
            raise ShapeError(f"{name} has shape {tuple(t.shape)} but n = {self.n}: {name} must have shape ({self.n},)")
        return t

    def __repr__(self) -> str:
        affine = "+".join(p for p in ("weight", "bias") if getattr(self, p) is not None) or "none"
        return f"{type(self).__name__}(n={self.n}, eps={self.eps}, affine={affine})"

    # -- the stages -----------------------------------------------------------------------------

    def to_sphere(self, x: Any) -> Tensor:
        """``√n·x / sqrt(‖x‖² + n·eps)`` per row: onto the sphere of radius √n, eps pulling short rows inside.

        This is PyTorch's ``x · rsqrt(mean(x²) + eps)``.  Shape ``(..., n)`` → ``(..., n)``.
        """
        v = self._input(x)
        w = v.to(compute_dtype(v.dtype))
        return self._sphere(w, self._eps_for(v.dtype)).to(v.dtype)

    def affine(self, y: Any) -> Tensor:
        """The last stage, ``y·weight + bias`` elementwise (each when present): ``(..., n)`` → ``(..., n)``."""
        v = self._input(y, name="y")
        return self._affine(v.to(compute_dtype(v.dtype))).to(v.dtype)

    def apply(self, x: Any) -> Tensor:
        """The module's forward pass, stage by stage: ``(..., n)`` → ``(..., n)``.

        Agrees with the module to rounding error: about ``eps(dtype)·(1 + |mean(x)|/std(x))`` per row,
        the conditioning of the centering (both this and PyTorch subtract nearly equal numbers when
        a row's mean is large against its spread).
        """
        return self.decompose(x).output

    def decompose(self, x: Any) -> NormStages:
        """The stages of :meth:`apply` on ``x`` of shape ``(..., n)``, for labs and the CLI."""
        v = self._input(x)
        w = v.to(compute_dtype(v.dtype))
        centered = self._center(w)
        on_sphere = self._sphere(centered, self._eps_for(v.dtype))
        output = self._affine(on_sphere)
        return NormStages(*(t.to(v.dtype) for t in (v, centered, on_sphere, output)))

    @cached_property
    def gain(self) -> LinearMap:
        """The linear part of the affine stage, ``diag(weight)`` of shape ``(n, n)`` (identity without weight).

        Dense: n² numbers, built on first use.
        """
        if self.weight is None:
            return _identity(self.n)
        return LinearMap(torch.diag(self.weight))

    # -- helpers (inputs already validated) -----------------------------------------------------

    def _input(self, x: Any, name: str = "x") -> Tensor:
        v = as_tensor(x, name=name, ndim=tuple(range(1, 9)))
        if v.shape[-1] != self.n:
            raise ShapeError(
                f"{name} has shape {tuple(v.shape)} but this {self._kind} normalises over n = {self.n}: "
                f"the last dimension of {name} must be {self.n}"
            )
        return v

    def _eps_for(self, dtype: torch.dtype) -> float:
        return self.eps if self.eps is not None else machine_eps(compute_dtype(dtype))

    @staticmethod
    def _sphere(x: Tensor, eps: float) -> Tensor:
        return x * torch.rsqrt(x.square().mean(-1, keepdim=True) + eps)  # (..., n) * (..., 1)

    def _affine(self, y: Tensor) -> Tensor:
        if self.weight is not None:
            y = y * self.weight.to(y.device, y.dtype)
        if self.bias is not None:
            y = y + self.bias.to(y.device, y.dtype)
        return y

    def _center(self, x: Tensor) -> Tensor:
        return x


class LayerNormGeometry(_NormGeometry):
    """``torch.nn.LayerNorm`` over the last dimension n, as center → sphere → affine.

    Parameters
    ----------
    n : int
        The normalised dimension (``normalized_shape = (n,)``).
    eps : float, default 1e-5
        Added to the biased variance, as in PyTorch: ``x_c / sqrt(var + eps)``.
    weight, bias : Tensor of shape (n,), optional
        The elementwise gain and shift; ``None`` means 1 and 0.

    Raises
    ------
    ShapeError
        ``weight`` or ``bias`` not of shape ``(n,)``; later, inputs whose last dimension is not n.
    NonFiniteError
        NaN or ±inf in the parameters or, later, in an input.

    Examples
    --------
    >>> g = LayerNormGeometry(3, eps=0.0)
    >>> g.center.rank, g.center.kernel().integer_basis   # centering forgets exactly the direction 1
    (2, [[1, 1, 1]])
    >>> g.apply([3.0, 1.0, 2.0])                          # (1, −1, 0) scaled to length √3
    tensor([ 1.2247, -1.2247,  0.0000], dtype=torch.float64)
    """

    _kind = "LayerNorm"

    def __init__(self, n: int, *, eps: float = 1e-5, weight: Any = None, bias: Any = None) -> None:
        if eps is None:
            raise LinlabError("eps must be a finite number >= 0 for LayerNorm, got None")
        super().__init__(n, eps=eps, weight=weight, bias=bias)

    @classmethod
    def from_module(cls, module: nn.Module) -> "LayerNormGeometry":
        """Read an ``nn.LayerNorm`` over one dimension: its n, eps, weight and bias (shared, detached).

        ``elementwise_affine=False`` and ``bias=False`` give ``weight``/``bias`` = None.  A
        normalized_shape of several dimensions is refused rather than flattened, because the geometry's
        inputs would then need reshaping; the error says how to build it by hand.

        Raises
        ------
        UnsupportedModuleError
            Not an ``nn.LayerNorm``, or one over more than one dimension, or a subclass whose forward
            does not agree with the standard one.

        Examples
        --------
        >>> LayerNormGeometry.from_module(torch.nn.LayerNorm(384, bias=False))
        LayerNormGeometry(n=384, eps=1e-05, affine=weight)
        """
        if not isinstance(module, nn.LayerNorm):
            rms = isinstance(module, nn.RMSNorm) or _looks_rms(module)
            hint = " (use RMSNormGeometry.from_module)" if rms else ""
            raise UnsupportedModuleError(
                f"LayerNormGeometry.from_module needs a torch.nn.LayerNorm, got {type(module).__name__}{hint}"
            )
        shape = tuple(module.normalized_shape)
        if len(shape) != 1:
            raise UnsupportedModuleError(
                f"nn.LayerNorm with normalized_shape {shape} normalises over the last {len(shape)} dimensions; "
                f"LayerNormGeometry works over one. Reshape x to (..., {math.prod(shape)}) and build "
                f"LayerNormGeometry({math.prod(shape)}, eps={module.eps}, weight=module.weight.reshape(-1), "
                f"bias=module.bias.reshape(-1))"
            )
        geometry = cls(shape[0], eps=module.eps, weight=_detached(module.weight), bias=_detached(module.bias))
        if type(module) is not nn.LayerNorm:
            _check_forward(module, geometry)
        return geometry

    @cached_property
    def center(self) -> LinearMap:
        """The projector ``I − 11ᵀ/n`` onto 1^⊥, shape ``(n, n)``, float64 (exact for n ≤ 16).

        Dense: n² numbers.  Stages use ``x − mean(x)`` instead, which costs n per row.
        """
        if self.n <= EXACT_MAX_DIM:
            n = self.n
            return LinearMap([[Fraction(int(i == j)) - Fraction(1, n) for j in range(n)] for i in range(n)])
        return LinearMap(torch.eye(self.n, dtype=torch.float64) - 1.0 / self.n)

    def nearest_point_on_ring(self, x: Any) -> Tensor:
        """The nearest point of the ring {y ⊥ 1 : ‖y‖ = √n} to each row: ``√n·x_c/‖x_c‖`` (eps ignored).

        ``(..., n)`` → ``(..., n)``.  Its distance from x is ``sqrt(n·mean(x)² + (‖x_c‖ − √n)²)``.

        Raises
        ------
        DegenerateInputError
            A row that is a multiple of 1 (including 0): every point of the ring is equally near.  A row
            counts as one when ``‖x_c‖ ≤ n·eps(dtype)·‖x‖``, the rounding error of the centering.

        Examples
        --------
        >>> LayerNormGeometry(3).nearest_point_on_ring([4.0, 0.0, 2.0])    # x_c = (2, −2, 0)
        tensor([ 1.2247, -1.2247,  0.0000], dtype=torch.float64)
        >>> LayerNormGeometry(3).nearest_point_on_ring([2.0, 2.0, 2.0])
        Traceback (most recent call last):
        ...
        linlab.algebra.layernorm.DegenerateInputError: x is a multiple of 1 = (1, …, 1): ...undefined
        """
        v = self._input(x)
        w = v.to(compute_dtype(v.dtype))
        centered = self._center(w)
        norm_c = torch.linalg.vector_norm(centered, dim=-1, keepdim=True)  # (..., 1)
        bad = norm_c <= self.n * machine_eps(v.dtype) * torch.linalg.vector_norm(w, dim=-1, keepdim=True)
        why = "its centered part is 0, so every point of the ring is equally near: the nearest point is undefined"
        _raise_if_any(bad[..., 0], "x is a multiple of 1 = (1, …, 1)", why)
        return (math.sqrt(self.n) * centered / norm_c).to(v.dtype)

    def centering_cosines(self, x: Any) -> Tensor:
        """cos∠(x, x_c) per row, ``(..., n)`` → ``(...,)``: how little centering turns x.

        Equals ``‖x_c‖/‖x‖ = sqrt(1 − n·mean(x)²/‖x‖²)`` (x·x_c = ‖x_c‖²).  For x with independent
        N(0, 1) entries, cos² is Beta((n−1)/2, 1/2) with mean (n−1)/n: close to 1 in high dimension.

        Raises
        ------
        DegenerateInputError
            A zero row (no angle).

        Examples
        --------
        >>> LayerNormGeometry(4).centering_cosines([[1.0, 2.0, 3.0, 4.0], [1.0, -1.0, 1.0, -1.0]])
        tensor([0.4082, 1.0000], dtype=torch.float64)
        """
        v = self._input(x)
        w = v.to(compute_dtype(v.dtype))
        norm = torch.linalg.vector_norm(w, dim=-1)  # (...,)
        _raise_if_any(norm == 0, "x is 0", "the angle between 0 and its centered part is undefined")
        return (torch.linalg.vector_norm(self._center(w), dim=-1) / norm).to(v.dtype)

    def _center(self, x: Tensor) -> Tensor:
        return x - x.mean(-1, keepdim=True)  # (..., n) − (..., 1)


class RMSNormGeometry(_NormGeometry):
    """``torch.nn.RMSNorm`` over the last dimension n: sphere → gain, with no centering.

    ``x ↦ x / sqrt(mean(x²) + eps) · weight``.  :attr:`center` is the identity (so the stages have the
    same names as LayerNorm's); the normalisation is onto the whole sphere of radius √n in R^n.

    Parameters
    ----------
    n : int
        The normalised dimension.
    eps : float or None, default None
        ``None`` is PyTorch's default: the machine epsilon of the *computation* dtype, i.e.
        ``torch.finfo(x.dtype).eps`` for float32/float64 and float32's eps for float16/bfloat16
        inputs (PyTorch computes those in float32; checked against torch 2.13).
    weight, bias : Tensor of shape (n,), optional
        ``nn.RMSNorm`` has no bias; the option is there for hand-written variants.

    Examples
    --------
    >>> g = RMSNormGeometry(2, eps=0.0)
    >>> g.apply([3.0, 4.0])                  # (3, 4)/5 scaled to length √2
    tensor([0.8485, 1.1314], dtype=torch.float64)
    """

    _kind = "RMSNorm"

    def __init__(self, n: int, *, eps: float | None = None, weight: Any = None, bias: Any = None) -> None:
        super().__init__(n, eps=eps, weight=weight, bias=bias)

    @classmethod
    def from_module(cls, module: nn.Module) -> "RMSNormGeometry":
        """Read ``nn.RMSNorm`` (one dimension), or a transformers-style RMSNorm.

        The latter is any module with a 1-D ``weight`` and a float ``variance_epsilon`` (LlamaRMSNorm,
        T5LayerNorm, Mistral, Qwen2 …).  Since such modules vary (some add 1 to the weight), the
        geometry is accepted only after it reproduces the module's forward on a seeded probe batch.

        Raises
        ------
        UnsupportedModuleError
            Anything else, an ``nn.RMSNorm`` over several dimensions, or a module whose forward differs.

        Examples
        --------
        >>> RMSNormGeometry.from_module(torch.nn.RMSNorm(64))
        RMSNormGeometry(n=64, eps=None, affine=weight)
        """
        if isinstance(module, nn.RMSNorm):
            shape = tuple(module.normalized_shape)
            if len(shape) != 1:
                raise UnsupportedModuleError(
                    f"nn.RMSNorm with normalized_shape {shape} normalises over the last {len(shape)} dimensions; "
                    f"RMSNormGeometry works over one. Reshape x to (..., {math.prod(shape)}) and build "
                    f"RMSNormGeometry({math.prod(shape)}, eps={module.eps}, weight=module.weight.reshape(-1))"
                )
            geometry = cls(shape[0], eps=module.eps, weight=_detached(module.weight))
            exact_type = type(module) is nn.RMSNorm
        elif _looks_rms(module):
            weight = _detached(module.weight)
            geometry = cls(weight.shape[0], eps=float(module.variance_epsilon), weight=weight,
                           bias=_detached(getattr(module, "bias", None)))
            exact_type = False
        else:
            hint = " (use LayerNormGeometry.from_module)" if isinstance(module, nn.LayerNorm) else ""
            raise UnsupportedModuleError(
                f"RMSNormGeometry.from_module needs torch.nn.RMSNorm or a module with a 1-D `weight` and "
                f"`variance_epsilon` (transformers' LlamaRMSNorm style), got {type(module).__name__}{hint}"
            )
        if not exact_type:
            _check_forward(module, geometry)
        return geometry

    @cached_property
    def center(self) -> LinearMap:
        """The identity ``(n, n)``: RMSNorm does not center."""
        return _identity(self.n)

    def nearest_point_on_sphere(self, x: Any) -> Tensor:
        """The nearest point of the sphere ‖y‖ = √n to each row: ``√n·x/‖x‖`` (eps ignored), ``(..., n)``.

        Raises
        ------
        DegenerateInputError
            A zero row: every point of the sphere is equally near.
        """
        v = self._input(x)
        w = v.to(compute_dtype(v.dtype))
        norm = torch.linalg.vector_norm(w, dim=-1, keepdim=True)  # (..., 1)
        _raise_if_any(norm[..., 0] == 0, "x is 0", "every point of the sphere is equally near")
        return (math.sqrt(self.n) * w / norm).to(v.dtype)


def norm_geometry(module: nn.Module) -> LayerNormGeometry | RMSNormGeometry:
    """The geometry of a norm layer: :class:`LayerNormGeometry` or :class:`RMSNormGeometry` by its type.

    Examples
    --------
    >>> norm_geometry(torch.nn.LayerNorm(8, elementwise_affine=False))
    LayerNormGeometry(n=8, eps=1e-05, affine=none)
    """
    if isinstance(module, nn.LayerNorm):
        return LayerNormGeometry.from_module(module)
    return RMSNormGeometry.from_module(module)


# -- private helpers -------------------------------------------------------------------------------


def _identity(n: int) -> LinearMap:
    if n <= EXACT_MAX_DIM:
        return LinearMap([[int(i == j) for j in range(n)] for i in range(n)])
    return LinearMap(torch.eye(n, dtype=torch.float64))


def _detached(p: Any) -> Tensor | None:
    return p.detach() if isinstance(p, Tensor) else None


def _looks_rms(module: nn.Module) -> bool:
    weight = getattr(module, "weight", None)
    epsilon = getattr(module, "variance_epsilon", None)
    return isinstance(weight, Tensor) and weight.ndim == 1 and isinstance(epsilon, (int, float))


def _raise_if_any(bad: Tensor, what: str, why: str) -> None:
    """Raise DegenerateInputError naming the first bad row of a ``(...,)`` mask."""
    if bool(bad.any()):
        where = ""
        if bad.ndim:  # a batch: say which row, and how many
            first = tuple(int(i) for i in bad.nonzero()[0])
            where = f" at row {first} ({int(bad.sum())} of {bad.numel()} rows)"
        raise DegenerateInputError(f"{what}{where}: {why}")


def _check_forward(module: nn.Module, geometry: _NormGeometry) -> None:
    """Refuse a module (a subclass, a transformers variant) whose forward the geometry does not reproduce."""
    ref = geometry.weight if geometry.weight is not None else next(module.parameters(), torch.empty(0))
    gen = torch.Generator().manual_seed(0)
    probe = (2 * torch.randn(4, geometry.n, generator=gen, dtype=torch.float64) + 0.5).to(ref.device, ref.dtype)
    with torch.no_grad():
        try:
            expected = module(probe)
        except Exception as err:  # a module that cannot even run on (4, n) is not a norm over n
            name = type(module).__name__
            raise UnsupportedModuleError(f"{name} failed on a probe of shape (4, {geometry.n}): {err}") from err
    got = geometry.apply(probe)
    same_shape = isinstance(expected, Tensor) and expected.shape == got.shape
    diff = float((expected.to(got.dtype) - got).abs().max()) if same_shape else math.inf
    tol = math.sqrt(machine_eps(ref.dtype)) * (1 + float(got.abs().max()))
    if not diff <= tol:
        raise UnsupportedModuleError(
            f"{type(module).__name__} does not compute {geometry!r} (max difference {diff:.3g} > {tol:.3g} on a "
            f"probe batch); its forward differs from the standard {geometry._kind}"
        )
