"""LayerNorm/RMSNorm geometry against the torch modules, numpy, and a brute-force search on the 3D ring."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from torch import nn

from linlab import LinearMap, LinlabError, NonFiniteError, ShapeError, UnsupportedModuleError
from linlab.algebra.layernorm import (
    DegenerateInputError,
    LayerNormGeometry,
    NormStages,
    RMSNormGeometry,
    norm_geometry,
)

DTYPES = [torch.float32, torch.float64]
BATCH_SHAPES = [(), (1,), (5,), (2, 3)]
EPS_VALUES = [1e-6, 1e-5, 1e-3, 0.1, 1.0]


def _randomise(module: nn.Module, seed: int) -> nn.Module:
    """Gain and bias away from their 1/0 initialisation, so the affine stage is really tested."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype))
    return module


def _inputs(seed: int, shape: tuple, dtype: torch.dtype, offset: float = 0.0, scale: float = 1.0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return (offset + scale * torch.randn(shape, generator=gen, dtype=torch.float64)).to(dtype)


# -- apply reproduces the modules ----------------------------------------------------------------


@given(
    n=st.integers(1, 40),
    eps=st.sampled_from(EPS_VALUES),
    affine=st.sampled_from(["none", "weight", "both"]),
    dtype=st.sampled_from(DTYPES),
    batch=st.sampled_from(BATCH_SHAPES),
    offset=st.sampled_from([0.0, 3.0, -10.0]),
    scale=st.sampled_from([1e-2, 1.0, 30.0]),
    seed=st.integers(0, 2**31 - 1),
)
def test_apply_is_nn_layernorm(n, eps, affine, dtype, batch, offset, scale, seed):
    ln = nn.LayerNorm(n, eps=eps, elementwise_affine=affine != "none", bias=affine == "both", dtype=dtype)
    _randomise(ln, seed)
    g = LayerNormGeometry.from_module(ln)
    assert (g.weight is None) == (affine == "none") and (g.bias is None) == (affine != "both")
    x = _inputs(seed + 1, (*batch, n), dtype, offset, scale)
    out = g.apply(x)
    assert out.dtype == dtype and out.shape == x.shape
    # Centering a row whose mean is large against its spread cancels digits, in torch and here alike:
    # the rounding error grows with the row's condition number |mean| / std.
    xd = x.double()
    kappa = float((xd.mean(-1).abs() / xd.std(-1, correction=0).clamp_min(1e-300)).max()) if n > 1 else 0.0
    gain = float(ln.weight.detach().abs().max()) if ln.weight is not None else 1.0
    atol = 1e-5 + 32 * torch.finfo(dtype).eps * (1 + kappa) * max(1.0, gain)
    torch.testing.assert_close(out, ln(x).detach(), atol=atol, rtol=1.3e-6)


@given(
    n=st.integers(1, 40),
    eps=st.sampled_from([None, *EPS_VALUES]),
    dtype=st.sampled_from(DTYPES),
    batch=st.sampled_from(BATCH_SHAPES),
    scale=st.sampled_from([1e-4, 1.0, 30.0]),  # 1e-4: mean(x²) ≈ 1e-8, so eps=None is what matters
    seed=st.integers(0, 2**31 - 1),
)
def test_apply_is_nn_rmsnorm(n, eps, dtype, batch, scale, seed):
    rms = _randomise(nn.RMSNorm(n, eps=eps, dtype=dtype), seed)
    g = RMSNormGeometry.from_module(rms)
    assert g.eps == eps
    x = _inputs(seed + 1, (*batch, n), dtype, 0.5 * scale, scale)
    torch.testing.assert_close(g.apply(x), rms(x).detach())


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_inputs_are_computed_in_float32_like_torch(dtype):
    ln = _randomise(nn.LayerNorm(24, dtype=dtype), 0)
    rms = _randomise(nn.RMSNorm(24, dtype=dtype), 1)
    x = _inputs(2, (6, 24), dtype, 1.0)
    small = _inputs(3, (6, 24), dtype, scale=1e-3)  # eps=None: float32's eps, not the half eps (≥ 1e-3)
    torch.testing.assert_close(LayerNormGeometry.from_module(ln).apply(x), ln(x).detach())
    got = RMSNormGeometry.from_module(rms).apply(small)
    assert got.dtype == dtype
    torch.testing.assert_close(got, rms(small).detach())
    # The half eps would give visibly different numbers here: the test can tell the two semantics apart.
    wrong = RMSNormGeometry(24, eps=torch.finfo(dtype).eps, weight=rms.weight).apply(small)
    assert (wrong.float() - got.float()).abs().max() > 0.1


def test_direct_construction_equals_from_module():
    ln = _randomise(nn.LayerNorm(10, eps=1e-3, dtype=torch.float64), 4)
    direct = LayerNormGeometry(10, eps=1e-3, weight=ln.weight, bias=ln.bias)
    x = _inputs(5, (7, 10), torch.float64, 2.0)
    torch.testing.assert_close(direct.apply(x), ln(x).detach(), rtol=1e-13, atol=1e-13)
    g = LayerNormGeometry.from_module(ln)
    assert g.weight.data_ptr() == ln.weight.data_ptr() and not g.weight.requires_grad
    assert repr(g) == "LayerNormGeometry(n=10, eps=0.001, affine=weight+bias)"


def test_nested_lists_and_single_vectors():
    g = LayerNormGeometry(3, eps=0.0)
    out = g.apply([3.0, 1.0, 2.0])
    assert out.shape == (3,) and out.dtype == torch.float64
    np.testing.assert_allclose(out.numpy(), np.array([1.0, -1.0, 0.0]) * math.sqrt(1.5), rtol=1e-15)


# -- module adapters -------------------------------------------------------------------------------


def test_multi_dimensional_layernorm_is_refused_with_a_recipe():
    ln = _randomise(nn.LayerNorm((4, 5)), 0)
    with pytest.raises(UnsupportedModuleError, match=r"normalized_shape \(4, 5\).*Reshape x to \(\.\.\., 20\)"):
        LayerNormGeometry.from_module(ln)
    # the recipe in the message works
    g = LayerNormGeometry(20, eps=ln.eps, weight=ln.weight.reshape(-1), bias=ln.bias.reshape(-1))
    x = _inputs(1, (3, 4, 5), torch.float32)
    torch.testing.assert_close(g.apply(x.reshape(3, 20)), ln(x).detach().reshape(3, 20))
    with pytest.raises(UnsupportedModuleError, match=r"normalized_shape \(2, 3\)"):
        RMSNormGeometry.from_module(nn.RMSNorm((2, 3)))


def test_wrong_module_types_are_refused():
    with pytest.raises(UnsupportedModuleError, match=r"needs a torch.nn.LayerNorm, got Linear$"):
        LayerNormGeometry.from_module(nn.Linear(3, 3))
    with pytest.raises(UnsupportedModuleError, match=r"got RMSNorm \(use RMSNormGeometry.from_module\)"):
        LayerNormGeometry.from_module(nn.RMSNorm(3))
    with pytest.raises(UnsupportedModuleError, match=r"got LayerNorm \(use LayerNormGeometry.from_module\)"):
        RMSNormGeometry.from_module(nn.LayerNorm(3))
    with pytest.raises(UnsupportedModuleError, match="got ReLU"):
        norm_geometry(nn.ReLU())


def test_norm_geometry_dispatches_on_the_type():
    assert isinstance(norm_geometry(nn.LayerNorm(4)), LayerNormGeometry)
    assert isinstance(norm_geometry(nn.RMSNorm(4)), RMSNormGeometry)


def test_subclasses_are_accepted_only_when_their_forward_agrees():
    class Same(nn.LayerNorm):
        pass

    class Scaled(nn.LayerNorm):
        def forward(self, x):
            return 2 * super().forward(x)

    assert LayerNormGeometry.from_module(Same(6)).n == 6
    with pytest.raises(UnsupportedModuleError, match=r"Scaled does not compute LayerNormGeometry\(n=6.*max difference"):
        LayerNormGeometry.from_module(Scaled(6))


@pytest.mark.parametrize("path", ["llama.modeling_llama.LlamaRMSNorm", "t5.modeling_t5.T5LayerNorm"])
def test_transformers_rmsnorms(path):
    module_path, name = path.rsplit(".", 1)
    cls = getattr(pytest.importorskip(f"transformers.models.{module_path}"), name)
    module = _randomise(cls(12, eps=1e-4), 0)
    g = RMSNormGeometry.from_module(module)
    assert g.eps == 1e-4 and g.bias is None
    x = _inputs(1, (2, 5, 12), torch.float32, 0.3, 1e-2)
    torch.testing.assert_close(g.apply(x), module(x).detach())


def test_rmsnorm_lookalike_with_a_shifted_gain_is_refused():
    class GemmaStyle(nn.Module):  # y = x̂·(1 + w): has weight and variance_epsilon but is not x̂·w
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.zeros(8))
            self.variance_epsilon = 1e-6

        def forward(self, x):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.variance_epsilon) * (1 + self.weight)

    with pytest.raises(UnsupportedModuleError, match="GemmaStyle does not compute RMSNormGeometry"):
        RMSNormGeometry.from_module(GemmaStyle())


