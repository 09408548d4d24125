"""CLI commands beyond the core ``tour``, one module per command group.

Each module defines ``register(app: typer.Typer) -> None`` that adds its commands; ``linlab.cli``
calls every ``register`` in :data:`MODULES` order.  Heavy imports (torch models, sympy) happen inside
the command functions so ``linlab --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

MODULES = ("readwrite", "layernorm", "pack", "course", "serve", "analyze", "backup")


def register_all(app: typer.Typer) -> None:
    """Add every command module's commands to ``app``."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").register(app)
