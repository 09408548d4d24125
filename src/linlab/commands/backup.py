"""``linlab export`` and ``linlab import``: back up the site's users and their progress as JSON, and restore it.

Both work on the configured database (``$DATABASE_URL``, else SQLite in ``LINLAB_HOME``), as ``linlab
serve`` does.  ``import`` first prepares that database as ``serve`` does (migrate, sync the course
index), so a backup restores into an empty ``LINLAB_HOME``; ``--dry-run`` changes nothing at all.
Each prints one summary line; an error (a LinlabError) is one line and exit status 1.  The format and the merge rules
are in docs/backup.md and :mod:`linlab.web.learning.backup`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import typer

__all__ = ["register", "export_command", "import_command"]


def register(app: typer.Typer) -> None:
    """Add ``linlab export`` and ``linlab import`` to ``app``."""
    app.command(name="export")(export_command)
    app.command(name="import")(import_command)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linlab.web.settings")
    import django

    django.setup()


def _require_tables() -> None:
    """Fail with one clear line when the database cannot be reached or was never migrated."""
    from django.db import DatabaseError, connection

    from ..web.learning.models import Attempt
    from .serve import DatabaseUnavailableError, _describe

    where = _describe(connection.settings_dict)
    try:
        tables = connection.introspection.table_names()
    except DatabaseError as err:
        raise DatabaseUnavailableError(f"cannot reach the database {where}: {' '.join(str(err).split())}") from None
    if Attempt._meta.db_table not in tables:
        raise DatabaseUnavailableError(f"the database {where} has no linlab tables: run `linlab manage migrate` first")


def export_command(
    file: str = typer.Argument("-", metavar="[FILE|-]", help="Where to write the backup (default -, standard output)."),
    users: list[str] = typer.Option(None, "--user", metavar="NAME", help="Export only this user (repeatable)."),
) -> None:
    """Write every user's account and progress (or only --user's) as one JSON backup."""
    _django()
    from ..web.learning.backup import BackupError, export_backup

    _require_tables()
    if file == "-":
        summary = export_backup(sys.stdout, usernames=users or None)
        sys.stdout.flush()
    else:
        target = Path(file)
        # Written next to the target and renamed at the end: a failed export leaves an older backup intact.
        # mkstemp makes it readable by its owner only, as fits a file of password hashes.
        try:
            fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        except OSError as err:
            raise BackupError(f"cannot write {file}: {err.strerror}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                summary = export_backup(stream, usernames=users or None)
            os.replace(partial, target)
        except BaseException as err:
            Path(partial).unlink(missing_ok=True)
            if isinstance(err, OSError):
                raise BackupError(f"cannot write {file}: {err.strerror}") from None
            raise
    where = "standard output" if file == "-" else file
    typer.echo(f"exported {summary.users} users: {summary.rows()} to {where}", err=file == "-")


def import_command(
    file: str = typer.Argument(..., metavar="FILE|-", help="The backup to read (- for standard input)."),
    replace: bool = typer.Option(False, "--replace", help="Where a row differs from the database's, take the backup's."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check everything, conflicts included, and write nothing."),
) -> None:
    """Restore users and their progress from a JSON backup, merging into the database (one transaction)."""
    _django()
    from ..web.learning.backup import BackupError, import_backup, read_backup, validate_backup
    from .serve import prepare_site

    name = "standard input" if file == "-" else file
    if file == "-":
        document = read_backup(sys.stdin, name=name)
    else:
        try:
            with open(file, "rb") as stream:
                document = read_backup(stream, name=name)
        except OSError as err:
            raise BackupError(f"cannot read {file}: {err.strerror}") from None
    validate_backup(document)  # a malformed file stops here, before the database is touched
    if dry_run:
        _require_tables()
    else:
        prepare_site(collectstatic=False, echo=lambda line: None)
    summary = import_backup(document, replace=replace, dry_run=dry_run)
    line = (f"imported {summary.users} users ({summary.users_created} new, {summary.users - summary.users_created} "
            f"merged): added {summary.rows()}; replaced {summary.replaced} rows")
    typer.echo(f"dry run, nothing written: {line}" if dry_run else line)