# -- the stages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3, 16, 17, 40])
def test_center_is_the_orthogonal_projector_onto_the_complement_of_ones(n):
    P = LayerNormGeometry(n).center
    assert isinstance(P, LinearMap) and P.shape == (n, n) and P.is_exact == (n <= 16)
    expected = np.eye(n) - np.ones((n, n)) / n
    np.testing.assert_allclose(P.matrix.numpy(), expected, atol=1e-15)
    assert P.rank == n - 1
    kernel = P.kernel().basis.numpy()  # (n, 1): the line through 1
    assert kernel.shape == (n, 1)
    np.testing.assert_allclose(np.abs(kernel[:, 0]), np.full(n, 1 / math.sqrt(n)), atol=1e-12)
    M = P.matrix.numpy()
    np.testing.assert_allclose(M @ M, M, atol=1e-13)  # a projection ...
    np.testing.assert_allclose(M, M.T, atol=0)  # ... and orthogonal


@given(n=st.integers(2, 30), eps=st.sampled_from([0.0, *EPS_VALUES]), seed=st.integers(0, 2**31 - 1))
def test_stages_against_numpy(n, eps, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.normal(), rng.uniform(0.1, 5.0), size=(4, n))
    w, b = rng.normal(size=n), rng.normal(size=n)
    g = LayerNormGeometry(n, eps=eps, weight=torch.from_numpy(w), bias=torch.from_numpy(b))
    s = g.decompose(torch.from_numpy(x))
    assert isinstance(s, NormStages)
    xc = x - x.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(s.centered.numpy(), xc, atol=1e-12)
    np.testing.assert_allclose(g.center(torch.from_numpy(x)).numpy(), xc, atol=1e-12)
    np.testing.assert_allclose((s.centered.numpy() ** 2).sum(axis=1) / n, x.var(axis=1), rtol=1e-10)  # biased var
    sphere = math.sqrt(n) * xc / np.sqrt((xc**2).sum(axis=1, keepdims=True) + n * eps)
    np.testing.assert_allclose(s.on_sphere.numpy(), sphere, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.to_sphere(torch.from_numpy(xc)).numpy(), sphere, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(s.output.numpy(), sphere * w + b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g.affine(s.on_sphere).numpy(), (g.gain(s.on_sphere) + g.bias).numpy(), atol=1e-12)
    np.testing.assert_allclose(g.gain.matrix.numpy(), np.diag(w))
    norms = np.linalg.norm(s.on_sphere.numpy(), axis=1)
    assert np.all(norms <= math.sqrt(n) * (1 + 1e-12))  # eps only ever pulls inside the sphere
    if eps == 0.0:
        np.testing.assert_allclose(norms, math.sqrt(n), rtol=1e-12)


def test_without_affine_the_gain_is_the_identity():
    g = LayerNormGeometry(5)
    assert g.gain.is_exact and torch.equal(g.gain.matrix, torch.eye(5, dtype=torch.float64))
    y = _inputs(0, (3, 5), torch.float32)
    assert torch.equal(g.affine(y), y)


# -- the ring: nearest point ----------------------------------------------------------------------


def _ring_brute_force(x: np.ndarray, samples: int) -> tuple[np.ndarray, float]:
    """Sample the circle {y ⊥ (1,1,1), ‖y‖ = √3} at `samples` angles; the closest sample and its distance."""
    u = np.array([1.0, -1.0, 0.0]) / math.sqrt(2)
    v = np.array([1.0, 1.0, -2.0]) / math.sqrt(6)  # (u, v): an orthonormal basis of the plane ⊥ (1,1,1)
    theta = np.linspace(0.0, 2 * math.pi, samples, endpoint=False)
    ring = math.sqrt(3) * (np.cos(theta)[:, None] * u + np.sin(theta)[:, None] * v)  # (samples, 3)
    d = np.linalg.norm(ring - x, axis=1)
    best = int(np.argmin(d))
    return ring[best], float(d[best])


@given(st.lists(st.floats(-10, 10), min_size=3, max_size=3))
def test_nearest_point_on_the_3d_ring_matches_brute_force(coords):
    x = np.array(coords)
    assume(np.linalg.norm(x - x.mean()) > 0.05)  # away from the (1,1,1) axis, where it is undefined
    samples = 20_000
    p = LayerNormGeometry(3).nearest_point_on_ring(torch.from_numpy(x)).numpy()
    brute_point, brute_distance = _ring_brute_force(x, samples)
    step = math.sqrt(3) * 2 * math.pi / samples  # arc length between neighbouring samples
    distance = np.linalg.norm(x - p)
    assert distance <= brute_distance + 1e-12  # the formula is never beaten by a sample ...
    assert brute_distance - distance <= step  # ... and a sample within one step of it comes close
    np.testing.assert_allclose(brute_point, p, atol=step)
    xc = x - x.mean()
    assert distance == pytest.approx(math.sqrt(3 * x.mean() ** 2 + (np.linalg.norm(xc) - math.sqrt(3)) ** 2), abs=1e-12)


@given(n=st.integers(2, 20), seed=st.integers(0, 2**31 - 1))
def test_nearest_point_in_any_dimension_beats_random_ring_points(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.normal(), 2.0, size=n)
    g = LayerNormGeometry(n, eps=0.0)
    p = g.nearest_point_on_ring(torch.from_numpy(x)).numpy()
    assert abs(p.sum()) < 1e-10 and np.linalg.norm(p) == pytest.approx(math.sqrt(n), rel=1e-12)
    basis = np.linalg.svd(np.ones((1, n)))[2][1:]  # (n − 1, n): orthonormal rows ⊥ 1, no cancellation
    ys = rng.normal(size=(2000, n - 1)) @ basis  # (2000, n)
    ys *= math.sqrt(n) / np.linalg.norm(ys, axis=1, keepdims=True)  # random points of the ring
    assert np.linalg.norm(x - ys, axis=1).min() >= np.linalg.norm(x - p) * (1 - 1e-12)  # n = 2: ys hits p
    np.testing.assert_allclose(g.apply(torch.from_numpy(x)).numpy(), p, rtol=1e-12)  # eps=0, no affine


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("c", [0.0, 0.1, -3.7, 1e6])
def test_nearest_point_of_a_multiple_of_ones_is_undefined(c, dtype):
    g = LayerNormGeometry(7)
    x = torch.stack([_inputs(0, (7,), dtype), torch.full((7,), c, dtype=dtype)])
    with pytest.raises(DegenerateInputError, match=r"multiple of 1 = \(1, …, 1\) at row \(1,\) \(1 of 2 rows\)"):
        g.nearest_point_on_ring(x)
    assert g.nearest_point_on_ring(x[:1]).shape == (1, 7)


# -- centering cosines ------------------------------------------------------------------------------


@given(n=st.integers(2, 50), offset=st.floats(-3, 3), seed=st.integers(0, 2**31 - 1))
def test_centering_cosines_against_numpy_and_the_mean_formula(n, offset, seed):
    x = np.random.default_rng(seed).normal(offset, 1.0, size=(3, 2, n))
    cos = LayerNormGeometry(n).centering_cosines(torch.from_numpy(x)).numpy()
    assert cos.shape == (3, 2)
    exact = np.empty((3, 2))  # cos² = ‖x_c‖²/‖x‖² in exact rationals, one rounding at the end
    for index in np.ndindex(3, 2):
        row = [Fraction(v) for v in x[index]]
        mean = sum(row) / n
        exact[index] = math.sqrt(sum((v - mean) ** 2 for v in row) / sum(v * v for v in row))
    np.testing.assert_allclose(cos, exact, rtol=1e-13, atol=n * 2.3e-16)  # centering: ~eps·n absolute
    # the definition, x·x_c / (‖x‖‖x_c‖); its dot product cancels, with error about eps/cos
    xc = x - x.mean(axis=-1, keepdims=True)
    direct = np.einsum("...i,...i", x, xc) / (np.linalg.norm(x, axis=-1) * np.linalg.norm(xc, axis=-1))
    assert np.all(np.abs(cos - direct) <= 1e-12 * cos + 1e-13 / cos)
    formula = np.sqrt(1 - n * x.mean(axis=-1) ** 2 / (x**2).sum(axis=-1))
    np.testing.assert_allclose(cos, formula, rtol=1e-9, atol=1e-7)  # sqrt(1 − …) loses digits as cos → 0


def test_centering_barely_moves_a_gaussian_vector_in_high_dimension():
    n, samples = 384, 4000
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((samples, n)))
    cos2 = LayerNormGeometry(n).centering_cosines(x).numpy() ** 2
    a, b = (n - 1) / 2, 0.5  # cos² ~ Beta((n−1)/2, 1/2): mean (n−1)/n
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)) / samples)
    assert abs(cos2.mean() - (n - 1) / n) < 5 * sd
    shifted = LayerNormGeometry(n).centering_cosines(x + 0.5).numpy() ** 2  # mean 0.5: cos² ≈ (n−1)/(n(1+μ²))
    assert shifted.mean() == pytest.approx((n - 1) / (n * 1.25), rel=0.02)


