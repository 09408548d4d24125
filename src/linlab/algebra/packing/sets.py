"""A verified set of almost-orthogonal unit vectors (:class:`Packing`) and the lazy sources behind it.

A source knows its dimension d and its ``count`` and computes vectors number start … stop−1 on demand,
so a set of 10¹³ Delsarte–Goethals vectors costs nothing until some are asked for.  Sources combine:
a direct sum puts blocks on disjoint coordinates (vectors of different blocks are orthogonal, so the
coherence is the largest of the blocks'), a prefix keeps the first ``count`` vectors.
"""

from __future__ import annotations

import math
import random as _random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

import torch
from torch import Tensor

from ._common import PackingError
from .codes import SignCode
from .coherence import coherence as _coherence

__all__ = ["Packing", "Block", "DEFAULT_MAX_BYTES", "VERIFY_WORK"]

#: :meth:`Packing.vectors` refuses to build more than this many bytes unless ``limit`` is given.
DEFAULT_MAX_BYTES = 2 << 30
#: A set is verified exhaustively when count²·(d + 64) ≤ this (≈ 1–5 s on two CPU cores), else on a sample.
VERIFY_WORK = 1e10
#: Slack allowed between a proven coherence and its float32 measurement.
_FLOAT32_SLACK = 1e-5


class Source(Protocol):
    d: int
    count: int

    def rows(self, start: int, stop: int) -> Tensor: ...

    def take(self, indices: list[int]) -> Tensor: ...


@dataclass(frozen=True)
class Block:
    """One block of a direct sum: ``count`` vectors on ``dim`` consecutive coordinates, |cos| ≤ ``coherence``."""

    name: str
    dim: int
    count: int
    coherence: float


# --- sources -------------------------------------------------------------------------------------


class Dense:
    """Vectors held in memory, shape (count, d)."""

    def __init__(self, V: Tensor, *, coherence: float | None = None, name: str = "dense") -> None:
        self.V, self.count, self.d = V, V.shape[0], V.shape[1]
        self.coherence, self.name = coherence, name

    def rows(self, start: int, stop: int) -> Tensor:
        return self.V[start:stop].float().cpu()

    def take(self, indices: list[int]) -> Tensor:
        return self.V[torch.as_tensor(indices, dtype=torch.long, device=self.V.device)].float().cpu()


class Basis:
    """The standard basis e_0 … e_{n−1} of R^n: coherence 0."""

    def __init__(self, n: int) -> None:
        self.d = self.count = n
        self.coherence, self.name = 0.0, "basis"

    def rows(self, start: int, stop: int) -> Tensor:
        out = torch.zeros(stop - start, self.d)
        out[torch.arange(stop - start), torch.arange(start, stop)] = 1.0
        return out

    def take(self, indices: list[int]) -> Tensor:
        out = torch.zeros(len(indices), self.d)
        out[torch.arange(len(indices)), torch.as_tensor(indices, dtype=torch.long)] = 1.0
        return out


class Simplex:
    """The n+1 vertices of a regular simplex centred at 0 in R^n, as unit vectors: every cos = −1/n.

    Vertex j is the j-th column of the n×(n+1) Helmert matrix (rows 1, −k, 0 patterns, orthonormal and
    orthogonal to the all-ones vector), scaled by √((n+1)/n): the image of e_j − 1/(n+1) in 1^⊥.
    """

    def __init__(self, n: int) -> None:
        self.d, self.count = n, n + 1
        self.coherence, self.name = 1.0 / n, "simplex"

    def take(self, indices: list[int]) -> Tensor:
        n = self.d
        j = torch.as_tensor(indices, dtype=torch.float64)[:, None]  # (B, 1) vertex numbers
        k = torch.arange(1, n + 1, dtype=torch.float64)[None, :]  # (1, n) Helmert row numbers
        H = torch.where(j < k, 1.0, torch.where(j == k, -k, 0.0)) / torch.sqrt(k * (k + 1))  # H[k−1, j]
        return (H * math.sqrt((n + 1) / n)).float()

    def rows(self, start: int, stop: int) -> Tensor:
        return self.take(list(range(start, stop)))


class Code:
    """A :class:`~linlab.algebra.packing.codes.SignCode` as a source."""

    def __init__(self, code: SignCode) -> None:
        self.code, self.d, self.count = code, code.d, code.count
        self.coherence, self.name = code.coherence, code.name

    def rows(self, start: int, stop: int) -> Tensor:
        return self.code.rows(start, stop)

    def take(self, indices: list[int]) -> Tensor:
        return self.code.take(indices)


