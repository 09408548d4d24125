"""What every lab is made of: its form fields, its result, and the error a bad input raises.

A lab is a function from the raw strings of a form to a :class:`Result` (numbers for a template, the
JSON-ready ``data`` and plotly figures).  Bad input raises :class:`LabInputError` naming the field
and what is wrong; the views turn it into an HTTP 400 with the message on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from linlab.errors import LinlabError

__all__ = ["Field", "Figure", "Result", "Lab", "LabInputError", "LabUnavailable"]


class LabInputError(LinlabError, ValueError):
    """A lab input that cannot be used; ``field`` names the form field (None: the request as a whole).

    The message is meant for a person and is already translated to the active language.
    """

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = str(message)


class LabUnavailable(LinlabError, RuntimeError):
    """The lab cannot run here (an optional package is missing); the message says how to get it."""


@dataclass(frozen=True)
class Field:
    """One input of a lab's form.

    Attributes
    ----------
    name : str
        The form (and query string) parameter.
    label : str
        What the form shows (a lazy translation).
    default : str
        The value of a fresh form.
    kind : str
        ``"text"``, ``"textarea"`` or ``"select"``.
    choices : tuple of (value, label)
        The options of a select.
    help : str
        One line under the input.
    max_length : int
        The longest value accepted (checked before parsing, so a 10 MB string costs nothing).
    """

    name: str
    label: Any
    default: str
    kind: str = "text"
    choices: tuple[tuple[str, Any], ...] = ()
    help: Any = ""
    max_length: int = 100


@dataclass(frozen=True)
class Figure:
    """A plotly figure (``{"data": [...], "layout": {...}}``) with a caption for screen readers and print."""

    key: str
    spec: dict[str, Any]
    caption: Any = ""


@dataclass
class Result:
    """What a lab computed.

    Attributes
    ----------
    template : str
        The fragment that shows the numbers (``labs/results/<lab>.html``).
    context : dict
        Its template context (formatted numbers, MathML).
    data : dict
        The same results as JSON-ready numbers, returned to JSON clients and used by the tests.
    figures : list of Figure
        Plots, drawn by labs.js with plotly.
    values : dict
        Form values to show after computing (the random matrix a "Random" button made), on top of the
        submitted ones.
    """

    template: str
    context: dict[str, Any]
    data: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Lab:
    """One interactive lab: its page, its form and its computation.

    ``compute(values)`` takes the form's raw strings (missing ones filled with the defaults) and returns
    a :class:`Result`, or raises :class:`LabInputError` / :class:`LabUnavailable`.
    """

    slug: str
    title: Any
    summary: Any
    fields: tuple[Field, ...]
    compute: Callable[[Mapping[str, str]], Result]
    form_template: str
    form_context: Callable[[], dict[str, Any]] | None = None  # extra context for the form (what is installed)

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def defaults(self) -> dict[str, str]:
        return {f.name: f.default for f in self.fields}

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)
