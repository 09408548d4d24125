"""Kernel and image of real-sized layers: linlab against scipy.linalg.null_space / orth.

Both sides use the same rank rule (σ > max(m, n)·eps·σ_max), so the comparison is of cost alone; the
script also checks that the subspaces agree.  Run: .venv/bin/python benchmarks/linear_maps.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy.linalg
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import machine, write_section  # noqa: E402

from linlab import LinearMap, Subspace  # noqa: E402

REPEATS = 3
# (name, shape (out, in), rank): shapes of a BERT-base-like layer, its transpose, and an embedding
CASES = [
    ("attention projection", (384, 384), 384),
    ("MLP up (tall)", (1536, 384), 384),
    ("MLP down (wide)", (384, 1536), 384),
    ("low-rank update (LoRA r=8)", (768, 768), 8),
    ("unembedding-like (tall)", (4096, 384), 384),
]


def best_of(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    rows = []
    for name, (m, n), r in CASES:
        M = rng.standard_normal((m, r)) @ rng.standard_normal((r, n)) / np.sqrt(r)
        T = torch.from_numpy(M)

        def ours(T=T):
            A = LinearMap(T)
            return A.kernel(), A.image()

        def baseline(M=M):
            return scipy.linalg.null_space(M), scipy.linalg.orth(M)

        ker, im = ours()
        null, orth = baseline()
        assert ker == Subspace.span(torch.from_numpy(null)) and im == Subspace.span(torch.from_numpy(orth)), name
        t_ours, t_base = best_of(ours), best_of(baseline)
        rows.append(f"| {name} | {m}×{n} | {ker.dim} | {im.dim} | {t_base * 1e3:.1f} | {t_ours * 1e3:.1f} | {t_base / t_ours:.2f}× |")
        print(rows[-1], flush=True)
    body = "\n".join(
        [
            "## Kernel and image of layer-sized matrices (`benchmarks/linear_maps.py`)",
            "",
            f"Median of {REPEATS} runs, one thread each, float64; {machine()}.",
            "Baseline: `scipy.linalg.null_space` + `scipy.linalg.orth` on the same matrix (two SVDs, full V).",
            "linlab: `LinearMap(M).kernel()` + `.image()` (one SVD, reduced for a tall matrix so that no",
            "out×out factor is formed). Both subspaces are checked equal before timing.",
            "",
            "| matrix | shape (out×in) | dim ker | dim im | scipy ms | linlab ms | speed-up |",
            "|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    write_section("linear_maps", body)


if __name__ == "__main__":
    main()
