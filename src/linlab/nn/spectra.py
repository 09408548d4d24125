"""Singular values of many weight matrices at once: float64 Gram eigenvalues, checked, batched by size.

For W of shape ``(m, n)`` with ``k = min(m, n)``, the singular values are the square roots of the
eigenvalues of the smaller Gram matrix, ``WᵀW`` (``(n, n)``, for a tall W) or ``WWᵀ`` (``(m, m)``, for a
wide one).  Forming the Gram matrix in float64 (a symmetric rank-k update, half a matrix product) and
taking its eigenvalues with ``eigvalsh`` costs about as much as one float64 product of W with itself;
a float32 SVD of W costs several.  Gram matrices of the same size go through ``eigvalsh`` together, on
the GPU when one is given.

Accuracy.  Forming the Gram matrix and ``eigvalsh`` are backward stable: each eigenvalue comes out off
by about ``δλ ≈ eps₆₄·λ_max`` (measured: at most 0.4·eps₆₄·λ_max over the 40 weights of
all-MiniLM-L6-v2).  This module assumes ``δλ = 2·(√k + √m)·eps₆₄·λ_max`` for a matrix with long side m,
≥ 100 times the measured error.  In σ = √λ that is an absolute error of about ``δλ / 2σ``: negligible
for the large singular values, large for the small ones (σ below ``sqrt(eps₆₄)·σ_max`` is lost
entirely).  So a matrix goes again through a float64 SVD (``svdvals``) when its Gram spectrum leaves
any doubt:

- the error bound of its smallest singular value exceeds ``1e-4`` of that value (for k = m = 384 this
  is every matrix whose smallest σ is below about ``3e-5·σ_max``, so certainly every one below
  ``1e-6·σ_max``, and every singular matrix); or
- some singular value lies within its error bound of the rank threshold, so that the rank could
  come out differently (the threshold is linlab's policy, :mod:`linlab.algebra.tolerance`:
  ``σ > rtol·σ_max`` with ``rtol = max(m, n)·eps`` of the matrix's own dtype).

Every singular value returned is then within its bound — ``1e-4`` relative, in practice below
``1e-7`` — of a float64 SVD of the same matrix, and every rank computed from them is the SVD's.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from ..algebra.tolerance import Tolerance
from ..errors import NonFiniteError, ShapeError

__all__ = ["batched_singular_values", "SpectrumBatch"]

_EPS64 = float(torch.finfo(torch.float64).eps)
_ERROR_FACTOR = 2.0  # δλ = 2·(√k + √m)·eps·λ_max: ≥ 100× the largest error measured (docstring)
_RELATIVE_TARGET = 1e-4  # error bound (relative) accepted from the Gram path; worse goes to svdvals
_BUDGET_BYTES = 64 * 2**20  # Gram matrices held before a batch is solved
_SLAB_BYTES = 4 * 2**20  # float64 rows of the long side converted at a time
_THREADED_FLOPS = 1e9  # numpy's BLAS gets torch's threads only for work this large


@dataclass
class _Pending:
    key: object
    gram: Tensor  # (k, k) float64
    long_side: int
    rtol: float
    refetch: Callable[[], Tensor]


class SpectrumBatch:
    """Collect matrices one by one (each reduced to its Gram matrix at once), then solve them in batches.

    On the CPU each Gram matrix is solved as it comes (LAPACK goes matrix by matrix anyway), so memory
    holds one weight and one Gram matrix.  On a GPU the Gram matrices wait, up to 64 MiB, and
    matrices of one size are solved in one batched call.  A matrix whose Gram spectrum is in doubt
    (see the module docstring) is fetched again through its ``refetch`` callable for a float64 SVD.

    Parameters
    ----------
    device : str or torch.device, optional
        Where to compute (``"cuda"``); default: the CPU.

    Examples
    --------
    >>> batch = SpectrumBatch()
    >>> W = torch.tensor([[3.0, 0.0], [0.0, 4.0], [0.0, 0.0]])
    >>> batch.add("w", W)
    >>> batch.results()["w"]
    tensor([4., 3.], dtype=torch.float64)
    """

    def __init__(self, *, device: str | torch.device | None = None) -> None:
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self._pending: list[_Pending] = []
        self._pending_bytes = 0
        self._done: dict[object, Tensor] = {}
        self.rechecked: list[object] = []  # keys that went through a float64 SVD

    def add(self, key: object, matrix: Tensor, *, rtol: float | None = None,
            refetch: Callable[[], Tensor] | None = None) -> None:
        """Queue ``matrix`` (shape ``(m, n)``, any floating dtype) under ``key``.

        ``rtol`` is the rank policy's relative tolerance (default ``max(m, n)·eps(matrix.dtype)``);
        ``refetch`` gives the matrix again if it needs a float64 SVD (default: keep a reference to it).

        Raises
        ------
        ShapeError
            ``matrix`` is not 2-D.
        NonFiniteError
            ``matrix`` holds NaN or ±inf.
        """
        if matrix.ndim != 2:
            raise ShapeError(f"{key}: expected a matrix (m, n), got a {matrix.ndim}-D tensor of shape "
                             f"{tuple(matrix.shape)}")
        m, n = matrix.shape
        if rtol is None:
            rtol = Tolerance.resolve((m, n), matrix.dtype).rtol
        if min(m, n) == 0:
            self._done[key] = torch.zeros(0, dtype=torch.float64)
            return
        with _blas_threads(flops=float(m) * n * min(m, n)):  # syrk: long side × k² multiply-adds
            gram = _gram(matrix, self.device)
        if not math.isfinite(float(gram.diagonal().sum())):  # G_ii = ‖column i‖²: NaN/inf anywhere shows here
            _raise_non_finite(key, matrix)
        kept = matrix
        self._pending.append(_Pending(key, gram, max(m, n), rtol, refetch or (lambda: kept)))
        self._pending_bytes += gram.numel() * 8
        if self.device.type == "cpu" or self._pending_bytes > _BUDGET_BYTES:
            self._solve()  # the CPU's eigvalsh goes matrix by matrix anyway: hold nothing

    def results(self) -> dict[object, Tensor]:
        """Every queued matrix's singular values: float64, on the CPU, descending, length ``min(m, n)``."""
        self._solve()
        return self._done

    def _solve(self) -> None:
        by_size: dict[int, list[_Pending]] = {}
        for p in self._pending:
            by_size.setdefault(p.gram.shape[0], []).append(p)
        self._pending, self._pending_bytes = [], 0
        for items in by_size.values():
            k = items[0].gram.shape[0]
            with _blas_threads(flops=4 / 3 * k**3):  # the tridiagonal reduction
                lams = _eigvalsh([p.gram for p in items])  # each (k,), ascending
            for p, lam in zip(items, lams, strict=True):
                sigma, doubtful = _from_eigenvalues(lam, p.long_side, p.rtol)
                if doubtful:
                    sigma = _svdvals64(p.refetch(), self.device)
                    self.rechecked.append(p.key)
                self._done[p.key] = sigma


