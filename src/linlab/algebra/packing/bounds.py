"""How many unit vectors with pairwise |cos| ≤ ε can there be in R^d: existence and upper bounds.

A set of N unit vectors v_1, …, v_N in R^d with |⟨v_i, v_j⟩| ≤ ε for i ≠ j is the same as N lines
through the origin at angles ≥ arccos ε; call the largest possible N ``N(d, ε)``.  This module gives
numbers on both sides of ``N(d, ε)``:

========================  ==========================================  ================================
function                  statement                                   informative where
========================  ==========================================  ================================
:func:`lower_bound`       N(d, ε) ≳ exp(d·ε²/2)  (existence)          d·ε² ≫ 1 (large d or ε)
:func:`welch_bound`       N ≤ d(1−ε²)/(1−dε²)                          ε² < 1/d (tiny ε)
:func:`levenshtein_bound` N ≤ Levenshtein's L_τ(d, ε)                 every ε < 1; optimal near 1/√d
:func:`gerzon_bound`      N ≤ d(d+1)/2 for *equiangular* lines only   not a bound on N(d, ε) itself
========================  ==========================================  ================================

Upper bounds are returned as floats (``math.inf`` where they say nothing); a set of N vectors obeys
N ≤ ⌊bound⌋.
"""

from __future__ import annotations

import math

import numpy as np

from ._common import check_dim, check_eps

__all__ = [
    "lower_bound",
    "log10_lower_bound",
    "welch_bound",
    "levenshtein_bound",
    "gerzon_bound",
    "best_upper_bound",
]

#: Largest Levenshtein degree τ tried; beyond it :func:`levenshtein_bound` returns ``inf``.
_MAX_DEGREE = 4000


def log10_lower_bound(d: int, eps: float) -> float:
    """log10 of :func:`lower_bound`: ``d·ε²/(2 ln 10)``, finite where the bound itself overflows.

    Examples
    --------
    >>> round(log10_lower_bound(12288, 0.1), 1)    # GPT-3's width: about 5·10²⁶ directions at ε = 0.1
    26.7
    """
    d, eps = check_dim(d), check_eps(eps)
    return d * eps * eps / (2.0 * math.log(10.0))


def lower_bound(d: int, eps: float) -> float:
    """The probabilistic existence bound: about ``exp(d·ε²/2)`` unit vectors fit in R^d with |cos| ≤ ε.

    Take unit vectors one at a time, each anywhere outside the "double caps" {x : |⟨x, v_i⟩| > ε} of
    those already chosen; the process stops only when the caps cover the sphere S^{d−1}.  Each double
    cap has normalised measure ≤ 2·exp(−d·ε²/2) (the concentration of measure on the sphere), so a
    maximal set has at least ½·exp(d·ε²/2) vectors.  Following Kainen & Kůrková ("Quasiorthogonal
    dimension of Euclidean spaces", Appl. Math. Lett. 6 (1993)) this function returns the rate
    ``exp(d·ε²/2)`` itself.  It is informative when d·ε² is large; for small ε it is ≈ 1 while an
    orthonormal basis already gives d.  ``inf`` when the float overflows: use :func:`log10_lower_bound`.

    Parameters
    ----------
    d : int
        The dimension, ≥ 1.
    eps : float
        The largest allowed |cos|, in [0, 1].

    Examples
    --------
    >>> round(lower_bound(1600, 0.1))     # GPT-2 XL's width
    2981
    >>> f"{lower_bound(1600, 0.2):.1e}"
    '7.9e+13'
    """
    exponent = log10_lower_bound(d, eps) * math.log(10.0)
    return math.exp(exponent) if exponent < 709.0 else math.inf


