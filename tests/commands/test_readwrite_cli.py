"""``linlab readwrite`` on files written here, against numpy's SVD; bad files give one LinlabError."""

import json
import sys

import numpy as np
import pytest
import torch
from safetensors.torch import save_file
from typer.testing import CliRunner

from linlab import CheckpointError, DTypeError, LinlabError, NonFiniteError, ShapeError
from linlab.cli import app, run

from ..algebra.matrices import with_spectrum

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, ["readwrite", *map(str, args)], env={"COLUMNS": "200"})  # rich reads COLUMNS


def _json(*args):
    result = _invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _check_against_numpy(report, M, terms):
    """σ, energy shares, rank, nullity and the top coordinates against numpy.linalg.svd."""
    M = np.asarray(M, dtype=np.float64)
    U, s, Vh = np.linalg.svd(M)
    rank = np.linalg.matrix_rank(M)
    assert report["shape"] == list(M.shape)
    assert (report["rank"], report["nullity"]) == (rank, M.shape[1] - rank)
    assert len(report["terms"]) == min(terms, rank)
    for i, term in enumerate(report["terms"]):
        assert term["index"] == i
        assert term["scale"] == pytest.approx(s[i], rel=1e-5)
        assert term["energy"] == pytest.approx(s[i] ** 2 / np.sum(s**2), rel=1e-5)
        for pairs, vector in ((term["read"], Vh[i]), (term["write"], U[:, i])):
            top = np.argsort(-np.abs(vector), kind="stable")[: len(pairs)]
            assert [p[0] for p in pairs] == top.tolist()
            np.testing.assert_allclose([abs(p[1]) for p in pairs], np.abs(vector[top]), rtol=1e-4)
        # the sign convention: the write's largest coordinate is positive, and the read flips with it
        assert term["write"][0][1] > 0
        sign = np.sign(U[term["write"][0][0], i])
        assert np.sign(term["read"][0][1]) == sign * np.sign(Vh[i, term["read"][0][0]])


def test_npy_matrix_json_matches_numpy(tmp_path):
    M = with_spectrum(np.random.default_rng(0), 6, 9, np.array([5.0, 3.0, 2.0, 1.0]))  # rank 4
    np.save(tmp_path / "w.npy", M)
    report = _json(tmp_path / "w.npy", "--terms", 3, "--coords", 4)
    _check_against_numpy(report, M, 3)
    assert report["method"] == "full" and report["key"] is None and report["dtype"] == "float64"
    assert report["frobenius_norm"] == pytest.approx(np.linalg.norm(M))


def test_table_prints_sigma_energy_rank_and_method(tmp_path):
    M = np.random.default_rng(1).standard_normal((4, 7)).astype(np.float32)
    np.save(tmp_path / "w.npy", M)
    result = _invoke(tmp_path / "w.npy")
    assert result.exit_code == 0, result.output
    s = np.linalg.svd(M.astype(np.float64), compute_uv=False)
    rows = [line.split("│")[1:-1] for line in result.output.splitlines() if line.startswith("│")]
    rows = [[cell.strip() for cell in row] for row in rows if row[0].strip()]  # (term, σ, energy, reads, writes)
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3]  # the default --terms 5 shows all 4
    np.testing.assert_allclose([float(r[1]) for r in rows], s, rtol=1e-5)
    np.testing.assert_allclose([float(r[2].rstrip("%")) / 100 for r in rows], s**2 / np.sum(s**2), atol=1e-4)
    assert "rank 4, nullity 3, method full" in result.output


def test_integer_arrays_and_rank_deficient_matrices(tmp_path):
    M = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]])  # rank 2
    np.save(tmp_path / "m.npy", M)
    report = _json(tmp_path / "m.npy")
    _check_against_numpy(report, M, 5)


def test_pt_tensor_and_state_dicts(tmp_path):
    torch.manual_seed(0)
    W = torch.randn(5, 8)
    torch.save(W, tmp_path / "t.pt")
    _check_against_numpy(_json(tmp_path / "t.pt"), W.numpy(), 5)
    state = {"model": {"layer.weight": W, "layer.bias": torch.randn(5), "other.weight": torch.randn(3, 3)}, "epoch": 3}
    torch.save(state, tmp_path / "s.pt")
    report = _json(tmp_path / "s.pt", "--key", "model.layer")  # NAME finds NAME.weight
    assert report["key"] == "model.layer.weight"
    _check_against_numpy(report, W.numpy(), 5)
    torch.save({"w": W, "b": torch.randn(5)}, tmp_path / "one.pth")
    assert _json(tmp_path / "one.pth")["key"] == "w"  # the only 2-D tensor


