"""Load and fault benchmark of the course site: gunicorn + a throwaway PostgreSQL cluster on loopback.

Usage::

    .venv/bin/python benchmarks/load.py                      # 200 learners for 2 minutes
    .venv/bin/python benchmarks/load.py --kill-worker        # ... and SIGKILL one gunicorn worker midway
    .venv/bin/python benchmarks/load.py --restart-postgres   # ... and stop + start PostgreSQL midway
    .venv/bin/python benchmarks/load.py --users 20 --duration 20 --no-write   # a quick try

What one run does:

1. starts a throwaway PostgreSQL cluster (``scripts/postgres_tests.py``'s ``_throwaway_cluster``: never
   the machine's own server, which is never stopped or restarted), migrates it and syncs the course;
2. creates the learners (signed in: a session row each; a few more sign up through the form during the
   run) and starts ``linlab serve --no-setup`` (gunicorn, gthread workers) on a free loopback port;
3. a quiet measurement: sequential requests, one at a time, of a lesson page and of ``/healthz/live``
   (a minimal view: plain ``ok``, no database, no template): median of N each, and their ratio;
4. locust (``benchmarks/locustfile.py``, headless) with ``--users`` learners for ``--duration`` seconds:
   they read lessons in English and Russian, answer inline checks (right and wrong), open exercises
   and answer them, do due reviews, view progress; every answer carries a unique ``submission`` key;
5. the fault, if asked, at a third of the run;
6. every submission the server acknowledged (a 2xx answer carrying the grade) is looked up in the
   database afterwards (``CheckAnswer`` by submission key, ``Attempt`` answered): none may be missing;
7. p50/p99 per endpoint (route name), requests/s, errors, the lesson/minimal latency ratio under load
   and quiet, the client's own CPU use; written to docs/benchmarks.md (section ``load`` or ``faults``)
   and, for fault runs, to docs/security.md between ``<!-- faults:start -->`` and ``<!-- faults:end -->``.

The harness (cluster, site, learners, verification) is shared with tests/web/test_faults.py; this
module imports locust only inside :func:`run_locust`, so the tests need nothing extra.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from postgres_tests import Unavailable, _postgres_bindir, _throwaway_cluster  # noqa: E402

__all__ = [
    "Unavailable", "Cluster", "Site", "cluster", "site", "prepare_database", "course_plan", "Client",
    "verify_submissions", "classify", "UNAVAILABLE_MARKER",
]

UNAVAILABLE_MARKER = 'data-status="503"'
"""What the 503 answer of the site carries (page and htmx fragment); JSON answers carry ``"detail"``."""

CSRF = "loadbenchmarkcsrftoken0123456789"  # 32 characters: a valid CSRF secret, sent as cookie and header


# --------------------------------------------------------------------------------------------- cluster


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster: its URL, data folder and how to run ``pg_ctl`` on it."""

    url: str
    data: Path
    bindir: str
    as_user: list[str]
    options: str = ""  # the server's command-line options (port, socket folder, ...), for a start after a stop

    def __post_init__(self) -> None:
        if not self.options:  # postmaster.opts: the running server's command line, e.g. postgres "-D" "dir" "-p" "5433"
            words = shlex.split((self.data / "postmaster.opts").read_text())[1:]
            kept = [w for i, w in enumerate(words) if w != "-D" and (i == 0 or words[i - 1] != "-D")]
            self.options = " ".join(shlex.quote(w) for w in kept)

    def pg_ctl(self, *args: str) -> None:
        log = self.data.parent / "server.log"
        subprocess.run([*self.as_user, f"{self.bindir}/pg_ctl", "-D", str(self.data), "-l", str(log), *args],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.data.parent)

    def restart(self, down_s: float = 0.0) -> tuple[float, float]:
        """Stop the server (fast: open connections are cut), wait ``down_s``, start it with the same options.

        Returns the (stopped, started) wall-clock times.
        """
        self.pg_ctl("-m", "fast", "-w", "-t", "60", "stop")
        stopped = time.time()
        time.sleep(down_s)
        self.pg_ctl("-w", "-t", "60", "-o", self.options, "start")
        return stopped, time.time()


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    """A throwaway cluster started here and removed on exit (raises :class:`Unavailable` if none can be had)."""
    import psycopg

    with _throwaway_cluster() as url:
        with psycopg.connect(url) as conn:
            data = Path(conn.execute("SHOW data_directory").fetchone()[0])
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        yield Cluster(url, data, _postgres_bindir(), as_user)