def batched_singular_values(matrices: Sequence[Tensor], *, device: str | torch.device | None = None,
                            rtol: Sequence[float | None] | None = None) -> list[Tensor]:
    """Singular values of each matrix: float64, descending, length ``min(m, n)``, as a float64 SVD gives them.

    Parameters
    ----------
    matrices : sequence of Tensor, each of shape (m, n)
        Any floating dtype and device; shapes may differ (equal Gram sizes are solved together).
    device : str or torch.device, optional
        Where to compute; default the CPU.  ``"cuda"`` runs the products and eigenvalue problems there.
    rtol : sequence of float or None, optional
        Per matrix, the rank policy's relative tolerance used to decide which matrices need a float64
        SVD (default ``max(m, n)·eps`` of each matrix's dtype).

    Returns
    -------
    list of Tensor of shape (min(m, n),)
        On the CPU, float64, descending.

    Raises
    ------
    ShapeError
        A tensor that is not 2-D, or ``rtol`` of another length than ``matrices``.
    NonFiniteError
        A matrix holding NaN or ±inf.

    Examples
    --------
    >>> A = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])         # wide: σ from the 2×2 Gram AAᵀ
    >>> B = torch.tensor([[1.0, 1.0], [1.0, 1.0]])                   # rank 1: rechecked by a float64 SVD
    >>> [s.tolist() for s in batched_singular_values([A, B])]
    [[2.0, 1.0], [2.0, 0.0]]
    """
    tolerances = list(rtol) if rtol is not None else [None] * len(matrices)
    if len(tolerances) != len(matrices):
        raise ShapeError(f"rtol has {len(tolerances)} entries but there are {len(matrices)} matrices")
    batch = SpectrumBatch(device=device)
    for i, (matrix, tol) in enumerate(zip(matrices, tolerances, strict=True)):
        if not isinstance(matrix, Tensor):
            raise ShapeError(f"matrices[{i}] is a {type(matrix).__name__}, not a torch.Tensor")
        batch.add(i, matrix, rtol=tol)
    found = batch.results()
    return [found[i] for i in range(len(matrices))]


# -- helpers --------------------------------------------------------------------------------------


