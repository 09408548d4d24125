"""``linlab tour``: the facts of the Linear Maps lesson, computed live.

Each step computes its numbers with the engine and returns them as ``facts`` (which the tests check
against independent computations) together with rich renderables for the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from torch import nn

from .algebra import LinearMap, Subspace
from .errors import NotLinearError

__all__ = ["TourStep", "steps", "STEPS"]


@dataclass
class TourStep:
    """One stop of the tour: a title, what to print, and the computed numbers behind it."""

    title: str
    body: list[RenderableType]
    facts: dict[str, Any] = field(default_factory=dict)

    def renderable(self) -> RenderableType:
        return Group(*self.body)


def matrix_from_basis() -> TourStep:
    """A Python function's matrix, column j = f(e_j)."""

    def f(x: torch.Tensor) -> torch.Tensor:  # R^3 -> R^2
        return torch.stack([x[0] + 2 * x[1], 3 * x[2] - x[0]])

    A = LinearMap.from_function(f, 3)
    x = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    return TourStep(
        "The matrix of a linear map: column j is f(e_j)",
        [
            Text("f(x) = (x₀ + 2·x₁, 3·x₂ − x₀) passes the additivity and homogeneity checks."),
            Text("Its matrix has columns f(e₁), f(e₂), f(e₃); shape (out, in) = (2, 3):"),
            _matrix_table(A.matrix),
            Text(f"Check on x = {_vec(x)}: f(x) = {_vec(f(x))}, A·x = {_vec(A(x))}"),
        ],
        {"matrix": A.matrix, "f": f, "x": x, "Ax": A(x)},
    )


def affine_caught() -> TourStep:
    """x ↦ Ax + b is affine: its counterexample, and nn.Linear's bias."""
    A = torch.tensor([[2.0, 1.0], [0.0, 1.0]], dtype=torch.float64)
    b = torch.tensor([1.0, -1.0], dtype=torch.float64)
    try:
        LinearMap.from_function(lambda x: A @ x + b, 2)
    except NotLinearError as err:
        caught = err
    else:  # pragma: no cover - would mean the check is broken
        raise AssertionError("x ↦ Ax + b was accepted as linear")
    torch.manual_seed(0)
    layer = nn.Linear(3, 2)
    try:
        LinearMap.from_module(layer)
    except NotLinearError as err:
        layer_message = str(err)
    W = LinearMap.from_module(layer, drop_bias=True)
    return TourStep(
        "x ↦ Ax + b is affine, not linear",
        [
            Text(f"With b = {_vec(b)}, from_function raises NotLinearError: the {caught.law} law fails at"),
            Text(
                f"  x = {_vec(caught.inputs['x'])}, y = {_vec(caught.inputs['y'])}\n"
                f"  f(x + y)    = {_vec(caught.lhs)}\n"
                f"  f(x) + f(y) = {_vec(caught.rhs)}\n"
                f"  difference  = {_vec(caught.lhs - caught.rhs)} = −b, whatever x and y are",
                style="yellow",
            ),
            Text(f"nn.Linear(3, 2) with its default bias: {layer_message}", style="yellow"),
            Text(f"drop_bias=True gives the linear part W of shape {W.shape}."),
        ],
        {"law": caught.law, "residual": caught.residual, "error": caught, "b": b, "linear_part": W.matrix, "layer": layer},
    )


def kernel_and_image() -> TourStep:
    """A 5 → 3 map of rank 2: kernel of dimension 3 (exact), image of dimension 2."""
    M = [[1, 2, 0, 1, 3], [0, 1, 1, 2, 1], [1, 3, 1, 3, 4]]  # row 3 = row 1 + row 2
    A = LinearMap(M)
    ker, im = A.kernel(), A.image()
    residuals = A(ker.basis.T)  # (nullity, 3): each kernel vector maps to 0
    return TourStep(
        "Kernel and image of a 5 → 3 map of rank 2 (exact arithmetic)",
        [
            _matrix_table(A.matrix),
            Text(f"rank = {A.rank}, nullity = {A.nullity}, rank + nullity = {A.rank + A.nullity} = dim of the input"),
            Text(f"kernel (what the map cannot see), integer basis: {ker.integer_basis}"),
            Text(f"max |A·v| over the kernel basis: {residuals.abs().max().item():.1e}"),
            Text(f"image (reachable outputs), integer basis: {im.integer_basis} — a plane in R^3, so not onto"),
        ],
        {"map": A, "kernel": ker, "image": im},
    )


