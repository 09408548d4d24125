"""``inspect`` on a random GPT-2: in memory, saved, sharded and bare give one report; Conv1D and tied heads."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from linlab.nn import inspect, open_source

from ._reports import assert_same_report


@pytest.fixture(scope="module")
def gpt2_report(gpt2_model):
    return inspect(gpt2_model)


def test_saved_and_sharded_checkpoints_give_the_in_memory_report(gpt2_report, gpt2_folders):
    sharded = gpt2_folders["sharded"]
    assert len(list(sharded.glob("model-*.safetensors"))) > 1
    for source in (gpt2_folders["single"], sharded, sharded / "model.safetensors.index.json"):
        assert_same_report(gpt2_report, inspect(source))
    assert (gpt2_report.architecture, gpt2_report.d_model, gpt2_report.n_heads) == ("gpt2", 64, 4)


def test_the_tied_unembedding_is_found_in_memory_and_on_disk(gpt2_model, gpt2_report, gpt2_folders):
    assert gpt2_model.lm_head.weight is gpt2_model.transformer.wte.weight
    from safetensors import safe_open

    with safe_open(str(gpt2_folders["single"] / "model.safetensors"), "pt") as f:
        assert "lm_head.weight" not in f.keys()  # save_pretrained leaves the tied copy out
    head, wte = gpt2_report.map("lm_head"), gpt2_report.map("transformer.wte")
    assert (head.kind, head.shape, head.details["tied_to"]) == ("unembedding", (100, 64), "transformer.wte")
    assert (wte.kind, wte.shape) == ("embedding", (64, 100))
    assert head.nullity == 64 - head.rank and wte.nullity == 100 - wte.rank
    sigma = np.linalg.svd(gpt2_model.transformer.wte.weight.detach().double().numpy(), compute_uv=False)
    np.testing.assert_allclose(head.singular_values.numpy(), sigma, rtol=1e-9)
    assert torch.equal(open_source(gpt2_folders["single"]).get("lm_head.weight"), gpt2_model.lm_head.weight.detach())


def test_conv1d_weights_are_read_as_out_by_in(gpt2_model, gpt2_report):
    block = gpt2_model.transformer.h[0]
    assert tuple(block.mlp.c_fc.weight.shape) == (64, 256)  # Conv1D stores (in, out)
    up, down = gpt2_report.map("transformer.h.0.mlp.c_fc"), gpt2_report.map("transformer.h.0.mlp.c_proj")
    assert (up.shape, down.shape, gpt2_report.map("transformer.h.0.attn.c_attn").shape) == ((256, 64), (64, 256),
                                                                                          (192, 64))
    assert up.nullity == 64 - up.rank and down.nullity == 256 - down.rank
    x = torch.randn(5, 64)
    with torch.no_grad():  # the transposed weight is the map the module applies
        torch.testing.assert_close(block.mlp.c_fc(x) - block.mlp.c_fc.bias, x @ open_source(gpt2_model).get(
            "transformer.h.0.mlp.c_fc").T)


def test_heads_split_c_attn_the_way_the_model_does(gpt2_model, gpt2_report):
    attn = gpt2_model.transformer.h[1].attn
    x = torch.randn(1, 7, 64)
    W = attn.c_attn.weight.detach().T.double()  # (192, 64): rows [q; k; v]
    Wo = attn.c_proj.weight.detach().T.double()  # (64, 64): columns by head
    with torch.no_grad():
        fused = attn.c_attn(x) - attn.c_attn.bias  # (1, 7, 192), as the model computes it
    q, k, v = fused.split(64, dim=2)  # the model's own split, then heads of 16
    for h in range(4):
        rows = slice(16 * h, 16 * (h + 1))
        torch.testing.assert_close(q[0, :, rows].double(), x[0].double() @ W[rows].T)  # our q.head{h} rows
        qk = (W[rows].T @ W[64:][rows]).numpy()  # W_Q,hᵀ W_K,h (64, 64)
        ov = (Wo[:, rows] @ W[128:][rows]).numpy()
        for kind, dense in (("qk", qk), ("ov", ov)):
            report = gpt2_report.map(f"transformer.h.1.attn.{kind}.head{h}")
            sigma = np.linalg.svd(dense, compute_uv=False)
            np.testing.assert_allclose(report.singular_values.numpy(), sigma[:16], rtol=1e-8)
            assert report.rank == np.linalg.matrix_rank(dense, tol=64 * np.finfo(np.float32).eps * sigma[0]) <= 16
        assert gpt2_report.map(f"transformer.h.1.attn.k.head{h}").details["rows"] == [64 + 16 * h, 80 + 16 * h]


def test_a_bare_file_gets_circuits_only_with_n_heads(gpt2_report, gpt2_folders):
    bare = gpt2_folders["single"] / "model.safetensors"
    without = inspect(bare)
    assert not any(m.head is not None for m in without.maps)
    assert any("no head count" in note for note in without.notes)
    with_heads = inspect(bare, n_heads=4)
    assert with_heads.architecture == "gpt2"  # the (d, 3d) c_attn gives the layout away
    expected = [m.name for m in gpt2_report.maps if m.name != "lm_head"]  # no config: nothing says it is tied
    assert [m.name for m in with_heads.maps] == expected
    for m in with_heads.maps:
        torch.testing.assert_close(m.singular_values, gpt2_report.map(m.name).singular_values, rtol=1e-6, atol=0)
