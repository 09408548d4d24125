"""The LayerNorm lab in R³: centering is the projection onto the plane H ⊥ (1, 1, 1), and dividing by
the standard deviation puts the point on the ring {y ∈ H : ‖y‖ = √3}, the ring's nearest point to x.

Every number comes from :class:`~linlab.algebra.LayerNormGeometry` (ε = 0: the geometry without
PyTorch's 1e-5); a point on the (1, 1, 1) axis has no nearest ring point, and the engine's
:class:`~linlab.algebra.DegenerateInputError` message is shown as the input error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import torch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linlab.algebra import DegenerateInputError, LayerNormGeometry

from . import display
from .core import Field, Figure, Lab, LabInputError, Result
from .figures import layernorm_figure
from .inputs import read_number

__all__ = ["LAB", "compute", "MAX_COORDINATE"]

#: Largest coordinate (in size) of the typed point.
MAX_COORDINATE = 1000

X = Field("x", "x₁", "3", help="")
Y = Field("y", "x₂", "1", help="")
Z = Field("z", "x₃", "-1/2", help="")


def compute(values: Mapping[str, str]) -> Result:
    """Mean, centered vector, standard deviation and output of LayerNorm (no gain or bias) at the typed point."""
    point = [read_number(f, values.get(f.name, ""), low=-MAX_COORDINATE, high=MAX_COORDINATE) for f in (X, Y, Z)]
    x = torch.tensor([float(v) for v in point], dtype=torch.float64)  # (3,)
    geometry = LayerNormGeometry(3, eps=0.0)
    try:
        ring_point = geometry.nearest_point_on_ring(x)  # (3,)
    except DegenerateInputError as err:
        raise LabInputError(None, str(err)) from err
    stages = geometry.decompose(x)
    centered = stages.centered  # (3,): x − mean(x)·1, the projection onto H
    output = stages.on_sphere  # (3,): with ε = 0 this is the ring point
    mean = float(x.mean())
    norm_c = float(torch.linalg.vector_norm(centered))
    std = norm_c / math.sqrt(3)  # the biased standard deviation, as LayerNorm uses it
    distance = float(torch.linalg.vector_norm(x - ring_point))
    cosine = float(geometry.centering_cosines(x))
    scale = float(x.abs().max())

    def vec(t: torch.Tensor) -> list[float]:
        return [display.clean(float(v), scale) for v in t]

    labels = {
        "plane": _("plane H ⊥ (1,1,1)"), "ring": _("ring ‖y‖ = √3 in H"), "axis": _("(1,1,1) axis"),
        "centering": _("centering (projection)"), "scaling": _("scaling to the ring"), "mean": _("mean·(1,1,1)"),
        "centered_short": "x − μ1",
    }
    spec = layernorm_figure(x.numpy(), np.array(vec(centered)), ring_point.numpy(), labels=labels)
    caption = _("x (red), its projection onto the plane H (orange) and the nearest point y of the ring (green).")
    context = {
        "x": display.vector_mathml(point),
        "mean": display.number(display.clean(mean, scale)),
        "centered": display.vector_mathml(vec(centered)),
        "norm_centered": display.number(norm_c),
        "std": display.number(std),
        "output": display.vector_mathml(vec(output)),
        "distance": display.number(distance),
        "cosine": display.number(cosine),
        "outward": norm_c < math.sqrt(3),
    }
    data = {
        "x": [float(v) for v in point],
        "mean": mean,
        "centered": vec(centered),
        "std": std,
        "output": vec(output),
        "ring_point": vec(ring_point),
        "distance": distance,
        "cosine": cosine,
    }
    return Result("labs/results/layernorm.html", context, data, [Figure("layernorm", spec, caption)])


LAB = Lab(
    slug="layernorm",
    title=gettext_lazy("LayerNorm as a projection"),
    summary=gettext_lazy(
        "Follow a point of R³ through LayerNorm: projected onto the plane ⊥ (1,1,1), then pushed onto a ring of radius √3."
    ),
    fields=(X, Y, Z),
    compute=compute,
    form_template="labs/forms/layernorm.html",
)