# ------------------------------------------------------------------------------------------ the site


def site_env(database_url: str, home: Path) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url, LINLAB_HOME=str(home), DJANGO_SETTINGS_MODULE="linlab.web.settings")
    env.pop("LINLAB_DEBUG", None)
    env.pop("LINLAB_PRODUCTION", None)
    return env


_MAKE_USERS = r"""
import json, sys
from django.core.management import call_command
from linlab.web.learning.sync import sync_course
call_command("migrate", verbosity=0)
sync_course()
from django.conf import settings
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from linlab.web.learning.models import Profile
n, prefix = int(sys.argv[1]), sys.argv[2]
User = get_user_model()
hashed = make_password("load-test-passphrase-1")  # once: hashing is the slow part, not what is measured
out = []
for i in range(n):
    user = User.objects.create(username=f"{prefix}{i:04d}", password=hashed)
    language = "ru" if i % 2 else "en"
    Profile.objects.update_or_create(user=user, defaults={"language": language})
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(86400)
    store.create()
    out.append({"username": user.username, "id": user.pk, "session": store.session_key, "language": language})
print(json.dumps(out))
"""


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "linlab.web", *args], env=env, capture_output=True, text=True,
                          input=stdin, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"manage {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_database(env: dict[str, str], users: int, prefix: str = "learner") -> list[dict[str, Any]]:
    """Migrate, sync the course, and create ``users`` learners with a signed-in session each (one process)."""
    script = Path(env["LINLAB_HOME"]) / "make_users.py"
    script.write_text(_MAKE_USERS)
    out = subprocess.run([sys.executable, "-c", "import django, runpy, sys; django.setup(); "
                          "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')", str(script), str(users), prefix],
                         env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"creating learners failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Site:
    """A running ``linlab serve --no-setup`` (gunicorn master ``process``) on ``127.0.0.1:port``."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's child processes."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def kill_worker(self) -> int:
        """SIGKILL one worker (gunicorn's master starts a new one); returns its pid."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    host, port = url.removeprefix("http://").split(":")
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(host, int(port), timeout=2)
            conn.request("GET", "/healthz/live")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the site at {url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def site(env: dict[str, str], *, workers: int, threads: int) -> Iterator[Site]:
    """``linlab serve --no-setup`` with ``workers`` x ``threads``; stopped (SIGTERM, then SIGKILL) on exit."""
    port = free_port()
    log = Path(env["LINLAB_HOME"]) / f"gunicorn-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from linlab.cli import run; run()", "serve", "--no-setup", "--port", str(port),
             "--workers", str(workers), "--threads", str(threads)],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
        )
    running = Site(process, port, log)
    try:
        wait_until_up(running.url)
        deadline = time.time() + 30
        while len(running.worker_pids()) < workers and time.time() < deadline:
            time.sleep(0.1)
        yield running
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ------------------------------------------------------------------------------------- the learners


def course_plan() -> dict[str, Any]:
    """What learners can do, from the course model: per lesson its checks (with a right and a wrong
    answer each) and exercises, and per exercise type a plausible answer."""
    from linlab.course import load_course

    course = load_course()
    lessons = {}
    for lesson in course.lessons.values():
        checks = []
        for check in lesson.checks:
            right = check.answer_text
            if not check.check(right, "en").correct:  # the canonical text always grades right; keep it honest
                continue
            checks.append({"id": check.id, "right": right, "wrong": _wrong_answer(check, right)})
        lessons[lesson.id] = {"checks": checks, "exercises": [e.id for e in lesson.exercises]}
    return {"lessons": lessons}


def _wrong_answer(check: Any, right: str) -> str:
    for text in ("no", "yes", "1", "2", "[0, 0]", "[[0, 0], [0, 0]]", "0", "x + 7"):
        if text != right and not check.check(text, "en").correct:
            return text
    return "definitely not the answer"


def classify(status: int, body: str) -> str:
    """``ok`` (2xx/3xx), ``unavailable`` (the site's 503 answer), ``server-error`` (a 500 page), ``other``."""
    if 200 <= status < 400:
        return "ok"
    if status == 503 and (UNAVAILABLE_MARKER in body or '"detail"' in body):
        return "unavailable"
    if status >= 500:
        return "server-error"
    return "other"


class Client:
    """A learner over one keep-alive ``http.client`` connection (reopened after a failure).

    Signed in by its session cookie; POSTs carry the fixed CSRF secret as cookie and header.
    """

    def __init__(self, port: int, session: str | None = None, timeout: float = 30.0) -> None:
        self.port, self.session, self.timeout = port, session, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None, *, htmx: bool = False,
                cookies: bool = True, language: str | None = None) -> tuple[int, str]:
        """Send one request; returns (status, body).  Raises OSError/HTTPException on a connection failure."""
        from urllib.parse import urlencode

        headers = {"Connection": "keep-alive"}
        if language:
            headers["Accept-Language"] = language
        if cookies and self.session:
            headers["Cookie"] = f"sessionid={self.session}; csrftoken={CSRF}"
        elif cookies:
            headers["Cookie"] = f"csrftoken={CSRF}"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = CSRF
        if htmx:
            headers["HX-Request"] = "true"
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as err:
            self.conn.close()
            self.conn = None
            stale = isinstance(err, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError))
            if reused and stale and method == "GET":  # the server closed an idle keep-alive connection
                return self.request(method, path, form, htmx=htmx, cookies=cookies, language=language)
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, text

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


