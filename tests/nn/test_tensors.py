"""``read_tensor`` on files and folders written here: each tensor back exactly; one CheckpointError per problem."""

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from safetensors.torch import save_file

from linlab import CheckpointError
from linlab.nn.tensors import CONV1D_MODEL_TYPES, read_tensor

_names = st.lists(
    st.from_regex(r"[a-z]{1,4}(\.[a-z0-9_]{1,4}){0,3}\.(weight|bias)", fullmatch=True),
    min_size=1,
    max_size=6,
    unique=True,
)
_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def _state(names, shapes, seed):
    generator = torch.Generator().manual_seed(seed)
    return {n: torch.randn(s, generator=generator) for n, s in zip(names, shapes, strict=True)}


def _shard(folder: Path, state: dict, parts: int) -> None:
    """Write ``state`` as ``parts`` safetensors shards plus the index, as save_pretrained does."""
    names = list(state)
    weight_map = {}
    for p in range(parts):
        shard = f"model-{p + 1:05d}-of-{parts:05d}.safetensors"
        chunk = {n: state[n] for n in names[p::parts]}
        save_file(chunk, folder / shard)
        weight_map.update(dict.fromkeys(chunk, shard))
    (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))


@given(data=st.data(), names=_names, seed=st.integers(0, 2**16), layout=st.sampled_from(["st", "pt", "bin", "shards"]))
def test_every_layout_gives_back_the_tensor_saved_under_each_name(data, names, seed, layout):
    state = _state(names, data.draw(st.lists(_shapes, min_size=len(names), max_size=len(names))), seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if layout == "st":
            save_file(state, path := folder / "m.safetensors")
        elif layout == "pt":
            torch.save({"model": state, "step": 3}, path := folder / "m.pt")  # nested: "model." prefix
        elif layout == "bin":
            torch.save(state, folder / "pytorch_model.bin")
            path = folder
        else:
            _shard(folder, state, parts=min(3, len(state)))
            path = folder
        prefix = "model." if layout == "pt" else ""
        for name, tensor in state.items():
            found = read_tensor(path, key=prefix + name)
            assert found.key == prefix + name and not found.transposed
            assert torch.equal(found.tensor, tensor)
            if name.endswith(".weight"):  # a layer's name finds its weight
                assert read_tensor(path, key=prefix + name.removesuffix(".weight")).key == prefix + name
        matrices = [n for n, t in state.items() if t.ndim == 2]
        if len(state) == 1 or len(matrices) == 1:
            only = next(iter(state)) if len(state) == 1 else matrices[0]
            assert read_tensor(path).key == prefix + only
        else:
            with pytest.raises(CheckpointError, match=rf"holds {len(state)} tensors \(.*\): pass --key NAME"):
                read_tensor(path)


@pytest.mark.parametrize("model_type", sorted(CONV1D_MODEL_TYPES) + ["bert", None])
def test_conv1d_weights_are_transposed_only_for_conv1d_model_types(tmp_path, model_type):
    names = ["h.0.attn.c_attn.weight", "h.0.mlp.c_fc.weight", "h.0.mlp.c_proj.bias", "wte.weight"]
    state = _state(names, [(2, 6), (2, 8), (2,), (5, 2)], 0)
    save_file(state, tmp_path / "model.safetensors")
    if model_type is not None:  # None: no config.json, so nothing says the weights are Conv1D
        (tmp_path / "config.json").write_text(json.dumps({"model_type": model_type}))
    conv1d = model_type in CONV1D_MODEL_TYPES
    for name, tensor in state.items():
        found = read_tensor(tmp_path, key=name)
        flip = conv1d and name.endswith(("c_attn.weight", "c_fc.weight"))
        assert found.transposed == flip
        assert torch.equal(found.tensor, tensor.T if flip else tensor)
        assert found.name == f"{tmp_path.name}/model.safetensors[{name}]"


def test_legacy_pickle_format_and_npy(tmp_path):
    W = torch.randn(3, 4)
    torch.save({"w": W}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)  # cannot be memory-mapped
    assert torch.equal(read_tensor(tmp_path / "old.pt", key="w").tensor, W)
    np.save(tmp_path / "w.npy", W.numpy())
    found = read_tensor(tmp_path / "w.npy")
    assert found.key is None and found.name == "w.npy" and np.array_equal(found.tensor.numpy(), W.numpy())


def _index(folder, weight_map):
    (folder / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))


@pytest.mark.parametrize(
    "make, key, message",
    [
        (lambda p: None, None, r"is a folder without model weights: expected one of model.safetensors.index.json"),
        (
            lambda p: (p / "model.safetensors.index.json").write_text("{not json"),
            "w",
            r"model.safetensors.index.json is not a shard index with a weight_map: JSONDecodeError",
        ),
        (lambda p: _index(p, {"w": "../x.safetensors"}), "w", r"weight_map names a shard outside the folder"),
        (lambda p: _index(p, {"w": "model-1.safetensors"}), "w", r"puts w in model-1.safetensors, but .* not exist"),
        (lambda p: _index(p, {"w": "model-1.safetensors"}), None, r"model-1.safetensors: shard listed in the index"),
        (
            lambda p: (save_file({"a": torch.ones(2)}, p / "m-1.safetensors"), _index(p, {"w": "m-1.safetensors"})),
            "w",
            r"m-1.safetensors has no tensor named 'w'",
        ),
        (
            lambda p: (p / "model.safetensors").write_bytes(b"\x10\0\0\0\0\0\0\0{}"),
            "w",
            r"model.safetensors could not be read as a .safetensors file \(truncated or corrupt\?\)",
        ),
        (
            lambda p: (p / "pytorch_model.bin").write_bytes(b"PK\x03\x04" + b"\0" * 40),
            "w",
            r"pytorch_model.bin could not be read as a PyTorch file",
        ),
    ],
)
def test_broken_folders_raise_checkpoint_errors_naming_the_file(tmp_path, make, key, message):
    make(tmp_path)
    with pytest.raises(CheckpointError, match=message) as caught:
        read_tensor(tmp_path, key=key)
    assert str(tmp_path) in str(caught.value)


def test_unknown_keys_suggest_names_with_the_prefix_or_spelling_fixed(tmp_path):
    names = ["bert.encoder.layer.0.output.dense.weight", "pooler.dense.weight"]
    save_file({n: torch.ones(2, 2) for n in names}, tmp_path / "m.safetensors")
    with pytest.raises(CheckpointError, match=r"\(did you mean bert.encoder.layer.0.output.dense.weight\?\)"):
        read_tensor(tmp_path / "m.safetensors", key="encoder.layer.0.output.dense")
    with pytest.raises(CheckpointError, match=r"\(did you mean pooler.dense.weight\?\)"):
        read_tensor(tmp_path / "m.safetensors", key="poolr.dense")
    with pytest.raises(CheckpointError, match=r"no tensor named 'zzz'\. Available"):
        read_tensor(tmp_path / "m.safetensors", key="zzz")
