"""Read one named tensor from a ``.npy``/``.pt``/``.safetensors`` file or a Hugging Face model folder.

A model folder is what ``save_pretrained`` writes: ``config.json`` plus the weights as
``model.safetensors``, as shards ``model-0000X-of-0000N.safetensors`` listed in
``model.safetensors.index.json`` (its ``weight_map`` names the shard of each tensor, so only that
shard is opened), or as ``pytorch_model.bin`` (sharded: ``pytorch_model.bin.index.json``).
A ``.safetensors`` file is read lazily: its header gives every name and shape, and only the chosen
tensor's bytes are read.  ``.pt``/``.bin`` files go through ``torch.load(weights_only=True)``, which
never unpickles arbitrary objects.

GPT-2-style models store their ``Conv1D`` weights as ``(in, out)``; in a folder whose ``config.json``
says so (``model_type`` in :data:`CONV1D_MODEL_TYPES`), such a weight is transposed to the
``(out, in)`` convention of ``nn.Linear.weight`` and :attr:`StoredTensor.transposed` says so.
"""

from __future__ import annotations

import difflib
import json
import pickle
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CheckpointError, DTypeError

__all__ = ["StoredTensor", "read_tensor", "CONV1D_MODEL_TYPES"]

#: ``model_type`` values (config.json) whose ``c_attn``/``q_attn``/``c_proj``/``c_fc`` weights are
#: transformers' ``Conv1D``, stored ``(in, out)``.
CONV1D_MODEL_TYPES = frozenset({"gpt2", "openai-gpt", "imagegpt", "decision_transformer"})

_CONV1D_WEIGHT = re.compile(r"(^|\.)(c_attn|q_attn|c_proj|c_fc)\.weight$")
_SUFFIXES = ".npy, .pt, .pth, .bin or .safetensors, or a model folder"
_FOLDER_FILES = (  # in the order transformers itself prefers them
    "model.safetensors.index.json",
    "model.safetensors",
    "pytorch_model.bin.index.json",
    "pytorch_model.bin",
)
_MAX_LISTED = 10  # tensor names shown in an error message


@dataclass(frozen=True)
class StoredTensor:
    """One tensor read from disk, with where it came from.

    Attributes
    ----------
    tensor : torch.Tensor
        The tensor, on the CPU; a GPT-2 ``Conv1D`` weight already transposed to ``(out, in)``.
    key : str or None
        Its name in the file (``"h.0.attn.c_attn.weight"``); None for a file holding one bare tensor.
    source : Path
        The file actually read (a shard, for a sharded model folder).
    name : str
        A label for messages: ``"w.npy"``, ``"m.safetensors[h.0.mlp.weight]"`` or, from a folder,
        ``"gpt2/model.safetensors[transformer.h.0.attn.c_attn.weight]"``.
    transposed : bool
        True when the stored ``(in, out)`` Conv1D weight was transposed to ``(out, in)``.
    """

    tensor: Any
    key: str | None
    source: Path
    name: str
    transposed: bool = False


