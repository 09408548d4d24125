"""construct(): every method's set re-checked with numpy, counts against the formulas, the DP against enumeration."""

import itertools
import math

import numpy as np
import pytest
import torch

from linlab import LinlabError
from linlab.algebra.packing import PackingError, best_upper_bound, construct
from linlab.packing import construct as shim_construct


def brute(V):
    V = np.asarray(V, dtype=np.float64)
    U = V / np.linalg.norm(V, axis=1, keepdims=True)
    G = np.abs(U @ U.T)
    np.fill_diagonal(G, 0)
    return G.max() if len(V) > 1 else 0.0


def check(P, *, limit=None):
    """The stated invariants of a Packing, recomputed with numpy on (a prefix of) its vectors."""
    V = P.vectors(limit=limit).numpy()
    assert V.shape == (min(P.count, limit or P.count), P.d)
    assert np.allclose(np.linalg.norm(V, axis=1), 1.0, atol=1e-6)
    assert brute(V) <= P.coherence + 1e-6
    assert P.coherence <= P.eps
    assert P.count <= best_upper_bound(P.d, P.eps) * (1 + 1e-9)
    return V


def test_the_shim_is_the_same_function():
    assert shim_construct is construct


@pytest.mark.parametrize("d", [1, 2, 7, 64])
def test_basis(d):
    P = construct(d, 0.2, method="basis")
    assert (P.count, P.coherence, P.verification) == (d, 0.0, "exhaustive")
    assert np.array_equal(check(P), np.eye(d))


@pytest.mark.parametrize("d", [2, 3, 5, 17])
def test_simplex(d):
    P = construct(d, 1 / d, method="simplex")
    V = check(P)
    assert P.count == d + 1
    assert np.allclose(V @ V.T, np.where(np.eye(d + 1) == 1, 1.0, -1 / d), atol=1e-6)  # every cos = −1/d
    with pytest.raises(PackingError, match=r"simplex in R\^5 has \|cos\| = 1/d = 0.2 > eps=0.1"):
        construct(5, 0.1, method="simplex")


def test_random_is_seeded_and_bounded_by_max_count():
    P = construct(16, 0.4, method="random", max_count=20, seed=3, time_budget=20)
    Q = construct(16, 0.4, method="random", max_count=20, seed=3, time_budget=20)
    R = construct(16, 0.4, method="random", max_count=20, seed=4, time_budget=20)
    assert P.count == 20 and P.verification == "exhaustive"
    assert torch.equal(P.vectors(), Q.vectors()) and not torch.equal(P.vectors(), R.vectors())
    assert brute(check(P)) <= 0.4 - 5e-6  # found sets keep a float32 margin below eps


def test_random_respects_the_time_budget():
    P = construct(64, 0.05, method="random", time_budget=0.3)
    assert P.seconds < 2.0 and P.count >= 1
    check(P)


def test_optimize_reaches_a_given_count():
    P = construct(8, 0.4, method="optimize", max_count=14, time_budget=10)
    assert P.count == 14
    check(P)


def test_optimize_searches_a_count_beyond_a_basis():
    P = construct(12, 0.3, method="optimize", time_budget=3)
    assert P.count > 12
    check(P)


