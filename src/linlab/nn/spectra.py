"""Singular values of many weight matrices at once: float64 Gram eigenvalues, checked, in parallel.

For W of shape ``(m, n)`` with ``k = min(m, n)``, the singular values are the square roots of the
eigenvalues of the smaller Gram matrix, ``WᵀW`` (``(n, n)``, for a tall W) or ``WWᵀ`` (``(m, m)``, for a
wide one).  Forming the Gram matrix in float64 (a symmetric rank-k update, half a matrix product) and
taking its eigenvalues with ``eigvalsh`` costs about as much as one float64 product of W with itself;
a float32 SVD of W costs several.

Where.  On the CPU each matrix is one job — Gram matrix, ``eigvalsh``, the checks below — run with
numpy's BLAS on one thread, and up to ``workers`` jobs (default ``torch.get_num_threads()``) run at
once on a thread pool.  At the sizes of model weights (k in the hundreds or thousands) several
matrices side by side use the cores better than threads inside one ``eigvalsh``, whose tridiagonal
reduction is half matrix-vector products.  numpy's matrix product releases the GIL but its
``eigvalsh`` does not, so the eigenvalues come from ``LAPACKE_dsyevd`` of the LAPACK numpy loaded,
called through ctypes (which releases it): the routine numpy calls, with bit for bit its result
(numpy's ``eigvalsh`` itself is the fallback where no such symbol is found).  Every job makes the
same calls in the same order whatever the number of workers, so the results are bit for bit those
of ``workers=1``.  On a GPU the Gram matrices wait, up to 64 MiB, and those of one size go through
one batched ``eigvalsh``.

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

Why not float32.  The same argument with ``eps₃₂`` (a float32 Gram matrix takes half the time, a
float32 ``eigvalsh`` about three quarters) accepts a matrix only if
``λ_min ≥ 10⁴·2·(√k + √m)·eps₃₂·λ_max``, that is ``σ_max/σ_min ≤ 3.3`` for k = m = 384 and ≤ 1.5 for
the 30522 × 384 word embedding.  The weights of all-MiniLM-L6-v2 have ``σ_max/σ_min`` from 14 (word
embedding, feed-forward input) to 8·10⁴ (attention projections), and even for the best conditioned
the measured float32 error (0.2–2.5·eps₃₂·λ_max) is less than 20 times below what 1e-4 allows.  A
float32 first pass would be work thrown away before the float64 one on every matrix of such a
model, so all arithmetic here is float64.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import itertools
import math
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np
import torch
from torch import Tensor

from ..algebra.tolerance import Tolerance
from ..errors import LinlabError, NonFiniteError, ShapeError

__all__ = ["batched_singular_values", "SpectrumBatch"]

_EPS64 = float(torch.finfo(torch.float64).eps)
_ERROR_FACTOR = 2.0  # δλ = 2·(√k + √m)·eps·λ_max: ≥ 100× the largest error measured (docstring)
_RELATIVE_TARGET = 1e-4  # error bound (relative) accepted from the Gram path; worse goes to svdvals
_BUDGET_BYTES = 64 * 2**20  # Gram matrices held on a GPU before a batch is solved
_WHOLE_BYTES = 16 * 2**20  # a float64 copy of W up to this size is made at once, larger ones by slabs
_SLAB_BYTES = 4 * 2**20  # float64 slab of the long side converted at a time
_THREADED_FLOPS = 1e9  # numpy's BLAS gets torch's threads only for work this large (and workers=1)
_SPARE_JOBS = 1  # unfinished jobs beyond one per worker: memory holds workers + 1 weights read from disk
_COL_MAJOR = 102  # LAPACKE's matrix layout flag


@dataclass
class _Pending:
    key: object
    gram: Tensor  # (k, k) float64, on the GPU
    long_side: int
    rtol: float
    refetch: Callable[[], Tensor]


class SpectrumBatch:
    """Collect matrices one by one and get their singular values; on the CPU they are solved as they come.

    On the CPU each matrix becomes a job for a pool of ``workers`` threads (inline when ``workers`` is
    1); :meth:`add` waits while ``workers + 1`` jobs are unfinished, so memory holds that many weights
    (views, for a module in memory) and each worker's float64 slab and Gram matrix.  While the
    batch is open numpy's BLAS runs on one thread (each worker is one thread), and :meth:`results` or
    :meth:`close` (or leaving a ``with`` block) gives back the thread setting and the pool.  On a GPU
    the Gram matrices wait, up to 64 MiB, and matrices of one size are solved in one batched call; a
    matrix whose Gram spectrum is in doubt (see the module docstring) is then fetched again through
    its ``refetch`` callable for a float64 SVD.

    Parameters
    ----------
    device : str or torch.device, optional
        Where to compute (``"cuda"``); default: the CPU.
    workers : int, optional
        CPU matrices solved at once; default ``torch.get_num_threads()``.  Ignored on a GPU.

    Raises
    ------
    LinlabError
        ``workers`` is not a positive integer.

    Examples
    --------
    >>> with SpectrumBatch() as batch:
    ...     batch.add("w", torch.tensor([[3.0, 0.0], [0.0, 4.0], [0.0, 0.0]]))
    ...     batch.results()["w"]
    tensor([4., 3.], dtype=torch.float64)
    """

    def __init__(self, *, device: str | torch.device | None = None, workers: int | None = None) -> None:
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise LinlabError(f"workers must be a positive integer, got {workers!r}")
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.workers = workers if workers is not None else max(1, torch.get_num_threads())
        self._pending: list[_Pending] = []  # GPU: Gram matrices waiting for a batched eigvalsh
        self._pending_bytes = 0
        self._queued: deque[tuple[object, Future[tuple[Tensor, bool]]]] = deque()  # CPU: jobs, in the order added
        self._pool: ThreadPoolExecutor | None = None
        self._blas_limit: Any = None  # threadpoolctl's limiter holding numpy's BLAS at one thread
        self._done: dict[object, Tensor] = {}
        self.rechecked: list[object] = []  # keys that went through a float64 SVD, in the order added

    def __enter__(self) -> SpectrumBatch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def add(self, key: object, matrix: Tensor, *, rtol: float | None = None,
            refetch: Callable[[], Tensor] | None = None) -> None:
        """Queue ``matrix`` (shape ``(m, n)``, any floating dtype) under ``key``.

        ``rtol`` is the rank policy's relative tolerance (default ``max(m, n)·eps(matrix.dtype)``);
        ``refetch`` gives the matrix again if a GPU batch needs it for a float64 SVD after letting it go
        (default: keep a reference to it).  On the CPU a worker may read ``matrix`` until
        :meth:`results`: do not change it in place before then.

        Raises
        ------
        ShapeError
            ``matrix`` is not 2-D.
        NonFiniteError
            ``matrix``, or one added before it, holds NaN or ±inf (the batch is then closed).
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
        if self.device.type != "cpu":
            self._add_gpu(key, matrix, rtol, refetch)
            return
        self._hold_blas_at_one_thread()
        host = matrix.detach().cpu()
        if host.dtype not in (torch.float32, torch.float64):
            host = host.to(torch.float32)  # numpy has no bf16; float16 and bf16 are exact in float32
        if self.workers == 1:
            threaded = torch.get_num_threads() > 1  # alone, a large job may use torch's threads
            try:
                self._finish(key, _cpu_spectrum(key, host.numpy(), rtol, threaded))
            except BaseException:
                self.close()
                raise
            return
        if self._pool is None:
            _lapacke_dsyevd()  # looked up here, once, rather than by racing workers
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="linlab-spectra")
        self._wait_for_room()
        self._queued.append((key, self._pool.submit(_cpu_spectrum, key, host.numpy(), rtol, False)))

    def results(self) -> dict[object, Tensor]:
        """Every queued matrix's singular values: float64, on the CPU, descending, length ``min(m, n)``.

        Raises
        ------
        NonFiniteError
            A queued matrix holds NaN or ±inf (the first such, in the order added).
        """
        self._collect(everything=True)
        self._solve_gpu()
        self.close()
        return self._done

    def close(self) -> None:
        """Stop the workers (dropping jobs not started) and give numpy's BLAS its thread setting back."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._queued.clear()
        if self._blas_limit is not None:
            self._blas_limit.restore_original_limits()
            self._blas_limit = None

    # -- CPU ----------------------------------------------------------------------------------------

    def _hold_blas_at_one_thread(self) -> None:
        controller = _controller()
        if self._blas_limit is None and controller is not None:
            self._blas_limit = controller.limit(limits=1, user_api="blas")  # type: ignore[attr-defined]

    def _wait_for_room(self) -> None:
        """Block while ``workers + 1`` jobs are unfinished (any of them, so a slow one holds up no other)."""
        while True:
            running = [job for _, job in self._queued if not job.done()]
            if len(running) < self.workers + _SPARE_JOBS:
                break
            wait(running, return_when=FIRST_COMPLETED)
        self._collect(everything=False)

    def _collect(self, *, everything: bool) -> None:
        """Take finished jobs in the order added (all of them, waiting, if ``everything``).

        In order, so that ``rechecked`` and the first error raised are those of ``workers=1``.
        """
        while self._queued and (everything or self._queued[0][1].done()):
            key, job = self._queued.popleft()
            try:
                outcome = job.result()
            except BaseException:  # a NonFiniteError, or an interrupt while waiting: stop the workers too
                self.close()
                raise
            self._finish(key, outcome)

    def _finish(self, key: object, outcome: tuple[Tensor, bool]) -> None:
        sigma, rechecked = outcome
        self._done[key] = sigma
        if rechecked:
            self.rechecked.append(key)

    # -- GPU ----------------------------------------------------------------------------------------

    def _add_gpu(self, key: object, matrix: Tensor, rtol: float, refetch: Callable[[], Tensor] | None) -> None:
        m, n = matrix.shape
        w = matrix.detach().to(self.device, torch.float64)
        gram = w.T @ w if m >= n else w @ w.T  # (k, k)
        if not math.isfinite(float(gram.diagonal().sum())):  # G_ii = ‖column i‖²: NaN/inf anywhere shows here
            host = matrix.detach().cpu()
            raise _non_finite(key, host.numpy() if host.dtype == torch.float64 else host.float().numpy())
        kept = matrix
        self._pending.append(_Pending(key, gram, max(m, n), rtol, refetch or (lambda: kept)))
        self._pending_bytes += gram.numel() * 8
        if self._pending_bytes > _BUDGET_BYTES:
            self._solve_gpu()

    def _solve_gpu(self) -> None:
        by_size: dict[int, list[_Pending]] = {}
        for p in self._pending:
            by_size.setdefault(p.gram.shape[0], []).append(p)
        self._pending, self._pending_bytes = [], 0
        for items in by_size.values():
            lams = torch.linalg.eigvalsh(torch.stack([p.gram for p in items])).cpu().numpy()  # (batch, k) ascending
            for p, lam in zip(items, lams, strict=True):
                sigma, doubtful = _from_eigenvalues(lam, p.long_side, p.rtol)
                if doubtful:
                    sigma = torch.linalg.svdvals(p.refetch().to(self.device, torch.float64)).cpu()
                    self.rechecked.append(p.key)
                self._done[p.key] = sigma


def batched_singular_values(matrices: Sequence[Tensor], *, device: str | torch.device | None = None,
                            rtol: Sequence[float | None] | None = None,
                            workers: int | None = None) -> list[Tensor]:
    """Singular values of each matrix: float64, descending, length ``min(m, n)``, as a float64 SVD gives them.

    Parameters
    ----------
    matrices : sequence of Tensor, each of shape (m, n)
        Any floating dtype and device; shapes may differ.
    device : str or torch.device, optional
        Where to compute; default the CPU.  ``"cuda"`` runs the products and eigenvalue problems there.
    rtol : sequence of float or None, optional
        Per matrix, the rank policy's relative tolerance used to decide which matrices need a float64
        SVD (default ``max(m, n)·eps`` of each matrix's dtype).
    workers : int, optional
        CPU matrices solved at once (default ``torch.get_num_threads()``); the results do not depend on it.

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
    LinlabError
        ``workers`` is not a positive integer.

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
    with SpectrumBatch(device=device, workers=workers) as batch:
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


def _threads(flops: float, threaded: bool) -> contextlib.AbstractContextManager[None]:
    """Inside a batch BLAS is already on one thread: only a large job of a lone worker asks for more."""
    return _blas_threads(flops) if threaded and flops >= _THREADED_FLOPS else contextlib.nullcontext()


def _cpu_spectrum(key: object, a: np.ndarray, rtol: float, threaded: bool) -> tuple[Tensor, bool]:
    """σ (descending) of ``a`` (shape ``(m, n)``, float32 or float64) and whether a float64 SVD gave them.

    Runs on a worker thread: numpy and LAPACK only, no torch operators.

    Raises
    ------
    NonFiniteError
        ``a`` holds NaN or ±inf.
    """
    m, n = a.shape
    k = min(m, n)
    with _threads(float(m) * n * k, threaded):  # syrk: long side × k² multiply-adds
        gram = _gram(a)  # (k, k)
    if not math.isfinite(float(np.trace(gram))):  # G_ii = ‖column i‖²: NaN/inf anywhere shows here
        raise _non_finite(key, a)
    with _threads(4 / 3 * k**3, threaded):  # the tridiagonal reduction
        lam = _eigvalsh(gram)  # (k,) ascending, or None if LAPACK did not converge
    if lam is not None:
        sigma, doubtful = _from_eigenvalues(lam, max(m, n), rtol)
        if not doubtful:
            return sigma, False
    with _threads(4.0 * m * n * k, threaded):
        return torch.from_numpy(np.linalg.svd(a.astype(np.float64), compute_uv=False)), True


@functools.cache
def _lapacke_dsyevd() -> Callable[..., int] | None:
    """``LAPACKE_dsyevd`` of the LAPACK numpy loaded (OpenBLAS or MKL, as threadpoolctl finds it), or None.

    ctypes releases the GIL during the call, where numpy's ``eigvalsh`` (which calls the same routine)
    holds it.  Integers go as 64-bit values: on 64-bit platforms a 32-bit ``lapack_int`` parameter reads
    the low half of the register or stack slot, so one signature serves LP64 and ILP64 builds.  A 3×3
    problem with known eigenvalues checks the call before it is trusted.
    """
    controller = _controller()
    if controller is None or ctypes.sizeof(ctypes.c_void_p) != 8:
        return None
    for lib in controller.info():  # type: ignore[attr-defined]
        if lib.get("internal_api") not in ("openblas", "mkl"):
            continue
        try:
            dll = ctypes.CDLL(lib["filepath"])
        except OSError:
            continue
        for prefix, suffix in itertools.product(("", "scipy_"), ("", "64_", "_64")):
            fn = getattr(dll, f"{prefix}LAPACKE_dsyevd{suffix}", None)
            if fn is None:
                continue
            fn.restype = ctypes.c_int
            fn.argtypes = [ctypes.c_int, ctypes.c_char, ctypes.c_char, ctypes.c_int64, ctypes.c_void_p,
                           ctypes.c_int64, ctypes.c_void_p]
            probe = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]])  # eigenvalues 1, 3, 5
            lam = np.empty(3)
            if fn(_COL_MAJOR, b"N", b"L", 3, probe.ctypes.data, 3, lam.ctypes.data) == 0 and np.allclose(
                    lam, [1.0, 3.0, 5.0], rtol=1e-14):
                return fn
    return None


