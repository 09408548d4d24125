"""Seeded exact random matrices, checked against numpy and sympy."""

from __future__ import annotations

import ast
import itertools
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from linlab.course import randmat
from linlab.errors import DTypeError, LinlabError, ShapeError

seeds = st.integers(0, 2**32)


@st.composite
def shapes(draw, max_dim=6):
    m, n = draw(st.integers(1, max_dim)), draw(st.integers(1, max_dim))
    return m, n, draw(st.integers(0, min(m, n)))


@given(shapes(), seeds)
def test_with_rank_has_the_rank_small_entries_and_a_small_integer_kernel(shape, seed):
    m, n, r = shape
    A = randmat.with_rank(random.Random(seed), m, n, rank=r, entries=9, kernel_entries=2)
    assert len(A) == m and all(len(row) == n for row in A)
    assert all(type(x) is int and abs(x) <= 9 for row in A for x in row)
    assert np.linalg.matrix_rank(np.array(A, dtype=float)) == r == randmat.rank(A)
    if r:
        assert all(any(row[j] for row in A) for j in range(n))  # no zero column
    K = randmat.kernel_basis(A)
    assert len(K) == n - r
    for v in K:
        assert max(abs(x) for x in v) <= 2
        assert all(x == 0 for x in np.array(A, dtype=object).dot(np.array(v, dtype=object)))
    assert A == randmat.with_rank(random.Random(seed), m, n, rank=r, entries=9, kernel_entries=2)


@given(st.integers(1, 6), seeds)
def test_unimodular_has_determinant_one_in_size_and_an_integer_inverse(n, seed):
    U = randmat.unimodular(random.Random(seed), n)
    assert all(abs(x) <= 3 for row in U for x in row)
    assert abs(sympy.Matrix(U).det()) == 1 == abs(randmat.det(U))
    inv = randmat.inverse(U)
    assert all(type(x) is int for row in inv for x in row)
    assert sympy.Matrix(inv) == sympy.Matrix(U).inv()
    if n > 1:
        assert sum(x != 0 for row in U for x in row) > n  # not a signed permutation


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=4), seeds)
def test_with_eigenvalues_gives_integer_eigenvectors(lams, seed):
    A, P = randmat.with_eigenvalues(random.Random(seed), lams, entries=40)
    M = np.array(A, dtype=object)
    for j, lam in enumerate(lams):
        v = np.array([row[j] for row in P], dtype=object)
        assert (M.dot(v) == lam * v).all()
    assert sorted(sympy.Matrix(A).eigenvals(multiple=True)) == sorted(lams)


small = st.integers(-4, 4)


@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_exact_helpers_agree_with_sympy(m, n, data):
    A = data.draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=m, max_size=m))
    S = sympy.Matrix(A)
    assert randmat.rank(A) == S.rank()
    R, pivots = randmat.rref(A)
    S_R, S_p = S.rref()
    assert sympy.Matrix(R) == S_R and tuple(pivots) == S_p
    assert len(randmat.image_basis(A)) == S.rank()
    assert randmat.transpose(A) == S.T.tolist()
    B = data.draw(st.lists(st.lists(small, min_size=2, max_size=2), min_size=n, max_size=n))
    assert randmat.matmul(A, B) == (S * sympy.Matrix(B)).tolist()
    assert randmat.matmul(A, [[Fraction(x, 2) for x in row] for row in B]) == (S * sympy.Matrix(B) / 2).tolist()
    if m == n:
        assert randmat.det(A) == S.det()
        if S.det() != 0:
            assert sympy.Matrix(randmat.inverse(A)) == S.inv()
        else:
            with pytest.raises(ShapeError, match="singular"):
                randmat.inverse(A)


def test_bad_arguments_are_named():
    rng = random.Random(0)
    with pytest.raises(ShapeError, match="rank must be an int from 0 to min"):
        randmat.with_rank(rng, 2, 3, rank=3)
    with pytest.raises(DTypeError, match="rng must be a random.Random"):
        randmat.with_rank(1, 2, 3, rank=1)  # type: ignore[arg-type]
    with pytest.raises(ShapeError, match="m must be an int from 1 to 20"):
        randmat.with_rank(rng, 0, 3, rank=0)
    with pytest.raises(DTypeError, match=r"A\[0\]\[1\] must be an int or a Fraction"):
        randmat.rank([[1, 2.5]])
    with pytest.raises(ShapeError, match="rows of one non-zero length"):
        randmat.rank([[1, 2], [3]])
    with pytest.raises(ShapeError, match="A @ B needs"):
        randmat.matmul([[1, 2]], [[1, 2]])
    with pytest.raises(ShapeError, match="square"):
        randmat.det([[1, 2]])


def test_vector_is_nonzero_and_seeded():
    for seed in range(50):
        v = randmat.vector(random.Random(seed), 3, entries=1)
        assert any(v) and all(abs(x) <= 1 for x in v)
        assert v == randmat.vector(random.Random(seed), 3, entries=1)


# --------------------------------------------------------------------------------------------- bounded retries


@given(seeds, st.integers(2, 40))
def test_attempts_draws_exactly_what_an_unbounded_loop_draws(seed, modulus):
    def unbounded(rng):
        while True:
            n = rng.randrange(1000)
            if n % modulus == 0:
                return n, rng.random()

    def bounded(rng):
        for _ in randmat.attempts("test"):
            n = rng.randrange(1000)
            if n % modulus == 0:
                return n, rng.random()

    assert bounded(random.Random(seed)) == unbounded(random.Random(seed))