def mlp_rank_nullity() -> TourStep:
    """Rank–nullity for every layer of a small MLP (their linear parts)."""
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32), nn.ReLU(), nn.Linear(32, 10))
    table = Table("layer", "W (out, in)", "rank", "nullity", "rank + nullity", "note")
    rows = []
    for name, module in mlp.named_children():
        if not isinstance(module, nn.Linear):
            continue
        A = LinearMap.from_module(module, drop_bias=True)
        note = "not onto (in < out)" if A.dim_in < A.dim_out else ("loses information" if A.nullity else "injective")
        table.add_row(name, str(A.shape), str(A.rank), str(A.nullity), f"{A.rank + A.nullity} = dim_in", note)
        rows.append({"name": name, "weight": module.weight.detach(), "rank": A.rank, "nullity": A.nullity})
    return TourStep("Rank–nullity for every layer of a freshly built MLP", [table], {"layers": rows})


def stacked_collapse() -> TourStep:
    """Three nn.Linear layers with no nonlinearity are one matrix, of rank ≤ the narrowest width."""
    torch.manual_seed(1)
    widths = [16, 4, 12, 16]
    layers = [nn.Linear(a, b, bias=False).double() for a, b in zip(widths, widths[1:])]
    stack = nn.Sequential(*layers)
    maps = [LinearMap.from_module(layer) for layer in layers]
    collapsed = maps[2] @ maps[1] @ maps[0]  # first layer applied first: W3 W2 W1
    x = torch.randn(256, widths[0], dtype=torch.float64)
    with torch.no_grad():
        gap = (stack(x) - collapsed(x)).abs().max().item()
    return TourStep(
        "Stacked linear layers collapse into one matrix",
        [
            Text(f"nn.Sequential of Linear {' → '.join(map(str, widths))} (no activation) equals one "
                 f"{collapsed.dim_out}×{collapsed.dim_in} matrix W₃W₂W₁: max |difference| on 256 inputs = {gap:.1e}"),
            Text(f"rank of the product = {collapsed.rank} ≤ narrowest width {min(widths[1:-1])}; "
                 "nonlinearities are what stop this collapse."),
        ],
        {"layers": layers, "product": collapsed, "gap": gap, "narrowest": min(widths[1:-1])},
    )


def pca_projector(k: int = 10) -> TourStep:
    """PCA on scikit-learn's bundled digits: a rank-k projector, kernel = complement of the top-k span."""
    from sklearn.datasets import load_digits  # ships with scikit-learn: no download

    X = torch.from_numpy(load_digits().data.astype(np.float64))  # (1797, 64)
    Xc = X - X.mean(dim=0)
    _, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
    top = Vh[:k].T  # (64, k): the top-k principal directions
    P = LinearMap(top @ top.T)  # (64, 64)
    components = Subspace.span(top)
    explained = float((S[:k] ** 2).sum() / (S**2).sum())
    return TourStep(
        f"PCA of the digits (1797 images × 64 pixels) as a rank-{k} projector",
        [
            Text(f"P = V_k V_kᵀ keeps {explained:.1%} of the variance; rank P = {P.rank}, nullity = {P.nullity}"),
            Text(f"ker P equals the orthogonal complement of the top-{k} subspace: "
                 f"{P.kernel() == components.complement()}"),
            Text(f"P is a projection (P² = P): max |P² − P| = {(P.matrix @ P.matrix - P.matrix).abs().max().item():.1e}"),
        ],
        {"k": k, "projector": P, "components": components, "explained": explained, "data": Xc},
    )


STEPS: list[Callable[[], TourStep]] = [
    matrix_from_basis,
    affine_caught,
    kernel_and_image,
    mlp_rank_nullity,
    stacked_collapse,
    pca_projector,
]


def steps() -> list[TourStep]:
    """Run every step of the tour, in order."""
    return [step() for step in STEPS]


def _vec(v: torch.Tensor) -> str:
    return "(" + ", ".join(f"{x:.3g}" for x in v.tolist()) + ")"


def _matrix_table(m: torch.Tensor) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1))
    for _ in range(m.shape[1]):
        table.add_column(justify="right")
    for row in m.tolist():
        table.add_row(*(f"{x:g}" for x in row))
    return table
