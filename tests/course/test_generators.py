"""Every lesson's exercise generators, run for many seeds: the key grades its own answer, the
distractors grade wrong with the promised feedback, both languages are there, seeds are reproducible.

The number of seeds is 200 (``CI`` forces it); set ``LINLAB_EXERCISE_SEEDS`` to fewer for a quick
local run.  Each lesson's ``exercises.py`` is imported from its file, so a broken file fails its own
test and not the collection of the others.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import sys
import textwrap
from pathlib import Path

import pytest

from linlab.course.exercises import Exercise, Variant, seeded_rng

LESSONS = Path(__file__).resolve().parents[2] / "content" / "lessons"
EXERCISE_FILES = sorted(LESSONS.glob("*/exercises.py"))
SEEDS = 200 if os.environ.get("CI") else int(os.environ.get("LINLAB_EXERCISE_SEEDS", "200"))
MIN_EXERCISES = 3


def load_exercises(path: Path) -> list[Exercise]:
    """Import ``path`` as a fresh module and return its module-level Exercises in definition order."""
    name = "linlab_test_exercises_" + path.parent.name.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"cannot import {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    found: list[Exercise] = []
    for value in vars(module).values():
        if isinstance(value, Exercise) and all(value is not other for other in found):
            found.append(value)
    return found


def problems(exercises: list[Exercise], seeds: int) -> list[str]:
    """Everything wrong with these exercises over ``seeds`` seeds, one line each."""
    out: list[str] = []
    ids = [e.id for e in exercises]
    if len(set(ids)) != len(ids):
        out.append(f"exercise ids are not unique: {ids}")
    for ex in exercises:
        for seed in range(seeds):
            where = f"{ex.id} seed {seed}"
            try:
                v = ex.generate(seed)
            except Exception as err:  # the generator's own bug, reported with its seed
                out.append(f"{where}: generate raised {type(err).__name__}: {err}")
                break
            again = ex.generate(seed)
            if (again.prompt("en"), again.prompt("ru"), again.expected) != (v.prompt("en"), v.prompt("ru"), v.expected):
                out.append(f"{where}: the same seed gave a different variant")
            for lang in ("en", "ru"):
                if not v.prompt(lang).strip() or not v.solution(lang).strip():
                    out.append(f"{where}: empty prompt or solution in {lang}")
            for lang in ("en", "ru"):
                r = v.check(v.expected, lang)
                if not (r.correct and r.score == 1.0):
                    out.append(f"{where}: expected {v.expected!r} grades {r} in {lang}")
            if not v.distractors:
                out.append(f"{where}: no distractors")
            for typed, phrase in v.distractors.items():
                r = v.check(typed, "en")
                if r.correct:
                    out.append(f"{where}: distractor {typed!r} grades correct (expected {v.expected!r})")
                elif phrase.lower() not in r.feedback.lower():
                    out.append(f"{where}: distractor {typed!r}: feedback {r.feedback!r} lacks {phrase!r}")
                ru = v.check(typed, "ru")
                if ru.correct or not ru.feedback.strip():
                    out.append(f"{where}: distractor {typed!r} in Russian: {ru}")
            if len(out) > 20:
                return out
    return out


@pytest.mark.skipif(not EXERCISE_FILES, reason="no content/lessons/*/exercises.py yet")
@pytest.mark.parametrize("path", EXERCISE_FILES, ids=[p.parent.name for p in EXERCISE_FILES])
def test_lesson_exercises(path: Path) -> None:
    exercises = load_exercises(path)
    assert len(exercises) >= MIN_EXERCISES, f"{path}: {len(exercises)} exercises, at least {MIN_EXERCISES} needed"
    found = problems(exercises, SEEDS)
    assert not found, f"{path}:\n" + "\n".join(found[:20])


# ---------------------------------------------------------------------------------------------------
# the harness itself must catch broken lessons


BROKEN = {
    "wrong-expected": """
        class OffByOne(answers.Integer):
            @property
            def expected(self):
                return str(self.value + 1)

        @exercise("bad-key", answer_type="integer")
        def bad_key(rng):
            n = rng.randint(1, 5)
            return Variant(prompt={"en": "n?", "ru": "n?"}, answer=OffByOne(n),
                           solution={"en": "n", "ru": "n"}, distractors={"100": "not right"})
    """,
    "distractor-right": """
        @exercise("right-distractor", answer_type="integer")
        def right_distractor(rng):
            n = rng.randint(1, 5)
            return Variant(prompt={"en": "n?", "ru": "n?"}, answer=answers.Integer(n),
                           solution={"en": "n", "ru": "n"}, distractors={str(n): "not right"})
    """,
    "phrase-missing": """
        @exercise("no-phrase", answer_type="integer")
        def no_phrase(rng):
            n = rng.randint(1, 5)
            return Variant(prompt={"en": "n?", "ru": "n?"}, answer=answers.Integer(n),
                           solution={"en": "n", "ru": "n"}, distractors={str(n + 1): "transpose"})
    """,
    "not-reproducible": """
        import random as _r

        @exercise("flaky", answer_type="integer")
        def flaky(rng):
            n = _r.randint(1, 10**9)
            return Variant(prompt={"en": f"{n}?", "ru": f"{n}?"}, answer=answers.Integer(n),
                           solution={"en": "n", "ru": "n"}, distractors={str(n + 1): "not right"})
    """,
    "no-distractor": """
        @exercise("bare", answer_type="integer")
        def bare(rng):
            return Variant(prompt={"en": "1?", "ru": "1?"}, answer=answers.Integer(1),
                           solution={"en": "1", "ru": "1"})
    """,
    "generator-raises": """
        @exercise("raises", answer_type="integer")
        def raises(rng):
            if rng.random() < 0.5:
                raise ZeroDivisionError("oops")
            return Variant(prompt={"en": "1?", "ru": "1?"}, answer=answers.Integer(1),
                           solution={"en": "1", "ru": "1"}, distractors={"2": "not right"})
    """,
    "wrong-type": """
        @exercise("wrong-type", answer_type="vector")
        def wrong_type(rng):
            return Variant(prompt={"en": "1?", "ru": "1?"}, answer=answers.Integer(1),
                           solution={"en": "1", "ru": "1"}, distractors={"2": "not right"})
    """,
}
HEADER = "from linlab.course import answers\nfrom linlab.course.exercises import Variant, exercise\n"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_harness_catches_a_broken_generator(case: str, tmp_path: Path) -> None:
    folder = tmp_path / f"la-99-{case}"
    folder.mkdir()
    (folder / "exercises.py").write_text(HEADER + textwrap.dedent(BROKEN[case]))
    exercises = load_exercises(folder / "exercises.py")
    assert len(exercises) == 1
    assert problems(exercises, 10)


def test_the_harness_passes_a_good_generator(tmp_path: Path) -> None:
    (tmp_path / "exercises.py").write_text(HEADER + textwrap.dedent("""
        @exercise("good", answer_type="integer")
        def good(rng):
            n = rng.randint(1, 5)
            return Variant(prompt={"en": f"{n}+1?", "ru": f"{n}+1?"}, answer=answers.Integer(n + 1),
                           solution={"en": "n+1", "ru": "n+1"}, distractors={str(n): "not right"})
    """))
    assert problems(load_exercises(tmp_path / "exercises.py"), 10) == []


def test_seeds_are_hashed_stably_not_with_pythons_salted_hash() -> None:
    digest = hashlib.sha256(b"nullity-from-rank:7").digest()
    expected = random.Random(int.from_bytes(digest, "big")).random()
    assert seeded_rng("nullity-from-rank", 7).random() == expected
    assert isinstance(Variant, type)
