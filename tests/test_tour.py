"""The tour's numbers against independent computations, and the `linlab` command itself."""

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from linlab import __version__, tour
from linlab.cli import app


def test_matrix_from_basis_columns_are_images_of_basis_vectors():
    facts = tour.matrix_from_basis().facts
    f, M = facts["f"], facts["matrix"]
    for j in range(M.shape[1]):
        e = torch.zeros(M.shape[1], dtype=torch.float64)
        e[j] = 1
        assert torch.equal(M[:, j], f(e))
    torch.testing.assert_close(facts["Ax"], f(facts["x"]))


def test_affine_step_catches_the_bias():
    facts = tour.affine_caught().facts
    assert facts["law"] == "additivity"
    assert facts["residual"] == pytest.approx(np.hypot(1.0, -1.0))  # ‖b‖ for b = (1, −1)
    err = facts["error"]
    torch.testing.assert_close(err.lhs - err.rhs, -facts["b"])  # f(x+y) − f(x) − f(y) = −b
    torch.testing.assert_close(facts["linear_part"], facts["layer"].weight.detach())


def test_kernel_and_image_step():
    facts = tour.kernel_and_image().facts
    M = facts["map"].matrix.numpy().astype(int)
    assert np.linalg.matrix_rank(M) == facts["image"].dim == 2
    assert facts["kernel"].dim == 3
    for v in facts["kernel"].integer_basis:
        assert not (M @ np.array(v)).any()


def test_mlp_ranks_match_numpy():
    layers = tour.mlp_rank_nullity().facts["layers"]
    assert len(layers) == 3
    for layer in layers:
        W = layer["weight"].numpy()
        assert layer["rank"] == np.linalg.matrix_rank(W)
        assert layer["rank"] + layer["nullity"] == W.shape[1]


def test_stacked_layers_collapse_to_the_product_of_weights():
    facts = tour.stacked_collapse().facts
    w1, w2, w3 = (layer.weight.detach().numpy() for layer in facts["layers"])
    np.testing.assert_allclose(facts["product"].matrix.numpy(), w3 @ w2 @ w1, atol=1e-12)
    assert facts["gap"] < 1e-12
    assert facts["product"].rank == np.linalg.matrix_rank(w3 @ w2 @ w1) <= facts["narrowest"]


def test_pca_projector_matches_scikit_learn():
    from sklearn.decomposition import PCA

    facts = tour.pca_projector(k=10).facts
    X = facts["data"].numpy()
    pca = PCA(n_components=10, svd_solver="full").fit(X)
    P_sklearn = pca.components_.T @ pca.components_
    np.testing.assert_allclose(facts["projector"].matrix.numpy(), P_sklearn, atol=1e-10)
    assert facts["explained"] == pytest.approx(pca.explained_variance_ratio_.sum())
    P = facts["projector"]
    assert (P.rank, P.nullity) == (10, 54)
    assert P.kernel() == facts["components"].complement()


def test_linlab_tour_prints_every_step():
    result = CliRunner().invoke(app, ["tour"], terminal_width=100)
    assert result.exit_code == 0, result.output
    for step in tour.steps():
        assert step.title[:40] in result.output
    assert "integer basis: [[2, -1, 1, 0, 0]" in result.output


def test_version_and_help():
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.strip() == f"linlab {__version__}"
    help_text = runner.invoke(app, ["--help"]).output
    assert "tour" in help_text


def test_linlab_errors_become_one_line_and_exit_status_1():
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import sys, typer
        from linlab import LinearMap
        from linlab.cli import run
        demo = typer.Typer()
        @demo.command()
        def rank(rows: str):
            print(LinearMap([[float(x) for x in r.split()] for r in rows.split(";")]).rank)
        sys.argv = ["linlab", *sys.argv[1:]]
        run(demo)
        """
    )
    ok = subprocess.run([sys.executable, "-c", script, "1 2; 2 4"], capture_output=True, text=True)
    assert (ok.returncode, ok.stdout.strip()) == (0, "1")
    bad = subprocess.run([sys.executable, "-c", script, "1 2; 3"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: matrix is ragged: matrix[1] has shape (1,) but matrix[0] has shape (2,)"
    assert "Traceback" not in bad.stderr
