"""A model's analysis as one self-contained HTML page: spectra, rank and nullity across depth, token readouts.

The page works offline: plotly's JavaScript is inlined from the installed ``plotly`` package
(``plotly.offline.get_plotlyjs()``, about 4.6 MB), the CSS is inline, and nothing is fetched from a
network.  Every name and token is HTML-escaped, and the plot data is embedded as JSON with every
``<`` written ``\\u003c``, so no name or token can close a script.

Layout: a header naming the model and its source; an overview (summary figures, a table by role,
rank + nullity bars of every per-block weight map across depth with effective and stable rank marked,
effective rank by role against depth); one section per block with its singular-value spectra (log
scale), its head circuits' spectra and its tables; the maps outside the blocks; norms; token
readouts; all maps; notes.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["render_html", "write_html"]

_HEAD_KINDS = frozenset({"q", "k", "v", "o", "qk", "ov"})  # one attention head's slices and circuits
_CIRCUIT_KINDS = frozenset({"qk", "ov"})
_HEAD_ORDER = ("q", "k", "v", "o", "qk", "ov")
_PALETTE = (
    "#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00", "#b82e2e", "#316395"
)
_CIRCUIT_COLOURS = {"qk": "#3366cc", "ov": "#dc3912"}


def render_html(report: Any, *, readouts: Mapping[str, Sequence[Any]] | None = None, title: str | None = None) -> str:
    """The report as a complete HTML document (a string), with plotly's JavaScript inlined.

    Parameters
    ----------
    report : ModelReport
        What :func:`linlab.nn.inspect` returned.
    readouts : mapping of map name to list of TermReadout, optional
        Token readouts (:func:`linlab.nn.readout.read_terms`) to show, per map.
    title : str, optional
        The page title; default ``"linlab analyze: <source>"``.

    Returns
    -------
    str
        The page.  It loads nothing from a network.
    """
    from plotly.offline import get_plotlyjs

    maps = list(report.maps)
    figures: list[tuple[str, dict[str, Any]]] = []
    body = [
        _header(report, maps),
        _nav(maps, report, readouts),
        _overview(maps, figures),
        _blocks(maps, figures),
        _others(maps, figures),
        _norms(getattr(report, "norms", []) or []),
        _readouts(readouts or {}, maps),
        _all_maps(maps),
        _notes(getattr(report, "notes", []) or []),
        "<footer>Made by <code>linlab analyze</code>. Everything on this page is in this one file: "
        "it needs no network.</footer>",
    ]
    scripts = "\n".join(
        f"Plotly.newPlot({json.dumps(div)}, {_js(fig['data'])}, {_js(fig['layout'])}, _cfg);" for div, fig in figures
    )
    page_title = title or f"linlab analyze: {report.source}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(page_title)}</title>\n<style>{_CSS}</style>\n"
        f"<script>{get_plotlyjs()}</script>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n<script>\nconst _cfg = {responsive: true, displaylogo: false, displayModeBar: false};\n"
        + scripts
        + "\n</script>\n</body>\n</html>\n"
    )


def write_html(path: str | Path, report: Any, *, readouts: Mapping[str, Sequence[Any]] | None = None) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return the path.

    Raises
    ------
    LinlabError
        The file cannot be written (a missing folder, no permission).
    """
    from ..errors import LinlabError

    path = Path(path)
    try:
        path.write_text(render_html(report, readouts=readouts), encoding="utf-8")
    except OSError as err:
        raise LinlabError(f"cannot write the HTML report to {path}: {err.strerror or err}") from err
    return path


# -- sections ---------------------------------------------------------------------------------------


def _header(report: Any, maps: list[Any]) -> str:
    whole = [m for m in maps if m.kind not in _HEAD_KINDS]
    heads = len(maps) - len(whole)
    facts = [
        ("architecture", report.architecture or "unknown"),
        ("d_model", report.d_model),
        ("heads", report.n_heads),
        ("maps", f"{len(whole)} weight maps" + (f" + {heads} per-head maps" if heads else "")),
        ("entries in weight maps", _count(sum(m.shape[0] * m.shape[1] for m in whole if m.kind != "unembedding"))),
    ]
    chips = "".join(f'<div class="fact"><span>{_e(k)}</span><b>{_e(v)}</b></div>' for k, v in facts if v is not None)
    return (
        '<header><div class="wrap"><p class="kicker">linlab analyze</p>'
        f"<h1>{_e(_short_source(report.source))}</h1>"
        f'<p class="source"><code>{_e(report.source)}</code></p>'
        f'<div class="facts">{chips}</div></div></header>'
    )


