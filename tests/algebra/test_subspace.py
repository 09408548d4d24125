"""Subspaces against independent numpy/scipy computations."""

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given
from hypothesis import strategies as st

from linlab import LinlabError, ShapeError, Subspace

from .matrices import orthonormal


@st.composite
def spanning_sets(draw, max_dim=10):
    """(vectors (n, k) as float64 tensor, true dimension): k columns spanning an r-dimensional space."""
    n = draw(st.integers(1, max_dim))
    r = draw(st.integers(0, n))
    k = draw(st.integers(r, r + 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    mix = rng.standard_normal((r, k))  # (r, k): generic, so the k columns span all r dimensions
    return torch.from_numpy(orthonormal(rng, n, r) @ mix), r


@st.composite
def overlapping_pairs(draw, max_dim=10):
    """Two subspaces of R^n sharing exactly a c-dimensional subspace, and that common part."""
    n = draw(st.integers(1, max_dim))
    c = draw(st.integers(0, n))
    a = draw(st.integers(0, n - c))
    b = draw(st.integers(0, n - c - a))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Q = orthonormal(rng, n, c + a + b)  # independent directions: common | only in U | only in W
    common, only_u, only_w = Q[:, :c], Q[:, c : c + a], Q[:, c + a :]
    # hide the structure: random invertible mixing of each spanning set
    U = np.hstack([common, only_u]) @ _invertible(rng, c + a)
    W = np.hstack([common, only_w]) @ _invertible(rng, c + b)
    return Subspace.span(torch.from_numpy(U)), Subspace.span(torch.from_numpy(W)), Subspace.span(torch.from_numpy(common))


def _invertible(rng, k):
    return orthonormal(rng, k, k) @ np.diag(rng.uniform(0.5, 2.0, k)) if k else np.zeros((0, 0))


@given(spanning_sets())
def test_span_dimension_and_orthonormal_basis(case):
    V, r = case
    S = Subspace.span(V)
    assert S.dim == r == np.linalg.matrix_rank(V.numpy()) if V.shape[1] else S.dim == 0
    assert torch.allclose(S.basis.T @ S.basis, torch.eye(S.dim, dtype=torch.float64), atol=1e-12)
    assert bool(S.contains(V.T).all())


@given(spanning_sets())
def test_projector_is_the_least_squares_projection(case):
    V, _ = case
    S = Subspace.span(V)
    P = S.projector()
    torch.testing.assert_close(P @ P, P, atol=1e-12, rtol=0)
    torch.testing.assert_close(P, P.T, atol=1e-12, rtol=0)
    x = np.random.default_rng(0).standard_normal((4, S.ambient_dim))
    # independent: project by least squares on the original (non-orthonormal) spanning vectors
    coef, *_ = np.linalg.lstsq(V.numpy(), x.T, rcond=None)
    expected = (V.numpy() @ coef).T
    np.testing.assert_allclose(S.project(torch.from_numpy(x)).numpy(), expected, atol=1e-9)


@given(spanning_sets(), st.integers(0, 2**32 - 1))
def test_equality_ignores_the_choice_of_basis(case, seed):
    V, r = case
    rng = np.random.default_rng(seed)
    mixed = V.numpy() @ _invertible(rng, V.shape[1])
    assert Subspace.span(V) == Subspace.span(torch.from_numpy(mixed))
    if 0 < r < V.shape[0]:
        other = Subspace.span(torch.from_numpy(orthonormal(rng, V.shape[0], r)))
        assert Subspace.span(V) != other  # a random r-dimensional subspace is almost surely different


@given(spanning_sets())
def test_complement(case):
    V, _ = case
    S = Subspace.span(V)
    C = S.complement()
    assert C.dim == S.ambient_dim - S.dim
    if S.dim and C.dim:
        assert (S.basis.T @ C.basis).abs().max() < 1e-12
    assert C.complement() == S
    assert C + S == Subspace.full(S.ambient_dim)
    assert C.intersect(S).dim == 0


@given(overlapping_pairs())
def test_dimension_formula_for_sum_and_intersection(case):
    U, W, common = case
    total, meet = U + W, U.intersect(W)
    assert total.dim + meet.dim == U.dim + W.dim
    assert meet == common
    assert total == Subspace.span(torch.cat([U.basis, W.basis], dim=1))


@given(overlapping_pairs())
def test_intersection_against_scipy_null_space(case):
    U, W, _ = case
    if U.dim == 0 or W.dim == 0:
        return
    A, B = U.basis.numpy(), W.basis.numpy()
    null = scipy.linalg.null_space(np.hstack([A, -B]))  # (dim_u + dim_w, k)
    expected = A @ null[: A.shape[1]]
    assert U.intersect(W) == Subspace.span(torch.from_numpy(expected))


@given(overlapping_pairs())
def test_principal_angles_match_scipy(case):
    U, W, _ = case
    ours = U.angles(W).numpy()
    if U.dim == 0 or W.dim == 0:
        assert ours.shape == (0,)
        return
    expected = np.sort(scipy.linalg.subspace_angles(U.basis.numpy(), W.basis.numpy()))
    # scipy takes some near-zero angles from arccos, good to sqrt(eps) ≈ 1.5e-8 only
    np.testing.assert_allclose(ours, expected, atol=1e-7)
    assert np.all(np.diff(ours) >= -1e-12)  # ascending


def test_angles_of_known_planes_and_small_angles_are_accurate():
    t = 1e-9
    line = Subspace.span([[1.0], [0.0]])
    tilted = Subspace.span(torch.tensor([[np.cos(t)], [np.sin(t)]], dtype=torch.float64))
    assert abs(float(line.angles(tilted)[0]) - t) < 1e-20  # arccos alone would return 0 here
    plane = Subspace.span([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    other = Subspace.span([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])  # contains x, tilted 45° in (y, z)
    np.testing.assert_allclose(plane.angles(other).numpy(), [0.0, np.pi / 4], atol=1e-12)


def test_exact_subspace_operations_agree_with_the_float_path():
    U = Subspace.span([[1, 0], [1, 1], [0, 1], [2, 0]])
    W = Subspace.span([[1, 0], [2, 0], [1, 1], [2, 0]])
    U_f = Subspace.span(torch.tensor([[1, 0], [1, 1], [0, 1], [2, 0]], dtype=torch.float64), rtol=1e-12)
    W_f = Subspace.span(torch.tensor([[1, 0], [2, 0], [1, 1], [2, 0]], dtype=torch.float64), rtol=1e-12)
    assert U.integer_basis is not None and U_f.integer_basis is None
    assert U.complement() == U_f.complement()
    assert U + W == U_f + W_f
    assert U.intersect(W) == U_f.intersect(W_f)
    assert (U + W).dim + U.intersect(W).dim == 4


def test_contains_batches_and_zero_vector():
    S = Subspace.span([[1], [1], [1]])
    assert S.contains([0.0, 0.0, 0.0])
    assert S.contains(torch.tensor([[2.0, 2.0, 2.0], [1.0, 0.0, 0.0]])).tolist() == [True, False]
    assert Subspace.zero(3).contains([0, 0, 0]) and not Subspace.zero(3).contains([1, 0, 0])


def test_errors():
    with pytest.raises(ShapeError, match="R\\^3 and R\\^2"):
        Subspace.span([[1], [0], [0]]) + Subspace.span([[1], [0]])
    with pytest.raises(ShapeError, match="R\\^3 and R\\^2"):
        Subspace.span([[1], [0], [0]]).angles(Subspace.span([[1], [0]]))
    with pytest.raises(LinlabError, match="not orthonormal"):
        Subspace([[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ShapeError, match="3 orthonormal columns cannot fit in R\\^2"):
        Subspace(torch.zeros(2, 3))
    with pytest.raises(ShapeError, match="the last dimension must be 3"):
        Subspace.full(3).project([1.0, 2.0])
    with pytest.raises(TypeError):
        hash(Subspace.full(2))


def test_span_of_no_vectors_is_the_zero_subspace():
    Z = Subspace.span(torch.zeros(4, 0))
    assert Z.dim == 0 and Z.ambient_dim == 4
    assert Z.complement() == Subspace.full(4)