class DirectSum:
    """Blocks on consecutive, disjoint coordinate ranges of R^{Σ dims}; vectors numbered block after block."""

    def __init__(self, parts: list[Source]) -> None:
        self.parts = parts
        self.d = sum(p.d for p in parts)
        self.count = sum(p.count for p in parts)
        self._offsets = [0]
        self._starts = [0]
        for p in parts:
            self._offsets.append(self._offsets[-1] + p.d)
            self._starts.append(self._starts[-1] + p.count)
        self.coherence = max((getattr(p, "coherence", None) or 0.0) for p in parts) if parts else 0.0
        self.name = "direct-sum"

    def _embed(self, k: int, block: Tensor) -> Tensor:
        out = torch.zeros(block.shape[0], self.d)
        out[:, self._offsets[k] : self._offsets[k + 1]] = block
        return out

    def rows(self, start: int, stop: int) -> Tensor:
        pieces = []
        for k, p in enumerate(self.parts):
            lo, hi = max(start, self._starts[k]), min(stop, self._starts[k + 1])
            if lo < hi:
                pieces.append(self._embed(k, p.rows(lo - self._starts[k], hi - self._starts[k])))
        return torch.cat(pieces) if pieces else torch.zeros(0, self.d)

    def take(self, indices: list[int]) -> Tensor:
        out = torch.zeros(len(indices), self.d)
        for k, p in enumerate(self.parts):
            mine = [(pos, i - self._starts[k]) for pos, i in enumerate(indices) if self._starts[k] <= i < self._starts[k + 1]]
            if mine:
                pos, local = zip(*mine)
                out[list(pos), self._offsets[k] : self._offsets[k + 1]] = p.take(list(local))
        return out


