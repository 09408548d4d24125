"""What :func:`linlab.nn.inspect` returns: one :class:`MapReport` per linear map, one :class:`NormReport`
per norm layer, gathered in a :class:`ModelReport` that converts to JSON (schema in docs/analyze.md).

Spectral summaries, all computed from the singular values σ₁ ≥ … ≥ σ_k of a map of shape ``(out, in)``:

- ``rank``: how many σ exceed ``max(atol, rtol·σ₁)``, with ``rtol = max(out, in)·eps`` of the weight's
  stored dtype and ``atol = 0`` (linlab's policy, :mod:`linlab.algebra.tolerance`); ``nullity = in − rank``.
- ``effective_rank``: ``exp(H(p))`` with ``p_i = σ_i / Σσ`` and ``H(p) = −Σ p_i log p_i`` (Roy &
  Vetterli 2007); between 1 and rank, 0 for the zero map.
- ``stable_rank``: ``‖W‖_F² / ‖W‖₂² = Σσ_i² / σ₁²``; at most the rank, 0 for the zero map.
- ``condition_number``: ``σ₁ / σ_min`` over all ``min(out, in)`` singular values; ``inf`` when σ_min = 0,
  which includes every factored map whose inner dimension is below ``min(out, in)``.
"""

from __future__ import annotations

import difflib
import fnmatch
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from ..algebra.layernorm import LayerNormGeometry, RMSNormGeometry
from ..algebra.tolerance import Tolerance
from ..errors import LinlabError

__all__ = ["MapReport", "NormReport", "ModelReport", "map_report", "SCHEMA"]

#: The ``schema`` field of :meth:`ModelReport.to_json`; its number changes when a field changes meaning.
SCHEMA = "linlab.inspect/1"


