"""Where the site keeps its data: ``LINLAB_HOME``.

``$LINLAB_HOME`` when set; else ``./var`` at the root of a checkout (a folder holding ``pyproject.toml``
and ``content/lessons`` above this package); else a per-user data folder (``$XDG_DATA_HOME/linlab``,
by default ``~/.local/share/linlab``) for an installed package.  The SQLite database, the secret key of
a development install and collected static files live there.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["linlab_home", "checkout_root"]


def checkout_root() -> Path | None:
    """The checkout this package runs from (``src/linlab/web`` → the repository root), or None."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "content" / "lessons").is_dir():
        return root
    return None


def linlab_home() -> Path:
    """The data folder, created if missing (see the module docstring for the order of choices)."""
    if os.environ.get("LINLAB_HOME"):
        home = Path(os.environ["LINLAB_HOME"]).expanduser()
    elif (root := checkout_root()) is not None:
        home = root / "var"
    else:
        home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "linlab"
    home.mkdir(parents=True, exist_ok=True)
    return home.resolve()