def test_safetensors_by_key_and_the_only_matrix(tmp_path):
    torch.manual_seed(1)
    tensors = {
        "h.0.attn.weight": torch.randn(6, 4),
        "h.0.mlp.weight": torch.randn(8, 6),
        "h.0.ln.weight": torch.ones(6),
    }
    save_file(tensors, tmp_path / "m.safetensors")
    report = _json(tmp_path / "m.safetensors", "--key", "h.0.mlp.weight", "--terms", 2)
    assert report["key"] == "h.0.mlp.weight"
    _check_against_numpy(report, tensors["h.0.mlp.weight"].numpy(), 2)
    save_file({"w": torch.randn(3, 5).half(), "g": torch.ones(3)}, tmp_path / "one.safetensors")
    report = _json(tmp_path / "one.safetensors")
    assert report["key"] == "w" and report["dtype"] == "float16"
    s = np.linalg.svd(_read(tmp_path / "one.safetensors", "w"), compute_uv=False)
    assert [t["scale"] for t in report["terms"]] == pytest.approx(s, rel=1e-5)


def _read(path, key):
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as f:
        return f.get_tensor(key).astype(np.float64)


def test_conv_weights_need_flatten(tmp_path):
    torch.manual_seed(2)
    conv = torch.randn(4, 2, 3, 3)
    save_file({"conv.weight": conv}, tmp_path / "c.safetensors")
    with pytest.raises(ShapeError, match=r"has shape \(4, 2, 3, 3\): readwrite needs a 2-D matrix .* pass --flatten"):
        raise _invoke(tmp_path / "c.safetensors").exception
    report = _json(tmp_path / "c.safetensors", "--flatten")
    _check_against_numpy(report, conv.reshape(4, 18).numpy(), 5)


def test_lowrank_method_still_reports_the_rank(tmp_path):
    M = with_spectrum(np.random.default_rng(3), 256, 260, 0.8 ** np.arange(200))
    np.save(tmp_path / "big.npy", M)
    report = _json(tmp_path / "big.npy", "--method", "auto", "--terms", 4)
    assert report["method"] == "lowrank"
    assert report["rank"] == np.linalg.matrix_rank(M)
    np.testing.assert_allclose([t["scale"] for t in report["terms"]], 0.8 ** np.arange(4), rtol=1e-8)


@pytest.mark.parametrize(
    "make, args, error, message",
    [
        (None, ["missing.npy"], CheckpointError, r"missing.npy: no such file"),
        (lambda p: (p / "w.txt").write_text("1 2"), ["w.txt"], CheckpointError, r"unsupported suffix '.txt'"),
        (lambda p: np.save(p / "v.npy", np.ones(3)), ["v.npy"], ShapeError, r"v.npy has shape \(3,\): .* a 1-D tensor"),
        (lambda p: np.save(p / "c.npy", np.ones((2, 2), complex)), ["c.npy"], DTypeError, "dtype complex128"),
        (lambda p: np.save(p / "s.npy", np.array([["a"]])), ["s.npy"], DTypeError, "s.npy has numpy dtype <U1"),
        (
            lambda p: np.save(p / "n.npy", np.array([[1.0, np.nan], [0.0, 1.0]])),
            ["n.npy"],
            NonFiniteError,
            r"n.npy\[0, 1\] is nan",
        ),
        (lambda p: np.save(p / "w.npy", np.ones((2, 2))), ["w.npy", "--key", "a"], CheckpointError, "--key applies to"),
        (lambda p: (p / "bad.npy").write_bytes(b"not numpy"), ["bad.npy"], CheckpointError, "could not be read"),
        (lambda p: (p / "bad.pt").write_text("x"), ["bad.pt"], CheckpointError, r"not a file of tensors that can be"),
        (
            lambda p: (p / "trunc.pt").write_bytes(b"PK\x03\x04" + b"\0" * 40),
            ["trunc.pt"],
            CheckpointError,
            "could not be read as a PyTorch file",
        ),
        (lambda p: torch.save([1, 2], p / "l.pt"), ["l.pt"], CheckpointError, "holds a list; expected a tensor or"),
        (lambda p: torch.save(torch.ones(2, 2), p / "t.pt"), ["t.pt", "--key", "w"], CheckpointError, "drop --key w"),
        (
            lambda p: (p / "bad.safetensors").write_bytes(b"garbage!"),
            ["bad.safetensors"],
            CheckpointError,
            "could not be read as a .safetensors file",
        ),
        (
            lambda p: save_file({"a.weight": torch.ones(2, 3), "b.weight": torch.ones(3, 3)}, p / "m.safetensors"),
            ["m.safetensors", "--key", "a.weigt"],
            CheckpointError,
            r"no tensor named 'a.weigt' \(did you mean a.weight.*\)\. Available: a.weight \(2, 3\), b.weight \(3, 3\)",
        ),
        (
            lambda p: save_file({"a.weight": torch.ones(2, 3), "b.weight": torch.ones(3, 3)}, p / "m.safetensors"),
            ["m.safetensors"],
            CheckpointError,
            r"holds 2 tensors \(2 2-D tensors\): pass --key NAME\. Available: a.weight \(2, 3\), b.weight \(3, 3\)",
        ),
        (
            lambda p: torch.save({"b": torch.ones(3), "g": torch.ones(3)}, p / "nomat.pt"),
            ["nomat.pt"],
            CheckpointError,
            r"holds 2 tensors \(no 2-D tensor\): pass --key NAME\. Available: b \(3,\), g \(3,\)",
        ),
    ],
)
def test_bad_files_raise_a_linlab_error_naming_the_problem(tmp_path, make, args, error, message):
    if make is not None:
        make(tmp_path)
    result = _invoke(*[tmp_path / a if i == 0 else a for i, a in enumerate(args)])
    assert result.exit_code != 0
    assert isinstance(result.exception, error) and isinstance(result.exception, LinlabError), result.exception
    with pytest.raises(error, match=message):
        raise result.exception