def _nav(maps: list[Any], report: Any, readouts: Mapping[str, Any] | None) -> str:
    blocks, rest = _by_block(maps)
    links = [("overview", "Overview")]
    links += [(f"block-{i}", f"Block {i}") for i in sorted(blocks)]
    if rest:
        links.append(("other", "Other maps"))
    if getattr(report, "norms", None):
        links.append(("norms", "Norms"))
    if readouts:
        links.append(("readouts", "Token readouts"))
    links.append(("all", "All maps"))
    if getattr(report, "notes", None):
        links.append(("notes", "Notes"))
    return '<nav><div class="wrap">' + "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in links) + "</div></nav>"


def _overview(maps: list[Any], figures: list) -> str:
    blocks, _ = _by_block(maps)
    parts = ['<section id="overview"><div class="wrap"><h2>Overview</h2>', _summary_cards(maps)]
    parts.append(
        "<h3>Summary by role</h3><p class=\"caption\">Maps that play the same part in every block (and every "
        "head) side by side: ranges over blocks and heads.</p>"
    )
    parts.append(_role_table(maps))
    per_layer = [m for i in sorted(blocks) for m in blocks[i] if m.kind not in _HEAD_KINDS]
    if per_layer:
        parts.append(
            "<h3>Rank and nullity across depth</h3><p class=\"caption\">One bar per weight map (out, in): "
            "rank + nullity = in, the rank–nullity theorem; nullity is the dimension of what the map cannot see. "
            "The markers are the effective rank (exp of the entropy of σ/Σσ) and the stable rank "
            "(‖W‖²<sub>F</sub> / σ²<sub>max</sub>): how many directions the map really uses.</p>"
        )
        parts.append(_figure("fig-depth", _depth_figure(per_layer), figures, height=520))
    trend = _trend_figure(blocks)
    if len(blocks) > 1 and trend["data"]:  # a trend needs at least two blocks
        parts.append("<h3>Effective rank across depth</h3>")
        parts.append(_figure("fig-trend", trend, figures, height=380))
    parts.append("</div></section>")
    return "".join(parts)


def _summary_cards(maps: list[Any]) -> str:
    whole = [m for m in maps if m.kind not in _HEAD_KINDS]
    full = sum(1 for m in whole if m.rank == min(m.shape))
    lossy = sum(1 for m in whole if m.nullity > 0)
    ratios = [m.effective_rank / min(m.shape) for m in whole if min(m.shape) > 0]
    finite = [m for m in whole if math.isfinite(float(m.condition_number))]
    worst = max(finite, key=lambda m: float(m.condition_number), default=None)
    cards = [
        ("full-rank weight maps", f"{full} / {len(whole)}"),
        ("weight maps with a kernel (nullity > 0)", f"{lossy}"),
        ("mean effective rank / min(out, in)", f"{sum(ratios) / len(ratios):.0%}" if ratios else "–"),
        ("largest finite condition number", _num(worst.condition_number) if worst else "–"),
    ]
    html_cards = "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for k, v in cards)
    sub = f'<p class="caption">largest condition number: <code>{_e(worst.name)}</code></p>' if worst else ""
    return f'<div class="cards">{html_cards}</div>{sub}'