def test_centering_cosine_of_zero_is_undefined():
    with pytest.raises(DegenerateInputError, match=r"x is 0 at row \(2,\) \(1 of 3 rows\)"):
        LayerNormGeometry(2).centering_cosines([[1.0, 2.0], [3.0, 3.0], [0.0, 0.0]])


# -- RMSNorm -----------------------------------------------------------------------------------------


def test_rmsnorm_does_not_center():
    g = RMSNormGeometry(4, eps=0.0, weight=[1.0, 2.0, 3.0, 4.0])
    assert g.center.is_exact and torch.equal(g.center.matrix, torch.eye(4, dtype=torch.float64))
    x = _inputs(0, (3, 4), torch.float64, 2.0)
    s = g.decompose(x)
    assert torch.equal(s.centered, x)
    np.testing.assert_allclose(s.on_sphere.numpy(), g.nearest_point_on_sphere(x).numpy(), rtol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(s.on_sphere.numpy(), axis=1), 2.0, rtol=1e-14)
    with pytest.raises(DegenerateInputError, match="x is 0"):
        g.nearest_point_on_sphere(torch.zeros(2, 4))


@pytest.mark.parametrize("dtype", DTYPES)
def test_rmsnorm_default_eps_is_the_dtype_epsilon(dtype):
    g = RMSNormGeometry(5)
    x = _inputs(0, (5,), dtype, scale=1e-5)  # mean(x²) ≈ 1e-10: float32 eps dominates it, float64 eps does not
    xd = x.double()
    expected = xd / torch.sqrt(xd.square().mean() + torch.finfo(dtype).eps)
    torch.testing.assert_close(g.to_sphere(x), expected.to(dtype))


