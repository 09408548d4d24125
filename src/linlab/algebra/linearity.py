"""Is a function linear?  Test the two laws on random inputs and report a counterexample.

f is linear iff f(x + y) = f(x) + f(y) (additivity) and f(a·x) = a·f(x) (homogeneity).  No finite
number of trials proves linearity, but a single failure disproves it: :func:`check_linear` reports the
worst violation it saw of each law, and :meth:`linlab.LinearMap.from_function` refuses to build a matrix
for a function that fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import Tensor

from ..errors import LinlabError, NotLinearError, ShapeError
from ._coerce import as_tensor
from .tolerance import eps

__all__ = ["check_linear", "LinearityReport", "Counterexample"]


@dataclass(frozen=True)
class Counterexample:
    """One violated instance of a law.

    ``lhs`` and ``rhs`` are the two sides that should agree, e.g. ``f(x + y)`` and ``f(x) + f(y)``;
    ``residual`` is ``‖lhs − rhs‖`` and ``relative`` that divided by the size of the values involved.
    """

    law: str
    inputs: dict[str, Any]
    lhs: Tensor
    rhs: Tensor
    residual: float
    relative: float

    def describe(self) -> str:
        """One line for people: the law, where it fails, and by how much."""
        if self.law == "additivity":
            what = "f(x + y) != f(x) + f(y)"
            at = f"x = {_fmt(self.inputs['x'])}, y = {_fmt(self.inputs['y'])}"
        else:
            a = self.inputs["a"]
            what = "f(0) != 0" if a == 0 else f"f({a:.3g}·x) != {a:.3g}·f(x)"
            at = f"x = {_fmt(self.inputs['x'])}"
        return (
            f"{self.law} fails: {what} at {at}: lhs = {_fmt(self.lhs)}, rhs = {_fmt(self.rhs)}, "
            f"‖lhs − rhs‖ = {self.residual:.3g} (relative {self.relative:.3g})"
        )


@dataclass(frozen=True)
class LinearityReport:
    """The outcome of :func:`check_linear`.

    Attributes
    ----------
    additive, homogeneous : bool
        Whether every trial of that law held within ``tolerance`` (relative).
    is_linear : bool
        ``additive and homogeneous``.
    counterexample : Counterexample or None
        The worst violation of the first law that failed (additivity is checked first).
    max_relative_residual : dict[str, float]
        The worst relative residual seen per law, passing or not.
    """

    additive: bool
    homogeneous: bool
    tolerance: float
    trials: int
    counterexample: Counterexample | None
    max_relative_residual: dict[str, float] = field(default_factory=dict)

    @property
    def is_linear(self) -> bool:
        return self.additive and self.homogeneous


def check_linear(
    f: Callable[[Tensor], Any],
    dim_in: int,
    *,
    trials: int = 16,
    dtype: torch.dtype = torch.float64,
    device: Any = None,
    tol: float | None = None,
    seed: int = 0,
) -> LinearityReport:
    """Test additivity and homogeneity of ``f: R^dim_in → R^m`` on random inputs.

    Parameters
    ----------
    f : callable
        Takes a vector of shape ``(dim_in,)`` (a tensor of ``dtype`` on ``device``) and returns a vector
        of shape ``(m,)`` (tensor, array or list; a scalar counts as ``m = 1``).
    dim_in : int
        The input dimension, ≥ 1.
    trials : int
        Random trials per law (standard normal x, y and scalars a).  The first homogeneity trial
        uses ``a = 0``, i.e. checks ``f(0) = 0``, which catches every affine map at once.
    tol : float, optional
        A law holds when ``‖lhs − rhs‖ ≤ tol · (‖lhs‖ + ‖rhs‖ + ‖f(x)‖)``.  Default:
        ``sqrt(eps)`` of the dtype ``f`` returns (1.5e-8 for float64, 3.5e-4 for float32), loose
        enough for rounding in a real layer and far below any genuine non-linearity.
    seed : int
        Seeds the inputs, so a report is reproducible.

    Raises
    ------
    LinlabError
        If ``f`` raises (re-raised with context), or returns something that is not a finite real
        vector; ``ShapeError`` if its output shape changes between calls.

    Examples
    --------
    >>> A = torch.tensor([[1.0, 2.0], [0.0, 3.0]], dtype=torch.float64)
    >>> check_linear(lambda x: A @ x, 2).is_linear
    True
    >>> report = check_linear(lambda x: A @ x + 1.0, 2)
    >>> report.is_linear, report.counterexample.law
    (False, 'additivity')
    """
    if not isinstance(dim_in, int) or isinstance(dim_in, bool) or dim_in < 1:
        raise LinlabError(f"dim_in must be a positive integer, got {dim_in!r}")
    if not isinstance(trials, int) or trials < 1:
        raise LinlabError(f"trials must be a positive integer, got {trials!r}")
    gen = torch.Generator().manual_seed(seed)
    call = _Caller(f, dim_in, dtype=dtype, device=device)

    def randn(*shape: int) -> Tensor:
        return torch.randn(*shape, generator=gen, dtype=dtype).to(device)

    worst: dict[str, Counterexample | None] = {"additivity": None, "homogeneity": None}
    for _ in range(trials):
        x, y = randn(dim_in), randn(dim_in)
        fx, fy = call(x), call(y)
        _keep_worst(worst, "additivity", {"x": x, "y": y}, call(x + y), fx + fy, scale=fx)
    for t in range(trials):
        x = randn(dim_in)
        a = 0.0 if t == 0 else float(randn(1).item() * 3.0)
        fx = call(x)
        _keep_worst(worst, "homogeneity", {"x": x, "a": a}, call(a * x), a * fx, scale=fx)

    tol = eps(call.out_dtype) ** 0.5 if tol is None else float(tol)
    held = {law: ce is not None and ce.relative <= tol for law, ce in worst.items()}
    failed = next((law for law in ("additivity", "homogeneity") if not held[law]), None)
    return LinearityReport(
        additive=held["additivity"],
        homogeneous=held["homogeneity"],
        tolerance=tol,
        trials=trials,
        counterexample=worst[failed] if failed else None,
        max_relative_residual={law: ce.relative for law, ce in worst.items() if ce is not None},
    )


def raise_if_not_linear(report: LinearityReport, *, what: str = "f") -> None:
    """Raise :class:`NotLinearError` carrying the report's counterexample, if there is one."""
    ce = report.counterexample
    if ce is None:
        return
    hint = " (f(0) ≠ 0: an affine map such as x ↦ Ax + b with b ≠ 0 is not linear)" if ce.inputs.get("a") == 0 else ""
    raise NotLinearError(
        f"{what} is not linear: {ce.describe()}; tolerance {report.tolerance:.3g}{hint}",
        law=ce.law,
        inputs=ce.inputs,
        lhs=ce.lhs,
        rhs=ce.rhs,
        residual=ce.residual,
    )


