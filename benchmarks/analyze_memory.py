"""Peak memory of ``linlab.nn.inspect`` on a checkpoint larger than 2 GB, against loading its state dict.

The script writes a synthetic model folder to /tmp (config.json plus one ``model.safetensors`` of
float32 weights: a token embedding and 24 blocks of four 2048×2048 attention projections and a
2048→2560→2048 MLP), streamed tensor by tensor so the writer never holds the whole checkpoint, then runs
each case in its own child process and reads that process's peak resident memory (VmHWM from
/proc/self/status):

- linlab: ``inspect(folder, circuits=…, norms=False)``, which reads one tensor at a time;
- baseline: ``safetensors.torch.load_file`` of the whole checkpoint, each tensor then read once (a
  sum): the first step of a script that loads a state dict and loops over it.  load_file maps the
  file, so its tensors become resident as they are read.

"base" is the child's resident memory after importing torch and linlab, before the call.  The folder
is deleted at the end.

Run: .venv/bin/python benchmarks/analyze_memory.py [--quick]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import machine, write_section  # noqa: E402

FULL = {"layers": 24, "d": 2048, "hidden": 2560, "vocab": 16384, "heads": 16}
QUICK = {"layers": 4, "d": 512, "hidden": 1024, "vocab": 4096, "heads": 8}

CHILD = r"""
import json, resource, sys, time
import torch
torch.set_num_threads(1)
from linlab.nn import inspect
from safetensors.torch import load_file
case, folder, circuits = sys.argv[1], sys.argv[2], sys.argv[3] == "1"


def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024  # kB -> bytes


before = status("VmRSS")
cpu_before = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])  # user + system seconds so far
start = time.perf_counter()
if case == "linlab":
    report = inspect(folder, circuits=circuits, norms=False)
    maps = len(report.maps)
else:
    state = load_file(folder + "/model.safetensors")  # tensors backed by a memory map of the file
    maps = sum(1 for t in state.values() if t.ndim == 2 and float(t.sum()) == float(t.sum()))  # reads every byte
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu_before
print(json.dumps({"before": before, "peak": status("VmHWM"), "seconds": seconds, "cpu": cpu, "maps": maps}))
"""


def tensors(spec: dict) -> list[tuple[str, tuple[int, int]]]:
    """(name, shape) of every weight, in file order: Llama-style names, so the roles are read from them."""
    d, hidden = spec["d"], spec["hidden"]
    out = [("model.embed_tokens.weight", (spec["vocab"], d))]
    for i in range(spec["layers"]):
        p = f"model.layers.{i}"
        out += [(f"{p}.self_attn.{n}_proj.weight", (d, d)) for n in "qkvo"]
        out += [(f"{p}.mlp.up_proj.weight", (hidden, d)), (f"{p}.mlp.down_proj.weight", (d, hidden))]
    return out


def write_checkpoint(folder: Path, spec: dict) -> int:
    """Stream a float32 .safetensors file (8-byte header length, JSON header, raw bytes); return its size."""
    layout, offset = {}, 0
    for name, shape in tensors(spec):
        size = 4 * shape[0] * shape[1]
        layout[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    header = json.dumps(layout).encode()
    header += b" " * (-len(header) % 8)  # the data starts 8-byte aligned
    generator = torch.Generator().manual_seed(0)
    with open(folder / "model.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        for name, shape in tensors(spec):
            W = torch.randn(shape, generator=generator) / shape[1] ** 0.5  # (out, in), σ ≈ 1
            f.write(W.numpy().tobytes())
    config = {
        "model_type": "llama", "architectures": ["LlamaModel"], "hidden_size": spec["d"],
        "num_attention_heads": spec["heads"], "num_hidden_layers": spec["layers"], "intermediate_size": spec["hidden"],
        "vocab_size": spec["vocab"], "rms_norm_eps": 1e-6,
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config))
    return (folder / "model.safetensors").stat().st_size


def run(case: str, folder: Path, circuits: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(folder), "1" if circuits else "0"], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"{case} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a small checkpoint, to check the script (not written to the docs)"
    )
    args = parser.parse_args()
    spec = QUICK if args.quick else FULL
    folder = Path(tempfile.mkdtemp(prefix="linlab-analyze-memory-", dir="/tmp"))
    try:
        size = write_checkpoint(folder, spec)
        largest = max(4 * a * b for _, (a, b) in tensors(spec))
        print(f"wrote {gb(size)} to {folder}", file=sys.stderr, flush=True)
        results = {
            "linlab, circuits off": run("linlab", folder, False),
            "linlab, circuits on": run("linlab", folder, True),
            "load_file (baseline)": run("baseline", folder, False),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = []
    for name, r in results.items():
        extra = r["peak"] - r["before"]
        rows.append(
            f"| {name} | {r['maps']} | {gb(r['before'])} | {gb(r['peak'])} | {gb(extra)} | {extra / size:.2f} | "
            f"{extra / largest:.1f} | {r['cpu']:.0f} | {r['seconds']:.0f} |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    ours, base = results["linlab, circuits off"], results["load_file (baseline)"]
    ratio = (base["peak"] - base["before"]) / (ours["peak"] - ours["before"])
    d, L = spec["d"], spec["layers"]
    body = [
        "## Model analysis memory (`benchmarks/analyze_memory.py`)",
        "",
        f"{machine()}.",
        "",
        f"A synthetic float32 checkpoint of {gb(size)} ({len(tensors(spec))} tensors: a {spec['vocab']}×{d} token",
        f"embedding, then {L} blocks of four {d}×{d} attention projections and a {d}→{spec['hidden']}→{d} MLP;",
        f"{spec['heads']} heads), written to /tmp and deleted afterwards. The largest tensor is {gb(largest)}.",
        "Each case ran in its own process;",
        "peak = its VmHWM, base = its resident memory after imports, extra = peak − base. The baseline loads the",
        "state dict with `safetensors.torch.load_file` and reads each tensor once (a sum), as any loop over it must.",
        "One thread per process; CPU s is the process's user + system time for the call, wall s its elapsed time on",
        "a machine shared with other work (so wall time is the noisier figure).",
        "",
        "| case | maps | base | peak RSS | extra | extra / checkpoint | extra / largest tensor | CPU s | wall s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"linlab reads one tensor at a time, so its extra memory follows the largest tensor, not the checkpoint;",
        f"loading the state dict whole (the baseline) takes {ratio:.1f}× as much.",
    ]
    text = "\n".join(body)
    print(text)
    if not args.quick:
        write_section("analyze_memory", text)


if __name__ == "__main__":
    main()
