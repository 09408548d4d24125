"""Rank, nullity and the tolerance policy against numpy and matrices of known rank."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linlab import LinearMap, LinlabError, Tolerance, numerical_rank

from .matrices import orthonormal, ranked_matrices, with_spectrum


@given(ranked_matrices())
def test_rank_is_the_prescribed_rank_and_rank_plus_nullity_is_dim_in(case):
    M, r = case
    A = LinearMap(M, exact=False)
    assert A.rank == r
    assert A.rank + A.nullity == A.dim_in
    assert A.rank == np.linalg.matrix_rank(M.numpy())


@given(ranked_matrices())
def test_singular_values_match_numpy(case):
    M, _ = case
    A = LinearMap(M)
    expected = np.linalg.svd(M.double().numpy(), compute_uv=False)
    tol = 1e-4 if M.dtype == torch.float32 else 1e-10
    np.testing.assert_allclose(A.singular_values.double().numpy(), expected, rtol=tol, atol=tol * expected.max(initial=0))
    assert A.singular_values.dtype == M.dtype


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (5, 3), (12, 12), (40, 7), (7, 40)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_zero_matrix_has_rank_zero_and_everything_in_its_kernel(shape, dtype):
    A = LinearMap(torch.zeros(shape, dtype=dtype))
    assert (A.rank, A.nullity) == (0, shape[1])
    assert A.kernel().dim == shape[1] and A.image().dim == 0
    assert not A.is_surjective and A.is_injective is False


@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6), (30, 30)])
def test_full_rank(shape):
    rng = np.random.default_rng(1)
    A = LinearMap(rng.standard_normal(shape))
    assert A.rank == min(shape)
    assert A.is_injective == (shape[0] >= shape[1])
    assert A.is_surjective == (shape[0] <= shape[1])
    assert A.is_isomorphism == (shape[0] == shape[1])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10), (30, 20)])
def test_near_tolerance_values_fall_on_the_documented_side(dtype, shape):
    """σ = 10·threshold counts, σ = threshold/10 does not, exactly as numpy decides."""
    m, n = shape
    eps = torch.finfo(dtype).eps
    threshold = max(m, n) * eps * 1.0  # σ_max = 1
    s = np.array([1.0, 0.5, 10 * threshold, threshold / 10])
    M = torch.from_numpy(with_spectrum(np.random.default_rng(7), m, n, s)).to(dtype)
    A = LinearMap(M, exact=False)
    assert A.rank == 3
    assert A.rank == np.linalg.matrix_rank(M.numpy())


def test_tolerances_can_be_overridden_per_map_and_per_call():
    s = np.array([5.0, 1.0, 1e-3, 1e-9])
    M = with_spectrum(np.random.default_rng(3), 6, 5, s)
    assert LinearMap(M).rank == 4
    assert LinearMap(M, atol=1e-6).rank == 3 == np.linalg.matrix_rank(M, tol=1e-6)
    assert LinearMap(M, rtol=1e-2).rank == 2 == np.linalg.matrix_rank(M, tol=5e-2)
    A = LinearMap(M)
    assert A.numerical_rank(atol=1e-2) == 2
    assert A.kernel(atol=1e-6).dim == 2 and A.image(atol=1e-6).dim == 3
    assert A.rank == 4  # the per-call tolerance did not change the map


def test_half_precision_runs_in_float32_with_its_own_epsilon():
    rng = np.random.default_rng(0)
    M = torch.from_numpy(orthonormal(rng, 8, 3) @ np.diag([3.0, 2.0, 1.0]) @ orthonormal(rng, 8, 3).T)
    for dtype in (torch.float16, torch.bfloat16):
        A = LinearMap(M.to(dtype))
        assert A.rank == 3, dtype
        assert A.singular_values.dtype == torch.float32
        assert A.kernel().dim == 5 and A.kernel().dtype == dtype


@given(st.lists(st.floats(0, 100), min_size=0, max_size=10), st.integers(1, 50), st.integers(1, 50))
def test_numerical_rank_is_a_count_above_the_threshold(values, m, n):
    s = torch.tensor(values, dtype=torch.float64)
    expected = sum(v > max(m, n) * torch.finfo(torch.float64).eps * max(values, default=0) for v in values)
    assert numerical_rank(s, (m, n), torch.float64) == expected


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_tolerances_are_rejected(bad):
    with pytest.raises(LinlabError, match="rtol must be a finite number"):
        Tolerance.resolve((2, 2), torch.float64, rtol=bad)
    with pytest.raises(LinlabError, match="atol must be a finite number"):
        LinearMap([[1.5, 0.1]], atol=bad)


def test_transpose_and_to_keep_a_custom_tolerance():
    M = with_spectrum(np.random.default_rng(4), 5, 7, np.array([2.0, 1.0, 1e-5]))
    A = LinearMap(M, atol=1e-3)
    assert A.rank == A.T.rank == A.to(torch.float32).rank == 2
    assert LinearMap(M).T.rank == 3
    # a default tolerance follows the dtype: float32 rounding noise must not count after .to()
    noisy = with_spectrum(np.random.default_rng(5), 8, 8, np.array([3.0, 2.0, 1.0]))
    assert LinearMap(noisy).to(torch.float32).rank == 3 == LinearMap(torch.from_numpy(noisy).float()).rank
