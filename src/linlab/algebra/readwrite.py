"""The SVD as read/write operations: M = Σ_i σ_i u_i v_iᵀ.

Term i *reads* the input along v_i (a dot product), *scales* by σ_i ≥ 0 and *writes* along u_i.  The
reads are orthonormal (no input direction is read twice), so are the writes, and there are exactly
rank(M) terms, the fewest any such sum can have.

Conventions that make the terms comparable across runs, dtypes and devices:

- **Signs.**  (u_i, v_i) and (−u_i, −v_i) give the same term.  linlab flips each pair so that the
  write direction's largest-magnitude coordinate is positive; coordinates within
  :data:`SIGN_TIE_RTOL` (relative) of the largest count as tied, and the first of them decides.
- **Symmetric maps** (M = Mᵀ, to ``max(m, n)·eps·‖M‖_F``) are decomposed with ``torch.linalg.eigh``:
  M = Σ λ_i q_i q_iᵀ, so each term reads along q_i and writes along sign(λ_i)·q_i, the same line,
  even for repeated or negative eigenvalues (where the SVD alone could pick unrelated bases).
- **Degenerate terms.**  Where singular values (nearly) repeat, the individual directions are an
  arbitrary basis of their span; only the span is meaningful.  :attr:`ReadWrite.degenerate_groups`
  lists such terms.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, NamedTuple

import torch
from torch import Tensor, nn

from ..errors import LinlabError, ShapeError
from ._coerce import as_tensor
from .maps import LinearMap
from .tolerance import Tolerance, compute_dtype, eps

__all__ = [
    "readwrite",
    "ReadWrite",
    "Term",
    "Spectral",
    "NotInvertibleError",
    "NotSymmetricError",
    "SIGN_TIE_RTOL",
    "LOWRANK_MIN_DIM",
]

#: Coordinates whose magnitude is within this fraction of the largest tie for the sign convention.
SIGN_TIE_RTOL = 1e-3
#: ``method="auto"`` uses the randomized SVD only for matrices at least this large on both sides,
#: and only when at most a quarter of the possible terms are asked for.
LOWRANK_MIN_DIM = 256
_OVERSAMPLE = 10  # at least this many random columns beyond k (and at least k): the range finder's margin
_NITER = 8  # subspace iterations: each raises the power of σ_{q+1}/σ_i that bounds the error


class NotInvertibleError(LinlabError, ValueError):
    """An inverse was asked of a map that is not square or not of full rank."""


class NotSymmetricError(LinlabError, ValueError):
    """A symmetric-only operation (the eigen form) was asked of a map with M ≠ Mᵀ."""


@dataclass(frozen=True, eq=False)
class Term:
    """One term σ·u vᵀ of the read/write form: ``x ↦ scale · (read · x) · write``.

    Attributes
    ----------
    scale : float
        σ ≥ 0.
    read : Tensor of shape (in,)
        Unit vector v in the input space: the term sees only the component of x along it.
    write : Tensor of shape (out,)
        Unit vector u in the output space: the term's output always points along it.
    """

    scale: float
    read: Tensor
    write: Tensor

    def matrix(self) -> Tensor:
        """The rank-one matrix ``scale · write ⊗ read``, shape ``(out, in)``."""
        return self.scale * torch.outer(self.write, self.read)

    def __repr__(self) -> str:
        return f"Term(scale={self.scale:.6g}, read=<{self.read.shape[0]}>, write=<{self.write.shape[0]}>)"


class Spectral(NamedTuple):
    """The eigen form of a symmetric map: ``M = vectors @ diag(values) @ vectors.T``.

    ``values`` has shape ``(k,)`` (ordered by ``|λ|`` descending, like the terms), ``vectors`` has
    shape ``(n, k)`` with orthonormal columns.
    """

    values: Tensor
    vectors: Tensor


def readwrite(
    M: Any,
    *,
    rank: int | None = None,
    tol: float | Tolerance | None = None,
    method: Literal["auto", "full", "lowrank"] = "auto",
    drop_bias: bool = False,
) -> "ReadWrite":
    """The read/write form of a linear map: its SVD terms, largest first.

    Parameters
    ----------
    M : LinearMap, Tensor, numpy array, nested lists of shape (out, in), or a layer
        A layer is read by :meth:`LinearMap.from_module` (``nn.Linear``, convolutions on patch
        space, GPT-2 ``Conv1D``).  A layer with a non-zero bias is affine, not linear: it raises
        ``NotLinearError`` unless ``drop_bias=True``, which decomposes its linear part W alone.
    rank : int, optional
        Keep only the top ``rank`` terms (fewer if M has lower rank).  Default: all rank(M) terms.
    tol : float or Tolerance, optional
        The rank policy σ > max(atol, rtol·σ_max) (see :mod:`linlab.algebra.tolerance`).  A float is
        ``atol``, with the map's ``rtol`` kept: the same count as ``LinearMap(M, atol=tol).rank``.
        A :class:`Tolerance` replaces both.  Default: the map's own tolerance, and for small rational
        matrices (the exact path) at most ``LinearMap.rank`` terms, the pivot count, so no term comes
        from rounding noise.
    method : {"auto", "full", "lowrank"}
        ``"full"``: ``torch.linalg.svd`` (or ``eigh`` when M is symmetric).  ``"lowrank"``: a seeded
        randomized SVD (Halko, Martinsson & Tropp 2011, Alg. 4.4: ``rank + max(10, rank)`` random
        columns, 8 subspace iterations with re-orthonormalisation, then an exact SVD, or eigh for
        a symmetric M, on that subspace), needing ``rank``.  ``"auto"`` takes ``"lowrank"`` when
        ``rank ≤ min(out, in) / 4`` and ``min(out, in) ≥ 256`` (:data:`LOWRANK_MIN_DIM`).  The
        result's ``method`` says which ran.  Its accuracy depends on the gap between σ_i and the
        singular values beyond the sampled ones: negligible for a decaying spectrum, but about
        1–2% on the top σ of a flat one (a random Gaussian 768×3072); use ``"full"`` then.

    Returns
    -------
    ReadWrite
        Terms in the input's device; float64 stays float64, float16/bfloat16 are computed and
        returned in float32.

    Examples
    --------
    >>> rw = readwrite([[3, 0], [0, -2], [0, 0]])     # R^2 -> R^3
    >>> [(t.scale, (t.read + 0).tolist(), (t.write + 0).tolist()) for t in rw.terms]   # + 0 turns -0.0 into 0.0
    [(3.0, [1.0, 0.0], [1.0, 0.0, 0.0]), (2.0, [0.0, -1.0], [0.0, 1.0, 0.0])]
    >>> rw.apply(torch.tensor([1.0, 1.0], dtype=torch.float64))
    tensor([ 3., -2.,  0.], dtype=torch.float64)
    """
    A = _as_map(M, drop_bias=drop_bias)
    if rank is not None:
        rank = _count("rank", rank)
    tolerance = _resolve_tolerance(A, tol)
    method = _choose_method(method, rank, A.shape)

    work = A.matrix.to(compute_dtype(A.dtype))  # (out, in)
    symmetric = _is_symmetric(work, A.dtype)
    if method == "full":
        if symmetric:
            scales, reads, writes = _eigen_terms(*torch.linalg.eigh((work + work.T) / 2))
        else:
            writes, scales, vh = torch.linalg.svd(work, full_matrices=False)  # (out, p), (p,), (p, in)
            reads = vh.T  # (in, p): column i is v_i
        count = tolerance.rank(scales)
        if A.is_exact and tol is None:  # the pivot count removes rounding-noise terms of a singular matrix;
            count = min(count, A.rank)  # a term its float SVD cannot resolve (σ ≈ 0) has no direction to show
        source_rank: int | None = count
    else:
        scales, reads, writes = _lowrank_terms(work, rank, symmetric=symmetric)
        source_rank = None
        count = tolerance.rank(scales)
    k = count if rank is None else min(rank, count)
    writes, reads = _canonical_signs(writes[:, :k], reads[:, :k])
    total = float(torch.linalg.vector_norm(work, dtype=torch.float64)) ** 2  # ‖M‖_F²
    return ReadWrite._make(
        scales[:k],
        reads,
        writes,
        method=method,
        dtype=A.dtype,
        tolerance=tolerance,
        total_energy=total,
        source_rank=source_rank,
        symmetric=symmetric,
    )


class ReadWrite:
    """A map written as Σ_i σ_i u_i v_iᵀ: term i reads along v_i, scales by σ_i, writes along u_i.

    Build one with :func:`readwrite`.  It represents the sum of its terms; after :meth:`truncate` that
    is an approximation of the map it came from, and energy shares stay relative to that map.

    Attributes
    ----------
    scales : Tensor of shape (k,)
        σ_1 ≥ σ_2 ≥ … > 0.
    reads : Tensor of shape (in, k)
        Column i is v_i; orthonormal columns.
    writes : Tensor of shape (out, k)
        Column i is u_i; orthonormal columns.
    method : str
        ``"full"`` or ``"lowrank"``: which decomposition produced the terms.
    dtype : torch.dtype
        The input's dtype (the terms are in ``compute_dtype(dtype)``).
    tolerance : Tolerance
        The rank policy that decided which terms count.
    total_energy : float
        ‖M‖_F² = Σ σ_i² over *all* singular values of the source map: the denominator of
        :attr:`energy`.
    source_rank : int or None
        The rank of the source map, or None when only its top terms were computed (``"lowrank"``).
    is_symmetric : bool
        The map is square and writes where it reads: M = Mᵀ (to ``max(m, n)·eps·‖M‖_F``), and every
        term writes along ± its own read direction.
    """

    scales: Tensor
    reads: Tensor
    writes: Tensor
    method: str
    dtype: torch.dtype
    tolerance: Tolerance
    total_energy: float
    source_rank: int | None
    is_symmetric: bool

    @classmethod
    def _make(
        cls,
        scales: Tensor,
        reads: Tensor,
        writes: Tensor,
        *,
        method: str,
        dtype: torch.dtype,
        tolerance: Tolerance,
        total_energy: float,
        source_rank: int | None,
        symmetric: bool,
    ) -> "ReadWrite":
        rw = cls.__new__(cls)
        rw.scales, rw.reads, rw.writes = scales, reads, writes
        rw.method, rw.dtype, rw.tolerance = method, dtype, tolerance
        rw.total_energy, rw.source_rank, rw.is_symmetric = total_energy, source_rank, symmetric
        return rw

    def _derive(self, scales: Tensor, reads: Tensor, writes: Tensor, **changes: Any) -> "ReadWrite":
        fields = {
            "method": self.method,
            "dtype": self.dtype,
            "tolerance": self.tolerance,
            "total_energy": self.total_energy,
            "source_rank": self.source_rank,
            "symmetric": self.is_symmetric,
        }
        return ReadWrite._make(scales, reads, writes, **{**fields, **changes})

    # -- what it is -----------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        """``(out, in)``, like the matrix."""
        return (int(self.writes.shape[0]), int(self.reads.shape[0]))

    @property
    def device(self) -> torch.device:
        return self.scales.device

    @property
    def rank(self) -> int:
        """The number of terms: the rank of the map they add up to."""
        return int(self.scales.shape[0])

    def __len__(self) -> int:
        return self.rank

    @property
    def complete(self) -> bool:
        """True when the terms are all of the source map's terms above the tolerance."""
        return self.source_rank is not None and self.rank == self.source_rank

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        """The terms, largest scale first."""
        scales = self.scales.tolist()
        return tuple(Term(s, self.reads[:, i], self.writes[:, i]) for i, s in enumerate(scales))

    @property
    def energy(self) -> Tensor:
        """Each term's share σ_i² / ‖M‖_F² of the source's squared Frobenius norm, float64, shape ``(k,)``."""
        squares = self.scales.to(torch.float64) ** 2
        return squares / self.total_energy if self.total_energy > 0 else squares * 0

    @cached_property
    def degenerate_groups(self) -> tuple[tuple[int, ...], ...]:
        """Runs of term indices whose scales (nearly) coincide: only their span is meaningful.

        Consecutive terms i, i+1 are tied when ``σ_i − σ_{i+1} ≤ sqrt(eps(dtype)) · σ_1``; groups are
        the maximal runs of ties (size ≥ 2).  Within a group any rotation of the reads, applied to the
        writes too, is an equally valid set of terms, so the individual directions (and their signs)
        can change between runs, dtypes or devices.
        """
        if self.rank < 2:
            return ()
        s = self.scales
        tied = ((s[:-1] - s[1:]) <= eps(self.dtype) ** 0.5 * s[0]).tolist()  # (k-1,)
        groups, run = [], [0]
        for i, t in enumerate(tied, start=1):
            if t:
                run.append(i)
            else:
                groups.append(run)
                run = [i]
        groups.append(run)
        return tuple(tuple(g) for g in groups if len(g) > 1)

    def __repr__(self) -> str:
        top = ", ".join(f"{s:.4g}" for s in self.scales[:4].tolist()) + (", …" if self.rank > 4 else "")
        return (
            f"ReadWrite(shape={self.shape}, terms={self.rank}, scales=[{top}], method={self.method!r}, "
            f"dtype={self.dtype}, device={self.device})"
        )

    # -- acting -----------------------------------------------------------------------------------

    def apply(self, x: Any) -> Tensor:
        """Σ_i σ_i (v_i · x) u_i for x of shape ``(in,)`` or ``(..., in)``; returns ``(..., out)``.

        With all terms kept this equals ``M @ x`` up to rounding (and the sub-threshold singular
        values the rank policy dropped).
        """
        v = as_tensor(x, name="x", ndim=tuple(range(1, 9)))
        if v.shape[-1] != self.shape[1]:
            raise ShapeError(
                f"x has shape {tuple(v.shape)} but the map has shape {self.shape}: "
                f"the last dimension of x must be in = {self.shape[1]}"
            )
        if v.device != self.device:
            raise LinlabError(f"x is on {v.device} but the terms are on {self.device}; move x with .to()")
        coefficients = v.to(self.scales.dtype) @ self.reads  # (..., k): v_i · x, one per term
        return (coefficients * self.scales) @ self.writes.T  # (..., k) @ (k, out) -> (..., out)

    def matrix(self) -> Tensor:
        """The dense matrix Σ σ_i u_i v_iᵀ, shape ``(out, in)`` (costs out·in·k)."""
        return (self.writes * self.scales) @ self.reads.T  # (out, k) @ (k, in)

    # -- new forms ----------------------------------------------------------------------------------

    def truncate(self, k: int | None = None, *, energy: float | None = None) -> "ReadWrite":
        """The first ``k`` terms, or the fewest whose energy shares add up to at least ``energy``.

        The rank-k truncation is the best rank-k approximation (Eckart–Young): its error is σ_{k+1}
        in the spectral norm and sqrt(Σ_{i>k} σ_i²) in the Frobenius norm.  ``k`` above the number of
        terms keeps them all.  ``energy`` is a share of ‖M‖_F² in (0, 1].

        Raises
        ------
        LinlabError
            Neither or both of ``k`` and ``energy``; a bad value; or an ``energy`` the available
            terms do not reach (only possible when they are not all of the map's terms).
        """
        if (k is None) == (energy is None):
            raise LinlabError("truncate needs exactly one of k (a number of terms) or energy (a share in (0, 1])")
        if energy is not None:
            if not 0 < float(energy) <= 1:
                raise LinlabError(f"energy must be a share in (0, 1], got {energy!r}")
            cumulative = torch.cumsum(self.energy, 0)  # (k,)
            reached = (cumulative >= float(energy)).nonzero()
            if len(reached):
                k = int(reached[0]) + 1
            elif self.complete:
                k = self.rank  # the rest is below the rank tolerance: rounding keeps the sum under 1
            else:
                held = float(cumulative[-1]) if self.rank else 0.0
                raise LinlabError(
                    f"energy={energy} needs more than the {self.rank} terms computed, which hold {held:.4%} "
                    f"of ‖M‖_F²; ask readwrite for more terms (rank=…) or method='full'"
                )
        else:
            k = _count("k", k)
        return self._derive(self.scales[:k], self.reads[:, :k], self.writes[:, :k])

    @property
    def T(self) -> "ReadWrite":
        """The terms of Mᵀ: each reads where M wrote and writes where M read (signs re-canonicalised)."""
        writes, reads = _canonical_signs(self.reads, self.writes)
        return self._derive(self.scales, reads, writes)

    def gram(self) -> "ReadWrite":
        """MᵀM (shape ``(in, in)``) as terms: it reads and writes along v_i, with scale σ_i².

        So its eigenvectors are the v_i and its eigenvalues the σ_i²; ``rw.T.gram()`` gives MMᵀ, on the
        u_i.  It is the Gram matrix of the map these terms add up to.
        """
        squares = self.scales**2
        total = float(torch.sum(squares.to(torch.float64) ** 2))
        return self._derive(squares, self.reads, self.reads, total_energy=total, source_rank=self.rank, symmetric=True)

    def inverse(self) -> "ReadWrite":
        """M⁻¹ = Σ σ_i⁻¹ v_i u_iᵀ: reads along u_i, scales by 1/σ_i, writes along v_i.

        Raises
        ------
        NotInvertibleError
            The map is not square, or has fewer than ``n`` terms (rank < n: it is singular).
        """
        d_out, d_in = self.shape
        if d_out != d_in:
            raise NotInvertibleError(
                f"only a square map can have an inverse; this one has shape {self.shape} "
                f"(R^{d_in} → R^{d_out}), rank {self.rank}"
            )
        if self.rank < d_in:
            raise NotInvertibleError(
                f"the map of shape {self.shape} has rank {self.rank} < {d_in} (nullity {d_in - self.rank}): "
                "it is singular, so it has no inverse"
            )
        inv = torch.flip(1 / self.scales, (0,))  # 1/σ ascends as σ descends: reverse to keep largest first
        writes, reads = _canonical_signs(torch.flip(self.reads, (1,)), torch.flip(self.writes, (1,)))
        total = float(torch.sum(inv.to(torch.float64) ** 2))
        return self._derive(inv, reads, writes, total_energy=total, source_rank=d_in)

    def spectral(self) -> Spectral:
        """The eigen form of a symmetric map: eigenvalues ±σ_i (``+`` where the term writes along its read).

        Raises
        ------
        NotSymmetricError
            When :attr:`is_symmetric` is False.
        """
        if not self.is_symmetric:
            raise NotSymmetricError(
                f"the map of shape {self.shape} is not symmetric (M ≠ Mᵀ), so it has no real eigen form "
                "with orthonormal eigenvectors; use its terms (the SVD) instead"
            )
        signs = torch.sign((self.reads * self.writes).sum(0))  # (k,): ±1, read and write share a line
        return Spectral(self.scales * signs, self.writes)

    # -- for people -------------------------------------------------------------------------------

    def summary(self, *, terms: int = 5, coords: int = 3) -> dict[str, Any]:
        """A JSON-ready description: shape, rank (the number of terms), source_rank, method and the top terms.

        Each term lists its scale, energy share and the ``coords`` largest-magnitude coordinates of
        its read and write directions as ``[index, value]`` pairs.
        """
        energy = self.energy.tolist()
        rows = []
        for i, term in enumerate(self.terms[:terms]):
            rows.append(
                {
                    "index": i,
                    "scale": term.scale,
                    "energy": energy[i],
                    "read": _top_coordinates(term.read, coords),
                    "write": _top_coordinates(term.write, coords),
                }
            )
        return {
            "shape": list(self.shape),
            "rank": self.rank,
            "source_rank": self.source_rank,
            "method": self.method,
            "dtype": str(self.dtype),
            "total_energy": self.total_energy,
            "degenerate_groups": [list(g) for g in self.degenerate_groups],
            "terms": rows,
        }


