"""Seeded random integer matrices with exact, small answers, for the exercise generators.

A generator gets a seeded ``random.Random`` and must produce the same variant for the same seed, so
every function here takes that ``rng`` first and uses nothing else that is random.  Matrices are lists
of rows of ``int`` (shape ``(m, n)``, the ``(out, in)`` convention); exact results that need not be
integers (an inverse, an rref) are ``int`` where integral and ``fractions.Fraction`` otherwise.  The
exact linear algebra is :mod:`linlab.algebra.exact`.

Examples
--------
>>> import random
>>> rng = random.Random(0)
>>> A = with_rank(rng, 3, 4, rank=2)
>>> rank(A), len(kernel_basis(A)), max(abs(x) for v in kernel_basis(A) for x in v) <= 2
(2, 2, True)
>>> U = unimodular(rng, 3)
>>> abs(det(U)), all(isinstance(x, int) for row in inverse(U) for x in row)
(1, True)

Every rejection loop here and in the lessons' generators is bounded: it draws through
:func:`attempts`, which raises :class:`GenerationError` naming the generator once
:data:`MAX_TRIES` draws have been rejected, so a generator whose conditions cannot be met fails at once
instead of hanging.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Iterator, Sequence

from linlab.algebra import exact
from linlab.errors import DTypeError, LinlabError, ShapeError

__all__ = [
    "MAX_TRIES",
    "GenerationError",
    "attempts",
    "with_rank",
    "unimodular",
    "with_eigenvalues",
    "vector",
    "rank",
    "rref",
    "kernel_basis",
    "image_basis",
    "det",
    "inverse",
    "matmul",
    "matvec",
    "transpose",
    "dot",
    "parallel",
    "free_variable_basis",
    "as_exact",
    "as_exact_rows",
]

Exact = int | Fraction
Matrix = list[list[int]]

_TRIES = 500

#: How many rejected draws a generator's rejection loop may make before :func:`attempts` gives up.
MAX_TRIES = 1000


class GenerationError(LinlabError, RuntimeError):
    """A seeded generator (or one of its helpers) found no acceptable draw within its number of tries."""


def attempts(what: str, *, limit: int = MAX_TRIES) -> Iterator[int]:
    """A bounded rejection loop: ``for _ in attempts("my-exercise"): ...`` instead of ``while True:``.

    Yields ``0, 1, …, limit - 1``; the loop leaves with ``break`` or ``return`` once a draw is
    acceptable.  Asked for one more, it raises :class:`GenerationError` naming ``what``.  It draws no
    random numbers itself, so a loop written with it draws exactly what the ``while True`` loop did.

    Parameters
    ----------
    what : str
        The generator or helper, for the error message (e.g. ``"la-01-vector-spaces: _normal"``).
    limit : int
        The number of tries, at least 1 (default :data:`MAX_TRIES`).

    Raises
    ------
    GenerationError
        When all ``limit`` tries were used (a ``RuntimeError`` and a ``LinlabError``).
    ShapeError
        If ``limit`` is not a positive int.

    Examples
    --------
    >>> rng = random.Random(0)
    >>> for _ in attempts("an odd number"):
    ...     n = rng.randint(1, 100)
    ...     if n % 2:
    ...         break
    >>> n % 2
    1
    >>> for _ in attempts("an impossible draw", limit=3):
    ...     n = rng.randint(1, 100)
    Traceback (most recent call last):
    ...
    linlab.course.randmat.GenerationError: an impossible draw: no acceptable draw in 3 tries; its conditions may be impossible to meet
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ShapeError(f"limit must be a positive int, got {limit!r}")
    yield from range(limit)
    raise GenerationError(f"{what}: no acceptable draw in {limit} tries; its conditions may be impossible to meet")


# --------------------------------------------------------------------------------------------------
# validation and conversion


def _check_rng(rng: object) -> None:
    if not isinstance(rng, random.Random):
        raise DTypeError(f"rng must be a random.Random (the generator's seeded one), got {type(rng).__name__}")


def _check_dims(**dims: int) -> None:
    for name, d in dims.items():
        if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 20:
            raise ShapeError(f"{name} must be an int from 1 to 20, got {d!r}")


