"""Exercises for la-01-vector-spaces."""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import vector_text


def _equation(a: list[int], rhs: int = 0) -> str:
    """LaTeX for ``a_1 x_1 + … + a_n x_n = rhs`` with signs folded in and zero terms dropped."""
    out = ""
    for i, c in enumerate(a, start=1):
        if c == 0:
            continue
        size = "" if abs(c) == 1 else str(abs(c))
        sign = ("-" if c < 0 else "") if not out else (" - " if c < 0 else " + ")
        out += f"{sign}{size}x_{i}"
    return f"{out} = {rhs}"


def _substituted(a: list[int], values: list[str]) -> str:
    """LaTeX for ``a_1 v_1 + … + a_n v_n`` with the values written in: ``-t + 2 \\cdot (-3)``."""
    out = ""
    for c, v in zip(a, values):
        if c == 0:
            continue
        size = "" if abs(c) == 1 else f"{abs(c)} \\cdot "
        sign = ("-" if c < 0 else "") if not out else (" - " if c < 0 else " + ")
        shown = f"({v})" if v.startswith("-") or (size == "" and sign == "-" and v != "t") else v
        out += f"{sign}{size}{shown}"
    return out


def _normal(rng: random.Random, n: int) -> list[int]:
    """An integer vector with a_1 = ±1 and at least two non-zero entries."""
    for _ in randmat.attempts("la-01-vector-spaces: _normal"):
        a = [rng.choice([1, -1])] + [rng.randint(-3, 3) for _ in range(n - 1)]
        if sum(1 for t in a if t) >= 2:
            return a


