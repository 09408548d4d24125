"""The read/write form against numpy's SVD and eigh, exact ranks, and its own defining identities."""

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from linlab import LinearMap, LinlabError, NotLinearError, ShapeError, Subspace, Tolerance
from linlab.algebra.readwrite import (
    SIGN_TIE_RTOL,
    NotInvertibleError,
    NotSymmetricError,
    ReadWrite,
    _canonical_signs,
    readwrite,
)

from .matrices import integer_matrices, orthonormal, ranked_matrices, with_spectrum


def _tol(dtype):
    return 2e-4 if dtype in (torch.float32, torch.float16, torch.bfloat16) else 1e-10


def _assert_canonical(rw: ReadWrite):
    """The documented sign rule: the first coordinate within SIGN_TIE_RTOL of the largest is positive."""
    for t in rw.terms:
        mag = t.write.abs()
        first = int(torch.nonzero(mag >= mag.max() * (1 - SIGN_TIE_RTOL))[0])
        assert t.write[first] > 0


def _assert_orthonormal(columns: torch.Tensor, tol: float):
    k = columns.shape[1]
    gram = (columns.T @ columns).double()
    np.testing.assert_allclose(gram.cpu().numpy(), np.eye(k), atol=tol)


# -- the decomposition -------------------------------------------------------------------------


@given(ranked_matrices())
def test_terms_are_the_svd_with_exactly_rank_terms(case):
    M, r = case
    rw = readwrite(M)
    tol = _tol(M.dtype)
    expected = np.linalg.svd(M.double().numpy(), compute_uv=False)[:r]
    assert rw.rank == len(rw.terms) == r == rw.source_rank and rw.complete
    np.testing.assert_allclose(rw.scales.double().numpy(), expected, rtol=tol, atol=0)
    _assert_orthonormal(rw.reads, 10 * tol)
    _assert_orthonormal(rw.writes, 10 * tol)
    smax = expected.max(initial=1.0)
    for t in rw.terms:  # M v = σ u and Mᵀ u = σ v: each term reads along v and writes along u
        np.testing.assert_allclose((M @ t.read).double().numpy(), t.scale * t.write.double().numpy(), atol=tol * smax)
        np.testing.assert_allclose((M.T @ t.write).double().numpy(), t.scale * t.read.double().numpy(), atol=tol * smax)
    _assert_canonical(rw)
    assert rw.shape == tuple(M.shape) and rw.scales.dtype == M.dtype and rw.method == "full"


@given(ranked_matrices(), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_apply_is_the_sum_of_term_actions_and_equals_matrix_times_x(case, batch, seed):
    M, _ = case
    rw = readwrite(M)
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal((batch, M.shape[1]))).to(M.dtype)
    expected = (x.double() @ M.double().T).numpy()  # (batch, out)
    scale = max(float(np.abs(M.double().numpy()).max()), 1e-300) * float(x.abs().max()) * M.shape[1]
    np.testing.assert_allclose(rw.apply(x).double().numpy(), expected, atol=_tol(M.dtype) * scale)
    by_terms = torch.zeros(batch, M.shape[0], dtype=M.dtype)  # (batch, out)
    for t in rw.terms:
        by_terms += t.scale * (x @ t.read)[:, None] * t.write  # σ (v·x) u, one term at a time
    np.testing.assert_allclose(rw.apply(x).double().numpy(), by_terms.double().numpy(), atol=_tol(M.dtype) * scale)
    np.testing.assert_allclose(rw.apply(x[0]).double().numpy(), expected[0], atol=_tol(M.dtype) * scale)
    np.testing.assert_allclose(rw.matrix().double().numpy(), M.double().numpy(), atol=_tol(M.dtype) * scale)


@given(integer_matrices())
def test_exact_integer_matrices_give_exactly_their_rank_in_terms(rows):
    rank = sympy.Matrix(rows).rank()
    rw = readwrite(rows)
    assert rw.rank == rank == LinearMap(rows).rank
    M = np.array(rows, dtype=float)
    np.testing.assert_allclose(rw.matrix().numpy(), M, atol=1e-10)
    np.testing.assert_allclose(rw.scales.numpy(), np.linalg.svd(M, compute_uv=False)[:rank], rtol=1e-10)


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (6, 2)])
def test_the_zero_map_has_no_terms(shape):
    rw = readwrite(torch.zeros(shape, dtype=torch.float64))
    assert rw.rank == 0 and rw.terms == () and rw.degenerate_groups == ()
    assert torch.equal(rw.apply(torch.ones(shape[1], dtype=torch.float64)), torch.zeros(shape[0], dtype=torch.float64))
    assert rw.truncate(energy=0.5).rank == 0