class _Caller:
    """Calls f, turns what it returns into a 1-D tensor, and checks the output shape stays put."""

    def __init__(self, f: Callable[[Tensor], Any], dim_in: int, *, dtype: torch.dtype, device: Any) -> None:
        self.f = f
        self.dim_in = dim_in
        self.dtype = dtype
        self.device = device
        self.out_shape: tuple[int, ...] | None = None
        self.out_dtype: torch.dtype = dtype

    def __call__(self, x: Tensor) -> Tensor:
        try:
            raw = self.f(x)
        except LinlabError:
            raise
        except Exception as err:  # the user's function: any failure is reported with context
            raise LinlabError(
                f"f raised {type(err).__name__} when called on a vector of shape ({self.dim_in},) "
                f"and dtype {self.dtype}: {err}"
            ) from err
        if isinstance(raw, Tensor):
            raw = raw.detach()
        elif isinstance(raw, (int, float)):
            raw = [raw]
        y = as_tensor(raw, name="f(x)", ndim=(0, 1))
        y = y.reshape(-1)
        if self.out_shape is None:
            self.out_shape = tuple(y.shape)
            self.out_dtype = y.dtype
        elif tuple(y.shape) != self.out_shape:
            raise ShapeError(f"f returned shape {tuple(y.shape)} after returning {self.out_shape}")
        return y.to(dtype=torch.promote_types(y.dtype, self.dtype), device=x.device)


def _keep_worst(
    worst: dict[str, Counterexample | None], law: str, inputs: dict[str, Any], lhs: Tensor, rhs: Tensor, *, scale: Tensor
) -> None:
    residual = float(torch.linalg.vector_norm(lhs - rhs))
    size = float(torch.linalg.vector_norm(lhs) + torch.linalg.vector_norm(rhs) + torch.linalg.vector_norm(scale))
    relative = residual / size if size > 0 else (0.0 if residual == 0 else float("inf"))
    current = worst[law]
    if current is None or relative > current.relative:
        worst[law] = Counterexample(law, inputs, lhs, rhs, residual, relative)


def _fmt(v: Any, limit: int = 6) -> str:
    if isinstance(v, Tensor):
        values = v.reshape(-1).tolist()
        body = ", ".join(f"{x:.3g}" for x in values[:limit]) + (", …" if len(values) > limit else "")
        return f"({body})"
    return f"{v:.3g}" if isinstance(v, float) else str(v)