def test_the_entry_point_prints_the_error_and_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["linlab", "readwrite", str(tmp_path / "nothing.npy")])
    with pytest.raises(SystemExit) as caught:
        run()
    assert caught.value.code == 1
    err = " ".join(capsys.readouterr().err.split())  # rich may wrap a long line
    assert err.startswith("error:") and "nothing.npy: no such file" in err
    assert "Traceback" not in err


# Model folders as save_pretrained writes them (tiny configs, random weights, nothing downloaded).

_CONV1D = ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    """A tiny GPT-2 saved whole, sharded and as pytorch_model.bin: (model, {"single"|"sharded"|"bin": folder})."""
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=2, n_embd=32, n_head=4, n_positions=16, vocab_size=50)
    model = transformers.GPT2LMHeadModel(config)
    root = tmp_path_factory.mktemp("gpt2")
    model.save_pretrained(root / "single")
    model.save_pretrained(root / "sharded", max_shard_size="20KB")
    # transformers 5 writes only safetensors (safe_serialization=False is gone), so the .bin folder is
    # written the way transformers 4 did: the state dict through torch.save, next to config.json.
    config.save_pretrained(root / "bin")
    torch.save(model.state_dict(), root / "bin" / "pytorch_model.bin")
    return model, {name: root / name for name in ("single", "sharded", "bin")}


@pytest.fixture(scope="module")
def bert(tmp_path_factory):
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(1)
    config = transformers.BertConfig(
        vocab_size=40, hidden_size=24, num_hidden_layers=3, num_attention_heads=2, intermediate_size=48,
        max_position_embeddings=16,
    )  # fmt: skip
    model = transformers.BertModel(config)
    folder = tmp_path_factory.mktemp("bert") / "bert"
    model.save_pretrained(folder)
    return model, folder


def test_gpt2_folders_transpose_conv1d_weights_to_out_in(gpt2):
    model, folders = gpt2
    assert (folders["sharded"] / "model.safetensors.index.json").is_file()
    assert len(list(folders["sharded"].glob("model-*-of-*.safetensors"))) > 1
    assert not (folders["bin"] / "model.safetensors").exists()
    modules = dict(model.named_modules())
    for kind, folder in folders.items():
        for layer in (f"transformer.h.{i}.{c}" for i in range(2) for c in _CONV1D):
            report = _json(folder, "--layer", layer, "--terms", 3)
            W = modules[layer].weight.detach().numpy()  # Conv1D: (in, out)
            assert report["key"] == f"{layer}.weight" and report["transposed"], (kind, layer)
            assert report["shape"] == [W.shape[1], W.shape[0]]
            _check_against_numpy(report, W.T, 3)