GRADE = re.compile(r'class="(?:check|attempt)-result" data-correct="(true|false)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/answer/")


def new_submission() -> str:
    return str(uuid.uuid4())


# ----------------------------------------------------------------------------------- verification


def verify_submissions(database_url: str, checks: dict[str, bool], attempts: dict[int, bool]) -> dict[str, int]:
    """Look up every acknowledged submission: ``checks`` maps submission key -> graded right,
    ``attempts`` maps attempt id -> graded right.  Returns counts of acknowledged, found and missing
    (a row whose grade differs from the acknowledged one counts as missing)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        found_checks: dict[str, bool] = {}
        keys = list(checks)
        for i in range(0, len(keys), 5000):
            rows = conn.execute("SELECT submission::text, correct FROM learning_checkanswer WHERE submission = ANY(%s::uuid[])",
                                (keys[i:i + 5000],)).fetchall()
            found_checks.update({key: correct for key, correct in rows})
        ids = list(attempts)
        found_attempts: dict[int, bool] = {}
        for i in range(0, len(ids), 5000):
            rows = conn.execute("SELECT id, correct FROM learning_attempt WHERE answered_at IS NOT NULL AND id = ANY(%s)",
                                (ids[i:i + 5000],)).fetchall()
            found_attempts.update({pk: correct for pk, correct in rows})
        totals = conn.execute("SELECT (SELECT count(*) FROM learning_checkanswer), "
                              "(SELECT count(*) FROM learning_attempt WHERE answered_at IS NOT NULL)").fetchone()
    missing_checks = sum(1 for key, right in checks.items() if found_checks.get(key) is not right)
    missing_attempts = sum(1 for pk, right in attempts.items() if found_attempts.get(pk) is not right)
    return {
        "checks_acknowledged": len(checks), "checks_missing": missing_checks,
        "attempts_acknowledged": len(attempts), "attempts_missing": missing_attempts,
        "check_rows_in_database": totals[0], "answered_attempts_in_database": totals[1],
    }


# -------------------------------------------------------------------------------- quiet measurement


def quiet_latency(port: int, session: str, lesson_ids: list[str], n: int = 200) -> dict[str, float]:
    """Sequential requests, one at a time over keep-alive: median milliseconds per kind, and ratios.

    Kinds: ``live`` (``/healthz/live``, no cookie), ``live-signed-in`` (with a session cookie, which
    the middleware loads), ``lesson`` (anonymous), ``lesson-signed-in``.  Lessons cycle through
    ``lesson_ids`` and both languages; the first round warms every cache and is not counted.
    """
    anon, signed = Client(port), Client(port, session)
    samples: dict[str, list[float]] = {"live": [], "live-signed-in": [], "lesson": [], "lesson-signed-in": []}
    warmup = 2 * len(lesson_ids)
    for round_ in range(n + warmup):
        lesson = lesson_ids[round_ % len(lesson_ids)]
        language = "ru" if (round_ // len(lesson_ids)) % 2 else "en"
        for kind, client, path, cookies in (
            ("live", anon, "/healthz/live", False),
            ("live-signed-in", signed, "/healthz/live", True),
            ("lesson", anon, f"/lessons/{lesson}/", False),
            ("lesson-signed-in", signed, f"/lessons/{lesson}/", True),
        ):
            start = time.perf_counter()
            status, _ = client.request("GET", path, cookies=cookies, language=language)
            elapsed = (time.perf_counter() - start) * 1000
            if status != 200:
                raise RuntimeError(f"{path} answered {status} during the quiet measurement")
            if round_ >= warmup:
                samples[kind].append(elapsed)
    anon.close()
    signed.close()
    result = {kind: statistics.median(values) for kind, values in samples.items()}
    result["ratio"] = result["lesson"] / result["live"]
    result["ratio-signed-in"] = result["lesson-signed-in"] / result["live-signed-in"]
    result["n"] = n
    return result


# ---------------------------------------------------------------------------------------- locust run


@dataclass
class RunConfig:
    users: int
    duration: int
    spawn_rate: float
    workers: int
    threads: int
    processes: int
    fault: str | None
    down_s: float
    signups: int
    quiet_n: int
    write: bool
    out: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="linlab-load-")))


def run_locust(config: RunConfig, running: Site, learners: list[dict[str, Any]], plan: dict[str, Any],
               fault: Any, postmaster_pid: int | None = None) -> dict[str, Any]:
    """Run locust headless against ``running``; call ``fault()`` at a third of the run.  Returns the raw logs."""
    import psutil

    (config.out / "learners.json").write_text(json.dumps(learners))
    (config.out / "plan.json").write_text(json.dumps(plan))
    env = dict(os.environ, LINLAB_LOAD_OUT=str(config.out), LINLAB_LOAD_SIGNUPS=str(config.signups))
    command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
               "--users", str(config.users), "--spawn-rate", str(config.spawn_rate), "--run-time", f"{config.duration}s",
               "--host", running.url, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]
    if config.processes > 1:
        command += ["--processes", str(config.processes)]
    started = time.time()
    locust = subprocess.Popen(command, env=env, cwd=ROOT, stdout=open(config.out / "locust.log", "w"), stderr=subprocess.STDOUT)
    client_cpu = _CpuMeter(locust.pid)
    server_cpu = _CpuMeter(running.process.pid)
    database_cpu = _CpuMeter(postmaster_pid) if postmaster_pid else None
    machine_before, load_before = _machine_busy(), os.getloadavg()[0]
    fault_info: dict[str, Any] = {}
    fault_at = started + config.duration / 3
    while locust.poll() is None:
        time.sleep(0.5)
        client_cpu.sample()
        server_cpu.sample()
        if database_cpu is not None:
            database_cpu.sample()
        if fault is not None and not fault_info and time.time() >= fault_at:
            fault_info = fault()
    wall = time.time() - started
    if locust.returncode not in (0, 1):  # 1: locust saw failures, which are reported from the logs
        raise RuntimeError(f"locust exited {locust.returncode}:\n{(config.out / 'locust.log').read_text()[-3000:]}")
    del psutil
    machine_after = _machine_busy()
    machine = 100 * (machine_after[0] - machine_before[0]) / max(machine_after[1] - machine_before[1], 1) * (os.cpu_count() or 1)
    return {"wall": wall, "fault": fault_info, "client_cpu": client_cpu.percent(), "server_cpu": server_cpu.percent(),
            "client_peak": client_cpu.peak, "database_cpu": database_cpu.percent() if database_cpu else float("nan"),
            "machine_cpu": machine, "load_before": load_before, "load_after": os.getloadavg()[0]}


def _machine_busy() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class _CpuMeter:
    """CPU use of a process tree (percent of one core), averaged over the run and its peak 2 s window."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.start = time.time()
        self.seen: dict[int, float] = {}
        self.total = 0.0
        self.peak = 0.0
        self._last: tuple[float, float] | None = None

    def sample(self) -> None:
        import psutil

        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in procs:
            try:
                times = proc.cpu_times()
                self.seen[proc.pid] = times.user + times.system + times.children_user + times.children_system
            except psutil.Error:
                pass
        now, used = time.time(), sum(self.seen.values())
        if self._last is not None and now - self._last[0] >= 2:
            self.peak = max(self.peak, 100 * (used - self._last[1]) / (now - self._last[0]))
            self._last = (now, used)
        elif self._last is None:
            self._last = (now, used)
        self.total = used

    def percent(self) -> float:
        return 100 * self.total / max(time.time() - self.start, 1e-9)


def read_logs(out: Path) -> tuple[list[dict[str, Any]], dict[str, bool], dict[int, bool]]:
    requests: list[dict[str, Any]] = []
    checks: dict[str, bool] = {}
    attempts: dict[int, bool] = {}
    for path in sorted(out.glob("requests-*.jsonl")):
        requests += [json.loads(line) for line in path.read_text().splitlines() if line]
    for path in sorted(out.glob("acks-*.jsonl")):
        for line in path.read_text().splitlines():
            ack = json.loads(line)
            if ack["kind"] == "check":
                checks[ack["submission"]] = ack["correct"]
            else:
                attempts[int(ack["id"])] = ack["correct"]
    return requests, checks, attempts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize(requests: list[dict[str, Any]], duration: float, fault_time: float | None) -> dict[str, Any]:
    by_name: dict[str, list[dict[str, Any]]] = {}
    for r in requests:
        by_name.setdefault(r["name"], []).append(r)
    rows = []
    for name in sorted(by_name):
        items = by_name[name]
        ok = [r["ms"] for r in items if r["kind"] == "ok"]
        rows.append({"name": name, "count": len(items), "failed": len(items) - len(ok),
                     "p50": percentile(ok, 50), "p99": percentile(ok, 99)})
    kinds: dict[str, int] = {}
    for r in requests:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    summary: dict[str, Any] = {"rows": rows, "kinds": kinds, "total": len(requests), "rps": len(requests) / duration}
    if fault_time is not None:
        failures = [r for r in requests if r["kind"] != "ok"]
        after = [r for r in failures if r["start"] + r["ms"] / 1000 >= fault_time - 1]
        last = max((r["start"] + r["ms"] / 1000 for r in after), default=None)
        summary["first_failure_s"] = min((r["start"] - fault_time for r in after), default=None)
        summary["recovered_after_s"] = (last - fault_time) if last is not None else 0.0
        later = [r for r in requests if r["start"] > (last if last is not None else fault_time)]
        summary["ok_after_recovery"] = sum(1 for r in later if r["kind"] == "ok")
        summary["failed_before_fault"] = len(failures) - len(after)
    return summary


def _table(summary: dict[str, Any]) -> str:
    lines = ["| endpoint | requests | failed | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for row in summary["rows"]:
        lines.append(f"| {row['name']} | {row['count']} | {row['failed']} | {row['p50']:.1f} | {row['p99']:.1f} |")
    return "\n".join(lines)


def _ratio_under_load(summary: dict[str, Any]) -> float:
    rows = {row["name"]: row for row in summary["rows"]}
    return rows["lesson"]["p50"] / rows["live"]["p50"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 x cores + 1 by default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--processes", type=int, default=1, help="locust processes (each runs gevent)")
    parser.add_argument("--signups", type=int, default=10, help="learners that sign up through the form")
    parser.add_argument("--quiet-n", type=int, default=200, help="sequential requests per kind, quiet measurement")
    parser.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL stays stopped (--restart-postgres)")
    parser.add_argument("--quiet-only", action="store_true", help="only the quiet latency measurement")
    parser.add_argument("--no-write", action="store_true", help="print; do not write docs/")
    faults = parser.add_mutually_exclusive_group()
    faults.add_argument("--kill-worker", action="store_true", help="SIGKILL one gunicorn worker at a third of the run")
    faults.add_argument("--restart-postgres", action="store_true", help="stop and start PostgreSQL at a third of the run")
    args = parser.parse_args(argv)
    fault_name = "kill-worker" if args.kill_worker else "restart-postgres" if args.restart_postgres else None
    config = RunConfig(args.users, args.duration, args.spawn_rate, args.workers, args.threads, args.processes,
                       fault_name, args.down, args.signups, args.quiet_n, not args.no_write)
    plan = course_plan()
    lesson_ids = list(plan["lessons"])
    with cluster() as pg, tempfile.TemporaryDirectory(prefix="linlab-load-home-") as home:
        env = site_env(pg.url, Path(home))
        learners = prepare_database(env, max(args.users, 1))
        with site(env, workers=args.workers, threads=args.threads) as running:
            quiet = quiet_latency(running.port, learners[0]["session"], lesson_ids, n=args.quiet_n)
            print("quiet:", json.dumps({k: round(v, 2) for k, v in quiet.items()}), flush=True)
            if args.quiet_only:
                return 0

            def fault() -> dict[str, Any]:
                if fault_name == "kill-worker":
                    at = time.time()
                    pid = running.kill_worker()
                    print(f"killed worker {pid}", flush=True)
                    return {"time": at, "what": f"SIGKILL gunicorn worker {pid}"}
                stopped, started = pg.restart(args.down)
                print(f"PostgreSQL down {started - stopped:.1f} s", flush=True)
                return {"time": stopped, "what": f"PostgreSQL stopped (-m fast) and started again after {started - stopped:.1f} s",
                        "down_s": started - stopped}

            postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
            raw = run_locust(config, running, learners, plan, fault if fault_name else None, postmaster)
            server_log = running.log.read_text(errors="replace")  # before the shutdown adds its own lines
            workers_after = running.worker_pids()
            quiet_after = quiet_latency(running.port, learners[0]["session"], lesson_ids, n=40) if fault_name else None
        (config.out / "gunicorn.log").write_text(server_log)
        raw["server_log"] = {what: server_log.count(what) for what in ("WORKER TIMEOUT", "Traceback", "[ERROR]")}
        requests, checks, attempts = read_logs(config.out)
        verified = verify_submissions(pg.url, checks, attempts)
    fault_time = raw["fault"].get("time") if fault_name else None
    summary = summarize(requests, args.duration, fault_time)
    report = _report(config, quiet, raw, summary, verified, workers_after, quiet_after)
    print(report)
    if config.write:
        _write(config, report)
    bad = summary["kinds"].get("server-error", 0) + summary["kinds"].get("other", 0)
    lost = verified["checks_missing"] + verified["attempts_missing"]
    if fault_name is None:
        bad += sum(n for kind, n in summary["kinds"].items() if kind != "ok")
    return 1 if bad or lost else 0


def _report(config: RunConfig, quiet: dict[str, float], raw: dict[str, Any], summary: dict[str, Any],
            verified: dict[str, int], workers_after: list[int], quiet_after: dict[str, float] | None) -> str:
    import platform

    kinds = summary["kinds"]
    errors = summary["total"] - kinds.get("ok", 0)
    lines = [
        f"{config.users} learners for {config.duration} s (locust {_locust_version()}, {config.processes} process(es), "
        f"FastHttpUser), gunicorn {config.workers} workers x {config.threads} threads (gthread), PostgreSQL "
        f"throwaway cluster, all on loopback; {os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}).",
        "",
        f"- requests: {summary['total']} ({summary['rps']:.1f}/s); errors: {errors} "
        f"(clean 503 answers {kinds.get('unavailable', 0)}, connection errors {kinds.get('connection', 0)}, "
        f"500 pages {kinds.get('server-error', 0)}, other {kinds.get('other', 0)})",
        f"- acknowledged submissions: {verified['checks_acknowledged']} inline answers, "
        f"{verified['attempts_acknowledged']} exercise/review answers; missing from the database: "
        f"{verified['checks_missing'] + verified['attempts_missing']} "
        f"(rows in the database: {verified['check_rows_in_database']} answers, "
        f"{verified['answered_attempts_in_database']} answered attempts)",
        f"- lesson page / minimal view (`/healthz/live`), p50 under load: {_ratio_under_load(summary):.2f}x",
        f"- quiet (sequential, median of {int(quiet['n'])}): lesson {quiet['lesson']:.2f} ms / live {quiet['live']:.2f} ms "
        f"= {quiet['ratio']:.2f}x anonymous; signed in {quiet['lesson-signed-in']:.2f} / {quiet['live-signed-in']:.2f} ms "
        f"= {quiet['ratio-signed-in']:.2f}x",
        f"- CPU (percent of one core, run average): locust {raw['client_cpu']:.0f}% (peak 2 s window {raw['client_peak']:.0f}%), "
        f"gunicorn {raw['server_cpu']:.0f}%, PostgreSQL {raw['database_cpu']:.0f}%; the whole machine {raw['machine_cpu']:.0f}% "
        f"of {100 * (os.cpu_count() or 1)}% (other processes: {max(0.0, raw['machine_cpu'] - raw['client_cpu'] - raw['server_cpu'] - raw['database_cpu']):.0f}%); "
        f"load average {raw['load_before']:.1f} before, {raw['load_after']:.1f} after"
        + (" — the client was near saturation" if raw["client_peak"] > 90 * config.processes else " — the client was not saturated"),
        f"- gunicorn log: {raw['server_log']['WORKER TIMEOUT']} worker timeouts, {raw['server_log']['Traceback']} tracebacks, "
        f"{raw['server_log']['[ERROR]']} error lines",
    ]
    if config.fault:
        lines += [
            f"- fault: {raw['fault'].get('what')}, {config.duration / 3:.0f} s into the run",
            f"- failed requests after the fault: {errors - summary.get('failed_before_fault', 0)}; every one a clean 503 "
            f"answer or a connection error: {'yes' if not (kinds.get('server-error') or kinds.get('other')) else 'NO'}",
            f"- recovered (last failure ended) {summary['recovered_after_s']:.1f} s after the fault, without a manual step; "
            f"{summary['ok_after_recovery']} requests succeeded after it; gunicorn workers afterwards: {len(workers_after)}",
        ]
        if quiet_after:
            lines.append(f"- quiet lesson page after the fault: {quiet_after['lesson']:.2f} ms (before {quiet['lesson']:.2f} ms)")
    live_p50 = {row["name"]: row["p50"] for row in summary["rows"]}.get("live", float("nan"))
    if live_p50 > 10 * quiet["live"]:
        lines.append(
            f"- the server was saturated: `/healthz/live` took {live_p50:.0f} ms (p50) under load against "
            f"{quiet['live']:.1f} ms quiet, so the latencies below are mostly time queued for a worker thread on "
            f"{os.cpu_count()} shared cores, and the ratio under load says little; the quiet ratio is the page's own cost")
    lines += ["", _table(summary)]
    return "\n".join(lines)


def _locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


def _write(config: RunConfig, report: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _report import machine, write_section

    name = "faults" if config.fault else "load"
    title = {"load": "Load: 200 learners", "faults": "Faults under load"}[name]
    command = "benchmarks/load.py" + (f" --{config.fault}" if config.fault else "")
    body = f"## {title}\n\n`{command}` ({machine()})\n\n{report}\n"
    if name == "faults":
        body = _merge_faults(config.fault or "", body)
    write_section(name, body)
    if name == "faults":
        _write_security(body)


def _merge_faults(fault: str, body: str) -> str:
    """The faults section holds one subsection per fault kind; replace this kind's, keep the other."""
    from _report import DOC

    text = DOC.read_text() if DOC.exists() else ""
    match = re.search(r"<!-- faults:start -->\n(.*?)\n<!-- faults:end -->", text, re.S)
    parts: dict[str, str] = {}
    if match:
        for block in re.split(r"(?m)^(?=### )", match.group(1)):
            head = re.match(r"### (\S+)", block)
            if head:
                parts[head.group(1)] = block.rstrip()
    parts[fault] = f"### {fault}\n\n" + body.split("\n", 2)[2].strip()
    return "## Faults under load\n\n" + "\n\n".join(parts[k] for k in sorted(parts))


def _write_security(body: str) -> None:
    doc = ROOT / "docs" / "security.md"
    start, end = "<!-- faults:start -->", "<!-- faults:end -->"
    text = doc.read_text() if doc.exists() else "# Security\n"
    if start not in text:
        text = text.rstrip() + f"\n\n{start}\n{end}\n"
    body = re.sub(r"\A## [^\n]*\n+", "", body)  # the page has its own heading above the markers
    section = f"{start}\n{body.rstrip()}\n{end}"
    text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    doc.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
