"""The exact rational path: pivots instead of tolerances, integer bases, agreement with the float path."""

from fractions import Fraction

import numpy as np
import sympy
import pytest
import torch
from hypothesis import given

from linlab import LinearMap, LinlabError, Subspace
from linlab.algebra import exact

from .matrices import integer_matrices


def test_the_classic_rank_one_example_is_exact():
    A = LinearMap([[1, 2], [2, 4]])
    assert A.is_exact and A.rank == 1 and A.nullity == 1
    K = A.kernel()
    assert K.integer_basis == [[2, -1]]
    # the normalised exact direction, not an SVD vector carrying rounding error
    expected = torch.tensor([[2.0], [-1.0]], dtype=torch.float64) / 5**0.5
    assert torch.equal(K.basis, expected)
    assert A.image().integer_basis == [[1, 2]]


@given(integer_matrices())
def test_exact_and_float_paths_agree(rows):
    exact_map = LinearMap(rows)
    float_map = LinearMap(rows, exact=False)
    assert exact_map.is_exact and not float_map.is_exact
    assert exact_map.rank == float_map.rank == np.linalg.matrix_rank(np.array(rows, dtype=float))
    assert exact_map.kernel() == float_map.kernel()
    assert exact_map.image() == float_map.image()


@given(integer_matrices())
def test_exact_kernel_vectors_are_integer_solutions(rows):
    A = LinearMap(rows)
    M = np.array(rows, dtype=object)  # python ints: no rounding anywhere
    basis = A.kernel().integer_basis
    assert len(basis) == A.nullity == len(rows[0]) - A.rank
    for v in basis:
        assert all(x == 0 for x in M.dot(np.array(v, dtype=object)))
    # independent: the integer basis has full rank
    if basis:
        assert np.linalg.matrix_rank(np.array(basis, dtype=float)) == len(basis)


@given(integer_matrices())
def test_exact_image_basis_spans_the_column_space(rows):
    A = LinearMap(rows)
    basis = A.image().integer_basis
    M = np.array(rows, dtype=float)
    assert len(basis) == A.rank
    for v in basis:  # each basis vector is a column combination: appending it does not raise the rank
        assert np.linalg.matrix_rank(np.column_stack([M, v])) == A.rank


def test_fractions_and_dyadic_floats_are_exact_but_decimal_floats_are_not():
    third = LinearMap([[Fraction(1, 3), Fraction(2, 3)], [1, 2]])
    assert third.is_exact and third.rank == 1
    assert LinearMap([[0.5, 0.25], [1.0, 0.5]]).is_exact
    assert not LinearMap([[0.1, 0.2], [0.3, 0.4]]).is_exact
    assert not LinearMap(torch.ones(17, 17)).is_exact  # past the exact path's size limit
    assert LinearMap(torch.ones(17, 17)).rank == 1


def test_exact_option():
    assert not LinearMap([[1, 2], [2, 4]], exact=False).is_exact
    with pytest.raises(LinlabError, match="small rational"):
        LinearMap([[0.1, 0.2]], exact=True)
    with pytest.raises(LinlabError, match="at most 16×16"):
        LinearMap(torch.ones(20, 3), exact=True)
    with pytest.raises(LinlabError, match="cannot be combined"):
        LinearMap([[1, 2]], exact=True, rtol=1e-3)


def test_integer_tensors_and_arrays_take_the_exact_path_in_float64():
    for data in (torch.tensor([[1, 2], [2, 4]]), np.array([[1, 2], [2, 4]]), torch.tensor([[True, False]])):
        A = LinearMap(data)
        assert A.is_exact and A.dtype == torch.float64


def test_exact_results_follow_the_maps_dtype():
    A = LinearMap(torch.tensor([[1.0, 1.0, 0.0]], dtype=torch.float32))
    assert A.is_exact and A.kernel().dtype == torch.float32
    assert A.kernel() == Subspace.span(torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]))


def test_composition_and_transpose_keep_the_exact_path():
    A = LinearMap([[1, 2, 3], [2, 4, 6]])
    B = LinearMap([[1, 0], [0, 1], [1, 1]])
    assert (A @ B).is_exact and A.T.is_exact
    assert (A @ B).rank == 1 and A.T.rank == 1
    product = [[sum(a * b for a, b in zip(row, col)) for col in zip(*[[1, 0], [0, 1], [1, 1]])] for row in [[1, 2, 3], [2, 4, 6]]]
    assert (A @ B).matrix.tolist() == product


def test_rref_against_hand_computation():
    rows = [[Fraction(x) for x in r] for r in [[0, 2, 4], [1, 1, 1], [1, 2, 3]]]
    R, pivots = exact.rref(rows)
    assert pivots == [0, 1]
    assert R == [[1, 0, -1], [0, 1, 2], [0, 0, 0]]


def test_orthogonal_basis_is_orthogonal_and_spans_the_same_space():
    vectors = [[Fraction(x) for x in v] for v in [[1, 1, 0, 2], [1, 0, 1, 1], [2, 1, 1, 3], [0, 0, 1, 5]]]
    ortho = exact.orthogonal_basis(vectors)
    assert len(ortho) == 3  # the third vector is the sum of the first two
    for i, u in enumerate(ortho):
        for w in ortho[i + 1 :]:
            assert sum(a * b for a, b in zip(u, w)) == 0
    assert Subspace.span(np.array(ortho, dtype=float).T) == Subspace.span(np.array(vectors, dtype=float).T)


def test_large_integer_entries_stay_exact_and_finite():
    """16×16 with entries near 2^38: kernel integers run to ~170 digits, past float64's range when squared."""
    rng = np.random.default_rng(2)
    base = [[int(x) for x in rng.integers(-(2**38), 2**38, 16)] for _ in range(15)]
    rows = base + [[a + b for a, b in zip(base[0], base[1])]]
    A = LinearMap(rows)
    assert A.is_exact and A.rank == 15
    (v,) = A.kernel().integer_basis
    M = np.array(rows, dtype=object)
    assert all(x == 0 for x in M.dot(np.array(v, dtype=object)))
    assert bool(torch.isfinite(A.kernel().basis).all())
    assert A.kernel() == Subspace.span(torch.tensor([[float(x / max(map(abs, v)))] for x in v], dtype=torch.float64))


def test_a_rank_one_matrix_rounded_to_float32_is_not_taken_as_exact():
    # u v^T in float64 has rank 1; rounding to float32 gives entries like 42717.5586 (= 10935693/256)
    # that are exact binary fractions but only because of the rounding.  numpy's SVD says rank 1.
    u = np.array([1234.567, 89.1011, 2.5e3])
    v = np.array([34.6, 0.0711, 17.29])
    m32 = torch.tensor(np.outer(u, v), dtype=torch.float32)
    assert LinearMap(m32).rank == np.linalg.matrix_rank(m32.numpy()) == 1
    # small dyadic entries in float32 stay exact
    assert LinearMap(torch.tensor([[0.5, 1.0], [1.0, 2.0]], dtype=torch.float32)).is_exact


@given(integer_matrices())
def test_fraction_free_integer_rank_equals_the_pivot_count(rows):
    rows = [[int(x) for x in row] for row in rows]
    copy = [list(r) for r in rows]
    fractions = [[Fraction(x) for x in row] for row in rows]  # exact.rank works on Fractions
    assert exact.integer_rank(rows) == exact.rank(fractions) == sympy.Matrix(rows).rank()
    assert rows == copy  # the caller's rows are left alone
