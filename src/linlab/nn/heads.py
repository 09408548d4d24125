"""Attention layers found by name, split into heads, and their QK and OV circuits computed from factors.

In the ``(out, in)`` convention of ``nn.Linear.weight``, head h of an attention layer reads with the rows
``h·d_head … (h+1)·d_head`` of the query, key and value weights — W_Q,h, W_K,h, W_V,h, each
``(d_head, d_model)`` — and writes with the same columns of the output weight, W_O,h ``(d_model, d_head)``.
Its circuits are the ``(d_model, d_model)`` maps

- QK_h = W_Q,hᵀ W_K,h, the bilinear form of the score ``x_qᵀ QK_h x_k`` (rank ≤ d_head);
- OV_h = W_O,h W_V,h, what the head adds to the residual stream for the token it attends to.

Neither is formed.  For M = X Yᵀ with X ``(d, r)`` and Y ``(d', r)``, QR factorisations X = Q₁R₁ and
Y = Q₂R₂ give M = Q₁ (R₁R₂ᵀ) Q₂ᵀ with orthonormal Q₁, Q₂, so M's non-zero singular values are those of
the ``r × r`` core R₁R₂ᵀ: a QR of a ``(d, r)`` matrix and an SVD of an ``(r, r)`` one instead of
``d × d``.  The R factors alone also give the singular values of the head slices themselves.
Everything runs in float64, all heads of a layer in one stacked call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from .spectra import _blas_threads as _one_blas_thread

__all__ = ["Attention", "find_attention", "config_heads", "factored_singular_values", "head_spectra"]

# (query, key, value, output) name suffixes of separate projections, relative to the attention prefix
_SEPARATE = (
    ("self.query", "self.key", "self.value", "output.dense"),
    ("attention.query", "attention.key", "attention.value", "output.dense"),
    ("q_proj", "k_proj", "v_proj", "o_proj"),
    ("q_proj", "k_proj", "v_proj", "out_proj"),
    ("q_proj", "k_proj", "v_proj", "dense"),
    ("q", "k", "v", "o"),
    ("q_lin", "k_lin", "v_lin", "out_lin"),
)
# (fused [q; k; v] projection, output) name suffixes
_FUSED = (("c_attn", "c_proj"), ("in_proj", "out_proj"), ("qkv", "proj"))
_OTHER_FUSED = re.compile(r"(^|\.)(query_key_value|qkv_proj|Wqkv|W_pack|c_attn|qkv|in_proj)$")
_HEAD_KEYS = ("num_attention_heads", "n_head", "num_heads", "n_heads", "encoder_attention_heads")
_KV_KEYS = ("num_key_value_heads", "n_head_kv", "num_kv_heads")


@dataclass(frozen=True)
class Attention:
    """One attention layer: where its weights are and how they split into heads.

    ``q``, ``k``, ``v`` are map names (the same name three times for a fused projection, whose rows
    are ``[q; k; v]``); ``o`` the output projection's.  ``prefix`` names the heads:
    ``f"{prefix}.qk.head{h}"``.
    """

    prefix: str
    q: str
    k: str
    v: str
    o: str
    fused: bool
    n_heads: int
    n_kv_heads: int
    d_head: int
    d_model: int

    def head_names(self) -> list[str]:
        """Every map name this layer's heads produce."""
        base = f"{self.prefix}." if self.prefix else ""
        names = [f"{base}{kind}.head{h}" for kind in ("q", "o", "qk", "ov") for h in range(self.n_heads)]
        names += [f"{base}{kind}.head{g}" for kind in ("k", "v") for g in range(self.n_kv_heads)]
        return names