@dataclass(frozen=True)
class MapReport:
    """The spectrum and ranks of one linear map ``(out, in)``.

    Attributes
    ----------
    name : str
        The map's name (see the naming scheme in docs/analyze.md): a state-dict key without
        ``.weight`` (``"encoder.layer.2.attention.output.dense"``), or for a head
        ``"<attention>.<kind>.head<h>"`` (``"encoder.layer.2.attention.qk.head3"``).
    kind : str
        ``linear``, ``conv``, ``embedding``, ``unembedding``, ``q``, ``k``, ``v``, ``o`` (one head's slice
        of an attention projection), ``qk``, ``ov`` (a head's circuits) or ``lora`` (an adapter's update BA).
    shape : tuple[int, int]
        ``(out, in)`` of the map: ``(d, vocab)`` for an embedding (one-hot token → vector),
        ``(vocab, d)`` for an unembedding, ``(out_channels, in_channels·prod(kernel))`` for a convolution
        on patch space, ``(d_model, d_model)`` for a circuit.
    dtype : str
        The stored dtype of the weights (``"float32"``); it sets the rank tolerance.
    rank, nullity : int
        ``rank + nullity == shape[1]``.
    singular_values : Tensor of shape (k,)
        float64, descending.  ``k = min(out, in)``, or for a factored map (``factored``) its inner
        dimension r: the other ``min(out, in) − r`` singular values are exactly 0.
    effective_rank, stable_rank, condition_number : float
        See the module docstring.
    rank_threshold : float
        The cut-off ``max(atol, rtol·σ₁)``: singular values above it count.
    layer_index : int or None
        The transformer block, read from the name (``layer.2``, ``h.0``, ``layers.11``).
    head : int or None
        The attention head, for ``q``, ``k``, ``v``, ``o``, ``qk``, ``ov``.
    factored : bool
        True when the spectrum came from factors (a circuit, a LoRA update) without forming the product.
    details : dict
        Kind-specific facts (JSON-ready): the weights it was read from, tied weights, conv kernel,
        head slices, LoRA subspace comparisons.  Listed in docs/analyze.md.
    """

    name: str
    kind: str
    shape: tuple[int, int]
    dtype: str
    rank: int
    nullity: int
    singular_values: Tensor
    effective_rank: float
    stable_rank: float
    condition_number: float
    rank_threshold: float
    layer_index: int | None = None
    head: int | None = None
    factored: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """This map as JSON-ready values (an infinite condition number becomes ``null``)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "rank": self.rank,
            "nullity": self.nullity,
            "singular_values": [float(s) for s in self.singular_values.tolist()],
            "effective_rank": self.effective_rank,
            "stable_rank": self.stable_rank,
            "condition_number": self.condition_number if math.isfinite(self.condition_number) else None,
            "rank_threshold": self.rank_threshold,
            "layer_index": self.layer_index,
            "head": self.head,
            "factored": self.factored,
            "details": self.details,
        }


def map_report(name: str, kind: str, shape: tuple[int, int], dtype: torch.dtype, singular_values: Tensor, *,
               layer_index: int | None = None, head: int | None = None, factored: bool = False,
               details: dict[str, Any] | None = None) -> MapReport:
    """A :class:`MapReport` from the singular values of a map of ``shape`` stored as ``dtype``.

    Examples
    --------
    >>> r = map_report("w", "linear", (3, 4), torch.float32, torch.tensor([2.0, 1.0, 0.0], dtype=torch.float64))
    >>> r.rank, r.nullity, r.stable_rank, r.condition_number
    (2, 2, 1.25, inf)
    """
    s = singular_values.to(torch.float64).flatten()
    a = s.numpy()  # numpy for the summaries: on vectors this short torch's thread pool costs more than the sums
    tol = Tolerance.resolve(shape, dtype)
    sigma_max = float(a[0]) if a.size else 0.0
    rank = int((a > tol.threshold(sigma_max)).sum()) if sigma_max > 0 else 0
    total = float(a.sum())
    if total > 0:
        p = a[a > 0] / total
        effective = math.exp(float(-(p * np.log(p)).sum()))
    else:
        effective = 0.0
    stable = float((a * a).sum()) / sigma_max**2 if sigma_max > 0 else 0.0
    full = min(shape)
    sigma_min = float(a[-1]) if a.size == full and full > 0 else 0.0
    condition = sigma_max / sigma_min if sigma_min > 0 else math.inf
    return MapReport(
        name=name, kind=kind, shape=(int(shape[0]), int(shape[1])), dtype=_dtype_name(dtype), rank=rank,
        nullity=int(shape[1]) - rank, singular_values=s, effective_rank=effective, stable_rank=stable,
        condition_number=condition, rank_threshold=tol.threshold(sigma_max), layer_index=layer_index,
        head=head, factored=factored, details=details or {},
    )


@dataclass(frozen=True)
class NormReport:
    """A LayerNorm or RMSNorm layer read as a projection (see :mod:`linlab.algebra.layernorm`).

    Attributes
    ----------
    name : str
        The layer's name (``"encoder.layer.0.output.LayerNorm"``).
    kind : str
        ``"layernorm"`` or ``"rmsnorm"``.
    dim : int
        The normalised dimension n.
    eps : float
        Added to the variance (LayerNorm) or mean square (RMSNorm).
    affine : bool
        Whether the layer has an elementwise gain (``weight``).
    bias : bool
        Whether it has a shift.
    layer_index : int or None
        The transformer block, read from the name.
    geometry : dict
        ``center_rank`` (n − 1 for LayerNorm: the centering forgets the direction 1; n for RMSNorm),
        ``radius`` (√n, the sphere's), ``gain_min``/``gain_max``/``gain_mean`` (of |weight|),
        ``gain_rank`` (non-zero gains under linlab's rank policy), ``bias_norm`` (‖b‖) and
        ``bias_cos_ones`` (cos∠(b, 1): how much of the shift lies along the direction centering removes).
    weight, bias_vector : Tensor of shape (n,) or None
        The parameters, kept (they are small) so that :meth:`to_geometry` can rebuild the layer.
    """

    name: str
    kind: str
    dim: int
    eps: float
    affine: bool
    bias: bool
    layer_index: int | None
    geometry: dict[str, Any]
    weight: Tensor | None = field(default=None, repr=False)
    bias_vector: Tensor | None = field(default=None, repr=False)

    def to_geometry(self) -> LayerNormGeometry | RMSNormGeometry:
        """The layer as a :class:`~linlab.algebra.LayerNormGeometry` (or RMSNorm), to run its stages."""
        cls = LayerNormGeometry if self.kind == "layernorm" else RMSNormGeometry
        return cls(self.dim, eps=self.eps, weight=self.weight, bias=self.bias_vector)

    def to_json(self) -> dict[str, Any]:
        """This layer as JSON-ready values (without the parameter vectors)."""
        return {"name": self.name, "kind": self.kind, "dim": self.dim, "eps": self.eps, "affine": self.affine,
                "bias": self.bias, "layer_index": self.layer_index, "geometry": self.geometry}


@dataclass
class ModelReport:
    """Every linear map and norm layer of one model.

    Attributes
    ----------
    source : str
        What was analysed (a path, a package name, a module's class name).
    architecture : str or None
        The config's ``model_type`` (``"bert"``, ``"gpt2"``), else None.
    d_model, n_heads : int or None
        Hidden size and attention heads, from the config or the ``n_heads`` argument.
    maps : list[MapReport]
        In natural order of their names (``layer.10`` after ``layer.9``).
    norms : list[NormReport]
    notes : list[str]
        What was skipped and why (no head count, an unknown fused layout, …).
    """

    source: str
    architecture: str | None
    d_model: int | None
    n_heads: int | None
    maps: list[MapReport] = field(default_factory=list)
    norms: list[NormReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def map(self, name: str) -> MapReport:
        """The map called ``name``.

        Raises
        ------
        LinlabError
            No such map; the message lists close names.
        """
        for report in self.maps:
            if report.name == name:
                return report
        names = [r.name for r in self.maps]
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        close += [n for n in names if n.startswith(name) and n not in close][: 5 - len(close)]
        hint = f"; close names: {', '.join(close)}" if close else ""
        raise LinlabError(f"no map named {name!r} among {len(names)} maps{hint}")

    def select(self, pattern: str) -> list[MapReport]:
        """The maps whose names match an fnmatch pattern (``"*.qk.head*"``)."""
        return [r for r in self.maps if fnmatch.fnmatchcase(r.name, pattern)]

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (documented in docs/analyze.md, "JSON schema")."""
        return {
            "schema": SCHEMA,
            "source": self.source,
            "architecture": self.architecture,
            "d_model": self.d_model,
            "n_heads": self.n_heads,
            "rank_policy": "sigma > max(atol, rtol * sigma_max), rtol = max(out, in) * eps(stored dtype), atol = 0",
            "maps": [r.to_json() for r in self.maps],
            "norms": [r.to_json() for r in self.norms],
            "notes": list(self.notes),
        }


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")