def family_count(n, eps):
    """Vectors of the largest sign code on n = 2^m coordinates with coherence ≤ eps (0 if none), by formula."""
    m = n.bit_length() - 1
    if m < 2:
        return 0
    if m % 2 == 0:  # Delsarte–Goethals DG(m, r): coherence 2^r/√n, r ≤ (m−2)/2
        rs = [r for r in range((m - 2) // 2 + 1) if 2.0**r / math.sqrt(n) <= eps]
        return 2 ** ((m - 1) * (max(rs) + 1)) * n + n if rs else 0
    ts = [t for t in range(1, (m - 1) // 2 + 1) if 2.0**t / math.sqrt(2 * n) <= eps]  # dual BCH
    return n ** (max(ts) + 1) + n if ts else 0


def enumerate_direct_sums(d, eps):
    """max over multisets of power-of-two blocks of Σ family counts + (rest filled by simplices or a basis)."""
    n0 = math.ceil(1 / eps - 1e-9) if eps > 0 else None
    n0 = max(2, n0) if n0 else None
    sizes = [n for n in (4, 8, 16, 32) if n <= d]
    best = 0
    for k in itertools.product(*[range(d // n + 1) for n in sizes]):
        used = sum(a * n for a, n in zip(k, sizes))
        if used > d:
            continue
        rest = d - used
        filler = rest + (rest // n0 if n0 and rest >= n0 else 0)
        best = max(best, sum(a * family_count(n, eps) for a, n in zip(k, sizes)) + filler)
    return best


@pytest.mark.parametrize("d, eps", [(5, 0.5), (12, 0.5), (20, 0.5), (24, 0.3), (13, 0.26), (30, 0.1), (9, 0.0)])
def test_direct_sum_is_the_best_decomposition(d, eps):
    P = construct(d, eps, method="direct-sum")
    assert P.count == enumerate_direct_sums(d, eps)
    assert sum(b.count for b in P.blocks) == P.count and sum(b.dim for b in P.blocks) == d
    V = check(P, limit=3000)
    # blocks sit on disjoint coordinates: vectors of different blocks are orthogonal
    if len(P.blocks) > 1 and P.count <= 3000:
        owner = np.repeat(np.arange(len(P.blocks)), [b.count for b in P.blocks])
        G = V @ V.T
        assert np.allclose(G[owner[:, None] != owner[None, :]], 0)


@pytest.mark.parametrize("d", [16, 64, 256])
def test_best_gives_kerdock_at_one_over_root_d(d):
    P = construct(d, 1 / math.sqrt(d), time_budget=1)
    assert P.count == d * (d + 2) // 2 == round(best_upper_bound(d, 1 / math.sqrt(d)))  # optimal
    assert P.method == "kerdock"
    check(P, limit=600)


@pytest.mark.parametrize("d", [8, 32, 128])
def test_best_gives_gold_at_root_two_over_d(d):
    P = construct(d, math.sqrt(2 / d), time_budget=1)
    assert P.count >= d * d + d
    check(P, limit=600)


@pytest.mark.parametrize("d, eps", [(1, 0.3), (3, 0.5), (6, 0.2), (10, 0.05), (33, 0.3), (50, 0.0)])
def test_best_is_never_below_d(d, eps):
    P = construct(d, eps, time_budget=0.3)
    assert P.count >= d
    check(P, limit=2000)


def test_huge_family_is_lazy_exact_and_sample_verified():
    d, eps = 1024, 0.25
    P = construct(d, eps, method="delsarte-goethals")
    assert P.count == 2 ** (9 * 4) * d + d and P.coherence == 0.25 == 8 / math.sqrt(d)
    assert P.verification == "sample+proof" and P.checked < P.count and P.measured_coherence <= 0.25 + 1e-6
    assert "rank" in P.proof
    with pytest.raises(PackingError, match="pass limit=N"):
        P.vectors()
    rng = np.random.default_rng(0)
    picked = [int(i) for i in rng.integers(0, P.count, 60)] + [P.count - 1]
    V = torch.stack([P.vector(i) for i in picked]).numpy()
    assert brute(V) <= 0.25 + 1e-6
    assert np.allclose(check(P, limit=5), P.vectors(limit=5).numpy())


def test_max_count_keeps_the_first_vectors():
    full = construct(64, 0.125, method="kerdock")
    part = construct(64, 0.125, method="kerdock", max_count=100)
    assert part.count == 100 and torch.equal(part.vectors(), full.vectors(limit=100))
    assert torch.equal(torch.cat(list(full.batches(64, limit=100))), part.vectors())
    assert torch.equal(full.vector(99), part.vectors()[99])


def test_summary_and_blocks():
    P = construct(80, 0.25, method="direct-sum")
    text = P.summary()
    assert f"{P.count:,} unit vectors in R^80" in text and "blocks:" in text
    assert [b.dim for b in P.blocks] == [64, 16]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(d=0, eps=0.1), "d must be a positive integer"),
        (dict(d=1 << 17, eps=0.1), "d must be at most 65536"),
        (dict(d=8, eps=1.0), "eps must lie in \\[0, 1\\)"),
        (dict(d=8, eps=0.1, method="magic"), "method must be one of best, basis"),
        (dict(d=32, eps=0.3, method="kerdock"), "needs d = 4\\^k"),
        (dict(d=64, eps=0.1, method="kerdock"), "kerdock set in R\\^64 has \\|cos\\| up to 0.125 > eps=0.1"),
        (dict(d=64, eps=0.1, method="gold"), "m odd"),
        (dict(d=100, eps=0.1, method="delsarte-goethals"), "d = 2\\^m"),
        (dict(d=64, eps=0.1, method="delsarte-goethals"), "\\|cos\\| ≥ 0.125 > eps=0.1"),
        (dict(d=8, eps=0.1, max_count=0), "max_count must be a positive integer"),
        (dict(d=8, eps=0.1, seed="x"), "seed must be an integer"),
        (dict(d=8, eps=0.1, time_budget=0), "time_budget must be a positive number"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(PackingError, match=message) as info:
        construct(**kwargs)
    assert isinstance(info.value, LinlabError) and isinstance(info.value, ValueError)


def test_vector_index_errors():
    P = construct(4, 0.5, method="kerdock")
    with pytest.raises(PackingError, match=r"i must be an integer in \[0, 12\)"):
        P.vector(12)
    with pytest.raises(PackingError, match="limit must be a nonnegative integer"):
        P.vectors(limit=-1)
