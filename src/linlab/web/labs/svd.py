"""The SVD read/write lab: M = Σ σ_i u_i v_iᵀ for a typed matrix, or for a layer of all-MiniLM-L6-v2.

For a typed matrix (up to 6×6) each term is shown with its scale σ_i, its read direction v_i and
its write direction u_i, its share of the energy σ_i²/‖M‖²_F, and (for 2×2, 3×3, 2×3, 3×2) the
picture: the unit circle or sphere with the v_i, and its image with the σ_i u_i.  For a model layer
the read or write direction that lives in the residual stream is read through the vocabulary: the
tokens whose embeddings have the largest cosine with +v and with −v.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linlab.algebra import readwrite

from . import display, minilm
from .core import Field, Figure, Lab, Result
from .figures import map_figure, spectrum_figure
from .inputs import read_choice, read_integer, read_matrix

__all__ = ["LAB", "compute", "MAX_SIZE"]

MAX_SIZE = 6

SOURCE = Field(
    "source",
    gettext_lazy("Source"),
    "matrix",
    kind="select",
    choices=(("matrix", gettext_lazy("a typed matrix")), ("model", gettext_lazy("a MiniLM layer"))),
)
MATRIX = Field(
    "matrix",
    gettext_lazy("Matrix"),
    "3 0; 4 5",
    kind="textarea",
    help=gettext_lazy("Rows separated by ; or new lines: 3 0; 4 5. At most 6×6."),
    max_length=2000,
)
LAYER = Field(
    "layer", gettext_lazy("Layer"), "0", kind="select", choices=tuple((str(i), str(i)) for i in range(minilm.LAYERS))
)
WEIGHT = Field(
    "weight",
    gettext_lazy("Weight"),
    "value",
    kind="select",
    choices=(
        ("query", gettext_lazy("W_Q (query, 384×384)")),
        ("key", gettext_lazy("W_K (key, 384×384)")),
        ("value", gettext_lazy("W_V (value, 384×384)")),
        ("attention-output", gettext_lazy("W_O (attention output, 384×384)")),
        ("mlp-in", gettext_lazy("MLP in (1536×384)")),
        ("mlp-out", gettext_lazy("MLP out (384×1536)")),
    ),
)
TERMS = Field("terms", gettext_lazy("Terms"), "5", help=gettext_lazy("1 to 12"))


def _spectrum_labels() -> dict[str, str]:
    return {"sigma": _("σᵢ"), "cumulative": _("cumulative energy share"), "index": _("term i"), "energy": _("energy share")}


def _matrix_result(values: Mapping[str, str]) -> Result:
    entries = read_matrix(MATRIX, values.get("matrix", ""), max_rows=MAX_SIZE, max_cols=MAX_SIZE)
    M = np.array([[float(x) for x in row] for row in entries])  # (out, in)
    m, n = M.shape
    rw = readwrite(entries)
    scales, energy = rw.scales.tolist(), rw.energy.tolist()
    reads = rw.reads.double().numpy()  # (in, k): column i is v_i
    writes = rw.writes.double().numpy()  # (out, k): column i is u_i
    terms = [
        (s, e, [display.clean(float(x)) for x in reads[:, i]], [display.clean(float(x)) for x in writes[:, i]])
        for i, (s, e) in enumerate(zip(scales, energy))
    ]
    residual = float(np.abs(M - rw.matrix().double().numpy()).max()) if terms else float(np.abs(M).max())
    figures = []
    if m in (2, 3) and n in (2, 3):
        labels = {
            "grid": _("unit grid"), "circle": _("unit circle"), "sphere": _("unit sphere"), "square": _("unit square"),
            "cube": _("unit cube"), "kernel": _("kernel"), "image": _("image"), "read": _("read"), "write": _("write"),
        }
        spec = map_figure(
            M,
            titles=(_("reads vᵢ in the input"), _("writes σᵢuᵢ in the output")),
            labels=labels,
            terms=[(s, np.array(v), np.array(u)) for s, _e, v, u in terms],
        )
        caption = _("Left: the unit circle or sphere and the read directions vᵢ. Right: its image and σᵢuᵢ.")
        figures.append(Figure("map", spec, caption))
    if terms:
        caption = _("The singular values σᵢ (bars) and the cumulative energy share (line).")
        figures.append(Figure("spectrum", spectrum_figure(scales, energy, labels=_spectrum_labels()), caption))
    context = {
        "source": "matrix",
        "matrix": display.matrix_mathml(entries),
        "shape": (m, n),
        "rank": rw.rank,
        "terms": [
            {"index": i, "sigma": display.number(s), "energy": f"{100 * e:.1f}%", "read": display.vector_mathml(v),
             "write": display.vector_mathml(u)}
            for i, (s, e, v, u) in enumerate(terms, start=1)
        ],
        "symmetric": rw.is_symmetric,
        "degenerate": [[i + 1 for i in group] for group in rw.degenerate_groups],
        "residual": display.number(residual),
        "frobenius": display.number(rw.total_energy**0.5),
    }
    data = {
        "source": "matrix",
        "shape": [m, n],
        "rank": rw.rank,
        "symmetric": rw.is_symmetric,
        "terms": [{"sigma": s, "energy": e, "read": v, "write": u} for s, e, v, u in terms],
        "frobenius_squared": rw.total_energy,
    }
    return Result("labs/results/svd.html", context, data, figures)


def _model_result(values: Mapping[str, str]) -> Result:
    layer = int(read_choice(LAYER, values.get("layer", "")))
    weight = read_choice(WEIGHT, values.get("weight", ""))
    k = read_integer(TERMS, values.get("terms", ""), low=1, high=minilm.MAX_TERMS)
    if minilm.model_folder() is None:
        data = {"source": "model", "available": False, "message": str(_("The models extra is not installed."))}
        return Result("labs/results/svd.html", {"source": "model", "unavailable": True}, data)
    info = minilm.layer_terms(layer, weight)
    side = minilm.RESIDUAL_SIDE[weight]  # the side in the residual stream, where token embeddings live
    terms = []
    for t in minilm.term_readouts(layer, weight, k):
        direction = t.read if side == "read" else t.write
        terms.append({
            "index": t.index + 1,
            "sigma": t.scale,
            "energy": t.energy,
            "degenerate": t.degenerate,
            "positive": [(match.token, match.cos) for match in direction.positive],
            "negative": [(match.token, match.cos) for match in direction.negative],
        })
    out, inp = info.shape
    context = {
        "source": "model",
        "name": info.name,
        "shape": info.shape,
        "rank": len(info.scales),
        "side": side,
        "other_dim": out if side == "read" else inp,
        "terms": [
            {**t, "sigma": display.number(t["sigma"]), "energy": f"{100 * t['energy']:.2f}%",
             "positive": [(tok, f"{c:.3f}") for tok, c in t["positive"]],
             "negative": [(tok, f"{c:.3f}") for tok, c in t["negative"]]}
            for t in terms
        ],
        "top_energy": f"{100 * sum(info.energy[: len(terms)]):.1f}%",
        "k": len(terms),
        "any_degenerate": any(t["degenerate"] for t in terms),
        "wide": True,
    }
    data = {
        "source": "model",
        "available": True,
        "name": info.name,
        "shape": list(info.shape),
        "rank": len(info.scales),
        "scales": info.scales,
        "terms": [{key: t[key] for key in ("sigma", "energy", "positive", "negative")} | {"side": side} for t in terms],
    }
    spectrum = spectrum_figure(info.scales, info.energy, labels=_spectrum_labels(), highlight=len(terms))
    caption = _("All %(n)d singular values of %(name)s; the first %(k)d, read below, are coloured.") % {
        "n": len(info.scales), "name": info.name, "k": len(terms)}
    return Result("labs/results/svd.html", context, data, [Figure("spectrum", spectrum, caption)])


def compute(values: Mapping[str, str]) -> Result:
    """The read/write terms of the typed matrix (``source=matrix``) or of a MiniLM weight (``source=model``)."""
    source = read_choice(SOURCE, values.get("source", "matrix"))
    return _model_result(values) if source == "model" else _matrix_result(values)


LAB = Lab(
    slug="svd",
    title=gettext_lazy("SVD: read, scale, write"),
    summary=gettext_lazy(
        "Split a matrix, or a layer of a real transformer, into terms that read along vᵢ, scale by σᵢ and write along uᵢ."
    ),
    fields=(SOURCE, MATRIX, LAYER, WEIGHT, TERMS),
    compute=compute,
    form_template="labs/forms/svd.html",
    form_context=lambda: {"model_installed": minilm.model_folder() is not None},
)
