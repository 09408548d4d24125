"""Kernel and image against scipy.linalg.null_space / orth and the defining equations."""

import numpy as np
import scipy.linalg
import torch
from hypothesis import given

from linlab import LinearMap, Subspace

from .matrices import ranked_matrices


@given(ranked_matrices())
def test_kernel_is_annihilated_and_orthonormal(case):
    M, r = case
    A = LinearMap(M, exact=False)
    K = A.kernel()
    assert K.dim == A.nullity == M.shape[1] - r
    assert K.basis.shape == (M.shape[1], K.dim) and K.basis.dtype == M.dtype
    eps = torch.finfo(M.dtype).eps
    sigma_max = float(A.singular_values.max()) if A.rank else 1.0
    if K.dim:
        assert A(K.basis.T).abs().max().item() <= 100 * max(M.shape) * eps * sigma_max
    gram = K.basis.T.double() @ K.basis.double()
    assert torch.allclose(gram, torch.eye(K.dim, dtype=torch.float64), atol=100 * eps)


@given(ranked_matrices(dtypes=[torch.float64]))
def test_kernel_and_image_equal_scipy_null_space_and_orth(case):
    M, _ = case
    A = LinearMap(M, exact=False)
    a = M.numpy()
    assert A.kernel() == Subspace.span(torch.from_numpy(scipy.linalg.null_space(a)))
    assert A.image() == Subspace.span(torch.from_numpy(scipy.linalg.orth(a)))


@given(ranked_matrices(dtypes=[torch.float64]))
def test_kernel_is_the_complement_of_the_row_space(case):
    M, _ = case
    A = LinearMap(M, exact=False)
    assert A.kernel() == A.T.image().complement()
    assert A.image().dim == A.T.image().dim  # row rank = column rank


def test_image_of_a_map_contains_every_output():
    rng = np.random.default_rng(5)
    M = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 4))
    A = LinearMap(M)
    outputs = A(torch.from_numpy(rng.standard_normal((20, 4))))
    assert bool(A.image().contains(outputs).all())
    assert not A.image().contains(torch.from_numpy(scipy.linalg.null_space(M.T)[:, 0]))


def test_tall_and_wide_large_matrices_against_scipy():
    """Reduced SVD on a tall matrix, completion by QR on a wide one: both match scipy."""
    rng = np.random.default_rng(11)
    tall = rng.standard_normal((800, 5)) @ rng.standard_normal((5, 12))  # rank 5, 800 outputs
    for M in (tall, tall.T):
        A = LinearMap(M)
        assert A.rank == 5
        assert A.kernel() == Subspace.span(torch.from_numpy(scipy.linalg.null_space(M)))
        assert A.image() == Subspace.span(torch.from_numpy(scipy.linalg.orth(M)))
