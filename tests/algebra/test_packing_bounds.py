"""The packing bounds against closed forms, tight configurations, Delsarte's LP (scipy) and constructions."""

import math

import numpy as np
import pytest
import scipy.optimize
import scipy.special
from hypothesis import given
from hypothesis import strategies as st

from linlab import LinlabError
from linlab.algebra.packing import (
    PackingError,
    best_upper_bound,
    gerzon_bound,
    levenshtein_bound,
    log10_lower_bound,
    lower_bound,
    welch_bound,
)

dims = st.integers(2, 3000)
epsilons = st.floats(0.0, 0.999, allow_nan=False)


@given(dims)
def test_welch_and_levenshtein_equal_d_at_eps_zero(d):
    assert welch_bound(d, 0.0) == d
    assert levenshtein_bound(d, 0.0) == pytest.approx(d, rel=1e-9)
    assert best_upper_bound(d, 0.0) == pytest.approx(d, rel=1e-9)


@given(dims, st.floats(0.0, 1.0))
def test_welch_is_the_gram_matrix_inequality(d, fraction):
    """N ≤ d(1−a)/(1−da) is exactly the largest N with N²/d ≤ N + N(N−1)a (‖G‖_F² two ways)."""
    a = fraction / d * 0.999
    bound = welch_bound(d, math.sqrt(a))
    assert bound == pytest.approx(d * (1 - a) / (1 - d * a), rel=1e-12)
    assert bound**2 / d == pytest.approx(bound + bound * (bound - 1) * a, rel=1e-9)
    assert welch_bound(d, math.sqrt(1.0 / d) * 1.0001) == math.inf


@given(dims, st.floats(0.0, 1.0))
def test_levenshtein_matches_its_closed_forms_in_their_ranges(d, u):
    """τ = 1 for ε² ≤ 1/(d+2) (the Welch bound), τ = 2 for 1/(d+2) ≤ ε² ≤ 3/(d+4)."""
    a1 = u / (d + 2)
    assert levenshtein_bound(d, math.sqrt(a1)) == pytest.approx(d * (1 - a1) / (1 - d * a1), rel=1e-7)
    a2 = 1 / (d + 2) + u * (3 / (d + 4) - 1 / (d + 2))
    assert levenshtein_bound(d, math.sqrt(a2)) == pytest.approx(d * (d + 2) * (1 - a2) / (3 - (d + 2) * a2), rel=1e-7)