def _checked(A: Sequence[Sequence[Exact]], name: str) -> list[list[Exact]]:
    """Validate a matrix of int/Fraction (list of rows of one non-zero length) and copy it."""
    if not isinstance(A, (list, tuple)) or not A:
        raise ShapeError(f"{name} must be a non-empty list of rows, got {A!r}")
    rows = []
    for i, row in enumerate(A):
        if not isinstance(row, (list, tuple)):
            raise ShapeError(f"{name} must be a list of rows; row {i} is {row!r}")
        for j, x in enumerate(row):
            if type(x) is not int and (isinstance(x, bool) or not isinstance(x, (int, Fraction))):
                raise DTypeError(f"{name}[{i}][{j}] must be an int or a Fraction, got {type(x).__name__} {x!r}")
        rows.append(list(row))
    n = len(rows[0])
    if n == 0 or any(len(r) != n for r in rows):
        raise ShapeError(f"{name} must have rows of one non-zero length, got lengths {[len(r) for r in rows]}")
    return rows


def _fractions(A: Sequence[Sequence[Exact]], name: str = "A") -> list[list[Fraction]]:
    return [[Fraction(x) for x in row] for row in _checked(A, name)]


def _out(x: Fraction) -> Exact:
    return x.numerator if x.denominator == 1 else x


def _out_rows(A: list[list[Fraction]]) -> list[list[Exact]]:
    return [[_out(x) for x in row] for row in A]


# --------------------------------------------------------------------------------------------------
# exact helpers


def rank(A: Sequence[Sequence[Exact]]) -> int:
    """The exact rank of an integer or rational matrix of shape ``(m, n)``."""
    rows = _checked(A, "A")
    if all(type(x) is int for row in rows for x in row):
        return exact.integer_rank(rows)
    return exact.rank([[Fraction(x) for x in row] for row in rows])


def rref(A: Sequence[Sequence[Exact]]) -> tuple[list[list[Exact]], list[int]]:
    """The reduced row echelon form of ``A`` (shape ``(m, n)``) and its pivot columns (0-based).

    Examples
    --------
    >>> rref([[1, 2], [2, 4]])
    ([[1, 2], [0, 0]], [0])
    """
    R, pivots = exact.rref(_fractions(A))
    return _out_rows(R), pivots


def kernel_basis(A: Sequence[Sequence[Exact]]) -> list[list[int]]:
    """A basis of ``ker A`` of primitive integer vectors (length ``n``), one per free column.

    Examples
    --------
    >>> kernel_basis([[1, 2, 3], [2, 4, 6]])
    [[2, -1, 0], [3, 0, -1]]
    """
    return [[int(x) for x in v] for v in exact.kernel_basis(_fractions(A))]


def image_basis(A: Sequence[Sequence[Exact]]) -> list[list[int]]:
    """A basis of ``im A`` (the column space, vectors of length ``m``): the pivot columns, made primitive."""
    return [[int(x) for x in v] for v in exact.image_basis(_fractions(A))]


def det(A: Sequence[Sequence[Exact]]) -> Exact:
    """The exact determinant of a square matrix.

    Raises
    ------
    ShapeError
        If ``A`` is not square.
    """
    M = _fractions(A)
    n = len(M)
    if len(M[0]) != n:
        raise ShapeError(f"det needs a square matrix, got shape ({n}, {len(M[0])})")
    d = Fraction(1)
    for col in range(n):
        pivot = next((i for i in range(col, n) if M[i][col] != 0), None)
        if pivot is None:
            return 0
        if pivot != col:
            M[col], M[pivot] = M[pivot], M[col]
            d = -d
        d *= M[col][col]
        for i in range(col + 1, n):
            f = M[i][col] / M[col][col]
            if f:
                M[i] = [a - f * b for a, b in zip(M[i], M[col])]
    return _out(d)


def inverse(A: Sequence[Sequence[Exact]]) -> list[list[Exact]]:
    """The exact inverse of a square matrix (integers where integral).

    Raises
    ------
    ShapeError
        If ``A`` is not square or not invertible.
    """
    M = _fractions(A)
    n = len(M)
    if len(M[0]) != n:
        raise ShapeError(f"inverse needs a square matrix, got shape ({n}, {len(M[0])})")
    aug = [row + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(M)]
    R, pivots = exact.rref(aug)
    if pivots[:n] != list(range(n)):
        raise ShapeError(f"A is singular (rank {exact.rank(M)} < {n}); it has no inverse")
    return _out_rows([row[n:] for row in R])


def matmul(A: Sequence[Sequence[Exact]], B: Sequence[Sequence[Exact]]) -> list[list[Exact]]:
    """The exact product ``A @ B`` of shapes ``(m, k)`` and ``(k, n)``."""
    RA, RB = _checked(A, "A"), _checked(B, "B")
    if len(RA[0]) != len(RB):
        raise ShapeError(f"A has shape ({len(RA)}, {len(RA[0])}) but B has shape ({len(RB)}, {len(RB[0])}): "
                         f"A @ B needs A's columns == B's rows ({len(RA[0])} != {len(RB)})")
    cols = list(zip(*RB))
    if all(type(x) is int for row in RA for x in row) and all(type(x) is int for row in RB for x in row):
        return [[sum(a * b for a, b in zip(row, col)) for col in cols] for row in RA]
    return [[_out(sum((Fraction(a) * b for a, b in zip(row, col)), Fraction(0))) for col in cols] for row in RA]


