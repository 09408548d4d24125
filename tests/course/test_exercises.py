"""Variant and Exercise: validation, determinism, the seed hashing, JSON, and the LaTeX helpers."""

from __future__ import annotations

import hashlib
import json
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linlab.course import answers, randmat
from linlab.course.exercises import Exercise, Result, Variant, exercise, seeded_rng
from linlab.course.latex import matrix_latex, matrix_text, number_latex, number_text, vector_latex, vector_text
from linlab.errors import DTypeError, NonFiniteError, ParseError, ShapeError

EN_RU = {"en": "text", "ru": "текст"}


def variant(**overrides):
    kwargs = dict(prompt=EN_RU, answer=answers.Integer(2), solution=EN_RU, params={"n": 1},
                  distractors={"3": "not right"})
    kwargs.update(overrides)
    return Variant(**kwargs)


@exercise("rank-of-random", answer_type="integer", title={"en": "Rank", "ru": "Ранг"})
def rank_of_random(rng: random.Random) -> Variant:
    m, n = rng.randint(2, 4), rng.randint(2, 5)
    A = randmat.with_rank(rng, m, n, rank=rng.randint(1, min(m, n)))
    r = randmat.rank(A)
    return Variant(prompt={"en": f"$A = {matrix_latex(A)}$. Rank?", "ru": f"$A = {matrix_latex(A)}$. Ранг?"},
                   answer=answers.Integer(r), solution={"en": f"{r}", "ru": f"{r}"},
                   params={"A": A, "half": Fraction(r, 2)}, distractors={str(r + 1): "not right"})


def test_variant_api():
    v = variant()
    assert v.prompt("en") == "text" and v.solution("ru") == "текст"
    assert v.prompts == EN_RU and v.solutions == EN_RU
    assert v.answer_type == "integer" and v.expected == "2"
    assert v.check("2") == Result(True, 1.0, "Correct.") and v.check("2", lang="ru").feedback == "Верно."
    assert not v.check("3").correct
    with pytest.raises(ParseError, match="lang"):
        v.prompt("de")


@pytest.mark.parametrize("overrides, error, match", [
    ({"prompt": {"en": "only"}}, ParseError, "exactly the keys 'en' and 'ru'"),
    ({"prompt": {"en": "a", "ru": "  "}}, ParseError, r"prompt\['ru'\] must be a non-empty str"),
    ({"solution": {"en": "a", "ru": "б", "de": "c"}}, ParseError, "exactly the keys"),
    ({"answer": 2}, DTypeError, "answer must be an answer key"),
    ({"params": {"x": object()}}, DTypeError, r"params\['x'\]"),
    ({"params": {"x": [1, float("nan")]}}, DTypeError, "finite"),
    ({"params": {1: 2}}, DTypeError, "not a str"),
    ({"params": [1]}, DTypeError, "must be a dict"),
    ({"distractors": {"3": ""}}, ParseError, "non-empty phrase"),
    ({"distractors": {3: "x"}}, ParseError, "typed answer"),
])
def test_variant_validates_its_arguments(overrides, error, match):
    with pytest.raises(error, match=match):
        variant(**overrides)


def test_variant_to_json_is_serialisable_and_keeps_fractions_exact():
    v = rank_of_random.generate(3)
    data = json.loads(json.dumps(v.to_json()))
    assert data["exercise_id"] == "rank-of-random" and data["seed"] == 3
    assert data["answer_type"] == "integer" and data["expected"] == v.expected
    assert data["params"]["A"] == v.params["A"]
    half = v.params["half"]
    assert data["params"]["half"] == (str(half) if half.denominator != 1 else half.numerator)
    assert data["prompt"] == v.prompts


@given(st.integers(-(10**12), 10**12))
def test_the_same_seed_gives_the_same_variant(seed):
    a, b = rank_of_random.generate(seed), rank_of_random.generate(seed=seed)
    assert a.prompt("en") == b.prompt("en") and a.expected == b.expected and a.params == b.params
    assert a.check(a.expected).correct


def test_different_seeds_give_different_variants():
    prompts = {rank_of_random.generate(s).prompt("en") for s in range(30)}
    assert len(prompts) > 20


def test_the_seed_is_hashed_with_sha256_of_id_and_seed():
    for seed in (0, 7, -3):
        digest = hashlib.sha256(f"rank-of-random:{seed}".encode()).digest()
        want = random.Random(int.from_bytes(digest, "big")).random()
        assert seeded_rng("rank-of-random", seed).random() == want


def test_exercise_attributes():
    assert isinstance(rank_of_random, Exercise)
    assert rank_of_random.id == "rank-of-random" and rank_of_random.answer_type == "integer"
    assert rank_of_random.title == {"en": "Rank", "ru": "Ранг"} and rank_of_random.lesson_id is None
    assert rank_of_random.__name__ == "rank_of_random"


def test_exercise_validation():
    with pytest.raises(ParseError, match="lowercase"):
        exercise("Bad Id", answer_type="integer")
    with pytest.raises(ParseError, match="answer_type"):
        exercise("ok", answer_type="integers")(lambda rng: variant())
    with pytest.raises(ParseError, match="title"):
        exercise("ok", answer_type="integer", title={"en": "only"})(lambda rng: variant())
    with pytest.raises(DTypeError, match="seed must be an int"):
        rank_of_random.generate("7")  # type: ignore[arg-type]
    with pytest.raises(DTypeError, match="seed must be an int"):
        rank_of_random.generate(True)
    wrong_type = exercise("wrong-type", answer_type="vector")(lambda rng: variant())
    with pytest.raises(ParseError, match="declares answer_type='vector'"):
        wrong_type.generate(1)
    not_variant = exercise("not-variant", answer_type="integer")(lambda rng: 2)
    with pytest.raises(DTypeError, match="must return a Variant"):
        not_variant.generate(1)


# --------------------------------------------------------------------------------------------- LaTeX


@given(st.lists(st.lists(st.fractions(max_denominator=9, min_value=-20, max_value=20), min_size=3, max_size=3),
                min_size=1, max_size=4))
def test_matrix_latex_converts_to_mathml_and_text_reads_back(rows):
    import latex2mathml.converter

    tex = matrix_latex(rows)
    assert tex.startswith("\\begin{pmatrix}") and tex.count("\\\\") == len(rows) - 1
    assert "<mtable" in latex2mathml.converter.convert(tex)
    assert answers.Matrix(rows).check(matrix_text(rows)).correct
    assert answers.Vector(rows[0]).check(vector_text(rows[0])).correct


def test_numbers_and_vectors_in_latex():
    assert number_latex(Fraction(-3, 4)) == "-\\frac{3}{4}" and number_latex(Fraction(4, 2)) == "2"
    assert number_text(Fraction(-3, 4)) == "-3/4" and number_latex(0.5) == "0.5"
    assert vector_latex([1, 2]) == "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"
    assert vector_latex([1, Fraction(1, 2)], column=False) == "\\left(1, \\frac{1}{2}\\right)"
    with pytest.raises(DTypeError):
        number_latex(True)
    with pytest.raises(NonFiniteError):
        number_latex(float("inf"))
    with pytest.raises(ShapeError):
        matrix_latex([[1, 2], [3]])
    with pytest.raises(ShapeError):
        matrix_latex([])
