"""Kerdock, Gold, dual-BCH and Delsarte–Goethals sign codes, re-derived and re-checked by brute force.

The forms are recomputed here with schoolbook GF(2^m) arithmetic, the vectors from the forms with
numpy bit counting, and the coherence from dense numpy Gram matrices or from the Walsh spectra
(numpy Hadamard products) of every difference of two forms.
"""

import itertools
import math

import numpy as np
import pytest
import torch

from linlab.algebra.packing import (
    PackingError,
    alternating_rank,
    delsarte_goethals_code,
    dual_bch_code,
    gold_code,
    kerdock_code,
)

from .test_packing_gf2m import clmul_mod


class Field:
    """GF(2^m) done slowly, independently of linlab.algebra.packing.gf2m."""

    def __init__(self, m, poly):
        self.m, self.poly = m, poly

    def mul(self, a, b):
        return clmul_mod(a, b, self.m, self.poly)

    def pow(self, a, k):
        out = 1
        for _ in range(k):
            out = self.mul(out, a)
        return out

    def trace(self, a):
        total, power = 0, a
        for _ in range(self.m):
            total ^= power
            power = self.mul(power, power)
        assert total in (0, 1)
        return total


def hadamard(m):
    x = np.arange(1 << m)
    return (-1.0) ** np.array([[bin(b & y).count("1") % 2 for y in x] for b in x])


def signs_to_vectors(tables, m):
    """(−1)^{Q(x) + b·x}/√d for every form and b, then the standard basis: shape (n·d + d, d)."""
    H = hadamard(m)
    d = 1 << m
    blocks = [H * (-1.0) ** table[None, :] for table in tables]
    return np.vstack(blocks + [np.sqrt(d) * np.eye(d)]) / np.sqrt(d)


def dense_coherence(V):
    G = np.abs(V @ V.T)
    np.fill_diagonal(G, 0)
    return G.max()


def max_walsh(tables, m):
    """max |normalised Walsh coefficient| over all given truth tables, shape (k, d)."""
    return np.abs((-1.0) ** np.asarray(tables) @ hadamard(m)).max() / (1 << m)


