"""``linlab serve`` and ``linlab manage``: run the web site, or any Django management command.

``linlab serve`` prepares the site and then serves it with gunicorn:

1. ``migrate``: create or update the database (``$DATABASE_URL``, else SQLite in ``LINLAB_HOME``);
2. ``sync_course``: load the lessons and create or update their rows (idempotent);
3. ``collectstatic`` into ``LINLAB_HOME/static``, only with ``LINLAB_PRODUCTION=1`` (otherwise the
   static files are served from the packages by whitenoise's finders);
4. gunicorn with threaded workers (``gthread``) on ``linlab.web.wsgi:application``.

Several app servers sharing one PostgreSQL database run the setup once per deploy (``linlab manage
migrate``, ``linlab manage sync_course``) and start with ``--no-setup``; see docs/deploy.md.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Callable

import typer

from ..errors import LinlabError

__all__ = [
    "register", "serve_command", "manage_command", "prepare_site", "site_url", "PortInUseError",
    "DatabaseUnavailableError",
]


class PortInUseError(LinlabError, OSError):
    """The address ``linlab serve`` was asked to listen on is taken or cannot be bound."""


class DatabaseUnavailableError(LinlabError, RuntimeError):
    """The site's database (``DATABASE_URL``, or SQLite in ``LINLAB_HOME``) cannot be reached."""


def register(app: typer.Typer) -> None:
    """Add ``linlab serve`` and ``linlab manage`` to ``app``."""
    app.command(name="serve")(serve_command)
    app.command(
        name="manage",
        add_help_option=False,  # `linlab manage --help` is Django's help
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(manage_command)


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on (0 picks a free one)."),
    workers: int = typer.Option(1, "--workers", min=1, help="gunicorn worker processes (PostgreSQL: 2 × cores + 1)."),
    threads: int = typer.Option(8, "--threads", min=1, help="Threads per worker."),
    setup: bool = typer.Option(
        True, "--setup/--no-setup", help="Migrate, sync the course and (in production) collect static files first."
    ),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request to stderr."),
) -> None:
    """Serve the course site: prepare the database, then run gunicorn (Ctrl+C stops it)."""
    _check_port_free(host, port)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linlab.web.settings")
    import django

    django.setup()
    if setup:
        prepare_site(echo=typer.echo)
    from django.conf import settings
    from django.db import connections

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
    connections.close_all()  # the workers fork from this process: each opens its own connections
    _gunicorn(
        {
            "bind": [_bind_address(host, port)],
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "preload_app": True,  # an import error stops the start here, once, not in every worker
            "proc_name": "linlab",
            "loglevel": "warning",
            "accesslog": "-" if access_log else None,
            "graceful_timeout": 5,
            "when_ready": _announce(host),
        }
    ).run()


def manage_command(ctx: typer.Context) -> None:
    """Django's manage.py for the site: `linlab manage migrate`, `linlab manage createsuperuser`, `linlab manage help`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linlab.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["linlab manage", *ctx.args])


def prepare_site(*, collectstatic: bool | None = None, echo: Callable[[str], Any] = print) -> None:
    """Migrate the database, sync the course and, in production, collect the static files.

    Parameters
    ----------
    collectstatic : bool, optional, keyword-only
        Collect static files into ``STATIC_ROOT``; default: when ``LINLAB_PRODUCTION=1``.
    echo : callable, keyword-only
        Receives one line per step.

    Raises
    ------
    DatabaseUnavailableError
        If the database cannot be reached (naming it, without its password).
    CourseError
        If the lessons do not validate (every problem listed with ``file:line``).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import OperationalError, connection

    from ..web.learning.sync import sync_course

    where = _describe(connection.settings_dict)
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except OperationalError as err:
        raise DatabaseUnavailableError(f"cannot reach the database {where}: {' '.join(str(err).split())}") from None
    echo(f"database: {where} (migrated)")
    result = sync_course()
    echo(
        f"course: version {result.content_version[:12]}, {len(result.created)} lessons created, "
        f"{len(result.updated)} updated, {len(result.deactivated)} retired, {result.generators_created} exercises added"
    )
    if settings.PRODUCTION if collectstatic is None else collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
        echo(f"static files: collected into {settings.STATIC_ROOT}")


def _describe(db: dict[str, Any]) -> str:
    """``postgresql linlab@10.0.0.5:5432/linlab`` or ``sqlite /path/linlab.sqlite3`` (never the password)."""
    vendor = db["ENGINE"].rsplit(".", 1)[-1]
    if not db.get("HOST"):
        return f"{vendor} {db['NAME']}"
    return f"{vendor} {db.get('USER') or ''}@{db['HOST']}:{db.get('PORT') or 'default port'}/{db['NAME']}"


def site_url(host: str, port: int) -> str:
    """The URL a browser opens for ``host:port``: ``http://127.0.0.1:8000/``, ``http://[::1]:8000/``."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _check_port_free(host: str, port: int) -> None:
    """Fail before migrating when the address is taken (gunicorn itself would retry for 5 s, then exit)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise PortInUseError(f"--host {host!r} is not an address this machine can listen on: {err.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind(address)
        except OSError as err:
            raise PortInUseError(
                f"cannot listen on {host}:{port}: {err.strerror} (is another server running there? "
                "pass --port with a free port)"
            ) from None


def _announce(host: str) -> Callable[[Any], None]:
    def when_ready(arbiter: Any) -> None:
        port = arbiter.LISTENERS[0].sock.getsockname()[1]  # the real port, also for --port 0
        print(f"linlab is running at {site_url(host, port)} (Ctrl+C to stop)", flush=True)

    return when_ready


def _gunicorn(options: dict[str, Any]) -> Any:
    """A gunicorn application run from Python with ``options`` (gunicorn setting names), serving the site."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from ..web.wsgi import application

            return application

    return Server()
