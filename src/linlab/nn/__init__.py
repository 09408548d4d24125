"""PyTorch models and checkpoints read as linear maps: per-layer reports and token readouts.

Depends on :mod:`linlab.algebra` only.  :func:`inspect` analyses every linear map of a model or
checkpoint; :func:`open_source` reads its weights by name without loading it whole;
:class:`TokenReadout` reads directions through the model's vocabulary.
"""

from .inspect import inspect
from .readout import TermReadout, TokenReadout, read_terms
from .report import MapReport, ModelReport, NormReport
from .source import WeightInfo, WeightSource, open_source
from .spectra import batched_singular_values

__all__ = [
    "inspect",
    "ModelReport",
    "MapReport",
    "NormReport",
    "open_source",
    "WeightSource",
    "WeightInfo",
    "batched_singular_values",
    "TokenReadout",
    "TermReadout",
    "read_terms",
]
