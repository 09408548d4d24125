"""Applying, composing and transposing maps; dtype and device handling."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linlab import LinearMap, LinlabError, ShapeError

from .matrices import ranked_matrices, with_spectrum


@st.composite
def chained_pair(draw):
    """Two matrices A (m, k) and B (k, n) of prescribed ranks, so A @ B chains."""
    m, k, n = (draw(st.integers(1, 10)) for _ in range(3))
    ra, rb = draw(st.integers(0, min(m, k))), draw(st.integers(0, min(k, n)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = with_spectrum(rng, m, k, rng.uniform(1, 5, ra))
    B = with_spectrum(rng, k, n, rng.uniform(1, 5, rb))
    return A, B


@given(chained_pair())
def test_composition_is_the_product_b_first_then_a(pair):
    a, b = pair
    A, B = LinearMap(a), LinearMap(b)
    AB = A @ B
    np.testing.assert_allclose(AB.matrix.numpy(), a @ b, atol=1e-12)
    x = torch.randn(5, b.shape[1], dtype=torch.float64)
    torch.testing.assert_close(AB(x), A(B(x)))
    assert AB.rank <= min(A.rank, B.rank)
    assert AB.rank == np.linalg.matrix_rank(a @ b)


def test_composition_shape_error_names_both_shapes():
    A, B = LinearMap(np.ones((3, 5)) * 0.3), LinearMap(np.ones((4, 2)) * 0.3)
    with pytest.raises(ShapeError) as err:
        A @ B
    assert str(err.value) == "A has shape (3, 5) but B has shape (4, 2): A @ B needs A.dim_in == B.dim_out (5 != 4)"


def test_matmul_with_a_tensor_is_the_plain_product():
    A = LinearMap(np.arange(6.0).reshape(2, 3) / 7)
    X = torch.randn(3, 4, dtype=torch.float64)
    torch.testing.assert_close(A @ X, A.matrix @ X)
    with pytest.raises(ShapeError, match=r"X of shape \(3,\) or \(3, k\)"):
        A @ torch.randn(2, 4)


@given(ranked_matrices())
def test_transpose(case):
    M, _ = case
    A = LinearMap(M)
    assert torch.equal(A.T.matrix, M.T)
    assert (A.T.dim_in, A.T.dim_out) == (A.dim_out, A.dim_in)
    assert A.T.rank == A.rank


@pytest.mark.parametrize("batch", [(), (7,), (2, 3)])
def test_call_on_vectors_and_batches(batch):
    M = torch.randn(4, 6, dtype=torch.float64)
    A = LinearMap(M)
    x = torch.randn(*batch, 6, dtype=torch.float64)
    y = A(x)
    assert y.shape == (*batch, 4)
    expected = np.einsum("oi,...i->...o", M.numpy(), x.numpy())
    np.testing.assert_allclose(y.numpy(), expected, atol=1e-12)


def test_call_accepts_lists_and_arrays_and_rejects_wrong_dimensions():
    A = LinearMap([[1, 2, 3], [4, 5, 6]])
    assert A([1, 0, -1]).tolist() == [-2.0, -2.0]
    assert A(np.array([1, 1, 1])).tolist() == [6.0, 15.0]
    with pytest.raises(ShapeError, match=r"x has shape \(2,\) but the map has shape \(2, 3\)"):
        A([1, 2])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtype_is_kept(dtype):
    A = LinearMap(torch.randn(3, 4).to(dtype))
    assert A.dtype == dtype and A.matrix.dtype == dtype
    assert A(torch.randn(4)).dtype == dtype
    assert A.kernel().dtype == dtype and A.image().dtype == dtype


def test_lists_become_float64_and_numpy_float32_stays_float32():
    assert LinearMap([[1.5, 2.0]]).dtype == torch.float64
    assert LinearMap(np.ones((2, 2), dtype=np.float32) * 0.1).dtype == torch.float32


def test_composition_promotes_dtypes():
    A = LinearMap(torch.randn(2, 3, dtype=torch.float32))
    B = LinearMap(torch.randn(3, 4, dtype=torch.float64))
    assert (A @ B).dtype == torch.float64


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine (CPU path tested above)")
def test_gpu_maps_stay_on_the_gpu_and_agree_with_cpu():
    rng = np.random.default_rng(0)
    M = torch.from_numpy(with_spectrum(rng, 50, 30, rng.uniform(1, 3, 20)))
    cpu, gpu = LinearMap(M), LinearMap(M.cuda())
    assert gpu.device.type == "cuda" and gpu.kernel().device.type == "cuda"
    assert gpu.rank == cpu.rank == 20
    assert gpu.kernel().to("cpu") == cpu.kernel()
    with pytest.raises(LinlabError, match="move one of them"):
        gpu(torch.randn(30, dtype=torch.float64))


@given(chained_pair(), st.sampled_from([2, -3, 0.5, 1e-3]))
def test_maps_form_a_vector_space(pair, c):
    a, b = pair
    A, A2 = LinearMap(a), LinearMap(a[::-1].copy())
    x = torch.randn(4, a.shape[1], dtype=torch.float64)
    torch.testing.assert_close((A + A2)(x), A(x) + A2(x))
    torch.testing.assert_close((A - A2).matrix, torch.from_numpy(a - a[::-1]))
    torch.testing.assert_close((c * A)(x), c * A(x))
    torch.testing.assert_close((A * c).matrix, (c * A).matrix)
    torch.testing.assert_close((-A).matrix, torch.from_numpy(-a))
    assert (A + A2).rank <= A.rank + A2.rank  # subadditivity of rank


def test_sums_keep_the_exact_path_and_check_shapes():
    A, B = LinearMap([[1, 2], [3, 4]]), LinearMap([[1, 0], [0, 1]])
    assert (A - 1 * A).is_exact and (A - 1 * A).rank == 0
    assert (A + B).is_exact and (2 * A).is_exact and not (0.1 * A).is_exact
    with pytest.raises(ShapeError, match=r"A has shape \(2, 2\) but B has shape \(1, 2\): A \+ B needs equal shapes"):
        A + LinearMap([[1, 2]])
    with pytest.raises(LinlabError, match="the scalar must be finite"):
        float("inf") * A


def test_parameters_are_detached():
    layer = torch.nn.Linear(3, 2, bias=False)
    A = LinearMap(layer.weight)
    assert not A.matrix.requires_grad and A.rank == 2
