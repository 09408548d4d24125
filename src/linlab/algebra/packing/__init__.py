"""How many almost-orthogonal unit vectors fit in R^d: bounds, coherence, and verified constructions.

N unit vectors in R^d with every pairwise |cos| ≤ ε: at least about exp(d·ε²/2) exist
(:func:`lower_bound`), at most :func:`best_upper_bound` can, and :func:`construct` builds a verified set,
from an orthonormal basis up to Delsarte–Goethals codes with 10¹³ vectors.  See docs/packing.md.

>>> from linlab.algebra.packing import construct, coherence
>>> P = construct(64, 0.125)                   # Kerdock: 32 Hadamard bases + the standard basis
>>> P.count, P.method, P.coherence
(2112, 'kerdock', 0.125)
>>> coherence(P.vectors()) <= 0.125 + 1e-6
True
"""

from ._common import PackingError
from .bounds import best_upper_bound, gerzon_bound, levenshtein_bound, log10_lower_bound, lower_bound, welch_bound
from .codes import SignCode, alternating_rank, delsarte_goethals_code, dual_bch_code, gold_code, kerdock_code
from .coherence import coherence
from .construct import METHODS, best_code, construct
from .gf2m import GF2m, PRIMITIVE_POLYNOMIALS
from .sets import Block, Packing

__all__ = [
    "construct",
    "Packing",
    "Block",
    "METHODS",
    "coherence",
    "lower_bound",
    "log10_lower_bound",
    "welch_bound",
    "levenshtein_bound",
    "gerzon_bound",
    "best_upper_bound",
    "SignCode",
    "kerdock_code",
    "gold_code",
    "dual_bch_code",
    "delsarte_goethals_code",
    "best_code",
    "alternating_rank",
    "GF2m",
    "PRIMITIVE_POLYNOMIALS",
    "PackingError",
]
