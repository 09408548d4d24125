"""Matrices with a known rank, and hypothesis strategies that draw them."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

DTYPES = [torch.float32, torch.float64]


def orthonormal(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """k orthonormal columns in R^n, shape (n, k)."""
    q, _ = np.linalg.qr(rng.standard_normal((n, max(k, 1))))
    return q[:, :k]


def with_spectrum(rng: np.random.Generator, m: int, n: int, singular_values: np.ndarray) -> np.ndarray:
    """U diag(s) Vᵀ with random orthonormal U (m, k), V (n, k): exactly these singular values."""
    k = len(singular_values)
    return orthonormal(rng, m, k) @ np.diag(singular_values) @ orthonormal(rng, n, k).T


@st.composite
def ranked_matrices(draw, max_dim: int = 12, dtypes=DTYPES):
    """(matrix tensor, rank) with well separated non-zero singular values in [1, 10]."""
    m = draw(st.integers(1, max_dim))
    n = draw(st.integers(1, max_dim))
    r = draw(st.integers(0, min(m, n)))
    dtype = draw(st.sampled_from(dtypes))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e4]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    s = rng.uniform(1.0, 10.0, size=r) * scale
    return torch.from_numpy(with_spectrum(rng, m, n, s)).to(dtype), r


@st.composite
def integer_matrices(draw, max_dim: int = 7, max_entry: int = 4):
    """Small integer matrices of low rank: products of two integer factors (lists of lists)."""
    m = draw(st.integers(1, max_dim))
    n = draw(st.integers(1, max_dim))
    r = draw(st.integers(0, min(m, n)))
    entries = st.integers(-max_entry, max_entry)
    left = np.array(draw(st.lists(st.lists(entries, min_size=r, max_size=r), min_size=m, max_size=m)), dtype=np.int64)
    right = np.array(draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=r, max_size=r)), dtype=np.int64)
    product = left.reshape(m, r) @ right.reshape(r, n)
    return product.tolist()
