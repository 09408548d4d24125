"""Grading speed per answer type: linlab.course.answers against a naive sympy grader, same process.

The baseline reads the learner's text with ``sympy.sympify`` and calls an answer right when
``sympy.simplify(given - expected) == 0`` (for vectors and matrices as ``sympy.Matrix``, compared with the
zero matrix; for a basis, when the sympy ranks of the given vectors, of the key and of both together
agree).  That is what a grader
written in an afternoon looks like, and it is only fit for a benchmark: it evaluates text as code.
Both graders see the same typed answers (half right, half wrong, in syntax both can read).

Run: ``.venv/bin/python benchmarks/grading.py`` (about a minute); it rewrites its section of
docs/benchmarks.md.  Goals: numbers, vectors and matrices at least 50× the baseline's throughput;
every type under 20 ms per grading at the 99th percentile.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Callable

import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import machine, write_section  # noqa: E402

from linlab.course import answers, randmat  # noqa: E402

Case = tuple[answers.Answer, str, Callable[[str], bool]]


def _vec(v) -> str:
    return "[" + ", ".join(str(x) for x in v) + "]"


def _sym_equal(a, b) -> bool:
    return sympy.simplify(a - b) == 0


def cases(rng: random.Random, count: int) -> dict[str, list[Case]]:
    """For each answer type, ``count`` (key, typed text, baseline grader) triples."""
    out: dict[str, list[Case]] = {t: [] for t in ("integer", "number", "vector", "matrix", "basis", "expression")}
    x = sympy.Symbol("x")
    for i in range(count):
        right = i % 2 == 0
        # integer
        n = rng.randint(-50, 50)
        typed = str(n if right else n + 1)
        out["integer"].append((answers.Integer(n), typed, lambda t, n=n: _sym_equal(sympy.sympify(t), n)))
        # number: exact irrational
        k = rng.randint(2, 9)
        text = f"sqrt({k})/{k}"
        typed = f"1/sqrt({k})" if right else f"1/sqrt({k + 1})"
        out["number"].append((answers.Number(text), typed,
                              lambda t, e=sympy.sqrt(k) / k: _sym_equal(sympy.sympify(t), e)))
        # vector
        v = [Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(rng.randint(2, 5))]
        w = v if right else v[:-1] + [v[-1] + 1]
        out["vector"].append((answers.Vector(v), _vec(w), lambda t, v=v: sympy.simplify(
            sympy.Matrix(sympy.sympify(t)) - sympy.Matrix([sympy.Rational(b.numerator, b.denominator) for b in v]))
            == sympy.zeros(len(v), 1)))
        # matrix
        m, c = rng.randint(2, 4), rng.randint(2, 4)
        A = [[rng.randint(-9, 9) for _ in range(c)] for _ in range(m)]
        B = A if right else [row[:] for row in A[:-1]] + [[y + 1 for y in A[-1]]]
        typed = "[" + ", ".join(_vec(r) for r in B) + "]"
        out["matrix"].append((answers.Matrix(A), typed, lambda t, A=A: sympy.simplify(
            sympy.Matrix(sympy.sympify(t)) - sympy.Matrix(A)) == sympy.zeros(len(A), len(A[0]))))
        # basis of a kernel
        mm, nn = rng.randint(2, 4), rng.randint(3, 5)
        K = randmat.with_rank(rng, mm, nn, rank=rng.randint(1, min(mm, nn - 1)))
        key = answers.KernelBasis(K)
        basis = [[int(y) for y in vec] for vec in key.vectors]
        if right:
            given = [[sum(y) for y in zip(*basis)]] + basis[1:]
        else:
            given = [[y + 1 for y in basis[0]]] + basis[1:]
        typed = ", ".join(_vec(b) for b in given)

        def basis_baseline(t: str, key_vectors=basis) -> bool:
            parsed = sympy.sympify("[" + t + "]")
            G, E = sympy.Matrix(parsed), sympy.Matrix(key_vectors)
            return G.rank() == E.rank() == G.col_join(E).rank() == len(parsed)

        out["basis"].append((key, typed, basis_baseline))
        # expression
        a, b = rng.randint(-5, 5), rng.randint(-5, 5)
        factored = f"(x - ({a}))*(x - ({b}))"
        expanded = str(sympy.expand((x - a) * (x - b) + (0 if right else 1)))
        out["expression"].append((answers.Expression(factored), expanded,
                                  lambda t, f=factored: _sym_equal(sympy.sympify(t), sympy.sympify(f))))
    return out


def timings(calls: list[Callable[[], object]], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for call in calls:
            t0 = time.perf_counter()
            call()
            out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    rng = random.Random(0)
    ours_n, base_n = 400, 40
    table = cases(rng, ours_n)
    rows = []
    for kind, items in table.items():
        # the two graders must agree on every answer they both read
        for key, typed, base in items[:base_n]:
            assert key.check(typed).correct == base(typed), (kind, key, typed)
        ours = timings([lambda k=k, t=t: k.check(t) for k, t, _ in items], repeat=3)
        base = timings([lambda b=b, t=t: b(t) for _, t, b in items[:base_n]], repeat=1)
        q = statistics.quantiles(ours, n=100)
        ratio = (len(base) / sum(base)) / (len(ours) / sum(ours))
        rows.append((kind, statistics.median(ours), q[98], statistics.median(base),
                     statistics.quantiles(base, n=100)[98], 1 / ratio))
        print(f"{kind:10s} ours p50 {rows[-1][1] * 1e3:7.3f} ms  p99 {rows[-1][2] * 1e3:7.3f} ms   "
              f"sympy p50 {rows[-1][3] * 1e3:8.2f} ms   throughput ×{rows[-1][5]:.0f}")
    lines = [
        "## Grading answers (`benchmarks/grading.py`)",
        "",
        f"{machine()}.",
        "",
        "Time per grading of a typed answer (`key.check(text)`: parse, compare, feedback) against a naive",
        "grader in the same process that reads the text with `sympy.sympify` and tests",
        "`sympy.simplify(given - expected) == 0` (vectors and matrices as `sympy.Matrix`; ranks for a basis).",
        "Half of the answers are",
        f"right; {ours_n} keys per type (×3 runs) for linlab, {base_n} for the baseline.",
        "Both run warm: the agreement check grades every baseline answer once first (sympy caches its",
        "results), and linlab's parser keeps the values of entry texts it has read (`-3`, `1/2`) in a bounded cache.",
        "Goals: numbers, vectors and matrices ≥ 50× the baseline's throughput; p99 < 20 ms for every type.",
        "",
        "| answer type | linlab p50 | linlab p99 | sympy baseline p50 | baseline p99 | throughput vs baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, p50, p99, b50, b99, speedup in rows:
        lines.append(f"| {kind} | {p50 * 1e3:.3f} ms | {p99 * 1e3:.3f} ms | {b50 * 1e3:.2f} ms | {b99 * 1e3:.2f} ms "
                     f"| {speedup:.0f}× |")
    fast = {kind: speedup for kind, *_, speedup in rows}
    short = [f"{k} ({fast[k]:.0f}×)" for k in ("integer", "number", "vector", "matrix") if fast[k] < 50]
    slow = [kind for kind, _, p99, *_ in rows if p99 >= 0.020]
    lines += [
        "",
        ("Every type is under 20 ms at p99." if not slow else f"Over 20 ms at p99: {', '.join(slow)}.")
        + (" The 50× goal is met for every numeric, vector and matrix type." if not short else
           f" Below the 50× goal: {', '.join(short)}. For plain rational entries sympy's simplify is trivial"
           " and the baseline's cost is sympify's parsing; linlab's is Python-level parsing and Fraction"
           " arithmetic, a few microseconds per entry."),
    ]
    write_section("grading", "\n".join(lines))


if __name__ == "__main__":
    main()
