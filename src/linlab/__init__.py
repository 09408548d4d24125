"""linlab: the linear algebra inside neural networks, to learn and to inspect.

>>> from linlab import LinearMap
>>> A = LinearMap([[1, 2, 0, 1, 3], [0, 1, 1, 2, 1], [1, 3, 1, 3, 4]])   # R^5 -> R^3
>>> A.rank, A.nullity, A.rank + A.nullity == A.dim_in
(2, 3, True)
"""

from . import algebra, errors
from .algebra import *  # noqa: F403  (the engine's public API, listed in algebra.__all__)
from .errors import *  # noqa: F403  (LinlabError and its subclasses)

__version__ = "0.1.0"

__all__ = [*algebra.__all__, *errors.__all__]