# -- helpers ------------------------------------------------------------------------------------------


def _as_map(M: Any, *, drop_bias: bool) -> LinearMap:
    if isinstance(M, LinearMap):
        return M
    if isinstance(M, nn.Module):
        return LinearMap.from_module(M, drop_bias=drop_bias)
    return LinearMap(M)


def _count(name: str, value: Any) -> int:
    """A non-negative integer option (numpy integers welcome, bools and floats not)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        n = operator.index(value)
    except TypeError:
        raise LinlabError(f"{name} must be a non-negative integer, got {value!r}") from None
    if n < 0:
        raise LinlabError(f"{name} must be a non-negative integer, got {n}")
    return n


def _resolve_tolerance(A: LinearMap, tol: float | Tolerance | None) -> Tolerance:
    if tol is None:
        return A.tolerance
    if isinstance(tol, Tolerance):
        return tol
    if isinstance(tol, bool) or not isinstance(tol, (int, float)):
        raise LinlabError(f"tol must be a number (an absolute cut, atol) or a Tolerance, got {tol!r}")
    return Tolerance.resolve(A.shape, A.dtype, rtol=A.tolerance.rtol, atol=tol)


def _choose_method(method: str, rank: int | None, shape: tuple[int, int]) -> str:
    if method not in ("auto", "full", "lowrank"):
        raise LinlabError(f"method must be 'auto', 'full' or 'lowrank', got {method!r}")
    if method == "lowrank" and rank is None:
        raise LinlabError("method='lowrank' computes only the top terms: give rank=k")
    if method == "auto":
        small = min(shape)
        few = rank is not None and rank <= small // 4
        return "lowrank" if few and small >= LOWRANK_MIN_DIM else "full"
    return method


def _is_symmetric(work: Tensor, dtype: torch.dtype) -> bool:
    """Square and ‖M − Mᵀ‖_F ≤ max(m, n)·eps(dtype)·‖M‖_F: asymmetry the size of rounding."""
    n = work.shape[0]
    if n != work.shape[1]:
        return False
    gap = float(torch.linalg.matrix_norm(work - work.T))
    return gap <= n * eps(dtype) * float(torch.linalg.matrix_norm(work))


def _eigen_terms(values: Tensor, vectors: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(scales, reads, writes) from a symmetric eigen pair: σ = |λ|, read q, write sign(λ)·q."""
    order = torch.argsort(values.abs(), descending=True, stable=True)  # (n,)
    values, vectors = values[order], vectors[:, order]
    signs = torch.where(values < 0, -1.0, 1.0).to(vectors.dtype)
    return values.abs(), vectors, vectors * signs  # (n,), (n, n), (n, n)