@functools.cache
def _controller() -> object | None:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def _blas_threads(flops: float = 0.0) -> Iterator[None]:
    """numpy's BLAS on one thread for small work, on torch's thread count for large.

    Below about 10⁹ floating-point operations (an ``eigvalsh`` at k = 384 is 10⁸) extra threads cost
    more than they save: OpenBLAS workers spinning beside torch's OpenMP threads on a busy machine made
    each such ``eigvalsh`` 25× slower in measurements.  ``torch.set_num_threads(1)`` always means one.
    """
    controller = _controller()
    if controller is None:
        yield
        return
    threads = torch.get_num_threads() if flops >= _THREADED_FLOPS else 1
    with controller.limit(limits=threads, user_api="blas"):  # type: ignore[attr-defined]
        yield


def _gram(matrix: Tensor, device: torch.device) -> Tensor:
    """The smaller Gram matrix in float64, ``(k, k)`` with ``k = min(m, n)``."""
    m, n = matrix.shape
    if device.type != "cpu":
        w = matrix.detach().to(device, torch.float64)
        return w.T @ w if m >= n else w @ w.T
    # On the CPU, by slabs of the long side converted to float64 one at a time (memory: one slab, not a
    # float64 copy of W); numpy spots `x.T @ x` and calls BLAS syrk, half the work of a product.
    a = matrix.detach().cpu()
    a = (a if a.dtype in (torch.float32, torch.float64) else a.to(torch.float32)).numpy()  # numpy has no bf16
    if m < n:
        a = a.T  # (n, m): the Gram W Wᵀ is the same sum over the long side
    k = a.shape[1]
    rows = max(256, _SLAB_BYTES // (8 * k))
    if a.shape[0] <= rows:
        whole = a.astype(np.float64)  # (long, k)
        return torch.from_numpy(whole.T @ whole)
    g = np.zeros((k, k))
    for start in range(0, a.shape[0], rows):
        slab = a[start:start + rows].astype(np.float64)  # (≤ rows, k)
        g += slab.T @ slab
    return torch.from_numpy(g)


def _eigvalsh(grams: list[Tensor]) -> list[np.ndarray]:
    """Ascending eigenvalues ``(k,)`` of each symmetric ``(k, k)`` matrix, float64.

    On the CPU numpy's LAPACK (about 25% faster than torch's here at k = 384) goes matrix by matrix,
    sparing the copy into a stack; on a GPU one batched call solves them all.
    """
    if grams[0].device.type == "cpu":
        return [np.linalg.eigvalsh(g.numpy()) for g in grams]
    return list(torch.linalg.eigvalsh(torch.stack(grams)).cpu().numpy())


def _from_eigenvalues(lam: np.ndarray, long_side: int, rtol: float) -> tuple[Tensor, bool]:
    """σ (descending) from Gram eigenvalues (ascending), and whether the result is in doubt.

    numpy, not torch: on vectors this short, torch's thread pool costs more than the arithmetic.
    """
    k = lam.shape[0]
    lam = lam[::-1]
    lam_max = max(float(lam[0]), 0.0)
    if lam_max == 0.0:
        return torch.zeros(k, dtype=torch.float64), False  # the zero matrix: exact
    delta = _ERROR_FACTOR * (math.sqrt(k) + math.sqrt(long_side)) * _EPS64 * lam_max
    sigma = np.sqrt(np.maximum(lam, 0.0))
    upper = np.sqrt(np.maximum(lam + delta, 0.0))
    lower = np.sqrt(np.maximum(lam - delta, 0.0))
    smallest = float(sigma[-1])
    result = torch.from_numpy(np.ascontiguousarray(sigma))
    if smallest == 0.0 or float(upper[-1] - lower[-1]) > _RELATIVE_TARGET * smallest:
        return result, True
    cut = rtol * float(sigma[0])
    return result, bool(((lower <= cut) & (upper > cut)).any())


def _svdvals64(matrix: Tensor, device: torch.device) -> Tensor:
    """A float64 SVD's singular values (numpy's on the CPU, on one thread like the rest)."""
    if device.type != "cpu":
        return torch.linalg.svdvals(matrix.to(device, torch.float64)).cpu()
    m, n = matrix.shape
    with _blas_threads(flops=4.0 * m * n * min(m, n)):
        return torch.from_numpy(np.linalg.svd(matrix.detach().cpu().to(torch.float64).numpy(), compute_uv=False))


def _raise_non_finite(key: object, matrix: Tensor) -> None:
    bad = ~torch.isfinite(matrix)
    if bool(bad.any()):
        row, col = (int(i) for i in bad.nonzero()[0])
        raise NonFiniteError(f"{key}: entry ({row}, {col}) is {float(matrix[row, col])}; weights must be finite "
                             f"({int(bad.sum())} non-finite entries)")
    raise NonFiniteError(f"{key}: its Gram matrix overflows float64; the weights are too large to analyse")
