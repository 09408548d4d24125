"""``linlab layernorm`` through typer's CliRunner, its numbers recomputed independently with numpy."""

import json
import math

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from linlab.algebra.layernorm import DegenerateInputError
from linlab.cli import app
from linlab.commands.layernorm import RING_ANGLES, layernorm_report, parse_point
from linlab.errors import ParseError

runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, ["layernorm", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _samples(seed: int, samples: int, dim: int, offset: float) -> np.ndarray:
    """The command's documented inputs: offset + N(0, 1) from torch.Generator().manual_seed(seed)."""
    gen = torch.Generator().manual_seed(seed)
    return offset + torch.randn(samples, dim, generator=gen, dtype=torch.float64).numpy()


@pytest.mark.parametrize("dtype, tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_random_check_numbers(dtype, tol):
    dim, samples, seed, offset = 24, 200, 3, 0.5
    r = _json("--dim", str(dim), "--samples", str(samples), "--seed", str(seed), "--offset", str(offset),
              "--eps", "1e-3", "--dtype", dtype)["random"]
    assert (r["dim"], r["samples"], r["seed"], r["eps"], r["dtype"]) == (dim, samples, seed, 1e-3, dtype)
    for key in ("max_abs_apply_minus_module", "max_abs_mean_of_centered", "max_abs_centered_norm_minus_sqrt_n_std",
                "max_abs_sphere_norm_minus_eps_formula"):
        assert 0 <= r[key] < tol, key
    x = _samples(seed, samples, dim, offset)
    if dtype == "float32":
        x = x.astype(np.float32).astype(np.float64)
    xc = x - x.mean(axis=1, keepdims=True)
    cos = np.linalg.norm(xc, axis=1) / np.linalg.norm(x, axis=1)
    assert r["mean_centering_cosine"] == pytest.approx(cos.mean(), rel=10 * tol)
    assert r["min_centering_cosine"] == pytest.approx(cos.min(), rel=10 * tol)
    assert r["mean_centering_cosine_squared"] == pytest.approx((cos**2).mean(), rel=10 * tol)
    assert r["approx_mean_cosine_squared"] == pytest.approx((dim - 1) / (dim * (1 + offset**2)))
    # eps = 1e-3 pulls every normalised vector inside the sphere of radius √n by this much:
    norms = np.linalg.norm(xc, axis=1)
    shortfall = math.sqrt(dim) * (1 - norms / np.sqrt(norms**2 + dim * 1e-3))
    assert r["max_sphere_shortfall"] == pytest.approx(shortfall.max(), rel=1e-3)


def test_mean_cosine_squared_matches_the_beta_mean_in_high_dimension():
    n, samples = 384, 1000
    r = _json("--dim", str(n), "--samples", str(samples))["random"]
    a, b = (n - 1) / 2, 0.5  # cos² ~ Beta((n−1)/2, 1/2) for x ~ N(0, I)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)) / samples)
    assert abs(r["mean_centering_cosine_squared"] - (n - 1) / n) < 5 * sd
    assert r["mean_centering_cosine"] > 0.99


@pytest.mark.parametrize("point", [(3.0, 1.0, 2.0), (1.0, 2.0, 2.0), (-0.3, 5.0, 0.1), (0.2, 0.1, 0.2)])
def test_ring_numbers_against_numpy_and_brute_force(point):
    ring = _json("--dim", "4", "--samples", "2", "--eps", "0.01", "--point", ",".join(map(str, point)))["ring"]
    x = np.array(point)
    mean = x.mean()
    xc = x - mean
    nearest = math.sqrt(3) * xc / np.linalg.norm(xc)
    assert ring["point"] == list(point) and ring["mean"] == pytest.approx(mean, abs=1e-15)
    np.testing.assert_allclose(ring["centered"], xc, atol=1e-15)
    np.testing.assert_allclose(ring["nearest_ring_point"], nearest, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ring["layernorm"], xc / np.sqrt((xc**2).mean() + 0.01), rtol=1e-14, atol=1e-15)
    distance = np.linalg.norm(x - nearest)
    assert ring["distance_to_nearest"] == pytest.approx(distance, rel=1e-14)
    assert ring["distance_formula"] == pytest.approx(distance, rel=1e-12)
    # Independent brute force: a different basis of the plane and a different angle grid.
    basis = np.linalg.svd(np.ones((1, 3)))[2][1:]  # (2, 3): orthonormal rows ⊥ (1, 1, 1)
    theta = np.linspace(0.0, 2 * np.pi, 77_777, endpoint=False) + 0.123
    circle = math.sqrt(3) * (np.cos(theta)[:, None] * basis[0] + np.sin(theta)[:, None] * basis[1])
    brute = np.linalg.norm(circle - x, axis=1).min()
    step = math.sqrt(3) * 2 * math.pi / 77_777
    assert distance - 1e-12 <= brute <= distance + step
    assert ring["brute_force_angles"] == RING_ANGLES
    assert distance - 1e-12 <= ring["brute_force_distance"] <= distance + math.sqrt(3) * 2 * math.pi / RING_ANGLES
    assert ring["brute_force_minus_formula"] == pytest.approx(ring["brute_force_distance"] - ring["distance_formula"])
    np.testing.assert_allclose(ring["brute_force_point"], nearest, atol=math.sqrt(3) * 2 * math.pi / RING_ANGLES)


def test_table_output_shows_the_numbers():
    result = runner.invoke(app, ["layernorm", "--dim", "8", "--samples", "10", "--point", "3,1,2"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    report = layernorm_report(dim=8, samples=10, point=[3.0, 1.0, 2.0])
    out = result.output
    assert "nn.LayerNorm(8, eps=1e-05)" in out and "on 10 vectors" in out
    assert f"{report['random']['max_abs_apply_minus_module']:.3g}" in out
    assert f"{report['random']['mean_centering_cosine']:.6f}" in out
    assert "(1.0000, -1.0000, 0.0000)" in out  # the centered point
    assert "(1.2247, -1.2247, 0.0000)" in out  # √(3/2)·(1, −1, 0), the nearest ring point
    assert f"{math.sqrt(12 + (math.sqrt(2) - math.sqrt(3)) ** 2):.10f}" in out


def test_the_report_is_deterministic_in_the_seed():
    a = layernorm_report(dim=6, samples=20, seed=1)
    assert a == layernorm_report(dim=6, samples=20, seed=1)
    other = layernorm_report(dim=6, samples=20, seed=2)
    assert a["random"]["mean_centering_cosine"] != other["random"]["mean_centering_cosine"]


@pytest.mark.parametrize("text", ["1,x,2", "1,2", "1,2,3,4", "nan,1,2", ""])
def test_bad_points_are_parse_errors(text):
    with pytest.raises(ParseError, match=r"--point must be three .*got '"):
        parse_point(text)
    result = runner.invoke(app, ["layernorm", "--dim", "3", "--samples", "1", "--point", text])
    assert result.exit_code == 1 and isinstance(result.exception, ParseError)


def test_parse_point_accepts_spaces():
    assert parse_point(" 3, 1 ,2 ") == [3.0, 1.0, 2.0] == parse_point("3 1 2")


def test_a_point_on_the_axis_has_no_nearest_ring_point():
    result = runner.invoke(app, ["layernorm", "--dim", "3", "--samples", "1", "--point", "2,2,2"])
    assert result.exit_code == 1 and isinstance(result.exception, DegenerateInputError)
    assert str(result.exception).startswith("--point (2.0, 2.0, 2.0) lies on the (1, 1, 1) axis")


@pytest.mark.parametrize("args", [["--dim", "1"], ["--samples", "0"], ["--eps", "-1"], ["--dtype", "float16"]])
def test_out_of_range_options_are_usage_errors(args):
    result = runner.invoke(app, ["layernorm", *args])
    assert result.exit_code == 2
