"""The parser's limits and reserved names, and the :class:`~linlab.errors.ParseError` every part raises.

The limits are checked before any work that could grow with them, so hostile input costs bounded time
(see :mod:`linlab.course.parse`).  :func:`_fail` builds the error with its message in both languages.
"""

from __future__ import annotations

from typing import Any

from linlab.course.i18n import MESSAGES, message
from linlab.errors import ParseError

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_TREE_DEPTH",
    "MAX_DIGITS",
    "MAX_SCI_EXPONENT",
    "MAX_POWER",
    "MAX_SIZE",
    "FUNCTIONS",
    "EMPTY_SPELLINGS",
]

MAX_LENGTH = 2000
MAX_DEPTH = 20
MAX_TREE_DEPTH = 60
MAX_DIGITS = 30
MAX_SCI_EXPONENT = 30
MAX_POWER = 100
MAX_SIZE = 20
_MAX_BITS = 20_000
_MAX_MAGNITUDE = 1e300

FUNCTIONS = ("sqrt", "exp", "log", "ln", "sin", "cos", "tan", "abs")
_CONSTANTS = ("pi", "e")

#: How the empty basis (a basis of the zero subspace) may be typed; spaces and case are ignored.
EMPTY_SPELLINGS = frozenset({"0", "{0}", "{}", "none", "empty", "нет", "пусто", "∅", "[]", "()"})


# --------------------------------------------------------------------------------------------------
# errors


def _fail(key: str, **fields: Any) -> ParseError:
    """A ParseError whose message is English, with both languages kept in ``.messages``."""
    if "what" in fields:
        fields["what"] = _what(fields["what"])
    texts = {
        lang: message(key, lang, **{k: (v[lang] if isinstance(v, dict) else v) for k, v in fields.items()})
        for lang in ("en", "ru")
    }
    err = ParseError(texts["en"])
    err.messages = texts  # type: ignore[attr-defined]
    return err


def _what(kind: str | dict) -> dict[str, str]:
    return kind if isinstance(kind, dict) else MESSAGES[f"what_{kind}"]