@pytest.mark.parametrize(
    "d, eps, lines",
    [
        (2, 0.5, 3),  # three lines at 60°
        (3, 1 / math.sqrt(5), 6),  # the icosahedron's diagonals
        (7, 1 / 3, 28),  # 28 equiangular lines from E7
        (8, 0.5, 120),  # the 240 roots of E8
        (23, 0.2, 276),  # 276 equiangular lines from the Leech lattice
        (24, 0.5, 98280),  # the Leech lattice's 196560 minimal vectors
        (16, 0.25, 16 * 18 // 2),  # mutually unbiased bases d(d+2)/2 = Kerdock
        (256, 1 / 16, 256 * 258 // 2),
    ],
)
def test_levenshtein_is_attained_by_the_classical_tight_sets(d, eps, lines):
    assert levenshtein_bound(d, eps) == pytest.approx(lines, rel=1e-8)


def test_levenshtein_equals_the_kerdock_count_at_one_over_root_d():
    for k in range(1, 7):
        d = 4**k
        assert levenshtein_bound(d, 1 / math.sqrt(d)) == pytest.approx(d * (d + 2) / 2, rel=1e-9)


def _delsarte_lp(d, eps, degree, grid=2000):
    """min f(1)/f_0 over f = 1 + Σ_{k≤degree} c_k P_k^{((d−3)/2, −1/2)}(t), c_k ≥ 0, f ≤ 0 on a grid of [−1, 2ε²−1]."""
    alpha, beta = (d - 3) / 2, -0.5
    s = 2 * eps * eps - 1
    t = np.linspace(-1, s, grid)
    ks = range(1, degree + 1)
    A = np.array([[scipy.special.eval_jacobi(k, alpha, beta, x) for k in ks] for x in t])
    cost = np.array([scipy.special.eval_jacobi(k, alpha, beta, 1.0) for k in ks])
    result = scipy.optimize.linprog(cost, A_ub=A, b_ub=-np.ones(len(t)), bounds=[(0, None)] * degree, method="highs")
    assert result.status == 0
    return 1 + result.fun


@pytest.mark.parametrize("d, eps", [(3, 0.3), (4, 0.6), (5, 0.5), (6, 0.4), (8, 0.35), (10, 0.45), (12, 0.3)])
def test_levenshtein_is_never_below_delsartes_linear_programme(d, eps):
    """Levenshtein's polynomial is one feasible point of Delsarte's LP: the LP optimum (on a grid, so
    slightly optimistic) cannot exceed it, and for these small d it is close to it."""
    lp = _delsarte_lp(d, eps, degree=10)
    L = levenshtein_bound(d, eps)
    assert lp <= L * (1 + 1e-6)
    assert L <= 1.6 * lp


def _levenshtein_by_hand(d, eps, max_k=6):
    """Levenshtein's bound recomputed independently in 100-digit arithmetic (mpmath).

    Orthonormal polynomials by Gram–Schmidt on the exact moments of x = cos² ~ Beta(1/2, (d−1)/2) (the
    projective space's measure) and of the adjacent weights (1−x)·w and x(1−x)·w; for each degree the
    candidate f(x) = (x − ε²)·K(x, ε²)² or x·(x − ε²)·K(x, ε²)²; keep those whose expansion in the
    base polynomials is nonnegative (so f is feasible in Delsarte's LP) and return the smallest f(1)/f_0.
    """
    import mpmath as mp

    with mp.workdps(100):
        a = mp.mpf(eps) ** 2
        p0, q0 = mp.mpf(1) / 2, mp.mpf(d - 1) / 2

        def moments(p, q, n):
            out = [mp.mpf(1)]
            for j in range(1, n):
                out.append(out[-1] * (p + j - 1) / (p + q + j - 1))
            return out

        def mul(u, v):
            out = [mp.mpf(0)] * (len(u) + len(v) - 1)
            for i, x in enumerate(u):
                for j, y in enumerate(v):
                    out[i + j] += x * y
            return out

        def orthonormal(p, q, k):
            mo, basis = moments(p, q, 2 * k + 2), []
            for i in range(k):
                v = [mp.mpf(0)] * i + [mp.mpf(1)]
                for u in basis:
                    ip = sum(c * m for c, m in zip(mul(v, u), mo))
                    v = [(v[j] if j < len(v) else 0) - ip * (u[j] if j < len(u) else 0) for j in range(max(len(v), len(u)))]
                norm = mp.sqrt(sum(c * m for c, m in zip(mul(v, v), mo)))
                basis.append([c / norm for c in v])
            return basis

        def at(u, x):
            return sum(c * x**i for i, c in enumerate(u))

        base = orthonormal(p0, q0, 2 * max_k + 2)
        mo = moments(p0, q0, 4 * max_k + 4)
        best = mp.inf
        for k in range(1, max_k + 1):
            for even in (False, True):
                adjacent = orthonormal(p0 + even, q0 + 1, k)
                K = [mp.fsum(at(u, a) * (u[j] if j < len(u) else 0) for u in adjacent) for j in range(k)]
                f = mul(mul([-a, 1], K), K)
                if even:
                    f = mul([0, 1], f)
                coefficients = [sum(c * m for c, m in zip(mul(f, u), mo)) for u in base[: len(f)]]
                if all(c >= -mp.mpf(10) ** -60 * abs(coefficients[0]) for c in coefficients) and coefficients[0] > 0:
                    best = min(best, at(f, 1) / coefficients[0])
        return float(best)


@pytest.mark.parametrize("d, eps", [(5, 0.5), (10, 0.6), (20, 0.5), (30, 0.7), (50, 0.4)])
def test_levenshtein_matches_an_independent_high_precision_computation(d, eps):
    assert levenshtein_bound(d, eps) == pytest.approx(_levenshtein_by_hand(d, eps), rel=1e-10)


moderate = st.floats(0.0, 0.95, allow_nan=False)  # keeps Levenshtein's degree (and the test) small


@given(st.integers(2, 200), moderate, moderate)
def test_upper_bounds_grow_with_eps(d, e1, e2):
    lo, hi = sorted((e1, e2))
    assert levenshtein_bound(d, lo) <= levenshtein_bound(d, hi) * (1 + 1e-9)
    assert welch_bound(d, lo) <= welch_bound(d, hi)
    assert lower_bound(d, lo) <= lower_bound(d, hi)


@given(st.integers(2, 200), moderate)
def test_levenshtein_is_at_most_welch_and_above_the_existence_bound(d, eps):
    L = levenshtein_bound(d, eps)
    assert L <= welch_bound(d, eps) * (1 + 1e-9)
    assert best_upper_bound(d, eps) == min(L, welch_bound(d, eps))
    assert L >= d * (1 - 1e-9)  # an orthonormal basis always fits
    assert L >= 0.5 * lower_bound(d, eps)  # a maximal set has ≥ ½·exp(dε²/2) vectors


@given(dims, epsilons)
def test_lower_bound_is_exp_of_d_eps_squared_over_two(d, eps):
    if d * eps * eps / 2 >= 709.0:  # exp overflows float64 at 709.78; lower_bound says inf from 709 on
        assert lower_bound(d, eps) == math.inf
        return
    assert math.log(lower_bound(d, eps)) == pytest.approx(d * eps * eps / 2, rel=1e-12, abs=1e-12)
    assert log10_lower_bound(d, eps) == pytest.approx(d * eps * eps / 2 / math.log(10), rel=1e-12)


def test_lower_bound_overflows_to_inf_but_its_log_does_not():
    assert lower_bound(12288, 0.5) == math.inf
    assert log10_lower_bound(12288, 0.5) == pytest.approx(12288 * 0.25 / 2 / math.log(10))


def test_gerzon_counts_symmetric_matrices():
    for d in range(1, 30):
        assert gerzon_bound(d) == d * (d + 1) // 2 == np.triu(np.ones((d, d))).sum()
    # Gerzon bounds equiangular sets only; at ε² ≤ 1/(d+2) Levenshtein implies it for all sets.
    assert levenshtein_bound(23, 1 / 5) == pytest.approx(gerzon_bound(23))
    assert levenshtein_bound(64, 1 / 8) > gerzon_bound(64)


def test_d_one_and_eps_one():
    assert levenshtein_bound(1, 0.5) == 1.0 == welch_bound(1, 0.5) or welch_bound(1, 0.5) == math.inf
    assert levenshtein_bound(10, 1.0) == math.inf == welch_bound(10, 1.0)


@pytest.mark.parametrize("fn", [lower_bound, welch_bound, levenshtein_bound, best_upper_bound, log10_lower_bound])
@pytest.mark.parametrize("d, eps, word", [(0, 0.1, "d"), (2.5, 0.1, "d"), (True, 0.1, "d"), (8, -0.1, "eps"), (8, 1.5, "eps"), (8, float("nan"), "eps"), (8, "0.1", "eps")])
def test_bad_arguments_name_themselves(fn, d, eps, word):
    with pytest.raises(PackingError, match=rf"^{word} must") as info:
        fn(d, eps)
    assert isinstance(info.value, (LinlabError, ValueError))


def test_levenshtein_is_monotone_at_high_degree():
    """Degree ≈ 64 at d = 288: where eigenvector-based Gauss weights lose the tiny weights near t = 1."""
    values = [levenshtein_bound(288, eps) for eps in np.linspace(0.6, 0.8, 15)]
    assert all(math.isfinite(v) for v in values)
    assert all(a < b for a, b in zip(values, values[1:]))
