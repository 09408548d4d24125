"""``linlab course check [PATH]``: load and validate the lessons, as CI does, and smoke-test the exercises.

Prints one line per lesson; any problem (a lesson file, a formula, an answer key, an exercise whose
expected answer does not grade right) ends in one error listing every problem with ``file:line``.
"""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register", "check_command"]


def register(app: typer.Typer) -> None:
    """Add ``linlab course check`` to ``app``."""
    course_app = typer.Typer(help="The course: lesson files in content/lessons.", no_args_is_help=True)
    course_app.command("check")(check_command)
    app.add_typer(course_app, name="course")


def check_command(
    path: Path | None = typer.Argument(
        None, help="The folder of lesson folders (default: $LINLAB_CONTENT or the checkout's content/lessons)."
    ),
    seeds: int = typer.Option(
        3, "--seeds", min=0, help="Seeds to generate per exercise; each expected answer must grade right."
    ),
) -> None:
    """Validate every lesson (front matter, sections, math, questions, answer keys) and try the exercises."""
    from rich.console import Console

    from ..course import CourseError, Problem, load_course

    console = Console()
    course = load_course(path, cache=False)
    problems: list[Problem] = []
    for lesson in course.lessons.values():
        for exercise in lesson.exercises:
            for seed in range(seeds):
                try:
                    variant = exercise.generate(seed)
                    result = variant.check(variant.expected, "en")
                except Exception as err:  # noqa: BLE001  report any failure of an author's generator
                    problems.append(Problem(lesson.source_path / "exercises.py", None,
                                            f"exercise {exercise.id!r}, seed {seed}: {type(err).__name__}: {err}"))
                    break
                if not result.correct:
                    problems.append(Problem(lesson.source_path / "exercises.py", None,
                                            f"exercise {exercise.id!r}, seed {seed}: its expected answer "
                                            f"{variant.expected!r} grades wrong: {result.feedback}"))
                    break
        console.print(
            f"{lesson.id}: {len(lesson.sections['en'])} sections, {len(lesson.checks)} checks, "
            f"{len(lesson.reflections)} reflections, {len(lesson.exercises)} exercises",
            highlight=False,
        )
    if problems:
        raise CourseError.from_problems(problems, root=course.root)
    console.print(f"[green]ok[/]: {len(course.lessons)} lessons in {course.root}, version {course.content_version}")
