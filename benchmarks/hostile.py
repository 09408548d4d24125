"""Hostile input against a real gunicorn: the corpus of tests/web/hostile, at least 10,000 inputs per answer
type and per lab form, over HTTP as a signed-in learner.

The site runs as ``linlab serve`` (gunicorn, gthread workers) on a fresh SQLite database in a temporary
``LINLAB_HOME`` (migrated and synced by ``serve``), or with ``--postgres`` on a fresh PostgreSQL database
``linlab_hostile_<random>`` at 127.0.0.1:5432, dropped afterwards.  One learner signs in (a session
stored in that database); every value of the fixed nasty corpus and ``--examples`` values drawn from the
hypothesis strategies of each answer type go to an inline check question of that type *and* to the
answer endpoint of a fresh exercise attempt of that type (``--alternate``: to one of the two, in turn);
every lab form goes to the lab's compute endpoint (htmx and JSON in turn).  ``--clients`` keep-alive
connections send at once.

Per answer type and endpoint, and per lab: requests, 5xx (must be 0), other problems (a traceback, an error
without a message, a status other than 200/400, a raw ``<script>`` echoed), the status histogram, and
p50/p99/max latency with the count over the per-request bound of the CI test.  The table goes to
docs/benchmarks.md (section ``hostile``) and to docs/security.md between ``<!-- hostile:start -->`` and
``<!-- hostile:end -->``.  Exit status 1 if any request got a 5xx or another problem.

Run: ``.venv/bin/python benchmarks/hostile.py`` (tens of minutes on two cores; ``--examples 500`` for a
quick look).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from _report import machine, write_section  # noqa: E402

from tests.web.hostile import (  # noqa: E402
    ANSWER_TYPES, LAB_SLUGS, OVERSIZED, answer_text, lab_values, nasty_answers, nasty_lab_values, sample,
)
from tests.web.hostile.client import (  # noqa: E402
    TIME_BOUND_S, Browser, Request, answer_requests, answer_targets, lab_requests, make_attempts, problem,
    session_cookie,
)

SECURITY_DOC = ROOT / "docs" / "security.md"
_OTHER_HOSTILE_TESTS = """\
In CI, `tests/web/test_hostile_http.py` sends the fixed corpus and a sample of generated values through a
live server one request at a time and holds every reply to 200/400 with a message, no traceback and at most
2 s; it also checks that every acknowledged answer is stored.  `tests/web/test_api_schemathesis.py` runs
schemathesis (all default checks, positive and negative generation) on every operation of `/api/v1` with a
learner's token and real ids of that learner and of another.  `tests/nn/test_hostile_checkpoints.py` feeds
`inspect`, `read_tensor`, `linlab analyze` and `linlab readwrite` truncated files (in the length field, the
header and the data), header lengths up to 2**64 − 1, malformed, deeply nested and non-object headers,
negative, overlapping, out-of-range and non-integer offsets, unknown and sub-byte dtypes, shapes of 2**40 ×
2**40 and random byte damage: each is a one-line error naming the file and the problem (the CLI exits with 1),
refused before anything the header claims is allocated.  Integer and bool weights are analysed as the
numbers they store (noted in the report), float8 weights in float32, complex weights are refused."""
_START, _END = "<!-- hostile:start -->", "<!-- hostile:end -->"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"linlab serve exited with status {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not become healthy in {timeout:.0f} s")


def _postgres_database() -> tuple[str, str]:
    """A fresh database on the local PostgreSQL: (name, DATABASE_URL)."""
    import psycopg

    name = f"linlab_hostile_{secrets.token_hex(4)}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgres://postgres@127.0.0.1:5432/{name}"


def _drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Results:
    """Replies by group (``"vector check"``, ``"svd lab"``): statuses, latencies and problems."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.problems: dict[str, list[str]] = defaultdict(list)

    def add(self, request: Request, status: int, seconds: float, why: str | None) -> None:
        group = f"{request.corpus} {request.endpoint}"
        with self.lock:
            self.statuses[group][status] += 1
            self.seconds[group].append(seconds)
            if why is not None:
                self.problems[group].append(f"{why}: {request.describe(80)}")