# -- errors ------------------------------------------------------------------------------------------


def test_wrong_last_dimension_names_n_and_the_shape():
    g = LayerNormGeometry(4)
    for method in (g.apply, g.decompose, g.to_sphere, g.nearest_point_on_ring, g.centering_cosines):
        with pytest.raises(ShapeError, match=r"x has shape \(2, 5\) but this LayerNorm normalises over n = 4"):
            method(torch.zeros(2, 5))
    with pytest.raises(ShapeError, match=r"y has shape \(3,\) but this LayerNorm normalises over n = 4"):
        g.affine([1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match=r"x has shape \(3,\) but this RMSNorm normalises over n = 2"):
        RMSNormGeometry(2).apply([1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match=r"x must have .* dimension\(s\), got shape \(\)"):
        g.apply(torch.tensor(1.0))


def test_non_finite_inputs_and_parameters():
    x = torch.ones(2, 3)
    x[1, 2] = float("nan")
    with pytest.raises(NonFiniteError, match=r"x\[1, 2\] is nan"):
        LayerNormGeometry(3).apply(x)
    with pytest.raises(NonFiniteError, match=r"weight\[0\] is inf"):
        LayerNormGeometry(3, weight=[float("inf"), 1.0, 1.0])


def test_bad_construction_arguments():
    with pytest.raises(ShapeError, match=r"bias has shape \(2,\) but n = 3: bias must have shape \(3,\)"):
        LayerNormGeometry(3, bias=[1.0, 2.0])
    for n in (0, -1, 2.0, True):
        with pytest.raises(LinlabError, match="n must be a positive integer"):
            LayerNormGeometry(n)
    for eps in (-1e-5, float("nan"), float("inf"), "1e-5", True):
        with pytest.raises(LinlabError, match="eps must be a finite number >= 0"):
            RMSNormGeometry(3, eps=eps)
    with pytest.raises(LinlabError, match="eps must be a finite number >= 0 for LayerNorm, got None"):
        LayerNormGeometry(3, eps=None)


# -- devices -------------------------------------------------------------------------------------------


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_on_the_gpu():
    ln = _randomise(nn.LayerNorm(64), 0).cuda()
    rms = _randomise(nn.RMSNorm(64), 1).cuda()
    x = _inputs(2, (8, 64), torch.float32, 1.0).cuda()
    g = LayerNormGeometry.from_module(ln)
    assert g.apply(x).device == x.device
    torch.testing.assert_close(g.apply(x), ln(x).detach())
    torch.testing.assert_close(RMSNormGeometry.from_module(rms).apply(x), rms(x).detach())
    assert g.nearest_point_on_ring(x).device == x.device
    # parameters follow the input: a CPU geometry on a GPU batch
    torch.testing.assert_close(LayerNormGeometry.from_module(ln.cpu()).apply(x).cpu(), ln(x.cpu()).detach())
    for dtype in (torch.float16, torch.bfloat16):
        r = _randomise(nn.RMSNorm(64, dtype=dtype), 3).cuda()
        small = (1e-3 * x).to(dtype)
        torch.testing.assert_close(RMSNormGeometry.from_module(r).apply(small), r(small).detach())
