"""``linlab serve`` started for real (a gunicorn process on a free port) and ``linlab manage``."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linlab.cli import app
from linlab.commands.serve import PortInUseError, site_url
from linlab.course import load_course

runner = CliRunner()
_CLI = "import sys; from linlab.cli import run; sys.argv[0] = 'linlab'; run()"
_STATIC = Path(__file__).resolve().parents[2] / "src" / "linlab" / "web" / "learning" / "static"


def _linlab(home: Path, *args: str, **env: str) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    environ.update(LINLAB_HOME=str(home), PYTHONUNBUFFERED="1", **env)
    return subprocess.Popen([sys.executable, "-c", _CLI, *args], env=environ, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


@pytest.mark.parametrize("host, port, url", [
    ("127.0.0.1", 8000, "http://127.0.0.1:8000/"),
    ("localhost", 80, "http://localhost:80/"),
    ("::1", 8001, "http://[::1]:8001/"),
])
def test_site_url(host, port, url):
    assert site_url(host, port) == url


def test_serve_in_production_migrates_syncs_collects_and_serves(tmp_path):
    """The whole start: database, course, static files with hashed names, then requests, then Ctrl+C."""
    server = _linlab(tmp_path, "serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2",
                     LINLAB_PRODUCTION="1", SECRET_KEY="x" * 50, LINLAB_SSL_REDIRECT="0")
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            assert line, f"linlab serve exited early:\n{''.join(lines)}"
            lines.append(line)
            if "running at" in line:
                break
        match = re.fullmatch(r"linlab is running at (http://127\.0\.0\.1:(\d+)/) \(Ctrl\+C to stop\)\n", lines[-1])
        assert match, "".join(lines)
        url = match[1]
        course = load_course()
        assert f"{len(course.lessons)} lessons created" in "".join(lines)

        assert _get(url + "healthz")[0] == 200
        status, page = _get(url)
        assert status == 200
        # collectstatic ran: the page links htmx under its content-hashed name, and that URL serves the file.
        htmx = re.search(rb'/static/linlab/vendor/htmx\.min\.[0-9a-f]{12}\.js', page)
        assert htmx, "no hashed htmx URL in the home page"
        assert _get(url + htmx[0].decode()[1:])[1] == (_STATIC / "linlab" / "vendor" / "htmx.min.js").read_bytes()
        assert (tmp_path / "static" / "staticfiles.json").is_file()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert code == 0, server.stdout.read()

    with sqlite3.connect(tmp_path / "linlab.sqlite3") as db:
        ids = {row[0] for row in db.execute("select id from learning_lesson where active")}
    assert ids == set(course.lessons)

    # The sync is idempotent: a second run creates and updates nothing.
    again = _linlab(tmp_path, "manage", "sync_course")
    out, _ = again.communicate(timeout=120)
    assert again.returncode == 0, out
    assert "0 lessons created, 0 updated, 0 retired, 0 exercises added" in out


def test_serve_refuses_a_busy_port_before_touching_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLAB_HOME", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    assert isinstance(result.exception, PortInUseError)
    assert str(result.exception).startswith(f"cannot listen on 127.0.0.1:{port}: Address already in use")
    assert not (tmp_path / "linlab.sqlite3").exists()


def test_serve_names_a_host_it_cannot_resolve():
    result = runner.invoke(app, ["serve", "--host", "no-such-host.invalid"])
    assert isinstance(result.exception, PortInUseError)
    assert "--host 'no-such-host.invalid' is not an address" in str(result.exception)


def test_manage_passes_arguments_to_django():
    result = runner.invoke(app, ["manage", "check", "--fail-level", "ERROR"])
    assert result.exit_code == 0, result.output
    assert "System check identified no issues" in result.output
    result = runner.invoke(app, ["manage", "no_such_command"])
    assert result.exit_code == 1
    assert "Unknown command: 'no_such_command'" in result.output


def test_serve_names_an_unreachable_database_without_its_password(tmp_path):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    proc = _linlab(tmp_path, "serve", "--port", "0", DATABASE_URL=f"postgres://linlab:s3cret@127.0.0.1:{port}/linlab")
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1, out
    assert out.startswith(f"error: cannot reach the database postgresql linlab@127.0.0.1:{port}/linlab: "), out
    assert "s3cret" not in out and "Traceback" not in out