def send_all(url: str, session: str, requests: list[Request], results: Results, clients: int) -> None:
    """Send ``requests`` over ``clients`` keep-alive connections at once; judge every reply."""
    work: queue.Queue[Request | None] = queue.Queue()
    for r in requests:
        work.put(r)
    for _ in range(clients):
        work.put(None)

    def run() -> None:
        browser = Browser(url, session, timeout=60)
        try:
            while (request := work.get()) is not None:
                reply = browser.send(request)
                # Latency is reported, not judged: with many clients on two cores it includes queueing.
                results.add(request, reply.status, reply.seconds, problem(request, reply, bound=None))
        finally:
            browser.close()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def table(results: Results, inputs: dict[str, int]) -> str:
    lines = [
        "| corpus | endpoint | inputs | requests | 5xx | other problems | statuses | p50 ms | p99 ms | max ms "
        f"| > {TIME_BOUND_S:g} s |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for group in sorted(results.statuses, key=lambda g: (g.split()[1] == "lab", g)):
        corpus, endpoint = group.split()
        statuses = results.statuses[group]
        secs = results.seconds[group]
        fivexx = sum(n for s, n in statuses.items() if s >= 500 or s == 0)
        others = len(results.problems[group]) - fivexx
        histogram = ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items()))
        lines.append(
            f"| {corpus} | {endpoint} | {inputs.get(corpus, 0):,} | {sum(statuses.values()):,} | {fivexx} | {others} "
            f"| {histogram} | {1000 * _percentile(secs, 0.5):.0f} | {1000 * _percentile(secs, 0.99):.0f} "
            f"| {1000 * max(secs):.0f} | {sum(s > TIME_BOUND_S for s in secs):,} |"
        )
    return "\n".join(lines)


def write_security(body: str) -> None:
    """Put ``body`` between the hostile markers of docs/security.md (adding the markers if missing)."""
    text = SECURITY_DOC.read_text() if SECURITY_DOC.exists() else "# Security\n"
    if _START not in text or _END not in text:
        text = text.rstrip() + f"\n\n## Hostile input\n\n{_START}\n{_END}\n"
    body = re.sub(r"^## ", "### ", body.rstrip(), flags=re.M)  # a subsection of the document's own heading
    body += "\n\n" + _OTHER_HOSTILE_TESTS
    pattern = re.compile(re.escape(_START) + ".*?" + re.escape(_END), re.S)
    SECURITY_DOC.write_text(pattern.sub(lambda _: f"{_START}\n{body}\n{_END}", text))