def matvec(A: Sequence[Sequence[Exact]], v: Sequence[Exact]) -> list[Exact]:
    """The exact product ``A v`` for ``A`` of shape ``(m, n)`` and ``v`` of length ``n``.

    Examples
    --------
    >>> matvec([[1, 2], [3, 4]], [1, -1])
    [-1, -1]
    """
    return [row[0] for row in matmul(A, [[x] for x in v])]


def transpose(A: Sequence[Sequence[Exact]]) -> list[list[Exact]]:
    """The transpose, shape ``(n, m)``."""
    return [list(col) for col in zip(*A)]


def _checked_vector(v: Sequence[Exact], name: str) -> list[Exact]:
    """Validate a vector of int/Fraction (a non-empty list or tuple) and copy it."""
    if not isinstance(v, (list, tuple)) or not v:
        raise ShapeError(f"{name} must be a non-empty list of numbers, got {v!r}")
    for i, x in enumerate(v):
        if type(x) is not int and (isinstance(x, bool) or not isinstance(x, (int, Fraction))):
            raise DTypeError(f"{name}[{i}] must be an int or a Fraction, got {type(x).__name__} {x!r}")
    return list(v)


def _checked_pair(u: Sequence[Exact], v: Sequence[Exact], names: tuple[str, str]) -> tuple[list[Exact], list[Exact]]:
    a, b = _checked_vector(u, names[0]), _checked_vector(v, names[1])
    if len(a) != len(b):
        raise ShapeError(f"{names[0]} and {names[1]} must have the same length, got {len(a)} and {len(b)}")
    return a, b


def dot(u: Sequence[Exact], v: Sequence[Exact]) -> Exact:
    """The exact dot product ``u · v`` of two vectors of length n (an ``int`` for integer vectors).

    Raises
    ------
    ShapeError
        If the lengths differ or a vector is empty.
    DTypeError
        If an entry is not an int or a Fraction.

    Examples
    --------
    >>> dot([1, 2, 3], [4, -5, 6]), dot([Fraction(1, 2), 1], [1, Fraction(1, 2)])
    (12, 1)
    """
    a, b = _checked_pair(u, v, ("u", "v"))
    if all(type(x) is int for x in a) and all(type(x) is int for x in b):
        return sum(p * q for p, q in zip(a, b))
    return _out(sum((Fraction(p) * q for p, q in zip(a, b)), Fraction(0)))


def parallel(u: Sequence[Exact], v: Sequence[Exact]) -> bool:
    """Whether ``u`` and ``v`` (length n) are linearly dependent: one a multiple of the other.

    Exact: every 2×2 minor ``u_i v_j - u_j v_i`` is zero, i.e. the matrix with rows ``u, v`` has rank at
    most 1.  A zero vector is parallel to every vector.

    Raises
    ------
    ShapeError, DTypeError
        As :func:`dot` does, for vectors of different lengths or with other entries than int/Fraction.

    Examples
    --------
    >>> parallel([1, -2, 3], [-2, 4, -6]), parallel([1, 2], [2, 1]), parallel([0, 0], [1, 5])
    (True, False, True)
    """
    a, b = _checked_pair(u, v, ("u", "v"))
    n = len(a)
    return all(a[i] * b[j] == a[j] * b[i] for i in range(n) for j in range(n))


