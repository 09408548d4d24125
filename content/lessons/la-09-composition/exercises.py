"""Exercises for la-09-composition."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import matrix_latex, matrix_text, signed_text, vector_latex, vector_text

_WIDTHS = (16, 32, 64, 128, 256, 512, 768, 1024)


def _small_square(rng: random.Random, n: int) -> list[list[int]]:
    for _ in randmat.attempts("la-09-composition: _small_square"):
        M = [[rng.randint(-2, 3) for _ in range(n)] for _ in range(n)]
        if sum(x != 0 for row in M for x in row) >= n + 1:
            return M


@exercise("composition-matrix", answer_type="matrix")
def composition_matrix(rng: random.Random) -> Variant:
    n = rng.choice([2, 2, 3])
    for _ in randmat.attempts("la-09-composition: composition-matrix"):
        A, B = _small_square(rng, n), _small_square(rng, n)
        BA, AB = randmat.matmul(B, A), randmat.matmul(A, B)
        # The wrong order must be wrong, and not the transpose (which gets its own feedback).
        if AB != BA and AB != randmat.transpose(BA):
            break
    return Variant(
        prompt={
            "en": (f"The linear map $f$ has matrix $A = {matrix_latex(A)}$ and $g$ has matrix "
                   f"$B = {matrix_latex(B)}$. What is the matrix of $g \\circ f$?"),
            "ru": (f"У линейного отображения $f$ матрица $A = {matrix_latex(A)}$, у $g$ — матрица "
                   f"$B = {matrix_latex(B)}$. Какова матрица $g \\circ f$?"),
        },
        answer=answers.Matrix(BA, hints={
            matrix_text(AB): {
                "en": ("That is $AB$, the matrix of $f \\circ g$. The wrong order: $g \\circ f$ applies $f$ "
                       "first, and the map applied first stands on the right, so the matrix is $BA$."),
                "ru": ("Это $AB$ — матрица $f \\circ g$. Порядок перепутан: $g \\circ f$ сначала применяет "
                       "$f$, а первое отображение стоит справа, поэтому матрица равна $BA$."),
            },
        }),
        solution={
            "en": (f"$g \\circ f$ applies $f$ first, so its matrix is "
                   f"$BA = {matrix_latex(B)}{matrix_latex(A)} = {matrix_latex(BA)}$. "
                   f"Entry $(i, j)$ is row $i$ of $B$ times column $j$ of $A$."),
            "ru": (f"$g \\circ f$ сначала применяет $f$, поэтому её матрица — "
                   f"$BA = {matrix_latex(B)}{matrix_latex(A)} = {matrix_latex(BA)}$. "
                   f"Элемент $(i, j)$ — это $i$-я строка $B$, умноженная на $j$-й столбец $A$."),
        },
        params={"A": A, "B": B},
        distractors={matrix_text(AB): "wrong order"},
    )


@exercise("stack-rank", answer_type="integer")
def stack_rank(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-09-composition: stack-rank"):
        widths = [rng.choice(_WIDTHS) for _ in range(4)]
        # A bottleneck strictly inside the stack, so "the smaller end" is a wrong answer.
        if min(widths[1:3]) < min(widths[0], widths[3]):
            break
    r = min(widths)
    ends = min(widths[0], widths[3])
    layers = ", ".join(f"nn.Linear({a}, {b}, bias=False)" for a, b in zip(widths, widths[1:]))
    return Variant(
        prompt={
            "en": (f"`nn.Sequential({layers})` has no activation functions, so it computes one matrix "
                   f"$W = W_3 W_2 W_1$ of shape $({widths[3]}, {widths[0]})$. What is the largest rank "
                   f"$W$ can have?"),
            "ru": (f"В `nn.Sequential({layers})` нет функций активации, поэтому она вычисляет одну "
                   f"матрицу $W = W_3 W_2 W_1$ размера $({widths[3]}, {widths[0]})$. Каков наибольший "
                   f"возможный ранг $W$?"),
        },
        answer=answers.Integer(r, hints={
            str(ends): {
                "en": ("That bound comes from the shape of $W$ alone. Every factor limits the rank: "
                       "look for the narrowest layer of the stack."),
                "ru": ("Эта оценка следует лишь из размера $W$. Ранг ограничивает каждый сомножитель: "
                       "найдите самый узкий слой стопки."),
            },
        }),
        solution={
            "en": (f"$\\operatorname{{rank}}(W_3 W_2 W_1) \\le \\min$ of the ranks of the factors, and each "
                   f"$W_i$ has rank at most the smaller of its two sizes. The narrowest width is ${r}$, so "
                   f"the rank is at most ${r}$; it equals ${r}$ when all factors have full rank."),
            "ru": (f"$\\operatorname{{rank}}(W_3 W_2 W_1)$ не больше минимума рангов сомножителей, а ранг "
                   f"каждой $W_i$ не больше меньшего из её размеров. Самый узкий слой имеет ширину ${r}$, "
                   f"поэтому ранг не больше ${r}$; он равен ${r}$, когда все сомножители имеют полный ранг."),
        },
        params={"widths": widths},
        distractors={str(ends): "narrowest layer"},
    )


@exercise("composite-apply", answer_type="vector")
def composite_apply(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-09-composition: composite-apply"):
        A, B = _small_square(rng, 2), _small_square(rng, 2)
        x = randmat.vector(rng, 2, entries=3)
        y = randmat.matvec(B, randmat.matvec(A, x))
        wrong = randmat.matvec(A, randmat.matvec(B, x))
        # Not parallel, so the grader's "right direction, wrong length" does not pre-empt the hint.
        if y[0] * wrong[1] - y[1] * wrong[0] != 0:
            break
    Ax = randmat.matvec(A, x)
    return Variant(
        prompt={
            "en": (f"$f(\\mathbf{{x}}) = A\\mathbf{{x}}$ and $g(\\mathbf{{y}}) = B\\mathbf{{y}}$ with "
                   f"$A = {matrix_latex(A)}$, $B = {matrix_latex(B)}$. Compute $(g \\circ f)(\\mathbf{{x}})$ "
                   f"for $\\mathbf{{x}} = {vector_latex(x)}$."),
            "ru": (f"$f(\\mathbf{{x}}) = A\\mathbf{{x}}$ и $g(\\mathbf{{y}}) = B\\mathbf{{y}}$, где "
                   f"$A = {matrix_latex(A)}$, $B = {matrix_latex(B)}$. Вычислите $(g \\circ f)(\\mathbf{{x}})$ "
                   f"для $\\mathbf{{x}} = {vector_latex(x)}$."),
        },
        answer=answers.Vector(y, hints={
            vector_text(wrong): {
                "en": "You applied $g$ first; that is $(f \\circ g)(\\mathbf{x})$. In $g \\circ f$, $f$ acts first.",
                "ru": "Вы сначала применили $g$ — это $(f \\circ g)(\\mathbf{x})$. В $g \\circ f$ первым действует $f$.",
            },
        }),
        solution={
            "en": (f"First $f$: $A\\mathbf{{x}} = {vector_latex(Ax)}$. Then $g$: "
                   f"$B{vector_latex(Ax)} = {vector_latex(y)}$. The same as $(BA)\\mathbf{{x}}$ with "
                   f"$BA = {matrix_latex(randmat.matmul(B, A))}$."),
            "ru": (f"Сначала $f$: $A\\mathbf{{x}} = {vector_latex(Ax)}$. Затем $g$: "
                   f"$B{vector_latex(Ax)} = {vector_latex(y)}$. То же самое даёт $(BA)\\mathbf{{x}}$, где "
                   f"$BA = {matrix_latex(randmat.matmul(B, A))}$."),
        },
        params={"A": A, "B": B, "x": x},
        distractors={vector_text(wrong): "applied $g$ first"},
    )


@exercise("affine-composition", answer_type="expression")
def affine_composition(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-09-composition: affine-composition"):
        a, c = (rng.choice([-3, -2, 2, 3, 4]) for _ in range(2))
        b, d = (rng.choice([-4, -3, -2, -1, 1, 2, 3, 4, 5]) for _ in range(2))
        # g(f(x)) = c(ax + b) + d and f(g(x)) = a(cx + d) + b differ in the constant term.
        if c * b + d != a * d + b:
            break
    slope, const = c * a, c * b + d
    wrong_const = a * d + b
    key = f"{slope}*x {signed_text(const)}"
    wrong = f"{slope}*x {signed_text(wrong_const)}"
    return Variant(
        prompt={
            "en": (f"Two one-unit layers with biases: $f(x) = {a}x {signed_text(b)}$ and "
                   f"$g(x) = {c}x {signed_text(d)}$. "
                   f"Write $(g \\circ f)(x)$ as a single expression in $x$."),
            "ru": (f"Два слоя из одного нейрона со смещениями: $f(x) = {a}x {signed_text(b)}$ и "
                   f"$g(x) = {c}x {signed_text(d)}$. Запишите $(g \\circ f)(x)$ одним выражением от $x$."),
        },
        answer=answers.Expression(key, variables=("x",)),
        solution={
            "en": (f"$(g \\circ f)(x) = g({a}x {signed_text(b)}) = {c}({a}x {signed_text(b)}) {signed_text(d)} = "
                   f"{slope}x {signed_text(const)}$. Two affine maps compose to one affine map: the slopes "
                   f"multiply, and the bias of $f$ is scaled by $g$ before $g$'s own bias is added."),
            "ru": (f"$(g \\circ f)(x) = g({a}x {signed_text(b)}) = {c}({a}x {signed_text(b)}) {signed_text(d)} = "
                   f"{slope}x {signed_text(const)}$. Композиция двух аффинных отображений — снова аффинное "
                   f"отображение: наклоны перемножаются, а смещение $f$ масштабируется отображением $g$ "
                   f"до прибавления собственного смещения $g$."),
        },
        params={"a": a, "b": b, "c": c, "d": d},
        distractors={wrong: "differs"},
    )
