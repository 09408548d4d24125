"""Exact linear algebra over the rationals, for small matrices (the lessons' examples).

A float SVD of ``[[1, 2], [2, 4]]`` returns a second singular value of about 1e-16 and leaves the rank to
a tolerance.  Over ``fractions.Fraction`` there is no such question: the rank is the number of pivots of
the reduced row echelon form, and the kernel has an integer basis.  These functions take matrices as
lists of rows of ``Fraction`` (``m`` rows of ``n`` entries, the ``(out, in)`` convention) and are meant
for sizes up to about 16×16, where they take milliseconds.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

import torch
from torch import Tensor

__all__ = [
    "rref", "rank", "integer_rank", "kernel_basis", "image_basis", "orthogonal_basis", "matmul", "to_orthonormal",
]

Matrix = list[list[Fraction]]
Vector = list[Fraction]


def rref(rows: Matrix) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form and the pivot columns.

    Examples
    --------
    >>> R, pivots = rref([[Fraction(1), Fraction(2)], [Fraction(2), Fraction(4)]])
    >>> [[str(x) for x in r] for r in R], pivots
    ([['1', '2'], ['0', '0']], [0])
    """
    R = [list(r) for r in rows]
    m = len(R)
    n = len(R[0]) if m else 0
    pivots: list[int] = []
    row = 0
    for col in range(n):
        pivot = next((i for i in range(row, m) if R[i][col] != 0), None)
        if pivot is None:
            continue
        R[row], R[pivot] = R[pivot], R[row]
        p = R[row][col]
        R[row] = [x / p for x in R[row]]
        for i in range(m):
            if i != row and R[i][col] != 0:
                factor = R[i][col]
                R[i] = [a - factor * b for a, b in zip(R[i], R[row])]
        pivots.append(col)
        row += 1
        if row == m:
            break
    return R, pivots


def rank(rows: Matrix) -> int:
    """The exact rank: the number of pivots."""
    return len(rref(rows)[1])


def integer_rank(rows: list[list[int]]) -> int:
    """The exact rank of an integer matrix by fraction-free elimination, without any Fraction.

    Each step replaces a row by ``a·row − b·pivot_row`` (invertible since ``a != 0``) divided by its
    gcd, so entries stay small integers.  The caller's rows are not modified.

    >>> integer_rank([[1, 2, 3], [2, 4, 6], [1, 0, 1]])
    2
    """
    rows = [r for r in rows if any(r)]
    rank = 0
    n = len(rows[0]) if rows else 0
    for col in range(n):
        if rank == len(rows):
            break
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        top = rows[rank]
        a = top[col]
        for i in range(rank + 1, len(rows)):
            b = rows[i][col]
            if b:
                r = [a * x - b * y for x, y in zip(rows[i], top)]
                g = gcd(*r)
                rows[i] = [x // g for x in r] if g > 1 else r
        rank += 1
    return rank


def kernel_basis(rows: Matrix) -> list[Vector]:
    """A basis of ``{v : A v = 0}`` of primitive integer vectors (one per free column).

    Examples
    --------
    >>> [[int(x) for x in v] for v in kernel_basis([[Fraction(1), Fraction(2)], [Fraction(2), Fraction(4)]])]
    [[2, -1]]
    """
    R, pivots = rref(rows)
    n = len(rows[0])
    free = [j for j in range(n) if j not in pivots]
    basis = []
    for f in free:
        v = [Fraction(0)] * n
        v[f] = Fraction(1)
        for i, p in enumerate(pivots):
            v[p] = -R[i][f]
        basis.append(_primitive(v))
    return basis


def image_basis(rows: Matrix) -> list[Vector]:
    """A basis of the column space: the pivot columns of the matrix itself, made primitive integers."""
    _, pivots = rref(rows)
    return [_primitive([r[j] for r in rows]) for j in pivots]


def orthogonal_basis(vectors: list[Vector]) -> list[Vector]:
    """Gram–Schmidt in exact arithmetic: mutually orthogonal primitive integer vectors, same span.

    Linearly dependent inputs are dropped (their remainder is exactly zero).
    """
    out: list[Vector] = []
    for v in vectors:
        w = list(v)
        for u in out:
            coef = _dot(w, u) / _dot(u, u)
            w = [a - coef * b for a, b in zip(w, u)]
        if any(x != 0 for x in w):
            out.append(_primitive(w))
    return out


def matmul(a: Matrix, b: Matrix) -> Matrix:
    """The exact product ``a @ b``; shapes are trusted to chain."""
    cols = list(zip(*b))
    return [[sum((x * y for x, y in zip(row, col)), Fraction(0)) for col in cols] for row in a]


def to_orthonormal(vectors: list[Vector], dim: int, *, dtype: torch.dtype, device: torch.device) -> Tensor:
    """Mutually orthogonal rational vectors → orthonormal columns, shape ``(dim, len(vectors))``.

    Normalisation is the one inexact step (a square root), done in float64 and then cast to ``dtype``.
    """
    if not vectors:
        return torch.zeros(dim, 0, dtype=dtype, device=device)
    # Scale by the largest entry in exact arithmetic first: the integers can exceed float64's range.
    scaled = [[x / max(abs(y) for y in v) for x in v] for v in vectors]
    cols = torch.tensor([[float(x) for x in v] for v in scaled], dtype=torch.float64).T  # (dim, k)
    cols = cols / torch.linalg.vector_norm(cols, dim=0, keepdim=True)
    return cols.to(dtype=dtype, device=device)


def _dot(a: Vector, b: Vector) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def _primitive(v: Vector) -> Vector:
    """Scale a rational vector to integers with gcd 1 and its first non-zero entry positive."""
    denominators = lcm(*(x.denominator for x in v))
    ints = [int(x * denominators) for x in v]
    g = 0
    for x in ints:
        g = gcd(g, x)
    if g == 0:
        return [Fraction(0)] * len(v)
    sign = -1 if next(x for x in ints if x != 0) < 0 else 1
    return [Fraction(sign * x // g) for x in ints]
