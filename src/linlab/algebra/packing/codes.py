"""Sign vectors from binary codes: Kerdock, Gold and Delsarte–Goethals sets in R^d, d = 2^m.

Index the coordinates of R^d by x ∈ GF(2)^m (the bits of 0 ≤ x < d).  A function f: GF(2)^m → GF(2)
gives the unit vector v_f(x) = (−1)^{f(x)}/√d, and

    ⟨v_f, v_g⟩ = 2^{−m} Σ_x (−1)^{f(x) + g(x)},

the normalised Walsh coefficient of f + g at 0.  Take f = Q + b·x with Q a quadratic form and b ∈
GF(2)^m.  For one Q the d vectors (b = 0 … d−1) are the rows of H·diag((−1)^Q)/√d, H the Sylvester–
Hadamard matrix H[b, x] = (−1)^{b·x}: an orthonormal basis.  Vectors from two forms Q₁, Q₂ have inner
product = a Walsh coefficient of Q₁ + Q₂, and a quadratic form whose alternating bilinear form
B(x, y) = Q(x+y) + Q(x) + Q(y) + Q(0) has rank r has every |Walsh coefficient| ∈ {0, 2^{−r/2}}
(MacWilliams & Sloane, *The Theory of Error-Correcting Codes*, ch. 15 §2).  So a set of forms whose
pairwise differences all have rank ≥ r gives |cos| ≤ 2^{−r/2} between vectors of different bases,
0 inside a basis, and 2^{−m/2} with the standard basis, which this module appends.

The families, each with its proof of the rank bound in its constructor's docstring:

=============================  ======  ==================  ========================  =================
constructor                    m       forms               coherence                 vectors
=============================  ======  ==================  ========================  =================
:func:`kerdock_code`           even    2^{m−1}             1/√d                      d(d+2)/2
:func:`delsarte_goethals_code` even    2^{(m−1)(r+1)}      2^r/√d                    2^{(m−1)(r+1)}·d + d
:func:`gold_code`              odd     2^m                 √(2/d)                    d² + d
:func:`dual_bch_code`          any     2^{mt}              2^{−(m−2t)/2}, m even;    d^{t+1} + d
                                                           2^{−(m−2t+1)/2}, m odd
=============================  ======  ==================  ========================  =================

The sets are huge (10¹³ vectors at d = 1024), so a :class:`SignCode` stores only the rule: vector
number i is computed when asked for, in batches (:meth:`SignCode.rows`, :meth:`SignCode.take`).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch
from torch import Tensor

from ._common import PackingError
from .gf2m import GF2m, parity

__all__ = ["SignCode", "kerdock_code", "delsarte_goethals_code", "gold_code", "dual_bch_code", "alternating_rank"]

#: Largest m (d = 2^m) for which codes are built; the field tables are small, the vectors are not.
MAX_M = 14


class SignCode:
    """The unit vectors (−1)^{Q_q(x) + b·x}/√d for each form Q_q of a family and each b, then the standard basis.

    Vector number i is (form q, b) = divmod(i, d) for i < n_forms·d, and e_{i − n_forms·d} after.

    Attributes
    ----------
    name : str
        The family, e.g. ``"kerdock"``.
    m, d : int
        d = 2^m, the dimension.
    n_forms : int
        How many quadratic forms (each gives an orthonormal basis of d vectors).
    count : int
        n_forms·d + d, the number of vectors.
    min_rank : int
        Proven lower bound on the rank of the bilinear form of Q_p + Q_q, p ≠ q.
    coherence : float
        The proven coherence 2^{−min_rank/2} (≥ 2^{−m/2}, the |cos| with the standard basis).
    proof : str
        The argument for ``min_rank``, in words.
    """

    def __init__(self, *, name: str, m: int, digit_bits: int, n_digits: int, min_rank: int, proof: str) -> None:
        self.name, self.m, self.d = name, m, 1 << m
        self._bits, self._k = digit_bits, n_digits
        self.n_forms = 1 << (digit_bits * n_digits)
        self.count = self.n_forms * self.d + self.d
        self.min_rank = min_rank
        self.coherence = 2.0 ** (-min_rank / 2)
        self.proof = proof
        self._x = np.arange(self.d, dtype=np.int64)

    def __repr__(self) -> str:
        return f"SignCode({self.name!r}, d={self.d}, count={self.count}, coherence={self.coherence:g})"

    # --- the forms ---------------------------------------------------------------------------------
    def _digits(self, q: list[int]) -> np.ndarray:
        """Form numbers → their coefficient digits, shape (len(q), n_digits)."""
        mask = (1 << self._bits) - 1
        return np.array([[(v >> (self._bits * j)) & mask for j in range(self._k)] for v in q], dtype=np.int64).reshape(
            len(q), self._k
        )

    def _truth_tables(self, digits: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def forms(self, q: list[int] | range) -> np.ndarray:
        """Truth tables Q_q(x) ∈ {0, 1} of the forms numbered ``q``, shape (len(q), d), uint8."""
        q = [int(v) for v in q]
        if any(not 0 <= v < self.n_forms for v in q):
            raise PackingError(f"form numbers must lie in [0, {self.n_forms}), got {q[:5]}…")
        return self._truth_tables(self._digits(q)).astype(np.uint8)

    # --- the vectors -------------------------------------------------------------------------------
    def rows(self, start: int, stop: int) -> Tensor:
        """Vectors number start … stop−1 as a float32 tensor of shape (stop − start, d)."""
        parts = []
        i, d, edge = start, self.d, self.n_forms * self.d
        while i < stop:
            if i >= edge:  # the standard basis
                j = i - edge
                parts.append(torch.eye(d, dtype=torch.float32)[j : j + (stop - i)])
                break
            q, b0 = divmod(i, d)
            b1 = min(d, b0 + (stop - i))
            signs = self.forms([q])[0]
            H = _hadamard(self.m)[b0:b1] if self.m <= 12 else _hadamard_rows(self.m, b0, b1)
            parts.append(H * torch.from_numpy(1.0 - 2.0 * signs.astype(np.float32))[None, :] * d**-0.5)
            i += b1 - b0
        return torch.cat(parts) if parts else torch.zeros(0, self.d)

    def take(self, indices: list[int]) -> Tensor:
        """The vectors with the given numbers, shape (len(indices), d), float32."""
        d, edge = self.d, self.n_forms * self.d
        indices = [int(i) for i in indices]
        bad = [i for i in indices if not 0 <= i < self.count]
        if bad:
            raise PackingError(f"vector number {bad[0]} is outside [0, {self.count})")
        out = torch.zeros(len(indices), d)
        coded = [(k, *divmod(i, d)) for k, i in enumerate(indices) if i < edge]
        for k, i in enumerate(indices):
            if i >= edge:
                out[k, i - edge] = 1.0
        if coded:
            where, q, b = zip(*coded)
            unique = sorted(set(q))
            tables = self.forms(unique)[np.searchsorted(unique, q)]  # (n, d)
            bits = tables ^ parity(np.array(b, dtype=np.int64)[:, None] & self._x[None, :])
            out[list(where)] = torch.from_numpy(1.0 - 2.0 * bits.astype(np.float32)) * d**-0.5
        return out


# --- the Sylvester–Hadamard matrix --------------------------------------------------------------


@lru_cache(maxsize=4)
def _hadamard(m: int) -> Tensor:
    """H[b, x] = (−1)^{popcount(b & x)}, shape (2^m, 2^m), float32 (64 MiB at m = 12)."""
    H = torch.ones(1, 1)
    for _ in range(m):
        H = torch.cat([torch.cat([H, H], 1), torch.cat([H, -H], 1)], 0)  # Sylvester: [[H, H], [H, −H]]
    return H


def _hadamard_rows(m: int, b0: int, b1: int) -> Tensor:
    x = np.arange(1 << m, dtype=np.int64)
    bits = parity(np.arange(b0, b1, dtype=np.int64)[:, None] & x[None, :])
    return torch.from_numpy(1.0 - 2.0 * bits.astype(np.float32))


# --- the families --------------------------------------------------------------------------------


class _DelsarteGoethals(SignCode):
    """Q_{a,c}(u, e) = Tr(Σ_{i=1}^{(n−1)/2} (a u)^{2^i+1}) + e·Tr(a u) + Tr(Σ_{j=1}^{r} c_j u^{2^j+1}) on GF(2^n) × GF(2)."""

    def __init__(self, m: int, r: int, *, name: str, proof: str) -> None:
        n = m - 1
        super().__init__(name=name, m=m, digit_bits=n, n_digits=r + 1, min_rank=m - 2 * r, proof=proof)
        self._F = F = GF2m(n)
        x = self._x
        self._u, self._e = x >> 1, (x & 1).astype(np.uint8)  # x = (u, e): a GF(2)-linear split of the bits
        z = np.arange(F.q, dtype=np.int64)
        kerdock = np.zeros(F.q, dtype=np.int64)
        for i in range(1, (n - 1) // 2 + 1):
            kerdock ^= F.pow(z, 2**i + 1)
        self._kerdock_table = F.trace(kerdock)  # z ↦ Tr(Σ_i z^{2^i+1})
        self._powers = [F.pow(self._u, 2**j + 1) for j in range(1, r + 1)]  # u ↦ u^{2^j+1}

    def _truth_tables(self, digits: np.ndarray) -> np.ndarray:
        F = self._F
        au = F.mul(digits[:, :1], self._u[None, :])  # (B, d)
        table = self._kerdock_table[au] ^ (self._e[None, :] & F.trace(au))
        for j, power in enumerate(self._powers, start=1):
            table ^= F.trace(F.mul(digits[:, j : j + 1], power[None, :]))
        return table


class _DualBCH(SignCode):
    """Q_a(x) = Tr(Σ_{j=1}^{t} a_j x^{2^j+1}) on GF(2^m)."""

    def __init__(self, m: int, t: int, *, name: str, proof: str) -> None:
        min_rank = m - 2 * t + (m % 2)
        super().__init__(name=name, m=m, digit_bits=m, n_digits=t, min_rank=min_rank, proof=proof)
        self._F = F = GF2m(m)
        self._powers = [F.pow(self._x, 2**j + 1) for j in range(1, t + 1)]

    def _truth_tables(self, digits: np.ndarray) -> np.ndarray:
        F = self._F
        table = np.zeros((digits.shape[0], self.d), dtype=np.uint8)
        for j, power in enumerate(self._powers):
            table ^= F.trace(F.mul(digits[:, j : j + 1], power[None, :]))
        return table


def _check_m(d: int, *, parity_: str | None, family: str) -> int:
    if isinstance(d, bool) or not isinstance(d, int) or d < 2 or d & (d - 1):
        raise PackingError(f"the {family} family needs d = 2^m, got d={d!r}")
    m = d.bit_length() - 1
    if m > MAX_M:
        raise PackingError(f"the {family} family is built for d ≤ 2^{MAX_M} = {1 << MAX_M}, got d={d}")
    if parity_ == "even" and m % 2:
        raise PackingError(f"the {family} family needs d = 4^k (m = log2 d even), got d={d} (m={m})")
    if parity_ == "odd" and not m % 2:
        raise PackingError(f"the {family} family needs d = 2^m with m odd, got d={d} (m={m})")
    return m


_SIGN_VECTORS = "Vectors from one form are an orthonormal (Hadamard) basis; vectors from forms Q, Q' have |cos| = |Walsh coefficient of Q + Q'| ∈ {0, 2^(−rank/2)}."


def delsarte_goethals_code(d: int, r: int) -> SignCode:
    """The Delsarte–Goethals set DG(m, r): 2^{(m−1)(r+1)} forms, pairwise rank ≥ m − 2r, for d = 2^m, m even.

    Write m = n + 1 (n odd) and x = (u, e) ∈ GF(2^n) × GF(2).  The forms are

        Q_{a,c}(u, e) = Tr(Σ_{i=1}^{(n−1)/2} (a u)^{2^i+1}) + e·Tr(a u) + Tr(Σ_{j=1}^{r} c_j u^{2^j+1}),

    a, c_1 … c_r ∈ GF(2^n), 0 ≤ r ≤ (m−2)/2; r = 0 is the Kerdock set.  Coherence 2^r/√d.  Form
    number q has a = digit 0 and c_j = digit j of q in base 2^n.

    Proof of the rank bound.  The Kerdock part has bilinear form B_a = Tr(a²uv) + Tr(au)Tr(av) +
    e·Tr(av) + f·Tr(au) (Σ_{i=1}^{(n−1)/2} of the two Frobenius-conjugate terms runs over all
    2^j, 1 ≤ j ≤ n−1, and Σ_{j=1}^{n−1} z^{2^j} = Tr(z) + z); the c-part has Tr(u·L_c(v)) with
    L_c(v) = Σ_j c_j v^{2^j} + (c_j v)^{2^{−j}}.  Let g = a + a'.  A vector (v, f) in the radical of
    the difference has Tr(gv) = 0 (the coefficient of e), hence Tr(av) = Tr(a'v) =: α, and, for all u,
    M(v) := g²v + L_{c+c'}(v) = (α + f)·g.  M(v)^{2^r} is a linearised polynomial whose 2-exponents
    0 … 2r are distinct mod n (2r < n) and not all zero, so dim ker M ≤ 2r; the radical lies in
    M^{−1}(span{g}) × (f fixed by v) when g ≠ 0, and in ker L × GF(2) when g = 0: dimension ≤ 2r + 1.
    Ranks of alternating forms are even and m is even, so rank ≥ m − 2r.  (For r = 0 and g ≠ 0 the
    radical is empty: v = (α+f)/g would need Tr(gv) = Tr(1) = 1 for n odd.)  Delsarte & Goethals,
    "Alternating bilinear forms over GF(q)", J. Combin. Theory A 19 (1975) 26–50.

    Examples
    --------
    >>> code = delsarte_goethals_code(64, 1)
    >>> code.n_forms, code.count, code.coherence      # 2^10 Hadamard bases + the standard basis, |cos| ≤ 1/4
    (1024, 65600, 0.25)
    """
    m = _check_m(d, parity_="even", family="Delsarte–Goethals")
    if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= (m - 2) // 2:
        raise PackingError(f"r must be an integer in [0, {(m - 2) // 2}] for d={d} (m={m}), got {r!r}")
    name = "kerdock" if r == 0 else "delsarte-goethals"
    proof = (
        f"{_SIGN_VECTORS} Every difference of two of the {2 ** ((m - 1) * (r + 1))} Delsarte–Goethals forms has rank ≥ "
        f"m − 2r = {m - 2 * r} (linearised-polynomial argument, see delsarte_goethals_code), so |cos| ≤ 2^{r}/√d."
    )
    return _DelsarteGoethals(m, r, name=name, proof=proof)


def kerdock_code(d: int) -> SignCode:
    """The Kerdock set for d = 4^k: d/2 Hadamard bases + the standard basis, d(d+2)/2 vectors, |cos| ≤ 1/√d.

    These are real mutually unbiased bases; the count meets Levenshtein's bound d(d+2)/2 at ε = 1/√d,
    so no larger set with this coherence exists.  It is :func:`delsarte_goethals_code` with r = 0, where
    the proof is given (every difference of two Kerdock forms is bent: rank m).  Kerdock, Inform.
    Control 20 (1972); Cameron & Seidel, Indag. Math. 35 (1973); Calderbank, Cameron, Kantor & Seidel,
    Proc. London Math. Soc. 75 (1997).

    Examples
    --------
    >>> code = kerdock_code(64)
    >>> code.count, code.coherence
    (2112, 0.125)
    """
    m = _check_m(d, parity_="even", family="Kerdock")
    return delsarte_goethals_code(1 << m, 0)


def dual_bch_code(d: int, t: int) -> SignCode:
    """Dual-BCH forms Tr(Σ_{j=1}^{t} a_j x^{2^j+1}) on GF(2^m): d^t forms, d^{t+1} + d vectors.

    For 1 ≤ t ≤ (m−1)/2; form number q has a_j = digit j−1 of q in base d.  The set is a GF(2)-vector space, so differences are again such forms, with
    coefficients c ≠ 0.  The radical of Tr(Σ c_j (x^{2^j} y + x y^{2^j})) is the kernel of
    L(y) = Σ c_j y^{2^j} + (c_j y)^{2^{−j}}; L(y)^{2^t} is a nonzero linearised polynomial of 2-degree
    ≤ 2t (exponents distinct mod m because 2t < m), so the radical has dimension ≤ 2t and the rank is
    ≥ m − 2t, rounded up to even: m − 2t + 1 when m is odd.  Coherence 2^{t}/√d (m even) or
    2^{t}/√(2d) (m odd).  t = 1, m odd is :func:`gold_code`.  (For m even
    :func:`delsarte_goethals_code` gives more forms at the same rank.)

    Examples
    --------
    >>> code = dual_bch_code(32, 2)
    >>> code.count, code.coherence        # 32³ + 32 vectors in R^32 with |cos| ≤ 1/2
    (32800, 0.5)
    """
    m = _check_m(d, parity_=None, family="dual-BCH")
    if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= (m - 1) // 2:
        raise PackingError(f"t must be an integer in [1, {(m - 1) // 2}] for d={d} (m={m}), got {t!r}")
    rank = m - 2 * t + (m % 2)
    proof = (
        f"{_SIGN_VECTORS} Every nonzero dual-BCH form Tr(Σ_(j≤{t}) c_j x^(2^j+1)) has rank ≥ {rank} (its radical is the "
        f"kernel of a linearised polynomial of 2-degree ≤ {2 * t}), so |cos| ≤ 2^(−{rank}/2)."
    )
    return _DualBCH(m, t, name="gold" if t == 1 and m % 2 else "dual-bch", proof=proof)


def gold_code(d: int) -> SignCode:
    """Gold sequences for d = 2^m, m odd: f(x) = Tr(a x³) + b·x and the standard basis, d² + d vectors, |cos| ≤ √(2/d).

    Every nonzero Tr(c x³) has rank exactly m − 1 (:func:`dual_bch_code` with t = 1), the largest rank
    of an alternating form in odd dimension.  Gold, IEEE Trans. Inf. Theory 13 (1967) 619–621.

    Examples
    --------
    >>> code = gold_code(32)
    >>> code.count, code.coherence      # 32² + 32 vectors with |cos| ≤ 1/4 = √(2/32)
    (1056, 0.25)
    """
    m = _check_m(d, parity_="odd", family="Gold")
    if m < 3:
        raise PackingError(f"the Gold family needs m ≥ 3 (d ≥ 8), got d={d}")
    return dual_bch_code(d, 1)


def alternating_rank(table: np.ndarray) -> int:
    """Rank over GF(2) of the bilinear form B(x, y) = Q(x+y) + Q(x) + Q(y) + Q(0) of a truth table Q.

    ``table`` has shape (2^m,) with entries 0/1.  Used to check the families' rank claims directly.

    Examples
    --------
    >>> alternating_rank(np.array([0, 0, 0, 1]))     # Q(x₀, x₁) = x₀x₁ is bent on GF(2)²
    2
    """
    table = np.asarray(table, dtype=np.int64) & 1
    m = int(math.log2(table.size))
    if table.ndim != 1 or 1 << m != table.size:
        raise PackingError(f"table must have shape (2^m,), got {table.shape}")
    e = [1 << i for i in range(m)]
    rows = [sum(int(table[e[i] ^ e[j]] ^ table[e[i]] ^ table[e[j]] ^ table[0]) << j for j in range(m)) for i in range(m)]
    rank = 0
    for bit in range(m):
        pivot = next((k for k in range(rank, m) if rows[k] >> bit & 1), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        rows = [row ^ rows[rank] if k != rank and row >> bit & 1 else row for k, row in enumerate(rows)]
        rank += 1
    return rank
