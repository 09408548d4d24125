"""Exercises for la-11-projections-pca."""

import random
from fractions import Fraction

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import matrix_latex, matrix_text, number_latex, vector_latex, vector_text


def _dot(a: list, b: list) -> Fraction:
    return sum((Fraction(x) * y for x, y in zip(a, b)), Fraction(0))


@exercise("project-onto-line", answer_type="vector")
def project_onto_line(rng: random.Random) -> Variant:
    n = rng.choice([2, 3])
    for _ in randmat.attempts("la-11-projections-pca: project-onto-line"):
        a = randmat.vector(rng, n, entries=2)
        x = randmat.vector(rng, n, entries=3)
        aa, ax = _dot(a, a), _dot(a, x)
        if aa < 2 or ax == 0 or randmat.parallel(a, x):
            continue
        p = randmat.as_exact([ax / aa * t for t in a])
        unscaled = randmat.as_exact([ax * t for t in a])  # forgot to divide by a·a
        residual = randmat.as_exact([Fraction(s) - t for s, t in zip(x, p)])
        if len({tuple(p), tuple(unscaled), tuple(residual)}) == 3:
            break
    hints = {
        vector_text(unscaled): {
            "en": "This points along $a$ but has the wrong length: divide $a^\\top x$ by $a^\\top a$ before scaling $a$.",
            "ru": "Направление верное ($a$), но длина нет: разделите $a^\\top x$ на $a^\\top a$, прежде чем умножать на $a$.",
        },
        vector_text(residual): {
            "en": "That is $x - p$, the part of $x$ orthogonal to the line. The projection is the part along $a$.",
            "ru": "Это $x - p$, составляющая $x$, ортогональная прямой. Проекция — составляющая вдоль $a$.",
        },
    }
    return Variant(
        prompt={
            "en": f"Find the orthogonal projection $p$ of $x = {vector_latex(x, column=False)}$ onto the line spanned "
            f"by $a = {vector_latex(a, column=False)}$.",
            "ru": f"Найдите ортогональную проекцию $p$ вектора $x = {vector_latex(x, column=False)}$ на прямую, "
            f"натянутую на $a = {vector_latex(a, column=False)}$.",
        },
        answer=answers.Vector(p, hints=hints),
        solution={
            "en": f"$a^\\top x = {number_latex(ax)}$ and $a^\\top a = {number_latex(aa)}$, so "
            f"$p = {number_latex(ax / aa)}\\, a = {vector_latex(p, column=False)}$. Check: "
            f"$x - p = {vector_latex(residual, column=False)}$ is orthogonal to $a$.",
            "ru": f"$a^\\top x = {number_latex(ax)}$ и $a^\\top a = {number_latex(aa)}$, поэтому "
            f"$p = {number_latex(ax / aa)}\\, a = {vector_latex(p, column=False)}$. Проверка: "
            f"$x - p = {vector_latex(residual, column=False)}$ ортогонален $a$.",
        },
        params={"a": a, "x": x},
        distractors={vector_text(unscaled): "divide", vector_text(residual): "orthogonal"},
    )


@exercise("projection-matrix-line", answer_type="matrix")
def projection_matrix_line(rng: random.Random) -> Variant:
    n = rng.choice([2, 2, 3])
    for _ in randmat.attempts("la-11-projections-pca: projection-matrix-line"):
        a = randmat.vector(rng, n, entries=2)
        aa = _dot(a, a)
        if aa >= 2 and sum(t != 0 for t in a) >= 2:
            break
    outer = [[s * t for t in a] for s in a]
    P = randmat.as_exact_rows([[Fraction(e) / aa for e in row] for row in outer])
    complement = randmat.as_exact_rows([[int(i == j) - Fraction(P[i][j]) for j in range(n)] for i in range(n)])
    hints = {
        matrix_text(outer): {
            "en": "That is $aa^\\top$; divide it by $a^\\top a$, otherwise $P^2 \\neq P$.",
            "ru": "Это $aa^\\top$; его нужно разделить на $a^\\top a$, иначе $P^2 \\neq P$.",
        },
        matrix_text(complement): {
            "en": "That is $I - P$, the projection onto the orthogonal complement of the line.",
            "ru": "Это $I - P$ — проекция на ортогональное дополнение прямой.",
        },
    }
    return Variant(
        prompt={
            "en": f"Write the matrix $P$ of the orthogonal projection of $\\mathbb{{R}}^{n}$ onto the line spanned by "
            f"$a = {vector_latex(a, column=False)}$.",
            "ru": f"Запишите матрицу $P$ ортогональной проекции $\\mathbb{{R}}^{n}$ на прямую, натянутую на "
            f"$a = {vector_latex(a, column=False)}$.",
        },
        answer=answers.Matrix(P, hints=hints),
        solution={
            "en": f"$P = \\frac{{aa^\\top}}{{a^\\top a}}$ with $a^\\top a = {number_latex(aa)}$ and "
            f"$aa^\\top = {matrix_latex(outer)}$, so $P = {matrix_latex(P)}$. It is symmetric, $P^2 = P$, and $Pa = a$.",
            "ru": f"$P = \\frac{{aa^\\top}}{{a^\\top a}}$, где $a^\\top a = {number_latex(aa)}$ и "
            f"$aa^\\top = {matrix_latex(outer)}$, поэтому $P = {matrix_latex(P)}$. Матрица симметрична, $P^2 = P$ и $Pa = a$.",
        },
        params={"a": a},
        distractors={matrix_text(outer): "divide", matrix_text(complement): "complement"},
    )


