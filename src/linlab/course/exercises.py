"""Randomized exercises: a generator turns a seed into a :class:`Variant` with an exact answer key.

A lesson's ``exercises.py`` decorates generators with :func:`exercise`; each becomes an
:class:`Exercise` whose ``generate(seed)`` seeds a ``random.Random`` from ``"{id}:{seed}"`` through
SHA-256 (stable across runs and machines, unlike Python's salted ``hash``) and calls the generator.
The loader collects the module-level ``Exercise`` objects in definition order and sets ``lesson_id``.

Examples
--------
>>> from linlab.course import answers
>>> @exercise("double-it", answer_type="integer")
... def double_it(rng):
...     n = rng.randint(2, 9)
...     return Variant(prompt={"en": f"What is $2 \\\\cdot {n}$?", "ru": f"Чему равно $2 \\\\cdot {n}$?"},
...                    answer=answers.Integer(2 * n),
...                    solution={"en": f"${2 * n}$.", "ru": f"${2 * n}$."},
...                    params={"n": n}, distractors={str(n): "not right"})
>>> v = double_it.generate(seed=7)
>>> v.check(v.expected).correct, v.answer_type, double_it.generate(seed=7).prompt("en") == v.prompt("en")
(True, 'integer', True)
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from fractions import Fraction
from typing import Any, Callable

from linlab.course.answers import ANSWER_TYPES, Answer, Result
from linlab.course.i18n import LANGS, check_lang
from linlab.errors import DTypeError, ParseError

__all__ = ["Variant", "Exercise", "Result", "exercise", "seeded_rng"]

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_PARAM_DEPTH = 6


def _lang_texts(value: object, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        keys = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise ParseError(f"{what} must be a dict with exactly the keys 'en' and 'ru', got {keys}")
    for lang in LANGS:
        if not isinstance(value[lang], str) or not value[lang].strip():
            raise ParseError(f"{what}[{lang!r}] must be a non-empty str, got {value[lang]!r}")
    return {lang: value[lang] for lang in LANGS}


def _check_param(value: object, path: str, depth: int = 0) -> None:
    if depth > _MAX_PARAM_DEPTH:
        raise DTypeError(f"params{path} is nested more than {_MAX_PARAM_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, int, str, Fraction)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DTypeError(f"params{path} must be finite, got {value!r}")
        return
    if isinstance(value, (list, tuple)):
        for i, x in enumerate(value):
            _check_param(x, f"{path}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for k, x in value.items():
            if not isinstance(k, str):
                raise DTypeError(f"params{path} has a key {k!r} that is not a str")
            _check_param(x, f"{path}[{k!r}]", depth + 1)
        return
    raise DTypeError(f"params{path} must be built of int, Fraction, float, str, bool, None, lists and dicts; "
                     f"got {type(value).__name__}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return str(value) if value.denominator != 1 else value.numerator
    if isinstance(value, (list, tuple)):
        return [_jsonable(x) for x in value]
    if isinstance(value, dict):
        return {k: _jsonable(x) for k, x in value.items()}
    return value


class Variant:
    """One generated exercise: prompt and solution in both languages, the answer key, parameters.

    Parameters
    ----------
    prompt, solution : dict
        ``{"en": …, "ru": …}`` Markdown with ``$…$`` math.  Stored as ``prompts`` and ``solutions``
        (``prompt(lang)`` and ``solution(lang)`` are methods).
    answer : Answer
        The key from :mod:`linlab.course.answers`.
    params : dict, optional
        What the generator drew (matrices, numbers): ``str`` keys; values built of ``int``,
        ``Fraction``, ``float`` (finite), ``str``, ``bool``, ``None``, lists/tuples and dicts, at most
        6 levels deep.  :meth:`to_json` writes Fractions as ``"p/q"``.
    distractors : dict, optional
        Typical wrong answers → a word or phrase that the English feedback on them must contain (the
        test suite checks it for 200 seeds).

    Raises
    ------
    ParseError
        If a language is missing or a text is empty, or a distractor is not ``str → str``.
    DTypeError
        If ``answer`` is not an :class:`Answer` or ``params`` holds something else than the above.
    """

    def __init__(self, *, prompt: dict[str, str], answer: Answer, solution: dict[str, str],
                 params: dict[str, Any] | None = None, distractors: dict[str, str] | None = None) -> None:
        self.prompts = _lang_texts(prompt, "prompt")
        self.solutions = _lang_texts(solution, "solution")
        if not isinstance(answer, Answer):
            raise DTypeError(f"answer must be an answer key from linlab.course.answers, got {type(answer).__name__}")
        self.answer = answer
        params = {} if params is None else params
        if not isinstance(params, dict):
            raise DTypeError(f"params must be a dict, got {type(params).__name__}")
        _check_param(params, "")
        self.params = params
        distractors = {} if distractors is None else distractors
        if not isinstance(distractors, dict):
            raise ParseError(f"distractors must be a dict {{typed answer: phrase}}, got {type(distractors).__name__}")
        for key, phrase in distractors.items():
            if not isinstance(key, str) or not isinstance(phrase, str) or not phrase.strip():
                raise ParseError(f"distractors must map a typed answer (str) to a non-empty phrase (str); "
                                 f"got {key!r}: {phrase!r}")
        self.distractors = dict(distractors)
        self.exercise_id: str | None = None
        self.seed: int | None = None

    def prompt(self, lang: str) -> str:
        """The question in ``lang`` (``"en"`` or ``"ru"``)."""
        return self.prompts[check_lang(lang)]

    def solution(self, lang: str) -> str:
        """The worked solution in ``lang``."""
        return self.solutions[check_lang(lang)]

    def check(self, text: str, lang: str = "en") -> Result:
        """Grade what the learner typed; never raises for a ``str`` (see :meth:`Answer.check`)."""
        return self.answer.check(text, lang)

    @property
    def answer_type(self) -> str:
        """The answer key's type (``"integer"``, ``"basis"``, …)."""
        return self.answer.answer_type

    @property
    def expected(self) -> str:
        """One canonical typed answer that grades correct."""
        return self.answer.expected

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict: ``exercise_id``, ``seed``, ``prompt``, ``solution``, ``answer_type``,
        ``expected`` and ``params`` (Fractions as ``"p/q"``).  It holds the answer: send it to a
        learner's browser only after the answer is submitted."""
        return {
            "exercise_id": self.exercise_id,
            "seed": self.seed,
            "prompt": dict(self.prompts),
            "solution": dict(self.solutions),
            "answer_type": self.answer_type,
            "expected": self.expected,
            "params": _jsonable(self.params),
        }

    def __repr__(self) -> str:
        return f"Variant(exercise_id={self.exercise_id!r}, seed={self.seed!r}, answer={self.answer!r})"


