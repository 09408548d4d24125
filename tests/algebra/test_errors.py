"""Bad input gets a LinlabError that names what is wrong, and nothing else escapes."""

import numpy as np
import sympy
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linlab import DTypeError, LinearMap, LinlabError, NonFiniteError, ShapeError, Subspace


@pytest.mark.parametrize(
    "data, error, message",
    [
        ([[1, 2], [3]], ShapeError, r"matrix is ragged: matrix\[1\] has shape \(1,\) but matrix\[0\] has shape \(2,\)"),
        ([1, 2, 3], ShapeError, r"matrix must have 2 dimension\(s\), got shape \(3,\) \(1 dimensions\)"),
        (torch.zeros(2, 2, 2), ShapeError, r"got shape \(2, 2, 2\) \(3 dimensions\)"),
        (torch.zeros(0, 3), ShapeError, r"matrix has shape \(0, 3\): a linear map needs at least one row and one column"),
        ([], ShapeError, r"got shape \(0,\)"),
        ([[1.0, float("nan")], [0.0, 1.0]], NonFiniteError, r"matrix\[0, 1\] is nan \(1 non-finite entry in shape \(2, 2\)\)"),
        (np.array([[np.inf, -np.inf]]), NonFiniteError, r"matrix\[0, 0\] is inf \(2 non-finite entries"),
        (torch.ones(2, 2, dtype=torch.complex64), DTypeError, "complex dtype torch.complex64"),
        ([[1, "2"]], DTypeError, r"matrix\[0, 1\] is '2' \(str\); expected a real number"),
        ([[1, None]], DTypeError, r"matrix\[0, 1\] is None"),
        ([[1, 10**400]], NonFiniteError, r"matrix\[0, 1\] is too large for a float64 \(10000000000000000000…\)"),
        ([[True, 1]], DTypeError, r"matrix\[0, 0\] is True \(bool\)"),
        (np.array([["a"]]), DTypeError, "numpy dtype <U1; expected real numbers"),
        ("[[1, 2]]", DTypeError, "must be a torch tensor, a numpy array or nested lists of numbers, got str"),
    ],
)
def test_bad_matrices(data, error, message):
    with pytest.raises(error, match=message) as caught:
        LinearMap(data)
    assert isinstance(caught.value, LinlabError)


junk = st.recursive(
    st.one_of(
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=3),
        st.none(),
        st.booleans(),
        st.complex_numbers(),
    ),
    lambda children: st.lists(children, max_size=4),
    max_leaves=20,
)


@given(junk)
def test_anything_given_to_the_constructors_is_accepted_or_a_linlab_error(data):
    for build in (LinearMap, Subspace.span, Subspace):
        try:
            build(data)
        except LinlabError:
            pass


@given(st.lists(st.lists(st.integers(-(10**20), 10**20), min_size=2, max_size=2), min_size=1, max_size=3))
def test_huge_integers_fall_back_to_the_numerical_path(rows):
    A = LinearMap(rows)
    huge = any(abs(x) > 2**40 for row in rows for x in row)
    assert A.is_exact is not huge
    if huge:
        assert A.rank == np.linalg.matrix_rank(np.array(rows, dtype=float))
    else:  # exact: [[0, 1], [1, 47453133]] has rank 2 even though its float condition number is ~2e15
        assert A.rank == sympy.Matrix(rows).rank()


def test_sparse_tensors_and_lists_of_tensors_get_a_hint():
    sparse = torch.eye(3).to_sparse()
    with pytest.raises(DTypeError, match=r"matrix is a torch.sparse_coo tensor; pass matrix.to_dense\(\)"):
        LinearMap(sparse)
    with pytest.raises(DTypeError, match=r"vectors\[0\] is a Tensor inside a list; .*torch.stack\(vectors, dim=1\)"):
        Subspace.span([torch.ones(3), torch.zeros(3)])


def test_a_single_vector_spans_a_line():
    line = Subspace.span([1.0, 2.0, 2.0])
    assert line.dim == 1 and line == Subspace.span([[1.0], [2.0], [2.0]])
    with pytest.raises(ShapeError, match=r"vectors must have 1 or 2 dimension\(s\)"):
        Subspace.span(torch.zeros(2, 2, 2))
