"""The room-in-high-dimensions lab: how many unit vectors in R^d have all pairwise |cos| ≤ ε.

Three views side by side: the bounds of :mod:`linlab.packing` (the existence bound exp(dε²/2), Welch's
and Levenshtein's upper bounds), what an explicit algebraic construction gives (codes, simplices and
bases in a direct sum, verified on a sample plus its proof), and a seeded experiment: n random unit
vectors, the histogram of their pairwise cosines and the largest |cos| seen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import torch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linlab.packing import construct, levenshtein_bound, log10_lower_bound, lower_bound, welch_bound

from . import display
from .core import Field, Figure, Lab, Result
from .figures import histogram_figure
from .inputs import read_integer, read_number

__all__ = ["LAB", "compute", "MAX_DIM", "MAX_VECTORS", "experiment"]

MAX_DIM = 2048
MAX_VECTORS = 2000
MAX_SEED = 2**32 - 1
#: Verification budget of the construction (count²·(d + 64) multiply-adds): a sample of a few hundred
#: vectors per block, enough to confirm the proven coherence in well under a second.
VERIFY_WORK = 1e7
_BINS = 61
#: Levenshtein's bound is computed where the existence bound exp(dε²/2) is at most 10^15 (and ε ≤ 0.99).
LEVENSHTEIN_LOG10_LIMIT = 15.0

D = Field("d", "d", "256", help=gettext_lazy("The dimension, 2 to 2048 (GPT-2 XL: 1600)."))
EPS = Field("eps", "ε", "0.1", help=gettext_lazy("The largest allowed |cos|, strictly between 0 and 1."))
N = Field("n", "n", "500", help=gettext_lazy("Random unit vectors to draw, 2 to 2000."))
SEED = Field("seed", gettext_lazy("seed"), "0", help=gettext_lazy("Same seed, same vectors."))

_FAMILY = {
    "basis": gettext_lazy("standard basis"),
    "simplex": gettext_lazy("regular simplex"),
    "kerdock": gettext_lazy("Kerdock code"),
    "gold": gettext_lazy("Gold code"),
    "delsarte-goethals": gettext_lazy("Delsarte–Goethals code"),
    "dual-bch": gettext_lazy("dual BCH code"),
    "direct-sum": gettext_lazy("direct sum"),
}


def experiment(d: int, n: int, seed: int) -> np.ndarray:
    """The pairwise cosines of n random unit vectors in R^d: shape (n(n−1)/2,), pairs i < j in row order.

    The vectors are ``numpy.random.default_rng(seed).standard_normal((n, d), dtype=numpy.float32)``
    with rows normalised; everything is float32 (its rounding, ~1e-7, is far below what the lab shows,
    and it halves the cost of the n²·d Gram matrix).
    """
    X = np.random.default_rng(seed).standard_normal((n, d), dtype=np.float32)  # (n, d)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    V = torch.from_numpy(X)
    gram = V @ V.T  # (n, n), on torch's threads (one, inside a lab request)
    i, j = torch.triu_indices(n, n, offset=1)
    return gram[i, j].numpy()


def _bounds(d: int, eps: float) -> tuple[dict, dict]:
    """The existence bound and the upper bounds: (template context, JSON data)."""
    lower, log10_lower = lower_bound(d, eps), log10_lower_bound(d, eps)
    welch = welch_bound(d, eps)
    # Levenshtein's bound needs a polynomial of degree growing without bound as ε → 1 (seconds of work
    # near ε = 1); where even the existence bound passes 10^15 the upper bound is astronomical anyway.
    compute_levenshtein = log10_lower <= LEVENSHTEIN_LOG10_LIMIT and eps <= 0.99
    levenshtein = levenshtein_bound(d, eps) if compute_levenshtein else None
    context = {
        "lower": display.count(lower) if math.isfinite(lower) else display.power_of_ten(log10_lower),
        "lower_exponent": display.number(d * eps * eps / 2),
        "welch": display.count(welch) if math.isfinite(welch) else None,
        "welch_regime": eps < 1 / math.sqrt(d),
        "inv_sqrt_d": display.number(1 / math.sqrt(d)),
        "levenshtein": display.count(levenshtein) if levenshtein is not None and math.isfinite(levenshtein) else None,
        "levenshtein_skipped": levenshtein is None,
        "eps_near_one": eps > 0.99,
    }
    data = {
        "lower_bound": lower,
        "log10_lower_bound": log10_lower,
        "welch_bound": welch,
        "levenshtein_bound": levenshtein,
        "best_upper_bound": min(welch, levenshtein if levenshtein is not None else math.inf),
    }
    return context, data


def _construction(d: int, eps: float, seed: int) -> tuple[dict, dict]:
    """An explicit set from linlab.packing.construct (codes, simplices, bases in a direct sum)."""
    packing = construct(d, eps, method="direct-sum", verify_work=VERIFY_WORK, seed=seed)
    blocks = [
        {"name": str(_FAMILY.get(b.name, b.name)), "dim": b.dim, "count": display.count(b.count),
         "coherence": display.number(b.coherence)}
        for b in packing.blocks
    ]
    context = {
        "count": display.count(packing.count),
        "count_exact": f"{packing.count:,}".replace(",", "\u2009") if packing.count >= 10**12 else None,
        "method": str(_FAMILY.get(packing.method, packing.method)),
        "coherence": display.number(packing.coherence),
        "verification": packing.verification,
        "checked": display.count(packing.checked),
        "seconds": f"{1000 * packing.seconds:.0f}",
        "blocks": blocks if len(blocks) > 1 else [],
    }
    data = {
        "count": str(packing.count),  # a Python int that can pass 2⁶³
        "method": packing.method,
        "coherence": packing.coherence,
        "verification": packing.verification,
        "blocks": [[b.name, b.dim, str(b.count)] for b in packing.blocks],
    }
    return context, data


def _experiment(d: int, eps: float, n: int, seed: int) -> tuple[dict, dict, Figure]:
    """n random unit vectors: the largest |cos|, the share of pairs within ε, and the histogram."""
    cosines = experiment(d, n, seed)
    magnitudes = np.abs(cosines)
    max_abs = float(magnitudes.max())
    within = float((magnitudes <= eps).mean())
    reach = max(max_abs, eps) * 1.08
    counts, edges = np.histogram(cosines, bins=_BINS, range=(-reach, reach))
    labels = {
        "observed": _("pairs of random vectors"),
        "normal": _("N(0, 1/d)"),
        "x": _("cos between two random unit vectors"),
        "y": _("density"),
    }
    spec = histogram_figure(edges.tolist(), counts.tolist(), d=d, eps=eps, pairs=int(cosines.size), labels=labels)
    caption = _("Pairwise cosines of %(n)d random unit vectors in R%(d)s; the green band is |cos| ≤ ε.") % {
        "n": n, "d": display.superscript(d)}
    context = {
        "pairs": display.count(int(cosines.size)),
        "max_abs": display.number(max_abs),
        "above": display.count(int((magnitudes > eps).sum())),
        "all_within": max_abs <= eps,
        "typical": display.number(1 / math.sqrt(d)),
    }
    data = {
        "pairs": int(cosines.size),
        "max_abs_cos": max_abs,
        "fraction_within_eps": within,
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }
    return context, data, Figure("cosines", spec, caption)


def compute(values: Mapping[str, str]) -> Result:
    """Bounds, an explicit construction and a random experiment for the typed d, ε, n and seed."""
    d = read_integer(D, values.get("d", ""), low=2, high=MAX_DIM)
    eps = float(read_number(EPS, values.get("eps", ""), low=0, high=1, open_low=True, open_high=True))
    n = read_integer(N, values.get("n", ""), low=2, high=MAX_VECTORS)
    seed = read_integer(SEED, values.get("seed", ""), low=0, high=MAX_SEED)
    bounds, bounds_data = _bounds(d, eps)
    built, built_data = _construction(d, eps, seed)
    seen, seen_data, figure = _experiment(d, eps, n, seed)
    context = {"d": d, "eps": display.number(eps), "n": n, **bounds, "construction": built, "experiment": seen}
    data = {"d": d, "eps": eps, "n": n, "seed": seed, **bounds_data, "construction": built_data, "experiment": seen_data}
    return Result("labs/results/packing.html", context, data, [figure])


LAB = Lab(
    slug="packing",
    title=gettext_lazy("Room in high dimensions"),
    summary=gettext_lazy(
        "How many almost-orthogonal directions fit in Rᵈ: the exp(dε²/2) bound, upper bounds, explicit codes, and "
        "random vectors."
    ),
    fields=(D, EPS, N, SEED),
    compute=compute,
    form_template="labs/forms/packing.html",
)