def read_tensor(path: str | Path, *, key: str | None = None) -> StoredTensor:
    """The tensor named ``key`` in the file or model folder ``path``.

    Parameters
    ----------
    path : str or Path
        A ``.npy`` file (one array), a ``.pt``/``.pth``/``.bin`` file (a tensor, or a state dict,
        possibly nested: ``{"model": {"w": …}}`` gives ``"model.w"``), a ``.safetensors`` file, or a
        folder written by ``save_pretrained``.
    key : str, optional
        The tensor's name; ``NAME`` also finds ``NAME.weight``, so a layer's name selects its weight.
        Without it, a file holding one tensor, or exactly one 2-D tensor, gives that one.

    Returns
    -------
    StoredTensor
        The tensor (any shape and dtype, as stored, except the Conv1D transpose) and its provenance.

    Raises
    ------
    CheckpointError
        A missing, unreadable, truncated or malformed file or folder; an unknown key (close names
        are suggested, as "did you mean …"); no ``key`` where there is no single 2-D tensor (the
        message counts the 2-D tensors and names a few).
    DTypeError
        A ``.npy`` array that does not hold real numbers.

    Examples
    --------
    >>> import tempfile, torch
    >>> from safetensors.torch import save_file
    >>> folder = Path(tempfile.mkdtemp())
    >>> save_file({"layer.weight": torch.ones(3, 4), "layer.bias": torch.ones(3)}, folder / "model.safetensors")
    >>> found = read_tensor(folder, key="layer")
    >>> found.key, tuple(found.tensor.shape), found.transposed
    ('layer.weight', (3, 4), False)
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path, key)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file or folder" if not path.exists() else f"{path} is not a file")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        if key is not None:
            raise CheckpointError(f"{path} holds one array; --key applies to .pt, .safetensors and model folders")
        return StoredTensor(_load_npy(path), None, path, path.name)
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise CheckpointError(f"{path} has an unsupported suffix {suffix or '(none)'!r}; expected {_SUFFIXES}")
    tensor, chosen = loader(path, key)
    return StoredTensor(tensor, chosen, path, path.name if chosen is None else f"{path.name}[{chosen}]")


def _read_folder(folder: Path, key: str | None) -> StoredTensor:
    weights = next((folder / f for f in _FOLDER_FILES if (folder / f).is_file()), None)
    if weights is None:
        raise CheckpointError(
            f"{folder} is a folder without model weights: expected one of {', '.join(_FOLDER_FILES)} "
            "(as written by save_pretrained)"
        )
    if weights.suffix == ".json":
        weight_map = _weight_map(weights)
        chosen = _resolve(key, weight_map)
        if chosen is None:  # no key, or an unknown one: the shapes decide, or go into the message
            shapes = {k: s for shard in sorted(set(weight_map.values())) for k, s in _shapes(folder / shard).items()}
            chosen = _choose(weights, key, shapes)
        source = folder / weight_map[chosen]
        if not source.is_file():
            raise CheckpointError(f"{weights} puts {chosen} in {source.name}, but {source} does not exist")
        tensor, chosen = _LOADERS[source.suffix](source, chosen)
    else:
        source = weights
        tensor, chosen = _LOADERS[source.suffix](source, key)
    conv1d = _model_type(folder) in CONV1D_MODEL_TYPES and chosen is not None and _CONV1D_WEIGHT.search(chosen)
    transposed = bool(conv1d)
    if transposed:
        tensor = tensor.T  # Conv1D stores (in, out); (out, in) like nn.Linear.weight
    return StoredTensor(tensor, chosen, source, f"{folder.name}/{source.name}[{chosen}]", transposed)


def _weight_map(index: Path) -> dict[str, str]:
    try:
        weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"{index} is not a shard index with a weight_map: {type(err).__name__}: {err}") from err
    if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
        raise CheckpointError(f"{index}: weight_map should map tensor names to shard file names")
    if any(Path(v).name != v for v in weight_map.values()):  # shards sit beside the index, nowhere else
        raise CheckpointError(f"{index}: weight_map names a shard outside the folder")
    return weight_map


def _model_type(folder: Path) -> str | None:
    try:
        return json.loads((folder / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return None  # no usable config: no transposition, the weight is shown as stored


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


def _torch_data(path: Path) -> Any:
    import torch

    try:  # mmap: a large zip-format checkpoint is mapped, not read, until a tensor is used
        return torch.load(path, map_location="cpu", weights_only=True, mmap=zipfile.is_zipfile(path))
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


def _torch_tensors(path: Path) -> Any:
    """A bare tensor, or the flat ``{name: tensor}`` of a (nested) state dict."""
    import torch

    data = _torch_data(path)
    if isinstance(data, torch.Tensor):
        return data
    if not isinstance(data, Mapping):
        raise CheckpointError(f"{path} holds a {type(data).__name__}; expected a tensor or a state dict")
    return dict(_flat_tensors(data))


def _load_torch(path: Path, key: str | None) -> tuple[Any, str | None]:
    import torch

    tensors = _torch_tensors(path)
    if isinstance(tensors, torch.Tensor):
        if key is not None:
            raise CheckpointError(f"{path} holds a single tensor, not a state dict; drop --key {key}")
        return tensors, None
    chosen = _choose(path, key, {k: tuple(t.shape) for k, t in tensors.items()})
    return tensors[chosen], chosen


def _flat_tensors(data: Mapping, prefix: str = "") -> Iterator[tuple[str, Any]]:
    import torch

    for k, v in data.items():
        if isinstance(v, torch.Tensor):
            yield f"{prefix}{k}", v
        elif isinstance(v, Mapping):  # nested checkpoints: {"model": {...}} -> "model.…"
            yield from _flat_tensors(v, f"{prefix}{k}.")


def _load_safetensors(path: Path, key: str | None) -> tuple[Any, str]:
    with _safe_open(path) as f:
        shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # headers only, no data read
        chosen = _choose(path, key, shapes)
        return f.get_tensor(chosen), chosen


def _shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """Every tensor's shape in one shard (for a .safetensors file, from its header alone)."""
    import torch

    if not path.is_file():
        raise CheckpointError(f"{path}: shard listed in the index does not exist")
    if path.suffix != ".safetensors":
        tensors = _torch_tensors(path)
        return {} if isinstance(tensors, torch.Tensor) else {k: tuple(t.shape) for k, t in tensors.items()}
    with _safe_open(path) as f:
        return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}