def test_a_sharded_folder_opens_only_the_shard_holding_the_tensor(gpt2, tmp_path):
    import shutil

    model, folders = gpt2
    folder = shutil.copytree(folders["sharded"], tmp_path / "sharded")
    key = "transformer.h.1.mlp.c_fc.weight"
    shard = json.loads((folder / "model.safetensors.index.json").read_text())["weight_map"][key]
    for other in folder.glob("model-*.safetensors"):
        if other.name != shard:
            other.write_bytes(b"not a shard")  # reading any of these would fail
    report = _json(folder, "--key", key, "--terms", 2)
    assert report["source"] == str(folder / shard)
    _check_against_numpy(report, model.transformer.h[1].mlp.c_fc.weight.detach().numpy().T, 2)


def test_gpt2_non_conv1d_weights_and_the_table_header(gpt2):
    model, folders = gpt2
    report = _json(folders["single"], "--key", "transformer.wte")  # an embedding, stored (vocab, d_model)
    assert report["shape"] == [50, 32] and not report["transposed"]
    _check_against_numpy(report, model.transformer.wte.weight.detach().numpy(), 5)
    result = _invoke(folders["single"], "--key", "transformer.h.0.attn.c_proj", "--terms", 2)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    name = "single/model.safetensors[transformer.h.0.attn.c_proj.weight]"
    assert lines[0].startswith(f"{name}: shape (out, in) = (32, 32)")
    assert "transposed to (out, in)" in lines[1]
    s = np.linalg.svd(model.transformer.h[0].attn.c_proj.weight.detach().numpy().astype(np.float64), compute_uv=False)
    rows = [line.split("│")[1:-1] for line in lines if line.startswith("│")]
    sigmas = [float(r[1]) for r in rows if r[0].strip()]
    np.testing.assert_allclose(sigmas, s[:2], rtol=1e-5)
    assert "transposed" not in _invoke(folders["single"], "--key", "transformer.wte").output


def test_bert_folder_reads_linear_weights_as_stored(bert):
    model, folder = bert
    layer = "encoder.layer.2.attention.output.dense"
    report = _json(folder, "--layer", layer, "--terms", 4)
    assert report["key"] == f"{layer}.weight" and not report["transposed"]
    _check_against_numpy(report, model.encoder.layer[2].attention.output.dense.weight.detach().numpy(), 4)
    report = _json(folder, "-k", "encoder.layer.0.intermediate.dense.weight", "--terms", 2)
    assert report["shape"] == [48, 24]  # nn.Linear(24, 48).weight is (out, in) already
    _check_against_numpy(report, model.encoder.layer[0].intermediate.dense.weight.detach().numpy(), 2)


def _error(*args):
    result = _invoke(*args)
    assert result.exit_code != 0 and isinstance(result.exception, CheckpointError), result.output
    return str(result.exception)


def test_folder_errors_name_the_path_and_the_problem(gpt2, bert, tmp_path):
    model, folders = gpt2
    message = _error(folders["sharded"], "--key", "transformer.h.0.attn.c_atn")
    assert str(folders["sharded"] / "model.safetensors.index.json") in message
    assert "no tensor named 'transformer.h.0.attn.c_atn' (did you mean transformer.h.0.attn.c_attn" in message
    message = _error(bert[1], "--layer", "layer.2.attention.output.dense")  # the "encoder." prefix left out
    assert "(did you mean encoder.layer.2.attention.output.dense.weight?)" in message
    matrices = [k for k, t in model.state_dict().items() if t.ndim == 2]
    for kind, folder in folders.items():
        message = _error(folder)
        count = len(matrices) - (kind != "bin")  # save_pretrained drops lm_head.weight, tied to wte
        assert f"({count} 2-D tensors): pass --key NAME. Available: " in message, message
        assert "transformer.h.0.attn.c_attn.weight (32, 96)" in message  # the stored shape
    truncated = tmp_path / "truncated"
    truncated.mkdir()
    data = (folders["single"] / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(data[: len(data) // 2])
    message = _error(truncated, "--key", "transformer.wte")
    assert message.startswith(f"{truncated / 'model.safetensors'} could not be read as a .safetensors file (truncated")
    (tmp_path / "empty").mkdir()
    message = _error(tmp_path / "empty")
    assert message.startswith(f"{tmp_path / 'empty'} is a folder without model weights: expected one of model.")