def welch_bound(d: int, eps: float) -> float:
    """The Welch / relative bound ``N ≤ d(1−ε²)/(1−dε²)``, valid when ``d·ε² < 1`` (``inf`` otherwise).

    Proof: the Gram matrix G of N unit vectors has trace N and rank ≤ d, so ‖G‖_F² ≥ N²/d, while
    ‖G‖_F² = N + Σ_{i≠j} cos² ≤ N + N(N−1)ε².  Hence N(1/d − ε²) ≤ 1 − ε².  Welch, IEEE Trans. Inf.
    Theory 20 (1974) 397–399 (the case k = 1); as a bound on lines it is the first "relative bound" of
    Delsarte, Goethals & Seidel, Philips Res. Rep. 30 (1975) and Levenshtein's L_1.  It equals d at
    ε = 0 (an orthonormal basis is optimal there) and is only informative for ε < 1/√d.

    Examples
    --------
    >>> welch_bound(64, 0.0)
    64.0
    >>> round(welch_bound(64, 0.1), 1), welch_bound(64, 0.125)
    (176.0, inf)
    """
    d, eps = check_dim(d), check_eps(eps)
    a = eps * eps
    if d * a >= 1.0:
        return math.inf
    return d * (1.0 - a) / (1.0 - d * a)


def gerzon_bound(d: int) -> int:
    """Gerzon's absolute bound ``d(d+1)/2`` on **equiangular** lines in R^d (all |cos| equal).

    The projections v_i v_iᵀ of N equiangular lines are linearly independent symmetric d×d matrices,
    so N ≤ dim Sym(d) = d(d+1)/2 (Lemmens & Seidel, Indag. Math. 35 (1973), crediting Gerzon).  It
    bounds sets whose |cos| take a *single* value, not sets with |cos| ≤ ε: the Kerdock sets of
    :mod:`~linlab.algebra.packing.codes` have d(d+2)/2 > d(d+1)/2 vectors with |cos| ∈ {0, 1/√d}.  For
    |cos| ≤ ε with ε² ≤ 1/(d+2) the number d(d+1)/2 is nevertheless an upper bound, as a special case
    of :func:`levenshtein_bound`.  Attained for d = 2, 3, 7, 23.

    Examples
    --------
    >>> gerzon_bound(3), gerzon_bound(23)    # the icosahedron's 6 diagonals; 276 lines from the Leech lattice
    (6, 276)
    """
    d = check_dim(d)
    return d * (d + 1) // 2


def levenshtein_bound(d: int, eps: float) -> float:
    """Levenshtein's bound on N unit vectors in R^d with pairwise |cos| ≤ ε (the real, "projective" case).

    In the variable t = 2cos² − 1 a set of lines is a code in real projective space with all t in
    [−1, s], s = 2ε² − 1.  Delsarte's linear programme gives N ≤ f(1)/f_0 for every polynomial f ≤ 0
    on [−1, s] whose expansion in the Jacobi polynomials P_k^{(α, β)}, α = (d−3)/2, β = −1/2 (the
    zonal functions of the projective space) has nonnegative coefficients and f_0 > 0.  Levenshtein's
    polynomials of degree τ = 2k−1 and 2k,

        f(t) = (t − s)·K^{1,0}_{k−1}(t, s)²   and   f(t) = (t + 1)(t − s)·K^{1,1}_{k−1}(t, s)²,

    (K^{a,b} the Christoffel–Darboux kernel of the Jacobi weight (1−t)^{α+a}(1+t)^{β+b}) are feasible
    and optimal for s between consecutive largest zeros t^{1,1}_{k−1} ≤ s ≤ t^{1,0}_k ≤ s ≤ t^{1,1}_k;
    this function finds τ from those zeros and evaluates f(1)/f_0 with Gauss–Jacobi quadrature.
    Sources: V. I. Levenshtein, "Bounds on the maximal cardinality of a code with bounded modulus of the
    inner product", Soviet Math. Dokl. 25 (1982) 526–531, and "Universal bounds for codes and designs",
    Handbook of Coding Theory (1998) §5–6.  The first two degrees have closed forms (a = ε²):

    * τ = 1, ε² ≤ 1/(d+2):           N ≤ d(1 − a)/(1 − d·a)                 (:func:`welch_bound`);
    * τ = 2, 1/(d+2) ≤ ε² ≤ 3/(d+4): N ≤ d(d+2)(1 − a)/(3 − (d+2)·a),

    so at ε = 1/√d the bound is d(d+2)/2, met by the Kerdock sets when d = 4^k.  Other sets meeting it:
    6 lines in R³ at ε = 1/√5, 28 in R⁷ at 1/3, 120 in R⁸ at 1/2 (E8), 276 in R²³ at 1/5.

    Returns ``inf`` where the degree needed exceeds an internal cap (4000) or the value overflows a
    float, and 1.0 for d = 1.  Accurate to about 1e-9 relative.

    Examples
    --------
    >>> round(levenshtein_bound(64, 0.125))          # = 64·66/2, met by the Kerdock set
    2112
    >>> round(levenshtein_bound(24, 0.5))            # the Leech lattice's 196560/2 minimal lines
    98280
    """
    d, eps = check_dim(d), check_eps(eps)
    if eps >= 1.0:
        return math.inf
    if d == 1:
        return 1.0
    if d * eps * eps / 2 > 709.0:  # above N(d, ε) ≥ ½·exp(dε²/2) > the largest float
        return math.inf
    return _levenshtein(d, eps * eps)


