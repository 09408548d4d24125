"""Exercises for la-07-kernel-image."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.i18n import plural
from linlab.course.latex import matrix_latex, vector_latex, vector_text, vectors_latex


_KERNEL_VECTOR = {"en": "vector of the kernel", "ru": ("вектор", "вектора", "векторов", " ядра")}
_COLUMN = {"en": "column", "ru": ("столбец", "столбца", "столбцов", "")}


def _designed(
    rng: random.Random, m: int, n: int, r: int
) -> tuple[list[list[int]], list[list[int]], list[int], list[list[int]], list[list[int]]]:
    """An (m, n) integer matrix of rank r with a small integer kernel basis, and its exact data.

    ``randmat.with_rank`` gives the matrix; mixing its rows with a unimodular matrix keeps the rank,
    the kernel and the echelon form but makes the rows of a rank-1 matrix less obviously multiples
    of one another.  Returns (A, R, pivots, kernel basis, image basis) where R holds the non-zero
    rows of the reduced echelon form and the image basis is the pivot columns of A.
    """
    for _ in randmat.attempts("la-07-kernel-image: _designed", limit=200):
        A = randmat.matmul(randmat.unimodular(rng, m, entries=2), randmat.with_rank(rng, m, n, rank=r, entries=4))
        if max(abs(x) for row in A for x in row) <= 9 and all(any(row) for row in A):
            break
    R, pivots = randmat.rref(A)
    image = [[A[i][p] for i in range(m)] for p in pivots]
    # with_rank's echelon form has integer entries, and row mixing does not change it, so the
    # free-variable vectors are integer vectors with a 1 in their free coordinate.
    return A, R[:r], pivots, randmat.free_variable_basis(R, pivots), image


def _echelon_en(R: list[list[int]], pivots: list[int], n: int) -> str:
    free = [j + 1 for j in range(n) if j not in pivots]
    text = (f"The reduced row echelon form of $A$ is ${matrix_latex(R)}$, with "
            f"{'a pivot in column' if len(pivots) == 1 else 'pivots in columns'} "
            f"{', '.join(str(p + 1) for p in pivots)}")
    if free:
        text += (f" and {'free variable' if len(free) == 1 else 'free variables'} "
                 f"{', '.join(f'$x_{j}$' for j in free)}")
    return text + "."


def _echelon_ru(R: list[list[int]], pivots: list[int], n: int) -> str:
    free = [j + 1 for j in range(n) if j not in pivots]
    text = (f"Приведённый ступенчатый вид $A$ — ${matrix_latex(R)}$, "
            f"{'главный элемент стоит в столбце' if len(pivots) == 1 else 'главные элементы стоят в столбцах'} "
            f"{', '.join(str(p + 1) for p in pivots)}")
    if free:
        text += (f", {'свободная переменная' if len(free) == 1 else 'свободные переменные'} — "
                 f"{', '.join(f'$x_{j}$' for j in free)}")
    return text + "."


def _any_basis(d: int, lang: str, what: dict) -> str:
    """'any non-zero column' / 'any 2 linearly independent columns', per language."""
    if lang == "en":
        return f"any non-zero {what['en']}" if d == 1 else f"any {d} linearly independent {what['en']}s"
    *forms, tail = what["ru"]
    if d == 1:
        return f"любой ненулевой {forms[0]}{tail}"
    return f"любые {d} линейно независимых {plural(d, tuple(forms))}{tail}"


@exercise("kernel-basis", answer_type="basis")
def kernel_basis(rng: random.Random) -> Variant:
    m, n = rng.choice([(2, 3), (2, 4), (3, 3), (3, 4)])
    r = rng.randint(1, min(m, n - 1))
    A, R, pivots, kernel, _ = _designed(rng, m, n, r)
    # A non-zero row of A is never in the kernel: the matching entry of A·row is |row|² > 0.
    row = next(row for row in A if any(row))
    checks = " ".join(f"$A{vector_latex(v)} = 0$." for v in kernel)
    return Variant(
        prompt={
            "en": f"Find a basis of the kernel of $A = {matrix_latex(A)}$.",
            "ru": f"Найдите базис ядра матрицы $A = {matrix_latex(A)}$.",
        },
        answer=answers.KernelBasis(A),
        solution={
            "en": (f"{_echelon_en(R, pivots, n)} Setting one free variable to $1$ and the others to $0$ "
                   f"gives the basis ${vectors_latex(kernel)}$. Check: {checks} "
                   f"The kernel has dimension {n - r}; "
                   f"{_any_basis(n - r, 'en', _KERNEL_VECTOR)} is a correct answer."),
            "ru": (f"{_echelon_ru(R, pivots, n)} Полагая одну свободную переменную равной $1$, а остальные "
                   f"равными $0$, получаем базис ${vectors_latex(kernel)}$. Проверка: {checks} "
                   f"Размерность ядра равна {n - r}; верным ответом будет "
                   f"{_any_basis(n - r, 'ru', _KERNEL_VECTOR)}."),
        },
        params={"A": A},
        distractors={vector_text(row): "not in the kernel"},
    )


@exercise("image-basis", answer_type="basis")
def image_basis(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-07-kernel-image: image-basis"):
        n = rng.choice([3, 4])
        r = rng.randint(1, 2)
        A, R, pivots, kernel, image = _designed(rng, 3, n, r)
        # The typical mistake: the pivot columns of the echelon form, e_1, ..., e_r, instead of
        # those of A. Keep only matrices where that answer is wrong.
        echelon_columns = [[int(i == k) for i in range(3)] for k in range(r)]
        if randmat.rank([*image, *echelon_columns]) > r:
            break
    return Variant(
        prompt={
            "en": f"Find a basis of the image of $A = {matrix_latex(A)}$.",
            "ru": f"Найдите базис образа матрицы $A = {matrix_latex(A)}$.",
        },
        answer=answers.ImageBasis(A),
        solution={
            "en": (f"{_echelon_en(R, pivots, n)} The image is spanned by the columns, and the pivot "
                   f"columns of $A$ (not of the echelon form) are a basis: ${vectors_latex(image)}$. "
                   f"The rank is {r}; any basis of the image is accepted, for example "
                   f"{_any_basis(r, 'en', _COLUMN)} of $A$."),
            "ru": (f"{_echelon_ru(R, pivots, n)} Образ натянут на столбцы, и базис образуют столбцы $A$ "
                   f"(а не ступенчатой матрицы) с номерами главных элементов: ${vectors_latex(image)}$. "
                   f"Ранг равен {r}; подходит любой базис образа, например "
                   f"{_any_basis(r, 'ru', _COLUMN)} $A$."),
        },
        params={"A": A},
        distractors={"; ".join(vector_text(v) for v in echelon_columns): "image"},
    )


@exercise("is-injective", answer_type="yesno")
def is_injective(rng: random.Random) -> Variant:
    m, n = rng.choice([(3, 2), (3, 3), (4, 3), (4, 2)])
    injective = rng.random() < 0.5
    r = n if injective else rng.randint(1, n - 1)
    A, R, pivots, kernel, _ = _designed(rng, m, n, r)
    wrong = "no" if injective else "yes"
    if injective:
        sol_ru = (f"Приведённый ступенчатый вид $A$ — ${matrix_latex(R)}$: в каждом столбце главный "
                  f"элемент, свободных переменных нет, поэтому $A\\mathbf{{x}} = 0$ только при "
                  f"$\\mathbf{{x}} = 0$. Ядро нулевое, и отображение инъективно.")
        sol_en = (f"The reduced row echelon form of $A$ is ${matrix_latex(R)}$: every column has a pivot "
                  f"and there is no free variable, so $A\\mathbf{{x}} = 0$ only for $\\mathbf{{x}} = 0$. "
                  f"The kernel is $\\{{0\\}}$ and the map is injective.")
    else:
        v = kernel[0]
        sol_en = (f"{_echelon_en(R, pivots, n)} A free variable gives a non-zero kernel vector "
                  f"$\\mathbf{{v}} = {vector_latex(v)}$ with $A\\mathbf{{v}} = 0$, so $\\mathbf{{x}}$ and "
                  f"$\\mathbf{{x}} + \\mathbf{{v}}$ always have the same image: not injective.")
        sol_ru = (f"{_echelon_ru(R, pivots, n)} Свободная переменная даёт ненулевой вектор ядра "
                  f"$\\mathbf{{v}} = {vector_latex(v)}$, $A\\mathbf{{v}} = 0$, поэтому у $\\mathbf{{x}}$ и "
                  f"$\\mathbf{{x}} + \\mathbf{{v}}$ всегда один и тот же образ: отображение не инъективно.")
    return Variant(
        prompt={
            "en": (f"Is the linear map $\\mathbf{{x}} \\mapsto A\\mathbf{{x}}$ with $A = {matrix_latex(A)}$ "
                   f"injective (do different inputs always give different outputs)?"),
            "ru": (f"Инъективно ли линейное отображение $\\mathbf{{x}} \\mapsto A\\mathbf{{x}}$, где "
                   f"$A = {matrix_latex(A)}$ (всегда ли разные входы дают разные выходы)?"),
        },
        answer=answers.YesNo(injective, hints={
            wrong: {
                "en": "Solve $A\\mathbf{x} = 0$: the map is injective exactly when the kernel is $\\{0\\}$.",
                "ru": "Решите систему $A\\mathbf{x} = 0$: отображение инъективно ровно тогда, когда ядро нулевое.",
            },
        }),
        solution={"en": sol_en, "ru": sol_ru},
        params={"A": A},
        distractors={wrong: "kernel"},
    )


@exercise("rank-from-columns", answer_type="integer")
def rank_from_columns(rng: random.Random) -> Variant:
    m, n = rng.choice([(3, 3), (3, 4), (4, 3), (4, 4)])
    r = rng.randint(1, min(m, n) - 1)
    A, R, pivots, kernel, image = _designed(rng, m, n, r)
    size = min(m, n)
    hints = {
        str(size): {
            "en": ("The columns are not independent: look for columns that are combinations of "
                   "the others, or row reduce."),
            "ru": ("Столбцы линейно зависимы: найдите столбцы, которые выражаются через другие, "
                   "или приведите матрицу к ступенчатому виду."),
        },
    }
    if n - r not in (r, size):
        hints[str(n - r)] = {
            "en": "That is the dimension of the kernel; the rank is the dimension of the image.",
            "ru": "Это размерность ядра, а ранг — размерность образа.",
        }
    return Variant(
        prompt={
            "en": f"What is the rank of $A = {matrix_latex(A)}$, the dimension of its image?",
            "ru": f"Чему равен ранг матрицы $A = {matrix_latex(A)}$, то есть размерность её образа?",
        },
        answer=answers.Integer(r, hints=hints),
        solution={
            "en": (f"{_echelon_en(R, pivots, n)} There are {r} pivots, so the rank is {r}: the pivot "
                   f"columns ${vectors_latex(image)}$ are a basis of the image."),
            "ru": (f"{_echelon_ru(R, pivots, n)} Главных элементов {r}, поэтому ранг равен {r}: столбцы "
                   f"${vectors_latex(image)}$ образуют базис образа."),
        },
        params={"A": A},
        distractors={str(size): "not independent"},
    )
