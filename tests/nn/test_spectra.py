"""``batched_singular_values`` against numpy's SVD, on random shapes, ranks and conditioning."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linlab import NonFiniteError, ShapeError
from linlab.nn.spectra import SpectrumBatch, batched_singular_values


def _matrix(seed: int, m: int, n: int, rank: int, decay: float, dtype: torch.dtype) -> torch.Tensor:
    """U diag(σ) Vᵀ with σ_i = decay^i for i < rank, then zeros: condition number up to decay^-(rank-1)."""
    g = np.random.default_rng(seed)
    k = min(m, n, rank)
    U = np.linalg.qr(g.standard_normal((m, max(k, 1))))[0][:, :k]
    V = np.linalg.qr(g.standard_normal((n, max(k, 1))))[0][:, :k]
    sigma = 3.0 * decay ** np.arange(k)
    return torch.from_numpy((U * sigma) @ V.T).to(dtype)


def _policy_rank(s: np.ndarray, shape: tuple[int, int], dtype: torch.dtype) -> int:
    return int((s > max(shape) * torch.finfo(dtype).eps * s[0]).sum()) if s.size and s[0] > 0 else 0


@given(
    seeds=st.lists(st.integers(0, 2**16), min_size=1, max_size=5),
    m=st.integers(1, 30), n=st.integers(1, 30), rank=st.integers(0, 30),
    decay=st.sampled_from([1.0, 0.7, 0.3, 1e-3]),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_singular_values_and_ranks_are_numpys(seeds, m, n, rank, decay, dtype):
    matrices = [_matrix(s, m + i % 3, n, rank, decay, dtype) for i, s in enumerate(seeds)]  # mixed Gram sizes
    got = batched_singular_values(matrices)
    for matrix, sigma in zip(matrices, got, strict=True):
        expected = np.linalg.svd(matrix.double().numpy(), compute_uv=False)
        assert sigma.dtype == torch.float64 and sigma.shape == expected.shape
        top = expected[0] if expected.size else 0.0
        np.testing.assert_allclose(sigma.numpy(), expected, rtol=1e-4, atol=1e-13 * top)
        shape = tuple(matrix.shape)
        assert _policy_rank(sigma.numpy(), shape, dtype) == _policy_rank(expected, shape, dtype)


def test_only_matrices_in_doubt_go_through_a_float64_svd():
    well = _matrix(0, 20, 10, 10, 0.8, torch.float32)  # σ_min/σ_max = 0.13
    deficient = _matrix(1, 20, 10, 6, 0.8, torch.float32)  # four zero singular values
    tiny = _matrix(2, 10, 10, 10, 0.1, torch.float64)  # σ_min/σ_max = 1e-9: lost by the Gram path
    batch = SpectrumBatch()
    for key, matrix in (("well", well), ("deficient", deficient), ("tiny", tiny)):
        batch.add(key, matrix)
    results = batch.results()
    assert batch.rechecked == ["deficient", "tiny"]
    np.testing.assert_allclose(results["tiny"].numpy(), 3.0 * 0.1 ** np.arange(10), rtol=1e-6)
    assert _policy_rank(results["deficient"].numpy(), (20, 10), torch.float32) == 6


def test_a_singular_value_at_the_rank_threshold_is_decided_by_svd():
    m = n = 50
    cut = max(m, n) * torch.finfo(torch.float32).eps  # the policy's rtol for float32
    g = np.random.default_rng(0)
    U, V = np.linalg.qr(g.standard_normal((m, m)))[0], np.linalg.qr(g.standard_normal((n, n)))[0]
    sigma = np.linspace(1.0, 0.5, n)
    sigma[-1] = cut * 1.0000001  # just above the threshold: the Gram path alone cannot tell
    W = torch.from_numpy((U * sigma) @ V.T)
    batch = SpectrumBatch()
    batch.add("w", W, rtol=cut)
    assert _policy_rank(batch.results()["w"].numpy(), (m, n), torch.float32) == np.linalg.matrix_rank(
        W.numpy(), tol=cut * np.linalg.norm(W.numpy(), 2))
    assert batch.rechecked == ["w"]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_weights_are_read_exactly(dtype):
    W = torch.randn(12, 7).to(dtype)
    (sigma,) = batched_singular_values([W])
    np.testing.assert_allclose(sigma.numpy(), np.linalg.svd(W.double().numpy(), compute_uv=False), rtol=1e-9)


def test_empty_and_zero_matrices():
    empty, zero = batched_singular_values([torch.zeros(0, 4), torch.zeros(3, 5)])
    assert empty.shape == (0,) and torch.equal(zero, torch.zeros(3, dtype=torch.float64))


def test_bad_inputs_are_named():
    with pytest.raises(ShapeError, match=r"1: expected a matrix \(m, n\), got a 3-D tensor of shape \(2, 2, 2\)"):
        batched_singular_values([torch.ones(2, 2), torch.ones(2, 2, 2)])
    bad = torch.ones(3, 3)
    bad[1, 2] = float("nan")
    with pytest.raises(NonFiniteError, match=r"0: entry \(1, 2\) is nan"):
        batched_singular_values([bad])
    with pytest.raises(ShapeError, match=r"rtol has 1 entries but there are 2 matrices"):
        batched_singular_values([bad, bad], rtol=[1e-6])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_the_gpu_gives_the_cpus_spectra():
    matrices = [_matrix(s, 64, 32 + s, 30, 0.9, torch.float32) for s in range(6)]
    on_gpu = batched_singular_values(matrices, device="cuda")
    for a, b in zip(on_gpu, batched_singular_values(matrices), strict=True):
        assert a.device.type == "cpu"
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)