def test_attempts_gives_up_after_its_limit_with_the_name_of_the_generator():
    rng = random.Random(0)
    count = 0
    with pytest.raises(randmat.GenerationError, match=r"^my-exercise: no acceptable draw in 1000 tries"):
        for _ in randmat.attempts("my-exercise"):
            count += 1
            rng.random()
    assert count == randmat.MAX_TRIES == 1000
    err = randmat.GenerationError("x")
    assert isinstance(err, RuntimeError) and isinstance(err, LinlabError)
    assert list(itertools.islice(randmat.attempts("three", limit=3), 3)) == [0, 1, 2]
    with pytest.raises(randmat.GenerationError, match="three: no acceptable draw in 3 tries"):
        list(randmat.attempts("three", limit=3))
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ShapeError, match="limit must be a positive int"):
            next(randmat.attempts("x", limit=bad))  # type: ignore[arg-type]


def test_a_vector_that_cannot_be_non_zero_is_refused_at_once():
    rng = random.Random(0)
    with pytest.raises(ShapeError, match="entries must be an int >= 1 for a non-zero vector, got 0"):
        randmat.vector(rng, 3, entries=0)
    with pytest.raises(ShapeError, match="entries must be an int >= 0, got -1"):
        randmat.vector(rng, 3, entries=-1, nonzero=False)
    assert randmat.vector(rng, 3, entries=0, nonzero=False) == [0, 0, 0]


LESSON_FILES = sorted((Path(__file__).resolve().parents[2] / "content" / "lessons").glob("*/exercises.py"))


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.parent.name)
def test_lesson_generators_have_no_unbounded_loops(path):
    """Every rejection loop of a generator goes through randmat.attempts, so none can hang."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    loops = [node for node in ast.walk(tree) if isinstance(node, ast.While)]
    assert not loops, f"{path.parent.name}: while loops at lines {[n.lineno for n in loops]}; use randmat.attempts"
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name):
            # a retry written as "for _ in range(N)" falls through silently when it runs out
            if node.iter.func.id == "range" and isinstance(node.target, ast.Name) and node.target.id == "_":
                body_breaks = any(isinstance(n, (ast.Break, ast.Return)) for n in ast.walk(node))
                assert not body_breaks, f"{path.parent.name} line {node.lineno}: a retry loop over range(); use randmat.attempts"


# --------------------------------------------------------------------------------------------- vector helpers

exact_entries = st.one_of(small, st.fractions(min_value=-3, max_value=3, max_denominator=4))


@given(st.integers(1, 6).flatmap(lambda n: st.tuples(st.lists(exact_entries, min_size=n, max_size=n),
                                                     st.lists(exact_entries, min_size=n, max_size=n))))
def test_dot_and_parallel_agree_with_sympy(uv):
    u, v = uv
    d = randmat.dot(u, v)
    assert d == (sympy.Matrix([u]) * sympy.Matrix(v))[0]
    assert type(d) is int or Fraction(d).denominator != 1
    assert randmat.parallel(u, v) == (sympy.Matrix([u, v]).rank() <= 1) == randmat.parallel(v, u)
    c = Fraction(-3, 2)
    assert randmat.parallel(u, [c * x for x in u])


def test_dot_of_integer_vectors_is_an_int():
    assert randmat.dot([1, 2, 3], [4, 5, 6]) == 32 and type(randmat.dot([1, 2], [3, 4])) is int


@given(st.integers(1, 5), st.integers(1, 6), st.data())
def test_free_variable_basis_is_sympys_nullspace(m, n, data):
    A = data.draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=m, max_size=m))
    R, pivots = randmat.rref(A)
    B = randmat.free_variable_basis(R, pivots)
    assert B == [list(v) for v in sympy.Matrix(A).nullspace()]  # free variable 1, the others 0
    if pivots:
        assert B == randmat.free_variable_basis(R[: len(pivots)], pivots)  # zero rows make no difference
    for v in B:
        assert randmat.matvec(A, v) == [0] * m


def test_free_variable_basis_refuses_bad_pivots():
    R, pivots = randmat.rref([[1, 2, 3], [0, 0, 1]])
    assert pivots == [0, 2] and randmat.free_variable_basis(R, pivots) == [[-2, 1, 0]]
    for bad in ([2, 0], [0, 3], [0, 0], [0, 1, 2], "02", [True]):
        with pytest.raises(ShapeError, match="pivots must be an increasing list of at most 2 column indices"):
            randmat.free_variable_basis(R, bad)  # type: ignore[arg-type]


@given(st.lists(st.lists(exact_entries, min_size=3, max_size=3), min_size=1, max_size=3))
def test_as_exact_keeps_values_and_makes_integral_entries_ints(A):
    rows = randmat.as_exact_rows(A)
    assert rows == A and rows == [randmat.as_exact(row) for row in A]
    for row in rows:
        for x in row:
            assert (type(x) is int) == (Fraction(x).denominator == 1)
    assert randmat.as_exact([]) == []


def test_vector_helpers_name_bad_arguments():
    with pytest.raises(ShapeError, match="u and v must have the same length, got 2 and 3"):
        randmat.dot([1, 2], [1, 2, 3])
    with pytest.raises(ShapeError, match="u must be a non-empty list of numbers"):
        randmat.parallel([], [])
    with pytest.raises(DTypeError, match=r"v\[1\] must be an int or a Fraction, got float 0.5"):
        randmat.parallel([1, 2], [1, 0.5])  # type: ignore[list-item]
    with pytest.raises(DTypeError, match=r"v\[0\] must be an int or a Fraction, got bool"):
        randmat.as_exact([True])
    with pytest.raises(DTypeError, match=r"A\[0\]\[0\] must be an int or a Fraction, got float"):
        randmat.as_exact_rows([[1.0]])  # type: ignore[list-item]
