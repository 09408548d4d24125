"""The coherence of a set of vectors: the largest |cos| between two of them, computed in blocks."""

from __future__ import annotations

from typing import Any, Callable, Literal, overload

import torch

from .._coerce import as_tensor
from ._common import PackingError

__all__ = ["coherence"]

#: Rows per block of the Gram matrix: two 4096×4096 float32 blocks are 128 MiB.
DEFAULT_BLOCK = 4096


@overload
def coherence(
    V: Any,
    *,
    block: int = ...,
    device: str | torch.device | None = ...,
    return_pair: Literal[False] = ...,
    progress: Callable[[float], None] | None = ...,
) -> float: ...


@overload
def coherence(
    V: Any,
    *,
    block: int = ...,
    device: str | torch.device | None = ...,
    return_pair: Literal[True],
    progress: Callable[[float], None] | None = ...,
) -> tuple[float, tuple[int, int] | None]: ...


def coherence(
    V: Any,
    *,
    block: int = DEFAULT_BLOCK,
    device: str | torch.device | None = None,
    return_pair: bool = False,
    progress: Callable[[float], None] | None = None,
) -> float | tuple[float, tuple[int, int] | None]:
    """The largest |cos| between two different rows of ``V``: max_{i<j} |⟨v_i, v_j⟩| / (‖v_i‖ ‖v_j‖).

    The Gram matrix is computed one ``block × block`` tile at a time, upper-triangular tiles only, so
    10⁶ vectors in R^1024 are checked with two 4096-row tiles in memory instead of a 10⁶×10⁶ matrix
    (n²·d/2 multiply-adds: minutes on a GPU, hours on a laptop CPU).  The computation stays on V's
    device (or ``device``) and in V's floating dtype (float16/bfloat16 are raised to float32), so
    the result carries that dtype's rounding: about 1e-6 in float32, 1e-15 in float64.

    Parameters
    ----------
    V : Tensor, array or nested lists of shape (count, d)
        One vector per row; the rows are normalised here (V itself is not changed).
    block : int
        Rows per tile of the Gram matrix.
    device : str or torch.device, optional
        Where to compute; defaults to V's device (a numpy array or list: the CPU).
    return_pair : bool
        Also return the pair (i, j), i < j, where the maximum is attained (None when count < 2).
    progress : callable, optional
        Called with the fraction of tiles done, for a progress bar.

    Returns
    -------
    float, or (float, (int, int) | None)
        The coherence, in [0, 1]; 0.0 for fewer than two rows.

    Raises
    ------
    PackingError
        A zero row (its direction is undefined) or a ``block`` < 1.
    ShapeError, DTypeError, NonFiniteError
        V is not a real 2-D array of finite numbers.

    Examples
    --------
    >>> coherence([[1, 0], [0, 1], [1, 1]], return_pair=True)     # cos 45° between rows 0 and 2
    (0.7071067811865475, (0, 2))
    >>> coherence(torch.eye(5))
    0.0
    """
    X = as_tensor(V, name="V", ndim=2)
    if isinstance(block, bool) or not isinstance(block, int) or block < 1:
        raise PackingError(f"block must be a positive integer (rows per tile), got {block!r}")
    if device is not None:
        X = X.to(device)
    if X.dtype in (torch.float16, torch.bfloat16):
        X = X.float()
    count = X.shape[0]
    if X.shape[1] == 0 and count > 0:
        raise PackingError(f"V has shape {tuple(X.shape)}: rows of length 0 have no direction")
    # Scales and norms one tile at a time: a huge V is never copied whole.  Each row is divided by its
    # largest |entry| before its norm is taken, so that rows whose squares overflow or underflow (above
    # about 1e19 or below 1e-19 in float32) are neither lost nor reported as zero.
    scale = torch.cat([X[i : i + block].abs().amax(dim=1) for i in range(0, count, block)] or [X.new_zeros(0)])
    zero = (scale == 0).nonzero()
    if zero.numel():
        first = int(zero[0, 0])
        raise PackingError(
            f"V[{first}] is the zero vector ({zero.shape[0]} zero row(s) of {count}): a zero row has no direction, "
            f"so its |cos| with the others is undefined"
        )
    norm = torch.cat(
        [torch.linalg.vector_norm(X[i : i + block] / scale[i : i + block, None], dim=1) for i in range(0, count, block)]
        or [X.new_zeros(0)]
    )  # in [1, √d]

    def unit(start: int) -> torch.Tensor:
        """Rows start … start + block − 1 of V, normalised: (≤ block, d)."""
        return (X[start : start + block] / scale[start : start + block, None]).div_(norm[start : start + block, None])

    best = 0.0
    pair: tuple[int, int] | None = None
    starts = range(0, count, block)
    tiles = len(starts) * (len(starts) + 1) // 2
    done = 0
    for i in starts:
        Xi = unit(i)  # (bi, d), unit rows
        for j in starts:
            if j < i:
                continue
            Xj = Xi if j == i else unit(j)
            G = Xi @ Xj.T  # (bi, bj) cosines
            if j == i:
                G.fill_diagonal_(0.0)  # cos(v, v) = 1 is not a pair; G is symmetric, so i < j is covered
            low, high = torch.aminmax(G)  # one pass; the position is looked up only when the maximum moves
            value = max(float(high), -float(low))
            has_pair = j > i or G.shape[0] > 1
            if has_pair and (value > best or pair is None):
                if value == 0.0:  # all orthogonal so far: any pair of this tile attains it
                    a, b = (i, i + 1) if j == i else (i, j)
                else:
                    flat = int(torch.argmax(G.abs()))
                    a, b = i + flat // G.shape[1], j + flat % G.shape[1]
                best, pair = value, (min(a, b), max(a, b))
            done += 1
            if progress is not None:
                progress(done / tiles)
    best = min(best, 1.0)
    if count < 2:
        pair = None
    return (best, pair) if return_pair else best
