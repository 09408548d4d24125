"""``batched_singular_values`` against numpy's SVD, on random shapes, ranks and conditioning; workers in parallel."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from threadpoolctl import threadpool_info

from linlab import LinlabError, NonFiniteError, ShapeError
from linlab.nn import spectra
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


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


@given(
    specs=st.lists(st.tuples(st.integers(0, 2**16), st.integers(1, 40), st.integers(1, 40), st.integers(0, 40),
                             st.sampled_from([1.0, 0.7, 1e-3, 1e-6])), min_size=1, max_size=8),
    workers=st.integers(2, 4),
)
def test_workers_in_parallel_give_the_sequential_results_bit_for_bit(specs, workers):
    matrices = [_matrix(seed, m, n, rank, decay, torch.float32) for seed, m, n, rank, decay in specs]
    results, rechecked = [], []
    for w in (1, workers):
        with SpectrumBatch(workers=w) as batch:
            for i, matrix in enumerate(matrices):
                batch.add(i, matrix)
            results.append(batch.results())
            rechecked.append(batch.rechecked)
    assert rechecked[0] == rechecked[1]  # the same matrices took the float64 SVD, reported in the order added
    for i, matrix in enumerate(matrices):
        assert torch.equal(results[0][i], results[1][i])
        expected = np.linalg.svd(matrix.double().numpy(), compute_uv=False)
        np.testing.assert_allclose(results[1][i].numpy(), expected, rtol=1e-4, atol=1e-13 * expected[0])


def test_ill_conditioned_and_rank_deficient_matrices_take_the_svd_in_parallel_too():
    matrices = {
        "well": _matrix(0, 60, 40, 40, 0.95, torch.float32),  # σ_min/σ_max = 0.14
        "deficient": _matrix(1, 40, 60, 25, 0.9, torch.float32),  # wide, 15 zero singular values
        "ill": _matrix(2, 50, 50, 50, 0.6, torch.float64),  # σ_min/σ_max = 1e-11
        "zero": torch.zeros(7, 9),
    }
    with SpectrumBatch(workers=3) as batch:
        for key, matrix in matrices.items():
            batch.add(key, matrix)
        found = batch.results()
    assert batch.rechecked == ["deficient", "ill"]
    for key, matrix in matrices.items():
        expected = np.linalg.svd(matrix.double().numpy(), compute_uv=False)
        np.testing.assert_allclose(found[key].numpy(), expected, rtol=1e-4, atol=1e-13 * max(expected[0], 1e-300))
        shape = tuple(matrix.shape)
        assert _policy_rank(found[key].numpy(), shape, matrix.dtype) == _policy_rank(expected, shape, matrix.dtype)


@pytest.mark.parametrize("shape", [(700, 40), (40, 700)])
def test_large_matrices_go_by_slabs_to_the_same_gram_matrix(monkeypatch, shape):
    monkeypatch.setattr(spectra, "_WHOLE_BYTES", 0)  # every matrix by slabs: 256 + 256 + 188 of the long side
    monkeypatch.setattr(spectra, "_SLAB_BYTES", 1)
    a = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    w = a.astype(np.float64)
    np.testing.assert_allclose(spectra._gram(a), w.T @ w if shape[0] > shape[1] else w @ w.T, rtol=1e-12, atol=1e-12)
    (sigma,) = batched_singular_values([torch.from_numpy(a)])
    np.testing.assert_allclose(sigma.numpy(), np.linalg.svd(w, compute_uv=False), rtol=1e-9)


def test_a_non_finite_matrix_is_named_in_the_order_added_and_the_batch_closes():
    before = _blas_threads()
    matrices = [torch.randn(30, 20) for _ in range(9)]
    matrices[4][3, 5] = float("inf")
    matrices[7][0, 0] = float("nan")
    batch = SpectrumBatch(workers=2)
    with pytest.raises(NonFiniteError, match=r"^4: entry \(3, 5\) is inf"):
        for i, matrix in enumerate(matrices):
            batch.add(i, matrix)
        batch.results()
    assert batch._pool is None and _blas_threads() == before


def test_numpys_blas_is_on_one_thread_inside_a_batch_and_restored_after():
    before = _blas_threads()
    with SpectrumBatch(workers=2) as batch:
        batch.add("w", torch.randn(5, 4))
        assert set(_blas_threads()) <= {1}
        batch.results()
        assert _blas_threads() == before


def test_the_lapack_called_directly_gives_numpys_eigvalsh_bit_for_bit():
    # The workers call LAPACKE_dsyevd through ctypes because numpy's eigvalsh holds the GIL.
    if spectra._lapacke_dsyevd() is None:
        pytest.skip("numpy's LAPACK exports no LAPACKE_dsyevd here: numpy's eigvalsh is used itself")
    a = np.random.default_rng(3).standard_normal((200, 60))
    gram = a.T @ a  # (60, 60), exactly symmetric (syrk)
    expected = np.linalg.eigvalsh(gram)
    assert np.array_equal(spectra._eigvalsh(gram.copy()), expected)


def test_without_the_direct_lapack_call_numpys_eigvalsh_gives_the_same_spectra(monkeypatch):
    matrices = [_matrix(s, 40, 30, 30, 0.9, torch.float32) for s in range(4)]
    direct = batched_singular_values(matrices, workers=2)
    monkeypatch.setattr(spectra, "_lapacke_dsyevd", lambda: None)
    for a, b in zip(batched_singular_values(matrices, workers=2), direct, strict=True):
        assert torch.equal(a, b)


def test_an_eigenvalue_problem_lapack_cannot_solve_goes_to_the_svd(monkeypatch):
    monkeypatch.setattr(spectra, "_eigvalsh", lambda gram: None)  # as if dsyevd reported no convergence
    W = _matrix(5, 30, 20, 20, 0.9, torch.float64)
    with SpectrumBatch(workers=2) as batch:
        batch.add("w", W)
        found = batch.results()
    assert batch.rechecked == ["w"]
    np.testing.assert_allclose(found["w"].numpy(), np.linalg.svd(W.numpy(), compute_uv=False), rtol=1e-12)


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_workers_must_be_a_positive_integer(workers):
    with pytest.raises(LinlabError, match=f"workers must be a positive integer, got {workers!r}"):
        SpectrumBatch(workers=workers)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_the_gpu_gives_the_cpus_spectra():
    matrices = [_matrix(s, 64, 32 + s, 30, 0.9, torch.float32) for s in range(6)]
    on_gpu = batched_singular_values(matrices, device="cuda")
    for a, b in zip(on_gpu, batched_singular_values(matrices), strict=True):
        assert a.device.type == "cpu"
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)
