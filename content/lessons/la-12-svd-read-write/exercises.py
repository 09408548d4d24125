"""Exercises for la-12-svd-read-write.

Exact SVDs come from orthogonal matrices with rational entries: signed permutations, the rotation
(1/5)[[3, -4], [4, 3]] and the symmetric (1/3)[[1, 2, 2], [2, 1, -2], [2, -2, 1]]. Singular values that
are multiples of the denominators keep every matrix shown to the learner an integer matrix.
"""

import math
import random
from fractions import Fraction

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import matrix_latex, matrix_text, number_latex, vector_latex, vector_text

_R5 = [[Fraction(3, 5), Fraction(-4, 5)], [Fraction(4, 5), Fraction(3, 5)]]
_R3 = [[Fraction(a, 3) for a in row] for row in ([1, 2, 2], [2, 1, -2], [2, -2, 1])]


def _signed_permutation(rng: random.Random, n: int) -> list[list[int]]:
    perm = rng.sample(range(n), n)
    return [[rng.choice([1, -1]) if j == perm[i] else 0 for j in range(n)] for i in range(n)]


def _scrambled(rng: random.Random, Q: list[list[Fraction]]) -> list[list[Fraction]]:
    """``P1 Q P2`` for random signed permutations: another orthogonal matrix with the same denominators."""
    n = len(Q)
    return randmat.matmul(randmat.matmul(_signed_permutation(rng, n), Q), _signed_permutation(rng, n))


def _col(A: list[list], j: int) -> list:
    return [row[j] for row in A]


def _paren(x: int | Fraction) -> str:
    """A number in LaTeX, in parentheses when negative (for products like ``3 \\cdot (-2)``)."""
    return f"\\left({number_latex(x)}\\right)" if x < 0 else number_latex(x)


def _combination(coeffs: list, terms: list[str]) -> str:
    """LaTeX for ``c_1 t_1 + c_2 t_2`` with the signs folded in: ``3\\, u_1 - \\frac{1}{2}\\, u_2``."""
    out = ""
    for c, t in zip(coeffs, terms):
        c = Fraction(c)
        size = number_latex(abs(c))
        if not out:
            out = f"{'-' if c < 0 else ''}{size}\\, {t}"
        else:
            out += f" {'-' if c < 0 else '+'} {size}\\, {t}"
    return out