def test_rank_k_keeps_the_top_k_and_never_more_than_the_rank():
    s = np.array([5.0, 4.0, 2.0, 1.0])
    M = torch.from_numpy(with_spectrum(np.random.default_rng(0), 7, 6, s))
    full = readwrite(M)
    for k in range(7):
        rw = readwrite(M, rank=k)
        assert rw.rank == min(k, 4) and rw.source_rank == 4 and rw.complete == (k >= 4)
        np.testing.assert_allclose(rw.scales.numpy(), s[:k], rtol=1e-12)
        torch.testing.assert_close(rw.writes, full.writes[:, : rw.rank])
        torch.testing.assert_close(rw.reads, full.reads[:, : rw.rank])
    assert readwrite(M, rank=np.int64(2)).rank == 2


def test_tol_is_an_absolute_cut_on_top_of_the_maps_rtol():
    s = np.array([5.0, 1.0, 1e-3, 1e-9])
    M = with_spectrum(np.random.default_rng(3), 6, 5, s)
    assert readwrite(M).rank == 4
    assert readwrite(M, tol=1e-6).rank == 3 == LinearMap(M, atol=1e-6).rank == np.linalg.matrix_rank(M, tol=1e-6)
    assert readwrite(M, tol=Tolerance(rtol=1e-2, atol=0.0)).rank == 2
    assert readwrite(LinearMap(M, atol=1e-2)).rank == 2  # the map's own tolerance is the default


# -- truncation -------------------------------------------------------------------------------------


@given(ranked_matrices(dtypes=[torch.float64]), st.integers(0, 12))
def test_truncation_errors_are_the_dropped_singular_values(case, k):
    M, r = case
    s = np.linalg.svd(M.numpy(), compute_uv=False)  # all min(m, n) values
    approx = readwrite(M).truncate(k)
    assert approx.rank == min(k, r)
    error = M.numpy() - approx.matrix().numpy()
    spectral = np.linalg.norm(error, 2)
    frobenius = np.linalg.norm(error, "fro")
    atol = 1e-10 * max(s.max(initial=0), 1e-300)
    assert spectral == pytest.approx(s[k] if k < len(s) else 0.0, abs=atol)  # σ_{k+1}, 0-based s[k]
    assert frobenius == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), abs=atol)


@given(ranked_matrices(dtypes=[torch.float64]), st.floats(0.01, 1.0))
def test_energy_truncation_is_the_smallest_k_reaching_the_share(case, energy):
    M, r = case
    s = np.linalg.svd(M.numpy(), compute_uv=False)
    total = np.sum(s**2)
    rw = readwrite(M)
    k = rw.truncate(energy=energy).rank
    if total == 0:
        assert k == 0
        return
    shares = np.cumsum(s**2) / total
    np.testing.assert_allclose(rw.energy.numpy(), (s**2 / total)[:r], rtol=1e-10)
    # the shares have rounding error: only check where the decision is clear-cut
    margin = 1e-9
    assert k >= 1
    if k > 1:
        assert shares[k - 2] < energy + margin
    assert shares[k - 1] >= energy - margin


def test_energy_truncation_needs_terms_that_reach_it():
    M = torch.from_numpy(with_spectrum(np.random.default_rng(1), 5, 5, np.array([3.0, 2.0, 1.0])))
    rw = readwrite(M)
    assert rw.truncate(energy=1.0).rank == 3  # complete: all terms reach 100% (up to rounding)
    assert rw.truncate(energy=9 / 14).rank == 1 and rw.truncate(energy=9 / 14 + 1e-6).rank == 2
    with pytest.raises(LinlabError, match=r"energy=0.9 needs more than the 1 terms computed, which hold 64.2857%"):
        rw.truncate(1).truncate(energy=0.9)
    for bad in (0, 1.5, -0.1):
        with pytest.raises(LinlabError, match="energy must be a share in"):
            rw.truncate(energy=bad)
    with pytest.raises(LinlabError, match="exactly one of k"):
        rw.truncate()
    with pytest.raises(LinlabError, match="exactly one of k"):
        rw.truncate(2, energy=0.5)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(LinlabError, match="k must be a non-negative integer"):
            rw.truncate(bad)


