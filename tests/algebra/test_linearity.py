"""check_linear and LinearMap.from_function: linear functions rebuilt, non-linear ones caught."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from linlab import LinearMap, LinlabError, NotLinearError, ShapeError, check_linear

from .matrices import ranked_matrices


@given(ranked_matrices())
def test_from_function_rebuilds_a_known_matrix(case):
    M, _ = case
    M = M.double()
    A = LinearMap.from_function(lambda x: M @ x, M.shape[1])
    torch.testing.assert_close(A.matrix, M, atol=1e-12 * max(1.0, float(M.abs().max())), rtol=0)


def test_from_function_accepts_numpy_and_list_outputs():
    rebuilt = LinearMap.from_function(lambda x: [float(x[1]), float(2 * x[0])], 2)
    assert rebuilt.matrix.tolist() == [[0.0, 1.0], [2.0, 0.0]]
    rebuilt = LinearMap.from_function(lambda x: np.array([3 * x[0].item()]), 1)
    assert rebuilt.matrix.tolist() == [[3.0]]
    assert rebuilt.is_exact


def test_float32_module_as_function():
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3, bias=False)
    A = LinearMap.from_function(layer, 4, dtype=torch.float32)
    torch.testing.assert_close(A.matrix, layer.weight.detach())
    assert check_linear(layer, 4, dtype=torch.float32).is_linear


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_affine_maps_are_rejected_with_a_counterexample(m, n, seed):
    rng = np.random.default_rng(seed)
    A = torch.from_numpy(rng.standard_normal((m, n)))
    b = torch.from_numpy(rng.uniform(0.5, 2.0, m) * rng.choice([-1, 1], m))
    with pytest.raises(NotLinearError) as caught:
        LinearMap.from_function(lambda x: A @ x + b, n)
    err = caught.value
    assert err.law == "additivity"
    # f(x + y) − f(x) − f(y) = −b whatever x and y: the residual is exactly ‖b‖
    x, y = err.inputs["x"], err.inputs["y"]
    torch.testing.assert_close(err.lhs, A @ (x + y) + b)
    torch.testing.assert_close(err.rhs, A @ x + A @ y + 2 * b)
    assert err.residual == pytest.approx(float(torch.linalg.vector_norm(b)), rel=1e-9)
    report = check_linear(lambda x: A @ x + b, n)
    assert not report.additive and not report.homogeneous and not report.is_linear


def test_quadratic_map_is_rejected_and_the_residual_is_2xy():
    with pytest.raises(NotLinearError, match="additivity fails") as caught:
        LinearMap.from_function(lambda x: x**2, 3)
    err = caught.value
    x, y = err.inputs["x"], err.inputs["y"]
    assert err.residual == pytest.approx(float(torch.linalg.vector_norm(2 * x * y)), rel=1e-9)


def test_homogeneous_but_not_additive_is_told_apart():
    def cube_root_of_cubes(x):  # (x0³ + x1³)^(1/3): f(a·x) = a·f(x) but f(x + y) ≠ f(x) + f(y)
        s = x[0] ** 3 + x[1] ** 3
        return (torch.sign(s) * s.abs() ** (1 / 3)).reshape(1)

    report = check_linear(cube_root_of_cubes, 2)
    assert report.homogeneous and not report.additive
    assert report.counterexample.law == "additivity"
    assert report.max_relative_residual["homogeneity"] < 1e-12


def test_f_of_zero_is_checked_first_among_homogeneity_trials():
    report = check_linear(lambda x: x.sum().reshape(1) + 1e-3, 4)
    assert not report.homogeneous
    assert report.max_relative_residual["homogeneity"] > 1e-4


def test_linear_function_report():
    report = check_linear(lambda x: torch.stack([x[0] - x[2], 5 * x[1]]), 3, trials=5)
    assert report.is_linear and report.counterexample is None and report.trials == 5
    assert max(report.max_relative_residual.values()) < 1e-15


def test_reports_are_reproducible_with_a_seed():
    f = lambda x: x**3  # noqa: E731
    a, b = check_linear(f, 3, seed=4), check_linear(f, 3, seed=4)
    assert torch.equal(a.counterexample.inputs["x"], b.counterexample.inputs["x"])


def test_not_linear_error_message_names_the_law_inputs_and_residual():
    with pytest.raises(NotLinearError) as caught:
        LinearMap.from_function(lambda x: torch.abs(x), 2)
    message = str(caught.value)
    assert message.startswith("f is not linear: additivity fails: f(x + y) != f(x) + f(y) at x = (")
    assert "‖lhs − rhs‖ = " in message and "tolerance 1.49e-08" in message


def test_errors_from_f_are_reported_with_context():
    def broken(x):
        raise RuntimeError("boom")

    with pytest.raises(LinlabError, match=r"f raised RuntimeError when called on a vector of shape \(3,\).*boom"):
        check_linear(broken, 3)
    with pytest.raises(ShapeError, match="f returned shape"):
        check_linear(lambda x: x[: int(abs(x[0]) * 10) % 3 + 1], 3)
    with pytest.raises(LinlabError, match="dim_in must be a positive integer"):
        check_linear(lambda x: x, 0)
    with pytest.raises(LinlabError, match=r"f\(x\)\[0\] is 'a' \(str\); expected a real number"):
        check_linear(lambda x: ["a"], 2)
