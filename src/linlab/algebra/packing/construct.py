"""Build a verified set of almost-orthogonal unit vectors: :func:`construct` and its methods.

The methods, from cheap to clever:

* ``"basis"``: the d standard basis vectors, coherence 0.
* ``"simplex"``: the d+1 vertices of a regular simplex, coherence 1/d.
* ``"random"``: Gaussian directions kept greedily while they keep |cos| ≤ ε with all kept so far.
* ``"optimize"``: gradient descent on a smooth maximum of the |cos| of a fixed number of vectors, then
  the worst offenders are removed until the set meets ε.
* ``"kerdock"``, ``"gold"``, ``"delsarte-goethals"``: the sign-vector codes of
  :mod:`~linlab.algebra.packing.codes` (d = 2^m), polynomially many vectors at |cos| ~ 1/√d.
* ``"direct-sum"``: blocks of the above on disjoint coordinates (vectors of different blocks are
  orthogonal), the split of d chosen by dynamic programming to maximise the count at ε.
* ``"best"`` (default): the largest of ``"direct-sum"``, ``"random"`` and (for small d, small ε)
  ``"optimize"``.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np
import torch
from torch import Tensor

from ._common import MAX_DIM, PackingError, check_count, check_dim, check_eps
from .bounds import best_upper_bound
from .codes import MAX_M, SignCode, delsarte_goethals_code, dual_bch_code
from .sets import Basis, Code, Dense, DirectSum, Packing, Prefix, Simplex, Source, VERIFY_WORK, finish

__all__ = ["construct", "METHODS", "best_code"]

METHODS = ("best", "basis", "simplex", "random", "optimize", "kerdock", "gold", "delsarte-goethals", "direct-sum")
#: Numerically found sets keep |cos| ≤ ε − MARGIN in float32 so that rounding cannot push them past ε.
MARGIN = 1e-5
_REL = 1e-12  # proven coherences are exact powers of two or 1/n; compare with ε up to this relative slack

Progress = Callable[[str, float], None]


def construct(
    d: int,
    eps: float,
    *,
    method: str = "best",
    max_count: int | None = None,
    seed: int = 0,
    time_budget: float = 10.0,
    device: str | torch.device | None = None,
    verify_work: float = VERIFY_WORK,
    progress: Progress | None = None,
) -> Packing:
    """A verified set of unit vectors in R^d with every pairwise |cos| ≤ ``eps``.

    Parameters
    ----------
    d : int
        The dimension, 1 ≤ d ≤ 65536.
    eps : float
        The largest allowed |cos|, in [0, 1).
    method : str
        One of :data:`METHODS` (see the module docstring).  ``"best"`` returns at least d vectors.
    max_count : int, optional
        Return at most this many vectors (the first ones of the construction; a subset keeps its
        coherence).  For ``"optimize"`` it is the number of vectors optimised.
    seed : int
        Seeds the random methods and the verification sample; with ``max_count`` reached before the
        time budget, ``"random"`` returns the same set every time.
    time_budget : float
        Seconds for ``"random"`` and ``"optimize"`` (including their exhaustive verification); ``"best"``
        gives it to random greedy, then what is left (at least a quarter) to ``"optimize"`` where that
        runs.  The algebraic methods take milliseconds, plus up to a few seconds of verification.
    device : str or torch.device, optional
        Where ``"random"`` and ``"optimize"`` compute (default: the CPU).
    verify_work : float
        Sets with count²·(d + 64) ≤ verify_work are verified exhaustively; larger algebraic sets are
        verified on a sample plus their proof (see :class:`Packing`).
    progress : callable, optional
        Called as ``progress(phase, fraction)`` for a progress bar.

    Returns
    -------
    Packing
        Its ``coherence`` is ≤ ``eps``; ``vectors()`` gives them as a (count, d) tensor.

    Raises
    ------
    PackingError
        Bad d, eps, method or max_count; a family that does not exist in this d, or whose coherence
        exceeds eps (the message gives the family's coherence).

    Examples
    --------
    >>> P = construct(1600, 0.1)                  # GPT-2 XL's width
    >>> P.count, P.method, P.verification
    (268699206, 'direct-sum', 'sample+proof')
    >>> [(b.name, b.dim) for b in P.blocks]
    [('delsarte-goethals', 1024), ('gold', 512), ('simplex', 10), ('simplex', 10), ('simplex', 10), ('simplex', 10), ('simplex', 10), ('simplex', 14)]
    >>> construct(100, 0.0).count                 # orthogonal: a basis, and nothing more fits
    100
    """
    started = time.perf_counter()
    d = check_dim(d, maximum=MAX_DIM)
    eps = check_eps(eps, allow_one=False)
    if method not in METHODS:
        raise PackingError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if max_count is not None:
        max_count = check_count(max_count, name="max_count")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise PackingError(f"seed must be an integer, got {seed!r}")
    if not (isinstance(time_budget, (int, float)) and not isinstance(time_budget, bool) and time_budget > 0):
        raise PackingError(f"time_budget must be a positive number of seconds, got {time_budget!r}")
    time_budget = float(time_budget)

    def done(name: str, source: Source, proven: float | None, proof: str = "") -> Packing:
        if max_count is not None and source.count > max_count:
            source = Prefix(source, max_count)
        verify_progress = (lambda f: progress("verify", f)) if progress else None
        return finish(name, d, eps, source, started=started, proven=proven, proof=proof, seed=seed, work=verify_work, progress=verify_progress)

    if method == "basis":
        return done("basis", Basis(d), 0.0, "The standard basis is orthonormal.")
    if method == "simplex":
        if d < 2 or 1.0 / d > eps * (1 + _REL):
            raise PackingError(f"the simplex in R^{d} has |cos| = 1/d = {1 / max(d, 1):.6g} > eps={eps:g}" if d >= 2 else "the simplex needs d ≥ 2")
        return done("simplex", Simplex(d), 1.0 / d, "The regular simplex's vertices have cos = −1/d.")
    if method in ("kerdock", "gold", "delsarte-goethals"):
        code = _named_code(method, d, eps)
        return done(code.name, Code(code), code.coherence, code.proof)
    if method == "direct-sum":
        source, proven = _direct_sum(d, eps)
        return done(getattr(source, "name", "direct-sum"), source, proven, _proof(source))
    if method == "random":
        V = _random_greedy(d, eps, max_count=max_count, seed=seed, time_budget=time_budget, device=device, progress=progress)
        return done("random", Dense(V), None)
    if method == "optimize":
        V = _optimize(d, eps, count=max_count, seed=seed, time_budget=time_budget, device=device, progress=progress)
        return done("optimize", Dense(V), None)
    return _best(d, eps, max_count=max_count, seed=seed, time_budget=time_budget, device=device, done=done, progress=progress)


_SUM_PROOF = (
    "Blocks sit on disjoint coordinates, so vectors of different blocks are orthogonal and the coherence is "
    "the largest of the blocks' (each proven: basis 0, simplex 1/n, sign codes by their rank bound)."
)


def _proof(source: Source) -> str:
    """The coherence argument of an algebraic source: its code's, or the direct-sum argument."""
    if isinstance(source, Code):
        return source.code.proof
    if isinstance(source, Simplex):
        return "The regular simplex's vertices have cos = −1/n."
    if isinstance(source, Basis):
        return "The standard basis is orthonormal."
    return _SUM_PROOF


# --- the algebraic families and their direct sums ---------------------------------------------------


def best_code(n: int, eps: float) -> SignCode | None:
    """The sign code on R^n (n = 2^m, 4 ≤ n ≤ 2^14) with the most vectors at coherence ≤ eps, or None.

    m even: Delsarte–Goethals DG(m, r) with the largest r such that 2^r/√n ≤ ε (r = 0: Kerdock).
    m odd: dual-BCH with the largest t such that 2^t/√(2n) ≤ ε (t = 1: Gold).

    Examples
    --------
    >>> best_code(64, 0.125).name, best_code(64, 0.3).count, best_code(64, 0.1)
    ('kerdock', 65600, None)
    """
    if n < 4 or n & (n - 1) or n > 1 << MAX_M:
        return None
    m = n.bit_length() - 1
    if m % 2 == 0:
        r = max((r for r in range(0, (m - 2) // 2 + 1) if 2.0 ** (r - m / 2) <= eps * (1 + _REL)), default=None)
        return None if r is None else delsarte_goethals_code(n, r)
    t = max((t for t in range(1, (m - 1) // 2 + 1) if 2.0 ** (t - (m + 1) / 2) <= eps * (1 + _REL)), default=None)
    return None if t is None else dual_bch_code(n, t)


def _named_code(method: str, d: int, eps: float) -> SignCode:
    if d < 4 or d & (d - 1) or d > 1 << MAX_M:
        raise PackingError(f"method={method!r} needs d = 2^m with 2 ≤ m ≤ {MAX_M}, got d={d}")
    m = d.bit_length() - 1
    if method == "kerdock":
        if m % 2:
            raise PackingError(f"method='kerdock' needs d = 4^k (log2 d even), got d={d} (log2 d = {m}); try 'gold'")
        code = delsarte_goethals_code(d, 0)
    elif method == "gold":
        if m % 2 == 0 or m < 3:
            raise PackingError(f"method='gold' needs d = 2^m with m odd ≥ 3, got d={d} (m = {m}); try 'kerdock'")
        code = dual_bch_code(d, 1)
    else:
        code = best_code(d, eps)
        if code is None:
            least = 2.0 ** (-(m if m % 2 == 0 else m - 1) / 2)  # Kerdock's 1/√d, or Gold's √(2/d)
            raise PackingError(f"the Delsarte–Goethals sets in R^{d} have |cos| ≥ {least:.6g} > eps={eps:g}")
        return code
    if code.coherence > eps * (1 + _REL):
        raise PackingError(f"the {code.name} set in R^{d} has |cos| up to {code.coherence:.6g} > eps={eps:g}")
    return code


def _filler(c: int, n0: int | None) -> int:
    """Vectors in c coordinates from simplices of size ≥ n0 (each adds one vector to a basis)."""
    return c + c // n0 if n0 is not None and c >= n0 else c


def _direct_sum(d: int, eps: float) -> tuple[Source, float]:
    """The direct sum of codes, simplices and a basis with the most vectors at coherence ≤ eps.

    Unbounded knapsack over the capacity d: items are the sign codes on 2^m coordinates that meet eps;
    whatever capacity is left is filled with simplices of size ≥ n0 = ⌈1/ε⌉ (a simplex on n
    coordinates has n+1 vectors at cos −1/n; splitting a simplex of size ≥ 2·n0 in two gains a vector,
    so c coordinates hold c + ⌊c/n0⌋), or with basis vectors when ε < 1/2.
    """
    n0 = max(2, math.ceil(1.0 / eps * (1 - _REL))) if eps > 0 else None
    if n0 is not None and 1.0 / n0 > eps * (1 + _REL):
        n0 += 1
    items = []
    for m in range(2, min(MAX_M, d.bit_length() - 1) + 1):
        code = best_code(1 << m, eps)
        if code is not None and code.count > _filler(1 << m, n0):
            items.append((1 << m, code))
    best = [_filler(c, n0) for c in range(d + 1)]
    choice: list[int | None] = [None] * (d + 1)
    for c in range(d + 1):
        for k, (n, code) in enumerate(items):
            if n <= c and best[c - n] + code.count > best[c]:
                best[c], choice[c] = best[c - n] + code.count, k
    parts: list[Source] = []
    c = d
    while choice[c] is not None:
        n, code = items[choice[c]]  # type: ignore[index]
        parts.append(Code(code))
        c -= n
    parts.sort(key=lambda p: -p.d)
    if c:
        k = c // n0 if n0 is not None else 0
        if k == 0:
            parts.append(Basis(c))
        else:
            sizes = [n0] * (k - 1) + [c - n0 * (k - 1)]
            parts.extend(Simplex(n) for n in sizes)
    source: Source = parts[0] if len(parts) == 1 else DirectSum(parts)
    proven = max(float(getattr(p, "coherence", 0.0)) for p in parts)
    return source, proven


# --- random greedy -------------------------------------------------------------------------------


def _random_greedy(
    d: int,
    eps: float,
    *,
    max_count: int | None,
    seed: int,
    time_budget: float,
    device: str | torch.device | None,
    progress: Progress | None,
    target: int | None = None,
) -> Tensor:
    """Gaussian directions, each kept if its |cos| with every kept one is ≤ ε − MARGIN (float32).

    Candidates come in batches: one matrix product against the kept set, then a greedy pass inside the
    batch.  Stops at ``max_count`` or when the time left would not cover the final exhaustive
    verification (n²·(d+64)/2 multiply-adds at the speed measured by :func:`_throughput`).  With a
    ``target`` it also gives up once reaching the target would take longer than the time left even if
    the acceptance rate stayed at its last measured value (the last batch's, or 1/(candidates since
    the last acceptance); it only falls as the set grows): each candidate costs at least n·d
    multiply-adds.
    """
    started = time.perf_counter()
    device = torch.device(device) if device is not None else torch.device("cpu")
    generator = torch.Generator(device=device).manual_seed(seed)
    limit = max_count if max_count is not None else 1 << 40
    threshold = eps - MARGIN
    kept = torch.empty(1024, d, device=device)
    speed = _throughput(d, device)  # multiply-adds per second
    n, batch, since = 0, 256, 0
    if threshold < 0:  # no two random directions are that close to orthogonal
        limit = 1
    while n < limit:
        elapsed = time.perf_counter() - started
        if n and elapsed + n * n * (d + 64) / (2 * speed) >= time_budget:  # keep time for the verification
            break
        C = torch.randn(batch, d, generator=generator, device=device)
        C /= torch.linalg.vector_norm(C, dim=1, keepdim=True)
        if n:
            ok = (kept[:n] @ C.T).abs_().amax(dim=0) <= threshold  # (batch,)
            C = C[ok]
        accepted = _greedy_within(C, threshold) if C.shape[0] else C
        take = min(accepted.shape[0], limit - n)
        if n + take > kept.shape[0]:
            kept = torch.cat([kept, torch.empty(max(kept.shape[0], take), d, device=device)])
        kept[n : n + take] = accepted[:take]
        n += take
        since = batch if accepted.shape[0] else since + batch  # candidates since the last acceptance
        rate_accept = accepted.shape[0] / batch if accepted.shape[0] else 1.0 / since
        if target is not None and n < target:
            left = time_budget - (time.perf_counter() - started)
            if (target - n) / rate_accept * n * d / speed > left:
                break
        batch = int(min(8192, max(256, 512 / rate_accept)))  # about 512 acceptances per product
        if progress is not None:
            progress("random", min(1.0, (time.perf_counter() - started) / time_budget))
    return kept[:n].clone()


def _greedy_within(C: Tensor, threshold: float) -> Tensor:
    """Rows of C kept in order, each only if |cos| ≤ threshold with every earlier kept row."""
    conflict = ((C @ C.T).abs() > threshold).cpu().numpy()  # (k, k), the diagonal is True and never read
    alive = np.ones(C.shape[0], dtype=bool)
    keep = []
    for i in range(C.shape[0]):
        if alive[i]:
            keep.append(i)
            alive &= ~conflict[i]
    return C[keep]


# --- optimisation --------------------------------------------------------------------------------


def _optimize(
    d: int,
    eps: float,
    *,
    count: int | None,
    seed: int,
    time_budget: float,
    device: str | torch.device | None,
    progress: Progress | None,
) -> Tensor:
    """The largest set that gradient descent brings to |cos| ≤ ε − MARGIN, searching the count if not given.

    One attempt optimises N random unit vectors (:func:`_descend`); if it does not reach ε the vector in
    most violating pairs is dropped until it does (:func:`_prune`).  With ``count`` given that is the
    only attempt.  Otherwise N is searched between d (a basis always works) and min(4d, the upper
    bound): start a quarter of the way up, then bisect, keeping the largest set found, until the
    time budget (minus the verification's share) is spent.
    """
    started = time.perf_counter()
    device = torch.device(device) if device is not None else torch.device("cpu")
    deadline = started + 0.9 * time_budget
    if count is not None:
        return _prune(_descend(d, eps, count, seed=seed, deadline=deadline, device=device, progress=progress), eps - MARGIN)
    lo, hi = d, int(max(d + 1, min(4 * d, best_upper_bound(d, eps))))
    best = torch.eye(d, device=device)
    N = d + max(1, (hi - d) // 4)
    attempt = 0
    while lo + max(1, lo // 64) < hi and time.perf_counter() < deadline:
        U = _descend(d, eps, N, seed=seed + attempt, deadline=deadline, device=device, progress=progress)
        kept = _prune(U, eps - MARGIN)
        if kept.shape[0] > best.shape[0]:
            best = kept
        if kept.shape[0] == N:
            lo = N
        else:
            hi = N
        N = (lo + hi + 1) // 2
        attempt += 1
    return best


def _descend(
    d: int, eps: float, N: int, *, seed: int, deadline: float, device: torch.device, progress: Progress | None, steps: int = 1500
) -> Tensor:
    """N unit vectors after gradient descent on a smooth maximum of their |cos|, shape (N, d).

    The loss is the p-norm (mean over pairs of (|cos_ij|/c)^p)^{1/p}·c, c the current maximum, with p
    rising from 16 to 256 (a smooth maximum that sharpens), minimised by Adam with step 0.03/√d on
    unnormalised rows; stops early once every |cos| ≤ ε − MARGIN, at the deadline, or when the
    largest |cos| has not fallen by 1e-4 for a fifth of the steps.
    """
    if device.type == "cpu" and N * N * d < 1 << 26 and torch.get_num_threads() > 1:
        # Products this small run faster on one thread, and do not stall waiting for busy cores.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return _descend(d, eps, N, seed=seed, deadline=deadline, device=device, progress=progress, steps=steps)
        finally:
            torch.set_num_threads(threads)
    generator = torch.Generator(device=device).manual_seed(seed)
    X = torch.randn(N, d, generator=generator, device=device).requires_grad_(True)
    # Adam written out: torch.optim's first use costs seconds of imports, longer than many whole runs.
    lr, beta1, beta2 = 0.03 / math.sqrt(d), 0.9, 0.999
    first, second = torch.zeros_like(X), torch.zeros_like(X)
    off = 1.0 - torch.eye(N, device=device)  # zero on the diagonal: cos(v, v) = 1 is not a pair
    target = eps - MARGIN
    record, record_step = math.inf, 0
    for step in range(steps):
        U = X / torch.linalg.vector_norm(X, dim=1, keepdim=True)
        A = ((U @ U.T) * off).abs()  # (N, N) |cos|
        top = A.detach().max()
        if float(top) <= target or time.perf_counter() > deadline or step - record_step > steps // 5:
            break  # reached ε, out of time, or no progress for a fifth of the schedule
        if float(top) < record - 1e-4:
            record, record_step = float(top), step
        p = 16.0 + 240.0 * step / steps
        loss = top * ((A / top) ** p).mean() ** (1.0 / p)
        (grad,) = torch.autograd.grad(loss, X)
        with torch.no_grad():
            first.mul_(beta1).add_(grad, alpha=1 - beta1)
            second.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            corrected = second / (1 - beta2 ** (step + 1))
            X -= lr * (first / (1 - beta1 ** (step + 1))) / (corrected.sqrt() + 1e-8)
        if progress is not None and step % 50 == 0:
            progress("optimize", step / steps)
    with torch.no_grad():
        return X / torch.linalg.vector_norm(X, dim=1, keepdim=True)


def _prune(U: Tensor, threshold: float) -> Tensor:
    """Drop vectors, most conflicts first, until every pairwise |cos| ≤ threshold."""
    bad = (U @ U.T).abs() > threshold
    bad.fill_diagonal_(False)
    alive = torch.ones(U.shape[0], dtype=torch.bool, device=U.device)
    degree = bad.sum(dim=1)
    while int(degree.max()) > 0:
        worst = int(torch.argmax(degree))
        alive[worst] = False
        degree -= bad[:, worst].long()
        degree[worst] = 0
        bad[worst, :] = False
        bad[:, worst] = False
    return U[alive].contiguous()


# --- best ----------------------------------------------------------------------------------------


def _best(
    d: int,
    eps: float,
    *,
    max_count: int | None,
    seed: int,
    time_budget: float,
    device: str | torch.device | None,
    done: Callable[..., Packing],
    progress: Progress | None,
) -> Packing:
    """The largest of the algebraic direct sum, random greedy and (small d, small ε) optimisation.

    Random greedy is skipped when the algebraic set already has more vectors than greedy could even
    check in the time budget: after n acceptances it has computed ≥ n²·d/2 inner products, so with the
    measured speed F (multiply-adds per second) it cannot pass √(2·F·T/d) vectors in T seconds; it
    also stops as soon as it cannot catch up with the algebraic count (see :func:`_random_greedy`).
    Optimisation runs only where no code block applies (the algebraic set has fewer than 2d vectors)
    and d ≤ 256, with the time random greedy left (at least a quarter of the budget; in that regime
    greedy gives up early).  So "best" takes at most about 1.25 × ``time_budget``.
    """
    algebraic, proven = _direct_sum(d, eps)
    target = algebraic.count if max_count is None else min(max_count, algebraic.count)
    candidates: list[tuple[int, str, Source, float | None]] = [(target, getattr(algebraic, "name", "direct-sum"), algebraic, proven)]
    if max_count is not None and target >= max_count:
        return done(candidates[0][1], algebraic, proven, _proof(algebraic))
    use_optimize = algebraic.count < 2 * d and d <= 256 and eps > 0
    started = time.perf_counter()
    ceiling = math.sqrt(2.0 * _throughput(d, device) * time_budget / d)
    if algebraic.count < ceiling:
        V = _random_greedy(
            d, eps, max_count=max_count, seed=seed, time_budget=time_budget, device=device, progress=progress, target=target + 1
        )
        candidates.append((V.shape[0], "random", Dense(V), None))
    if use_optimize:
        left = max(time_budget - (time.perf_counter() - started), time_budget / 4)
        V = _optimize(d, eps, count=max_count, seed=seed, time_budget=left, device=device, progress=progress)
        candidates.append((V.shape[0], "optimize", Dense(V), None))
    count, name, source, proven = max(candidates, key=lambda c: c[0])
    return done(name, source, proven, _proof(source) if proven is not None else "")


def _throughput(d: int, device: str | torch.device | None) -> float:
    """Multiply-adds per second of a (1024, d) × (d, 1024) product here: a speed measurement, not a constant."""
    device = torch.device(device) if device is not None else torch.device("cpu")
    A = torch.randn(1024, d, device=device)
    A @ A.T  # warm-up
    tick = time.perf_counter()
    (A @ A.T).abs_().amax()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return 1024 * 1024 * d / max(time.perf_counter() - tick, 1e-9)
