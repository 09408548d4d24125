"""``linlab.packing``: almost-orthogonal unit vectors in R^d (the API of :mod:`linlab.algebra.packing`).

>>> from linlab.packing import construct, best_upper_bound
>>> P = construct(16, 0.25)
>>> P.count == round(best_upper_bound(16, 0.25)) == 16 * 18 // 2      # Kerdock meets Levenshtein's bound
True
"""

from .algebra.packing import *  # noqa: F403  (the public API, listed in algebra.packing.__all__)
from .algebra.packing import __all__  # noqa: F401
