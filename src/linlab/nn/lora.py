"""LoRA adapters: the low-rank update ΔW = s·B·A against its base weight W.

PEFT wraps a layer as ``base_layer`` plus ``lora_A.<adapter>`` (an ``nn.Linear(in, r)``, weight
``(r, in)``) and ``lora_B.<adapter>`` (``nn.Linear(r, out)``, weight ``(out, r)``), and computes
``W x + s·B(A x)`` with ``s = lora_alpha / r``.  So the update is the ``(out, in)`` map ΔW = s·B·A of
rank at most r: its image (what it can write) has dimension ≤ r and its kernel (what it ignores)
dimension ≥ in − r.  PEFT is not needed: the naming is recognised in modules and state dicts alike.

The update's spectrum comes from its factors (B = Q_B R_B, Aᵀ = Q_A R_A, so ΔW = Q_B (s·R_B R_Aᵀ) Q_Aᵀ),
and its subspaces are compared with the base weight's through :class:`linlab.algebra.Subspace`:
``dim(im ΔW ∩ im W)``, ``dim(ker ΔW ∩ ker W)`` and the principal angles between what ΔW writes
(reads) and the top singular directions of W — the directions Hu et al. (2021, §7) found a LoRA
update to amplify rather than follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from ..algebra.subspaces import Subspace
from ..algebra.tolerance import Tolerance

__all__ = ["LoraGroup", "lora_update"]


@dataclass(frozen=True)
class LoraGroup:
    """Where one adapter's factors and base weight are: map names, and the update's name.

    ``scaling`` is s in ΔW = s·B·A when the module says it (PEFT's ``scaling[adapter]``); None when
    nothing does (a state dict), and then s = 1.
    """

    name: str
    a: str
    b: str
    base: str | None
    adapter: str | None
    scaling: float | None


def lora_update(group: LoraGroup, A: Tensor, B: Tensor, base: Tensor | None,
                dtype: torch.dtype) -> tuple[Tensor, dict[str, Any]]:
    """The singular values of ΔW = s·B·A (``(r,)``, float64, descending) and its ``details``.

    Parameters
    ----------
    A : Tensor of shape (r, in)
    B : Tensor of shape (out, r)
    base : Tensor of shape (out, in), optional
        The base weight W; without it only the update itself is described.
    dtype : torch.dtype
        The stored dtype, for the rank policy.
    """
    A64, B64 = A.to(torch.float64), B.to(torch.float64)
    out, r = B64.shape
    d_in = A64.shape[1]
    Q_b, R_b = torch.linalg.qr(B64)  # (out, r'), (r', r)
    Q_a, R_a = torch.linalg.qr(A64.T)  # (in, r''), (r'', r)
    scaling = 1.0 if group.scaling is None else group.scaling
    U_c, sigma, Vh_c = torch.linalg.svd(scaling * R_b @ R_a.T)  # core (r', r'')
    details: dict[str, Any] = {"adapter": group.adapter, "r": int(r), "scaling": scaling,
                               "base": group.base, "weights": [_key(group.a), _key(group.b)]}
    if base is None:
        return sigma, details
    rank = Tolerance.resolve((out, d_in), dtype).rank(sigma) if sigma.numel() and sigma[0] > 0 else 0
    writes = Subspace._trusted(Q_b @ U_c[:, :rank])  # im ΔW, (out, rank)
    reads = Subspace._trusted(Q_a @ Vh_c[:rank].T)  # row space of ΔW, (in, rank)
    W = base.to(torch.float64)
    U, S, Vh = torch.linalg.svd(W, full_matrices=False)
    base_rank = Tolerance.resolve(tuple(W.shape), dtype).rank(S)
    image = Subspace._trusted(U[:, :base_rank])
    rows = Subspace._trusted(Vh[:base_rank].T)
    # Directions count as shared when their principal angle is below sqrt(eps) of the stored dtype: the
    # weights themselves are rounded to that dtype, so exactly shared directions come out ~eps apart.
    shared = float(torch.finfo(dtype).eps) ** 0.5
    # ker ΔW ∩ ker W is the kernel of [ΔW; W], of dimension in − dim(row ΔW + row W).
    row_sum = rank + base_rank - int((reads.angles(rows) <= shared).sum())
    details.update({
        "base_rank": base_rank,
        "image_intersection_dim": int((writes.angles(image) <= shared).sum()),
        "kernel_intersection_dim": d_in - row_sum,
        "image_angles": [float(t) for t in writes.angles(Subspace._trusted(U[:, :rank]))],
        "read_angles": [float(t) for t in reads.angles(Subspace._trusted(Vh[:rank].T))],
    })
    return sigma, details


def _key(name: str) -> str:
    return f"{name}.weight"