#: Bits per element of every ``.safetensors`` dtype linlab reads (the format's names).  Sub-byte packed floats
#: (``F4``, ``F6_*``) and names the format does not define are refused by :func:`check_safetensors_header`.
SAFETENSORS_DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E4M3": 8, "F8_E5M2": 8, "F8_E8M0": 8,
    "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
    "I32": 32, "U32": 32, "F32": 32,
    "I64": 64, "U64": 64, "F64": 64, "C64": 64,
}
#: The largest header accepted, as in the safetensors library: a larger length field is a corrupt file.
MAX_HEADER_BYTES = 100_000_000
_checked: dict[tuple[str, int, int], None] = {}  # (path, size, mtime) of headers already checked


def check_safetensors_header(path: Path) -> None:
    """Check the header of a ``.safetensors`` file before the safetensors library reads it.

    The format: an 8-byte little-endian length ``n``, ``n`` bytes of JSON (an object mapping each tensor's
    name to ``{"dtype", "shape", "data_offsets": [begin, end]}``, plus an optional ``"__metadata__"``
    object of strings), then the data, which the tensors' byte ranges must tile exactly.  The length
    field is compared with the file's size before anything is read, so a corrupt length (``2**63``)
    costs nothing; each tensor's byte count is computed from its shape and dtype in Python integers, so
    a shape of ``2**40 × 2**40`` is refused, never allocated.

    Raises
    ------
    CheckpointError
        Naming the problem: the file is shorter than its length field or header says (truncated), the
        header is not UTF-8 JSON, not an object, nested too deeply, or a tensor entry has an unknown
        dtype, a malformed shape or offsets, a size that does not match its shape, a range past the end
        of the data, or one that overlaps another.
    """
    import struct

    stat = path.stat()
    stamp = (str(path), stat.st_size, stat.st_mtime_ns)
    if stamp in _checked:
        return
    size = stat.st_size
    bad = f"{path} could not be read as a .safetensors file (truncated or corrupt?):"
    if size < 8:
        raise CheckpointError(f"{bad} it is {size} bytes long, shorter than the 8-byte header length (truncated)")
    with path.open("rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        if length > size - 8:
            raise CheckpointError(f"{bad} its header length field says {length:,} bytes, but only {size - 8:,} "
                                  "bytes follow it (truncated, or not a .safetensors file)")
        if length > MAX_HEADER_BYTES:
            raise CheckpointError(f"{bad} its header is {length:,} bytes, over the limit of {MAX_HEADER_BYTES:,}")
        raw = f.read(length)
    try:
        header = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise CheckpointError(f"{bad} its header is not UTF-8 text ({err.reason} at byte {err.start})") from None
    except RecursionError:
        raise CheckpointError(f"{bad} its header JSON is nested too deeply") from None
    except ValueError as err:
        raise CheckpointError(f"{bad} its header is not valid JSON ({err})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{bad} its header should be a JSON object of tensors, not a {_json_kind(header)}")
    data_size = size - 8 - length
    ranges = []
    for name, entry in header.items():
        if name == "__metadata__":
            if not (isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())):
                raise CheckpointError(f"{bad} its __metadata__ should be an object of strings")
            continue
        ranges.append((*_tensor_range(bad, name, entry, data_size), name))
    ranges.sort()
    end_before, previous = 0, None
    for begin, end, name in ranges:
        if begin < end_before:
            raise CheckpointError(f"{bad} tensors {previous!r} and {name!r} overlap (bytes {begin:,} to {end_before:,})")
        if begin > end_before:
            raise CheckpointError(f"{bad} bytes {end_before:,} to {begin:,} of the data belong to no tensor")
        end_before, previous = end, name
    if end_before != data_size:
        raise CheckpointError(f"{bad} the tensors take {end_before:,} bytes of data, but {data_size:,} follow the header")
    if len(_checked) > 1000:
        _checked.clear()
    _checked[stamp] = None


def _json_kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "null")