@exercise("singular-values", answer_type="vector")
def singular_values(rng: random.Random) -> Variant:
    shape = rng.choice([(2, 2), (2, 3), (3, 2)])
    if shape == (2, 2):
        rotation_first = rng.random() < 0.5
        U = _scrambled(rng, _R5) if rotation_first else _signed_permutation(rng, 2)
        V = _signed_permutation(rng, 2) if rotation_first else _scrambled(rng, _R5)
        den = 5
    elif rng.random() < 0.5:
        U, V, den = _signed_permutation(rng, 2), _scrambled(rng, _R3), 3
    else:  # both factors rational rotations: the Gram matrix is not diagonal
        U, V, den = _scrambled(rng, _R5), _scrambled(rng, _R3), 15
    k1, k2 = sorted(rng.sample(range(1, 4 if den < 15 else 3), 2), reverse=True)
    sigma = [den * k1, den * k2]
    # M = sigma_1 u_1 v_1^T + sigma_2 u_2 v_2^T, shape (2, n)
    n = len(V)
    M = [[sum(sigma[t] * Fraction(U[i][t]) * V[j][t] for t in range(2)) for j in range(n)] for i in range(2)]
    if shape == (3, 2):
        M = randmat.transpose(M)
    M = [[int(x) for x in row] for row in M]
    m, n = len(M), len(M[0])
    G = randmat.matmul(M, randmat.transpose(M)) if m <= n else randmat.matmul(randmat.transpose(M), M)
    gram = "MM^\\top" if m <= n else "M^\\top M"
    squares = [s * s for s in sigma]
    tr, det = G[0][0] + G[1][1], G[0][0] * G[1][1] - G[0][1] * G[1][0]
    hints = {
        vector_text(squares): {
            "en": "Those are the eigenvalues of the Gram matrix, $\\sigma_i^2$; take square roots.",
            "ru": "Это собственные значения матрицы Грама, $\\sigma_i^2$; извлеките квадратные корни.",
        },
        vector_text(sigma[::-1]): {
            "en": "Right values, wrong order: list them in decreasing order, $\\sigma_1 \\ge \\sigma_2$.",
            "ru": "Значения верные, порядок нет: перечислите их по убыванию, $\\sigma_1 \\ge \\sigma_2$.",
        },
    }
    return Variant(
        prompt={
            "en": f"Find the singular values of $M = {matrix_latex(M)}$, in decreasing order.",
            "ru": f"Найдите сингулярные числа матрицы $M = {matrix_latex(M)}$ в порядке убывания.",
        },
        answer=answers.Vector(sigma, hints=hints),
        solution={
            "en": f"The singular values are the square roots of the eigenvalues of ${gram} = {matrix_latex(G)}$. "
            f"Its trace is ${tr}$ and its determinant ${det}$, so its eigenvalues solve "
            f"$\\lambda^2 - {tr}\\lambda + {det} = 0$: $\\lambda = {squares[0]}, {squares[1]}$. Hence "
            f"$\\sigma_1 = {sigma[0]}$, $\\sigma_2 = {sigma[1]}$.",
            "ru": f"Сингулярные числа — квадратные корни из собственных значений ${gram} = {matrix_latex(G)}$. "
            f"Её след равен ${tr}$, определитель ${det}$, так что собственные значения — корни уравнения "
            f"$\\lambda^2 - {tr}\\lambda + {det} = 0$: $\\lambda = {squares[0]}, {squares[1]}$. Значит, "
            f"$\\sigma_1 = {sigma[0]}$, $\\sigma_2 = {sigma[1]}$.",
        },
        params={"M": M},
        distractors={vector_text(squares): "square roots", vector_text(sigma[::-1]): "decreasing"},
    )


