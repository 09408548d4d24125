"""The linear-map lab: a matrix's rank, nullity, kernel and image, and what it does to a grid, circle or sphere.

Small rational matrices take :class:`~linlab.algebra.LinearMap`'s exact path, so rank and nullity are
pivot counts and the kernel and image come with integer bases; other matrices (``sqrt(2)`` entries)
take the SVD path and show orthonormal bases to 4 digits.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linlab.algebra import LinearMap, Subspace
from linlab.course.randmat import det as exact_det

from . import display
from .core import Field, Figure, Lab, Result
from .figures import map_figure
from .inputs import read_choice, read_matrix

__all__ = ["LAB", "MAX_SIZE", "compute"]

#: The largest matrix the lab takes (rows and columns).
MAX_SIZE = 6
_SHAPES = ("2x2", "3x3", "2x3", "3x2")

MATRIX = Field(
    "matrix",
    gettext_lazy("Matrix"),
    "2 1; 1 3",
    kind="textarea",
    help=gettext_lazy(
        "Rows separated by ; or new lines, entries by spaces or commas: 1 2; 3 4. Fractions (1/2), decimals and "
        "sqrt(2) work; at most 6×6."
    ),
    max_length=2000,
)
RANDOM = Field(
    "random", gettext_lazy("Random shape"), "", kind="select", choices=tuple((s, s.replace("x", "×")) for s in _SHAPES)
)


def random_matrix_text(rows: int, cols: int, *, rng: random.Random | None = None) -> str:
    """A random matrix of small integers as text, rank-deficient about one time in three (to show a kernel)."""
    rng = rng or random.SystemRandom()
    while True:
        A = [[rng.randint(-3, 3) for _ in range(cols)] for _ in range(rows)]
        if rows >= 2 and rng.random() < 1 / 3:
            factor = rng.choice([-2, -1, 2])
            A[-1] = [factor * x for x in A[0]]  # the last row repeats the first: rank drops
        if any(any(row) for row in A):
            return "; ".join(" ".join(str(x) for x in row) for row in A)


def _basis_vectors(sub: Subspace, exact: bool) -> list[list[int | float]]:
    """A subspace's basis as rows: the integer basis on the exact path, else the orthonormal one."""
    if exact and sub.integer_basis is not None:
        return [list(v) for v in sub.integer_basis]
    basis = sub.basis.detach().cpu().double().numpy()  # (ambient, dim)
    return [[display.clean(float(x)) for x in basis[:, k]] for k in range(basis.shape[1])]


def compute(values: Mapping[str, str]) -> Result:
    """Rank, nullity, kernel, image (and a figure for 2×2, 3×3, 2×3, 3×2) of the typed or random matrix."""
    text = values.get("matrix", "")
    new_values = {}
    if values.get("random"):
        rows, cols = (int(s) for s in read_choice(RANDOM, values["random"]).split("x"))
        text = random_matrix_text(rows, cols)
        new_values["matrix"] = text
    entries = read_matrix(MATRIX, text, max_rows=MAX_SIZE, max_cols=MAX_SIZE)
    A = LinearMap(entries)
    m, n = A.shape
    exact = A.is_exact
    kernel, image = A.kernel(), A.image()
    kernel_vectors, image_vectors = _basis_vectors(kernel, exact), _basis_vectors(image, exact)
    determinant: Fraction | float | None = None
    if m == n:
        if exact and all(isinstance(x, Fraction) for row in entries for x in row):
            determinant = Fraction(exact_det([list(row) for row in entries]))
        else:
            scale = float(A.matrix.abs().max()) ** n  # rounding noise in det is relative to this
            determinant = display.clean(float(np.linalg.det(A.matrix.double().numpy())), scale)
    dense = A.matrix.detach().cpu().double().numpy()  # (m, n)
    figures = []
    if m in (2, 3) and n in (2, 3):
        labels = {
            "grid": _("unit grid"), "circle": _("unit circle"), "sphere": _("unit sphere"), "square": _("unit square"),
            "cube": _("unit cube"), "kernel": _("kernel"), "image": _("image"), "read": _("read"), "write": _("write"),
        }
        titles = (
            _("input space R%(n)s") % {"n": display.superscript(n)},
            _("output space R%(m)s") % {"m": display.superscript(m)},
        )
        spec = map_figure(
            dense,
            titles=titles,
            labels=labels,
            kernel=kernel.basis.double().numpy(),
            image=image.basis.double().numpy(),
        )
        caption = _("The unit shapes of R%(n)s (left) and their images under A (right).") % {"n": display.superscript(n)}
        figures.append(Figure("map", spec, caption))
    context = {
        "matrix": display.matrix_mathml(entries),
        "shape": (m, n),
        "rank": A.rank,
        "nullity": A.nullity,
        "exact": exact,
        "kernel": [display.vector_mathml(v) for v in kernel_vectors],
        "image": [display.vector_mathml(v) for v in image_vectors],
        "injective": A.is_injective,
        "surjective": A.is_surjective,
        "determinant": None if determinant is None else display.number(determinant),
        "figure_note": m in (2, 3) and n in (2, 3),
    }
    data = {
        "shape": [m, n],
        "rank": A.rank,
        "nullity": A.nullity,
        "exact": exact,
        "kernel": [[_json_number(x) for x in v] for v in kernel_vectors],
        "image": [[_json_number(x) for x in v] for v in image_vectors],
        "injective": A.is_injective,
        "surjective": A.is_surjective,
        "determinant": None if determinant is None else _json_number(determinant),
        "matrix": [[_json_number(x) for x in row] for row in entries],
    }
    return Result("labs/results/linear_map.html", context, data, figures, new_values)


def _json_number(x: int | Fraction | float) -> int | str | float:
    """ints stay ints, non-integer fractions become ``"p/q"`` strings, floats stay floats."""
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else str(x)
    return x


LAB = Lab(
    slug="linear-map",
    title=gettext_lazy("Linear map"),
    summary=gettext_lazy(
        "Type or draw a random matrix: its rank, nullity, kernel and image, and what it does to the unit grid, circle "
        "or sphere."
    ),
    fields=(MATRIX, RANDOM),
    compute=compute,
    form_template="labs/forms/linear_map.html",
)
