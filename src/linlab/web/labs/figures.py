"""Plotly figures as plain dicts (``{"data": [...], "layout": {...}}``), drawn in the browser by labs.js.

Building the JSON by hand keeps a lab request free of plotly's Python import (and its cost); the
browser's plotly.js is the one served by the site.  Every figure is small: polylines are sampled
with a few dozen points and joined into one trace per kind, separated by ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["map_figure", "spectrum_figure", "layernorm_figure", "histogram_figure", "COLORS"]

COLORS = {
    "grid": "#b8c2cc",
    "shape": "#7e57c2",
    "square": "rgba(126, 87, 194, 0.15)",
    "e": ("#d62728", "#2ca02c", "#1f77b4"),
    "kernel": "#ff7f0e",
    "image": "#17becf",
    "point": "#d62728",
    "center": "#ff7f0e",
    "ring": "#2ca02c",
    "axis": "#555f6b",
    "plane": "#7e57c2",
    "bar": "#5b6ee1",
    "line": "#d62728",
}
_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_GRID = "#eef1f4"


def _layout(**extra: Any) -> dict[str, Any]:
    base = {
        "font": _FONT,
        "margin": {"l": 36, "r": 10, "t": 40, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0.5, "xanchor": "center"},
        "hovermode": "closest",
    }
    base.update(extra)
    return base


def _top_legend(layout: dict[str, Any], margin: dict[str, int]) -> dict[str, Any]:
    layout["margin"] = margin
    layout["legend"] = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"}
    return layout


def _rounded(values: np.ndarray) -> list[float]:
    return np.round(np.asarray(values, dtype=float), 6).tolist()


def _join(lines: Sequence[np.ndarray]) -> list[list[float | None]]:
    """Polylines of shape (k_i, dim) as per-coordinate lists, separated by None (one trace)."""
    dim = lines[0].shape[1]
    coords: list[list[float | None]] = [[] for _ in range(dim)]
    for line in lines:
        for c in range(dim):
            coords[c].extend(_rounded(line[:, c]))
            coords[c].append(None)
    return coords


def _sub(i: int) -> str:
    return str(i).translate(_SUBSCRIPT)


# -- the input shapes of a linear map: unit grid, square and circle (R²), unit sphere and cube (R³) --------


def _circle(n: int = 97) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, n)
    return np.stack([np.cos(t), np.sin(t)], axis=1)  # (n, 2)


def _grid2(k: float = 1.0, step: float = 0.5) -> list[np.ndarray]:
    """Lines x = i and y = i for i = −k, −k + step, …, k by their end points (a linear map keeps lines straight)."""
    lines = []
    for i in np.arange(-k, k + step / 2, step):
        lines.append(np.array([[i, -k], [i, k]], dtype=float))
        lines.append(np.array([[-k, i], [k, i]], dtype=float))
    return lines


def _sphere(latitudes: int = 5, longitudes: int = 8, n: int = 49) -> list[np.ndarray]:
    """Circles of latitude and meridians of the unit sphere, each (n, 3)."""
    t = np.linspace(0, 2 * math.pi, n)
    lines = []
    for phi in np.linspace(-math.pi / 2, math.pi / 2, latitudes + 2)[1:-1]:
        ring = [math.cos(phi) * np.cos(t), math.cos(phi) * np.sin(t), np.full(n, math.sin(phi))]
        lines.append(np.stack(ring, axis=1))
    s = np.linspace(-math.pi / 2, math.pi / 2, n)
    for theta in np.linspace(0, math.pi, longitudes, endpoint=False):
        for sign in (1, -1):
            lines.append(np.stack([sign * np.cos(s) * math.cos(theta), sign * np.cos(s) * math.sin(theta), np.sin(s)], axis=1))
    return lines


def _cube_edges() -> list[np.ndarray]:
    """The 12 edges of the unit cube [0, 1]³, each (2, 3)."""
    edges = []
    for a in range(3):
        b, c = [i for i in range(3) if i != a]
        for u in (0, 1):
            for v in (0, 1):
                p = np.zeros(3)
                p[b], p[c] = u, v
                q = p.copy()
                q[a] = 1
                edges.append(np.stack([p, q]))
    return edges


class _Panels:
    """The two sides of a map figure, each a 2-D cartesian panel or a 3-D scene: traces and axis ranges."""

    def __init__(self, dims: Sequence[int]) -> None:
        self.dims = dims
        self.data: list[dict[str, Any]] = []
        self._limits = [1.0] * len(dims)

    def refs(self, side: int) -> dict[str, str]:
        if self.dims[side] == 3:
            return {"scene": "scene" if side == 0 else "scene2"}
        return {"xaxis": "x" if side == 0 else "x2", "yaxis": "y" if side == 0 else "y2"}

    def limit(self, side: int) -> float:
        return self._limits[side]

    def _extend(self, side: int, points: np.ndarray) -> None:
        if points.size:
            self._limits[side] = max(self._limits[side], float(np.abs(points).max()))

    def lines(
        self,
        side: int,
        lines: list[np.ndarray],
        *,
        name: str,
        color: str,
        width: float = 2,
        dash: str = "solid",
        group: str | None = None,
        legend: bool = True,
        behind: bool = False,
    ) -> None:
        """Polylines as one trace; ``behind`` puts it under everything drawn so far."""
        for line in lines:
            self._extend(side, line)
        trace: dict[str, Any] = {
            "type": "scatter3d" if self.dims[side] == 3 else "scatter",
            "mode": "lines",
            "name": name,
            "line": {"color": color, "width": width, "dash": dash},
            "legendgroup": group or name,
            "showlegend": legend,
            "hoverinfo": "skip",
            **self.refs(side),
        }
        trace.update(zip("xyz", _join(lines)))
        self.data.insert(0 if behind else len(self.data), trace)

    def fill(self, side: int, polygon: np.ndarray, *, name: str, group: str, legend: bool) -> None:
        """A filled polygon (k, 2) in a 2-D panel: the unit square and its image, a parallelogram."""
        self._extend(side, polygon)
        closed = np.vstack([polygon, polygon[:1]])
        self.data.append({
            "type": "scatter", "mode": "lines", "fill": "toself", "fillcolor": COLORS["square"], "name": name,
            "line": {"color": "rgba(0,0,0,0)"}, "legendgroup": group, "showlegend": legend, "hoverinfo": "skip",
            "x": _rounded(closed[:, 0]), "y": _rounded(closed[:, 1]), **self.refs(side),
        })

    def arrow(self, side: int, vector: np.ndarray, *, name: str, color: str, group: str) -> None:
        """An arrow from the origin to ``vector``, its end coordinates on hover."""
        v = np.asarray(vector, dtype=float)
        self._extend(side, v[None, :])
        tip = ", ".join(f"{x:.3g}" for x in v)
        common = {"name": name, "legendgroup": group, "hovertext": [f"{name} = ({tip})"] * 2, "hoverinfo": "text",
                  **self.refs(side)}
        if self.dims[side] == 2:
            marker = {"symbol": ["circle", "arrow"], "size": [0, 13], "angleref": "previous", "color": color}
            self.data.append({"type": "scatter", "mode": "lines+markers", "line": {"color": color, "width": 3},
                              "marker": marker, "x": [0, v[0]], "y": [0, v[1]], **common})
            return
        self.data.append({"type": "scatter3d", "mode": "lines", "line": {"color": color, "width": 6},
                          "x": [0, v[0]], "y": [0, v[1]], "z": [0, v[2]], **common})
        if np.linalg.norm(v) > 1e-9:  # the head: a cone at the tip, pointing along v
            self.data.append({
                "type": "cone", "x": [v[0]], "y": [v[1]], "z": [v[2]], "u": [v[0]], "v": [v[1]], "w": [v[2]],
                "anchor": "tip", "sizemode": "absolute", "sizeref": 0.25, "showscale": False,
                "colorscale": [[0, color], [1, color]], "hoverinfo": "skip", "showlegend": False,
                "legendgroup": group, "scene": common["scene"],
            })

    def plane(self, side: int, basis: np.ndarray, *, name: str, color: str) -> None:
        """A translucent square of the plane spanned by the orthonormal columns of ``basis`` (3, 2), behind all."""
        lim = self._limits[side]
        corners = lim * np.array([a * basis[:, 0] + b * basis[:, 1] for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
        self.data.insert(0, {
            "type": "mesh3d", "x": _rounded(corners[:, 0]), "y": _rounded(corners[:, 1]), "z": _rounded(corners[:, 2]),
            "i": [0, 0], "j": [1, 2], "k": [2, 3], "color": color, "opacity": 0.18, "name": name, "showlegend": True,
            "hoverinfo": "skip", **self.refs(side),
        })

    def finish(self, titles: Sequence[str], height: int) -> dict[str, Any]:
        """The figure: each side in its half, equal aspect, a title above each."""
        layout = _layout(height=height, showlegend=True)
        annotations = []
        for side, dim in enumerate(self.dims):
            lo, hi = (0.0, 0.46) if side == 0 else (0.54, 1.0)
            lim = round(1.12 * self._limits[side], 6)
            axis = {"range": [-lim, lim], "zeroline": True, "zerolinecolor": "#8a949e", "gridcolor": _GRID,
                    "showgrid": True, "tickfont": {"size": 11}}
            if dim == 3:
                scene_axis = {**axis, "backgroundcolor": "rgba(0,0,0,0)", "showbackground": False}
                layout["scene" if side == 0 else "scene2"] = {
                    "domain": {"x": [lo, hi], "y": [0, 1]},
                    "aspectmode": "cube",
                    "xaxis": {**scene_axis, "title": {"text": "x₁"}},
                    "yaxis": {**scene_axis, "title": {"text": "x₂"}},
                    "zaxis": {**scene_axis, "title": {"text": "x₃"}},
                    "camera": {"eye": {"x": 1.25, "y": 1.1, "z": 0.75}},
                }
            else:
                x, y = ("x", "y") if side == 0 else ("x2", "y2")
                layout["xaxis" if side == 0 else "xaxis2"] = {**axis, "domain": [lo, hi], "anchor": y, "constrain": "domain"}
                layout["yaxis" if side == 0 else "yaxis2"] = {**axis, "anchor": x, "scaleanchor": x, "scaleratio": 1,
                                                              "constrain": "domain"}
            annotations.append({"text": f"<b>{titles[side]}</b>", "x": (lo + hi) / 2, "y": 1.0, "xref": "paper",
                                "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                "font": {"size": 14}})
        layout["annotations"] = annotations
        return {"data": self.data, "layout": layout}


def map_figure(
    A: np.ndarray,
    *,
    titles: Sequence[str],
    labels: dict[str, str],
    kernel: np.ndarray | None = None,
    image: np.ndarray | None = None,
    terms: Sequence[tuple[float, np.ndarray, np.ndarray]] = (),
) -> dict[str, Any]:
    """The input shapes of x ↦ A x next to their images, for A of shape (m, n) with m, n ∈ {2, 3}.

    Parameters
    ----------
    A : array of shape (m, n)
        The matrix.
    titles : (str, str)
        Panel titles (input space, output space).
    labels : dict
        Translated legend names: ``grid``, ``circle``, ``sphere``, ``square``, ``cube``, ``kernel``, ``image``,
        ``read``, ``write``.
    kernel : array of shape (n, k), optional
        Orthonormal basis of ker A: a dashed line (k = 1) or a plane (k = 2 in R³) in the input panel.
    image : array of shape (m, r), optional
        Orthonormal basis of im A: a dashed line (r = 1) or a plane (r = 2 in R³) in the output panel.
    terms : sequence of (σ, v of shape (n,), u of shape (m,))
        SVD terms: the reads v are drawn in the input and σ·u in the output, instead of e_j and A e_j.

    Returns
    -------
    dict
        The plotly figure.
    """
    m, n = A.shape
    panels = _Panels((n, m))

    def apply(points: np.ndarray) -> np.ndarray:
        return points @ A.T  # (k, n) @ (n, m) -> (k, m)

    def both(lines: list[np.ndarray], name: str, color: str, width: float) -> None:
        """The lines in the input panel and their images in the output panel, one legend entry."""
        panels.lines(0, lines, name=name, color=color, width=width, group=name)
        panels.lines(1, [apply(line) for line in lines], name=name, color=color, width=width, group=name, legend=False)

    if n == 2:
        both(_grid2(), labels["grid"], COLORS["grid"], 1)
        square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
        panels.fill(0, square, name=labels["square"], group="square", legend=True)
        if m == 2:
            panels.fill(1, apply(square), name=labels["square"], group="square", legend=False)
        else:  # a flat parallelogram in R³: its outline
            outline = apply(np.vstack([square, square[:1]]))
            panels.lines(1, [outline], name=labels["square"], color=COLORS["shape"], width=1, group="square", legend=False)
        both([_circle()], labels["circle"], COLORS["shape"], 3)
    else:
        both(_sphere(), labels["sphere"], COLORS["shape"], 2)
        both(_cube_edges(), labels["cube"], COLORS["axis"], 3)
    if terms:
        for i, (sigma, v, u) in enumerate(terms, start=1):
            color = COLORS["e"][(i - 1) % 3]
            panels.arrow(0, v, name=f"v{_sub(i)} ({labels['read']})", color=color, group=f"term{i}")
            panels.arrow(1, sigma * u, name=f"σ{_sub(i)}u{_sub(i)} ({labels['write']})", color=color, group=f"term{i}")
    else:
        for j in range(n):
            panels.arrow(0, np.eye(n)[j], name=f"e{_sub(j + 1)}", color=COLORS["e"][j], group=f"e{j}")
            panels.arrow(1, A[:, j], name=f"Ae{_sub(j + 1)}", color=COLORS["e"][j], group=f"e{j}")
    subspaces = ((0, kernel, labels["kernel"], COLORS["kernel"]), (1, image, labels["image"], COLORS["image"]))
    for side, basis, name, color in subspaces:
        if basis is None or not 0 < basis.shape[1] < basis.shape[0]:
            continue  # {0} or the whole space: nothing to draw
        if basis.shape[1] == 1:
            reach = 1.12 * panels.limit(side) * basis[:, 0]
            panels.lines(side, [np.stack([-reach, reach])], name=name, color=color, width=4, dash="dash", behind=True)
        else:
            panels.plane(side, basis, name=name, color=color)
    return panels.finish(titles, height=460)


def spectrum_figure(
    scales: Sequence[float], energy: Sequence[float], *, labels: dict[str, str], highlight: int | None = None
) -> dict[str, Any]:
    """Bars of σ_i and a line of the cumulative energy share Σ_{j≤i} σ_j²/‖M‖²_F (right axis).

    ``highlight`` colours the first that many bars (the terms listed on the page) and greys the rest.
    """
    k = len(scales)
    index = list(range(1, k + 1))
    colors = [COLORS["bar"] if highlight is None or i < highlight else "#c5cbe0" for i in range(k)]
    data = [
        {"type": "bar", "x": index, "y": [float(s) for s in scales], "name": labels["sigma"], "marker": {"color": colors},
         "hovertemplate": "σ<sub>%{x}</sub> = %{y:.4g}<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers" if k <= 40 else "lines", "x": index,
         "y": _rounded(np.cumsum(np.asarray(energy, dtype=float))), "name": labels["cumulative"], "yaxis": "y2",
         "line": {"color": COLORS["line"], "width": 2}, "hovertemplate": "%{y:.1%}<extra></extra>"},
    ]
    layout = _layout(
        height=320,
        xaxis={"title": {"text": labels["index"]}, "tickmode": "auto" if k > 20 else "linear", "gridcolor": _GRID,
               "range": [0.4, max(k, 5) + 0.6]},  # at least 5 slots, so one or two bars stay bars
        yaxis={"title": {"text": "σ"}, "gridcolor": _GRID, "rangemode": "tozero"},
        yaxis2={"title": {"text": labels["energy"]}, "overlaying": "y", "side": "right", "range": [0, 1.02],
                "tickformat": ".0%", "tickvals": [0, 0.25, 0.5, 0.75, 1], "showgrid": False},
        bargap=0.25,
    )
    return {"data": data, "layout": _top_legend(layout, {"l": 55, "r": 55, "t": 20, "b": 40})}


def layernorm_figure(x: np.ndarray, centered: np.ndarray, ring_point: np.ndarray, *, labels: dict[str, str]) -> dict[str, Any]:
    """LayerNorm in R³: the plane H ⊥ (1,1,1), the ring of radius √3 in it, x, its projection and its ring point.

    ``x``, ``centered`` and ``ring_point`` have shape (3,); ``labels`` holds the translated legend names.
    """
    a = np.array([1.0, -1.0, 0.0]) / math.sqrt(2)  # an orthonormal basis (a, b) of H
    b = np.array([1.0, 1.0, -2.0]) / math.sqrt(6)
    one = np.ones(3) / math.sqrt(3)
    r3 = math.sqrt(3)
    norm_c = float(np.linalg.norm(centered))
    reach = max(float(np.linalg.norm(x)), r3, norm_c)
    rr, tt = np.meshgrid(np.linspace(0, 1.25 * max(norm_c, r3), 8), np.linspace(0, 2 * math.pi, 49))
    patch = rr[..., None] * (np.cos(tt)[..., None] * a + np.sin(tt)[..., None] * b)  # (49, 8, 3): a disc of H
    t = np.linspace(0, 2 * math.pi, 121)
    ring = r3 * (np.cos(t)[:, None] * a + np.sin(t)[:, None] * b)  # (121, 3)

    def line(points: np.ndarray, name: str, color: str, width: float, dash: str = "solid") -> dict[str, Any]:
        return {"type": "scatter3d", "mode": "lines", "name": name, "hoverinfo": "skip",
                "line": {"color": color, "width": width, "dash": dash},
                "x": _rounded(points[:, 0]), "y": _rounded(points[:, 1]), "z": _rounded(points[:, 2])}

    def point(p: np.ndarray, name: str, color: str, symbol: str, where: str) -> dict[str, Any]:
        coords = ", ".join(f"{v:.4g}" for v in p)
        return {"type": "scatter3d", "mode": "markers+text", "name": name, "text": [name], "textposition": where,
                "marker": {"size": 6, "color": color, "symbol": symbol}, "hovertext": [f"{name} = ({coords})"],
                "hoverinfo": "text", "x": [float(p[0])], "y": [float(p[1])], "z": [float(p[2])]}

    outer = centered if norm_c > r3 else ring_point  # the ray from 0 through both points, to the farther one
    data = [
        {"type": "surface", "x": _rounded(patch[..., 0]), "y": _rounded(patch[..., 1]), "z": _rounded(patch[..., 2]),
         "opacity": 0.22, "showscale": False, "name": labels["plane"], "colorscale": [[0, COLORS["plane"]], [1, COLORS["plane"]]],
         "hoverinfo": "skip", "showlegend": True},
        line(ring, labels["ring"], COLORS["ring"], 6),
        line(np.stack([-1.15 * reach * one, 1.15 * reach * one]), labels["axis"], COLORS["axis"], 3, "dash"),
        line(np.stack([x, centered]), labels["centering"], COLORS["center"], 4, "dot"),
        line(np.stack([np.zeros(3), outer]), labels["scaling"], COLORS["ring"], 3, "dot"),
        line(np.stack([np.zeros(3), float(np.dot(x, one)) * one]), labels["mean"], COLORS["axis"], 6),
        point(x, "x", COLORS["point"], "circle", "top center"),
        point(centered, labels["centered_short"], COLORS["center"], "diamond", "bottom center"),
        point(ring_point, "y", COLORS["ring"], "square", "top right"),
    ]
    lim = round(1.15 * reach, 6)
    axis = {"range": [-lim, lim], "backgroundcolor": "rgba(0,0,0,0)", "gridcolor": "#e3e7eb", "zerolinecolor": "#8a949e"}
    scene = {"aspectmode": "cube", "camera": {"eye": {"x": 1.35, "y": -0.3, "z": 0.85}}}
    scene.update({f"{c}axis": {**axis, "title": {"text": f"x{_sub(i)}"}} for i, c in enumerate("xyz", start=1)})
    layout = _layout(height=520, scene=scene)
    layout["margin"] = {"l": 0, "r": 0, "t": 10, "b": 0}
    return {"data": data, "layout": layout}


def histogram_figure(
    edges: Sequence[float], counts: Sequence[int], *, d: int, eps: float, pairs: int, labels: dict[str, str]
) -> dict[str, Any]:
    """A histogram of pairwise cosines as a density, the N(0, 1/d) curve, and the band |cos| ≤ ε."""
    edges_a = np.asarray(edges, dtype=float)
    width = float(edges_a[1] - edges_a[0])
    density = np.asarray(counts, dtype=float) / max(pairs * width, 1e-300)
    sd = 1.0 / math.sqrt(d)  # a random pair's cosine is about N(0, 1/d)
    xs = np.linspace(float(edges_a[0]), float(edges_a[-1]), 201)
    normal = np.exp(-0.5 * (xs / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    data = [
        {"type": "bar", "x": _rounded((edges_a[:-1] + edges_a[1:]) / 2), "y": _rounded(density), "width": width,
         "name": labels["observed"], "marker": {"color": COLORS["bar"], "line": {"width": 0}}, "customdata": list(counts),
         "hovertemplate": "cos ≈ %{x:.3f}: %{customdata}<extra></extra>"},
        {"type": "scatter", "mode": "lines", "x": _rounded(xs), "y": _rounded(normal), "name": labels["normal"],
         "line": {"color": COLORS["line"], "width": 2}, "hoverinfo": "skip"},
    ]
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": -eps, "x1": eps, "y0": 0, "y1": 1,
               "fillcolor": "rgba(44, 160, 44, 0.10)", "line": {"width": 0}, "layer": "below"}]
    shapes += [{"type": "line", "xref": "x", "yref": "paper", "x0": edge, "x1": edge, "y0": 0, "y1": 1,
                "line": {"color": COLORS["ring"], "width": 1.5, "dash": "dash"}} for edge in (-eps, eps)]
    layout = _layout(
        height=340,
        xaxis={"title": {"text": labels["x"]}, "gridcolor": _GRID, "zeroline": False},
        yaxis={"title": {"text": labels["y"]}, "gridcolor": _GRID, "rangemode": "tozero"},
        shapes=shapes,
        bargap=0.0,
        annotations=[{"text": f"±ε = ±{eps:g}", "x": eps, "y": 1, "xref": "x", "yref": "paper", "xanchor": "left",
                      "yanchor": "top", "showarrow": False, "font": {"color": COLORS["ring"], "size": 12}}],
    )
    return {"data": data, "layout": _top_legend(layout, {"l": 55, "r": 15, "t": 15, "b": 45})}