def seeded_rng(exercise_id: str, seed: int) -> random.Random:
    """The ``random.Random`` that ``generate(seed)`` hands to the generator: seeded from SHA-256 of
    ``"{exercise_id}:{seed}"``, the same on every run and machine.

    Examples
    --------
    >>> seeded_rng("x", 1).random() == seeded_rng("x", 1).random() != seeded_rng("x", 2).random()
    True
    """
    digest = hashlib.sha256(f"{exercise_id}:{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest, "big"))


class Exercise:
    """A randomized exercise: ``generate(seed)`` gives the same :class:`Variant` for the same seed.

    Attributes
    ----------
    id : str
        Lowercase letters, digits and ``-``; unique within the lesson.
    answer_type : str
        The type every variant's answer key has.
    title : str or dict or None
        Optional display title (a str, or ``{"en": …, "ru": …}``).
    lesson_id : str or None
        Set by the loader.
    generator : callable
        The decorated function ``f(rng: random.Random) -> Variant``.
    """

    def __init__(self, id: str, generator: Callable[[random.Random], Variant], *, answer_type: str,
                 title: str | dict[str, str] | None = None) -> None:
        if not isinstance(id, str) or not _ID.match(id):
            raise ParseError(f"exercise id must be lowercase letters, digits and '-', got {id!r}")
        if answer_type not in ANSWER_TYPES:
            raise ParseError(f"answer_type of exercise {id!r} must be one of {', '.join(ANSWER_TYPES)}; "
                             f"got {answer_type!r}")
        if not callable(generator):
            raise DTypeError(f"the generator of exercise {id!r} must be callable, got {type(generator).__name__}")
        if title is not None and not isinstance(title, str):
            title = _lang_texts(title, f"title of exercise {id!r}")
        self.id = id
        self.answer_type = answer_type
        self.title = title
        self.generator = generator
        self.lesson_id: str | None = None
        self.__doc__ = generator.__doc__
        self.__name__ = getattr(generator, "__name__", id)

    def generate(self, seed: int) -> Variant:
        """The variant for ``seed`` (an int): the generator called with :func:`seeded_rng`.

        Raises
        ------
        DTypeError
            If ``seed`` is not an int, or the generator returns something else than a :class:`Variant`.
        ParseError
            If the variant's answer type is not the exercise's ``answer_type``.
        """
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise DTypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
        variant = self.generator(seeded_rng(self.id, seed))
        if not isinstance(variant, Variant):
            raise DTypeError(f"exercise {self.id!r} must return a Variant, returned {type(variant).__name__}")
        if variant.answer_type != self.answer_type:
            raise ParseError(f"exercise {self.id!r} declares answer_type={self.answer_type!r} but its variant "
                             f"for seed {seed} has a {variant.answer_type!r} answer")
        variant.exercise_id, variant.seed = self.id, seed
        return variant

    def __repr__(self) -> str:
        where = f"{self.lesson_id}/" if self.lesson_id else ""
        return f"Exercise({where}{self.id}, answer_type={self.answer_type!r})"


def exercise(id: str, *, answer_type: str, title: str | dict[str, str] | None = None
             ) -> Callable[[Callable[[random.Random], Variant]], Exercise]:
    """Decorate a generator ``f(rng) -> Variant`` into an :class:`Exercise` named ``id``."""

    def wrap(generator: Callable[[random.Random], Variant]) -> Exercise:
        return Exercise(id, generator, answer_type=answer_type, title=title)

    if not isinstance(id, str) or not _ID.match(id):
        raise ParseError(f"exercise id must be lowercase letters, digits and '-', got {id!r}")
    return wrap
