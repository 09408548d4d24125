"""Exercises for la-03-dot-product."""

import math
import random
from fractions import Fraction

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import number_latex, products_latex, vector_text

# Integer vectors with integer length (|v|^2 a perfect square), up to signs and order of entries, so that
# cosines come out as exact fractions.
_PYTHAGOREAN = [(1, 2, 2), (2, 3, 6), (1, 4, 8), (4, 4, 7), (2, 6, 9), (0, 3, 4), (2, 1, 2), (6, 6, 7), (3, 4, 12)]


def _pythagorean(rng: random.Random) -> list[int]:
    v = list(rng.choice(_PYTHAGOREAN))
    rng.shuffle(v)
    return [t * rng.choice([1, -1]) for t in v]


@exercise("dot-product", answer_type="integer")
def dot_product(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    for _ in randmat.attempts("la-03-dot-product: dot-product"):
        x, y = randmat.vector(rng, n, entries=5), randmat.vector(rng, n, entries=5)
        d = randmat.dot(x, y)
        unsigned = sum(abs(p * q) for p, q in zip(x, y))
        if unsigned != d and -unsigned != d:
            break
    return Variant(
        prompt={
            "en": f"Compute $x \\cdot y$ for $x = {vector_text(x)}$ and $y = {vector_text(y)}$.",
            "ru": f"Вычислите $x \\cdot y$ для $x = {vector_text(x)}$ и $y = {vector_text(y)}$.",
        },
        answer=answers.Integer(d, hints={str(unsigned): {
            "en": "Mind the signs: a product of a negative and a positive entry is negative.",
            "ru": "Следите за знаками: произведение отрицательной и положительной координат отрицательно.",
        }}),
        solution={
            "en": f"Multiply entry by entry and add: $x \\cdot y = {products_latex(x, y)} = {d}$.",
            "ru": f"Перемножим соответствующие координаты и сложим: $x \\cdot y = {products_latex(x, y)} = {d}$.",
        },
        params={"x": x, "y": y},
        distractors={str(unsigned): "signs"},
    )


@exercise("cosine-similarity", answer_type="number")
def cosine_similarity(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-03-dot-product: cosine-similarity"):
        x, y = _pythagorean(rng), _pythagorean(rng)
        nx, ny = math.isqrt(randmat.dot(x, x)), math.isqrt(randmat.dot(y, y))
        d = randmat.dot(x, y)
        cos = Fraction(d, nx * ny)
        if d != 0 and abs(cos) != 1 and Fraction(d) != cos:
            break
    return Variant(
        prompt={
            "en": f"Find the cosine of the angle between $x = {vector_text(x)}$ and $y = {vector_text(y)}$ "
            f"(an exact fraction or a decimal).",
            "ru": f"Найдите косинус угла между $x = {vector_text(x)}$ и $y = {vector_text(y)}$ "
            f"(точной дробью или десятичным числом).",
        },
        answer=answers.Number(cos, hints={str(d): {
            "en": "That is the dot product $x \\cdot y$; divide it by the lengths $\\|x\\| \\|y\\|$.",
            "ru": "Это скалярное произведение $x \\cdot y$; разделите его на произведение длин $\\|x\\| \\|y\\|$.",
        }}),
        solution={
            "en": f"$x \\cdot y = {products_latex(x, y)} = {d}$, $\\|x\\| = \\sqrt{{{nx * nx}}} = {nx}$, "
            f"$\\|y\\| = \\sqrt{{{ny * ny}}} = {ny}$, so $\\cos\\theta = \\frac{{{d}}}{{{nx} \\cdot {ny}}} = {number_latex(cos)}$.",
            "ru": f"$x \\cdot y = {products_latex(x, y)} = {d}$, $\\|x\\| = \\sqrt{{{nx * nx}}} = {nx}$, "
            f"$\\|y\\| = \\sqrt{{{ny * ny}}} = {ny}$, поэтому $\\cos\\theta = \\frac{{{d}}}{{{nx} \\cdot {ny}}} = {number_latex(cos)}$.",
        },
        params={"x": x, "y": y},
        distractors={str(d): "lengths"},
    )


@exercise("vector-length", answer_type="number")
def vector_length(rng: random.Random) -> Variant:
    n = rng.randint(2, 4)
    for _ in randmat.attempts("la-03-dot-product: vector-length"):
        x = randmat.vector(rng, n, entries=4)
        s = randmat.dot(x, x)
        if s > 1 and sum(1 for t in x if t) >= 2:
            break
    root = math.isqrt(s)
    exact = str(root) if root * root == s else f"sqrt({s})"
    shown = str(root) if root * root == s else f"\\sqrt{{{s}}}"
    squares = " + ".join(f"{t}^2" if t >= 0 else f"({t})^2" for t in x)
    return Variant(
        prompt={
            "en": f"What is the length $\\|x\\|$ of $x = {vector_text(x)}$? (Exact values such as `sqrt(5)` are "
            f"accepted.)",
            "ru": f"Чему равна длина $\\|x\\|$ вектора $x = {vector_text(x)}$? (Можно вводить точные значения, "
            f"например `sqrt(5)`.)",
        },
        answer=answers.Number(exact, hints={str(s): {
            "en": "That is $\\|x\\|^2 = x \\cdot x$; the length is its square root.",
            "ru": "Это $\\|x\\|^2 = x \\cdot x$; длина — квадратный корень из этого числа.",
        }}),
        solution={
            "en": f"$\\|x\\| = \\sqrt{{x \\cdot x}} = \\sqrt{{{squares}}} = \\sqrt{{{s}}}" + (f" = {root}$." if shown == str(root) else "$.")
            + ("" if shown == str(root) else f" That is about ${math.sqrt(s):.4f}$."),
            "ru": f"$\\|x\\| = \\sqrt{{x \\cdot x}} = \\sqrt{{{squares}}} = \\sqrt{{{s}}}" + (f" = {root}$." if shown == str(root) else "$.")
            + ("" if shown == str(root) else f" Это примерно ${math.sqrt(s):.4f}$."),
        },
        params={"x": x},
        distractors={str(s): "square root"},
    )


@exercise("make-orthogonal", answer_type="integer")
def make_orthogonal(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    for _ in randmat.attempts("la-03-dot-product: make-orthogonal"):
        y = [rng.choice([1, -1])] + [rng.randint(-3, 3) for _ in range(n - 1)]
        rest = [rng.randint(-3, 3) for _ in range(n - 1)]
        s = randmat.dot(y[1:], rest)
        t = -s * y[0]  # y_1 t + s = 0 with y_1 = ±1
        if t != 0 and sum(1 for q in y[1:] if q) >= 1 and any(rest):
            break
    x_text = "(t, " + ", ".join(str(r) for r in rest) + ")"
    full = [t] + rest
    return Variant(
        prompt={
            "en": f"For which $t$ is $x = {x_text}$ orthogonal to $y = {vector_text(y)}$?",
            "ru": f"При каком $t$ вектор $x = {x_text}$ ортогонален вектору $y = {vector_text(y)}$?",
        },
        answer=answers.Integer(t, hints={str(-t): {
            "en": "Check the sign: with your value, $x \\cdot y$ is not 0.",
            "ru": "Проверьте знак: при вашем значении $x \\cdot y$ не равно 0.",
        }}),
        solution={
            "en": f"Orthogonal means $x \\cdot y = 0$: ${'' if y[0] == 1 else '-'}t + ({s}) = 0$, so $t = {t}$. "
            f"Check: ${vector_text(full)} \\cdot {vector_text(y)} = {products_latex(full, y)} = "
            f"{randmat.dot(full, y)}$.",
            "ru": f"Ортогональность означает $x \\cdot y = 0$: ${'' if y[0] == 1 else '-'}t + ({s}) = 0$, откуда $t = {t}$. "
            f"Проверка: ${vector_text(full)} \\cdot {vector_text(y)} = {products_latex(full, y)} = "
            f"{randmat.dot(full, y)}$.",
        },
        params={"y": y, "rest": rest},
        distractors={str(-t): "sign"},
    )


@exercise("orthogonal-complement", answer_type="basis")
def orthogonal_complement(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-03-dot-product: orthogonal-complement"):
        u = randmat.vector(rng, 3, entries=3)
        if sum(1 for t in u if t) >= 2:
            break
    name = {"en": "the orthogonal complement", "ru": "ортогональное дополнение"}
    key = answers.KernelBasis([u], name=name, witness_name="u")
    kernel = randmat.kernel_basis([u])
    return Variant(
        prompt={
            "en": f"Give a basis of the orthogonal complement $U^\\perp$ of $U = "
            f"\\operatorname{{span}}\\big({vector_text(u)}\\big)$ "
            f"in $\\mathbb{{R}}^3$. Type the vectors separated by commas, e.g. `[1, 0, 2], [0, 1, -1]`.",
            "ru": f"Укажите базис ортогонального дополнения $U^\\perp$ к $U = "
            f"\\operatorname{{span}}\\big({vector_text(u)}\\big)$ "
            f"в $\\mathbb{{R}}^3$. Векторы вводите через запятую, например `[1, 0, 2], [0, 1, -1]`.",
        },
        answer=key,
        solution={
            "en": f"$U^\\perp = \\{{x : {vector_text(u)} \\cdot x = 0\\}}$, a plane: $\\dim U^\\perp = 3 - 1 = 2$. Two "
            f"independent "
            f"solutions of the equation are ${', '.join(vector_text(v) for v in kernel)}$ (check: their dot products "
            f"with "
            f"${vector_text(u)}$ are ${', '.join(str(randmat.dot(u, v)) for v in kernel)}$). Any two independent "
            f"vectors orthogonal to "
            f"${vector_text(u)}$ are also correct.",
            "ru": f"$U^\\perp = \\{{x : {vector_text(u)} \\cdot x = 0\\}}$ — плоскость: $\\dim U^\\perp = 3 - 1 = 2$. "
            f"Два линейно "
            f"независимых решения этого уравнения: ${', '.join(vector_text(v) for v in kernel)}$ (проверка: их "
            f"скалярные "
            f"произведения с ${vector_text(u)}$ равны ${', '.join(str(randmat.dot(u, v)) for v in kernel)}$). Любые "
            f"два линейно "
            f"независимых вектора, ортогональных ${vector_text(u)}$, — тоже верный ответ.",
        },
        params={"u": u},
        distractors={vector_text(u): "is not in"},
    )