class Prefix:
    """The first ``count`` vectors of another source (a subset keeps its coherence bound)."""

    def __init__(self, source: Source, count: int) -> None:
        self.source, self.d, self.count = source, source.d, min(count, source.count)
        self.coherence, self.name = getattr(source, "coherence", None), getattr(source, "name", "prefix")
        self.parts = getattr(source, "parts", None)

    def rows(self, start: int, stop: int) -> Tensor:
        return self.source.rows(start, min(stop, self.count))

    def take(self, indices: list[int]) -> Tensor:
        return self.source.take(indices)


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Packing:
    """A set of ``count`` unit vectors in R^d with every pairwise |cos| ≤ ``coherence`` ≤ ``eps``, verified.

    Attributes
    ----------
    method : str
        The construction used: ``"basis"``, ``"simplex"``, ``"random"``, ``"optimize"``, ``"kerdock"``,
        ``"gold"``, ``"delsarte-goethals"``, ``"dual-bch"`` or ``"direct-sum"`` (of several blocks).
    d : int
        The dimension.
    eps : float
        The requested bound on |cos|.
    count : int
        The number of vectors (a Python int: it can exceed 2⁶³).
    coherence : float
        The largest |cos| between two of the vectors: measured (sets found numerically, in float32 with
        a margin of 1e-5 below ``eps``) or proven (algebraic families, confirmed by the measurement).
    seconds : float
        Time spent constructing and verifying.
    verification : str
        ``"exhaustive"``: every pair's |cos| was computed by :func:`coherence`.  ``"sample+proof"``:
        the set is too large for that; the pairwise |cos| of ``checked`` vectors (a seeded random sample
        per block plus, for sign codes, two whole bases) were computed and agree with the proof.
    checked : int
        How many vectors the verification computed all pairwise |cos| of.
    measured_coherence : float
        The largest |cos| the verification measured among those vectors.
    blocks : tuple of Block
        The direct-sum blocks (one block for a single family).
    proof : str
        Why the coherence holds (empty for numerically found sets).

    Examples
    --------
    >>> from linlab.algebra.packing import construct
    >>> P = construct(64, 0.125, method="kerdock")
    >>> P.count, P.coherence, P.verification
    (2112, 0.125, 'exhaustive')
    >>> P.vectors(limit=3).shape
    torch.Size([3, 64])
    """

    method: str
    d: int
    eps: float
    count: int
    coherence: float
    seconds: float
    verification: str
    checked: int
    measured_coherence: float
    blocks: tuple[Block, ...]
    proof: str = ""
    _source: Source | None = field(default=None, repr=False)

    @property
    def nbytes(self) -> int:
        """Bytes that :meth:`vectors` would need for all vectors as float32."""
        return self.count * self.d * 4

    def vectors(
        self,
        limit: int | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        dtype: torch.dtype = torch.float32,
        device: str | torch.device | None = None,
    ) -> Tensor:
        """The first ``min(count, limit)`` vectors as a tensor of shape (n, d), one unit vector per row.

        Raises
        ------
        PackingError
            When ``limit`` is None and all vectors would take more than ``max_bytes`` (default 2 GiB):
            pass a ``limit`` or iterate with :meth:`batches`.
        """
        if limit is None:
            if self.count * self.d * torch.finfo(dtype).bits // 8 > max_bytes:
                raise PackingError(
                    f"this packing has {self.count:,} vectors in R^{self.d}: {_human(self.count * self.d * 4)} as "
                    f"float32, above max_bytes={_human(max_bytes)}; pass limit=N for the first N vectors, "
                    f"or iterate with batches()"
                )
            n = self.count
        else:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise PackingError(f"limit must be a nonnegative integer, got {limit!r}")
            n = min(self.count, limit)
        out = torch.cat(list(self.batches(limit=n))) if n else torch.zeros(0, self.d)
        return out.to(dtype=dtype, device=device)

    def batches(self, batch_size: int = 4096, *, limit: int | None = None) -> Iterator[Tensor]:
        """Yield the vectors in order, ``batch_size`` rows at a time (float32 tensors of shape (≤ batch_size, d))."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise PackingError(f"batch_size must be a positive integer, got {batch_size!r}")
        n = self.count if limit is None else min(self.count, limit)
        assert self._source is not None
        for start in range(0, n, batch_size):
            yield self._source.rows(start, min(n, start + batch_size))

    def vector(self, i: int) -> Tensor:
        """Vector number i, shape (d,)."""
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.count:
            raise PackingError(f"i must be an integer in [0, {self.count}), got {i!r}")
        assert self._source is not None
        return self._source.take([i])[0]

    def summary(self) -> str:
        """A few lines for people: method, count, coherence, how it was verified, the blocks."""
        lines = [
            f"{self.count:,} unit vectors in R^{self.d} with |cos| ≤ {self.coherence:.6g} (asked ≤ {self.eps:g}), "
            f"method {self.method}, {self.seconds:.2f} s",
            f"verified: {self.verification} ({self.checked:,} vectors' pairs measured, max |cos| {self.measured_coherence:.6g})",
        ]
        if len(self.blocks) > 1:
            lines.append("blocks: " + " ⊕ ".join(f"{b.name}(R^{b.dim}: {b.count:,})" for b in self.blocks))
        return "\n".join(lines)


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} EiB"  # pragma: no cover


# --- verification --------------------------------------------------------------------------------


def _leaves(source: Source) -> list[Source]:
    parts = getattr(source, "parts", None)
    if parts:
        count = source.count
        leaves = []
        for p in parts:  # a prefix of a direct sum keeps whole leading blocks and part of one
            if count <= 0:
                break
            leaves.append(p if p.count <= count else Prefix(p, count))
            count -= p.count
        return leaves
    return [source]


def _sample(source: Source, size: int, seed: int) -> list[int]:
    rng = _random.Random(seed)
    if source.count <= size:
        return list(range(source.count))
    picked = set()
    code = getattr(source, "code", None) or getattr(getattr(source, "source", None), "code", None)
    if code is not None and 4 * code.d <= size:  # two whole Hadamard bases: a full Walsh spectrum of their difference
        for q in rng.sample(range(min(code.n_forms, source.count // code.d)), k=min(2, source.count // code.d)):
            picked.update(range(q * code.d, (q + 1) * code.d))
    while len(picked) < size:
        picked.add(rng.randrange(source.count))
    return sorted(picked)


def verify(
    source: Source,
    *,
    proven: float | None,
    seed: int = 0,
    work: float = VERIFY_WORK,
    progress: Callable[[float], None] | None = None,
) -> tuple[float, str, int, float]:
    """Measure a source's coherence; returns (coherence, verification, checked, measured).

    Exhaustive when count²·(d + 64) ≤ ``work`` or when there is no proof; otherwise each block is
    checked on a seeded sample of about √(work/(d + 64)) vectors and must agree with ``proven``.
    """
    d, count = source.d, source.count
    if count * count * (d + 64) <= work or proven is None:
        measured = _coherence(source.rows(0, count), progress=progress) if count > 1 else 0.0
        kind, checked = "exhaustive", count
    else:
        measured, checked = 0.0, 0
        for k, leaf in enumerate(_leaves(source)):
            size = max(256, int(math.sqrt(work / (leaf.d + 64))))
            picked = _sample(leaf, size, seed + k)
            if len(picked) > 1:
                measured = max(measured, _coherence(leaf.take(picked)))
            checked += len(picked)
        kind = "exhaustive" if checked == count else "sample+proof"
    if proven is None:
        return measured, kind, checked, measured
    if measured > proven + _FLOAT32_SLACK:
        raise AssertionError(f"a construction's measured coherence {measured} exceeds its proven value {proven}")
    return proven, kind, checked, measured


def finish(
    method: str,
    d: int,
    eps: float,
    source: Source,
    *,
    started: float,
    proven: float | None,
    proof: str = "",
    seed: int = 0,
    work: float = VERIFY_WORK,
    progress: Callable[[float], None] | None = None,
) -> Packing:
    """Verify ``source`` and wrap it in a :class:`Packing`."""
    value, kind, checked, measured = verify(source, proven=proven, seed=seed, work=work, progress=progress)
    if value > eps + (1e-12 if proven is not None else 0.0):
        raise AssertionError(f"{method} produced coherence {value} > eps={eps}")
    blocks = tuple(
        Block(getattr(leaf, "name", method), leaf.d, leaf.count, float(getattr(leaf, "coherence", None) or measured))
        for leaf in _leaves(source)
    )
    if len(blocks) == 1:
        blocks = (Block(blocks[0].name, d, source.count, value),)
    return Packing(
        method=method,
        d=d,
        eps=eps,
        count=source.count,
        coherence=value,
        seconds=time.perf_counter() - started,
        verification=kind,
        checked=checked,
        measured_coherence=measured,
        blocks=blocks,
        proof=proof,
        _source=source,
    )
