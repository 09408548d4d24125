"""``linlab readwrite FILE_OR_MODEL``: what one weight matrix reads and writes, as its top SVD terms.

The matrix comes from a ``.npy`` array, a ``.pt``/``.pth`` file (a tensor, or a state dict with
``--key``), a ``.safetensors`` file (``--key``; only that tensor is read from disk) or a Hugging Face
model folder (``--key``/``--layer`` names the layer; see :mod:`linlab.nn.tensors`).  Without
``--key``, a file holding one tensor, or exactly one 2-D tensor, uses it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from ..errors import ShapeError
from ..nn.tensors import StoredTensor, read_tensor

__all__ = ["register", "load_matrix"]


def register(app: typer.Typer) -> None:
    """Add ``linlab readwrite`` to ``app``."""
    app.command("readwrite")(readwrite_command)


def readwrite_command(
    file: Path = typer.Argument(
        ...,
        metavar="FILE_OR_MODEL",
        help="A .npy, .pt/.pth or .safetensors file holding the matrix (out, in), or a model folder (save_pretrained).",
    ),
    key: str | None = typer.Option(
        None,
        "--key",
        "--layer",
        "-k",
        help="The tensor's or layer's name in a state dict, .safetensors file or model folder; NAME finds NAME.weight.",
    ),
    terms: int = typer.Option(5, "--terms", "-n", min=0, help="How many of the top terms to show."),
    coords: int = typer.Option(3, "--coords", min=1, help="Largest-magnitude coordinates shown per direction."),
    method: str = typer.Option("full", "--method", help="full (also gives the exact rank), lowrank or auto."),
    flatten: bool = typer.Option(
        False, "--flatten", help="Reshape a 3-D+ tensor (out, …) to (out, -1): a conv weight on patch space."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The top read/write terms (SVD) of one weight matrix: σ, energy share, and where each term reads and writes."""
    from rich.console import Console

    from ..algebra.maps import LinearMap
    from ..algebra.readwrite import readwrite

    matrix, name, stored = load_matrix(file, key=key, flatten=flatten)
    A = LinearMap(matrix)
    with Console(stderr=True).status(f"SVD of {name}, shape {A.shape}…"):
        rw = readwrite(A, rank=terms, method=method)  # type: ignore[arg-type]
        rank = rw.source_rank if rw.source_rank is not None else A.rank  # lowrank: the rank needs svdvals
    report = {
        "file": str(file),
        "source": str(stored.source),
        "key": stored.key,
        "transposed": stored.transposed,
        "shape": list(A.shape),
        "dtype": str(matrix.dtype).removeprefix("torch."),
        "rank": rank,
        "nullity": A.dim_in - rank,
        "method": rw.method,
        "frobenius_norm": rw.total_energy**0.5,
        "degenerate_groups": [list(g) for g in rw.degenerate_groups],
        "terms": rw.summary(terms=terms, coords=coords)["terms"],
    }
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        Console().print(_render(name, report))


def load_matrix(path: Path, *, key: str | None = None, flatten: bool = False) -> tuple[Any, str, StoredTensor]:
    """The 2-D tensor stored in ``path`` as a float matrix (out, in), a name for messages, and where it came from.

    ``path`` is a ``.npy``/``.pt``/``.safetensors`` file or a Hugging Face model folder, read by
    :func:`linlab.nn.tensors.read_tensor` (which also transposes GPT-2 ``Conv1D`` weights to (out, in)).
    The name is ``"file.npy"``, ``"file.safetensors[h.0.attn.c_attn.weight]"`` or
    ``"folder/model.safetensors[h.0.attn.c_attn.weight]"``.
    ``key`` picks a tensor in a state dict, a .safetensors file or a model folder; ``NAME`` also finds
    ``NAME.weight``.  ``flatten`` reshapes a tensor of shape ``(out, d1, d2, …)`` to ``(out, d1·d2·…)``.

    Raises
    ------
    CheckpointError
        Missing or unreadable file or folder, unsupported suffix, unknown key (close names are
        suggested), or no unique 2-D tensor when ``key`` is omitted.
    ShapeError, DTypeError, NonFiniteError
        The tensor is not 2-D, not real numbers, or not finite.
    """
    import torch

    from ..algebra._coerce import as_matrix

    stored = read_tensor(path, key=key)
    tensor, name = stored.tensor, stored.name
    if isinstance(tensor, torch.Tensor) and tensor.is_floating_point() and tensor.element_size() == 1:
        tensor = tensor.to(torch.float32)  # float8 has no arithmetic kernels on CPU
    if flatten and tensor.ndim >= 3:
        tensor = tensor.reshape(tensor.shape[0], -1)  # (out, in, kh, kw) -> (out, in·kh·kw)
    if tensor.ndim != 2:
        hint = (
            "; a conv weight (out, in, kh, kw) is a linear map on patches: pass --flatten to read it as (out, in·kh·kw)"
            if tensor.ndim >= 3
            else "; a 1-D tensor (a bias, a norm's gain) is a vector, not a map"
        )
        raise ShapeError(f"{name} has shape {tuple(tensor.shape)}: readwrite needs a 2-D matrix (out, in){hint}")
    matrix, _ = as_matrix(tensor, name=name)  # DTypeError / NonFiniteError naming the tensor
    return matrix, name, stored


def _render(name: str, report: dict[str, Any]) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    out_dim, in_dim = report["shape"]
    header = Text(
        f"{name}: shape (out, in) = ({out_dim}, {in_dim}), {report['dtype']}, rank {report['rank']}, "
        f"nullity {report['nullity']}, method {report['method']}, ‖M‖_F = {report['frobenius_norm']:.6g}"
        + ("\n(stored (in, out) as a GPT-2 Conv1D weight; transposed to (out, in))" if report["transposed"] else "")
    )
    table = Table(title="Top terms: M x = Σ σ_i (v_i · x) u_i", title_justify="left")
    table.add_column("term", justify="right")
    table.add_column("σ", justify="right")
    table.add_column("energy", justify="right")
    table.add_column("reads v (input coords)")
    table.add_column("writes u (output coords)")
    for term in report["terms"]:
        table.add_row(
            str(term["index"]),
            f"{term['scale']:.6g}",
            f"{term['energy']:.2%}",
            _coords(term["read"]),
            _coords(term["write"]),
        )
    parts: list[Any] = [header, table]
    shown = len(report["terms"])
    for group in report["degenerate_groups"]:
        if group[0] < shown:
            parts.append(Text(f"terms {group[0]}–{group[-1]} have (nearly) equal σ: only their span is meaningful"))
    return Group(*parts)


def _coords(pairs: list[list[float]]) -> str:
    return "  ".join(f"{int(i)}:{v:+.3f}" for i, v in pairs)