def _eigvalsh(gram: np.ndarray) -> np.ndarray | None:
    """Ascending eigenvalues ``(k,)`` of the symmetric ``(k, k)`` float64 ``gram`` (overwritten), None if
    LAPACK does not converge.

    ``gram`` is exactly symmetric (syrk mirrors one triangle), so reading its C-ordered memory as a
    column-major lower triangle reads the same numbers numpy's ``eigvalsh`` would.
    """
    dsyevd = _lapacke_dsyevd()
    if dsyevd is None:
        try:
            return np.linalg.eigvalsh(gram)
        except np.linalg.LinAlgError:
            return None
    if gram.dtype != np.float64 or not gram.flags.c_contiguous or not gram.flags.writeable:
        gram = np.array(gram, dtype=np.float64, order="C")  # LAPACK reads and overwrites raw memory
    k = gram.shape[0]
    lam = np.empty(k)
    return lam if dsyevd(_COL_MAJOR, b"N", b"L", k, gram.ctypes.data, k, lam.ctypes.data) == 0 else None


def _gram(a: np.ndarray) -> np.ndarray:
    """The smaller Gram matrix of ``a`` (shape ``(m, n)``) in float64: ``(k, k)`` with ``k = min(m, n)``.

    numpy spots ``x.T @ x`` and ``x @ x.T`` and calls BLAS syrk, half the work of a product.  A float32
    W is converted whole when its float64 copy is small, else in slabs of the long side through one
    reused buffer (memory: one slab, not a float64 copy of W; no fresh pages per slab).
    """
    m, n = a.shape
    tall = m >= n
    k, long_side = min(m, n), max(m, n)
    if long_side * k * 8 <= _WHOLE_BYTES:
        w = a.astype(np.float64, copy=False)  # (m, n)
        return w.T @ w if tall else w @ w.T
    rows = max(256, _SLAB_BYTES // (8 * k))
    buffer = np.empty((rows, k) if tall else (k, rows))  # float64 slab: (rows, k) of a tall W, (k, rows) of a wide
    gram = np.zeros((k, k))
    for start in range(0, long_side, rows):
        stop = min(start + rows, long_side)
        if tall:
            slab = buffer[:stop - start]  # (≤ rows, k)
            np.copyto(slab, a[start:stop])
            gram += slab.T @ slab
        else:
            slab = buffer[:, :stop - start]  # (k, ≤ rows)
            np.copyto(slab, a[:, start:stop])
            gram += slab @ slab.T
    return gram


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


def _non_finite(key: object, a: np.ndarray) -> NonFiniteError:
    """The error for a matrix ``a`` (shape ``(m, n)``) whose Gram matrix is not finite, naming its first bad entry."""
    bad = ~np.isfinite(a)
    if bool(bad.any()):
        row, col = (int(i) for i in np.argwhere(bad)[0])
        return NonFiniteError(f"{key}: entry ({row}, {col}) is {float(a[row, col])}; weights must be finite "
                              f"({int(bad.sum())} non-finite entries)")
    return NonFiniteError(f"{key}: its Gram matrix overflows float64; the weights are too large to analyse")