def kerdock_tables_by_hand(m, poly_n):
    n = m - 1
    F = Field(n, poly_n)
    tables = []
    for a in range(1 << n):
        row = []
        for x in range(1 << m):
            u, e = x >> 1, x & 1
            au = F.mul(a, u)
            s = 0
            for i in range(1, (n - 1) // 2 + 1):
                s ^= F.pow(au, 2**i + 1)
            row.append(F.trace(s) ^ (e & F.trace(au)))
        tables.append(row)
    return np.array(tables)


@pytest.mark.parametrize("m", [2, 4, 6])
def test_kerdock_is_d_d_plus_2_over_2_vectors_at_one_over_root_d(m):
    d = 1 << m
    code = kerdock_code(d)
    assert code.count == d * (d + 2) // 2 and code.n_forms == d // 2
    tables = code.forms(range(code.n_forms))
    assert np.array_equal(tables, kerdock_tables_by_hand(m, code._F.poly))
    V = code.rows(0, code.count).double().numpy()
    assert np.allclose(V, signs_to_vectors(tables, m), atol=1e-7)
    assert dense_coherence(V) == pytest.approx(1 / math.sqrt(d), abs=1e-6) == code.coherence
    # every difference of two forms is bent: rank m, all |Walsh| = 2^{−m/2}
    diffs = np.array([t ^ s for t, s in itertools.combinations(tables, 2)])
    assert {alternating_rank(t) for t in diffs} == {m}
    assert np.allclose(np.abs((-1.0) ** diffs @ hadamard(m)) / d, 2.0 ** (-m / 2))  # bent: a flat Walsh spectrum


@pytest.mark.parametrize("m", [8])
def test_kerdock_differences_are_bent_for_m_8(m):
    code = kerdock_code(1 << m)
    tables = code.forms(range(code.n_forms))
    diffs = np.array([t ^ s for t, s in itertools.combinations(tables, 2)])
    W = np.abs((-1.0) ** diffs @ hadamard(m)) / (1 << m)
    assert np.allclose(W, 2.0 ** (-m / 2))  # bent: a flat Walsh spectrum


def gold_tables_by_hand(m, poly, t=1):
    F = Field(m, poly)
    tables = []
    for q in range(1 << (m * t)):  # form q has a_j = digit j−1 of q in base 2^m
        coefficients = [(q >> (m * j)) & ((1 << m) - 1) for j in range(t)]
        row = []
        for x in range(1 << m):
            s = 0
            for j, a in enumerate(coefficients, start=1):
                s ^= F.mul(a, F.pow(x, 2**j + 1))
            row.append(F.trace(s))
        tables.append(row)
    return np.array(tables)


@pytest.mark.parametrize("m", [3, 5])
def test_gold_is_d_squared_plus_d_vectors_at_root_two_over_d(m):
    d = 1 << m
    code = gold_code(d)
    assert code.count == d * d + d
    tables = code.forms(range(code.n_forms))
    # the form numbered q has coefficient a = q (the digits are little-endian)
    assert np.array_equal(tables, gold_tables_by_hand(m, code._F.poly))
    V = code.rows(0, code.count).double().numpy()
    assert np.allclose(V, signs_to_vectors(tables, m), atol=1e-7)
    assert dense_coherence(V) == pytest.approx(math.sqrt(2 / d), abs=1e-6) == pytest.approx(code.coherence)


def test_gold_m7_by_walsh_spectra_of_all_differences():
    m, d = 7, 128
    code = gold_code(d)
    tables = code.forms(range(code.n_forms))
    assert np.array_equal(tables[:5], gold_tables_by_hand(m, code._F.poly)[:5])
    # the forms are a GF(2)-space (Tr is linear), so differences are the nonzero forms themselves
    for p, q in [(3, 77), (1, 2), (100, 127)]:
        assert np.array_equal(tables[p] ^ tables[q], tables[p ^ q])
    assert max_walsh(tables[1:], m) == pytest.approx(math.sqrt(2 / d))
    assert {alternating_rank(t) for t in tables[1:]} == {m - 1}
    rng = np.random.default_rng(0)
    idx = sorted(rng.choice(code.count, 1500, replace=False).tolist())
    assert dense_coherence(code.take(idx).double().numpy()) <= math.sqrt(2 / d) + 1e-6


@pytest.mark.parametrize("m, t", [(5, 2), (6, 2), (7, 2), (7, 3)])
def test_dual_bch_counts_and_rank_bound(m, t):
    d = 1 << m
    code = dual_bch_code(d, t)
    assert code.count == d ** (t + 1) + d
    rank = m - 2 * t + (m % 2)
    assert code.coherence == 2.0 ** (-rank / 2)
    tables = code.forms(range(code.n_forms)) if code.n_forms <= 4096 else None
    if tables is None:  # m = 7, t = 3: 2^21 forms; check a seeded sample of nonzero ones
        rng = np.random.default_rng(m)
        tables = code.forms(rng.integers(1, code.n_forms, 3000).tolist())
    else:
        tables = tables[1:]
    assert max_walsh(tables, m) <= code.coherence + 1e-12
    if m == 5:
        by_hand = gold_tables_by_hand(m, code._F.poly, t=2)
        assert np.array_equal(code.forms(range(code.n_forms)), by_hand)


def test_delsarte_goethals_m4_r1_by_brute_force():
    code = delsarte_goethals_code(16, 1)
    assert code.count == 2 ** (3 * 2) * 16 + 16 == 1040
    V = code.rows(0, code.count).double().numpy()
    assert np.allclose(V, signs_to_vectors(code.forms(range(code.n_forms)), 4), atol=1e-7)
    assert dense_coherence(V) == pytest.approx(0.5, abs=1e-6) == code.coherence


@pytest.mark.parametrize("m, r", [(6, 1), (6, 2), (8, 1)])
def test_delsarte_goethals_differences_have_rank_at_least_m_minus_2r(m, r):
    d, n = 1 << m, m - 1
    code = delsarte_goethals_code(d, r)
    assert code.n_forms == 2 ** ((m - 1) * (r + 1)) and code.coherence == 2.0**r / math.sqrt(d)
    kerdock = code.forms(range(1 << n))  # c = 0: the Kerdock forms K_a (digit 0 is a)
    extra = code.forms([c << n for c in range(1 << (n * r))] if n * r <= 10 else [c << n for c in range(1 << 10)])
    assert np.array_equal(kerdock, kerdock_code(d).forms(range(1 << n)))
    # the c-part is GF(2)-linear in c, so every difference is K_a + K_a' + E_c
    rng = np.random.default_rng(1)
    for c1, c2 in rng.integers(0, extra.shape[0], (20, 2)):
        assert np.array_equal(extra[c1] ^ extra[c2], extra[c1 ^ c2])
    pairs = list(itertools.combinations(range(1 << n), 2)) + [(0, 0)]
    if len(pairs) * extra.shape[0] > 40_000:  # a seeded sample of the pairs (a, a')
        pairs = [pairs[i] for i in rng.choice(len(pairs), 40_000 // extra.shape[0], replace=False)]
    diffs = np.array([kerdock[a] ^ kerdock[b] ^ e for a, b in pairs for e in extra if a != b or e.any()])
    W = np.abs((-1.0) ** diffs @ hadamard(m)) / d
    assert W.max() <= code.coherence + 1e-12
    # and on a sample of whole vectors, directly
    idx = sorted(set(rng.integers(0, code.count, 1200).tolist()))
    assert dense_coherence(code.take(idx).double().numpy()) <= code.coherence + 1e-6


def test_rank_and_walsh_agree():
    """A form of rank r has |Walsh| ∈ {0, 2^{−r/2}} (checked on every form of the DG(6, 2) sample)."""
    code = delsarte_goethals_code(64, 2)
    rng = np.random.default_rng(2)
    tables = code.forms(rng.integers(0, code.n_forms, 40).tolist())
    for table in tables:
        r = alternating_rank(table)
        W = np.unique(np.round(np.abs((-1.0) ** table @ hadamard(6)) / 64, 12))
        assert set(W) <= {0.0, round(2.0 ** (-r / 2), 12)}


def test_take_matches_rows_and_the_standard_basis_comes_last():
    code = delsarte_goethals_code(16, 1)
    idx = [0, 17, 500, 1023, 1024, 1039]
    assert torch.equal(code.take(idx), code.rows(0, code.count)[idx])
    assert torch.equal(code.rows(1024, 1040), torch.eye(16))
    with pytest.raises(PackingError, match="outside"):
        code.take([1040])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: kerdock_code(32), "needs d = 4\\^k"),
        (lambda: kerdock_code(48), "needs d = 2\\^m"),
        (lambda: gold_code(64), "m odd"),
        (lambda: dual_bch_code(32, 3), "t must be an integer in \\[1, 2\\]"),
        (lambda: delsarte_goethals_code(64, 3), "r must be an integer in \\[0, 2\\]"),
        (lambda: delsarte_goethals_code(1 << 16, 0), "d ≤ 2\\^14"),
    ],
)
def test_errors(call, message):
    with pytest.raises(PackingError, match=message):
        call()