@exercise("least-squares-line", answer_type="vector")
def least_squares_line(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-11-projections-pca: least-squares-line"):
        m = rng.choice([3, 4])
        ts = sorted(rng.sample(range(-2, 4), m))
        ys = [rng.randint(-3, 5) for _ in range(m)]
        A = [[1, t] for t in ts]
        AtA = randmat.matmul(randmat.transpose(A), A)
        Atb = randmat.matvec(randmat.transpose(A), ys)
        c = randmat.as_exact(randmat.matvec(randmat.inverse(AtA), Atb))
        fitted = randmat.matvec(A, c)
        if any(Fraction(f) != y for f, y in zip(fitted, ys)) and c[0] != c[1]:
            break
    swapped = [c[1], c[0]]
    points = ", ".join(f"({t}, {y})" for t, y in zip(ts, ys))
    hints = {
        vector_text(swapped): {
            "en": "Those are the right numbers in the wrong order: the answer is $(c_0, c_1)$, intercept first, then slope.",
            "ru": "Числа верные, но порядок нет: ответ — $(c_0, c_1)$, сначала свободный член, затем наклон.",
        },
    }
    return Variant(
        prompt={
            "en": f"Fit the line $y = c_0 + c_1 t$ to the points ${points}$ by least squares. Give $(c_0, c_1)$.",
            "ru": f"Подберите по методу наименьших квадратов прямую $y = c_0 + c_1 t$ для точек ${points}$. "
            f"Дайте ответ в виде $(c_0, c_1)$.",
        },
        answer=answers.Vector(c, hints=hints),
        solution={
            "en": f"With $A = {matrix_latex(A)}$ and $b = {vector_latex(ys, column=False)}$ the normal equations are "
            f"${matrix_latex(AtA)} c = {vector_latex(Atb)}$, so $c = {vector_latex(c, column=False)}$. The residual "
            f"$b - Ac = {vector_latex([Fraction(y) - f for y, f in zip(ys, fitted)], column=False)}$ is orthogonal to "
            f"both columns of $A$.",
            "ru": f"При $A = {matrix_latex(A)}$ и $b = {vector_latex(ys, column=False)}$ нормальные уравнения имеют "
            f"вид "
            f"${matrix_latex(AtA)} c = {vector_latex(Atb)}$, откуда $c = {vector_latex(c, column=False)}$. Невязка "
            f"$b - Ac = {vector_latex([Fraction(y) - f for y, f in zip(ys, fitted)], column=False)}$ ортогональна "
            f"обоим столбцам $A$.",
        },
        params={"t": ts, "y": ys},
        distractors={vector_text(swapped): "order"},
    )


# unit directions q = w / |w| in R^2 with |w|^2 = den, and the second direction orthogonal to it
_DIRECTIONS = [((1, 1), 2), ((1, -1), 2), ((3, 4), 25), ((4, 3), 25), ((3, -4), 25), ((4, -3), 25)]


@exercise("pca-top-projector", answer_type="matrix")
def pca_top_projector(rng: random.Random) -> Variant:
    w, den = rng.choice(_DIRECTIONS)
    w2 = (-w[1], w[0])
    low = rng.randint(1, 4)
    gap = 2 * rng.randint(1, 3) if den == 2 else 25
    high = low + gap  # high ≡ low (mod den) keeps C an integer matrix
    q1q1 = [[Fraction(s * t, den) for t in w] for s in w]
    q2q2 = [[Fraction(s * t, den) for t in w2] for s in w2]
    C = [[int(high * q1q1[i][j] + low * q2q2[i][j]) for j in range(2)] for i in range(2)]
    P = randmat.as_exact_rows(q1q1)
    wrong_dir = randmat.as_exact_rows(q2q2)
    unnormalised = [[s * t for t in w] for s in w]
    hints = {
        matrix_text(wrong_dir): {
            "en": "That projects onto the eigenvector with the smallest eigenvalue, the direction of least variance.",
            "ru": "Это проекция на собственный вектор с наименьшим собственным значением — направление наименьшей дисперсии.",
        },
        matrix_text(unnormalised): {
            "en": "That is $ww^\\top$ for an eigenvector $w$ that is not of length 1; divide by $w^\\top w$.",
            "ru": "Это $ww^\\top$ для собственного вектора $w$ неединичной длины; разделите на $w^\\top w$.",
        },
    }
    return Variant(
        prompt={
            "en": f"Centred 2D data has covariance matrix $C = {matrix_latex(C)}$. Write the matrix of the PCA "
            f"projection onto the first principal component.",
            "ru": f"Ковариационная матрица центрированных двумерных данных равна $C = {matrix_latex(C)}$. "
            f"Запишите матрицу проекции PCA на первую главную компоненту.",
        },
        answer=answers.Matrix(P, hints=hints),
        solution={
            "en": f"$C {vector_latex(list(w))} = {high} {vector_latex(list(w))}$ and "
            f"$C {vector_latex(list(w2))} = {low} {vector_latex(list(w2))}$, so the top eigenvalue is ${high}$ with "
            f"eigenvector $w = {vector_latex(list(w), column=False)}$. With $q_1 = w/\\|w\\|$, $P = q_1 q_1^\\top = "
            f"\\frac{{ww^\\top}}{{{den}}} = {matrix_latex(P)}$, "
            f"a rank-one projection whose kernel is the line of the other eigenvector.",
            "ru": f"$C {vector_latex(list(w))} = {high} {vector_latex(list(w))}$ и "
            f"$C {vector_latex(list(w2))} = {low} {vector_latex(list(w2))}$, так что наибольшее собственное значение "
            f"${high}$, собственный вектор $w = {vector_latex(list(w), column=False)}$. При $q_1 = w/\\|w\\|$ получаем "
            f"$P = q_1 q_1^\\top = \\frac{{ww^\\top}}{{{den}}} = {matrix_latex(P)}$ — проекцию ранга один, ядро которой — "
            f"прямая второго собственного вектора.",
        },
        params={"C": C},
        distractors={matrix_text(wrong_dir): "smallest", matrix_text(unnormalised): "length 1"},
    )


@exercise("pca-residual-variance", answer_type="integer")
def pca_residual_variance(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-11-projections-pca: pca-residual-variance"):
        n = rng.randint(4, 6)
        lams = rng.sample(range(1, 21), n)
        k = rng.randint(1, n - 2)
        top = sorted(lams, reverse=True)
        residual = sum(top[k:])
        kept = sum(top[:k])
        listed_tail = sum(lams[k:])  # dropping the last ones in the order listed, not the smallest
        if kept != residual and listed_tail not in (residual, kept):
            break
    shown = ", ".join(str(x) for x in lams)
    hints = {
        str(kept): {
            "en": "That is the variance PCA keeps (the $k$ largest eigenvalues); the error is what it discards.",
            "ru": "Это дисперсия, которую PCA сохраняет ($k$ наибольших собственных значений); ошибка — то, что отброшено.",
        },
        str(listed_tail): {
            "en": "PCA keeps the largest eigenvalues, not the first ones in the list; sort them first.",
            "ru": "PCA оставляет наибольшие собственные значения, а не первые в списке; сначала упорядочьте их.",
        },
    }
    return Variant(
        prompt={
            "en": f"The covariance matrix of centred $\\mathbb{{R}}^{n}$ data has eigenvalues ${shown}$. PCA keeps "
            f"the top $k = {k}$ principal components. What is the mean squared reconstruction error?",
            "ru": f"Собственные значения ковариационной матрицы центрированных данных в $\\mathbb{{R}}^{n}$ равны ${shown}$. "
            f"PCA оставляет старшие главные компоненты, их число $k = {k}$. Чему равна средняя квадратичная ошибка восстановления?",
        },
        answer=answers.Integer(residual, hints=hints),
        solution={
            "en": f"PCA keeps the eigenvectors of the largest eigenvalues, here ${', '.join(map(str, top[:k]))}$; the "
            f"error is the sum of the discarded ones: ${' + '.join(map(str, top[k:]))} = {residual}$.",
            "ru": f"PCA оставляет собственные векторы наибольших собственных значений, здесь ${', '.join(map(str, top[:k]))}$; "
            f"ошибка равна сумме отброшенных: ${' + '.join(map(str, top[k:]))} = {residual}$.",
        },
        params={"eigenvalues": lams, "k": k},
        distractors={str(kept): "keeps", str(listed_tail): "largest"},
    )
