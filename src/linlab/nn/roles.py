"""What a stored weight is, from its name and shape: a linear layer, an embedding, a norm, a LoRA factor.

A checkpoint holds names and tensors, not module types, so the role of each tensor is read from the
naming conventions of PyTorch and transformers; a module in memory gives its types directly and
falls back to these rules only for modules it does not know (see :mod:`linlab.nn.source`).  The rules,
applied to the *map name* (the state-dict key without its ``.weight``/``_weight`` suffix):

================  ===========================================================================
role              rule
================  ===========================================================================
``bias``          the key ends in ``bias`` (never analysed: a bias makes a layer affine)
``lora_a/_b``     ``….lora_A[.ADAPTER]`` / ``….lora_B[.ADAPTER]`` (PEFT's naming)
``unembedding``   2-D, last part ``lm_head`` / ``embed_out`` / ``predictions.decoder``
``embedding``     2-D, last part contains ``embed`` or is ``wte``, ``wpe``, ``shared``
``layernorm``     1-D, last part contains ``norm`` or starts with ``ln``; with a bias beside it,
                  or in a model whose config does not say RMSNorm
``rmsnorm``       the same without a bias, where the config says RMSNorm (``rms_norm_eps``, or a
                  ``model_type`` of the Llama/T5 families)
``linear``        any other 2-D weight
``conv``          a 3-, 4- or 5-D weight ``(out, in/groups, *kernel)``, read on patch space
``invalid``       a weight that cannot be a linear map (its ``problem`` says why): complex, or a
                  1-D weight that is no norm's
``other``         everything else: keys not ending in ``weight`` (integer buffers), BatchNorm
================  ===========================================================================

Integer and bool weights (``I8``, ``I64``, ``BOOL``, …) take the role their name and shape give and are
analysed as the numbers they store, as ``linlab readwrite`` reads an integer array; no quantization
scale is applied, and :func:`linlab.nn.inspect` names them in the report's notes.  float8 weights are
analysed in float32.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["WeightInfo", "ROLES", "map_name", "infer_role", "layer_index", "lora_parts", "is_token_embedding",
           "config_eps"]

#: Every role a stored tensor can have.
ROLES = ("linear", "conv", "embedding", "unembedding", "layernorm", "rmsnorm", "lora_a", "lora_b", "bias",
         "invalid", "other")

_LORA = re.compile(r"^(?P<prefix>.+)\.lora_(?P<ab>[AB])(\.(?P<adapter>[^.]+))?$")
_UNEMBED = re.compile(r"(^|\.)(lm_head|embed_out|predictions\.decoder)$")
_TOKEN_EMBED = re.compile(r"(^|\.)(word_embeddings|wte|embed_tokens|tok_embeddings|token_embedding|shared|embed_in)$")
_LAYER = re.compile(r"(?:^|\.)(?:layers?|h|blocks?|block)\.(\d+)(?:\.|$)")
# Last name parts that only ever hold a matrix: a 3-D tensor under one of these is malformed, not a conv.
_MATRIX_ONLY = frozenset({
    "query", "key", "value", "q_proj", "k_proj", "v_proj", "o_proj", "out_proj", "c_attn", "c_fc", "c_proj",
    "dense", "fc1", "fc2", "lm_head", "word_embeddings", "position_embeddings", "token_type_embeddings",
    "wte", "wpe", "embed_tokens", "gate_proj", "up_proj", "down_proj", "in_proj",
})
_RMS_MODEL_TYPES = frozenset({"llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2", "t5", "mt5",
                              "phi3", "olmo2", "cohere"})


@dataclass(frozen=True)
class WeightInfo:
    """One stored tensor and what it is, known before its data are read.

    Attributes
    ----------
    key : str
        The state-dict key, e.g. ``"encoder.layer.0.attention.self.query.weight"``.
    shape : tuple[int, ...]
        The shape :meth:`WeightSource.get` returns: ``(out, in)`` for linear weights (a GPT-2
        ``Conv1D`` weight, stored ``(in, out)``, is already transposed), ``(vocab, d)`` for embedding
        tables as ``nn.Embedding.weight`` holds them, ``(out, in/groups, *kernel)`` for convolutions.
    dtype : torch.dtype
        The stored dtype.
    role : str
        One of :data:`ROLES`.
    transposed : bool
        True for a GPT-2 ``Conv1D`` weight (stored ``(in, out)``).
    groups : int
        A convolution's groups (known for modules in memory; 1 from a checkpoint).
    eps : float or None
        A norm layer's epsilon when the module says it (None: take it from the config).
    tied_to : str or None
        The key of the tensor this one shares its storage with (a tied unembedding), else None.
    problem : str or None
        For role ``"invalid"``: why this tensor cannot be read as a linear map.
    """

    key: str
    shape: tuple[int, ...]
    dtype: torch.dtype
    role: str
    transposed: bool = False
    groups: int = 1
    eps: float | None = None
    tied_to: str | None = None
    problem: str | None = None

    @property
    def name(self) -> str:
        """The map name: the key without ``.weight`` (``in_proj_weight`` → ``in_proj``)."""
        return map_name(self.key)


def map_name(key: str) -> str:
    """A state-dict key without its weight suffix: ``"pooler.dense.weight"`` → ``"pooler.dense"``.

    Examples
    --------
    >>> map_name("pooler.dense.weight"), map_name("attn.in_proj_weight"), map_name("wte")
    ('pooler.dense', 'attn.in_proj', 'wte')
    """
    for suffix in (".weight", "_weight"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def layer_index(name: str) -> int | None:
    """The transformer block index in a map name (``encoder.layer.2.…``, ``h.0.…``, ``layers.11.…``).

    Examples
    --------
    >>> layer_index("encoder.layer.2.attention.qk.head3"), layer_index("transformer.h.0.attn.c_attn")
    (2, 0)
    >>> layer_index("pooler.dense") is None
    True
    """
    found = _LAYER.search(name)
    return int(found.group(1)) if found else None


def lora_parts(name: str) -> tuple[str, str, str | None] | None:
    """``(prefix, "A" or "B", adapter)`` for a LoRA factor's map name, else None.

    Examples
    --------
    >>> lora_parts("encoder.q.lora_A.default")
    ('encoder.q', 'A', 'default')
    """
    found = _LORA.match(name)
    return (found["prefix"], found["ab"], found["adapter"]) if found else None


def is_token_embedding(name: str) -> bool:
    """Whether a map name is a token (word) embedding by the usual names."""
    return bool(_TOKEN_EMBED.search(name))


def infer_role(key: str, shape: tuple[int, ...], dtype: torch.dtype, siblings: Mapping[str, Any],
               config: Mapping[str, Any]) -> tuple[str, str | None]:
    """``(role, problem)`` of a stored tensor from its key, shape and neighbours (see the module docstring).

    ``siblings`` holds every key of the source (to find a norm's bias or a BatchNorm's running mean).
    """
    if not key.endswith("weight"):
        return ("bias", None) if key.endswith("bias") else ("other", None)
    if dtype.is_complex:
        return "invalid", f"{key} has the complex dtype {dtype}; linlab works with real matrices"
    # Integer and bool weights are analysed as the numbers they store (no quantization scales applied);
    # the report's notes name them.
    name = map_name(key)
    last = name.rsplit(".", 1)[-1]
    ndim = len(shape)
    if _LORA.match(name):
        return ("lora_a" if _LORA.match(name)["ab"] == "A" else "lora_b"), None
    if ndim == 1:
        if f"{name}.running_mean" in siblings:
            return "other", None  # BatchNorm: a per-channel affine map, not analysed
        low = last.lower()
        if "norm" in low or low.startswith("ln"):
            return _norm_kind(name, siblings, config), None
        return "invalid", (
            f"{key} is a 1-D tensor of shape {shape}, but a linear map's weight must be 2-D (out, in); "
            "1-D weights are read only as norm layers (a name containing 'norm' or starting with 'ln')"
        )
    if ndim == 2:
        if _UNEMBED.search(name):
            return "unembedding", None
        if "embed" in last.lower() or last in ("wte", "wpe", "shared"):
            return "embedding", None
        return "linear", None
    if 3 <= ndim <= 5 and last not in _MATRIX_ONLY:
        return "conv", None
    expected = "a matrix (out, in)" if last in _MATRIX_ONLY else "a matrix (out, in) or a conv kernel (out, in, *k)"
    return "invalid", f"{key} is a {ndim}-D tensor of shape {shape}, but {name!r} should hold {expected}"


def _norm_kind(name: str, siblings: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    if f"{name}.bias" in siblings:
        return "layernorm"
    rms = "rms_norm_eps" in config or config.get("model_type") in _RMS_MODEL_TYPES
    return "rmsnorm" if rms else "layernorm"


def config_eps(config: Mapping[str, Any], kind: str) -> float | None:
    """A norm epsilon from a transformers config, or None when it names none."""
    keys = ("rms_norm_eps", "layer_norm_epsilon", "layer_norm_eps", "norm_eps") if kind == "rmsnorm" else (
        "layer_norm_eps", "layer_norm_epsilon", "norm_eps", "rms_norm_eps")
    for k in keys:
        value = config.get(k)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None