@exercise("complete-the-vector", answer_type="integer")
def complete_the_vector(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    for _ in randmat.attempts("la-01-vector-spaces: complete-the-vector"):
        a = _normal(rng, n)
        rest = [rng.randint(-3, 3) for _ in range(n - 1)]
        s = randmat.dot(a[1:], rest)
        t = -s * a[0]  # a_1 t + s = 0 with a_1 = ±1
        if t != 0 and any(rest):
            break
    x_text = "(t, " + ", ".join(str(r) for r in rest) + ")"
    full = [t] + rest
    lhs = _substituted(a, ["t"] + [str(r) for r in rest])
    t_term = "t" if a[0] == 1 else "-t"
    s_term = f"+ {s}" if s >= 0 else f"- {-s}"
    return Variant(
        prompt={
            "en": f"$U = \\{{x \\in \\mathbb{{R}}^{n} : {_equation(a)}\\}}$ is a subspace of $\\mathbb{{R}}^{n}$. "
            f"For which $t$ does ${x_text}$ lie in $U$?",
            "ru": f"$U = \\{{x \\in \\mathbb{{R}}^{n} : {_equation(a)}\\}}$ — подпространство $\\mathbb{{R}}^{n}$. "
            f"При каком $t$ вектор ${x_text}$ лежит в $U$?",
        },
        answer=answers.Integer(t, hints={str(-t): {
            "en": "Check the sign: substitute your value into the equation; the left-hand side should be 0.",
            "ru": "Проверьте знак: подставьте найденное значение в уравнение — левая часть должна стать равной 0.",
        }}),
        solution={
            "en": f"Substitute into the equation: ${lhs} = 0$, that is ${t_term} {s_term} = 0$, so $t = {t}$. "
            f"Check: ${vector_text(full)}$ gives ${randmat.dot(a, full)}$ on the left-hand side.",
            "ru": f"Подставим в уравнение: ${lhs} = 0$, то есть ${t_term} {s_term} = 0$, откуда $t = {t}$. "
            f"Проверка: для ${vector_text(full)}$ левая часть равна ${randmat.dot(a, full)}$.",
        },
        params={"a": a, "rest": rest},
        distractors={str(-t): "sign"},
    )


def _subspace_case(rng: random.Random) -> tuple[str, bool, dict[str, str]]:
    """A subset of R^2 or R^3 in LaTeX, whether it is a subspace, and the reason (en/ru)."""
    a, b = rng.randint(1, 4), rng.randint(1, 4)
    c = rng.randint(1, 5)
    kind = rng.choice(["homogeneous", "system", "line", "shifted", "orthant", "axes", "parabola", "diagonals"])
    if kind == "homogeneous":
        text = f"\\{{x \\in \\mathbb{{R}}^3 : {a}x_1 - {b}x_2 + x_3 = 0\\}}"
        return text, True, {
            "en": "It is the solution set of a homogeneous linear equation: it contains $0$, and a linear combination "
            "of solutions is again a solution. It is a plane through the origin.",
            "ru": "Это множество решений однородного линейного уравнения: оно содержит $0$, и линейная комбинация "
            "решений — снова решение. Это плоскость, проходящая через начало координат.",
        }
    if kind == "system":
        text = f"\\{{x \\in \\mathbb{{R}}^3 : x_1 = {a}x_2,\\ x_3 = -{b}x_2\\}}"
        return text, True, {
            "en": f"Both conditions are homogeneous linear equations, so the set is closed under sums and multiples and "
            f"contains $0$. It is the line through $(0, 0, 0)$ spanned by $({a}, 1, -{b})$.",
            "ru": f"Оба условия — однородные линейные уравнения, поэтому множество замкнуто относительно сумм и кратных "
            f"и содержит $0$. Это прямая, проходящая через $(0, 0, 0)$ в направлении $({a}, 1, -{b})$.",
        }
    if kind == "line":
        text = f"\\{{(t, {a}t) : t \\in \\mathbb{{R}}\\}}"
        return text, True, {
            "en": f"It is the set of multiples of $(1, {a})$: $s(1, {a}) + u(1, {a}) = (s + u)(1, {a})$ and "
            f"$\\alpha \\cdot t(1, {a}) = (\\alpha t)(1, {a})$. A line through the origin is a subspace.",
            "ru": f"Это множество кратных вектора $(1, {a})$: $s(1, {a}) + u(1, {a}) = (s + u)(1, {a})$ и "
            f"$\\alpha \\cdot t(1, {a}) = (\\alpha t)(1, {a})$. Прямая, проходящая через начало координат, — подпространство.",
        }
    if kind == "shifted":
        text = f"\\{{x \\in \\mathbb{{R}}^2 : x_2 = {a}x_1 + {c}\\}}"
        return text, False, {
            "en": f"It does not contain $0$: for $x_1 = 0$ the equation forces $x_2 = {c} \\neq 0$. It is a line that "
            f"misses the origin.",
            "ru": f"Оно не содержит $0$: при $x_1 = 0$ уравнение даёт $x_2 = {c} \\neq 0$. Это прямая, не проходящая "
            f"через начало координат.",
        }
    if kind == "orthant":
        text = "\\{x \\in \\mathbb{R}^3 : x_1 \\ge 0,\\ x_2 \\ge 0,\\ x_3 \\ge 0\\}"
        return text, False, {
            "en": "It is not closed under multiplication by negative numbers: $(1, 0, 0)$ is in it, $-1 \\cdot (1, 0, 0)$ "
            "is not. It is a cone (the possible outputs of a ReLU).",
            "ru": "Оно не замкнуто относительно умножения на отрицательные числа: $(1, 0, 0)$ в нём лежит, а "
            "$-1 \\cdot (1, 0, 0)$ — нет. Это конус (возможные выходы ReLU).",
        }
    if kind == "axes":
        text = "\\{x \\in \\mathbb{R}^2 : x_1 x_2 = 0\\}"
        return text, False, {
            "en": "It is the union of the two axes. $(1, 0)$ and $(0, 1)$ are in it, but their sum $(1, 1)$ is not: "
            "it is not closed under addition.",
            "ru": "Это объединение двух осей. $(1, 0)$ и $(0, 1)$ в нём лежат, а их сумма $(1, 1)$ — нет: множество "
            "не замкнуто относительно сложения.",
        }
    if kind == "parabola":
        text = f"\\{{x \\in \\mathbb{{R}}^2 : x_2 = {a}x_1^2\\}}"
        return text, False, {
            "en": f"$(1, {a})$ is in it, but $2 \\cdot (1, {a}) = (2, {2 * a})$ is not, since ${a} \\cdot 2^2 = {4 * a}$. "
            f"It is not closed under scaling.",
            "ru": f"$(1, {a})$ в нём лежит, а $2 \\cdot (1, {a}) = (2, {2 * a})$ — нет, поскольку ${a} \\cdot 2^2 = {4 * a}$. "
            f"Множество не замкнуто относительно умножения на число.",
        }
    text = "\\{x \\in \\mathbb{R}^2 : |x_1| = |x_2|\\}"
    return text, False, {
        "en": "It is the pair of diagonals. $(1, 1)$ and $(1, -1)$ are in it, but their sum $(2, 0)$ is not.",
        "ru": "Это пара диагоналей. $(1, 1)$ и $(1, -1)$ в нём лежат, а их сумма $(2, 0)$ — нет.",
    }


@exercise("is-it-a-subspace", answer_type="yesno")
def is_it_a_subspace(rng: random.Random) -> Variant:
    text, is_subspace, why = _subspace_case(rng)
    wrong = "no" if is_subspace else "yes"
    hint = {
        "en": "Test the three conditions: does it contain 0, is it closed under addition, under scaling? Here all "
        "three hold." if is_subspace else
        "Look for a counterexample: check whether 0 is in the set, then try the sum of two of its points and a "
        "negative multiple of one.",
        "ru": "Проверьте три условия: содержит ли множество 0, замкнуто ли оно относительно сложения и умножения на "
        "число? Здесь выполнены все три." if is_subspace else
        "Поищите контрпример: проверьте, лежит ли 0 в множестве, затем сложите две его точки и умножьте одну на "
        "отрицательное число.",
    }
    return Variant(
        prompt={
            "en": f"Is ${text}$ a subspace?",
            "ru": f"Является ли множество ${text}$ подпространством?",
        },
        answer=answers.YesNo(is_subspace, hints={wrong: hint}),
        solution=why,
        params={"set": text},
        distractors={wrong: "all three hold" if is_subspace else "counterexample"},
    )


@exercise("linear-combination", answer_type="vector")
def linear_combination(rng: random.Random) -> Variant:
    n = rng.randint(3, 4)
    for _ in randmat.attempts("la-01-vector-spaces: linear-combination"):
        u, w = randmat.vector(rng, n), randmat.vector(rng, n)
        alpha, beta = rng.choice([-3, -2, 2, 3]), rng.choice([-3, -2, 2, 3])
        result = [alpha * p + beta * q for p, q in zip(u, w)]
        forgot = [alpha * p + q for p, q in zip(u, w)]  # beta dropped
        parallel = all(result[i] * forgot[j] == result[j] * forgot[i] for i in range(n) for j in range(n))
        if any(result) and not parallel:
            break
    combo = f"{alpha}u + {beta}w" if beta > 0 else f"{alpha}u - {-beta}w"
    return Variant(
        prompt={
            "en": f"Let $u = {vector_text(u)}$ and $w = {vector_text(w)}$. Compute ${combo}$.",
            "ru": f"Пусть $u = {vector_text(u)}$ и $w = {vector_text(w)}$. Вычислите ${combo}$.",
        },
        answer=answers.Vector(result, hints={vector_text(forgot): {
            "en": f"You added $w$ itself; multiply every entry of $w$ by the coefficient {beta} first.",
            "ru": f"Вы прибавили сам вектор $w$; сначала умножьте каждую его координату на коэффициент {beta}.",
        }}),
        solution={
            "en": f"Componentwise: ${alpha}u = {vector_text([alpha * p for p in u])}$ and ${beta}w = "
            f"{vector_text([beta * q for q in w])}$; "
            f"their sum is ${vector_text(result)}$.",
            "ru": f"Покоординатно: ${alpha}u = {vector_text([alpha * p for p in u])}$ и ${beta}w = "
            f"{vector_text([beta * q for q in w])}$; "
            f"их сумма равна ${vector_text(result)}$.",
        },
        params={"u": u, "w": w, "alpha": alpha, "beta": beta},
        distractors={vector_text(forgot): "coefficient"},
    )


@exercise("which-vector-is-in", answer_type="choice")
def which_vector_is_in(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-01-vector-spaces: which-vector-is-in"):
        a = [rng.choice([1, -1, 2, -2]), rng.randint(-3, 3), rng.choice([1, -1])]
        p, q = rng.randint(-3, 3), rng.randint(-3, 3)
        inside = [p, q, -(a[0] * p + a[1] * q) * a[2]]  # solves a·x = 0 because a_3 = ±1
        if not any(inside):
            continue
        outside: list[list[int]] = []
        for _ in randmat.attempts("la-01-vector-spaces: which-vector-is-in (three vectors outside U)"):
            x = randmat.vector(rng, 3)
            if randmat.dot(a, x) != 0 and x not in outside:
                outside.append(x)
                if len(outside) == 3:
                    break
        break
    options = outside[:]
    correct = rng.randrange(4)
    options.insert(correct, inside)
    hints = {}
    for i, x in enumerate(options):
        if i == correct:
            continue
        value = randmat.dot(a, x)
        hints[str(i + 1)] = {
            "en": f"For ${vector_text(x)}$ the left-hand side is ${value}$, not 0, so this vector is not in $U$.",
            "ru": f"Для ${vector_text(x)}$ левая часть равна ${value}$, а не 0, так что этот вектор не лежит в $U$.",
        }
    wrong = next(k for k in hints)
    texts = [f"${vector_text(x)}$" for x in options]
    return Variant(
        prompt={
            "en": f"Which of these vectors lies in $U = \\{{x \\in \\mathbb{{R}}^3 : {_equation(a)}\\}}$?",
            "ru": f"Какой из этих векторов лежит в $U = \\{{x \\in \\mathbb{{R}}^3 : {_equation(a)}\\}}$?",
        },
        answer=answers.Choice({"en": texts, "ru": texts}, correct, hints=hints),
        solution={
            "en": "Substitute each vector into the equation: "
            + ", ".join(f"${vector_text(x)} \\mapsto {randmat.dot(a, x)}$" for x in options)
            + f". Only option {correct + 1} gives 0.",
            "ru": "Подставим каждый вектор в уравнение: "
            + ", ".join(f"${vector_text(x)} \\mapsto {randmat.dot(a, x)}$" for x in options)
            + f". Нуль получается только для варианта {correct + 1}.",
        },
        params={"a": a, "options": options, "correct": correct},
        distractors={wrong: "not 0"},
    )
