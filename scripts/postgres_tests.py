"""Run the database tests again on a real PostgreSQL server (``make test`` calls this after the SQLite run).

Usage: ``.venv/bin/python scripts/postgres_tests.py [pytest arguments]``; without arguments,
``tests -m "not browser" --ignore tests/web/test_hostile_http.py``: the browser tests go through the
views and actions that tests/web already runs here, and the hostile-input corpus exercises the parsers
and labs, not the database (its answers are stored by the same actions the API and action tests run on
PostgreSQL); the two cost two minutes more (``scripts/postgres_tests.py tests`` includes them).

The server, in this order of choice:

1. ``$LINLAB_TEST_DATABASE_URL`` when set (``postgres://user@host:port/name``);
2. the server on 127.0.0.1:5432 when it lets user ``postgres`` in without a password (database ``test``,
   else ``postgres``);
3. a throwaway cluster on a free loopback port in a temporary folder (``initdb`` + ``pg_ctl``, as user
   ``postgres`` when running as root), stopped and removed afterwards.  When no PostgreSQL binaries are
   installed and this runs as root, ``apt-get install postgresql`` first (Debian).

pytest-django creates its own test database (``test_<name>``) on that server and drops it at the end.
Only the tests that touch the database run (``scripts/pytest_database_only.py``).  When no server can
be had, this prints why and exits 0: the SQLite run has already covered every test.  Otherwise the exit
status is pytest's.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
DEFAULT_ARGS = ["tests", "-m", "not browser", "--ignore", "tests/web/test_hostile_http.py"]
APT_STAMP = Path(tempfile.gettempdir()) / "linlab-apt-update.stamp"  # shared with ensure-chromium.sh


class Unavailable(Exception):
    """No PostgreSQL server can be had here; the message says why."""


def main(args: list[str]) -> int:
    try:
        with postgres_server() as url:
            return run_pytest(url, args or DEFAULT_ARGS)
    except Unavailable as why:
        print(f"\n*** PostgreSQL run SKIPPED: {why} ***\n", file=sys.stderr, flush=True)
        return 0


def run_pytest(url: str, args: list[str]) -> int:
    """pytest on the database tests with ``DATABASE_URL=url``; 'no tests collected' counts as success."""
    env = dict(os.environ, DATABASE_URL=url)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    print(f"\n=== the database tests again on PostgreSQL: DATABASE_URL={url} ===", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", "-p", "pytest_database_only", *args], env=env)
    return 0 if code == 5 else code  # 5: every test deselected, nothing touched the database


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a database URL of a reachable server; a cluster started here is stopped on exit."""
    if os.environ.get("LINLAB_TEST_DATABASE_URL"):
        yield os.environ["LINLAB_TEST_DATABASE_URL"]
        return
    for name in ("test", "postgres"):
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
        if _reachable(url):
            yield url
            return
    with _throwaway_cluster() as url:
        yield url


def _reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


@contextlib.contextmanager
def _throwaway_cluster() -> Iterator[str]:
    bindir = _postgres_bindir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and there is no 'postgres' user to own a cluster") from None
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="linlab-postgres-"))
    if as_user:
        shutil.chown(folder, "postgres", "postgres")
    data, log, port = folder / "data", folder / "server.log", _free_port()
    try:
        _run([*as_user, f"{bindir}/initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--no-locale", "--no-sync"], "initdb", cwd=folder)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        _run([*as_user, f"{bindir}/pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options,
              "start"], "pg_ctl start", log, cwd=folder)
        print(f"started a throwaway PostgreSQL ({bindir}) on 127.0.0.1:{port} in {folder}", flush=True)
        try:
            yield f"postgres://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"],
                           cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _postgres_bindir() -> str:
    """The folder of initdb and pg_ctl (newest Debian version first), installing PostgreSQL if root can."""
    for attempt in range(2):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if found:
            return str(Path(found[-1]).parent)
        if shutil.which("initdb") and shutil.which("pg_ctl"):
            return str(Path(shutil.which("initdb")).parent)
        if attempt == 0:
            _apt_install("postgresql")
    raise Unavailable("PostgreSQL was installed but no initdb was found")


def _apt_install(package: str) -> None:
    if os.geteuid() != 0:
        raise Unavailable(f"no PostgreSQL on 127.0.0.1:5432 and no initdb; installing {package} needs root")
    if not shutil.which("apt-get"):
        raise Unavailable(f"no PostgreSQL on 127.0.0.1:5432, no initdb, and no apt-get to install {package}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"installing {package} with apt-get (no PostgreSQL found)", flush=True)
    if not (APT_STAMP.exists() and time.time() - APT_STAMP.stat().st_mtime < 3600):
        _run(["apt-get", "update", "-qq"], "apt-get update", env=env)
        APT_STAMP.touch()
    _run(["apt-get", "install", "-y", "-qq", package], f"apt-get install {package}", env=env)


def _run(command: list[str], what: str, log: Path | None = None, *, env: dict[str, str] | None = None,
         cwd: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr + (log.read_text() if log and log.exists() else "")).strip()[-1500:]
        raise Unavailable(f"{what} failed (exit {done.returncode}):\n{tail}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