def _role_table(maps: list[Any]) -> str:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for m in maps:
        groups[(_role(m), m.kind)].append(m)
    first_block = next((i for i, m in enumerate(maps) if m.layer_index is not None), len(maps))
    position = {}
    for i, m in enumerate(maps):
        position.setdefault((_role(m), m.kind), i)

    def order(group: tuple[str, str]) -> tuple[int, int, int]:
        """Embeddings first, then the blocks' weights, then their heads (q k v o qk ov), then the rest."""
        ms = groups[group]
        if ms[0].kind in _HEAD_KINDS:
            return (2, _HEAD_ORDER.index(ms[0].kind), position[group])
        if ms[0].layer_index is not None:
            return (1, 0, position[group])
        return (0 if position[group] < first_block else 3, 0, position[group])

    head = "".join(
        f"<th>{c}</th>"
        for c in ("role", "kind", "maps", "shape (out, in)", "rank", "nullity", "eff. rank", "stable rank", "condition")
    )
    rows = []
    for role, kind in sorted(groups, key=order):
        ms = groups[(role, kind)]
        shapes = sorted({f"{m.shape[0]} × {m.shape[1]}" for m in ms})
        conds = [float(m.condition_number) for m in ms]
        kernel = ' class="kernel"' if any(m.nullity for m in ms) else ""
        rows.append(
            f"<tr><td><code>{_e(role)}</code></td><td><span class=\"kind\">{_e(kind)}</span></td><td>{len(ms)}</td>"
            f"<td>{_e(', '.join(shapes))}</td><td>{_span([m.rank for m in ms], int)}</td>"
            f"<td{kernel}>{_span([m.nullity for m in ms], int)}</td>"
            f"<td>{_span([m.effective_rank for m in ms])}</td><td>{_span([m.stable_rank for m in ms])}</td>"
            f"<td>{_span(conds)}</td></tr>"
        )
    return (
        f'<div class="scroll"><table class="maps"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
        "</tbody></table></div>"
    )


def _blocks(maps: list[Any], figures: list) -> str:
    blocks, _ = _by_block(maps)
    parts = []
    for i in sorted(blocks):
        whole = [m for m in blocks[i] if m.kind not in _HEAD_KINDS]
        heads = [m for m in blocks[i] if m.kind in _HEAD_KINDS]
        circuits = [m for m in heads if m.kind in _CIRCUIT_KINDS]
        parts.append(f'<section id="block-{i}"><div class="wrap"><h2>Block {i}</h2>')
        grid = []
        if whole:
            spectra = _spectra_figure(whole, f"Singular values of the weights, block {i}")
            grid.append(_figure(f"fig-block-{i}", spectra, figures))
        if circuits:
            grid.append(_figure(f"fig-circ-{i}", _circuit_figure(circuits, i), figures))
        parts.append(f'<div class="grid">{"".join(grid)}</div>')
        parts.append(_table(whole))
        if heads:
            kinds = ", ".join(k.upper() for k in _HEAD_ORDER if any(m.kind == k for m in heads))
            parts.append(f"<details><summary>{len(heads)} per-head maps ({kinds})</summary>{_table(heads)}</details>")
        parts.append("</div></section>")
    return "".join(parts)


def _others(maps: list[Any], figures: list) -> str:
    _, rest = _by_block(maps)
    if not rest:
        return ""
    return (
        '<section id="other"><div class="wrap"><h2>Other maps</h2>'
        '<p class="caption">Maps outside the repeated blocks: embeddings, unembedding, pooler.</p>'
        + _figure("fig-other", _spectra_figure(rest, "Singular values"), figures)
        + _table(rest)
        + "</div></section>"
    )


def _all_maps(maps: list[Any]) -> str:
    return (
        f'<section id="all"><div class="wrap"><h2>All maps</h2><details><summary>{len(maps)} maps</summary>'
        f"{_table(maps)}</details></div></section>"
    )


