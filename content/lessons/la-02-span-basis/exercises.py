"""Exercises for la-02-span-basis."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import lincomb_latex, matrix_latex, vector_text


def _vectors_text(vectors: list[list[int]]) -> str:
    """``v_1 = (…), v_2 = (…)`` in LaTeX (one formula)."""
    return ",\\ ".join(f"v_{i + 1} = {vector_text(v)}" for i, v in enumerate(vectors))


def _no_two_parallel(vectors: list[list[int]]) -> bool:
    return not any(randmat.parallel(u, w) for i, u in enumerate(vectors) for w in vectors[i + 1:])


@exercise("coordinates-in-basis", answer_type="vector")
def coordinates_in_basis(rng: random.Random) -> Variant:
    n = rng.randint(2, 3)
    for _ in randmat.attempts("la-02-span-basis: coordinates-in-basis"):
        V = randmat.unimodular(rng, n, entries=2)  # columns: the basis; integer inverse
        c = randmat.vector(rng, n)
        x = randmat.matvec(V, c)
        if max(abs(t) for t in x) <= 12 and not randmat.parallel(x, c):
            break
    basis = randmat.transpose(V)
    names = [f"v_{i + 1}" for i in range(n)]
    return Variant(
        prompt={
            "en": f"The vectors ${_vectors_text(basis)}$ form a basis of $\\mathbb{{R}}^{n}$. "
            f"Find the coordinates of $x = {vector_text(x)}$ in this basis.",
            "ru": f"Векторы ${_vectors_text(basis)}$ образуют базис $\\mathbb{{R}}^{n}$. "
            f"Найдите координаты вектора $x = {vector_text(x)}$ в этом базисе.",
        },
        answer=answers.Vector(c, hints={vector_text(x): {
            "en": "Those are the coordinates of $x$ in the standard basis. Find $c$ with "
            "$c_1 v_1 + \\dots + c_n v_n = x$ instead.",
            "ru": "Это координаты $x$ в стандартном базисе. Найдите $c$, для которых "
            "$c_1 v_1 + \\dots + c_n v_n = x$.",
        }}),
        solution={
            "en": f"Solve $Vc = x$ with $V = {matrix_latex(V)}$ (the basis vectors as columns). The solution is "
            f"$c = {vector_text(c)}$. Check: ${lincomb_latex(c, [vector_text(b) for b in basis], dot=True)} = "
            f"{vector_text(x)}$, "
            f"that is $x = {lincomb_latex(c, names)}$.",
            "ru": f"Решим систему $Vc = x$, где $V = {matrix_latex(V)}$ (базисные векторы записаны столбцами). "
            f"Решение: $c = {vector_text(c)}$. Проверка: "
            f"${lincomb_latex(c, [vector_text(b) for b in basis], dot=True)} = {vector_text(x)}$, "
            f"то есть $x = {lincomb_latex(c, names)}$.",
        },
        params={"basis": basis, "x": x},
        distractors={vector_text(x): "standard basis"},
    )


@exercise("span-dimension", answer_type="integer")
def span_dimension(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    k = rng.randint(3, 4)
    r = rng.randint(2, min(n, k) - 1)  # always dependent, so that counting the vectors is wrong
    for _ in randmat.attempts("la-02-span-basis: span-dimension"):
        M = randmat.with_rank(rng, n, k, rank=r, entries=5)  # columns: the vectors
        vectors = randmat.transpose(M)
        if _no_two_parallel(vectors):
            break
    names = [f"v_{i + 1}" for i in range(k)]
    _, pivots = randmat.rref(M)
    relation = randmat.kernel_basis(M)[0]
    hints = {str(k): {
        "en": f"There are {k} vectors, but they are linearly dependent, so their span has a smaller dimension.",
        "ru": f"Векторов {k}, но они линейно зависимы, поэтому размерность их линейной оболочки меньше.",
    }}
    if n not in (k, r):
        hints[str(n)] = {
            "en": f"That is the dimension of the whole space $\\mathbb{{R}}^{n}$; the span may be smaller.",
            "ru": f"Это размерность всего пространства $\\mathbb{{R}}^{n}$; линейная оболочка может быть меньше.",
        }
    kept = ", ".join(names[p] for p in pivots)
    return Variant(
        prompt={
            "en": f"What is the dimension of $\\operatorname{{span}}(v_1, \\dots, v_{k})$ for ${_vectors_text(vectors)}$?",
            "ru": f"Чему равна размерность $\\operatorname{{span}}(v_1, \\dots, v_{k})$ для ${_vectors_text(vectors)}$?",
        },
        answer=answers.Integer(r, hints=hints),
        solution={
            "en": f"Row-reduce the matrix with the vectors as columns, ${matrix_latex(M)}$: it has {r} pivot"
            f"{'s' if r > 1 else ''}, in the columns of ${kept}$. These are independent and the others are combinations "
            f"of them; for example ${lincomb_latex(relation, names)} = 0$. So the dimension is ${r}$.",
            "ru": f"Приведём к ступенчатому виду матрицу, столбцы которой — данные векторы, ${matrix_latex(M)}$: "
            f"ведущих элементов {r}, они стоят в столбцах ${kept}$. Эти векторы линейно независимы, а остальные через "
            f"них выражаются; например, ${lincomb_latex(relation, names)} = 0$. Значит, размерность равна ${r}$.",
        },
        params={"vectors": vectors},
        distractors={str(k): "dependent"},
    )


@exercise("independent-or-not", answer_type="yesno")
def independent_or_not(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    independent = rng.random() < 0.5
    k = rng.randint(2, 3) if independent else 3  # a dependent pair would just be two parallel vectors
    for _ in randmat.attempts("la-02-span-basis: independent-or-not"):
        M = randmat.with_rank(rng, n, k, rank=k if independent else k - 1, entries=5)
        vectors = randmat.transpose(M)
        if _no_two_parallel(vectors):
            break
    names = [f"v_{i + 1}" for i in range(k)]
    if independent:
        why = {
            "en": f"Row reduction of ${matrix_latex(M)}$ (the vectors as columns) gives {k} pivots, one per column, so "
            f"$c_1 v_1 + \\dots + c_{k} v_{k} = 0$ only for $c = 0$: the vectors are independent.",
            "ru": f"Приведение матрицы ${matrix_latex(M)}$ (векторы записаны столбцами) к ступенчатому виду даёт {k} "
            f"ведущих элемента, по одному в каждом столбце, поэтому $c_1 v_1 + \\dots + c_{k} v_{k} = 0$ только при "
            f"$c = 0$: векторы линейно независимы.",
        }
        wrong, phrase = "no", "only"
        hint = {
            "en": "Solve $c_1 v_1 + \\dots + c_k v_k = 0$: it has only the solution $c = 0$.",
            "ru": "Решите систему $c_1 v_1 + \\dots + c_k v_k = 0$: у неё только нулевое решение.",
        }
    else:
        relation = randmat.kernel_basis(M)[0]
        why = {
            "en": f"They are dependent: ${lincomb_latex(relation, names)} = 0$ is a combination equal to zero with "
            f"coefficients that are not all zero.",
            "ru": f"Они линейно зависимы: ${lincomb_latex(relation, names)} = 0$ — нетривиальная линейная комбинация, "
            f"равная нулю.",
        }
        wrong, phrase = "yes", "combination"
        hint = {
            "en": "Look for a combination of the vectors equal to zero with coefficients that are not all zero.",
            "ru": "Поищите равную нулю линейную комбинацию этих векторов, не все коэффициенты которой нулевые.",
        }
    return Variant(
        prompt={
            "en": f"Are the vectors ${_vectors_text(vectors)}$ linearly independent?",
            "ru": f"Линейно независимы ли векторы ${_vectors_text(vectors)}$?",
        },
        answer=answers.YesNo(independent, hints={wrong: hint}),
        solution=why,
        params={"vectors": vectors},
        distractors={wrong: phrase},
    )


def _equations(A: list[list[int]]) -> str:
    """The homogeneous system ``A x = 0`` as comma-separated equations in LaTeX."""
    names = [f"x_{j + 1}" for j in range(len(A[0]))]
    return ",\\ ".join(f"{lincomb_latex(row, names)} = 0" for row in A)


@exercise("subspace-basis", answer_type="basis")
def subspace_basis(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    m = n - 2  # one equation in R^3, two in R^4: always a 2-dimensional subspace
    for _ in randmat.attempts("la-02-span-basis: subspace-basis"):
        A = randmat.with_rank(rng, m, n, rank=m, entries=3)
        if all(sum(1 for t in row if t) >= 2 for row in A):
            break
    kernel = randmat.kernel_basis(A)
    name = {"en": "the subspace U", "ru": "подпространство U"}
    one = vector_text(kernel[0])
    return Variant(
        prompt={
            "en": f"Give a basis of $U = \\{{x \\in \\mathbb{{R}}^{n} : {_equations(A)}\\}}$. "
            f"Type the vectors separated by commas, e.g. `[1, 0, 2], [0, 1, -1]`.",
            "ru": f"Укажите базис подпространства $U = \\{{x \\in \\mathbb{{R}}^{n} : {_equations(A)}\\}}$. "
            f"Векторы вводите через запятую, например `[1, 0, 2], [0, 1, -1]`.",
        },
        answer=answers.KernelBasis(A, name=name, witness_name="A"),
        solution={
            "en": f"Solve the system with $A = {matrix_latex(A)}$: {n} unknowns and {m} independent equation"
            f"{'s' if m > 1 else ''} leave {n - m} free variables, so $\\dim U = {n - m}$. Each free variable gives one "
            f"solution (that variable non-zero, the other free ones 0): ${', '.join(vector_text(v) for v in kernel)}$; "
            f"both "
            f"satisfy the equations and are independent. Any two independent vectors of $U$ are also a correct answer.",
            "ru": f"Решим систему с матрицей $A = {matrix_latex(A)}$: {n} неизвестных и {m} "
            f"{'независимых уравнения' if m > 1 else 'уравнение'} оставляют {n - m} свободные переменные, так что "
            f"$\\dim U = {n - m}$. Каждая свободная переменная даёт одно решение (она "
            f"ненулевая, остальные свободные равны 0): ${', '.join(vector_text(v) for v in kernel)}$; оба вектора "
            f"удовлетворяют уравнениям и линейно независимы. "
            f"Любые два линейно независимых вектора из $U$ — тоже верный ответ.",
        },
        params={"A": A},
        distractors={one: "dimension"},
    )
