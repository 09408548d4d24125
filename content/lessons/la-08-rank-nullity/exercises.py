"""Exercises for la-08-rank-nullity."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.i18n import plural
from linlab.course.latex import matrix_latex, vector_latex, vector_text, vectors_latex

# Layer widths that occur in real models (BERT-mini, GPT-2, adapters, heads).
_WIDTHS = (32, 64, 128, 256, 384, 512, 768, 1024, 1536, 3072)


def _designed(
    rng: random.Random, m: int, n: int, r: int
) -> tuple[list[list[int]], list[int], list[list[int]]]:
    """An (m, n) integer matrix of rank r with a small integer kernel basis: (A, pivots, kernel basis).

    ``randmat.with_rank`` gives the matrix; mixing its rows with a unimodular matrix keeps the rank
    and the kernel but makes the rows of a low-rank matrix less obviously multiples of one another.
    """
    for _ in randmat.attempts("la-08-rank-nullity: _designed", limit=200):
        A = randmat.matmul(randmat.unimodular(rng, m, entries=2), randmat.with_rank(rng, m, n, rank=r, entries=4))
        if max(abs(x) for row in A for x in row) <= 9 and all(any(row) for row in A):
            break
    R, pivots = randmat.rref(A)
    # with_rank's echelon form has integer entries, and row mixing does not change it, so the
    # free-variable vectors are integer vectors with a 1 in their free coordinate.
    return A, pivots, randmat.free_variable_basis(R, pivots)


@exercise("nullity-from-matrix", answer_type="integer")
def nullity_from_matrix(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-08-rank-nullity: nullity-from-matrix"):
        m, n = rng.choice([(2, 4), (3, 4), (3, 5), (2, 5), (4, 5)])
        r = rng.randint(1, m)
        if n - r != r:  # keep "the rank instead of the nullity" a wrong answer
            break
    A, pivots, kernel = _designed(rng, m, n, r)
    nullity = n - r
    hints = {
        str(r): {"en": "That is the rank; the question asks for the dimension of the kernel.",
                 "ru": "Это ранг, а спрашивается размерность ядра."},
    }
    distractors = {str(r): "rank"}
    if m - r not in (nullity, r):
        hints[str(m - r)] = {
            "en": "Rank–nullity counts the inputs, i.e. the columns of $A$, not its rows.",
            "ru": "В теореме о ранге и дефекте считаются входы, то есть столбцы $A$, а не строки.",
        }
        distractors[str(m - r)] = "columns"
    pivot_list = ", ".join(str(p + 1) for p in pivots)
    return Variant(
        prompt={
            "en": f"$A = {matrix_latex(A)}$. What is $\\dim \\ker A$?",
            "ru": f"$A = {matrix_latex(A)}$. Чему равна размерность $\\ker A$?",
        },
        answer=answers.Integer(nullity, hints=hints),
        solution={
            "en": (f"Row reduction leaves {r} non-zero {'row' if r == 1 else 'rows'}, with "
                   f"{'a pivot in column' if r == 1 else 'pivots in columns'} {pivot_list}, so "
                   f"$\\operatorname{{rank}} A = {r}$. "
                   f"$A$ has {n} columns, so by rank–nullity $\\dim\\ker A = {n} - {r} = {nullity}$. "
                   f"For instance ${vector_latex(kernel[0])}$ is in the kernel."),
            "ru": (f"После приведения к ступенчатому виду число ненулевых строк равно {r}, "
                   f"{'главный элемент стоит в столбце' if r == 1 else 'главные элементы стоят в столбцах'} "
                   f"{pivot_list}, поэтому $\\operatorname{{rank}} A = {r}$. У $A$ {n} "
                   f"{plural(n, ('столбец', 'столбца', 'столбцов'))}, и по теореме о ранге и дефекте "
                   f"$\\dim\\ker A = {n} - {r} = {nullity}$. "
                   f"Например, вектор ${vector_latex(kernel[0])}$ лежит в ядре."),
        },
        params={"A": A},
        distractors=distractors,
    )


@exercise("layer-kernel-dimension", answer_type="integer")
def layer_kernel_dimension(rng: random.Random) -> Variant:
    d_in, d_out = rng.sample(_WIDTHS, 2)
    full = rng.random() < 0.5
    r = min(d_in, d_out) if full else rng.choice([w for w in _WIDTHS if w < min(d_in, d_out)] or [16])
    nullity = d_in - r
    rank_en = "full rank" if full else f"rank ${r}$"
    rank_ru = "полный ранг" if full else f"ранг ${r}$"
    return Variant(
        prompt={
            "en": (f"A layer `nn.Linear({d_in}, {d_out}, bias=False)` has a weight matrix of {rank_en}. "
                   f"What is the dimension of its kernel?"),
            "ru": (f"Матрица весов слоя `nn.Linear({d_in}, {d_out}, bias=False)` имеет {rank_ru}. "
                   f"Чему равна размерность её ядра?"),
        },
        answer=answers.Integer(nullity, hints={
            str(d_out - r): {
                "en": ("The kernel lives in the input space: subtract the rank from the number of "
                       "inputs, `in_features`, not from the number of outputs."),
                "ru": ("Ядро лежит в пространстве входов: вычитайте ранг из числа входов `in_features`, "
                       "а не выходов."),
            },
        }),
        solution={
            "en": (f"The weight has shape $({d_out}, {d_in})$: it maps $\\mathbb{{R}}^{{{d_in}}}$ to "
                   f"$\\mathbb{{R}}^{{{d_out}}}$. "
                   + (f"Full rank means rank $\\min({d_out}, {d_in}) = {r}$. " if full else "")
                   + f"By rank–nullity, $\\dim\\ker W = {d_in} - {r} = {nullity}$."),
            "ru": (f"Матрица весов имеет размер $({d_out}, {d_in})$: она отображает "
                   f"$\\mathbb{{R}}^{{{d_in}}}$ в $\\mathbb{{R}}^{{{d_out}}}$. "
                   + (f"Полный ранг означает ранг $\\min({d_out}, {d_in}) = {r}$. " if full else "")
                   + f"По теореме о ранге и дефекте $\\dim\\ker W = {d_in} - {r} = {nullity}$."),
        },
        params={"d_in": d_in, "d_out": d_out, "rank": r},
        distractors={str(d_out - r): "input"},
    )


@exercise("is-isomorphism", answer_type="yesno")
def is_isomorphism(rng: random.Random) -> Variant:
    n = rng.choice([2, 3, 3, 4])
    invertible = rng.random() < 0.5
    r = n if invertible else rng.randint(max(1, n - 2), n - 1)
    A, pivots, kernel = _designed(rng, n, n, r)
    wrong = "no" if invertible else "yes"
    if invertible:
        sol_en = (f"Row reduction gives a pivot in every column, so $\\operatorname{{rank}} A = {n}$ and "
                  f"$\\dim\\ker A = {n} - {n} = 0$. A map from $\\mathbb{{R}}^{n}$ to itself with kernel "
                  f"$\\{{0\\}}$ is injective, hence onto, hence an isomorphism.")
        sol_ru = (f"После приведения к ступенчатому виду в каждом столбце есть главный элемент, поэтому "
                  f"$\\operatorname{{rank}} A = {n}$ и $\\dim\\ker A = {n} - {n} = 0$. Отображение "
                  f"$\\mathbb{{R}}^{n}$ в себя с нулевым ядром инъективно, значит, сюръективно, то есть "
                  f"является изоморфизмом.")
    else:
        v = kernel[0]
        sol_en = (f"$A{vector_latex(v)} = 0$, so the kernel is not $\\{{0\\}}$ and $A$ is not injective. "
                  f"Its rank is ${r} < {n}$, so it is not onto either: not an isomorphism.")
        sol_ru = (f"$A{vector_latex(v)} = 0$, поэтому ядро ненулевое и $A$ не инъективна. Её ранг равен "
                  f"${r} < {n}$, так что она и не сюръективна: это не изоморфизм.")
    return Variant(
        prompt={
            "en": (f"Is $A = {matrix_latex(A)}$ an isomorphism of $\\mathbb{{R}}^{n}$ (an invertible "
                   f"linear map)?"),
            "ru": (f"Является ли $A = {matrix_latex(A)}$ изоморфизмом $\\mathbb{{R}}^{n}$ (обратимым "
                   f"линейным отображением)?"),
        },
        answer=answers.YesNo(invertible, hints={
            wrong: {
                "en": ("Solve $A\\mathbf{x} = 0$: a square matrix is invertible exactly when its kernel "
                       "is $\\{0\\}$."),
                "ru": ("Решите систему $A\\mathbf{x} = 0$: квадратная матрица обратима ровно тогда, "
                       "когда её ядро нулевое."),
            },
        }),
        solution={"en": sol_en, "ru": sol_ru},
        params={"A": A},
        distractors={wrong: "kernel"},
    )


@exercise("kernel-basis-size", answer_type="basis")
def kernel_basis_size(rng: random.Random) -> Variant:
    m, n = rng.choice([(2, 4), (2, 5), (3, 5)])
    r = rng.randint(1, min(m, n - 2))  # nullity at least 2: one vector is never enough
    A, pivots, kernel = _designed(rng, m, n, r)
    return Variant(
        prompt={
            "en": (f"$A = {matrix_latex(A)}$ has rank ${r}$. How many vectors does a basis of "
                   f"$\\ker A$ have? Find one."),
            "ru": (f"Ранг матрицы $A = {matrix_latex(A)}$ равен ${r}$. Сколько векторов в базисе "
                   f"$\\ker A$? Найдите такой базис."),
        },
        answer=answers.KernelBasis(A),
        solution={
            "en": (f"By rank–nullity $\\dim\\ker A = {n} - {r} = {n - r}$, so a basis has {n - r} vectors. "
                   f"Solving $A\\mathbf{{x}} = 0$ with one free variable set to $1$ at a time gives "
                   f"${vectors_latex(kernel)}$."),
            "ru": (f"По теореме о ранге и дефекте $\\dim\\ker A = {n} - {r} = {n - r}$, поэтому в базисе "
                   f"{n - r} {plural(n - r, ('вектор', 'вектора', 'векторов'))}. Решая $A\\mathbf{{x}} = 0$ и полагая по очереди одну свободную "
                   f"переменную равной $1$, получаем ${vectors_latex(kernel)}$."),
        },
        params={"A": A},
        distractors={vector_text(kernel[0]): "dimension"},
    )