def _tensor_range(bad: str, name: str, entry: Any, data_size: int) -> tuple[int, int]:
    """``[begin, end)`` of one header entry, checked against its dtype and shape and the data's size."""
    what = f"{bad} tensor {name!r}"
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= set(entry):
        raise CheckpointError(f"{what} should be an object with dtype, shape and data_offsets, got {_short(entry)}")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in SAFETENSORS_DTYPE_BITS:
        raise CheckpointError(f"{what} has the dtype {_short(dtype)}, which linlab cannot read "
                              f"(it reads {', '.join(SAFETENSORS_DTYPE_BITS)})")
    if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)):
        raise CheckpointError(f"{what} has the shape {_short(shape)}; a shape is a list of integers >= 0")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)
            and 0 <= offsets[0] <= offsets[1]):
        raise CheckpointError(f"{what} has the data_offsets {_short(offsets)}; expected [begin, end] with "
                              "integers 0 <= begin <= end")
    begin, end = offsets
    count = 1
    for d in shape:
        count *= d
    needed = count * SAFETENSORS_DTYPE_BITS[dtype] // 8
    if end - begin != needed:
        raise CheckpointError(f"{what} of shape {shape} and dtype {dtype} needs {needed:,} bytes, but its "
                              f"data_offsets [{begin:,}, {end:,}] hold {end - begin:,}")
    if end > data_size:
        raise CheckpointError(f"{what} lies at bytes {begin:,} to {end:,} of the data, but the file holds only "
                              f"{data_size:,} bytes of data (truncated)")
    return begin, end


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value) if not isinstance(value, (bytes, bytearray)) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def _safe_open(path: Path) -> Iterator[Any]:
    """``safetensors.safe_open`` after :func:`check_safetensors_header`; a file the library still refuses
    (or that fails to read) is reported as a CheckpointError too."""
    from safetensors import SafetensorError, safe_open

    try:
        check_safetensors_header(path)
    except OSError as err:
        raise CheckpointError(f"{path} could not be read: {err}") from err
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            yield f
    except (SafetensorError, OSError) as err:
        why = f"could not be read as a .safetensors file (truncated or corrupt?): {err}"
        raise CheckpointError(f"{path} {why}") from err


_LOADERS: dict[str, Callable[[Path, str | None], tuple[Any, str | None]]] = {
    ".pt": _load_torch,
    ".pth": _load_torch,
    ".bin": _load_torch,
    ".safetensors": _load_safetensors,
}


def _resolve(key: str | None, names: Mapping[str, Any]) -> str | None:
    """``key`` or ``key.weight`` if it is among ``names``."""
    if key is None:
        return None
    return next((c for c in (key, f"{key}.weight") if c in names), None)


def _choose(path: Path, key: str | None, shapes: dict[str, tuple[int, ...]]) -> str:
    """The key to use: ``key`` (or ``key.weight``), else the only tensor, else the only 2-D tensor."""
    if not shapes:
        raise CheckpointError(f"{path} holds no tensors")
    if key is not None:
        chosen = _resolve(key, shapes)
        if chosen is not None:
            return chosen
        hint = _suggest(key, shapes)
        raise CheckpointError(f"{path} has no tensor named {key!r}{hint}. Available: {_listing(shapes)}")
    if len(shapes) == 1:
        return next(iter(shapes))
    matrices = {k: s for k, s in shapes.items() if len(s) == 2}
    if len(matrices) == 1:
        return next(iter(matrices))
    which = "no 2-D tensor" if not matrices else f"{len(matrices)} 2-D tensors"
    raise CheckpointError(
        f"{path} holds {len(shapes)} tensors ({which}): pass --key NAME. Available: {_listing(matrices or shapes)}"
    )


def _suggest(key: str, shapes: Mapping[str, Any]) -> str:
    """`` (did you mean a, b?)``: names that end with ``key`` (a missing prefix), then close spellings."""
    tails = [k for k in shapes if k.endswith((f".{key}", f".{key}.weight"))]
    names = list(shapes)
    spelled = difflib.get_close_matches(key, names, n=3) + difflib.get_close_matches(f"{key}.weight", names, n=3)
    close = tails[:3] or sorted(set(spelled), key=spelled.index)[:3]
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _listing(shapes: dict[str, tuple[int, ...]]) -> str:
    items = [f"{k} {s}" for k, s in list(shapes.items())[:_MAX_LISTED]]
    more = f" (and {len(shapes) - _MAX_LISTED} more)" if len(shapes) > _MAX_LISTED else ""
    return ", ".join(items) + more
