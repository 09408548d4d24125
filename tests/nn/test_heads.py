"""Head splitting and factored circuits: against dense numpy products and the modules' own attention."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from linlab.nn import inspect
from linlab.nn.heads import factored_singular_values


@given(seed=st.integers(0, 2**16), d=st.integers(1, 24), d2=st.integers(1, 24), r=st.integers(1, 10),
       inner_rank=st.integers(0, 10), scale=st.sampled_from([1e-6, 1.0, 1e4]))
def test_factored_spectrum_is_the_dense_products(seed, d, d2, r, inner_rank, scale):
    g = np.random.default_rng(seed)
    k = min(inner_rank, r)
    X = g.standard_normal((d, k)) @ g.standard_normal((k, r)) * scale  # (d, r) of rank ≤ k
    Y = g.standard_normal((d2, r))
    dense = np.linalg.svd(X @ Y.T, compute_uv=False)  # formed here only to check
    got = factored_singular_values(torch.from_numpy(X), torch.from_numpy(Y)).numpy()
    n = min(d, d2, r)
    assert got.shape == (n,) and np.all(np.diff(got) <= 0)
    top = dense[0] if dense.size else 0.0
    np.testing.assert_allclose(got, dense[:n], rtol=0, atol=1e-12 * max(top, 1e-300) + 1e-300)
    assert np.all(dense[n:] <= 1e-12 * max(top, 1e-300))  # what the factors leave out is zero


def test_grouped_query_attention_pairs_each_query_head_with_its_key_value_head():
    torch.manual_seed(0)
    d, H, G, dh = 16, 4, 2, 4
    state = {
        "model.layers.0.self_attn.q_proj.weight": torch.randn(H * dh, d),
        "model.layers.0.self_attn.k_proj.weight": torch.randn(G * dh, d),
        "model.layers.0.self_attn.v_proj.weight": torch.randn(G * dh, d),
        "model.layers.0.self_attn.o_proj.weight": torch.randn(d, H * dh),
    }
    report = inspect(state, n_heads=H)
    Wq, Wk, Wv, Wo = (t.double().numpy() for t in state.values())
    assert [m.name for m in report.maps if m.kind == "k"] == ["model.layers.0.self_attn.k.head0",
                                                               "model.layers.0.self_attn.k.head1"]
    for h in range(H):
        kv = h // (H // G)  # heads 0, 1 read key/value head 0; heads 2, 3 read head 1
        q, k = Wq[h * dh:(h + 1) * dh], Wk[kv * dh:(kv + 1) * dh]
        v, o = Wv[kv * dh:(kv + 1) * dh], Wo[:, h * dh:(h + 1) * dh]
        qk = report.map(f"model.layers.0.self_attn.qk.head{h}")
        ov = report.map(f"model.layers.0.self_attn.ov.head{h}")
        assert qk.details["kv_head"] == ov.details["kv_head"] == kv and qk.layer_index == 0 and qk.head == h
        np.testing.assert_allclose(qk.singular_values, np.linalg.svd(q.T @ k, compute_uv=False)[:dh], rtol=1e-9)
        np.testing.assert_allclose(ov.singular_values, np.linalg.svd(o @ v, compute_uv=False)[:dh], rtol=1e-9)


def test_multihead_attention_heads_reproduce_its_attention_weights():
    torch.manual_seed(1)
    E, H = 12, 3
    mha = nn.MultiheadAttention(E, H, bias=False, batch_first=True)
    report = inspect(nn.ModuleDict({"attn": mha}))  # the head count comes from the module
    assert report.n_heads == H and report.map("attn.in_proj").shape == (36, 12)
    x = torch.randn(1, 5, E)
    with torch.no_grad():
        _, weights = mha(x, x, x, need_weights=True, average_attn_weights=False)  # (1, H, 5, 5)
    W = mha.in_proj_weight.detach()  # (3E, E): rows [q; k; v]
    dh = E // H
    for h in range(H):
        rows = report.map(f"attn.q.head{h}").details["rows"]
        k_rows = report.map(f"attn.k.head{h}").details["rows"]
        q_h, k_h = W[rows[0]:rows[1]], W[k_rows[0]:k_rows[1]]  # W_Q,h, W_K,h (dh, E)
        scores = x[0] @ (q_h.T @ k_h) @ x[0].T / math.sqrt(dh)  # x QK_h xᵀ / √d_head
        torch.testing.assert_close(torch.softmax(scores, dim=-1), weights[0, h], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(report.map(f"attn.qk.head{h}").singular_values,
                                   torch.linalg.svdvals((q_h.T @ k_h).double())[:dh], rtol=1e-5)


def test_layouts_that_do_not_split_are_skipped_with_a_note():
    state = {"h.0.attention.query_key_value.weight": torch.randn(24, 8),
             "h.0.attention.dense.weight": torch.randn(8, 8)}
    report = inspect(state, n_heads=2)
    assert not any(m.head is not None for m in report.maps)
    assert any("query_key_value" in n and "does not split" in n for n in report.notes)
    uneven = {"a.q_proj.weight": torch.randn(10, 8), "a.k_proj.weight": torch.randn(10, 8),
              "a.v_proj.weight": torch.randn(10, 8), "a.o_proj.weight": torch.randn(8, 10)}
    report = inspect(uneven, n_heads=4)
    assert any("do not split into 4 heads" in n for n in report.notes)
    assert [m.name for m in inspect(uneven, n_heads=5).maps if m.kind == "qk"] == [f"a.qk.head{h}" for h in range(5)]


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_n_heads_must_be_a_positive_integer(bad):
    from linlab import LinlabError

    with pytest.raises(LinlabError, match=r"n_heads must be a positive integer"):
        inspect({"w.weight": torch.ones(2, 2)}, n_heads=bad)
