"""Answer keys for a subspace: :class:`Basis` (any basis of it is right), :class:`KernelBasis` and
:class:`ImageBasis`, with the exact rank and membership tests in integers."""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Iterable, Sequence

from linlab.algebra.exact import image_basis, integer_rank, kernel_basis, rref
from linlab.course import parse
from linlab.course.parse import Scalar
from linlab.errors import DTypeError, ParseError, ShapeError

from .base import Answer, Texts, _check_texts, _check_tolerance, _scalar_text, _texts, _vec_text, _Verdict
from .vectors import _is_plain, _is_zero

__all__ = ["Basis", "KernelBasis", "ImageBasis"]


def _exact_rows(rows: Sequence[Sequence[object]], name: str) -> list[list[Fraction]]:
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ShapeError(f"{name}[{i}] must be a list of numbers, got {row!r}")
        r = []
        for j, x in enumerate(row):
            if isinstance(x, Scalar):
                if x.exact is None:
                    raise DTypeError(f"{name}[{i}][{j}] must be rational, got {_scalar_text(x)}")
                x = x.exact
            if isinstance(x, bool) or not isinstance(x, (numbers.Integral, Fraction)):
                raise DTypeError(f"{name}[{i}][{j}] must be an int or a Fraction, got {type(x).__name__} {x!r}")
            r.append(Fraction(x))
        out.append(r)
    return out


