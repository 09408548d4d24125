"""Arithmetic in the finite field GF(2^m), vectorised over numpy integer arrays with log/antilog tables.

An element is an integer 0 ≤ x < 2^m whose bits are its coordinates in the polynomial basis
1, α, α², …, α^{m−1}, α a root of the primitive polynomial of :data:`PRIMITIVE_POLYNOMIALS`.  Addition
is XOR, so GF(2^m) *is* GF(2)^m as a vector space: the dot product b·x = parity(b & x) of two
elements is a GF(2)-bilinear form, which is what the sign-vector codes of
:mod:`~linlab.algebra.packing.codes` need.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._common import PackingError

__all__ = ["GF2m", "PRIMITIVE_POLYNOMIALS", "parity"]

#: A primitive polynomial of degree m over GF(2) for each m, as the integer of its coefficient bits
#: (e.g. 0b1011 = x³ + x + 1).  From the standard tables (Lidl & Niederreiter, Table C; Peterson &
#: Weldon, App. C); :class:`GF2m` re-checks primitivity: α must have order exactly 2^m − 1.
PRIMITIVE_POLYNOMIALS: dict[int, int] = {
    1: 0b11,  # x + 1
    2: 0b111,  # x² + x + 1
    3: 0b1011,  # x³ + x + 1
    4: 0b10011,  # x⁴ + x + 1
    5: 0b100101,  # x⁵ + x² + 1
    6: 0b1000011,  # x⁶ + x + 1
    7: 0b10000011,  # x⁷ + x + 1
    8: 0b100011101,  # x⁸ + x⁴ + x³ + x² + 1
    9: 0b1000010001,  # x⁹ + x⁴ + 1
    10: 0b10000001001,  # x¹⁰ + x³ + 1
    11: 0b100000000101,  # x¹¹ + x² + 1
    12: 0b1000001010011,  # x¹² + x⁶ + x⁴ + x + 1
    13: 0b10000000011011,  # x¹³ + x⁴ + x³ + x + 1
    14: 0b100010001000011,  # x¹⁴ + x¹⁰ + x⁶ + x + 1
    15: 0b1000000000000011,  # x¹⁵ + x + 1
    16: 0b10001000000001011,  # x¹⁶ + x¹² + x³ + x + 1
}

_POPCOUNT_PARITY = np.array([bin(i).count("1") & 1 for i in range(1 << 16)], dtype=np.uint8)


def parity(x: np.ndarray) -> np.ndarray:
    """The parity of the number of set bits of each entry (entries < 2^32), as uint8 0/1."""
    x = np.asarray(x, dtype=np.int64)
    return _POPCOUNT_PARITY[x & 0xFFFF] ^ _POPCOUNT_PARITY[(x >> 16) & 0xFFFF]


class GF2m:
    """The field GF(2^m) for 1 ≤ m ≤ 16, with elementwise operations on integer arrays.

    Parameters
    ----------
    m : int
        The degree of the extension; the field has q = 2^m elements.

    Attributes
    ----------
    m, q, order : int
        Degree, number of elements, and q − 1 (the order of the multiplicative group).
    exp : ndarray of shape (2·(q−1),)
        ``exp[i] = α^i`` (doubled so that ``exp[log a + log b]`` needs no reduction).
    log : ndarray of shape (q,)
        ``log[a]`` with α^{log a} = a for a ≠ 0; ``log[0] = −1`` (unused).

    Examples
    --------
    >>> F = GF2m(3)                       # GF(8) = GF(2)[x]/(x³ + x + 1)
    >>> F.mul(np.array([2, 3]), np.array([4, 7])).tolist()   # α·α² = α³ = α + 1;  (α+1)(α²+α+1) = α³+1 = α
    [3, 2]
    >>> int(F.inv(2)), F.trace(np.arange(8)).tolist()
    (5, [0, 1, 0, 1, 0, 1, 0, 1])
    """

    def __init__(self, m: int) -> None:
        if isinstance(m, bool) or not isinstance(m, int) or m not in PRIMITIVE_POLYNOMIALS:
            raise PackingError(f"m must be an integer in 1..{max(PRIMITIVE_POLYNOMIALS)} for GF(2^m), got {m!r}")
        self.m = m
        self.q = 1 << m
        self.order = self.q - 1
        self.poly = PRIMITIVE_POLYNOMIALS[m]
        self.exp, self.log = _tables(m)
        self._trace_table: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"GF2m({self.m})"

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a + b (= a − b): bitwise XOR."""
        return np.bitwise_xor(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))

    def mul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a·b, elementwise with broadcasting."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        product = self.exp[self.log[a] + self.log[b]]
        return np.where((a == 0) | (b == 0), 0, product)

    def pow(self, a: np.ndarray, k: int) -> np.ndarray:
        """a^k for an integer k ≥ 0 (0^0 = 1)."""
        if k < 0:
            return self.pow(self.inv(a), -k)
        a = np.asarray(a, dtype=np.int64)
        power = self.exp[(self.log[a] * (k % self.order)) % self.order]
        return np.where(a == 0, 1 if k == 0 else 0, power)

    def inv(self, a: np.ndarray) -> np.ndarray:
        """1/a; raises PackingError if some entry is 0."""
        a = np.asarray(a, dtype=np.int64)
        if np.any(a == 0):
            raise PackingError("0 has no inverse in GF(2^m)")
        return self.exp[(-self.log[a]) % self.order]

    def trace(self, a: np.ndarray) -> np.ndarray:
        """The absolute trace Tr(a) = a + a² + a⁴ + … + a^{2^{m−1}} ∈ {0, 1}, a GF(2)-linear map."""
        if self._trace_table is None:
            x = np.arange(self.q, dtype=np.int64)
            total = np.zeros_like(x)
            power = x
            for _ in range(self.m):
                total ^= power
                power = self.mul(power, power)
            self._trace_table = total.astype(np.uint8)
        return self._trace_table[np.asarray(a, dtype=np.int64)]


@lru_cache(maxsize=None)
def _tables(m: int) -> tuple[np.ndarray, np.ndarray]:
    q, poly = 1 << m, PRIMITIVE_POLYNOMIALS[m]
    exp = np.empty(2 * (q - 1), dtype=np.int64)
    log = np.full(q, -1, dtype=np.int64)
    x = 1
    for i in range(q - 1):
        if log[x] != -1:  # α has order i < q − 1: the polynomial is not primitive
            raise AssertionError(f"the table's polynomial {poly:#b} for m={m} is not primitive")
        exp[i], log[x] = x, i
        x <<= 1
        if x & q:
            x ^= poly
    if x != 1:
        raise AssertionError(f"the table's polynomial {poly:#b} for m={m} is not primitive")
    exp[q - 1 :] = exp[: q - 1]
    exp.setflags(write=False)
    log.setflags(write=False)
    return exp, log
