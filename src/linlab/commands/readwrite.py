"""``linlab readwrite FILE``: what one weight matrix reads and writes, as its top SVD terms.

The matrix comes from a ``.npy`` array, a ``.pt``/``.pth`` file (a tensor, or a state dict with
``--key``) or a ``.safetensors`` file (``--key``; only that tensor is read from disk).  Without
``--key``, a file holding one tensor, or exactly one 2-D tensor, uses it.
"""

from __future__ import annotations

import difflib
import json
import pickle
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from ..errors import CheckpointError, DTypeError, ShapeError

__all__ = ["register", "load_matrix"]

_SUFFIXES = ".npy, .pt, .pth or .safetensors"
_MAX_LISTED = 20  # keys named in an error message


def register(app: typer.Typer) -> None:
    """Add ``linlab readwrite`` to ``app``."""
    app.command("readwrite")(readwrite_command)


def readwrite_command(
    file: Path = typer.Argument(..., help="A .npy, .pt/.pth or .safetensors file holding the matrix (out, in)."),
    key: str | None = typer.Option(None, "--key", "-k", help="The tensor's name in a state dict or .safetensors file."),
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

    matrix, name, chosen = load_matrix(file, key=key, flatten=flatten)
    A = LinearMap(matrix)
    with Console(stderr=True).status(f"SVD of {name}, shape {A.shape}…"):
        rw = readwrite(A, rank=terms, method=method)  # type: ignore[arg-type]
        rank = rw.source_rank if rw.source_rank is not None else A.rank  # lowrank: the rank needs svdvals
    report = {
        "file": str(file),
        "key": chosen,
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


def load_matrix(path: Path, *, key: str | None = None, flatten: bool = False) -> tuple[Any, str, str | None]:
    """The 2-D tensor stored in ``path``, a name for messages, and the key it was found under.

    The name is ``"file.npy"`` or ``"file.safetensors[h.0.attn.c_attn.weight]"``; the key is None for
    a file that holds a single tensor.

    ``key`` picks a tensor in a state dict or a .safetensors file; ``NAME`` also finds ``NAME.weight``.
    ``flatten`` reshapes a tensor of shape ``(out, d1, d2, …)`` to ``(out, d1·d2·…)``.

    Raises
    ------
    CheckpointError
        Missing or unreadable file, unsupported suffix, unknown key (the available ones are listed),
        or no unique 2-D tensor when ``key`` is omitted.
    ShapeError, DTypeError, NonFiniteError
        The tensor is not 2-D, not real numbers, or not finite.
    """
    import torch

    from ..algebra._coerce import as_matrix

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file" if not path.exists() else f"{path} is not a file")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        if key is not None:
            raise CheckpointError(f"{path} holds one array; --key applies to .pt and .safetensors files")
        tensor, chosen = _load_npy(path), None
    elif suffix in (".pt", ".pth"):
        tensor, chosen = _load_torch(path, key)
    elif suffix == ".safetensors":
        tensor, chosen = _load_safetensors(path, key)
    else:
        raise CheckpointError(f"{path} has an unsupported suffix {suffix or '(none)'!r}; expected {_SUFFIXES}")
    name = path.name if chosen is None else f"{path.name}[{chosen}]"
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
    return matrix, name, chosen


def _load_npy(path: Path) -> Any:
    import numpy as np
    import torch

    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise CheckpointError(f"{path} could not be read as a .npy array: {err}") from err
    if not isinstance(array, np.ndarray):
        raise CheckpointError(f"{path} holds {type(array).__name__}, not an array")
    if array.dtype.kind not in "biuf":
        raise DTypeError(f"{path.name} has numpy dtype {array.dtype}; expected real numbers")
    return torch.from_numpy(np.ascontiguousarray(array))


def _load_torch(path: Path, key: str | None) -> tuple[Any, str | None]:
    import torch

    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:  # not a pickle, or one holding more than tensors and containers
        detail = re.search(r"WeightsUnpickler error:\s*(.+?)\s*(\n|$)", str(err))
        why = detail.group(1) if detail else str(err).split(".")[0]
        raise CheckpointError(
            f"{path} is not a file of tensors that can be loaded safely (torch.load(weights_only=True): {why}); "
            "linlab never unpickles arbitrary objects"
        ) from err
    except Exception as err:  # truncated zip archives, wrong magic numbers, I/O errors
        first_sentence = str(err).strip().split(". ")[0] or type(err).__name__
        raise CheckpointError(f"{path} could not be read as a PyTorch file: {first_sentence}") from err
    if isinstance(data, torch.Tensor):
        if key is not None:
            raise CheckpointError(f"{path} holds a single tensor, not a state dict; drop --key {key}")
        return data, None
    if not isinstance(data, Mapping):
        raise CheckpointError(f"{path} holds a {type(data).__name__}; expected a tensor or a state dict")
    tensors = dict(_flat_tensors(data))
    chosen = _choose(path, key, {k: tuple(t.shape) for k, t in tensors.items()})
    return tensors[chosen], chosen


def _flat_tensors(data: Mapping, prefix: str = "") -> Any:
    import torch

    for k, v in data.items():
        if isinstance(v, torch.Tensor):
            yield f"{prefix}{k}", v
        elif isinstance(v, Mapping):  # nested checkpoints: {"model": {...}} -> "model.…"
            yield from _flat_tensors(v, f"{prefix}{k}.")


def _load_safetensors(path: Path, key: str | None) -> tuple[Any, str]:
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # headers only, no data read
            chosen = _choose(path, key, shapes)
            return f.get_tensor(chosen), chosen
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{path} could not be read as a .safetensors file: {err}") from err


def _choose(path: Path, key: str | None, shapes: dict[str, tuple[int, ...]]) -> str:
    """The key to use: ``key`` (or ``key.weight``), else the only tensor, else the only 2-D tensor."""
    if not shapes:
        raise CheckpointError(f"{path} holds no tensors")
    if key is not None:
        for candidate in (key, f"{key}.weight"):
            if candidate in shapes:
                return candidate
        close = difflib.get_close_matches(key, list(shapes), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise CheckpointError(f"{path} has no tensor named {key!r}{hint}. Available: {_listing(shapes)}")
    if len(shapes) == 1:
        return next(iter(shapes))
    matrices = [k for k, s in shapes.items() if len(s) == 2]
    if len(matrices) == 1:
        return matrices[0]
    which = "no 2-D tensor" if not matrices else f"{len(matrices)} 2-D tensors"
    raise CheckpointError(
        f"{path} holds {len(shapes)} tensors ({which}): pass --key NAME. Available: {_listing(shapes)}"
    )


def _listing(shapes: dict[str, tuple[int, ...]]) -> str:
    items = [f"{k} {s}" for k, s in list(shapes.items())[:_MAX_LISTED]]
    more = f" (and {len(shapes) - _MAX_LISTED} more)" if len(shapes) > _MAX_LISTED else ""
    return ", ".join(items) + more


def _render(name: str, report: dict[str, Any]) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    out_dim, in_dim = report["shape"]
    header = Text(
        f"{name}: shape (out, in) = ({out_dim}, {in_dim}), {report['dtype']}, rank {report['rank']}, "
        f"nullity {report['nullity']}, method {report['method']}, ‖M‖_F = {report['frobenius_norm']:.6g}"
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