def _lowrank_terms(work: Tensor, k: int, *, symmetric: bool) -> tuple[Tensor, Tensor, Tensor]:
    """Top terms by a randomized range finder with subspace iteration (seeded: runs repeat)."""
    d_out, d_in = work.shape
    q = min(k + max(_OVERSAMPLE, k), d_out, d_in)
    generator = torch.Generator(device=work.device).manual_seed(0)
    omega = torch.randn(d_in, q, generator=generator, dtype=work.dtype, device=work.device)  # (in, q)
    basis = torch.linalg.qr(work @ omega).Q  # (out, q): spans the sampled range
    for _ in range(_NITER):  # QR between products keeps the small directions from drowning in rounding
        basis = torch.linalg.qr(work.T @ basis).Q  # (in, q)
        basis = torch.linalg.qr(work @ basis).Q  # (out, q)
    if symmetric:  # Rayleigh–Ritz on the subspace keeps each read and write on one line
        values, vectors = torch.linalg.eigh(basis.T @ work @ basis)  # (q,), (q, q)
        scales, reads, writes = _eigen_terms(values, basis @ vectors)
        return scales, reads, writes
    small_u, scales, vh = torch.linalg.svd(basis.T @ work, full_matrices=False)  # (q, q), (q,), (q, in)
    return scales, vh.T, basis @ small_u  # (q,), (in, q), (out, q)


def _canonical_signs(writes: Tensor, reads: Tensor) -> tuple[Tensor, Tensor]:
    """Flip each (write, read) pair so the write's first near-largest coordinate is positive."""
    magnitude = writes.abs()  # (out, k)
    near_top = magnitude >= magnitude.amax(0, keepdim=True) * (1 - SIGN_TIE_RTOL)  # (out, k)
    first = near_top.to(torch.uint8).argmax(0, keepdim=True)  # (1, k): argmax returns the first maximum
    signs = torch.where(writes.gather(0, first) < 0, -1.0, 1.0).to(writes.dtype)  # (1, k)
    return writes * signs, reads * signs


def _top_coordinates(v: Tensor, n: int) -> list[list[float]]:
    order = torch.argsort(v.abs(), descending=True, stable=True)[:n]
    return [[int(i), float(v[i])] for i in order.tolist()]
