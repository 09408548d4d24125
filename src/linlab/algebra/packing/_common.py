"""The error class and the argument checks shared by the packing modules."""

from __future__ import annotations

import math
import numbers

from ...errors import LinlabError

__all__ = ["PackingError", "check_dim", "check_eps", "check_count", "MAX_DIM"]

#: Largest dimension that :func:`construct` builds sets in (the bounds accept any dimension).
MAX_DIM = 1 << 16


class PackingError(LinlabError, ValueError):
    """A packing request that cannot be met: a bad dimension or ε, an impossible method, a set too large."""


def check_dim(d: object, *, name: str = "d", maximum: int | None = None) -> int:
    if isinstance(d, bool) or not isinstance(d, numbers.Integral):
        raise PackingError(f"{name} must be a positive integer (the dimension), got {d!r} ({type(d).__name__})")
    d = int(d)
    if d < 1:
        raise PackingError(f"{name} must be a positive integer (the dimension), got {d}")
    if maximum is not None and d > maximum:
        raise PackingError(f"{name} must be at most {maximum}, got {d}")
    return d


def check_eps(eps: object, *, name: str = "eps", allow_one: bool = True) -> float:
    """ε as a float in [0, 1] (or [0, 1) when ``allow_one`` is false)."""
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise PackingError(f"{name} must be a real number in [0, 1) (the largest allowed |cos|), got {eps!r}")
    value = float(eps)
    upper_ok = value <= 1.0 if allow_one else value < 1.0
    if not (math.isfinite(value) and value >= 0.0 and upper_ok):
        interval = "[0, 1]" if allow_one else "[0, 1): at ε = 1 every direction is allowed and no finite set is maximal"
        raise PackingError(f"{name} must lie in {interval}, got {eps!r}")
    return value


def check_count(count: object, *, name: str) -> int:
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or int(count) < 1:
        raise PackingError(f"{name} must be a positive integer, got {count!r}")
    return int(count)
