"""Exercises for la-04-matrices."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import factor_latex, matrix_latex, matrix_text, products_latex, vector_latex, vector_text


def _matrix(rng: random.Random, m: int, n: int) -> list[list[int]]:
    """An m×n integer matrix with entries in [-3, 3] and no zero row or column."""
    for _ in randmat.attempts("la-04-matrices: _matrix"):
        A = [randmat.vector(rng, n, nonzero=False) for _ in range(m)]
        if all(any(row) for row in A) and all(any(col) for col in randmat.transpose(A)):
            return A


@exercise("matrix-times-vector", answer_type="vector")
def matrix_times_vector(rng: random.Random) -> Variant:
    n = rng.randint(2, 3)
    for _ in randmat.attempts("la-04-matrices: matrix-times-vector"):
        A = _matrix(rng, n, n)
        x = randmat.vector(rng, n)
        if not all(x):
            continue
        y = randmat.matvec(A, x)
        wrong = randmat.matvec(randmat.transpose(A), x)
        if any(y) and not randmat.parallel(y, wrong):
            break
    cols = randmat.transpose(A)
    combo = " + ".join(f"{factor_latex(c)} \\cdot {vector_text(col)}" for c, col in zip(x, cols))
    return Variant(
        prompt={
            "en": f"Compute $Ax$ for $A = {matrix_latex(A)}$ and $x = {vector_latex(x)}$.",
            "ru": f"Вычислите $Ax$ для $A = {matrix_latex(A)}$ и $x = {vector_latex(x)}$.",
        },
        answer=answers.Vector(y, hints={vector_text(wrong): {
            "en": "You combined the rows of $A$ instead of its columns; that computes the transpose, $A^\\top x$. "
            "Entry $i$ of $Ax$ is row $i$ of $A$ dotted with $x$.",
            "ru": "Вы скомбинировали строки $A$ вместо столбцов — так получается $A^\\top x$ (транспонированная матрица). "
            "$i$-я координата $Ax$ — скалярное произведение $i$-й строки $A$ на $x$.",
        }}),
        solution={
            "en": f"$Ax$ is the combination of the columns of $A$ with the entries of $x$ as coefficients: "
            f"${combo} = {vector_text(y)}$.",
            "ru": f"$Ax$ — линейная комбинация столбцов $A$ с коэффициентами из $x$: ${combo} = {vector_text(y)}$.",
        },
        params={"A": A, "x": x},
        distractors={vector_text(wrong): "transpose"},
    )


@exercise("matrix-product", answer_type="matrix")
def matrix_product(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-04-matrices: matrix-product"):
        A, B = _matrix(rng, 2, 2), _matrix(rng, 2, 2)
        AB, BA = randmat.matmul(A, B), randmat.matmul(B, A)
        if AB != BA and BA != randmat.transpose(AB) and any(t for row in AB for t in row):
            break
    entries = [[products_latex(A[i], [B[0][j], B[1][j]]) for j in range(2)] for i in range(2)]
    worked = "\\begin{pmatrix} " + " \\\\ ".join(" & ".join(row) for row in entries) + " \\end{pmatrix}"
    return Variant(
        prompt={
            "en": f"Compute $AB$ for $A = {matrix_latex(A)}$ and $B = {matrix_latex(B)}$.",
            "ru": f"Вычислите $AB$ для $A = {matrix_latex(A)}$ и $B = {matrix_latex(B)}$.",
        },
        answer=answers.Matrix(AB, hints={matrix_text(BA): {
            "en": "That is $BA$: the order of the factors matters. Entry $(i, j)$ of $AB$ is row $i$ of $A$ "
            "dotted with column $j$ of $B$.",
            "ru": "Это $BA$: порядок сомножителей важен. Элемент $(i, j)$ произведения $AB$ — скалярное произведение "
            "$i$-й строки $A$ на $j$-й столбец $B$.",
        }}),
        solution={
            "en": f"Entry $(i, j)$ is row $i$ of $A$ dotted with column $j$ of $B$: $AB = {worked} = {matrix_latex(AB)}$. "
            f"For comparison, $BA = {matrix_latex(BA)}$.",
            "ru": f"Элемент $(i, j)$ — скалярное произведение $i$-й строки $A$ на $j$-й столбец $B$: "
            f"$AB = {worked} = {matrix_latex(AB)}$. Для сравнения, $BA = {matrix_latex(BA)}$.",
        },
        params={"A": A, "B": B},
        distractors={matrix_text(BA): "order"},
    )


@exercise("product-entry", answer_type="integer")
def product_entry(rng: random.Random) -> Variant:
    m, n = 3, 4
    for _ in randmat.attempts("la-04-matrices: product-entry"):
        A, B = _matrix(rng, m, n), _matrix(rng, n, m)
        AB = randmat.matmul(A, B)
        i, j = rng.sample(range(m), 2)
        if AB[i][j] != AB[j][i]:
            break
    row, col = A[i], [B[k][j] for k in range(n)]
    terms = products_latex(row, col)
    return Variant(
        prompt={
            "en": f"Let $A = {matrix_latex(A)}$ and $B = {matrix_latex(B)}$. What is the entry $(AB)_{{{i + 1}{j + 1}}}$ "
            f"(row {i + 1}, column {j + 1})?",
            "ru": f"Пусть $A = {matrix_latex(A)}$ и $B = {matrix_latex(B)}$. Чему равен элемент $(AB)_{{{i + 1}{j + 1}}}$ "
            f"(строка {i + 1}, столбец {j + 1})?",
        },
        answer=answers.Integer(AB[i][j], hints={str(AB[j][i]): {
            "en": f"That is $(AB)_{{{j + 1}{i + 1}}}$. Use row {i + 1} of $A$ and column {j + 1} of $B$.",
            "ru": f"Это $(AB)_{{{j + 1}{i + 1}}}$. Возьмите {i + 1}-ю строку $A$ и {j + 1}-й столбец $B$.",
        }}),
        solution={
            "en": f"Row {i + 1} of $A$ is ${vector_text(row)}$ and column {j + 1} of $B$ is ${vector_text(col)}$; "
            f"their dot product is "
            f"${terms} = {AB[i][j]}$.",
            "ru": f"{i + 1}-я строка $A$ равна ${vector_text(row)}$, {j + 1}-й столбец $B$ равен ${vector_text(col)}$; "
            f"их скалярное "
            f"произведение равно ${terms} = {AB[i][j]}$.",
        },
        params={"A": A, "B": B, "i": i, "j": j},
        distractors={str(AB[j][i]): "row"},
    )


@exercise("layer-output-shape", answer_type="vector")
def layer_output_shape(rng: random.Random) -> Variant:
    d_in = rng.choice([64, 128, 256, 384, 512, 768, 1024])
    d_out = rng.choice([k for k in (10, 32, 64, 128, 256, 512, 768, 2048, 3072) if k != d_in])
    batch = rng.choice([4, 8, 16, 32])
    with_seq = rng.random() < 0.5
    seq = rng.choice([7, 12, 20, 50])
    shape_in = [batch, seq, d_in] if with_seq else [batch, d_in]
    shape_out = shape_in[:-1] + [d_out]
    wrong = shape_in
    lead = "(batch, seq)" if with_seq else "(batch,)"
    return Variant(
        prompt={
            "en": f"`X` has shape `{tuple(shape_in)}` and `layer = nn.Linear({d_in}, {d_out})`. What is the shape of "
            f"`layer(X)`? Type it as a vector, e.g. `[2, 5]`.",
            "ru": f"`X` имеет форму `{tuple(shape_in)}`, а `layer = nn.Linear({d_in}, {d_out})`. Какова форма "
            f"`layer(X)`? Введите её как вектор, например `[2, 5]`.",
        },
        answer=answers.Vector(shape_out, hints={vector_text(wrong): {
            "en": f"That is the input shape. The layer maps the last dimension from in_features = {d_in} to "
            f"out_features = {d_out}.",
            "ru": f"Это форма входа. Слой переводит последнюю размерность из in_features = {d_in} в "
            f"out_features = {d_out}.",
        }}),
        solution={
            "en": f"`weight` has shape `({d_out}, {d_in})` and the layer computes `X @ weight.T + bias`: the leading "
            f"dimensions {lead} stay, and the last one goes from {d_in} to {d_out}. So the output has shape "
            f"`{tuple(shape_out)}`.",
            "ru": f"`weight` имеет форму `({d_out}, {d_in})`, и слой вычисляет `X @ weight.T + bias`: первые "
            f"размерности {lead} сохраняются, а последняя меняется с {d_in} на {d_out}. Значит, выход имеет форму "
            f"`{tuple(shape_out)}`.",
        },
        params={"shape_in": shape_in, "in": d_in, "out": d_out},
        distractors={vector_text(wrong): "out_features"},
    )


@exercise("lora-parameters", answer_type="integer")
def lora_parameters(rng: random.Random) -> Variant:
    d_out = rng.choice([256, 512, 768, 1024, 2048, 4096])
    d_in = rng.choice([256, 512, 768, 1024, 3072, 4096])
    r = rng.choice([1, 2, 4, 8, 16])
    count = r * (d_out + d_in)
    full = d_out * d_in
    return Variant(
        prompt={
            "en": f"A LoRA update $\\Delta W = BA$ of rank $r = {r}$ is trained for a weight $W$ of shape "
            f"`({d_out}, {d_in})`. How many parameters do $B$ and $A$ have together?",
            "ru": f"Для матрицы весов $W$ формы `({d_out}, {d_in})` обучается поправка LoRA $\\Delta W = BA$ ранга "
            f"$r = {r}$. Сколько параметров у $B$ и $A$ вместе?",
        },
        answer=answers.Integer(count, hints={str(full): {
            "en": "That is the size of the full matrix $W$. $B$ has shape (out, r) and $A$ has shape (r, in).",
            "ru": "Это размер полной матрицы $W$. $B$ имеет форму (out, r), а $A$ — форму (r, in).",
        }}),
        solution={
            "en": f"$B$ has shape `({d_out}, {r})` and $A$ has shape `({r}, {d_in})`, so $BA$ has the shape of $W$. "
            f"Together: ${d_out} \\cdot {r} + {r} \\cdot {d_in} = {count}$, compared with "
            f"${d_out} \\cdot {d_in} = {full}$ for the full matrix.",
            "ru": f"$B$ имеет форму `({d_out}, {r})`, $A$ — форму `({r}, {d_in})`, так что $BA$ имеет форму $W$. "
            f"Вместе: ${d_out} \\cdot {r} + {r} \\cdot {d_in} = {count}$, против ${d_out} \\cdot {d_in} = {full}$ "
            f"у полной матрицы.",
        },
        params={"out": d_out, "in": d_in, "r": r},
        distractors={str(full): "full matrix"},
    )