def _norms(norms: Sequence[Any]) -> str:
    if not norms:
        return ""
    rows = [_fields(n) for n in norms]
    columns = [c for c in rows[0] if all(not isinstance(r.get(c), (list, dict)) for r in rows)]
    head = "".join(f"<th>{_e(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(r.get(c)) for c in columns) + "</tr>" for r in rows)
    return (
        '<section id="norms"><div class="wrap"><h2>Norms</h2>'
        '<p class="caption">LayerNorm centres x onto the hyperplane 1<sup>⊥</sup> (center rank n − 1: it forgets '
        "the direction 1) and rescales it onto the sphere of radius √n there; the gain and bias then stretch and "
        "move that sphere. RMSNorm skips the centering.</p>"
        f'<div class="scroll"><table class="maps"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        "</div></section>"
    )


_SIDES = {
    "qk": "A QK circuit W<sub>Q,h</sub>ᵀW<sub>K,h</sub> is a bilinear form x<sub>q</sub>ᵀ M x<sub>k</sub>: v is read "
    "from the attended-to token (the key side), u from the attending token (the query side).",
    "ov": "An OV circuit W<sub>O,h</sub>W<sub>V,h</sub>: v is read from the attended-to token, u is written to the "
    "residual stream of the attending one.",
}


def _readouts(readouts: Mapping[str, Sequence[Any]], maps: Sequence[Any]) -> str:
    if not readouts:
        return ""
    parts = [
        '<section id="readouts"><div class="wrap"><h2>Token readouts</h2>'
        '<p class="caption">Each term σ·u vᵀ reads along v and writes along u. A direction in d_model space is '
        'read through the token matrix: <span class="pos">+</span> lists the tokens most aligned with it, '
        '<span class="neg">−</span> those most aligned with its opposite (the cosine shows on hover).</p>'
    ]
    kinds = {m.name: m.kind for m in maps}
    for name, terms in readouts.items():
        parts.append(f'<h3 id="readout-{_e(_anchor(name))}"><code>{_e(name)}</code></h3>')
        if kinds.get(name) in _SIDES:
            parts.append(f'<p class="caption">{_SIDES[kinds[name]]}</p>')
        rows = []
        for t in terms:
            flag = (
                ' <span class="tag" title="σ (nearly) repeats: only the span of these terms is meaningful">tied</span>'
                if t.degenerate
                else ""
            )
            rows.append(
                f"<tr><td>{t.index}{flag}</td><td>{_num(t.scale)}</td><td>{t.energy:.1%}</td>"
                f"<td>{_direction(t.read)}</td><td>{_direction(t.write)}</td></tr>"
            )
        parts.append(
            '<div class="scroll"><table class="readout"><thead><tr><th>term</th><th>σ</th><th>energy</th>'
            "<th>reads v</th><th>writes u</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
        )
    parts.append("</div></section>")
    return "".join(parts)


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f'<section id="notes"><div class="wrap"><h2>Notes</h2><ul>{items}</ul></div></section>'


# -- figures (plotly JSON) ------------------------------------------------------------------------


def _depth_figure(maps: list[Any]) -> dict[str, Any]:
    x = [[f"block {m.layer_index}" for m in maps], [_e(_role(m)) for m in maps]]  # a two-level category axis
    hover = [f"{_e(m.name)}<br>shape {m.shape[0]} × {m.shape[1]}<br>rank {m.rank}, nullity {m.nullity}" for m in maps]
    bar = {"type": "bar", "x": x, "hovertext": hover, "hoverinfo": "text"}
    dot = {"type": "scatter", "mode": "markers", "x": x}
    data = [
        {**bar, "name": "rank", "y": [m.rank for m in maps], "marker": {"color": "#3366cc"}},
        {**bar, "name": "nullity", "y": [m.nullity for m in maps], "marker": {"color": "#c9d3e3"}},
        {**dot, "name": "effective rank", "y": [_round(m.effective_rank) for m in maps],
         "marker": {"color": "#ff9900", "symbol": "diamond", "size": 8}},
        {**dot, "name": "stable rank", "y": [_round(m.stable_rank) for m in maps],
         "marker": {"color": "#109618", "size": 6}},
    ]  # fmt: skip
    layout = _layout("dimensions", barmode="stack", bargap=0.15)
    layout["xaxis"] = {"tickangle": -50, "tickfont": {"size": 10}}
    layout["legend"] = {"orientation": "h", "y": 1.1, "x": 0}
    layout["margin"] = {"l": 60, "r": 20, "t": 30, "b": 170}
    return {"data": data, "layout": layout}


def _trend_figure(blocks: dict[int, list[Any]]) -> dict[str, Any]:
    """Effective rank per role (a weight map's name without its block, or a circuit kind) against depth."""
    series: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for i, members in blocks.items():
        for m in members:
            if m.kind in _HEAD_KINDS and m.kind not in _CIRCUIT_KINDS:
                continue  # the per-head slices are full rank d_head: the circuits say more
            role = f"{m.kind.upper()} circuit (mean over heads)" if m.kind in _CIRCUIT_KINDS else _role(m)
            series[_e(role)][i].append(m.effective_rank)
    data = []
    for n, (role, points) in enumerate(sorted(series.items())):
        xs = sorted(points)
        data.append(
            {"type": "scatter", "mode": "lines+markers", "name": role, "x": xs,
             "y": [_round(sum(points[i]) / len(points[i])) for i in xs], "line": {"color": _PALETTE[n % len(_PALETTE)]}}
        )  # fmt: skip
    layout = _layout("effective rank")
    layout["xaxis"] = {"title": {"text": "block"}, "dtick": 1}
    layout["legend"] = {"orientation": "v", "x": 1.02, "y": 1}
    layout["margin"] = {"l": 60, "r": 20, "t": 20, "b": 50}
    return {"data": data, "layout": layout}


def _spectra_figure(maps: list[Any], title: str) -> dict[str, Any]:
    data = []
    for n, m in enumerate(maps):
        s = _sigmas(m)
        data.append(
            {"type": "scatter", "mode": "lines", "name": _e(_role(m)), "x": list(range(1, len(s) + 1)), "y": s,
             "line": {"color": _PALETTE[n % len(_PALETTE)], "width": 2},
             "hovertemplate": f"{_e(m.name)}<br>σ_%{{x}} = %{{y:.4g}}<extra></extra>"}
        )  # fmt: skip
    return {"data": data, "layout": _log_layout(title)}


def _circuit_figure(maps: list[Any], block: int) -> dict[str, Any]:
    data, shown = [], set()
    for m in maps:
        s = _sigmas(m)
        data.append(
            {"type": "scatter", "mode": "lines", "name": f"{m.kind.upper()} circuits", "legendgroup": m.kind,
             "showlegend": m.kind not in shown, "x": list(range(1, len(s) + 1)), "y": s, "opacity": 0.6,
             "line": {"color": _CIRCUIT_COLOURS.get(m.kind, "#666"), "width": 1.5},
             "hovertemplate": f"{_e(m.name)}<br>σ_%{{x}} = %{{y:.4g}}<extra></extra>"}
        )  # fmt: skip
        shown.add(m.kind)
    return {"data": data, "layout": _log_layout(f"Head circuits, block {block} (one line per head)")}


def _log_layout(title: str) -> dict[str, Any]:
    layout = _layout("σ (log scale)", title=title)
    layout["yaxis"]["type"] = "log"
    layout["yaxis"]["exponentformat"] = "power"
    layout["xaxis"] = {"title": {"text": "term i, largest σ first", "standoff": 4}, "rangemode": "tozero"}
    layout["legend"] = {"orientation": "h", "y": -0.28, "x": 0}
    layout["margin"] = {"l": 60, "r": 20, "t": 40, "b": 95}
    return layout


def _layout(ytitle: str, *, title: str | None = None, **extra: Any) -> dict[str, Any]:
    layout = {
        "margin": {"l": 60, "r": 20, "t": 40 if title else 20, "b": 50},
        "yaxis": {"title": {"text": ytitle}, "gridcolor": "#e8ecf2"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#fbfcfe",
        "font": {"family": "Inter, system-ui, sans-serif", "size": 12, "color": "#1f2a37"},
        **extra,
    }
    if title:
        layout["title"] = {"text": _e(title), "font": {"size": 14}, "x": 0.02}
    return layout


def _figure(div: str, figure: dict[str, Any], figures: list, *, height: int = 380) -> str:
    figures.append((div, figure))
    return f'<div class="figure" id="{div}" style="height:{height}px"></div>'


# -- tables and small pieces -------------------------------------------------------------------------

_COLUMNS = ("name", "kind", "shape (out, in)", "rank", "nullity", "eff. rank", "stable rank", "condition", "σ_max")


def _table(maps: list[Any]) -> str:
    if not maps:
        return ""
    head = "".join(f"<th>{c}</th>" for c in _COLUMNS)
    rows = []
    for m in maps:
        s = m.singular_values
        sigma_max = float(s[0]) if len(s) else 0.0
        kernel = ' class="kernel"' if m.nullity > 0 else ""
        rows.append(
            f"<tr><td><code>{_e(m.name)}</code></td><td><span class=\"kind\">{_e(m.kind)}</span></td>"
            f"<td>{m.shape[0]} × {m.shape[1]}</td><td>{m.rank}</td><td{kernel}>{m.nullity}</td>"
            f"<td>{_num(m.effective_rank)}</td><td>{_num(m.stable_rank)}</td><td>{_num(m.condition_number)}</td>"
            f"<td>{_num(sigma_max)}</td></tr>"
        )
    return (
        f'<div class="scroll"><table class="maps"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
        "</tbody></table></div>"
    )


def _direction(d: Any) -> str:
    if not d.readable:
        return f'<span class="muted">{_e(d.reason)}</span>'
    return (
        f'<div class="toks"><span class="pos">+</span>{_tokens(d.positive)}</div>'
        f'<div class="toks"><span class="neg">−</span>{_tokens(d.negative)}</div>'
    )


def _tokens(matches: Iterable[Any]) -> str:
    chips = []
    for token, cos in matches:
        weight = max(0.08, min(1.0, abs(cos)))  # the chip's shade follows the cosine
        chips.append(
            f'<span class="tok" style="--w:{weight:.2f}" title="cos {cos:.3f}">{_e(_visible(token))}</span>'
        )
    return "".join(chips)


def _visible(token: str) -> str:
    """Whitespace shown, so an empty-looking token still reads as something."""
    return token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥") or "∅"


def _fields(obj: Any) -> dict[str, Any]:
    """A norm's JSON fields, its ``geometry`` dict spread into columns."""
    data = obj.to_json() if hasattr(obj, "to_json") else dict(vars(obj))
    flat = {k: v for k, v in data.items() if k != "geometry" and not hasattr(v, "shape")}
    flat.update(data.get("geometry") or {})
    return flat


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if value is None:
        return "<td>–</td>"
    if isinstance(value, float):
        return f"<td>{_num(value)}</td>"
    if isinstance(value, str):
        return f"<td><code>{_e(value)}</code></td>" if "." in value and " " not in value else f"<td>{_e(value)}</td>"
    return f"<td>{_e(value)}</td>"


def _by_block(maps: list[Any]) -> tuple[dict[int, list[Any]], list[Any]]:
    blocks: dict[int, list[Any]] = defaultdict(list)
    rest = []
    for m in maps:
        (blocks[m.layer_index] if m.layer_index is not None else rest).append(m)
    return dict(blocks), rest


def _role(m: Any) -> str:
    """The map's name without its block and head: ``encoder.layer.2.attention.qk.head3`` → ``attention.qk``."""
    name = re.sub(r"\.head\d+$", "", m.name) if m.head is not None else m.name
    if m.layer_index is None:
        return name
    parts = name.split(".")
    for i, p in enumerate(parts):
        if p == str(m.layer_index):
            return ".".join(parts[i + 1 :]) or name
    return name


def _span(values: list[float], kind: type = float) -> str:
    """``min–max`` of a column over a group (one value when they agree)."""
    low, high = min(values), max(values)
    if kind is int:
        return f"{low}" if low == high else f"{low}–{high}"
    return _num(low) if _num(low) == _num(high) else f"{_num(low)}–{_num(high)}"


def _sigmas(m: Any) -> list[float]:
    """The singular values that count (the first ``rank``): the rest are 0 up to rounding and would swamp a log plot."""
    s = m.singular_values[: max(int(m.rank), 1)].tolist()
    return [_round(v) for v in s if v > 0]


def _round(v: float) -> float | None:
    v = float(v)
    return float(f"{v:.5g}") if math.isfinite(v) else None


def _num(v: Any) -> str:
    v = float(v)
    if math.isinf(v):
        return "∞"
    if math.isnan(v):
        return "–"
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        return f"{v:.3g}"
    return f"{v:.4g}" if abs(v) < 100 else f"{v:,.1f}"


def _count(n: int) -> str:
    return f"{n / 1e9:.2f} B" if n >= 1e9 else f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n:,}"


def _short_source(source: Any) -> str:
    text = str(source).rstrip("/")
    parts = Path(text).parts
    if len(parts) >= 2 and parts[-1] == "model":  # a package's folder: name it by its package
        return parts[-2]
    return parts[-1] if parts else text


def _anchor(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", name)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _js(value: Any) -> str:
    """JSON that is safe inside a <script>: no ``</`` or ``<!--`` can end or comment it."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_CSS = """
:root{--ink:#1f2a37;--muted:#6b7a90;--line:#e3e8ef;--bg:#f5f7fb;--card:#fff;--blue:#3366cc;--red:#c0392b}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 Inter,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
  background:var(--bg)}
.wrap{max-width:1240px;margin:0 auto;padding:0 24px}
header{background:linear-gradient(120deg,#18243a,#28497e);color:#fff;padding:28px 0 22px}
header h1{margin:2px 0 4px;font-size:28px;font-weight:650}
.kicker{margin:0;text-transform:uppercase;letter-spacing:.12em;font-size:11px;opacity:.75}
.source code{color:#cfe0ff;font-size:12px;word-break:break-all}
.facts{display:flex;flex-wrap:wrap;gap:10px;margin-top:14px}
.fact{background:rgba(255,255,255,.1);border:1px solid rgba(255,255,255,.18);border-radius:8px;padding:6px 12px}
.fact span{display:block;font-size:10px;text-transform:uppercase;letter-spacing:.08em;opacity:.7}
.fact b{font-size:15px;font-weight:600}
nav{position:sticky;top:0;z-index:5;background:rgba(255,255,255,.95);border-bottom:1px solid var(--line);
  backdrop-filter:blur(4px)}
nav .wrap{display:flex;gap:4px;overflow-x:auto;padding-top:6px;padding-bottom:6px}
nav a{color:var(--ink);text-decoration:none;padding:5px 10px;border-radius:6px;white-space:nowrap;font-size:13px}
nav a:hover{background:#eaf0fb;color:var(--blue)}
section{padding:22px 0 8px}
section>.wrap{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 24px 22px;
  box-shadow:0 1px 2px rgba(20,30,50,.04)}
h2{margin:0 0 12px;font-size:20px}
h3{margin:22px 0 8px;font-size:15px}
.caption{color:var(--muted);margin:4px 0 10px;max-width:900px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:10px;padding:12px 16px;background:#fbfcfe}
.card b{display:block;font-size:22px;font-weight:650}
.card span{color:var(--muted);font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px}
.figure{width:100%;min-width:0}
.scroll{overflow-x:auto;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.05em;
  border-bottom:2px solid var(--line);padding:6px 8px;white-space:nowrap}
td{border-bottom:1px solid var(--line);padding:5px 8px;vertical-align:top}
table.maps td:nth-child(n+3){text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.maps th:nth-child(n+3){text-align:right}
tbody tr:nth-child(even){background:#fafbfd}
tbody tr:hover{background:#eef3fc}
code{font-family:"JetBrains Mono",ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.kind{display:inline-block;padding:0 7px;border-radius:10px;background:#eaf0fb;color:var(--blue);font-size:11px}
td.kernel{color:var(--red);font-weight:600}
details{margin:8px 0}
summary{cursor:pointer;color:var(--blue);font-weight:600}
.toks{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:2px 0}
.tok{font-family:ui-monospace,Menlo,monospace;font-size:12px;padding:1px 6px;border-radius:5px;
  background:rgba(51,102,204,calc(var(--w)*.35));border:1px solid rgba(51,102,204,.25)}
.toks:nth-child(2) .tok{background:rgba(192,57,43,calc(var(--w)*.3));border-color:rgba(192,57,43,.25)}
.pos,.neg{display:inline-block;width:16px;font-weight:700;text-align:center}
.pos{color:var(--blue)}.neg{color:var(--red)}
.muted{color:var(--muted);font-style:italic}
.tag{font-size:10px;background:#fff3d6;color:#8a5a00;border-radius:4px;padding:0 4px}
table.readout td:nth-child(-n+3){white-space:nowrap;font-variant-numeric:tabular-nums}
footer{color:var(--muted);text-align:center;font-size:12px;padding:24px}
"""
