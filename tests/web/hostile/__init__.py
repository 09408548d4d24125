"""Hostile input for the site: the corpus (:mod:`.corpus`) and the HTTP client that sends it (:mod:`.client`).

``tests/web/test_hostile_http.py`` sends a sample of it through pytest-django's live server in CI;
``benchmarks/hostile.py`` sends at least 10,000 inputs per answer type and lab form to gunicorn.
"""

from .corpus import (
    ANSWER_TYPES,
    LAB_SLUGS,
    NASTY_TEXT,
    OVERSIZED,
    answer_text,
    lab_values,
    nasty_answers,
    nasty_lab_values,
    sample,
)

__all__ = [
    "ANSWER_TYPES",
    "LAB_SLUGS",
    "NASTY_TEXT",
    "OVERSIZED",
    "answer_text",
    "lab_values",
    "nasty_answers",
    "nasty_lab_values",
    "sample",
]
