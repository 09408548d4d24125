"""Turn what users pass (tensors, numpy arrays, nested lists) into validated torch tensors.

Validation happens once, here, at the public entry points; the rest of the engine trusts its inputs.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import torch
from torch import Tensor

from ..errors import DTypeError, NonFiniteError, ShapeError

#: Matrices up to this many rows and columns whose entries are small rationals take the exact path.
EXACT_MAX_DIM = 16
#: Largest numerator / denominator accepted on the exact path (keeps Fraction arithmetic cheap).
_EXACT_MAX_NUMERATOR = 2**40
_EXACT_MAX_DENOMINATOR = 2**10

Rationals = list[list[Fraction]]


def as_tensor(data: Any, *, name: str, ndim: int | tuple[int, ...] | None = None) -> Tensor:
    """A floating tensor from ``data``, keeping dtype and device of a floating tensor.

    Integer and boolean tensors or arrays, and nested lists, become float64.  Raises ``DTypeError``
    for complex, string or object data, ``ShapeError`` for ragged lists or a wrong number of
    dimensions, ``NonFiniteError`` for NaN or ±inf (naming the first offending position).
    """
    tensor, _ = _convert(data, name=name)
    _check_ndim(tensor, name=name, ndim=ndim)
    _check_finite(tensor, name=name)
    return tensor


def as_matrix(data: Any, *, name: str = "matrix") -> tuple[Tensor, Rationals | None]:
    """A 2-D floating tensor with no empty dimension, plus its exact rational entries when it has them.

    The rationals are returned when the matrix is at most :data:`EXACT_MAX_DIM` on each side and every
    entry is a small rational: an integer, a ``Fraction``, or a float with a small power-of-two
    denominator such as ``0.5`` (``0.1`` is not: its binary value has a 2⁻⁵⁵ denominator).
    """
    tensor, fractions = _convert(data, name=name)
    _check_ndim(tensor, name=name, ndim=2)
    if 0 in tensor.shape:
        raise ShapeError(
            f"{name} has shape {tuple(tensor.shape)}: a linear map needs at least one row and one column"
        )
    _check_finite(tensor, name=name)
    if max(tensor.shape) > EXACT_MAX_DIM:
        return tensor, None
    if fractions is None:
        fractions = _small_rationals(tensor, fraction_bits=_fraction_bits(tensor.dtype))
    return tensor, fractions


def _fraction_bits(dtype: torch.dtype) -> int:
    """How many significant bits a non-integer entry of this dtype may use and still count as exact.

    A float32 entry like 42717.5586 (= 10935693/256) fills all 24 mantissa bits: it is almost certainly
    a rounded value, and treating it as exact would make a rank-1 matrix rounded to float32 rank 2.
    Requiring 8 spare mantissa bits keeps 0.5 or 3.25 exact and sends rounded values to the SVD path.
    """
    significant_bits = 1 - int(math.log2(torch.finfo(dtype).eps))  # 24 for float32, 53 for float64
    return max(significant_bits - 8, 0)


def _convert(data: Any, *, name: str) -> tuple[Tensor, Rationals | None]:
    if isinstance(data, Tensor):
        return _from_tensor(data, name=name), None
    if isinstance(data, np.ndarray):
        if data.dtype.kind not in "biuf":
            raise DTypeError(f"{name} has numpy dtype {data.dtype}; expected real numbers")
        return _from_tensor(torch.from_numpy(np.ascontiguousarray(data)), name=name), None
    if isinstance(data, (list, tuple)):
        return _from_nested(data, name=name)
    raise DTypeError(
        f"{name} must be a torch tensor, a numpy array or nested lists of numbers, got {type(data).__name__}"
    )


def _from_tensor(t: Tensor, *, name: str) -> Tensor:
    t = t.detach()  # an analysis, not a training step: no autograd graph through the engine
    if t.layout != torch.strided:
        raise DTypeError(f"{name} is a {t.layout} tensor; pass {name}.to_dense() (linlab works on dense matrices)")
    if t.is_complex():
        raise DTypeError(f"{name} has complex dtype {t.dtype}; linlab works with real matrices")
    if not t.is_floating_point():
        return t.to(torch.float64)
    return t


def _from_nested(data: Sequence[Any], *, name: str) -> tuple[Tensor, Rationals | None]:
    shape = _nested_shape(data, name=name)
    flat: list[Any] = []
    _flatten(data, flat)
    for index, value in enumerate(flat):
        if isinstance(value, (Tensor, np.ndarray)):
            raise DTypeError(
                f"{name}{_index(index, shape)} is a {type(value).__name__} inside a list; stack them into one array "
                f"first, e.g. torch.stack(vectors, dim=1) to make them columns"
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            where = _index(index, shape)
            raise DTypeError(f"{name}{where} is {value!r} ({type(value).__name__}); expected a real number")
    values = []
    for index, v in enumerate(flat):
        try:
            values.append(float(v))
        except OverflowError:
            raise NonFiniteError(f"{name}{_index(index, shape)} is too large for a float64 ({str(v)[:20]}…)") from None
    tensor = torch.tensor(values, dtype=torch.float64).reshape(shape)
    fractions = None
    if len(shape) == 2 and all(isinstance(v, (int, Fraction)) for v in flat):
        fractions = [[Fraction(v) for v in row] for row in data]
        if any(abs(f.numerator) > _EXACT_MAX_NUMERATOR for row in fractions for f in row):
            fractions = None
    return tensor, fractions


def _nested_shape(data: Any, *, name: str, path: str = "") -> tuple[int, ...]:
    if not isinstance(data, (list, tuple)):
        return ()
    shapes = [_nested_shape(item, name=name, path=f"{path}[{i}]") for i, item in enumerate(data)]
    for i, s in enumerate(shapes[1:], start=1):
        if s != shapes[0]:
            raise ShapeError(
                f"{name} is ragged: {name}{path}[{i}] has shape {s} but {name}{path}[0] has shape {shapes[0]}"
            )
    return (len(data),) + (shapes[0] if shapes else ())


def _flatten(data: Any, out: list[Any]) -> None:
    if isinstance(data, (list, tuple)):
        for item in data:
            _flatten(item, out)
    else:
        out.append(data)


def _index(flat_index: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return ""
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat_index, shape)) + "]"


def _check_ndim(t: Tensor, *, name: str, ndim: int | tuple[int, ...] | None) -> None:
    if ndim is None:
        return
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if t.ndim not in allowed:
        want = " or ".join(str(n) for n in allowed)
        raise ShapeError(f"{name} must have {want} dimension(s), got shape {tuple(t.shape)} ({t.ndim} dimensions)")


def _check_finite(t: Tensor, *, name: str) -> None:
    bad = ~torch.isfinite(t)
    if bool(bad.any()):
        first = int(bad.reshape(-1).nonzero()[0])
        value = t.reshape(-1)[first].item()
        count = int(bad.sum())
        raise NonFiniteError(
            f"{name}{_index(first, tuple(t.shape))} is {value} ({count} non-finite entr{'y' if count == 1 else 'ies'} "
            f"in shape {tuple(t.shape)}); only finite numbers are allowed"
        )


def _small_rationals(t: Tensor, *, fraction_bits: int = 45) -> Rationals | None:
    """The exact entries of a small float matrix, or None when some entry is not a small rational.

    Integers count up to the numerator cap; a non-integer entry also needs a numerator of at most
    ``fraction_bits`` bits (see :func:`_fraction_bits`).
    """
    rows: Rationals = []
    for row in t.detach().cpu().to(torch.float64).tolist():
        out_row = []
        for x in row:
            f = Fraction(x)
            if f.denominator > _EXACT_MAX_DENOMINATOR or abs(f.numerator) > _EXACT_MAX_NUMERATOR:
                return None
            if f.denominator > 1 and abs(f.numerator).bit_length() > fraction_bits:
                return None
            out_row.append(f)
        rows.append(out_row)
    return rows
