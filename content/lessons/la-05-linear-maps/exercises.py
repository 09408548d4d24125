"""Exercises for la-05-linear-maps."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import lincomb_latex, matrix_latex, matrix_text, vector_text


def _nonzero_columns(rng: random.Random, m: int, n: int) -> list[list[int]]:
    """An m×n integer matrix with entries in [-3, 3], no zero column, and (if square) not symmetric."""
    for _ in randmat.attempts("la-05-linear-maps: _nonzero_columns"):
        A = [randmat.vector(rng, n, nonzero=False) for _ in range(m)]
        if all(any(col) for col in randmat.transpose(A)) and (m != n or A != randmat.transpose(A)):
            return A


@exercise("matrix-from-basis-images", answer_type="matrix")
def matrix_from_basis_images(rng: random.Random) -> Variant:
    n = rng.randint(2, 3)
    m = rng.choice([k for k in (2, 3, 4) if k != n])
    A = _nonzero_columns(rng, m, n)
    cols = randmat.transpose(A)
    given = ", ".join(f"f(e_{j + 1}) = {vector_text(c)}" for j, c in enumerate(cols))
    At = randmat.transpose(A)
    return Variant(
        prompt={
            "en": f"A linear map $f\\colon \\mathbb{{R}}^{n} \\to \\mathbb{{R}}^{m}$ has ${given}$. "
            f"Write the matrix of $f$ (its size is ${m} \\times {n}$).",
            "ru": f"Линейное отображение $f\\colon \\mathbb{{R}}^{n} \\to \\mathbb{{R}}^{m}$ таково, что ${given}$. "
            f"Запишите матрицу $f$ (размера ${m} \\times {n}$).",
        },
        answer=answers.Matrix(A),
        solution={
            "en": f"Column $j$ of the matrix is $f(e_j)$, so the {n} given vectors become the {n} columns: "
            f"$A = {matrix_latex(A)}$. It has {m} rows because the outputs live in "
            f"$\\mathbb{{R}}^{m}$, and {n} columns because the inputs live in $\\mathbb{{R}}^{n}$.",
            "ru": f"$j$-й столбец матрицы равен $f(e_j)$, поэтому {n} данных вектора становятся {n} столбцами: "
            f"$A = {matrix_latex(A)}$. Строк {m}, потому что значения лежат в $\\mathbb{{R}}^{m}$, "
            f"а столбцов {n}, потому что аргументы лежат в $\\mathbb{{R}}^{n}$.",
        },
        params={"A": A},
        distractors={matrix_text(At): "transpose"},
    )


@exercise("image-from-two-vectors", answer_type="vector")
def image_from_two_vectors(rng: random.Random) -> Variant:
    m = rng.randint(2, 3)
    for _ in randmat.attempts("la-05-linear-maps: image-from-two-vectors"):
        V = randmat.unimodular(rng, 2, entries=2)
        v1, v2 = randmat.transpose(V)
        F = [[rng.randint(-3, 3) for _ in range(2)] for _ in range(m)]
        w1, w2 = randmat.transpose(F)
        c = [rng.choice([-2, -1, 1, 2]), rng.choice([-2, -1, 1, 2])]
        x = randmat.matvec(V, c)
        fx = randmat.matvec(F, c)
        naive = randmat.matvec(F, x)  # treating v_1, v_2 as if they were e_1, e_2
        # the naive answer must not be parallel to f(x), or the grader's "right direction" feedback
        # would come first and hide the hint about the basis
        parallel = all(fx[i] * naive[j] == fx[j] * naive[i] for i in range(m) for j in range(m))
        if any(w1) and any(w2) and w1 != w2 and any(fx) and not parallel:
            break
    naive_text = vector_text(naive)
    wrong = {
        "en": "That treats $v_1, v_2$ as the standard basis. First write $x$ as a combination "
        "$c_1 v_1 + c_2 v_2$, then use linearity.",
        "ru": "Так было бы, если бы $v_1, v_2$ были стандартным базисом. Сначала разложите $x$ по "
        "$v_1, v_2$: $x = c_1 v_1 + c_2 v_2$, затем воспользуйтесь линейностью.",
    }
    return Variant(
        prompt={
            "en": f"A linear map $f\\colon \\mathbb{{R}}^2 \\to \\mathbb{{R}}^{m}$ sends $v_1 = {vector_text(v1)}$ to "
            f"${vector_text(w1)}$ and $v_2 = {vector_text(v2)}$ to ${vector_text(w2)}$. Compute $f(x)$ for $x = "
            f"{vector_text(x)}$.",
            "ru": f"Линейное отображение $f\\colon \\mathbb{{R}}^2 \\to \\mathbb{{R}}^{m}$ переводит "
            f"$v_1 = {vector_text(v1)}$ в ${vector_text(w1)}$, а $v_2 = {vector_text(v2)}$ — в ${vector_text(w2)}$. "
            f"Найдите $f(x)$ "
            f"для $x = {vector_text(x)}$.",
        },
        answer=answers.Vector(fx, hints={naive_text: wrong}),
        solution={
            "en": f"Solve $c_1 v_1 + c_2 v_2 = x$: $c_1 = {c[0]}$, $c_2 = {c[1]}$ "
            f"(check: ${lincomb_latex(c, [vector_text(v1), vector_text(v2)], dot=True)} = {vector_text(x)}$). "
            f"By linearity $f(x) = {lincomb_latex(c, ['f(v_1)', 'f(v_2)'])} = "
            f"{lincomb_latex(c, [vector_text(w1), vector_text(w2)], dot=True)} = {vector_text(fx)}$.",
            "ru": f"Решим $c_1 v_1 + c_2 v_2 = x$: $c_1 = {c[0]}$, $c_2 = {c[1]}$ "
            f"(проверка: ${lincomb_latex(c, [vector_text(v1), vector_text(v2)], dot=True)} = {vector_text(x)}$). "
            f"По линейности $f(x) = {lincomb_latex(c, ['f(v_1)', 'f(v_2)'])} = "
            f"{lincomb_latex(c, [vector_text(w1), vector_text(w2)], dot=True)} = {vector_text(fx)}$.",
        },
        params={"V": V, "F": F, "x": x},
        distractors={naive_text: "standard basis"},
    )


@exercise("matrix-from-nonstandard-basis", answer_type="matrix")
def matrix_from_nonstandard_basis(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-05-linear-maps: matrix-from-nonstandard-basis"):
        V = randmat.unimodular(rng, 2, entries=2)
        A = _nonzero_columns(rng, 2, 2)
        if not all(any(row) for row in A):
            continue
        F = randmat.matmul(A, V)  # column j is f(v_j) = A v_j
        # F must differ from A and from its transpose, or the grader's "transpose" feedback hides the hint
        if F != A and F != randmat.transpose(A) and all(abs(t) <= 12 for row in F for t in row):
            break
    v1, v2 = randmat.transpose(V)
    w1, w2 = randmat.transpose(F)
    Vinv = randmat.inverse(V)  # an integer matrix: V is unimodular
    e1c, e2c = randmat.transpose(Vinv)  # e_j = Vinv[0][j] v_1 + Vinv[1][j] v_2
    F_text = matrix_text(F)
    return Variant(
        prompt={
            "en": f"A linear map $f\\colon \\mathbb{{R}}^2 \\to \\mathbb{{R}}^2$ satisfies $f{vector_text(v1)} = "
            f"{vector_text(w1)}$ "
            f"and $f{vector_text(v2)} = {vector_text(w2)}$. Find its matrix $A$ in the standard basis.",
            "ru": f"Линейное отображение $f\\colon \\mathbb{{R}}^2 \\to \\mathbb{{R}}^2$ удовлетворяет условиям "
            f"$f{vector_text(v1)} = {vector_text(w1)}$ и $f{vector_text(v2)} = {vector_text(w2)}$. Найдите его матрицу "
            f"$A$ в стандартном базисе.",
        },
        answer=answers.Matrix(A, hints={F_text: {
            "en": "Those columns are $f(v_1)$ and $f(v_2)$, not the images of the standard basis vectors "
            "$f(e_1)$ and $f(e_2)$. Express $e_1$ and $e_2$ through $v_1$ and $v_2$ first.",
            "ru": "Это столбцы $f(v_1)$ и $f(v_2)$, а столбцами $A$ должны быть образы стандартных базисных "
            "векторов $f(e_1)$ и $f(e_2)$. Сначала выразите $e_1$ и $e_2$ через $v_1$ и $v_2$.",
        }}),
        solution={
            "en": f"Write the standard basis through $v_1, v_2$: $e_1 = {lincomb_latex(e1c, ['v_1', 'v_2'])}$ and "
            f"$e_2 = {lincomb_latex(e2c, ['v_1', 'v_2'])}$. By linearity $f(e_1) = "
            f"{vector_text(randmat.transpose(A)[0])}$ and "
            f"$f(e_2) = {vector_text(randmat.transpose(A)[1])}$, so $A = {matrix_latex(A)}$. Equivalently $AV = F$ "
            f"with "
            f"$V = {matrix_latex(V)}$, $F = {matrix_latex(F)}$, and $A = FV^{{-1}}$.",
            "ru": f"Выразим стандартный базис через $v_1, v_2$: $e_1 = {lincomb_latex(e1c, ['v_1', 'v_2'])}$ и "
            f"$e_2 = {lincomb_latex(e2c, ['v_1', 'v_2'])}$. По линейности $f(e_1) = "
            f"{vector_text(randmat.transpose(A)[0])}$ и "
            f"$f(e_2) = {vector_text(randmat.transpose(A)[1])}$, поэтому $A = {matrix_latex(A)}$. Иначе говоря, $AV = "
            f"F$, где "
            f"$V = {matrix_latex(V)}$, $F = {matrix_latex(F)}$, и $A = FV^{{-1}}$.",
        },
        params={"V": V, "F": F, "A": A},
        distractors={F_text: "standard basis vectors"},
    )


_LINEAR_FORMS = [
    ("{a} x_1 + {b} x_2", "{c} x_1"),
    ("{a} x_2", "{b} x_1 + {c} x_2"),
    ("{a} x_1 - {b} x_2", "{c} x_2"),
]


def _is_linear_case(rng: random.Random) -> tuple[str, bool, dict[str, str]]:
    """One map R^2 -> R^2 as LaTeX, whether it is linear, and why (en/ru)."""
    a, b, c = rng.randint(1, 4), rng.randint(1, 4), rng.randint(2, 5)
    kind = rng.choice(["linear", "linear", "affine", "product", "square", "abs", "relu"])
    if kind == "linear":
        first, second = (s.format(a=a, b=b, c=c) for s in rng.choice(_LINEAR_FORMS))
        why = {
            "en": "Each output is a fixed linear combination of $x_1, x_2$ with no constant term, so the map is "
            "$x \\mapsto Ax$ for a $2 \\times 2$ matrix $A$ and is linear.",
            "ru": "Каждая координата — фиксированная линейная комбинация $x_1, x_2$ без свободного члена, так что "
            "отображение имеет вид $x \\mapsto Ax$ с матрицей $A$ размера $2 \\times 2$ и линейно.",
        }
        return f"({first},\\ {second})", True, why
    if kind == "affine":
        expr = f"({a} x_1 + {b} x_2 + {c},\\ x_2)"
        why = {
            "en": f"It sends $0$ to $({c}, 0) \\neq 0$, and a linear map must send $0$ to $0$: the constant "
            f"{c} is a bias, which makes the map affine.",
            "ru": f"Оно переводит $0$ в $({c}, 0) \\neq 0$, а линейное отображение обязано переводить $0$ в $0$: "
            f"константа {c} — это смещение, и отображение аффинно.",
        }
        return expr, False, why
    if kind == "product":
        expr = f"({a} x_1 x_2,\\ x_1)"
        why = {
            "en": f"Homogeneity fails: scaling $x$ by $2$ scales ${a} x_1 x_2$ by $4$. For example $f(1, 1) = ({a}, 1)$ "
            f"but $f(2, 2) = ({4 * a}, 2) \\neq 2 f(1, 1)$.",
            "ru": f"Нарушена однородность: при умножении $x$ на $2$ слагаемое ${a} x_1 x_2$ умножается на $4$. "
            f"Например, $f(1, 1) = ({a}, 1)$, но $f(2, 2) = ({4 * a}, 2) \\neq 2 f(1, 1)$.",
        }
        return expr, False, why
    if kind == "square":
        expr = f"(x_1^2,\\ {a} x_2)"
        why = {
            "en": "Homogeneity fails in the first coordinate: $f(-1, 0) = (1, 0)$, but $-f(1, 0) = (-1, 0)$.",
            "ru": "Однородность нарушена в первой координате: $f(-1, 0) = (1, 0)$, но $-f(1, 0) = (-1, 0)$.",
        }
        return expr, False, why
    if kind == "abs":
        expr = f"({a} x_1,\\ |x_2|)"
        why = {
            "en": "$f(0, -1) = (0, 1)$ but $-f(0, 1) = (0, -1)$: the absolute value breaks $f(-x) = -f(x)$.",
            "ru": "$f(0, -1) = (0, 1)$, но $-f(0, 1) = (0, -1)$: модуль нарушает равенство $f(-x) = -f(x)$.",
        }
        return expr, False, why
    expr = f"(\\mathrm{{ReLU}}(x_1),\\ {a} x_2)"
    why = {
        "en": "ReLU is not additive: $f(1, 0) + f(-1, 0) = (1, 0)$, but $f(0, 0) = (0, 0)$.",
        "ru": "ReLU не аддитивна: $f(1, 0) + f(-1, 0) = (1, 0)$, но $f(0, 0) = (0, 0)$.",
    }
    return expr, False, why


@exercise("is-it-linear", answer_type="yesno")
def is_it_linear(rng: random.Random) -> Variant:
    expr, linear, why = _is_linear_case(rng)
    wrong = "no" if linear else "yes"
    hint = {
        "en": ("Look for a counterexample only if a law really fails; here every output is a linear combination "
               "of the inputs.") if linear else "Try a counterexample: check $f(0)$, $f(-x)$ and $f(2x)$.",
        "ru": ("Контрпример стоит искать, только если закон действительно нарушается; здесь каждая координата — "
               "линейная комбинация входов.") if linear else
        "Попробуйте найти контрпример: проверьте $f(0)$, $f(-x)$ и $f(2x)$.",
    }
    return Variant(
        prompt={
            "en": f"Is the map $f\\colon \\mathbb{{R}}^2 \\to \\mathbb{{R}}^2$, $f(x_1, x_2) = {expr}$, linear?",
            "ru": f"Линейно ли отображение $f\\colon \\mathbb{{R}}^2 \\to \\mathbb{{R}}^2$, $f(x_1, x_2) = {expr}$?",
        },
        answer=answers.YesNo(linear, hints={wrong: hint}),
        solution=why,
        params={"expr": expr},
        distractors={wrong: "counterexample"},
    )


@exercise("linear-layer-parameters", answer_type="integer")
def linear_layer_parameters(rng: random.Random) -> Variant:
    d_in = rng.choice([3, 4, 5, 6, 8, 10, 12, 16])
    d_out = rng.choice([k for k in (2, 3, 4, 5, 6, 8, 10, 12) if k != d_in])
    bias = rng.random() < 0.5
    total = d_out * d_in + (d_out if bias else 0)
    if bias:
        wrong, feedback = d_out * d_in, {
            "en": "That counts only the weight matrix; `bias=True` adds one number per output.",
            "ru": "Это только матрица весов; при `bias=True` добавляется по одному числу на каждый выход.",
        }
        key = "bias"
    else:
        wrong, feedback = d_out * d_in + d_out, {
            "en": "With `bias=False` there is no bias vector: only the weight matrix of shape (out, in).",
            "ru": "При `bias=False` вектора смещения нет: есть только матрица весов формы (out, in).",
        }
        key = "bias=False"
    w_shape = f"({d_out}, {d_in})"
    return Variant(
        prompt={
            "en": f"How many trainable numbers does `nn.Linear({d_in}, {d_out}, bias={bias})` have?",
            "ru": f"Сколько обучаемых чисел в слое `nn.Linear({d_in}, {d_out}, bias={bias})`?",
        },
        answer=answers.Integer(total, hints={str(wrong): feedback}),
        solution={
            "en": f"The layer maps $\\mathbb{{R}}^{{{d_in}}} \\to \\mathbb{{R}}^{{{d_out}}}$, so `weight` has shape "
            f"`{w_shape}`: ${d_out} \\cdot {d_in} = {d_out * d_in}$ numbers"
            + (f", plus a bias of shape `({d_out},)`: ${d_out * d_in} + {d_out} = {total}$." if bias else
               ". There is no bias, so the total is " + str(total) + "."),
            "ru": f"Слой отображает $\\mathbb{{R}}^{{{d_in}}} \\to \\mathbb{{R}}^{{{d_out}}}$, поэтому `weight` имеет форму "
            f"`{w_shape}`: ${d_out} \\cdot {d_in} = {d_out * d_in}$ чисел"
            + (f", плюс смещение формы `({d_out},)`: ${d_out * d_in} + {d_out} = {total}$." if bias else
               ". Смещения нет, так что всего " + str(total) + "."),
        },
        params={"in": d_in, "out": d_out, "bias": bias},
        distractors={str(wrong): key},
    )