def best_upper_bound(d: int, eps: float) -> float:
    """The smallest of the upper bounds here: ``min(welch_bound, levenshtein_bound)``.

    Examples
    --------
    >>> best_upper_bound(16, 0.0), round(best_upper_bound(256, 0.0625))
    (16.0, 33024)
    """
    d, eps = check_dim(d), check_eps(eps)
    return min(welch_bound(d, eps), levenshtein_bound(d, eps))


# --- Levenshtein's bound: Jacobi polynomials, their zeros, Gauss quadrature ------------------------


def _recurrence(A: float, B: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Recurrence coefficients of the polynomials orthonormal for (1−t)^A (1+t)^B on [−1, 1].

    t·p_k = b_{k+1} p_{k+1} + a_k p_k + b_k p_{k−1}; returns a[0:n] and b[0:n] (b[0] unused, 0).
    """
    k = np.arange(n, dtype=np.float64)
    s = 2 * k + A + B
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (B * B - A * A) / (s * (s + 2))
        b2 = 4 * k * (k + A) * (k + B) * (k + A + B) / (s * s * (s + 1) * (s - 1))
    a[0] = (B - A) / (A + B + 2)
    b2[0] = 0.0
    if n > 1:  # the general formula is 0/0 at k = 1 when A + B = −1
        b2[1] = 4 * (1 + A) * (1 + B) / ((2 + A + B) ** 2 * (3 + A + B))
    return a, np.sqrt(b2)


def _first_positive_pivot(a: np.ndarray, b: np.ndarray, s: float) -> int | None:
    """The smallest k such that the degree-k orthogonal polynomial has a zero above s, or None.

    The zeros of p_k are the eigenvalues of the leading k×k Jacobi matrix J_k; by Sylvester's law of
    inertia J_k − s·I has as many eigenvalues > s as its LDLᵀ pivots q_0 … q_{k−1} are positive.
    """
    q_prev = None
    for i in range(len(a)):
        q = a[i] - s if q_prev is None else (a[i] - s) - b[i] * b[i] / q_prev
        if q == 0.0:
            q = -1e-300
        if q > 0:
            return i + 1
        q_prev = q
    return None


def _scaled_values(A: float, B: float, k: int, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """r_i(t) = p_i(t)/p_i(1) for i < k, and log p_i(1)², for the orthonormal family (A, B).

    Dividing by p_i(1) keeps every value in [−1, 1] (|P_i^{(A,B)}| ≤ P_i(1) when A ≥ B, A ≥ −½),
    where p_i(1) itself overflows a float for large i and large A.
    """
    a, b = _recurrence(A, B, k + 1)
    r = np.empty((k, t.size))
    log_p1 = np.zeros(k)
    r[0] = 1.0
    rho_prev = 1.0  # p_i(1)/p_{i−1}(1) from the previous step
    for i in range(k - 1):
        back = b[i] * r[i - 1] / rho_prev if i > 0 else 0.0
        rho = ((1.0 - a[i]) - (b[i] / rho_prev if i > 0 else 0.0)) / b[i + 1]
        r[i + 1] = ((t - a[i]) * r[i] - back) / (b[i + 1] * rho)
        log_p1[i + 1] = log_p1[i] + 2.0 * math.log(rho)
        rho_prev = rho
    return r, log_p1


def _gauss_nodes(A: float, B: float, n: int) -> np.ndarray:
    """The n Gauss–Jacobi nodes: eigenvalues of the n×n Jacobi matrix (Golub & Welsch).

    All n found at once by bisection on Sturm counts (the number of negative LDLᵀ pivots of J − λI is
    the number of eigenvalues below λ): O(n²) work in n-long numpy steps, where a dense eigvalsh is
    O(n³).  The eigenvalues lie in (−1, 1), the support of the weight.
    """
    a, b = _recurrence(A, B, n)
    b2 = b * b
    index = np.arange(n)
    lo, hi = np.full(n, -1.0), np.full(n, 1.0)  # eigenvalue j lies in [lo_j, hi_j]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        below = np.zeros(n, dtype=np.int64)
        q = a[0] - mid
        for i in range(n):
            if i:
                q = (a[i] - mid) - b2[i] / q
            q = np.where(q == 0.0, -1e-300, q)
            below += q < 0
        right = below > index  # more than j eigenvalues below mid: eigenvalue j is below mid
        hi = np.where(right, mid, hi)
        lo = np.where(right, lo, mid)
    return 0.5 * (lo + hi)


def _christoffel_weights(A: float, B: float, n: int, nodes: np.ndarray) -> np.ndarray:
    """Gauss weights 1/Σ_{i<n} p_i(t_j)² for the probability measure, in log space.

    Eigenvector components (Golub–Welsch) give weights only to absolute accuracy ~1e-16, and the
    nodes near t = 1, where the weight is tiny but f is large, need them to relative accuracy.
    """
    r, log_p1 = _scaled_values(A, B, n, nodes)
    with np.errstate(divide="ignore"):
        terms = log_p1[:, None] + 2.0 * np.log(np.abs(r))  # log p_i(t_j)², shape (n, nodes)
    top = terms.max(axis=0)
    log_sum = top + np.log(np.exp(terms - top).sum(axis=0))
    return np.exp(-log_sum)


def _levenshtein(d: int, a: float) -> float:
    s = 2.0 * a - 1.0
    alpha, beta = (d - 3) / 2.0, -0.5
    # Find k with t^{1,1}_{k−1} ≤ s < t^{1,1}_k, then τ = 2k−1 if s ≤ t^{1,0}_k else 2k.
    a11, b11 = _recurrence(alpha + 1, beta + 1, _MAX_DEGREE // 2 + 1)
    k = _first_positive_pivot(a11, b11, s)
    if k is None:
        return math.inf
    a10, b10 = _recurrence(alpha + 1, beta, k + 1)
    odd = _first_positive_pivot(a10[:k], b10[:k], s) is not None  # s below the largest zero of p_k^{1,0}
    if k == 1:  # τ = 1 and 2 have closed forms (the docstring's); use them exactly
        return d * (1 - a) / (1 - d * a) if odd else d * (d + 2) * (1 - a) / (3 - (d + 2) * a)
    A, B = (alpha + 1, beta) if odd else (alpha + 1, beta + 1)
    # Gauss quadrature for the base measure, exact for the degree ≤ 2k polynomial f.
    nodes = _gauss_nodes(alpha, beta, k + 2)
    weights = _christoffel_weights(alpha, beta, k + 2, nodes)
    points = np.concatenate([nodes, [s]])
    r, log_p1 = _scaled_values(A, B, k, points)  # degrees 0 … k−1
    w = np.exp(log_p1 - log_p1.max())
    kernel = (w * r[:, -1]) @ r[:, :-1]  # K(t_j, s) up to a positive factor
    kernel_at_1 = float(np.sum(w * r[:, -1]))  # K(1, s) up to the same factor (r_i(1) = 1)
    K = kernel / kernel_at_1
    f = (nodes - s) * K * K
    f_at_1 = 1.0 - s
    if not odd:
        f = f * (nodes + 1.0)
        f_at_1 *= 2.0
    f0 = float(weights @ f)
    if not f0 > 0:
        return math.inf
    value = f_at_1 / f0
    return value if math.isfinite(value) else math.inf
