"""The shapes of the API's requests and responses (they are also the OpenAPI schema's components).

Text meant to be shown is HTML with math as MathML (``prompt``, ``html``, ``feedback_html``, …);
``title`` and ``category`` are plain text.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

__all__ = [
    "Lang",
    "LangQuery",
    "ErrorOut",
    "FieldErrorOut",
    "ValidationErrorOut",
    "LessonSummary",
    "LessonLink",
    "SectionOut",
    "CheckQuestionOut",
    "ReflectionOut",
    "RelatedLessonOut",
    "RelatedTopicOut",
    "ExerciseOut",
    "LessonDetail",
    "AnswerIn",
    "AttemptOut",
    "CheckIn",
    "CheckResultOut",
    "ChecksProgress",
    "ExercisesProgress",
    "ProgressOut",
    "DueCardOut",
    "TokenIn",
    "TokenOut",
    "NewTokenOut",
]

Lang = Literal["en", "ru"]


class LangQuery(Schema):
    lang: Lang | None = Field(None, description="en or ru; default: the learner's profile language, else en.")


class ErrorOut(Schema):
    """Every error: a message meant for a person (422 adds ``errors``, one entry per bad field)."""

    detail: str


class FieldErrorOut(Schema):
    loc: list[str] = Field(description='Where the problem is: ["query", "lang"], ["body", "answer"], …')
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: the request does not fit the schema (a bad query value, a missing or mistyped body field)."""

    detail: str
    errors: list[FieldErrorOut]


class LessonSummary(Schema):
    id: str = Field(examples=["la-05-linear-maps"])
    order: int
    title: str
    category: str
    lab: str | None = Field(description="The lesson's live lab: linear-map, svd, layernorm or packing.")
    prerequisites: list[str] = Field(description="Ids of the lessons to know first.")
    exercises: list[str] = Field(description="Ids of the lesson's randomized exercises.")
    checks: list[str] = Field(description="Ids of the lesson's inline check questions.")


class LessonLink(Schema):
    id: str
    title: str


class SectionOut(Schema):
    id: str = Field(examples=["definition"])
    title: str = Field(description="HTML")
    html: str = Field(description='HTML with MathML; a question sits where <div class="check|reflect" '
                                  'data-question-id="ID"></div> is (see checks and reflections).')


class CheckQuestionOut(Schema):
    id: str
    section: str
    type: str = Field(description="The answer type: yesno, choice, integer, number, vector, …")
    question: str = Field(description="HTML")
    choices: list[str] | None = Field(description="HTML of each option (type choice); answer with its number, 1 first.")
    variables: list[str] | None = Field(description="The variables an expression answer may use.")


class ReflectionOut(Schema):
    id: str
    question: str = Field(description="HTML")
    answer: str = Field(description="HTML: a worked answer, to read after thinking it over.")


class RelatedLessonOut(Schema):
    id: str
    title: str
    why: str = Field(description="HTML")


class RelatedTopicOut(Schema):
    topic: str = Field(description="HTML")
    why: str = Field(description="HTML")


class ExerciseOut(Schema):
    id: str
    title: str | None
    answer_type: str


class LessonDetail(Schema):
    id: str
    order: int
    lang: Lang
    title: str
    category: str
    lab: str | None
    content_version: str = Field(description="Changes whenever the course content changes.")
    ml_applications: list[str] = Field(description="HTML: where this shows up in ML.")
    prerequisites: list[LessonLink]
    sections: list[SectionOut]
    checks: list[CheckQuestionOut]
    reflections: list[ReflectionOut]
    key_ideas: list[str] = Field(description="HTML, one line each.")
    related: list[RelatedLessonOut]
    related_topics: list[RelatedTopicOut]
    exercises: list[ExerciseOut]


class AnswerIn(Schema):
    answer: str = Field(description="What the learner typed (at most 2,000 characters).", examples=["[2, -1, 0]"])


class AttemptOut(Schema):
    """One exercise variant shown to the learner; the grade, solution and expected answer once answered."""

    id: int
    lesson: str
    exercise: str
    number: int = Field(description="1 for the learner's first attempt at this exercise, 2 for the next, …")
    review: bool = Field(description="Made from a due review card (its grade reschedules the card).")
    lang: Lang
    created: datetime
    prompt: str = Field(description="HTML with MathML.")
    prompt_markdown: str = Field(description="The same prompt as Markdown with $…$ LaTeX.")
    answer_type: str
    choices: list[str] | None = Field(description="HTML of each option (type choice); answer with its number, 1 first.")
    answered: bool
    answered_at: datetime | None
    answer: str | None = Field(description="What was answered (null until answered).")
    correct: bool | None
    score: float | None = Field(description="0 to 1; partial credit for partly right answers.")
    feedback: str | None = Field(description="Markdown with $…$ LaTeX.")
    feedback_html: str | None
    solution: str | None = Field(description="HTML: the worked solution, revealed once answered.")
    expected: str | None = Field(description="One typed answer that grades correct, revealed once answered.")


class CheckIn(Schema):
    answer: str = Field(description="What the learner typed (at most 2,000 characters).", examples=["no"])
    submission: uuid.UUID | None = Field(
        None, description="A key you choose per answer: sending the same key again stores one answer and "
                          "returns the first grade (safe retries).")


class CheckResultOut(Schema):
    lesson: str
    question: str
    correct: bool
    feedback: str = Field(description="Markdown with $…$ LaTeX.")
    feedback_html: str
    explanation: str = Field(description="HTML: why the answer is what it is.")
    answer: str = Field(description="The answer as stored (the first one sent with this submission key).")
    submission: uuid.UUID


class ChecksProgress(Schema):
    total: int
    right: list[str]
    tried: list[str]


class ExercisesProgress(Schema):
    attempts: int = Field(description="Graded exercise attempts in this lesson.")
    last: list[bool] = Field(description="The last graded attempts, newest first: right or not.")
    right_of_last: int
    window: int
    needed: int = Field(description="The lesson is done when right_of_last reaches this and every check is right.")


class ProgressOut(Schema):
    lesson: str
    state: Literal["not-started", "in-progress", "done", "review-due"]
    done: bool
    checks: ChecksProgress
    exercises: ExercisesProgress
    reviews_due: int


class DueCardOut(Schema):
    id: int = Field(description="The card's id: POST /reviews/{id}/attempt gives its review variant.")
    lesson: str
    exercise: str
    due: datetime
    reviews: int = Field(description="How often the card was rated so far.")


class TokenIn(Schema):
    name: str = Field("", description="What the token is for (at most 100 characters).", examples=["my notebook"])


class TokenOut(Schema):
    prefix: str = Field(description="The token's first 12 characters; it names the token.", examples=["llt_1a2b3c4d"])
    name: str
    created: datetime
    last_used: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself. It is shown only this once: store it now.")
