"""Exercises for la-10-eigenvalues."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import matrix_latex, signed_text, vector_latex, vector_text


def _poly(tr: int, det: int, var: str = "t") -> str:
    """``var^2 - tr·var + det`` as typed text, e.g. 't^2 - 7*t + 10'."""
    text = f"{var}^2"
    if tr:
        coef = "" if abs(tr) == 1 else f"{abs(tr)}*"
        text += f" {'-' if tr > 0 else '+'} {coef}{var}"
    if det:
        text += f" {signed_text(det)}"
    return text


def _poly_latex(tr: int, det: int, var: str = "t") -> str:
    text = f"{var}^2"
    if tr:
        coef = "" if abs(tr) == 1 else str(abs(tr))
        text += f" {'-' if tr > 0 else '+'} {coef}{var}"
    if det:
        text += f" {signed_text(det)}"
    return text


def _eigenvalues(rng: random.Random, pool: list[int], n: int) -> list[int]:
    """``n`` distinct eigenvalues from ``pool`` spanning at most 5, so the matrix stays small."""
    for _ in randmat.attempts("la-10-eigenvalues: _eigenvalues"):
        lams = rng.sample(pool, n)
        if max(lams) - min(lams) <= 5:
            return lams


def _with_eigenvalues(rng: random.Random, lams: list[int], *, entries: int) -> tuple[list[list[int]], list[list[int]]]:
    """An integer matrix ``A = P D P⁻¹`` with eigenvalues ``lams``, not triangular, and ``P``.

    ``P`` is ``randmat.unimodular``, so ``A`` is an integer matrix and column j of ``P`` is an integer
    eigenvector for ``lams[j]``.  Unlike ``randmat.with_eigenvalues`` this redraws triangular results:
    a triangular matrix shows its eigenvalues on the diagonal and would make the exercise moot.
    """
    n = len(lams)
    for _ in randmat.attempts(f"la-10-eigenvalues: _with_eigenvalues {lams}", limit=500):
        P = randmat.unimodular(rng, n, entries=2)
        PD = [[P[i][j] * lams[j] for j in range(n)] for i in range(n)]
        A = [[int(x) for x in row] for row in randmat.matmul(PD, randmat.inverse(P))]
        lower = any(A[i][j] for i in range(n) for j in range(i))
        upper = any(A[i][j] for i in range(n) for j in range(i + 1, n))
        if lower and upper and max(abs(x) for row in A for x in row) <= entries:
            return A, P
    raise AssertionError("unreachable: randmat.attempts raises when exhausted")  # pragma: no cover


@exercise("largest-eigenvalue", answer_type="integer")
def largest_eigenvalue(rng: random.Random) -> Variant:
    # Non-zero eigenvalues: then the trace l1 + l2 is never the largest eigenvalue itself.
    l1, l2 = _eigenvalues(rng, [-3, -2, -1, 1, 2, 3, 4, 5], 2)
    A, _ = _with_eigenvalues(rng, [l1, l2], entries=15)
    tr, det = l1 + l2, l1 * l2
    big, small = max(l1, l2), min(l1, l2)
    hints = {
        str(tr): {"en": "That is the trace, the sum of the two eigenvalues.",
                  "ru": "Это след — сумма двух собственных значений."},
    }
    if A[0][0] not in (big, tr):
        hints[str(A[0][0])] = {
            "en": "Diagonal entries are the eigenvalues only for triangular matrices; solve det(A − tI) = 0.",
            "ru": "Диагональные элементы равны собственным значениям лишь у треугольных матриц; решите det(A − tI) = 0.",
        }
    return Variant(
        prompt={
            "en": f"What is the largest eigenvalue of $A = {matrix_latex(A)}$?",
            "ru": f"Чему равно наибольшее собственное значение матрицы $A = {matrix_latex(A)}$?",
        },
        answer=answers.Integer(big, hints=hints),
        solution={
            "en": (f"$\\operatorname{{tr}} A = {tr}$ and $\\det A = {det}$, so "
                   f"$\\det(A - tI) = {_poly_latex(tr, det)} = (t {signed_text(-big)})(t {signed_text(-small)})$. "
                   f"The eigenvalues are ${big}$ and ${small}$; the largest is ${big}$."),
            "ru": (f"$\\operatorname{{tr}} A = {tr}$, $\\det A = {det}$, поэтому "
                   f"$\\det(A - tI) = {_poly_latex(tr, det)} = (t {signed_text(-big)})(t {signed_text(-small)})$. "
                   f"Собственные значения — ${big}$ и ${small}$; наибольшее из них ${big}$."),
        },
        params={"A": A},
        distractors={str(tr): "trace"},
    )


@exercise("find-eigenvector", answer_type="scaled_vector")
def find_eigenvector(rng: random.Random) -> Variant:
    n = rng.choice([2, 2, 3])
    lams = _eigenvalues(rng, [-3, -2, -1, 0, 1, 2, 3, 4] if n == 2 else [-2, -1, 0, 1, 2, 3], n)
    A, P = _with_eigenvalues(rng, lams, entries=12)
    j = rng.randrange(n)
    lam = lams[j]
    v = [P[i][j] for i in range(n)]
    other = [P[i][(j + 1) % n] for i in range(n)]
    shifted = [[A[i][k] - (lam if i == k else 0) for k in range(n)] for i in range(n)]
    return Variant(
        prompt={
            "en": f"Find an eigenvector of $A = {matrix_latex(A)}$ with eigenvalue ${lam}$.",
            "ru": (f"Найдите собственный вектор матрицы $A = {matrix_latex(A)}$, отвечающий собственному "
                   f"значению ${lam}$."),
        },
        answer=answers.ScaledVector(v, hints={
            vector_text(other): {
                "en": (f"That is an eigenvector for a different eigenvalue, ${lams[(j + 1) % n]}$; solve "
                       f"$(A - {lam}I)\\mathbf{{v}} = 0$."),
                "ru": (f"Это собственный вектор для другого собственного значения, ${lams[(j + 1) % n]}$; "
                       f"решите систему $(A - {lam}I)\\mathbf{{v}} = 0$."),
            },
        }),
        solution={
            "en": (f"Solve $(A - {lam}I)\\mathbf{{v}} = 0$ with $A - {lam}I = {matrix_latex(shifted)}$. Its "
                   f"kernel is spanned by $\\mathbf{{v}} = {vector_latex(v)}$; check: "
                   f"$A\\mathbf{{v}} = {vector_latex(randmat.matvec(A, v))} = {lam}\\mathbf{{v}}$. Any non-zero "
                   f"multiple of $\\mathbf{{v}}$ is also right."),
            "ru": (f"Решим систему $(A - {lam}I)\\mathbf{{v}} = 0$, где $A - {lam}I = {matrix_latex(shifted)}$. "
                   f"Её ядро натянуто на $\\mathbf{{v}} = {vector_latex(v)}$; проверка: "
                   f"$A\\mathbf{{v}} = {vector_latex(randmat.matvec(A, v))} = {lam}\\mathbf{{v}}$. Подходит и любой "
                   f"ненулевой вектор, коллинеарный $\\mathbf{{v}}$."),
        },
        params={"A": A, "eigenvalue": lam},
        distractors={vector_text([0] * n): "zero vector", vector_text(other): "different eigenvalue"},
    )


@exercise("characteristic-polynomial", answer_type="expression")
def characteristic_polynomial(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-10-eigenvalues: characteristic-polynomial"):
        A = [[rng.randint(-4, 5) for _ in range(2)] for _ in range(2)]
        tr = A[0][0] + A[1][1]
        det = A[0][0] * A[1][1] - A[0][1] * A[1][0]
        if tr != 0 and det != 0 and A[0][1] * A[1][0] != 0:
            break
    (a, b), (c, d) = A
    return Variant(
        prompt={
            "en": (f"Write the characteristic polynomial $\\det(A - tI)$ of $A = {matrix_latex(A)}$ as an "
                   f"expression in $t$."),
            "ru": (f"Запишите характеристический многочлен $\\det(A - tI)$ матрицы $A = {matrix_latex(A)}$ "
                   f"как выражение от $t$."),
        },
        answer=answers.Expression(_poly(tr, det), variables=("t",)),
        solution={
            "en": (f"$\\det(A - tI) = ({a} - t)({d} - t) - ({b})({c}) = {_poly_latex(tr, det)}$: the "
                   f"coefficient of $t$ is $-\\operatorname{{tr}} A = {-tr}$ and the constant term is "
                   f"$\\det A = {det}$."),
            "ru": (f"$\\det(A - tI) = ({a} - t)({d} - t) - ({b})({c}) = {_poly_latex(tr, det)}$: "
                   f"коэффициент при $t$ равен $-\\operatorname{{tr}} A = {-tr}$, а свободный член — "
                   f"$\\det A = {det}$."),
        },
        params={"A": A},
        distractors={_poly(-tr, det): "differs"},
    )


@exercise("recurrence-stability", answer_type="yesno")
def recurrence_stability(rng: random.Random) -> Variant:
    k = 5
    # Eigenvalues of M on both sides of ±k, so the answer depends on them and not on the size of
    # the entries; one sign for both keeps the entries small.
    sign = rng.choice([1, -1])
    if rng.random() < 0.5:
        magnitudes = rng.sample([1, 2, 3, 4], 2)
    else:
        first = rng.choice([6, 7])
        magnitudes = [first, rng.choice([m for m in (2, 3, 4, 6, 7) if m != first])]
    rng.shuffle(magnitudes)
    l1, l2 = (sign * m for m in magnitudes)
    M, _ = _with_eigenvalues(rng, [l1, l2], entries=20)
    decays = max(abs(l1), abs(l2)) < k
    tr, det = l1 + l2, l1 * l2
    wrong = "no" if decays else "yes"
    rho = max(abs(l1), abs(l2))
    verdict_en = (f"both are less than $1$ in absolute value, so $W^t\\mathbf{{h}}_0 \\to 0$ for every start."
                  if decays else
                  f"the eigenvalue of absolute value ${rho}/{k} > 1$ makes the component along its "
                  f"eigenvector grow like $({rho}/{k})^t$, so not every $\\mathbf{{h}}_t$ tends to $0$.")
    verdict_ru = (f"оба по модулю меньше $1$, поэтому $W^t\\mathbf{{h}}_0 \\to 0$ при любом начальном векторе."
                  if decays else
                  f"собственное значение с модулем ${rho}/{k} > 1$ заставляет составляющую вдоль своего "
                  f"собственного вектора расти как $({rho}/{k})^t$, так что не все $\\mathbf{{h}}_t$ стремятся к $0$.")
    return Variant(
        prompt={
            "en": (f"A linear recurrent layer computes $\\mathbf{{h}}_t = W\\mathbf{{h}}_{{t-1}}$ with "
                   f"$W = \\frac{{1}}{{{k}}}M$, $M = {matrix_latex(M)}$. Does $\\mathbf{{h}}_t \\to 0$ as $t \\to \\infty$ "
                   f"for every starting vector $\\mathbf{{h}}_0$?"),
            "ru": (f"Линейный рекуррентный слой вычисляет $\\mathbf{{h}}_t = W\\mathbf{{h}}_{{t-1}}$, где "
                   f"$W = \\frac{{1}}{{{k}}}M$, $M = {matrix_latex(M)}$. Верно ли, что $\\mathbf{{h}}_t \\to 0$ при "
                   f"$t \\to \\infty$ для любого начального вектора $\\mathbf{{h}}_0$?"),
        },
        answer=answers.YesNo(decays, hints={
            wrong: {
                "en": ("Find the eigenvalues of the integer matrix $M$ and divide them by "
                       f"{k}: everything decays exactly when the largest absolute value is below 1."),
                "ru": ("Найдите собственные значения целочисленной матрицы $M$ и разделите их на "
                       f"{k}: всё затухает ровно тогда, когда наибольший модуль меньше 1."),
            },
        }),
        solution={
            "en": (f"The integer matrix $M$ has trace ${tr}$ and determinant ${det}$, so its eigenvalues "
                   f"are the roots of ${_poly_latex(tr, det, 'x')}$: ${l1}$ and ${l2}$. The eigenvalues of "
                   f"$W = \\frac{{1}}{{{k}}}M$ are ${l1}/{k}$ and ${l2}/{k}$; " + verdict_en),
            "ru": (f"У целочисленной матрицы $M$ след ${tr}$ и определитель ${det}$, поэтому её собственные "
                   f"значения — корни многочлена ${_poly_latex(tr, det, 'x')}$: ${l1}$ и ${l2}$. Собственные "
                   f"значения $W = \\frac{{1}}{{{k}}}M$ равны ${l1}/{k}$ и ${l2}/{k}$; " + verdict_ru),
        },
        params={"M": M, "scale": k},
        distractors={wrong: "largest absolute value"},
    )