@exercise("read-scale-write", answer_type="vector")
def read_scale_write(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-12-svd-read-write: read-scale-write"):
        V = _scrambled(rng, _R3)
        i, j = rng.sample(range(3), 2)
        v1, v2 = V[i], V[j]  # two orthonormal read directions in R^3
        U = _scrambled(rng, _R5) if rng.random() < 0.5 else _signed_permutation(rng, 2)
        u1, u2 = _col(U, 0), _col(U, 1)
        s1, s2 = sorted(rng.sample([3, 6, 9], 2), reverse=True)
        x = randmat.vector(rng, 3, entries=3)
        r1 = sum(Fraction(a) * b for a, b in zip(v1, x))
        r2 = sum(Fraction(a) * b for a, b in zip(v2, x))
        y = randmat.as_exact([s1 * r1 * a + s2 * r2 * b for a, b in zip(u1, u2)])
        unscaled = randmat.as_exact([r1 * a + r2 * b for a, b in zip(u1, u2)])
        first_only = randmat.as_exact([s1 * r1 * a for a in u1])
        if r1 != 0 and r2 != 0 and len({tuple(y), tuple(unscaled), tuple(first_only)}) == 3:
            break
    hints = {
        vector_text(unscaled): {
            "en": "You read and wrote, but did not scale: multiply each read by its $\\sigma_i$.",
            "ru": "Вы прочитали и записали, но не умножили: каждое прочитанное число умножьте на своё $\\sigma_i$.",
        },
        vector_text(first_only): {
            "en": "That is only the first term; $Mx$ is the sum of every term $\\sigma_i \\langle v_i, x \\rangle u_i$.",
            "ru": "Это только первое слагаемое; $Mx$ — сумма всех слагаемых $\\sigma_i \\langle v_i, x \\rangle u_i$.",
        },
    }
    terms = (f"M = {s1}\\, u_1 v_1^\\top + {s2}\\, u_2 v_2^\\top, \\quad u_1 = {vector_latex(u1, column=False)},\\ u_2 "
             f"= {vector_latex(u2, column=False)},"
             f"\\ v_1 = {vector_latex(v1, column=False)},\\ v_2 = {vector_latex(v2, column=False)}")
    return Variant(
        prompt={
            "en": f"$${terms}.$$ Compute $Mx$ for $x = {vector_latex(x, column=False)}$ by reading, scaling and "
            f"writing.",
            "ru": f"$${terms}.$$ Вычислите $Mx$ для $x = {vector_latex(x, column=False)}$: прочитайте, умножьте и "
            f"запишите.",
        },
        answer=answers.Vector(y, hints=hints),
        solution={
            "en": f"Read: $\\langle v_1, x \\rangle = {number_latex(r1)}$, $\\langle v_2, x \\rangle = {number_latex(r2)}$. "
            f"Scale: ${s1} \\cdot {_paren(r1)} = {number_latex(s1 * r1)}$ and ${s2} \\cdot {_paren(r2)} = "
            f"{number_latex(s2 * r2)}$. Write: ${_combination([s1 * r1, s2 * r2], ['u_1', 'u_2'])} = "
            f"{vector_latex(y, column=False)}$.",
            "ru": f"Чтение: $\\langle v_1, x \\rangle = {number_latex(r1)}$, $\\langle v_2, x \\rangle = {number_latex(r2)}$. "
            f"Умножение: ${s1} \\cdot {_paren(r1)} = {number_latex(s1 * r1)}$ и ${s2} \\cdot {_paren(r2)} = "
            f"{number_latex(s2 * r2)}$. Запись: ${_combination([s1 * r1, s2 * r2], ['u_1', 'u_2'])} = "
            f"{vector_latex(y, column=False)}$.",
        },
        params={"u1": u1, "u2": u2, "v1": v1, "v2": v2, "sigma": [s1, s2], "x": x},
        distractors={vector_text(unscaled): "scale", vector_text(first_only): "every term"},
    )


@exercise("rank-one-terms", answer_type="integer")
def rank_one_terms(rng: random.Random) -> Variant:
    m, n = rng.choice([(3, 3), (3, 4), (4, 3), (4, 4), (3, 5)])
    r = rng.randint(1, min(m, n) - 1)
    M = randmat.with_rank(rng, m, n, rank=r, entries=6)
    full = min(m, n)
    hints = {
        str(full): {
            "en": f"A generic ${m} \\times {n}$ matrix would need {full} terms, but this one has dependent rows; "
            "the minimum number of terms is the rank.",
            "ru": f"Матрице ${m} \\times {n}$ общего вида понадобилось бы {full} слагаемых, но у этой строки зависимы; "
            "наименьшее число слагаемых равно рангу.",
        },
    }
    return Variant(
        prompt={
            "en": f"What is the smallest number of rank-one matrices $a b^\\top$ whose sum is $M = {matrix_latex(M)}$?",
            "ru": f"Какое наименьшее число матриц ранга один вида $a b^\\top$ даёт в сумме $M = {matrix_latex(M)}$?",
        },
        answer=answers.Integer(r, hints=hints),
        solution={
            "en": f"The minimum is $\\operatorname{{rank}} M = {r}$: the SVD uses exactly that many terms, and $k$ terms "
            f"can only write into a space of dimension at most $k$. Row reduction shows {r} independent rows.",
            "ru": f"Наименьшее число равно $\\operatorname{{rank}} M = {r}$: сингулярное разложение использует ровно "
            f"столько слагаемых, а $k$ слагаемых пишут лишь в пространство размерности не больше $k$. Приведение к "
            f"ступенчатому виду даёт {r} независимых строк.",
        },
        params={"M": M},
        distractors={str(full): "rank"},
    )


# eigenvector pairs (w1, w2, |w|^2) with rational unit vectors w / |w| up to the square root
_EIGEN_PAIRS = [((1, 1), (1, -1), 2), ((1, -1), (1, 1), 2), ((1, 2), (-2, 1), 5), ((2, 1), (-1, 2), 5)]


@exercise("symmetric-inverse", answer_type="matrix")
def symmetric_inverse(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-12-svd-read-write: symmetric-inverse"):
        w1, w2, den = rng.choice(_EIGEN_PAIRS)
        l2 = rng.choice([k for k in range(-4, 6) if k != 0])
        l1 = l2 + den * rng.choice([1, 2] if den == 2 else [1])
        if l1 == 0 or l1 == -l2:
            continue
        P1 = [[Fraction(a * b, den) for b in w1] for a in w1]
        P2 = [[Fraction(a * b, den) for b in w2] for a in w2]
        S = [[int(l1 * P1[i][j] + l2 * P2[i][j]) for j in range(2)] for i in range(2)]
        inv = randmat.as_exact_rows([[P1[i][j] / l1 + P2[i][j] / l2 for j in range(2)] for i in range(2)])
        assert randmat.inverse(S) == inv
        if any(x == 0 for row in S for x in row):
            continue
        entrywise = randmat.as_exact_rows([[Fraction(1, x) for x in row] for row in S])
        d = randmat.det(S)
        over_det = randmat.as_exact_rows([[Fraction(x) / d for x in row] for row in S])
        if len({matrix_text(inv), matrix_text(entrywise), matrix_text(over_det)}) == 3:
            break
    hints = {
        matrix_text(entrywise): {
            "en": "Inverting each entry does not invert the matrix. Invert the eigenvalues: "
            "$S^{-1} = \\sum_i \\frac{1}{\\lambda_i} q_i q_i^\\top$.",
            "ru": "Обращение каждого элемента не даёт обратной матрицы. Обратите собственные значения: "
            "$S^{-1} = \\sum_i \\frac{1}{\\lambda_i} q_i q_i^\\top$.",
        },
        matrix_text(over_det): {
            "en": "That is $S/\\det S$; the inverse divides the adjugate (diagonal swapped, off-diagonal negated) by $\\det S$.",
            "ru": "Это $S/\\det S$; обратная матрица — это присоединённая (диагональ переставлена, вне диагонали смена знака), "
            "делённая на $\\det S$.",
        },
    }
    projectors = ["q_1 q_1^\\top", "q_2 q_2^\\top"]
    scaled = _combination([l1, l2], projectors)
    inverted = _combination([Fraction(1, l1), Fraction(1, l2)], projectors)
    return Variant(
        prompt={
            "en": f"The symmetric matrix $S = {matrix_latex(S)}$ has eigenvectors $w_1 = "
            f"{vector_latex(list(w1), column=False)}$ and "
            f"$w_2 = {vector_latex(list(w2), column=False)}$. Using them, compute $S^{{-1}}$.",
            "ru": f"Симметричная матрица $S = {matrix_latex(S)}$ имеет собственные векторы $w_1 = "
            f"{vector_latex(list(w1), column=False)}$ и "
            f"$w_2 = {vector_latex(list(w2), column=False)}$. С их помощью найдите $S^{{-1}}$.",
        },
        answer=answers.Matrix(inv, hints=hints),
        solution={
            "en": f"$Sw_1 = {l1} w_1$ and $Sw_2 = {l2} w_2$. With $q_i = w_i/\\|w_i\\|$ (here $\\|w_i\\|^2 = {den}$), "
            f"$S = {scaled}$, and the inverse reads and writes along the same "
            f"directions with the reciprocal scales: $S^{{-1}} = {inverted} = {matrix_latex(inv)}$.",
            "ru": f"$Sw_1 = {l1} w_1$ и $Sw_2 = {l2} w_2$. При $q_i = w_i/\\|w_i\\|$ (здесь $\\|w_i\\|^2 = {den}$) "
            f"$S = {scaled}$, и обратная матрица читает и пишет вдоль тех же "
            f"направлений с обратными множителями: $S^{{-1}} = {inverted} = {matrix_latex(inv)}$.",
        },
        params={"S": S},
        distractors={matrix_text(entrywise): "each entry", matrix_text(over_det): "adjugate"},
    )


# dropped singular values whose squares sum to a perfect square: (values, sqrt of the sum of squares)
_DROPPED = [((4, 3), 5), ((8, 6), 10), ((12, 5), 13), ((2, 2, 1), 3), ((4, 4, 2), 6), ((6, 3, 2), 7),
            ((8, 4, 1), 9), ((7, 4, 4), 9), ((9, 6, 2), 11), ((12, 4, 3), 13)]


@exercise("truncation-error", answer_type="number")
def truncation_error(rng: random.Random) -> Variant:
    dropped, frob = rng.choice(_DROPPED)
    k = rng.randint(1, 3)
    kept = sorted(rng.sample(range(dropped[0] + 1, dropped[0] + 12), k), reverse=True)
    sigma = kept + list(dropped)
    norm = rng.choice(["frobenius", "spectral"])
    shown = ", ".join(str(s) for s in sigma)
    if norm == "frobenius":
        value = frob
        wrong = {
            str(sum(dropped)): {
                "en": "Add the squares of the dropped singular values, then take the square root.",
                "ru": "Сложите квадраты отброшенных сингулярных чисел и извлеките корень.",
            },
            str(dropped[0]): {
                "en": "That is the error in the spectral norm; the Frobenius error combines all dropped terms.",
                "ru": "Это ошибка в спектральной норме; ошибка по Фробениусу учитывает все отброшенные слагаемые.",
            },
        }
        phrases = {str(sum(dropped)): "squares", str(dropped[0]): "spectral norm"}
        which = {"en": f"Frobenius norm $\\|M - M_{k}\\|_F$", "ru": f"норме Фробениуса $\\|M - M_{k}\\|_F$"}
        sol_en = (f"By Eckart–Young the best rank-{k} approximation keeps the {k} largest terms and "
                  f"$\\|M - M_{k}\\|_F = \\sqrt{{{' + '.join(f'{s}^2' for s in dropped)}}} = {frob}$.")
        sol_ru = (f"По теореме Эккарта — Янга наилучшее приближение ранга {k} сохраняет {k} старших слагаемых, и "
                  f"$\\|M - M_{k}\\|_F = \\sqrt{{{' + '.join(f'{s}^2' for s in dropped)}}} = {frob}$.")
    else:
        value = dropped[0]
        wrong = {
            str(kept[-1]): {
                "en": "That is the smallest singular value you keep; the error is the largest one you drop, $\\sigma_{k+1}$.",
                "ru": "Это наименьшее из сохранённых сингулярных чисел; ошибка — наибольшее из отброшенных, $\\sigma_{k+1}$.",
            },
            str(frob): {
                "en": "That is the Frobenius error; in the spectral norm only the largest dropped singular value counts.",
                "ru": "Это ошибка по Фробениусу; в спектральной норме важно только наибольшее отброшенное сингулярное число.",
            },
        }
        phrases = {str(kept[-1]): "largest one you drop", str(frob): "frobenius"}
        which = {"en": f"spectral norm $\\|M - M_{k}\\|_2$", "ru": f"спектральной норме $\\|M - M_{k}\\|_2$"}
        sol_en = (f"By Eckart–Young the best rank-{k} approximation keeps the {k} largest terms, and the spectral "
                  f"error is the largest dropped singular value: $\\sigma_{{{k + 1}}} = {dropped[0]}$.")
        sol_ru = (f"По теореме Эккарта — Янга наилучшее приближение ранга {k} сохраняет {k} старших слагаемых, а "
                  f"ошибка в спектральной норме равна наибольшему отброшенному сингулярному числу: "
                  f"$\\sigma_{{{k + 1}}} = {dropped[0]}$.")
    return Variant(
        prompt={
            "en": f"A matrix $M$ has singular values ${shown}$. What is the error of its best rank-${k}$ approximation "
            f"$M_{k}$ in the {which['en']}?",
            "ru": f"Сингулярные числа матрицы $M$ равны ${shown}$. Чему равна ошибка её наилучшего приближения $M_{k}$ "
            f"ранга ${k}$ в {which['ru']}?",
        },
        answer=answers.Number(value, hints=wrong),
        solution={"en": sol_en, "ru": sol_ru},
        params={"sigma": sigma, "k": k, "norm": norm},
        distractors=phrases,
    )


assert math.isqrt(25) == 5  # the table above is checked below at import time
for _vals, _root in _DROPPED:
    assert sum(v * v for v in _vals) == _root * _root, (_vals, _root)