# -- transpose, Gram, inverse -----------------------------------------------------------------------------


@given(ranked_matrices())
def test_transpose_swaps_reads_and_writes(case):
    M, _ = case
    rw = readwrite(M)
    rt = rw.T
    tol = _tol(M.dtype) * max(float(rw.scales.max()) if rw.rank else 1.0, 1e-300)
    assert rt.shape == (M.shape[1], M.shape[0]) and rt.rank == rw.rank
    np.testing.assert_allclose(rt.matrix().double().numpy(), M.T.double().numpy(), atol=10 * tol)
    _assert_canonical(rt)
    for a, b in zip(rw.terms, rt.terms):  # the same lines, swapped: |u·u'| = |v·v'| = 1
        assert abs(float(a.write @ b.read)) == pytest.approx(1.0, abs=1e-3)
        assert abs(float(a.read @ b.write)) == pytest.approx(1.0, abs=1e-3)
    torch.testing.assert_close(rt.T.writes, rw.writes)
    torch.testing.assert_close(rt.T.reads, rw.reads)


def test_transpose_matches_decomposing_the_transpose():
    M = torch.from_numpy(with_spectrum(np.random.default_rng(2), 6, 4, np.array([4.0, 3.0, 1.5, 0.5])))
    rt, direct = readwrite(M).T, readwrite(M.T)
    torch.testing.assert_close(rt.writes, direct.writes)
    torch.testing.assert_close(rt.reads, direct.reads)
    torch.testing.assert_close(rt.scales, direct.scales)


@given(ranked_matrices(dtypes=[torch.float64]))
def test_gram_reads_and_writes_along_v_with_sigma_squared(case):
    M, r = case
    rw = readwrite(M)
    g = rw.gram()
    MtM = M.numpy().T @ M.numpy()  # (in, in)
    values = np.linalg.eigh(MtM)[0][::-1]  # descending
    assert g.shape == (M.shape[1], M.shape[1]) and g.rank == r and g.is_symmetric
    np.testing.assert_allclose(g.scales.numpy(), values[:r], rtol=1e-8, atol=1e-12 * values.max(initial=0))
    torch.testing.assert_close(g.reads, g.writes)
    for t in g.terms:  # eigenpairs of MᵀM
        np.testing.assert_allclose(MtM @ t.read.numpy(), t.scale * t.read.numpy(), atol=1e-9 * values.max(initial=1))
    np.testing.assert_allclose(g.matrix().numpy(), MtM, atol=1e-9 * values.max(initial=1))
    np.testing.assert_allclose(g.spectral().values.numpy(), values[:r], rtol=1e-8)
    # MMᵀ through the transpose, on the u_i
    np.testing.assert_allclose(rw.T.gram().matrix().numpy(), M.numpy() @ M.numpy().T, atol=1e-9 * values.max(initial=1))


@given(st.integers(1, 8), st.integers(0, 2**32 - 1), st.sampled_from([torch.float32, torch.float64]))
def test_inverse_matches_numpy(n, seed, dtype):
    rng = np.random.default_rng(seed)
    M = torch.from_numpy(with_spectrum(rng, n, n, rng.uniform(0.5, 4.0, n))).to(dtype)
    inv = readwrite(M).inverse()
    expected = np.linalg.inv(M.double().numpy())
    np.testing.assert_allclose(inv.matrix().double().numpy(), expected, atol=50 * _tol(dtype))
    assert inv.scales[0] == inv.scales.max()  # largest first, as always
    rw = readwrite(M)
    for t in inv.terms:  # reads along some u_i, writes along the matching v_i, with 1/σ_i
        i = int(torch.argmin((rw.scales - 1 / t.scale).abs()))
        assert abs(float(t.read @ rw.writes[:, i])) == pytest.approx(1.0, abs=1e-3)
        assert abs(float(t.write @ rw.reads[:, i])) == pytest.approx(1.0, abs=1e-3)
    _assert_canonical(inv)
    x = torch.from_numpy(rng.standard_normal(n)).to(dtype)
    np.testing.assert_allclose(inv.apply(rw.apply(x)).double().numpy(), x.double().numpy(), atol=100 * _tol(dtype))


