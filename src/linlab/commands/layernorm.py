"""``linlab layernorm``: LayerNorm as center → sphere → affine, checked on random inputs and on the 3D ring.

The numbers come from :func:`layernorm_report`, which the tests check against independent
computations; the command only prints them (rich tables, or JSON with ``--json``).
"""

from __future__ import annotations

import json
import math
from enum import Enum
from typing import Any

import typer

from ..errors import ParseError

__all__ = ["register", "layernorm_report", "parse_point", "RING_ANGLES"]

#: Angles sampled on the 3D ring by the brute-force nearest-point search.
RING_ANGLES = 100_000


class _DType(str, Enum):
    float32 = "float32"
    float64 = "float64"


def register(app: typer.Typer) -> None:
    """Add ``linlab layernorm`` to ``app``."""
    app.command(name="layernorm")(layernorm)


def layernorm(
    dim: int = typer.Option(384, "--dim", min=2, help="The normalised dimension n."),
    samples: int = typer.Option(1000, "--samples", min=1, help="How many random vectors to check."),
    eps: float = typer.Option(1e-5, "--eps", min=0.0, help="LayerNorm's eps, added to the variance."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random inputs and the random gain and bias."),
    offset: float = typer.Option(0.0, "--offset", help="Mean of the random inputs' entries (x = offset + N(0, 1))."),
    point: str = typer.Option("3,1,2", "--point", help="A point of R³ for the ring, e.g. 3,1,2."),
    dtype: _DType = typer.Option(_DType.float32, "--dtype", help="dtype of the random check."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
) -> None:
    """LayerNorm = centering onto 1^⊥, normalising onto the sphere of radius √n, then gain and bias."""
    report = layernorm_report(
        dim=dim, samples=samples, eps=eps, seed=seed, offset=offset, point=parse_point(point), dtype=dtype.value
    )
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        _print(report)


def parse_point(text: str) -> list[float]:
    """``"3,1,2"`` → ``[3.0, 1.0, 2.0]``; exactly three finite numbers.

    Raises
    ------
    ParseError
        Anything else, naming ``--point`` and what was typed.
    """
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ParseError(f"--point must be three numbers separated by commas, like 3,1,2; got {text!r}") from None
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise ParseError(f"--point must be three finite numbers (a point of R³), like 3,1,2; got {text!r}")
    return values


def layernorm_report(
    *,
    dim: int = 384,
    samples: int = 1000,
    eps: float = 1e-5,
    seed: int = 0,
    offset: float = 0.0,
    point: list[float] | None = None,
    dtype: str = "float32",
) -> dict[str, Any]:
    """The numbers ``linlab layernorm`` prints, as a JSON-ready dict with ``"random"`` and ``"ring"`` parts.

    Random part: ``x = offset + N(0, 1)`` of shape ``(samples, dim)`` drawn from
    ``torch.Generator().manual_seed(seed)`` in float64 and cast to ``dtype``; an ``nn.LayerNorm(dim,
    eps)`` whose weight is ``1 + N(0, 0.5²)`` and bias ``N(0, 0.5²)`` (the next draws of the same
    generator).  Ring part (float64): the point's centering, its nearest ring point, and a
    brute-force search over :data:`RING_ANGLES` angles of the circle {y ⊥ (1,1,1), ‖y‖ = √3}.
    """
    import torch
    from torch import nn

    from ..algebra.layernorm import LayerNormGeometry

    torch_dtype = {"float32": torch.float32, "float64": torch.float64}[dtype]
    gen = torch.Generator().manual_seed(seed)
    x64 = offset + torch.randn(samples, dim, generator=gen, dtype=torch.float64)  # (samples, dim)
    ln = nn.LayerNorm(dim, eps=eps, dtype=torch_dtype)
    with torch.no_grad():
        ln.weight.copy_(1 + 0.5 * torch.randn(dim, generator=gen, dtype=torch.float64))
        ln.bias.copy_(0.5 * torch.randn(dim, generator=gen, dtype=torch.float64))
        x = x64.to(torch_dtype)
        expected = ln(x)
    g = LayerNormGeometry.from_module(ln)
    stages = g.decompose(x)
    n = dim
    norm_c = torch.linalg.vector_norm(stages.centered.double(), dim=-1)  # (samples,)
    std = x.double().std(dim=-1, correction=0)  # PyTorch's biased variance
    sphere_norm = torch.linalg.vector_norm(stages.on_sphere.double(), dim=-1)
    predicted_sphere_norm = math.sqrt(n) * norm_c / torch.sqrt(norm_c**2 + n * eps)
    cos = g.centering_cosines(x).double()
    random = {
        "dim": dim,
        "samples": samples,
        "eps": eps,
        "seed": seed,
        "offset": offset,
        "dtype": dtype,
        "max_abs_apply_minus_module": float((stages.output - expected).abs().max()),
        "max_abs_mean_of_centered": float(stages.centered.double().mean(-1).abs().max()),
        "max_abs_centered_norm_minus_sqrt_n_std": float((norm_c - math.sqrt(n) * std).abs().max()),
        "max_abs_sphere_norm_minus_eps_formula": float((sphere_norm - predicted_sphere_norm).abs().max()),
        "max_sphere_shortfall": float((math.sqrt(n) - sphere_norm).max()),
        "mean_centering_cosine": float(cos.mean()),
        "min_centering_cosine": float(cos.min()),
        "mean_centering_cosine_squared": float((cos**2).mean()),
        "approx_mean_cosine_squared": (n - 1) / (n * (1 + offset**2)),
    }
    return {"random": random, "ring": _ring(point if point is not None else [3.0, 1.0, 2.0], eps)}


def _ring(point: list[float], eps: float) -> dict[str, Any]:
    import torch

    from ..algebra.layernorm import DegenerateInputError, LayerNormGeometry

    g = LayerNormGeometry(3, eps=eps)
    x = torch.tensor(point, dtype=torch.float64)
    try:
        nearest = g.nearest_point_on_ring(x)
    except DegenerateInputError as err:
        raise DegenerateInputError(f"--point {tuple(point)} lies on the (1, 1, 1) axis: {err}") from err
    stages = g.decompose(x)
    mean = float(x.mean())
    norm_c = float(torch.linalg.vector_norm(stages.centered))
    # An orthonormal basis (u, v) of the plane ⊥ (1, 1, 1); the ring is √3·(cos θ·u + sin θ·v).
    u = torch.tensor([1.0, -1.0, 0.0], dtype=torch.float64) / math.sqrt(2)
    v = torch.tensor([1.0, 1.0, -2.0], dtype=torch.float64) / math.sqrt(6)
    theta = torch.arange(RING_ANGLES, dtype=torch.float64) * (2 * math.pi / RING_ANGLES)
    ring = math.sqrt(3) * (theta.cos()[:, None] * u + theta.sin()[:, None] * v)  # (RING_ANGLES, 3)
    distances = torch.linalg.vector_norm(ring - x, dim=-1)
    best = int(distances.argmin())
    formula = math.sqrt(3 * mean**2 + (norm_c - math.sqrt(3)) ** 2)
    return {
        "point": point,
        "mean": mean,
        "centered": stages.centered.tolist(),
        "layernorm": stages.on_sphere.tolist(),
        "nearest_ring_point": nearest.tolist(),
        "distance_to_nearest": float(torch.linalg.vector_norm(x - nearest)),
        "distance_formula": formula,
        "brute_force_angles": RING_ANGLES,
        "brute_force_point": ring[best].tolist(),
        "brute_force_distance": float(distances[best]),
        "brute_force_minus_formula": float(distances[best]) - formula,
    }


def _print(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    r, ring = report["random"], report["ring"]
    n = r["dim"]
    t = Table(title=f"nn.LayerNorm({n}, eps={r['eps']:g}) with random gain and bias, on {r['samples']} vectors "
              f"x = {r['offset']:g} + N(0, 1) ({r['dtype']})", title_justify="left")
    t.add_column("quantity")
    t.add_column("value", justify="right")
    t.add_column("what it shows")
    t.add_row("max |apply(x) − LayerNorm(x)|", f"{r['max_abs_apply_minus_module']:.3g}",
              "center → sphere → affine is the module")
    t.add_row("max |mean(x_c)|", f"{r['max_abs_mean_of_centered']:.3g}", "x_c = x − mean·1 lies in 1^⊥")
    t.add_row("max |‖x_c‖ − √n·std(x)|", f"{r['max_abs_centered_norm_minus_sqrt_n_std']:.3g}",
              "‖x_c‖²/n is the biased variance")
    t.add_row("max |‖s‖ − √n‖x_c‖/√(‖x_c‖²+n·eps)|", f"{r['max_abs_sphere_norm_minus_eps_formula']:.3g}",
              "where eps leaves s")
    t.add_row("max (√n − ‖s‖)", f"{r['max_sphere_shortfall']:.3g}", f"eps pulls s inside the sphere of radius √{n}")
    t.add_row("mean cos∠(x, x_c)", f"{r['mean_centering_cosine']:.6f}", "centering barely turns x")
    t.add_row("min cos∠(x, x_c)", f"{r['min_centering_cosine']:.6f}", "")
    t.add_row("mean cos²", f"{r['mean_centering_cosine_squared']:.6f}",
              f"≈ (n−1)/(n(1+offset²)) = {r['approx_mean_cosine_squared']:.6f}")

    def vec(values: list[float]) -> str:
        return "(" + ", ".join(f"{v:.4f}" for v in values) + ")"

    s = Table(title="The 3D ring {y ⊥ (1,1,1), ‖y‖ = √3}: a circle around the (1,1,1) axis", title_justify="left")
    s.add_column("step")
    s.add_column("value", justify="right")
    s.add_row("point x", vec(ring["point"]))
    s.add_row("mean(x)", f"{ring['mean']:.4f}")
    s.add_row("centered x_c = x − mean·1", vec(ring["centered"]))
    s.add_row("LayerNorm(x) (with eps)", vec(ring["layernorm"]))
    s.add_row("nearest ring point √3·x_c/‖x_c‖", vec(ring["nearest_ring_point"]))
    s.add_row("‖x − nearest‖", f"{ring['distance_to_nearest']:.10f}")
    s.add_row("√(3·mean² + (‖x_c‖ − √3)²)", f"{ring['distance_formula']:.10f}")
    s.add_row(f"brute force over {ring['brute_force_angles']} angles: point", vec(ring["brute_force_point"]))
    s.add_row("brute force: distance", f"{ring['brute_force_distance']:.10f}")
    s.add_row("brute force − formula", f"{ring['brute_force_minus_formula']:.3g}")
    console = Console()
    console.print(t)
    console.print(s)