def free_variable_basis(R: Sequence[Sequence[Exact]], pivots: Sequence[int]) -> list[list[Exact]]:
    """The textbook kernel basis read off a reduced row echelon form, as a worked solution shows it.

    One vector per free column ``f`` (in increasing order): its free coordinate ``f`` is 1, the other
    free coordinates are 0, and the pivot coordinate of row ``i`` is ``-R[i][f]``.  Unlike
    :func:`kernel_basis` (primitive vectors, other signs) these are exactly the vectors a learner gets by
    setting one free variable to 1; they are integer vectors when ``R`` is an integer matrix.

    Parameters
    ----------
    R : list of rows, shape (m, n)
        A reduced row echelon form, e.g. from :func:`rref` (zero rows below the pivot rows may be left in).
    pivots : list of int
        Its pivot columns, 0-based and increasing, ``pivots[i]`` the pivot of row ``i``.

    Returns
    -------
    list of n - len(pivots) vectors of length n

    Raises
    ------
    ShapeError
        If ``pivots`` is not an increasing list of column indices with at most one per row of ``R``.

    Examples
    --------
    >>> R, pivots = rref([[1, 2, 3], [2, 4, 6]])
    >>> free_variable_basis(R, pivots)
    [[-2, 1, 0], [-3, 0, 1]]
    """
    rows = _checked(R, "R")
    n = len(rows[0])
    piv = list(pivots) if isinstance(pivots, (list, tuple)) else None
    if (piv is None or len(piv) > len(rows) or any(isinstance(p, bool) or not isinstance(p, int) for p in piv)
            or any(not 0 <= p < n for p in piv) or piv != sorted(set(piv))):
        raise ShapeError(f"pivots must be an increasing list of at most {len(rows)} column indices "
                         f"from 0 to {n - 1}, got {pivots!r}")
    basis = []
    for f in (j for j in range(n) if j not in piv):
        v: list[Exact] = [0] * n
        v[f] = 1
        for i, p in enumerate(piv):
            v[p] = -rows[i][f]
        basis.append(v)
    return basis


def as_exact(v: Sequence[Exact]) -> list[Exact]:
    """A vector of int/Fraction with every integral entry as an ``int``: ``[Fraction(2, 1), …]`` → ``[2, …]``.

    Answer keys and ``matrix_text``/``vector_text`` then show ``2`` rather than ``2/1``; the values are
    unchanged.  An empty vector gives ``[]``.

    Raises
    ------
    DTypeError
        If an entry is not an int or a Fraction.

    Examples
    --------
    >>> as_exact([Fraction(4, 2), Fraction(1, 3), -1])
    [2, Fraction(1, 3), -1]
    """
    if not isinstance(v, (list, tuple)):
        raise ShapeError(f"v must be a list of numbers, got {v!r}")
    if v:
        _checked_vector(v, "v")
    return [_out(Fraction(x)) for x in v]


def as_exact_rows(A: Sequence[Sequence[Exact]]) -> list[list[Exact]]:
    """:func:`as_exact` for each row of a matrix of shape ``(m, n)``.

    Examples
    --------
    >>> as_exact_rows([[Fraction(6, 3), 0], [Fraction(1, 2), 1]])
    [[2, 0], [Fraction(1, 2), 1]]
    """
    return _out_rows(_fractions(A))


# --------------------------------------------------------------------------------------------------
# random matrices


def vector(rng: random.Random, n: int, *, entries: int = 3, nonzero: bool = True) -> list[int]:
    """A random integer vector of length ``n`` with entries in ``[-entries, entries]`` (not all zero if ``nonzero``)."""
    _check_rng(rng)
    _check_dims(n=n)
    if isinstance(entries, bool) or not isinstance(entries, int) or entries < (1 if nonzero else 0):
        raise ShapeError(f"entries must be an int >= {1 if nonzero else 0}"
                         f"{' for a non-zero vector' if nonzero else ''}, got {entries!r}")
    for _ in attempts("randmat.vector"):
        v = [rng.randint(-entries, entries) for _ in range(n)]
        if not nonzero or any(v):
            return v
    raise AssertionError("unreachable: attempts() raises when exhausted")  # pragma: no cover


