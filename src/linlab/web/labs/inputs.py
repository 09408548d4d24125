"""Read lab inputs from form strings: matrices, numbers, whole numbers and choices.

Nothing is evaluated: numbers and matrices go through :mod:`linlab.course.parse` (a tokenizer and a
recursive-descent parser with size limits), whole numbers and choices are compared as text.  Every
reader first checks the length of the raw string, so hostile input costs bounded time, and raises
:class:`~linlab.web.labs.core.LabInputError` naming the field and what is wrong.
"""

from __future__ import annotations

import math
from fractions import Fraction

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from linlab.course.parse import parse_matrix, parse_number
from linlab.errors import ParseError

from .core import Field, LabInputError

__all__ = ["read_text", "read_matrix", "read_number", "read_integer", "read_choice", "shown", "MAX_ENTRY"]

#: Largest entry (in size) of a lab matrix or point: keeps plots and exact arithmetic small.
MAX_ENTRY = 10**6


def shown(text: str, limit: int = 24) -> str:
    """The user's text, shortened for an error message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_text(field: Field, text: str) -> str:
    """The raw value, refused when it is longer than ``field.max_length`` or empty."""
    if len(text) > field.max_length:
        raise LabInputError(
            field.name,
            _("%(name)s is too long: %(length)s characters (at most %(limit)s).")
            % {"name": field.label, "length": f"{len(text):,}", "limit": f"{field.max_length:,}"},
        )
    if not text.strip():
        raise LabInputError(field.name, _("%(name)s is empty.") % {"name": field.label})
    return text


def _parse_message(err: ParseError) -> str:
    """The parser's message in the active language (it carries English and Russian)."""
    messages = getattr(err, "messages", None) or {}
    language = (get_language() or "en").split("-")[0]
    return messages.get(language) or str(err)


def read_matrix(field: Field, text: str, *, max_rows: int, max_cols: int) -> list[list[Fraction | float]]:
    """A matrix typed like ``1 2; 3 4``, ``[[1, 2], [3, 4]]`` or one row per line.

    Returns
    -------
    list of rows, shape (rows, cols)
        Exact entries (``1/2``, ``0.1``) as ``Fraction``, others (``sqrt(2)``) as ``float``.

    Raises
    ------
    LabInputError
        Too long, empty, not a matrix of numbers, larger than ``max_rows``×``max_cols``, or an entry
        larger than :data:`MAX_ENTRY` in size.
    """
    read_text(field, text)
    try:
        grid = parse_matrix(text)
    except ParseError as err:
        raise LabInputError(field.name, _parse_message(err)) from err
    rows, cols = len(grid), len(grid[0])
    if rows > max_rows or cols > max_cols:
        raise LabInputError(
            field.name,
            _("The matrix is %(rows)d×%(cols)d; this lab takes at most %(max_rows)d×%(max_cols)d.")
            % {"rows": rows, "cols": cols, "max_rows": max_rows, "max_cols": max_cols},
        )
    out = []
    for i, row in enumerate(grid, start=1):
        values = []
        for j, entry in enumerate(row, start=1):
            value: Fraction | float = entry.exact if entry.exact is not None else float(entry.approx)
            if not math.isfinite(float(value)) or abs(value) > MAX_ENTRY:
                raise LabInputError(
                    field.name,
                    _("Entry (%(i)d, %(j)d) is %(value)s; entries must be at most %(limit)s in size.")
                    % {"i": i, "j": j, "value": f"{float(value):.4g}", "limit": f"{MAX_ENTRY:g}"},
                )
            values.append(value)
        out.append(values)
    return out


def read_number(
    field: Field, text: str, *, low: float, high: float, open_low: bool = False, open_high: bool = False
) -> Fraction | float:
    """One number (``0.1``, ``1/10``, ``0,1``, ``sqrt(2)/2``) in the interval between ``low`` and ``high``.

    ``open_low``/``open_high`` exclude the end points.  Returns a ``Fraction`` when the number is exact.
    """
    read_text(field, text)
    try:
        scalar = parse_number(text)
    except ParseError as err:
        raise LabInputError(field.name, _parse_message(err)) from err
    value: Fraction | float = scalar.exact if scalar.exact is not None else float(scalar.approx)
    x = float(value)
    too_low = x <= low if open_low else x < low
    too_high = x >= high if open_high else x > high
    if not math.isfinite(x) or too_low or too_high:
        interval = ("(" if open_low else "[") + f"{low:g}, {high:g}" + (")" if open_high else "]")
        raise LabInputError(
            field.name,
            _("%(name)s must lie in %(interval)s; got %(value)s.")
            % {"name": field.label, "interval": interval, "value": shown(text)},
        )
    return value


def read_integer(field: Field, text: str, *, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (``2048``, ``2^11`` and ``1e3`` are read too)."""
    read_text(field, text)
    try:
        scalar = parse_number(text)
    except ParseError as err:
        raise LabInputError(field.name, _parse_message(err)) from err
    if scalar.exact is None or scalar.exact.denominator != 1:
        raise LabInputError(
            field.name,
            _("%(name)s must be a whole number; got %(value)s.") % {"name": field.label, "value": shown(text)},
        )
    value = int(scalar.exact)
    if not low <= value <= high:
        raise LabInputError(
            field.name,
            _("%(name)s must be a whole number from %(low)s to %(high)s; got %(value)s.")
            % {"name": field.label, "low": low, "high": high, "value": shown(text)},
        )
    return value


def read_choice(field: Field, text: str) -> str:
    """One of the field's choices, compared exactly."""
    allowed = [value for value, _label in field.choices]
    if text not in allowed:
        raise LabInputError(
            field.name,
            _("%(name)s must be one of %(choices)s; got %(value)s.")
            % {"name": field.label, "choices": ", ".join(allowed), "value": shown(text) or '""'},
        )
    return text
