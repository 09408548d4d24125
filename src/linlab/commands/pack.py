"""``linlab pack``: build and verify a set of almost-orthogonal unit vectors in R^d, optionally save it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

#: Methods accepted by --method (mirrors linlab.algebra.packing.METHODS without importing torch here).
_METHODS = ("best", "basis", "simplex", "random", "optimize", "kerdock", "gold", "delsarte-goethals", "direct-sum")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(name="pack")(pack)


def pack(
    dim: int = typer.Option(..., "--dim", "-d", help="The dimension d of the space R^d."),
    eps: float = typer.Option(..., "--eps", "-e", help="The largest allowed |cos| between two vectors, in [0, 1)."),
    method: str = typer.Option("best", "--method", "-m", help=f"One of: {', '.join(_METHODS)}."),
    max_count: Optional[int] = typer.Option(None, "--max-count", help="Keep at most this many vectors."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random methods and the verification sample."),
    time_budget: float = typer.Option(10.0, "--time-budget", help="Seconds for the random and optimize methods."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the vectors to this .npy file, shape (count, d), float32."),
    limit: Optional[int] = typer.Option(None, "--limit", help="With --out: write only the first N vectors."),
    max_gib: float = typer.Option(2.0, "--max-gib", help="With --out: refuse to write more than this many GiB."),
) -> None:
    """How many almost-orthogonal directions fit in R^d: build a verified set, print it against the bounds.

    Example: linlab pack --dim 1600 --eps 0.1
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ..algebra.packing import PackingError, best_upper_bound, construct, log10_lower_bound, lower_bound

    if method not in _METHODS:
        raise PackingError(f"--method must be one of {', '.join(_METHODS)}; got {method!r}")
    if limit is not None and limit < 1:
        raise PackingError(f"--limit must be a positive integer, got {limit}")
    if out is not None and out.suffix != ".npy":
        raise PackingError(f"--out must name a .npy file, got {str(out)!r}")
    console = Console()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:
        task = bar.add_task("constructing", total=1.0)

        def progress(phase: str, fraction: float) -> None:
            bar.update(task, description=phase, completed=fraction)

        P = construct(dim, eps, method=method, max_count=max_count, seed=seed, time_budget=time_budget, progress=progress)
    lower = lower_bound(P.d, P.eps)
    upper = best_upper_bound(P.d, P.eps)
    table = Table(title=f"unit vectors in R^{P.d} with |cos| ≤ {P.eps:g}", show_header=False)
    table.add_row("method", P.method)
    table.add_row("count", f"{P.count:,}")
    table.add_row("achieved coherence", f"{P.coherence:.6g}")
    table.add_row("verified", f"{P.verification} ({P.checked:,} vectors measured, max |cos| {P.measured_coherence:.6g})")
    table.add_row("lower bound exp(dε²/2)", _number(lower, log10_lower_bound(P.d, P.eps)))
    table.add_row("upper bound (Welch/Levenshtein)", _number(upper))
    table.add_row("seconds", f"{P.seconds:.2f}")
    if len(P.blocks) > 1:
        table.add_row("blocks", " ⊕ ".join(f"{b.name} R^{b.dim}: {b.count:,}" for b in P.blocks))
    console.print(table)
    if out is not None:
        _write(P, out, limit=limit, max_gib=max_gib, console=console)


def _number(value: float, log10: float | None = None) -> str:
    if value == float("inf"):
        return f"≈ 10^{log10:.1f}" if log10 is not None else "∞ (not informative here)"
    return f"{value:,.0f}" if value < 1e15 else f"{value:.3e}"


def _write(P, out: Path, *, limit: int | None, max_gib: float, console) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    from rich.progress import Progress

    from ..algebra.packing import PackingError

    n = P.count if limit is None else min(P.count, limit)
    size = n * P.d * 4
    if size > max_gib * 2**30:
        fit = int(max_gib * 2**30 // (P.d * 4))
        raise PackingError(
            f"writing {n:,} vectors × {P.d} float32 = {size / 2**30:,.1f} GiB exceeds --max-gib {max_gib:g}: "
            f"pass --limit N (at most {fit:,} vectors fit) or raise --max-gib"
        )
    try:
        array = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(n, P.d))
    except OSError as err:
        raise PackingError(f"--out {str(out)!r} cannot be written: {err.strerror or err}") from err
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"writing {out.name}", total=n)
        row = 0
        for batch in P.batches(4096, limit=n):
            array[row : row + batch.shape[0]] = batch.numpy()
            row += batch.shape[0]
            bar.update(task, completed=row)
    array.flush()
    del array
    console.print(f"wrote {n:,} vectors of R^{P.d} to {out} ({size / 2**20:,.1f} MiB, float32, shape ({n}, {P.d}))")