def unimodular(rng: random.Random, n: int, *, entries: int = 3) -> Matrix:
    """A random ``n×n`` integer matrix with determinant ±1, so its inverse is an integer matrix too.

    Built as a product of random unit lower- and upper-triangular integer matrices, with its rows
    shuffled and some negated; all entries are at most ``entries`` in size and, for ``n >= 2``, the matrix is not a
    signed permutation.

    Examples
    --------
    >>> U = unimodular(random.Random(1), 3)
    >>> det(U) in (1, -1), max(abs(x) for row in U for x in row) <= 3
    (True, True)
    """
    _check_rng(rng)
    _check_dims(n=n)
    if entries < 1:
        raise ShapeError(f"entries must be at least 1, got {entries}")
    if n == 1:
        return [[rng.choice([1, -1])]]
    steps = [-1, 0, 0, 1] if entries < 3 else [-2, -1, -1, 0, 0, 0, 1, 1, 2]
    for _ in range(_TRIES):
        # L (unit lower triangular) times R (unit upper triangular) has determinant 1; a row
        # permutation and sign flips keep |det| = 1.
        L = [[1 if i == j else (rng.choice(steps) if j < i else 0) for j in range(n)] for i in range(n)]
        R = [[1 if i == j else (rng.choice(steps) if j > i else 0) for j in range(n)] for i in range(n)]
        U = [[sum(L[i][k] * R[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
        rng.shuffle(U)
        U = [row if rng.random() < 0.5 else [-x for x in row] for row in U]
        if max(abs(x) for row in U for x in row) <= entries and sum(x != 0 for row in U for x in row) > n:
            return U
    raise ShapeError(f"could not build a {n}×{n} unimodular matrix with entries <= {entries}; allow larger entries")


def with_rank(rng: random.Random, m: int, n: int, *, rank: int, entries: int = 6, kernel_entries: int = 2) -> Matrix:
    """A random ``m×n`` integer matrix of exact rank ``rank`` with a small integer kernel basis.

    The matrix is ``L @ R`` where ``R`` (``rank×n``) is in reduced row echelon form with free entries in
    ``[-kernel_entries, kernel_entries]`` and ``L`` (``m×rank``) has full column rank, so
    :func:`kernel_basis` of the result has entries of at most ``kernel_entries`` in size.  All entries are
    at most ``entries`` in size, and no column is zero (for ``rank >= 1``).

    Parameters
    ----------
    rng : random.Random
        The generator's seeded random source.
    m, n : int
        The shape ``(m, n)``, each from 1 to 20.
    rank : int
        From 0 to ``min(m, n)``.
    entries, kernel_entries : int
        Bounds on the sizes of the matrix's entries and of its kernel basis's entries.

    Raises
    ------
    ShapeError
        If ``rank`` is out of range, or no such matrix is found within the entry bound.

    Examples
    --------
    >>> A = with_rank(random.Random(3), 4, 3, rank=3)
    >>> rank(A), kernel_basis(A)
    (3, [])
    """
    _check_rng(rng)
    _check_dims(m=m, n=n)
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank <= min(m, n):
        raise ShapeError(f"rank must be an int from 0 to min(m, n) = {min(m, n)}, got {rank!r}")
    if rank == 0:
        return [[0] * n for _ in range(m)]
    for _ in range(_TRIES):
        pivots = [0] + sorted(rng.sample(range(1, n), rank - 1))
        R = [[0] * n for _ in range(rank)]
        for i, p in enumerate(pivots):
            R[i][p] = 1
            for j in range(p + 1, n):
                if j not in pivots:
                    R[i][j] = rng.randint(-kernel_entries, kernel_entries)
        if any(all(R[i][j] == 0 for i in range(rank)) for j in range(n)):
            continue  # a zero column
        U = unimodular(rng, rank, entries=2)
        extra = []
        for _ in range(m - rank):
            c = [rng.randint(-1, 1) for _ in range(rank)]
            if not any(c):
                c[rng.randrange(rank)] = rng.choice([-1, 1])
            extra.append(c)
        L = U + extra
        rng.shuffle(L)
        A = [[sum(L[i][k] * R[k][j] for k in range(rank)) for j in range(n)] for i in range(m)]
        if max(abs(x) for row in A for x in row) <= entries:
            return A
    raise ShapeError(f"could not build a {m}×{n} matrix of rank {rank} with entries <= {entries}; allow larger entries")


def with_eigenvalues(rng: random.Random, eigenvalues: Sequence[int], *, entries: int = 9) -> tuple[Matrix, Matrix]:
    """A random integer matrix ``A = P D P⁻¹`` with the given integer eigenvalues, and ``P``.

    ``P`` is unimodular, so ``A`` is an integer matrix and the columns of ``P`` are integer eigenvectors:
    ``A @ P[:, j] == eigenvalues[j] * P[:, j]``.

    Returns
    -------
    (A, P) : two n×n integer matrices, n = len(eigenvalues)

    Raises
    ------
    ShapeError
        If no such matrix with entries at most ``entries`` in size is found.

    Examples
    --------
    >>> A, P = with_eigenvalues(random.Random(2), [2, -1])
    >>> v = [row[0] for row in P]
    >>> matvec(A, v) == [2 * x for x in v]
    True
    """
    _check_rng(rng)
    lams = list(eigenvalues)
    _check_dims(n=len(lams))
    if any(isinstance(x, bool) or not isinstance(x, int) for x in lams):
        raise DTypeError(f"eigenvalues must be ints, got {lams!r}")
    n = len(lams)
    for _ in range(_TRIES):
        P = unimodular(rng, n, entries=2)
        PD = [[P[i][j] * lams[j] for j in range(n)] for i in range(n)]
        A = matmul(PD, inverse(P))
        if max(abs(x) for row in A for x in row) <= entries:
            return [[int(x) for x in row] for row in A], P
    raise ShapeError(f"could not build a matrix with eigenvalues {lams} and entries <= {entries}; allow larger entries")