def test_inverse_of_a_non_square_or_singular_map_is_refused():
    with pytest.raises(NotInvertibleError, match=r"shape \(2, 3\) \(R\^3 → R\^2\), rank 2"):
        readwrite([[1, 0, 0], [0, 1, 0]]).inverse()
    with pytest.raises(NotInvertibleError, match=r"shape \(3, 3\) has rank 2 < 3 \(nullity 1\): it is singular"):
        readwrite([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).inverse()
    with pytest.raises(NotInvertibleError, match=r"rank 1 < 2"):
        readwrite(torch.eye(2, dtype=torch.float64)).truncate(1).inverse()
    assert isinstance(NotInvertibleError("x"), LinlabError)


# -- symmetric maps -------------------------------------------------------------------------------


@st.composite
def symmetric_matrices(draw):
    """(matrix, eigenvalues) with repeats and signs: Q diag(λ) Qᵀ, not symmetrised after the product."""
    n = draw(st.integers(1, 8))
    pool = draw(st.lists(st.sampled_from([-3.0, -1.0, 0.0, 1.0, 2.0, 3.0]), min_size=n, max_size=n))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Q = orthonormal(rng, n, n)
    return torch.from_numpy(Q @ np.diag(pool) @ Q.T).to(dtype), np.array(pool)


@given(symmetric_matrices())
def test_symmetric_maps_write_where_they_read(case):
    M, lam = case
    rw = readwrite(M)
    tol = _tol(M.dtype)
    assert rw.is_symmetric
    assert rw.rank == np.count_nonzero(lam)
    for t in rw.terms:  # write = ± read, exactly the same line even for repeated or opposite eigenvalues
        assert abs(float(t.read @ t.write)) == pytest.approx(1.0, abs=10 * tol)
        torch.testing.assert_close(t.write.abs(), t.read.abs(), rtol=0, atol=0)
    values, vectors = rw.spectral()
    np.testing.assert_allclose(np.sort(values.double().numpy()), np.sort(lam[lam != 0]), atol=10 * tol * 3)
    reconstructed = vectors @ torch.diag(values) @ vectors.T
    np.testing.assert_allclose(reconstructed.double().numpy(), M.double().numpy(), atol=30 * tol)
    np.testing.assert_allclose(rw.matrix().double().numpy(), M.double().numpy(), atol=30 * tol)
    _assert_canonical(rw)
    if rw.rank == M.shape[0]:  # its inverse reads and writes along the same lines, with 1/λ
        inv = rw.inverse()
        assert inv.is_symmetric
        np.testing.assert_allclose(
            np.sort(inv.spectral().values.double().numpy()), np.sort(1 / lam), atol=100 * tol
        )
        np.testing.assert_allclose(inv.matrix().double().numpy(), np.linalg.inv(M.double().numpy()), atol=300 * tol)


def test_opposite_eigenvalues_are_one_degenerate_pair_of_aligned_terms():
    rw = readwrite([[0, 1], [1, 0]])  # λ = ±1: σ = 1, 1
    assert rw.is_symmetric and rw.degenerate_groups == ((0, 1),)
    signs = sorted(float(t.read @ t.write) for t in rw.terms)
    assert signs == pytest.approx([-1.0, 1.0])
    assert sorted(rw.spectral().values.tolist()) == pytest.approx([-1.0, 1.0])


def test_non_symmetric_maps_have_no_eigen_form():
    for M in ([[1, 2], [0, 1]], [[1, 2, 3], [2, 1, 0]], torch.randn(4, 4, generator=torch.Generator().manual_seed(0))):
        rw = readwrite(M)
        assert not rw.is_symmetric
        with pytest.raises(NotSymmetricError, match=r"is not symmetric \(M ≠ Mᵀ\)"):
            rw.spectral()
    assert readwrite([[1, 2], [2, 1]]).is_symmetric


# -- signs, degeneracy, dtypes ------------------------------------------------------------------------


@given(st.integers(1, 8), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_sign_convention_ignores_the_sign_the_svd_happened_to_pick(m, n, seed):
    rng = np.random.default_rng(seed)
    M = torch.from_numpy(rng.standard_normal((m, n)))
    U, S, Vh = torch.linalg.svd(M, full_matrices=False)
    flips = torch.from_numpy(rng.choice([-1.0, 1.0], size=len(S)))
    a = _canonical_signs(U, Vh.T)
    b = _canonical_signs(U * flips, Vh.T * flips)  # the same terms, other signs
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    # −M has the same writes up to sign: canonical writes stay, reads flip
    rw, neg = readwrite(M), readwrite(-M)
    torch.testing.assert_close(neg.writes, rw.writes)
    torch.testing.assert_close(neg.reads, -rw.reads)


def test_ties_in_magnitude_pick_the_first_coordinate():
    col_tie = torch.tensor([-0.5, 0.5 * (1 + SIGN_TIE_RTOL / 2)], dtype=torch.float64)  # a tie: the first decides
    col_clear = torch.tensor([-0.5, 0.5 * (1 + 2 * SIGN_TIE_RTOL)], dtype=torch.float64)  # the second is larger
    writes = torch.stack([col_tie, col_clear], dim=1)  # (out=2, k=2)
    w, r = _canonical_signs(writes, torch.eye(2, dtype=torch.float64))
    assert w[0, 0] > 0 and w[1, 1] > 0
    torch.testing.assert_close(r, torch.tensor([[-1.0, 0.0], [0.0, 1.0]], dtype=torch.float64))


@pytest.mark.parametrize("shape", [(5, 5), (8, 3), (3, 8), (40, 30)])
def test_float32_and_float64_agree_term_by_term(shape):
    rng = np.random.default_rng(11)
    k = min(shape)
    M = torch.from_numpy(with_spectrum(rng, *shape, np.linspace(10.0, 1.0, k)))
    r64, r32 = readwrite(M), readwrite(M.float())
    assert r64.rank == r32.rank == k and r32.scales.dtype == torch.float32
    np.testing.assert_allclose(r32.writes.double().numpy(), r64.writes.numpy(), atol=1e-4)
    np.testing.assert_allclose(r32.reads.double().numpy(), r64.reads.numpy(), atol=1e-4)


def test_half_precision_is_computed_in_float32():
    M = torch.from_numpy(with_spectrum(np.random.default_rng(0), 8, 6, np.array([3.0, 2.0, 1.0])))
    for dtype in (torch.float16, torch.bfloat16):
        rw = readwrite(M.to(dtype))
        assert rw.rank == 3 and rw.dtype == dtype and rw.scales.dtype == torch.float32
        np.testing.assert_allclose(rw.scales.double().numpy(), [3.0, 2.0, 1.0], rtol=2e-2)


def test_degenerate_groups_are_the_repeated_singular_values_and_their_spans_are_right():
    s = np.array([5.0, 3.0, 3.0, 3.0, 2.0, 1.0, 1.0])
    M = with_spectrum(np.random.default_rng(5), 9, 8, s)
    rw = readwrite(M)
    assert rw.degenerate_groups == ((1, 2, 3), (5, 6))
    U, S, Vh = np.linalg.svd(M)
    for group in rw.degenerate_groups:
        idx = list(group)
        assert Subspace.span(rw.writes[:, idx]) == Subspace.span(torch.from_numpy(U[:, idx]))
        assert Subspace.span(rw.reads[:, idx]) == Subspace.span(torch.from_numpy(Vh.T[:, idx]))
    separated = with_spectrum(np.random.default_rng(5), 9, 8, np.array([5.0, 3.0, 3.0 - 1e-6, 1.0]))
    assert readwrite(separated).degenerate_groups == ()  # a gap of 2e-7·σ_1 is resolvable in float64
    assert readwrite(torch.from_numpy(separated).float()).degenerate_groups == ((1, 2),)  # but not in float32


# -- the randomized method -------------------------------------------------------------------------------


def test_lowrank_matches_the_full_svd_on_a_decaying_spectrum():
    rng = np.random.default_rng(0)
    s = 0.9 ** np.arange(256)  # decaying
    M = torch.from_numpy(with_spectrum(rng, 270, 256, s))
    quick = readwrite(M, rank=12)  # 12 ≤ 256/4 on a matrix ≥ 256: auto takes lowrank
    full = readwrite(M, rank=12, method="full")
    assert (quick.method, full.method) == ("lowrank", "full")
    assert quick.rank == 12 and quick.source_rank is None and not quick.complete
    np.testing.assert_allclose(quick.scales.numpy(), s[:12], rtol=1e-8)  # stated tolerance: 1e-8 relative
    np.testing.assert_allclose(quick.writes.numpy(), full.writes.numpy(), atol=1e-6)
    np.testing.assert_allclose(quick.reads.numpy(), full.reads.numpy(), atol=1e-6)
    again = readwrite(M, rank=12)
    assert torch.equal(again.writes, quick.writes)  # seeded: the same numbers on every run
    assert readwrite(M, rank=65).method == "full"  # too many terms asked for
    assert readwrite(M[:100, :100], rank=5).method == "full"  # too small to bother
    with pytest.raises(LinlabError, match=r"needs more than the 12 terms computed"):
        quick.truncate(energy=0.999)


def test_lowrank_on_a_symmetric_map_keeps_reads_and_writes_aligned():
    rng = np.random.default_rng(1)
    lam = 0.8 ** np.arange(256) * np.where(np.arange(256) % 3 == 1, -1.0, 1.0)
    Q = orthonormal(rng, 256, 256)
    M = torch.from_numpy(Q @ np.diag(lam) @ Q.T)
    rw = readwrite(M, rank=6, method="lowrank")
    assert rw.is_symmetric and rw.method == "lowrank"
    np.testing.assert_allclose(rw.spectral().values.numpy(), lam[:6], rtol=1e-8)
    for t in rw.terms:
        torch.testing.assert_close(t.write.abs(), t.read.abs(), rtol=0, atol=0)


# -- inputs and errors ----------------------------------------------------------------------------------


def test_layers_are_read_through_linear_map_and_a_bias_must_be_dropped_explicitly():
    torch.manual_seed(0)
    layer = nn.Linear(6, 4)
    with pytest.raises(NotLinearError, match="Pass drop_bias=True"):
        readwrite(layer)
    rw = readwrite(layer, drop_bias=True)
    expected = np.linalg.svd(layer.weight.detach().numpy(), compute_uv=False)
    np.testing.assert_allclose(rw.scales.numpy(), expected, rtol=1e-5)
    conv = nn.Conv2d(3, 5, kernel_size=2, bias=False)
    assert readwrite(conv).shape == (5, 12)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"rank": -1}, "rank must be a non-negative integer, got -1"),
        ({"rank": 1.5}, "rank must be a non-negative integer, got 1.5"),
        ({"rank": True}, "rank must be a non-negative integer, got True"),
        ({"method": "qr"}, "method must be 'auto', 'full' or 'lowrank', got 'qr'"),
        ({"method": "lowrank"}, r"method='lowrank' computes only the top terms: give rank=k"),
        ({"tol": "small"}, "tol must be a number"),
        ({"tol": -1.0}, "atol must be a finite number >= 0"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(LinlabError, match=message):
        readwrite([[1.0, 2.0], [3.0, 4.0]], **kwargs)


def test_bad_inputs_to_apply_and_the_constructor():
    rw = readwrite([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]])
    with pytest.raises(ShapeError, match=r"x has shape \(2,\) but the map has shape \(2, 3\)"):
        rw.apply([1.0, 2.0])
    with pytest.raises(ShapeError, match="ragged"):
        readwrite([[1, 2], [3]])
    with pytest.raises(LinlabError):
        readwrite("M")


