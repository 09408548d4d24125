"""coherence(): blocked computation against the dense numpy Gram matrix."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch.utils._python_dispatch import TorchDispatchMode

from linlab import DTypeError, NonFiniteError, ShapeError
from linlab.algebra.packing import PackingError, coherence


def dense_coherence(V):
    U = V / np.linalg.norm(V, axis=1, keepdims=True)
    G = np.abs(U @ U.T)
    np.fill_diagonal(G, -1.0)
    return G.max()


@st.composite
def vector_sets(draw):
    n, d = draw(st.integers(2, 40)), draw(st.integers(1, 8))
    V = draw(arrays(np.float64, (n, d), elements=st.floats(-4, 4, allow_nan=False, width=32)))
    V[np.linalg.norm(V, axis=1) < 1e-3] += 1.0  # no zero rows (tested separately)
    return V


@given(vector_sets(), st.integers(1, 50))
def test_blocked_coherence_equals_the_dense_computation(V, block):
    c, (i, j) = coherence(V, block=block, return_pair=True)
    assert c == pytest.approx(dense_coherence(V), abs=1e-12)
    assert i < j
    u, v = V[i] / np.linalg.norm(V[i]), V[j] / np.linalg.norm(V[j])
    assert abs(u @ v) == pytest.approx(c, abs=1e-12)  # the pair attains it


@given(vector_sets(), st.data())
def test_coherence_ignores_row_scaling_and_order(V, data):
    scales = data.draw(arrays(np.float64, (V.shape[0], 1), elements=st.sampled_from([-3.0, -0.5, 0.25, 2.0, 7.0])))
    perm = data.draw(st.permutations(range(V.shape[0])))
    assert coherence(V * scales) == pytest.approx(coherence(V), abs=1e-12)
    assert coherence(V[list(perm)], block=3) == pytest.approx(coherence(V), abs=1e-12)


def test_many_blocks_on_a_larger_set_float32():
    rng = np.random.default_rng(0)
    V = rng.standard_normal((1000, 30)).astype(np.float32)
    seen = []
    c = coherence(torch.from_numpy(V), block=128, progress=seen.append)
    assert c == pytest.approx(dense_coherence(V.astype(np.float64)), abs=1e-6)
    assert seen[-1] == 1.0 and len(seen) == 8 * 9 // 2  # upper-triangular tiles only


def test_orthonormal_rows_have_coherence_zero_and_a_pair():
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((6, 6)))
    c, pair = coherence(Q, return_pair=True)
    assert c < 1e-15 and pair is not None and pair[0] < pair[1]


def test_fewer_than_two_rows():
    assert coherence([[1.0, 2.0]], return_pair=True) == (0.0, None)
    assert coherence(np.zeros((0, 3))) == 0.0


def test_parallel_rows_give_one():
    assert coherence([[1.0, 2.0], [-2.0, -4.0], [1.0, 0.0]]) == pytest.approx(1.0)


def test_stays_in_dtype_and_accepts_half():
    V = torch.randn(20, 5, dtype=torch.float16)
    assert coherence(V) == pytest.approx(dense_coherence(V.double().numpy()), abs=2e-3)


def test_zero_row_is_named():
    with pytest.raises(PackingError, match=r"V\[2\] is the zero vector \(1 zero row"):
        coherence([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    "V, error",
    [([1.0, 2.0], ShapeError), ([[1.0, float("nan")], [1.0, 0.0]], NonFiniteError), (np.array([["a"]]), DTypeError)],
)
def test_bad_input(V, error):
    with pytest.raises(error):
        coherence(V)


def test_bad_block():
    with pytest.raises(PackingError, match="block must be a positive integer"):
        coherence(np.eye(3), block=0)


class LargestResult(TorchDispatchMode):
    """Records the number of elements of every tensor any torch operation returns while it is active."""

    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in torch.utils._pytree.tree_leaves(out):
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


@given(st.integers(2, 9), st.data(), st.integers(0, 2**32 - 1))
def test_tiled_path_never_holds_more_than_a_tile_or_v(block, data, seed):
    # count = 3 blocks + 5 rows: at least four tile rows, the last one ragged unless block divides 5.
    # No tensor may exceed a block × block tile or V's own size (d < block): a (block, count) strip or
    # the count × count Gram matrix would.
    d = data.draw(st.integers(1, block - 1))
    count = 3 * block + 5
    V = np.random.default_rng(seed).standard_normal((count, d))
    seen = []
    with LargestResult() as mode:
        c, (i, j) = coherence(torch.from_numpy(V), block=block, return_pair=True, progress=seen.append)
    assert mode.largest <= max(block * block, count * d) < block * count
    assert mode.largest >= block * block  # the tiles were seen, so the mode does observe the computation
    tiles = -(-count // block)
    assert len(seen) == tiles * (tiles + 1) // 2 and seen[-1] == 1.0
    assert c == pytest.approx(dense_coherence(V), abs=1e-12)
    u, v = V[i] / np.linalg.norm(V[i]), V[j] / np.linalg.norm(V[j])
    assert i < j and abs(u @ v) == pytest.approx(c, abs=1e-12)


def test_the_size_check_catches_a_dense_gram_matrix():
    X = torch.randn(29, 3, dtype=torch.float64)
    with LargestResult() as mode:
        (X @ X.T).abs().max()
    assert mode.largest == 29 * 29 > max(8 * 8, 29 * 3)


@given(vector_sets(), st.data())
def test_float32_rows_of_extreme_magnitude(V, data):
    # Squares of entries above ~1e19 overflow float32 and below ~1e-19 underflow; the rows are scaled by
    # their largest entry first, so exact power-of-two rescalings down to 2^-100 and up to 2^100 change nothing.
    exponents = data.draw(arrays(np.int64, (V.shape[0], 1), elements=st.integers(-100, 100)))
    V32 = V.astype(np.float32)
    scaled = torch.from_numpy(V32) * torch.from_numpy(np.ldexp(np.float32(1.0), exponents).astype(np.float32))
    assert torch.isfinite(scaled).all()
    assert coherence(scaled, block=7) == pytest.approx(dense_coherence(V32.astype(np.float64)), abs=2e-6)
