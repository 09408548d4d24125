"""The ``linlab`` command line (typer + rich)."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from . import __version__
from .errors import LinlabError

app = typer.Typer(
    help="linlab: the linear algebra inside neural networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"linlab {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """linlab: the linear algebra inside neural networks."""


@app.command()
def tour() -> None:
    """The Linear Maps facts computed live: matrices, affine maps, kernels, rank–nullity, PCA."""
    from .tour import STEPS

    console = Console()
    console.rule("[bold]linlab tour: linear maps")
    for number, step in enumerate(STEPS, start=1):
        result = step()
        console.print(Panel(result.renderable(), title=f"{number}. {result.title}", title_align="left"))


from .commands import register_all  # noqa: E402  (commands attach to `app`, defined above)

register_all(app)


def run(cli: typer.Typer = app) -> None:
    """The console entry point: a :class:`LinlabError` becomes one red line and exit status 1, not a traceback."""
    try:
        cli(standalone_mode=True)
    except LinlabError as err:
        # escape: messages name things like `w.safetensors[c]`, which rich would read as markup;
        # soft_wrap keeps the message on one line when stderr is not a terminal.
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(err))}", highlight=False, soft_wrap=True)
        sys.exit(1)