def summary(args: argparse.Namespace, results: Results, inputs: dict[str, int], elapsed: float, *, final: bool) -> str:
    """The Markdown section: how it was run, the table, and the totals."""
    total = sum(sum(c.values()) for c in results.statuses.values())
    fivexx = sum(sum(n for s, n in c.items() if s >= 500 or s == 0) for c in results.statuses.values())
    others = sum(len(p) for p in results.problems.values()) - fivexx
    return "\n".join([
        "## Hostile input over HTTP",
        "",
        f"{machine()}; `benchmarks/hostile.py --examples {args.examples} --clients {args.clients}"
        f"{' --alternate' if args.alternate else ''}{' --postgres' if args.postgres else ''}`: gunicorn with "
        f"{args.workers} gthread workers × 8 threads on {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"{args.clients} keep-alive clients on the same machine; {total:,} requests in {elapsed / 60:.1f} min"
        + ("." if final else " (run in progress: the corpora done so far)."),
        "",
        "Each answer type: the fixed nasty corpus (tests/web/hostile/corpus.py) plus hypothesis-generated text, "
        "each value posted to an inline check question of that type"
        + (" or (in turn)" if args.alternate else " and") + " to a fresh exercise attempt of that type (htmx form "
        "posts). Each lab: the fixed corpus plus generated forms at its compute endpoint (htmx fragment and JSON in "
        "turn). “oversized”: one 3 MB form value per endpoint (over Django's 2.5 MB upload limit). Latency includes "
        "queueing behind the other clients; the last column counts replies slower than the CI test's per-request "
        f"bound ({TIME_BOUND_S:g} s, which that test measures one request at a time).",
        "",
        table(results, inputs),
        "",
        f"5xx responses: **{fivexx}**; other problems: **{others}**.",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="generated inputs per answer type and lab form")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--alternate", action="store_true", help="each answer to one endpoint in turn, not both")
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database instead of SQLite")
    parser.add_argument("--no-write", action="store_true", help="print the table; leave the docs alone")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="linlab-hostile-"))
    env = dict(os.environ, LINLAB_HOME=str(home), DJANGO_SETTINGS_MODULE="linlab.web.settings")
    env.pop("LINLAB_PRODUCTION", None)
    database = None
    if args.postgres:
        database, env["DATABASE_URL"] = _postgres_database()
    else:
        env.pop("DATABASE_URL", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [str(Path(sys.executable).parent / "linlab"), "serve", "--port", str(port), "--workers", str(args.workers),
             "--threads", "8"]
    log = open(home / "server.log", "w")
    server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    started = time.perf_counter()
    try:
        _wait_healthy(url, server)
        os.environ.update({k: env[k] for k in ("LINLAB_HOME", "DJANGO_SETTINGS_MODULE")})
        if "DATABASE_URL" in env:
            os.environ["DATABASE_URL"] = env["DATABASE_URL"]
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        learner = get_user_model().objects.create_user(username="hostile", password=secrets.token_urlsafe(16))
        session = session_cookie(learner)
        results = Results()
        inputs: dict[str, int] = {}

        def progress(results: Results, inputs: dict[str, int]) -> None:
            if not args.no_write:  # partial figures in the docs while the run goes on
                body = summary(args, results, inputs, time.perf_counter() - started, final=False)
                write_section("hostile", body)
                write_security(body)
        targets = answer_targets()

        # Warm up: the first MiniLM request loads the token embedding; not a hostile input.
        send_all(url, session, list(lab_requests("svd", [{"source": "model", "layer": "0", "weight": "query"}])),
                 Results(), 1)
        # Generate the next corpus (hypothesis, in a thread) while the current one is sent.
        def corpus(name: str) -> list:
            if name in LAB_SLUGS:
                return nasty_lab_values(name) + sample(lab_values(name), args.examples,
                                                       seed_value=100 + LAB_SLUGS.index(name))
            return nasty_answers(name) + sample(answer_text(name), args.examples, seed_value=ANSWER_TYPES.index(name))

        order = [*LAB_SLUGS, *ANSWER_TYPES]
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(corpus, order[0])
            for i, name in enumerate(order):
                values = pending.result()
                if i + 1 < len(order):
                    pending = pool.submit(corpus, order[i + 1])
                inputs[name] = len(values)
                if name in LAB_SLUGS:
                    requests = list(lab_requests(name, values))
                else:
                    exercises = targets[name]["exercises"]
                    count = len(values) if not args.alternate else len(values) // 2 + 1
                    ids = make_attempts(learner, exercises, count, seed=ANSWER_TYPES.index(name))
                    requests = list(answer_requests(name, values, targets[name]["checks"], ids, both=not args.alternate))
                t0 = time.perf_counter()
                send_all(url, session, requests, results, args.clients)
                progress(results, inputs)
                print(f"{name}: {len(values):,} inputs, {len(requests):,} requests in {time.perf_counter() - t0:.0f} s",
                      flush=True)
        # Bodies over Django's upload limit: refused before any view, with the site's 400 page.
        (attempt_id,) = make_attempts(learner, targets["vector"]["exercises"], 1, seed=999)
        lesson, question = targets["vector"]["checks"][0]
        oversized = [Request("oversized", "check", f"/lessons/{lesson}/checks/{question}/", {"answer": OVERSIZED}),
                     Request("oversized", "answer", f"/attempts/{attempt_id}/answer/", {"answer": OVERSIZED}),
                     Request("oversized", "lab", "/labs/svd/compute/", {"matrix": OVERSIZED})]
        inputs["oversized"] = 1
        send_all(url, session, oversized, results, 1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        if database is not None:
            from django.db import connections

            connections.close_all()
            _drop_postgres_database(database)
    body = summary(args, results, inputs, time.perf_counter() - started, final=True)
    print(body)
    bad = {g: p for g, p in results.problems.items() if p}
    for group, found in bad.items():
        print(f"\n{group}: {len(found)} problems", *found[:20], sep="\n  ")
    if not args.no_write:
        write_section("hostile", body)
        write_security(body)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
