"""``linlab pack`` through typer's test runner: the printed report, the .npy file, the refusals."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from linlab.algebra.packing import PackingError, levenshtein_bound
from linlab.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["pack", *args], env={"COLUMNS": "200"})


def test_report_names_method_count_coherence_and_bounds():
    result = invoke("--dim", "64", "--eps", "0.125", "--time-budget", "1")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "kerdock" in out and "2,112" in out and "0.125" in out
    assert f"{math.exp(64 * 0.125**2 / 2):,.0f}" in out  # the existence bound exp(dε²/2)
    assert f"{levenshtein_bound(64, 0.125):,.0f}" in out  # = 2,112: the Kerdock set is optimal
    assert "exhaustive" in out


def test_out_writes_the_vectors_as_npy(tmp_path):
    path = tmp_path / "vectors.npy"
    result = invoke("--dim", "16", "--eps", "0.25", "--out", str(path))
    assert result.exit_code == 0, result.output
    V = np.load(path)
    assert V.shape == (144, 16) and V.dtype == np.float32
    G = np.abs(V @ V.T)
    np.fill_diagonal(G, 0)
    assert np.allclose(np.linalg.norm(V, axis=1), 1) and G.max() <= 0.25 + 1e-6


def test_limit_writes_a_prefix_of_a_huge_set(tmp_path):
    path = tmp_path / "dg.npy"
    result = invoke("--dim", "1024", "--eps", "0.25", "--out", str(path), "--limit", "300")
    assert result.exit_code == 0, result.output
    assert "70,368,744,178,688" in result.output and "sample+proof" in result.output
    V = np.load(path)
    assert V.shape == (300, 1024)


def test_absurd_sizes_are_refused_with_advice(tmp_path):
    result = invoke("--dim", "1024", "--eps", "0.25", "--out", str(tmp_path / "x.npy"))
    assert result.exit_code != 0 and isinstance(result.exception, PackingError)
    assert "exceeds --max-gib 2: pass --limit N (at most 524,288 vectors fit)" in str(result.exception)
    assert not (tmp_path / "x.npy").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--dim", "64", "--eps", "0.1", "--method", "kerdock"], "has |cos| up to 0.125 > eps=0.1"),
        (["--dim", "64", "--eps", "0.1", "--method", "nope"], "--method must be one of best"),
        (["--dim", "0", "--eps", "0.1"], "d must be a positive integer"),
        (["--dim", "8", "--eps", "1.5"], "eps must lie in [0, 1)"),
        (["--dim", "8", "--eps", "0.1", "--out", "v.txt"], "--out must name a .npy file"),
        (["--dim", "8", "--eps", "0.1", "--limit", "0"], "--limit must be a positive integer"),
    ],
)
def test_bad_input_is_a_packing_error(args, message):
    result = invoke(*args)
    assert result.exit_code != 0 and isinstance(result.exception, PackingError)
    assert message in str(result.exception)


def test_the_console_entry_point_prints_one_red_line(capsys, monkeypatch):
    """linlab.cli.run turns the PackingError into a message and exit status 1, not a traceback."""
    from linlab import cli

    monkeypatch.setattr("sys.argv", ["linlab", "pack", "--dim", "32", "--eps", "0.2", "--method", "kerdock"])
    with pytest.raises(SystemExit) as info:
        cli.run()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "error:" in err and "needs d = 4^k" in err and "Traceback" not in err
