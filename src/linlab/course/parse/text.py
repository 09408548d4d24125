"""Text normalisation: what a learner typed, in the parser's alphabet.

:func:`normalize` prepares text for the tokenizer (format characters dropped, NFKC, minus signs and
dashes, ``×``/``·``, ``π``, superscripts, Cyrillic look-alikes); :func:`_words` prepares a word answer
(yes/no, a choice, a spelling of the empty basis).
"""

from __future__ import annotations

import re
import unicodedata

from .limits import MAX_LENGTH, _fail

__all__ = ["normalize"]

_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                 "⁹": "9", "⁻": "-", "⁺": "+"}
_SUPERSCRIPT_RUN = re.compile("[" + "".join(_SUPERSCRIPTS) + "]+")
_REPLACE = str.maketrans({
    # dashes and the minus sign read as '-'
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\ufe63": "-",
    # multiplication and division signs
    "×": "*", "·": "*", "⋅": "*", "∙": "*", "∗": "*", "÷": "/", "∕": "/", "⁄": "/",
    "\u2028": "\n", "\u2029": "\n", "\r": "\n", "\t": " ", "\x0b": " ", "\x0c": " ", "\x85": "\n",
    # Cyrillic letters that look like Latin ones (typed with a Russian keyboard layout)
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X",
})


def normalize(text: str) -> str:
    """Return ``text`` in the parser's alphabet, or raise :class:`ParseError`.

    The length is checked first, on the raw text.  Format characters (right-to-left marks,
    zero-width spaces, the BOM) are dropped; compatibility forms become plain ones (NFKC: fullwidth
    ``１２`` is ``12``, a no-break space is a space); the minus sign ``−`` and dashes become ``-``,
    ``×`` and ``·`` become ``*``, ``π`` becomes ``pi``, superscripts ``x²`` become ``x^(2)``, and
    Cyrillic letters that look like Latin ones (``х``) become those.  Other control characters
    (NUL, …) are rejected.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str``.
    ParseError
        If it is longer than :data:`MAX_LENGTH` or holds a control character.

    Examples
    --------
    >>> normalize("\\u2212\\uff11\\u200f2х²")
    '-12x^(2)'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _fail("too_long", n=len(text), max=MAX_LENGTH)
    if text.isascii() and "\r" not in text and "\t" not in text and (text.isprintable() or _only_newlines(text)):
        return text  # the common case: nothing to do
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        if cat == "Cc" and ch not in "\n\r\t\x0b\x0c\x85":
            raise _fail("control_char", code=f"{ord(ch):04X}", what="operand")
        out.append(ch)
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^(" + "".join(_SUPERSCRIPTS[c] for c in m.group()) + ")", "".join(out))
    text = unicodedata.normalize("NFKC", text.replace("π", " pi "))
    text = text.translate(_REPLACE)
    if len(text) > 2 * MAX_LENGTH:  # NFKC can expand a character into many
        raise _fail("too_long", n=len(text), max=MAX_LENGTH)
    return text


def _only_newlines(text: str) -> bool:
    return all(line.isprintable() for line in text.split("\n"))


def _words(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _fail("too_long", n=len(text), max=MAX_LENGTH)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c in "\n\t")
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.strip().strip(".!?)(").split()).lower()
