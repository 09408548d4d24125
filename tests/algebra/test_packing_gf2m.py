"""GF(2^m): field axioms (hypothesis) and agreement with schoolbook carry-less multiplication."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linlab.algebra.packing import GF2m, PRIMITIVE_POLYNOMIALS, PackingError
from linlab.algebra.packing.gf2m import parity

MS = sorted(PRIMITIVE_POLYNOMIALS)


def clmul_mod(a, b, m, poly):
    """a·b in GF(2)[x]/(poly), bit by bit: shift-and-xor, then reduce."""
    product = 0
    for i in range(m):
        if b >> i & 1:
            product ^= a << i
    for i in range(2 * m - 2, m - 1, -1):
        if product >> i & 1:
            product ^= poly << (i - m)
    return product


@st.composite
def field_elements(draw, n=3):
    m = draw(st.sampled_from(MS))
    return GF2m(m), [draw(st.integers(0, (1 << m) - 1)) for _ in range(n)]


@given(field_elements())
def test_field_axioms(case):
    F, (a, b, c) = case
    a, b, c = np.int64(a), np.int64(b), np.int64(c)
    assert F.mul(a, b) == F.mul(b, a)
    assert F.mul(F.mul(a, b), c) == F.mul(a, F.mul(b, c))
    assert F.mul(a, F.add(b, c)) == F.add(F.mul(a, b), F.mul(a, c))
    assert F.mul(a, 1) == a and F.mul(a, 0) == 0 and F.add(a, a) == 0
    if a:
        assert F.mul(a, F.inv(a)) == 1
        assert F.pow(a, F.order) == 1  # Lagrange: the multiplicative group has order 2^m − 1
    assert F.pow(F.add(a, b), 2) == F.add(F.pow(a, 2), F.pow(b, 2))  # Frobenius is additive


@given(field_elements())
def test_multiplication_matches_carry_less_multiplication(case):
    F, (a, b, _) = case
    assert int(F.mul(a, b)) == clmul_mod(a, b, F.m, F.poly)


@given(field_elements(), st.integers(0, 40))
def test_pow_is_repeated_multiplication(case, k):
    F, (a, _, _) = case
    expected = 1
    for _ in range(k):
        expected = clmul_mod(expected, a, F.m, F.poly)
    assert int(F.pow(a, k)) == expected


@pytest.mark.parametrize("m", MS)
def test_every_table_polynomial_is_primitive_and_trace_is_balanced_linear(m):
    F = GF2m(m)
    assert sorted(F.exp[: F.order].tolist()) == list(range(1, F.q))  # α generates all nonzero elements
    assert F.poly >> m == 1
    if m <= 12:
        x = np.arange(F.q)
        t = F.trace(x)
        assert set(np.unique(t)) <= {0, 1} and t.sum() == F.q // 2  # Tr is onto GF(2): balanced
        rng = np.random.default_rng(m)
        a, b = rng.integers(0, F.q, 200), rng.integers(0, F.q, 200)
        assert np.array_equal(F.trace(a ^ b), F.trace(a) ^ F.trace(b))
        assert np.array_equal(F.trace(F.pow(a, 2)), F.trace(a))


def test_vectorised_and_broadcast():
    F = GF2m(4)
    a = np.arange(16)
    table = F.mul(a[:, None], a[None, :])
    assert table.shape == (16, 16)
    assert all(table[i, j] == clmul_mod(i, j, 4, F.poly) for i in range(16) for j in range(16))


def test_parity():
    x = np.random.default_rng(0).integers(0, 1 << 31, 1000)
    assert np.array_equal(parity(x), [bin(int(v)).count("1") % 2 for v in x])


def test_errors():
    with pytest.raises(PackingError, match="m must be an integer in 1..16"):
        GF2m(17)
    with pytest.raises(PackingError, match="0 has no inverse"):
        GF2m(3).inv(np.array([1, 0]))
