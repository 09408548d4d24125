"""Exercises for la-06-transformations."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import factor_latex, matrix_latex, matrix_text, vector_latex, vector_text


def _nonzero(rng: random.Random, lo: int, hi: int) -> int:
    return rng.choice([k for k in range(lo, hi + 1) if k != 0])


def _det_latex(a: int, b: int, c: int, d: int) -> str:
    return f"{factor_latex(a)} \\cdot {factor_latex(d)} - {factor_latex(b)} \\cdot {factor_latex(c)} = {a * d - b * c}"


def _plus(coef: int, var: str) -> str:
    """'+ 3y', '- 2y', '+ y' for a non-zero coefficient."""
    sign = "-" if coef < 0 else "+"
    size = "" if abs(coef) == 1 else str(abs(coef))
    return f"{sign} {size}{var}"


@exercise("image-area", answer_type="integer")
def image_area(rng: random.Random) -> Variant:
    # All four entries non-zero: then |ad + bc| != |ad - bc|, so the "plus instead of minus"
    # distractor is always a wrong answer.
    for _ in randmat.attempts("la-06-transformations: image-area"):
        a, b, c, d = (_nonzero(rng, -4, 4) for _ in range(4))
        det = a * d - b * c
        if det != 0:
            break
    p, q = rng.randint(1, 3), rng.randint(1, 4)
    area = abs(det) * p * q
    wrong_sign_rule = abs(a * d + b * c) * p * q
    A = [[a, b], [c, d]]
    hints = {
        str(wrong_sign_rule): {
            "en": "Check the determinant formula: it is ad − bc, with a minus sign.",
            "ru": "Проверьте формулу определителя: ad − bc, со знаком минус.",
        },
    }
    distractors = {str(wrong_sign_rule): "determinant formula"}
    if det < 0:
        hints[str(det * p * q)] = {
            "en": "An area cannot be negative: take the absolute value of the determinant.",
            "ru": "Площадь не бывает отрицательной: возьмите модуль определителя.",
        }
        distractors[str(det * p * q)] = "absolute value"
    if p * q > 1 and str(abs(det)) not in hints:
        hints[str(abs(det))] = {
            "en": "That is the area of the image of the unit square; the rectangle has a different area.",
            "ru": "Это площадь образа единичного квадрата, а у прямоугольника площадь другая.",
        }
    return Variant(
        prompt={
            "en": (f"The linear transformation $A = {matrix_latex(A)}$ is applied to the rectangle "
                   f"$[0, {p}] \\times [0, {q}]$. What is the area of its image?"),
            "ru": (f"Линейное преобразование $A = {matrix_latex(A)}$ применяется к прямоугольнику "
                   f"$[0, {p}] \\times [0, {q}]$. Чему равна площадь его образа?"),
        },
        answer=answers.Integer(area, hints=hints),
        solution={
            "en": (f"$\\det A = {_det_latex(a, b, c, d)}$. Every area is multiplied by "
                   f"$|\\det A| = {abs(det)}$, and the rectangle has area ${p} \\cdot {q} = {p * q}$, so its "
                   f"image has area ${abs(det)} \\cdot {p * q} = {area}$."),
            "ru": (f"$\\det A = {_det_latex(a, b, c, d)}$. Любая площадь умножается на "
                   f"$|\\det A| = {abs(det)}$, площадь прямоугольника равна ${p} \\cdot {q} = {p * q}$, "
                   f"поэтому площадь образа равна ${abs(det)} \\cdot {p * q} = {area}$."),
        },
        params={"A": A, "p": p, "q": q},
        distractors=distractors,
    )


def _describe(rng: random.Random) -> tuple[dict[str, str], list[list[int]]]:
    """A geometric description and its matrix; every matrix here differs from its transpose."""
    kind = rng.choice(["rot90", "rot270", "rot-scale", "hshear", "vshear", "rot3d"])
    if kind == "rot90":
        return ({"en": "the rotation of the plane by $90^\\circ$ counter-clockwise",
                 "ru": "поворот плоскости на $90^\\circ$ против часовой стрелки"}, [[0, -1], [1, 0]])
    if kind == "rot270":
        return ({"en": "the rotation of the plane by $90^\\circ$ clockwise",
                 "ru": "поворот плоскости на $90^\\circ$ по часовой стрелке"}, [[0, 1], [-1, 0]])
    if kind == "rot-scale":
        s = rng.randint(2, 5)
        return ({"en": (f"the rotation of the plane by $90^\\circ$ counter-clockwise followed by "
                        f"scaling by the factor ${s}$ in every direction"),
                 "ru": (f"поворот плоскости на $90^\\circ$ против часовой стрелки, а затем растяжение "
                        f"в ${s}$ раз во всех направлениях")}, [[0, -s], [s, 0]])
    if kind == "hshear":
        k = _nonzero(rng, -4, 4)
        return ({"en": f"the horizontal shear that sends $(x, y)$ to $(x {_plus(k, 'y')}, y)$",
                 "ru": f"горизонтальный сдвиг, переводящий $(x, y)$ в $(x {_plus(k, 'y')}, y)$"}, [[1, k], [0, 1]])
    if kind == "vshear":
        k = _nonzero(rng, -4, 4)
        return ({"en": f"the vertical shear that sends $(x, y)$ to $(x, y {_plus(k, 'x')})$",
                 "ru": f"вертикальный сдвиг, переводящий $(x, y)$ в $(x, y {_plus(k, 'x')})$"}, [[1, 0], [k, 1]])
    axis = rng.choice(["x", "y", "z"])
    # Counter-clockwise when looking from the positive end of the axis towards the origin.
    M = {"z": [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
         "x": [[1, 0, 0], [0, 0, -1], [0, 1, 0]],
         "y": [[0, 0, 1], [0, 1, 0], [-1, 0, 0]]}[axis]
    return ({"en": (f"the rotation of $\\mathbb{{R}}^3$ by $90^\\circ$ about the ${axis}$-axis, "
                    f"counter-clockwise when seen from the positive ${axis}$-axis"),
             "ru": (f"поворот $\\mathbb{{R}}^3$ на $90^\\circ$ вокруг оси ${axis}$ против часовой стрелки, "
                    f"если смотреть с положительного конца оси ${axis}$")}, M)


@exercise("transformation-matrix", answer_type="matrix")
def transformation_matrix(rng: random.Random) -> Variant:
    description, M = _describe(rng)
    n = len(M)
    cols_en = ", ".join(f"$T(\\mathbf{{e}}_{j + 1}) = {vector_text([M[i][j] for i in range(n)])}$"
                        for j in range(n))
    T = randmat.transpose(M)
    return Variant(
        prompt={
            "en": f"Write the matrix of {description['en']}.",
            "ru": f"Запишите матрицу преобразования: {description['ru']}.",
        },
        answer=answers.Matrix(M, hints={
            matrix_text(T): {
                "en": "You wrote the images of the basis vectors as rows; they are the columns.",
                "ru": "Вы записали образы базисных векторов строками, а это столбцы.",
            },
        }),
        solution={
            "en": f"Follow the basis vectors: {cols_en}. These are the columns: ${matrix_latex(M)}$.",
            "ru": (f"Проследим за базисными векторами: {cols_en}. Это и есть столбцы: "
                   f"${matrix_latex(M)}$."),
        },
        params={"M": M},
        distractors={matrix_text(T): "transpose"},
    )


@exercise("image-of-point", answer_type="vector")
def image_of_point(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-06-transformations: image-of-point"):
        A = [[rng.randint(-3, 3) for _ in range(2)] for _ in range(2)]
        x = [_nonzero(rng, -3, 3) for _ in range(2)]
        y, y_rows = randmat.matvec(A, x), randmat.matvec(randmat.transpose(A), x)
        # The row-combination mistake must not even be parallel to the answer, or the grader
        # would (rightly) answer "right direction, wrong length" instead of the hint.
        if y[0] * y_rows[1] - y[1] * y_rows[0] != 0:
            break
    return Variant(
        prompt={
            "en": (f"Where does the linear transformation $A = {matrix_latex(A)}$ send the point "
                   f"$\\mathbf{{x}} = {vector_latex(x)}$?"),
            "ru": (f"Куда линейное преобразование $A = {matrix_latex(A)}$ переводит точку "
                   f"$\\mathbf{{x}} = {vector_latex(x)}$?"),
        },
        answer=answers.Vector(y, hints={
            vector_text(y_rows): {
                "en": ("You combined the rows of $A$; $A\\mathbf{x}$ is the combination of the columns "
                       "with weights $x_1, x_2$."),
                "ru": ("Вы взяли комбинацию строк $A$, а $A\\mathbf{x}$ — это комбинация столбцов "
                       "с коэффициентами $x_1, x_2$."),
            },
        }),
        solution={
            "en": (f"$A\\mathbf{{x}} = {factor_latex(x[0])} \\cdot {vector_latex([A[0][0], A[1][0]])} + "
                   f"{factor_latex(x[1])} \\cdot {vector_latex([A[0][1], A[1][1]])} = {vector_latex(y)}$."),
            "ru": (f"$A\\mathbf{{x}} = {factor_latex(x[0])} \\cdot {vector_latex([A[0][0], A[1][0]])} + "
                   f"{factor_latex(x[1])} \\cdot {vector_latex([A[0][1], A[1][1]])} = {vector_latex(y)}$."),
        },
        params={"A": A, "x": x},
        distractors={vector_text(y_rows): "columns"},
    )


@exercise("flips-orientation", answer_type="yesno")
def flips_orientation(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-06-transformations: flips-orientation"):
        a, b, c, d = (rng.randint(-4, 4) for _ in range(4))
        det = a * d - b * c
        if det != 0:
            break
    A = [[a, b], [c, d]]
    flips = det < 0
    wrong = "no" if flips else "yes"
    return Variant(
        prompt={
            "en": (f"Does the linear transformation $A = {matrix_latex(A)}$ reverse orientation, "
                   f"turning every shape into a mirror image?"),
            "ru": (f"Меняет ли линейное преобразование $A = {matrix_latex(A)}$ ориентацию, то есть "
                   f"превращает ли оно каждую фигуру в её зеркальное отражение?"),
        },
        answer=answers.YesNo(flips, hints={
            wrong: {
                "en": "Look at the sign of the determinant ad − bc.",
                "ru": "Посмотрите на знак определителя ad − bc.",
            },
        }),
        solution={
            "en": (f"$\\det A = {_det_latex(a, b, c, d)}$, which is "
                   + ("negative, so orientation is reversed." if flips
                      else "positive, so orientation is kept.")),
            "ru": (f"$\\det A = {_det_latex(a, b, c, d)}$ — "
                   + ("отрицательное число, поэтому ориентация меняется." if flips
                      else "положительное число, поэтому ориентация сохраняется.")),
        },
        params={"A": A},
        distractors={wrong: "sign of the determinant"},
    )