def _scaled(values: Iterable[Fraction]) -> tuple[list[int], int]:
    """``(m·values, m)`` with ``m`` the least common multiple of the denominators: the values in integers."""
    ratios = [x.as_integer_ratio() for x in values]
    m = math.lcm(*[d for _, d in ratios]) if ratios else 1
    return [n * (m // d) for n, d in ratios], m


def _integer_vector(values: Iterable[Fraction]) -> list[int]:
    """A positive multiple of ``values`` in integers (same span, same direction)."""
    return _scaled(values)[0]


def _matrix_rows(A: Sequence[Sequence[int | Fraction]]) -> list[list[Fraction]]:
    """The exact rows of the matrix a KernelBasis / ImageBasis is built from, checked to be rectangular."""
    rows = _exact_rows(A, "A")
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ShapeError(f"A must be a non-empty matrix with rows of one length, got {A!r}")
    return rows


class _Span:
    """An exact subspace of Q^n given by an independent list of vectors.

    Membership is tested in integers: ``v`` lies in the span of the rows of ``B`` exactly when it is
    orthogonal to every vector of ``ker B`` (the row space is the orthogonal complement of the kernel),
    and a vector may be scaled to integers first.
    """

    def __init__(self, vectors: list[list[Fraction]], n: int) -> None:
        self.n = n
        self.dim = len(vectors)
        if vectors:
            R, pivots = rref(vectors)
            self.rows = [(p, R[i]) for i, p in enumerate(pivots)]
            normals = kernel_basis(vectors) if self.dim < n else []
        else:
            self.rows = []
            normals = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        self._normals = [_integer_vector(z) for z in normals]  # (n - dim, n), a basis of the complement
        self._floats: Any = None

    def contains(self, v: list[Fraction]) -> bool:
        return self.contains_integers(_integer_vector(v))

    def contains_integers(self, v: list[int]) -> bool:
        """Whether the integer vector ``v`` lies in the subspace."""
        for z in self._normals:
            if sum([a * b for a, b in zip(z, v)]):
                return False
        return True

    def contains_float(self, v: list[float], tol: float) -> bool:
        import numpy as np

        if self._floats is None:
            if self.rows:
                Q, _ = np.linalg.qr(np.array([[float(x) for x in r] for _, r in self.rows], dtype=float).T)
                self._floats = Q  # (n, dim), orthonormal columns
            else:
                self._floats = np.zeros((self.n, 0))
        x = np.array(v, dtype=float)
        residual = x - self._floats @ (self._floats.T @ x)
        return float(np.linalg.norm(residual)) <= tol * max(float(np.linalg.norm(x)), 1e-300)


def _rank_exact(vectors: list[list[Fraction]]) -> int:
    return integer_rank([_integer_vector(v) for v in vectors]) if vectors else 0


def _rank_float(vectors: list[list[float]], tol: float) -> int:
    import numpy as np

    s = np.linalg.svd(np.array(vectors, dtype=float), compute_uv=False)
    return int((s > tol * max(s[0], 1e-300)).sum()) if len(s) else 0


class Basis(Answer):
    """A basis of a subspace: any basis of the same subspace is right.

    Parameters
    ----------
    vectors : list of vectors of int or Fraction
        A linearly independent list spanning the subspace (empty for the zero subspace).
    ambient : int
        The length of the vectors (the subspace lies in R^ambient).
    name : dict, optional
        How feedback names the subspace: ``{"en": "the kernel", "ru": "ядро"}`` (Russian in the
        nominative case).  Default: the subspace / подпространство.
    witness : list of rows, optional
        A matrix ``W`` of shape ``(k, ambient)``; feedback on a vector ``v`` outside the subspace shows
        ``W·v`` (for the kernel of ``A``, ``W = A``).
    witness_name : str
        How ``W`` is named in that feedback (default ``"A"``).

    Examples
    --------
    >>> key = Basis([[1, 0, 1]], ambient=3, name={"en": "the line", "ru": "прямая"})
    >>> key.check("[2, 0, 2]").correct, key.check("[1, 1, 1]").feedback
    (True, '(1, 1, 1) is not in the line.')
    >>> Basis([], ambient=2).check("none").correct
    True
    """

    answer_type = "basis"
    _image = False

    def __init__(self, vectors: Sequence[Sequence[int | Fraction]], *, ambient: int,
                 name: Texts | None = None, witness: Sequence[Sequence[int | Fraction]] | None = None,
                 witness_name: str = "A", rtol: float = 1e-6, atol: float = 1e-9,
                 hints: dict[str, Texts] | None = None) -> None:
        if isinstance(ambient, bool) or not isinstance(ambient, int) or not 1 <= ambient <= parse.MAX_SIZE:
            raise ShapeError(f"ambient must be an int from 1 to {parse.MAX_SIZE}, got {ambient!r}")
        if isinstance(vectors, (str, bytes)) or not isinstance(vectors, Sequence):
            raise ShapeError(f"vectors must be a list of vectors, got {vectors!r}")
        basis = _exact_rows(vectors, "vectors")
        for i, v in enumerate(basis):
            if len(v) != ambient:
                raise ShapeError(f"vectors[{i}] has {len(v)} entries but ambient = {ambient}")
        if _rank_exact(basis) != len(basis):
            raise ShapeError(f"vectors must be linearly independent (a basis), got rank {_rank_exact(basis)} "
                             f"for {len(basis)} vectors")
        self.vectors = basis
        self.ambient = ambient
        self.name = _check_texts(name, "name") if name is not None else self._default_name()
        if witness is not None:
            W = _exact_rows(witness, "witness")
            if not W or any(len(r) != ambient for r in W):
                raise ShapeError(f"witness must be a non-empty matrix with {ambient} columns, got {witness!r}")
            witness = W
        self.witness = witness
        self._witness_scaled = [_scaled(row) for row in witness] if witness is not None else []
        if not isinstance(witness_name, str) or not witness_name:
            raise ParseError(f"witness_name must be a non-empty str, got {witness_name!r}")
        self.witness_name = witness_name
        _check_tolerance(rtol, atol)
        self.rtol, self.atol = float(rtol), float(atol)
        self._span = _Span(basis, ambient)
        super().__init__(hints=hints)

    @staticmethod
    def _default_name() -> Texts:
        return {"en": "the subspace", "ru": "подпространство"}

    @property
    def dim(self) -> int:
        """The dimension of the subspace."""
        return len(self.vectors)

    @property
    def expected(self) -> str:
        if not self.vectors:
            return "none"
        return ", ".join("[" + ", ".join(str(x) for x in v) + "]" for v in self.vectors)

    def _read(self, text: str) -> list[list[Scalar]] | tuple[str, list[list[Scalar]]]:
        got = parse.parse_basis(text)
        if got and len(got[0]) == 1 and len(got) == self.ambient and self.ambient > 1:
            return [[row[0] for row in got]]  # one vector typed as a column
        return got

    def _not_in(self, v: list[Scalar]) -> Texts:
        vt = _vec_text(v)
        if self._image and self.witness is not None:
            return _texts("basis_not_in_image", v=vt, name=self.name, W=self.witness_name)
        if self.witness is not None:
            if _is_plain(v):
                # W·v in integers: with v = x / m and a row of W = w / d, its entry is (w·x) / (d·m)
                x, m = _scaled([s.exact for s in v])  # type: ignore[misc]
                Wv = [Fraction(sum([a * b for a, b in zip(w, x)]), d * m) for w, d in self._witness_scaled]
                wt = "(" + ", ".join(str(y) for y in Wv) + ")"
            else:
                Wv_f = [sum(float(a) * s.approx for a, s in zip(row, v)) for row in self.witness]
                wt = "(" + ", ".join(f"{x:.6g}" for x in Wv_f) + ")"
            return _texts("basis_not_in_witness", v=vt, name=self.name, W=self.witness_name, Wv=wt)
        return _texts("basis_not_in", v=vt, name=self.name)

    def _grade(self, got: list[list[Scalar]]) -> _Verdict:
        d = self.dim
        if not got:
            if d == 0:
                return _Verdict(True)
            return _Verdict(False, builtin=_texts("basis_empty_given", name=self.name, d=d))
        k = len(got[0])
        if k != self.ambient:
            if len(got) == self.ambient:
                return _Verdict(False, builtin=_texts("basis_columns"))
            return _Verdict(False, builtin=_texts("basis_ambient", k=k, n=self.ambient))
        exact = all([_is_plain(v) for v in got])
        if any([_is_zero(v, self.atol) for v in got]):
            return _Verdict(False, builtin=_texts("basis_zero_vector"))
        # exact vectors in integers (each a positive multiple: the same span, the same rank)
        ints = [_integer_vector([s.exact for s in v]) for v in got] if exact else []  # type: ignore[misc]
        for i, v in enumerate(got):
            inside = (self._span.contains_integers(ints[i]) if exact
                      else self._span.contains_float([s.approx for s in v], self._tol(v)))
            if not inside:
                return _Verdict(False, builtin=self._not_in(v))
        if exact:
            r = integer_rank(ints)
        else:
            r = _rank_float([[s.approx for s in v] for v in got], self._tol([s for v in got for s in v]))
        if r < len(got):
            return _Verdict(False, score=0.5 * r / d, builtin=_texts("basis_dependent"))
        if r < d:
            return _Verdict(False, score=r / d, builtin=_texts("basis_dimension", k=r, name=self.name, d=d))
        return _Verdict(True, tolerance=not exact and any(s.decimal for v in got for s in v))

    def _tol(self, values: list[Scalar]) -> float:
        return max(self.rtol, 1e-9) if any(s.decimal for s in values) else 1e-9

    def _same(self, value: list[list[Scalar]], other: list[list[Scalar]]) -> bool:
        def exact_rows(rows: list[list[Scalar]]) -> list[list[Fraction]] | None:
            if any(s.exact is None or s.decimal for v in rows for s in v):
                return None
            return [[s.exact for s in v] for v in rows]  # type: ignore[misc]

        a, b = exact_rows(value), exact_rows(other)
        if a is None or b is None:
            return False
        if not a or not b:
            return not a and not b
        if len(a[0]) != len(b[0]):
            return False
        ra, rb = _rank_exact(a), _rank_exact(b)
        return ra == rb == _rank_exact(a + b)


class KernelBasis(Basis):
    """A basis of ``ker A`` for an integer or rational matrix ``A`` of shape ``(m, n)``.

    Feedback on a vector ``v`` outside the kernel shows ``A·v``.

    Examples
    --------
    >>> key = KernelBasis([[1, 1]])
    >>> key.expected, key.check("[1, -1]").correct, key.check("(1, 1)").feedback
    ('[1, -1]', True, '(1, 1) is not in the kernel: A·v = (2).')
    """

    def __init__(self, A: Sequence[Sequence[int | Fraction]], *, name: Texts | None = None,
                 witness_name: str = "A", hints: dict[str, Texts] | None = None) -> None:
        rows = self.A = _matrix_rows(A)
        super().__init__(kernel_basis(rows), ambient=len(rows[0]), name=name, witness=rows,
                         witness_name=witness_name, hints=hints)

    @staticmethod
    def _default_name() -> Texts:
        return {"en": "the kernel", "ru": "ядро"}


class ImageBasis(Basis):
    """A basis of ``im A`` (the column space) for a matrix ``A`` of shape ``(m, n)``.

    Feedback on a vector outside the image says it is not a combination of the columns of ``A``.

    Examples
    --------
    >>> key = ImageBasis([[1, 2], [2, 4]])
    >>> key.check("[2, 4]").correct, key.check("[1, 0]").feedback
    (True, '(1, 0) is not in the image: it is not a combination of the columns of A.')
    """

    _image = True

    def __init__(self, A: Sequence[Sequence[int | Fraction]], *, name: Texts | None = None,
                 witness_name: str = "A", hints: dict[str, Texts] | None = None) -> None:
        rows = self.A = _matrix_rows(A)
        super().__init__(image_basis(rows), ambient=len(rows), name=name, witness=[list(c) for c in zip(*rows)],
                         witness_name=witness_name, hints=hints)

    @staticmethod
    def _default_name() -> Texts:
        return {"en": "the image", "ru": "образ"}
