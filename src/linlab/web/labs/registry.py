"""The four labs by slug, and what a lab shows first when a lesson embeds it."""

from __future__ import annotations

from . import layernorm, linear_map, packing, svd
from .core import Lab

__all__ = ["LABS", "LESSON_DEFAULTS"]

LABS: dict[str, Lab] = {lab.slug: lab for lab in (linear_map.LAB, svd.LAB, layernorm.LAB, packing.LAB)}

#: Starting values of a lab embedded in a lesson, where the lesson's idea needs a particular example.
LESSON_DEFAULTS: dict[str, dict[str, str]] = {
    "la-05-linear-maps": {"matrix": "1 2; 0 1"},
    "la-06-transformations": {"matrix": "0 -1; 1 0"},
    "la-07-kernel-image": {"matrix": "1 2; 2 4"},
    "la-08-rank-nullity": {"matrix": "1 2 3; 2 4 6"},
    "la-09-composition": {"matrix": "1 1; 0 1"},
    "la-12-svd-read-write": {"matrix": "3 0; 4 5"},
    "la-15-attention-lora": {"matrix": "1 0 -1; 2 0 -2; 1 0 -1", "weight": "query"},  # a rank-one update B·A
}