def test_repr_and_summary_describe_the_top_terms():
    M = np.array([[0.0, 3.0, 0.0], [0.0, 0.0, -1.0]])
    rw = readwrite(M)
    assert repr(rw) == "ReadWrite(shape=(2, 3), terms=2, scales=[3, 1], method='full', dtype=torch.float64, device=cpu)"
    summary = rw.summary(terms=1, coords=2)
    assert summary["shape"] == [2, 3] and summary["rank"] == 2 and summary["method"] == "full"
    (term,) = summary["terms"]
    assert term["scale"] == pytest.approx(3.0) and term["energy"] == pytest.approx(0.9)
    assert term["write"][0] == [0, 1.0] and term["read"][0] == [1, 1.0]
    assert "scale=3" in repr(rw.terms[0])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_terms_stay_on_the_gpu():
    rng = np.random.default_rng(0)
    M = torch.from_numpy(with_spectrum(rng, 300, 280, 0.9 ** np.arange(280)))  # lowrank needs ≥ 256
    for method in ("full", "lowrank"):
        cpu, gpu = readwrite(M, rank=8, method=method), readwrite(M.cuda(), rank=8, method=method)
        assert gpu.scales.device.type == "cuda" and gpu.writes.device.type == "cuda"
        torch.testing.assert_close(gpu.writes.cpu(), cpu.writes, atol=1e-6, rtol=0)
        x = torch.randn(4, 280, dtype=torch.float64, device="cuda")
        torch.testing.assert_close(gpu.apply(x).cpu(), cpu.apply(x.cpu()), atol=1e-8, rtol=1e-8)