def config_heads(config: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """``(n_heads, n_kv_heads)`` named by a transformers config, each None where it names none."""
    def first(keys: Sequence[str]) -> int | None:
        for key in keys:
            value = config.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
        return None

    return first(_HEAD_KEYS), first(_KV_KEYS)


def find_attention(shapes: Mapping[str, tuple[int, ...]], n_heads: Mapping[str, int] | int | None,
                   notes: list[str]) -> list[Attention]:
    """The attention layers among linear maps ``{name: (out, in)}``.

    ``n_heads`` is one count for every layer, or a count per attention prefix (modules that carry
    their own, like ``nn.MultiheadAttention``); layers without a count are skipped with a note, as are
    fused projections of an unknown layout and shapes that do not split evenly.
    """
    found: list[Attention] = []
    used: set[str] = set()
    for name in shapes:
        for suffixes in _SEPARATE + _FUSED:
            prefix = _prefix(name, suffixes[0])
            if prefix is None:
                continue
            names = [_join(prefix, s) for s in suffixes]
            if not all(n in shapes for n in names) or any(n in used for n in names):
                continue
            heads = n_heads.get(prefix) if isinstance(n_heads, Mapping) else n_heads
            if heads is None:
                notes.append(f"{prefix or name}: attention found but no head count (no config.json with "
                             "num_attention_heads/n_head, and no n_heads=): circuits skipped")
                used.update(names)
                break
            attention = _split(prefix, names, shapes, heads, notes)
            used.update(names)
            if attention is not None:
                found.append(attention)
            break
    for name in shapes:
        if name not in used and _OTHER_FUSED.search(name):
            notes.append(f"{name}: a fused attention projection of a layout linlab does not split: circuits skipped")
    return found


def _prefix(name: str, suffix: str) -> str | None:
    if name == suffix:
        return ""
    return name[: -len(suffix) - 1] if name.endswith(f".{suffix}") else None


def _join(prefix: str, suffix: str) -> str:
    return f"{prefix}.{suffix}" if prefix else suffix


def _split(prefix: str, names: list[str], shapes: Mapping[str, tuple[int, ...]], heads: int,
           notes: list[str]) -> Attention | None:
    label = prefix or names[0]
    if len(names) == 2:  # fused [q; k; v] rows
        (qkv_out, d_model), (o_out, o_in) = shapes[names[0]], shapes[names[1]]
        if qkv_out % 3 or (qkv_out // 3) % heads or o_in != qkv_out // 3:
            notes.append(f"{label}: fused projection {shapes[names[0]]} and output {shapes[names[1]]} do not split "
                         f"into 3 × {heads} heads: circuits skipped")
            return None
        d_head = qkv_out // 3 // heads
        return Attention(prefix, names[0], names[0], names[0], names[1], True, heads, heads, d_head, d_model)
    (q_out, d_model), (k_out, k_in), (v_out, v_in), (o_out, o_in) = (shapes[n] for n in names)
    d_head = q_out // heads if q_out % heads == 0 else 0
    kv_heads = k_out // d_head if d_head and k_out % d_head == 0 else 0
    fits = (d_head and kv_heads and heads % kv_heads == 0 and v_out == k_out and k_in == v_in == d_model
            and o_in == q_out)
    if not fits:
        notes.append(f"{label}: projections {[shapes[n] for n in names]} do not split into {heads} heads: "
                     "circuits skipped")
        return None
    return Attention(prefix, *names, False, heads, kv_heads, d_head, d_model)


def factored_singular_values(X: Tensor, Y: Tensor) -> Tensor:
    """Singular values of ``X @ Yᵀ`` for stacks X ``(..., d, r)`` and Y ``(..., d', r)``, without forming it.

    Returns ``(..., min(d, d', r))`` descending, float64: the singular values of the core R_X R_Yᵀ
    (see the module docstring); the product's other singular values are 0.

    Examples
    --------
    >>> X, Y = torch.randn(5, 2, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    >>> torch.allclose(factored_singular_values(X, Y), torch.linalg.svdvals(X @ Y.T)[:2])
    True
    """
    R_x, R_y = _r(_numpy(X)), _r(_numpy(Y))  # (..., min(d, r), r), (..., min(d', r), r)
    return torch.from_numpy(_svdvals(R_x @ np.swapaxes(R_y, -1, -2)))  # core (..., min(d, r), min(d', r))


def head_spectra(attention: Attention, weights: Mapping[str, Tensor]) -> dict[str, tuple[int, Tensor]]:
    """Singular values of every head slice and circuit: ``{kind: (count, (count, k) float64)}``.

    ``weights`` maps the layer's map names to ``(out, in)`` tensors.  Kinds ``q``, ``o``, ``qk``, ``ov``
    have one row per head; ``k``, ``v`` one per key/value head.  Computed with numpy on one thread: for
    stacks of ``(d, d_head)`` matrices that is 25× faster than torch's thread pool on a busy machine.
    """
    H, G, dh = attention.n_heads, attention.n_kv_heads, attention.d_head
    if attention.fused:
        Wq, Wk, Wv = np.split(_numpy(weights[attention.q]), 3, axis=0)  # rows [q; k; v], each (H·dh, d)
    else:
        Wq, Wk, Wv = (_numpy(weights[n]) for n in (attention.q, attention.k, attention.v))
    Wo = _numpy(weights[attention.o])  # (d_out, H·dh)
    d_out = Wo.shape[0]
    # Each head slice, transposed to a tall (d, dh) stack so QR orthonormalises its dh vectors.
    Xq = Wq.reshape(H, dh, -1).transpose(0, 2, 1)  # (H, d, dh)
    Xk = Wk.reshape(G, dh, -1).transpose(0, 2, 1)  # (G, d, dh)
    Xv = Wv.reshape(G, dh, -1).transpose(0, 2, 1)  # (G, d, dh)
    Xo = Wo.reshape(d_out, H, dh).transpose(1, 0, 2)  # (H, d_out, dh)
    with _one_blas_thread():
        Rq, Rk, Rv, Ro = (_r(X) for X in (Xq, Xk, Xv, Xo))  # each (·, min(d, dh), dh)
        group = np.arange(H) // (H // G)  # the key/value head each query head reads
        spectra = {
            "q": (H, _svdvals(Rq)),
            "k": (G, _svdvals(Rk)),
            "v": (G, _svdvals(Rv)),
            "o": (H, _svdvals(Ro)),
            "qk": (H, _svdvals(Rq @ Rk[group].transpose(0, 2, 1))),  # W_Q,hᵀ W_K,h
            "ov": (H, _svdvals(Ro @ Rv[group].transpose(0, 2, 1))),  # W_O,h W_V,h
        }
    return {kind: (count, torch.from_numpy(sigma)) for kind, (count, sigma) in spectra.items()}


def _numpy(t: Tensor) -> np.ndarray:
    return t.detach().cpu().to(torch.float64).numpy()


def _r(X: np.ndarray) -> np.ndarray:
    return np.linalg.qr(X, mode="r")


def _svdvals(M: np.ndarray) -> np.ndarray:
    return np.linalg.svd(M, compute_uv=False)
