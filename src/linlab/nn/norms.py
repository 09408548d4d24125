"""Norm layers of a checkpoint or module summarised through linlab's LayerNorm/RMSNorm geometry."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from ..algebra.layernorm import LayerNormGeometry, RMSNormGeometry
from ..algebra.tolerance import Tolerance
from .report import NormReport
from .roles import layer_index

__all__ = ["norm_report"]

_DEFAULT_EPS = 1e-5  # nn.LayerNorm's, for a checkpoint whose config names none


def norm_report(name: str, kind: str, weight: Tensor, bias: Tensor | None, eps: float | None) -> NormReport:
    """A :class:`NormReport` for a norm layer with gain ``weight`` ``(n,)`` and optional shift ``bias`` ``(n,)``.

    The geometry is built by :class:`~linlab.algebra.LayerNormGeometry` (or RMSNorm), which validates the
    parameters; the summary reads its stages: centering onto 1^⊥ (rank n − 1, RMSNorm: none), the
    sphere of radius √n, then the diagonal gain and the shift.

    Examples
    --------
    >>> r = norm_report("ln", "layernorm", torch.tensor([1.0, 2.0, 0.0]), torch.ones(3), 1e-5)
    >>> r.geometry["center_rank"], r.geometry["gain_rank"], round(r.geometry["bias_cos_ones"], 6)
    (2, 2, 1.0)
    """
    n = int(weight.shape[0])
    if kind == "layernorm":
        geometry: LayerNormGeometry | RMSNormGeometry = LayerNormGeometry(
            n, eps=_DEFAULT_EPS if eps is None else eps, weight=weight, bias=bias)
        center_rank = n - 1  # I − 11ᵀ/n projects onto 1^⊥: its kernel is the line through 1
    else:
        geometry = RMSNormGeometry(n, eps=eps, weight=weight, bias=bias)
        center_rank = n
    gains = geometry.weight.to(torch.float64).abs()  # the diagonal gain's singular values
    summary = {
        "center_rank": center_rank,
        "radius": math.sqrt(n),
        "gain_min": float(gains.min()),
        "gain_max": float(gains.max()),
        "gain_mean": float(gains.mean()),
        "gain_rank": Tolerance.resolve((n, n), weight.dtype).rank(gains),
        "bias_norm": 0.0,
        "bias_cos_ones": None,
    }
    if geometry.bias is not None:
        b = geometry.bias.to(torch.float64)
        norm = float(torch.linalg.vector_norm(b))
        summary["bias_norm"] = norm
        summary["bias_cos_ones"] = float(b.sum()) / (norm * math.sqrt(n)) if norm > 0 else None
    return NormReport(
        name=name, kind=kind, dim=n, eps=float(geometry.eps) if geometry.eps is not None else float(
            torch.finfo(weight.dtype if weight.dtype.is_floating_point else torch.float32).eps),
        affine=True, bias=bias is not None, layer_index=layer_index(name), geometry=summary,
        weight=geometry.weight, bias_vector=geometry.bias,
    )
