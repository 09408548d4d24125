"""Exercises for la-13-layernorm.

LayerNorm here means N(x) = (x - mean(x) 1) / std(x) with the 1/n variance, no gain, no bias and eps = 0.
Exact answers come from centred integer vectors whose variance is a perfect square.
"""

import functools
import itertools
import math
import random
from fractions import Fraction

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import number_latex, vector_latex, vector_text


@functools.lru_cache(maxsize=None)
def _centred_with_square_variance() -> tuple[tuple[int, ...], ...]:
    """Sorted integer vectors c (length 4 to 6, entries in [-5, 5]) with sum 0 and variance a square >= 4.

    Vectors whose entries all have the same size (like (-2, -2, 2, 2)) are left out: their LayerNorm is
    just a sign pattern.
    """
    found = []
    for n in (4, 5, 6):
        for c in itertools.combinations_with_replacement(range(-5, 6), n):
            q = sum(t * t for t in c)
            if sum(c) == 0 and q % n == 0 and len({abs(t) for t in c}) > 1:
                s = math.isqrt(q // n)
                if s * s == q // n and s >= 2:
                    found.append(c)
    return tuple(found)


@functools.lru_cache(maxsize=None)
def _with_square_mean_square() -> tuple[tuple[int, ...], ...]:
    """Sorted integer vectors x (length 3 to 5, entries in [-5, 5]) with mean(x^2) a square >= 4 and mean(x) != 0."""
    found = []
    for n in (3, 4, 5):
        for x in itertools.combinations_with_replacement(range(-5, 6), n):
            q = sum(t * t for t in x)
            if sum(x) != 0 and q % n == 0 and len({abs(t) for t in x}) > 1:
                r = math.isqrt(q // n)
                if r * r == q // n and r >= 2:
                    found.append(x)
    return tuple(found)


def _draw_centred(rng: random.Random) -> tuple[list[int], int]:
    c = list(rng.choice(_centred_with_square_variance()))
    rng.shuffle(c)
    n = len(c)
    return c, math.isqrt(sum(t * t for t in c) // n)


@exercise("centre-vector", answer_type="vector")
def centre_vector(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-13-layernorm: centre-vector"):
        n = rng.randint(3, 5)
        x = [rng.randint(-4, 8) for _ in range(n)]
        mu = Fraction(sum(x), n)
        c = randmat.as_exact([t - mu for t in x])
        removed = randmat.as_exact([mu] * n)
        if mu != 0 and len(set(x)) > 1 and c != removed:
            break
    hints = {
        vector_text(x): {
            "en": "That is $x$ unchanged; its entries do not sum to $0$. Subtract the mean from every coordinate.",
            "ru": "Это сам $x$; сумма его координат не равна $0$. Вычтите среднее из каждой координаты.",
        },
        vector_text(removed): {
            "en": "That is $\\mu \\mathbf{1}$, the part that centring removes (the projection onto $\\mathbf{1}$); "
            "the centred vector is what is left.",
            "ru": "Это $\\mu \\mathbf{1}$ — то, что центрирование удаляет (проекция на $\\mathbf{1}$); центрированный "
            "вектор — то, что остаётся.",
        },
    }
    return Variant(
        prompt={
            "en": f"Compute the centred vector $Px = x - \\mu\\mathbf{{1}}$ for $x = {vector_latex(x, column=False)}$, "
            f"i.e. the orthogonal "
            f"projection of $x$ onto the hyperplane $\\mathbf{{1}}^\\perp$.",
            "ru": f"Найдите центрированный вектор $Px = x - \\mu\\mathbf{{1}}$ для $x = "
            f"{vector_latex(x, column=False)}$, то есть ортогональную "
            f"проекцию $x$ на гиперплоскость $\\mathbf{{1}}^\\perp$.",
        },
        answer=answers.Vector(c, hints=hints),
        solution={
            "en": f"$\\mu = \\frac{{{sum(x)}}}{{{n}}} = {number_latex(mu)}$, so $Px = "
            f"{vector_latex(c, column=False)}$. Its entries sum to $0$, "
            f"so it lies in $\\mathbf{{1}}^\\perp$.",
            "ru": f"$\\mu = \\frac{{{sum(x)}}}{{{n}}} = {number_latex(mu)}$, поэтому $Px = "
            f"{vector_latex(c, column=False)}$. Сумма координат "
            f"равна $0$, так что вектор лежит в $\\mathbf{{1}}^\\perp$.",
        },
        params={"x": x},
        distractors={vector_text(x): "sum to", vector_text(removed): "removes"},
    )


@exercise("layernorm-exact", answer_type="vector")
def layernorm_exact(rng: random.Random) -> Variant:
    c, sigma = _draw_centred(rng)
    n = len(c)
    mu = rng.choice([k for k in range(-3, 5) if k != 0])
    x = [t + mu for t in c]
    y = randmat.as_exact([Fraction(t, sigma) for t in c])
    scaled_x = randmat.as_exact([Fraction(t, sigma) for t in x])
    hints = {
        vector_text(c): {
            "en": "You centred correctly but did not divide by the standard deviation; the output must have length "
            "$\\sqrt{n}$.",
            "ru": "Центрирование верное, но вы не разделили на стандартное отклонение; длина результата должна быть "
            "$\\sqrt{n}$.",
        },
        vector_text(scaled_x): {
            "en": "You divided by $\\sigma$ but forgot to subtract the mean first; the output must sum to $0$.",
            "ru": "Вы разделили на $\\sigma$, но забыли сначала вычесть среднее; сумма координат результата должна быть $0$.",
        },
    }
    return Variant(
        prompt={
            "en": f"Compute $N(x) = (x - \\mu\\mathbf{{1}})/\\sigma$ (LayerNorm with the $\\frac{{1}}{{n}}$ variance, no gain, "
            f"no bias, $\\varepsilon = 0$) for $x = {vector_latex(x, column=False)}$.",
            "ru": f"Вычислите $N(x) = (x - \\mu\\mathbf{{1}})/\\sigma$ (LayerNorm с дисперсией через $\\frac{{1}}{{n}}$, без "
            f"коэффициента и сдвига, $\\varepsilon = 0$) для $x = {vector_latex(x, column=False)}$.",
        },
        answer=answers.Vector(y, hints=hints),
        solution={
            "en": f"$\\mu = {mu}$, so $c = x - \\mu\\mathbf{{1}} = {vector_latex(c, column=False)}$. Then $\\|c\\|^2 = "
            f"{sum(t * t for t in c)}$, "
            f"$\\sigma^2 = {sum(t * t for t in c)}/{n} = {sigma * sigma}$ and $\\sigma = {sigma}$, giving $N(x) = "
            f"{vector_latex(y, column=False)}$. "
            f"Check: the entries sum to $0$ and the squared length is ${n} = n$.",
            "ru": f"$\\mu = {mu}$, поэтому $c = x - \\mu\\mathbf{{1}} = {vector_latex(c, column=False)}$. Далее "
            f"$\\|c\\|^2 = {sum(t * t for t in c)}$, "
            f"$\\sigma^2 = {sum(t * t for t in c)}/{n} = {sigma * sigma}$ и $\\sigma = {sigma}$, откуда $N(x) = "
            f"{vector_latex(y, column=False)}$. "
            f"Проверка: сумма координат равна $0$, квадрат длины равен ${n} = n$.",
        },
        params={"x": x},
        distractors={vector_text(c): "standard deviation", vector_text(scaled_x): "subtract the mean"},
    )


_WIDTHS = [384, 512, 768, 1024, 1600, 2048, 4096]


@exercise("centring-dimensions", answer_type="integer")
def centring_dimensions(rng: random.Random) -> Variant:
    n = rng.choice(_WIDTHS)
    kind = rng.choice(["rank", "kernel", "ring"])
    if kind == "rank":
        value = n - 1
        question = {
            "en": f"What is the rank of the centring matrix $P = I - \\frac{{1}}{{{n}}}\\mathbf{{1}}\\mathbf{{1}}^\\top$ "
            f"inside `nn.LayerNorm({n})`?",
            "ru": f"Чему равен ранг матрицы центрирования $P = I - \\frac{{1}}{{{n}}}\\mathbf{{1}}\\mathbf{{1}}^\\top$ "
            f"внутри `nn.LayerNorm({n})`?",
        }
        wrong = {str(n): {
            "en": "$P$ is not invertible: it sends $\\mathbf{1}$ to $0$, so its rank is less than $n$.",
            "ru": "$P$ не обратима: она переводит $\\mathbf{1}$ в $0$, поэтому её ранг меньше $n$.",
        }}
        phrases = {str(n): "not invertible"}
        sol = {
            "en": f"$P$ projects onto the hyperplane $\\mathbf{{1}}^\\perp$ of dimension ${n} - 1 = {value}$; its kernel is "
            f"the line spanned by $\\mathbf{{1}}$.",
            "ru": f"$P$ проецирует на гиперплоскость $\\mathbf{{1}}^\\perp$ размерности ${n} - 1 = {value}$; её ядро — "
            f"прямая, натянутая на $\\mathbf{{1}}$.",
        }
    elif kind == "kernel":
        value = 1
        question = {
            "en": f"What is the dimension of the kernel of the centring matrix $P = I - \\frac{{1}}{{{n}}}"
            f"\\mathbf{{1}}\\mathbf{{1}}^\\top$ inside `nn.LayerNorm({n})`?",
            "ru": f"Какова размерность ядра матрицы центрирования $P = I - \\frac{{1}}{{{n}}}"
            f"\\mathbf{{1}}\\mathbf{{1}}^\\top$ внутри `nn.LayerNorm({n})`?",
        }
        wrong = {
            "0": {
                "en": "$P\\mathbf{1} = \\mathbf{1} - \\mathbf{1} = 0$, so the kernel is not just $\\{0\\}$.",
                "ru": "$P\\mathbf{1} = \\mathbf{1} - \\mathbf{1} = 0$, так что ядро не сводится к $\\{0\\}$.",
            },
            str(n - 1): {
                "en": "That is the rank, the dimension of the image $\\mathbf{1}^\\perp$; the kernel is what is lost.",
                "ru": "Это ранг — размерность образа $\\mathbf{1}^\\perp$; ядро — то, что теряется.",
            },
        }
        phrases = {"0": "not just", str(n - 1): "rank"}
        sol = {
            "en": f"$Px = 0$ exactly when $x = \\mu\\mathbf{{1}}$, so $\\ker P = \\operatorname{{span}}(\\mathbf{{1}})$, of "
            f"dimension $1$ (and the rank is ${n - 1}$).",
            "ru": f"$Px = 0$ ровно при $x = \\mu\\mathbf{{1}}$, поэтому $\\ker P = \\operatorname{{span}}(\\mathbf{{1}})$, "
            f"размерность $1$ (а ранг равен ${n - 1}$).",
        }
    else:
        value = n - 2
        question = {
            "en": f"Before gain and bias, the outputs of `nn.LayerNorm({n})` lie on the sphere of radius $\\sqrt{{{n}}}$ "
            f"inside the hyperplane $\\mathbf{{1}}^\\perp$. What is the dimension of this sphere (as a surface)?",
            "ru": f"До коэффициента и сдвига выходы `nn.LayerNorm({n})` лежат на сфере радиуса $\\sqrt{{{n}}}$ внутри "
            f"гиперплоскости $\\mathbf{{1}}^\\perp$. Какова размерность этой сферы (как поверхности)?",
        }
        wrong = {str(n - 1): {
            "en": "That is the dimension of the hyperplane; a sphere in a $k$-dimensional space has dimension $k - 1$.",
            "ru": "Это размерность гиперплоскости; сфера в $k$-мерном пространстве имеет размерность $k - 1$.",
        }}
        phrases = {str(n - 1): "hyperplane"}
        sol = {
            "en": f"The hyperplane has dimension ${n - 1}$, and fixing the length removes one more degree of freedom: "
            f"${n} - 2 = {value}$.",
            "ru": f"Гиперплоскость имеет размерность ${n - 1}$, а фиксированная длина отнимает ещё одну степень свободы: "
            f"${n} - 2 = {value}$.",
        }
    return Variant(prompt=question, answer=answers.Integer(value, hints=wrong), solution=sol,
                   params={"n": n, "kind": kind}, distractors=phrases)


@exercise("ring-distance", answer_type="number")
def ring_distance(rng: random.Random) -> Variant:
    c, sigma = _draw_centred(rng)
    n = len(c)
    mu = rng.choice([k for k in range(-3, 4) if k != 0])
    x = [t + mu for t in c]
    axial, radial = n * mu * mu, n * (sigma - 1) ** 2
    total = axial + radial
    hints = {
        f"sqrt({axial})": {
            "en": "That is only the distance from $x$ to the hyperplane; add the radial distance from $Px$ to the ring.",
            "ru": "Это только расстояние от $x$ до гиперплоскости; добавьте радиальное расстояние от $Px$ до кольца.",
        },
        f"sqrt({radial})": {
            "en": "That is only the radial part; $x$ must also move along $\\mathbf{1}$ to reach the hyperplane.",
            "ru": "Это только радиальная часть; $x$ ещё нужно сдвинуть вдоль $\\mathbf{1}$ до гиперплоскости.",
        },
    }
    norm_c = f"{sigma}\\sqrt{{{n}}}"
    approx_ru = f"{math.sqrt(total):.4f}".replace(".", "{,}")
    return Variant(
        prompt={
            "en": f"How far is $x = {vector_latex(x, column=False)}$ from the nearest point of the ring "
            f"$\\{{y : \\sum_i y_i = 0,\\ \\|y\\| = \\sqrt{{{n}}}\\}}$ (that is, from its LayerNorm output $N(x)$)?",
            "ru": f"На каком расстоянии находится $x = {vector_latex(x, column=False)}$ от ближайшей точки кольца "
            f"$\\{{y : \\sum_i y_i = 0,\\ \\|y\\| = \\sqrt{{{n}}}\\}}$ (то есть от своего образа $N(x)$ при LayerNorm)?",
        },
        answer=answers.Number(f"sqrt({total})", hints=hints),
        solution={
            "en": f"$\\mu = {mu}$ and $c = Px = {vector_latex(c, column=False)}$ with $\\|c\\| = {norm_c}$. By "
            f"Pythagoras the squared distance is "
            f"$\\|x - c\\|^2 + (\\|c\\| - \\sqrt{{{n}}})^2 = {n}\\cdot{mu * mu} + {n}\\cdot({sigma} - 1)^2 = {axial} + {radial} = "
            f"{total}$, so the distance is $\\sqrt{{{total}}} \\approx {math.sqrt(total):.4f}$.",
            "ru": f"$\\mu = {mu}$ и $c = Px = {vector_latex(c, column=False)}$, $\\|c\\| = {norm_c}$. По теореме "
            f"Пифагора квадрат расстояния равен "
            f"$\\|x - c\\|^2 + (\\|c\\| - \\sqrt{{{n}}})^2 = {n}\\cdot{mu * mu} + {n}\\cdot({sigma} - 1)^2 = {axial} + {radial} = "
            f"{total}$, так что расстояние равно $\\sqrt{{{total}}} \\approx {approx_ru}$.",
        },
        params={"x": x},
        distractors={f"sqrt({axial})": "hyperplane", f"sqrt({radial})": "radial"},
    )


@exercise("rmsnorm-exact", answer_type="vector")
def rmsnorm_exact(rng: random.Random) -> Variant:
    x = list(rng.choice(_with_square_mean_square()))
    rng.shuffle(x)
    if rng.random() < 0.5:
        x = [-t for t in x]
    n = len(x)
    q = sum(t * t for t in x)
    r = math.isqrt(q // n)
    y = randmat.as_exact([Fraction(t, r) for t in x])
    unit = [f"{vector_text([Fraction(t, r)])[1:-1]}/sqrt({n})" for t in x]
    unit_text = "(" + ", ".join(unit) + ")"
    hints = {
        vector_text(x): {
            "en": "Divide by the root mean square $\\sqrt{\\frac{1}{n}\\sum_i x_i^2}$.",
            "ru": "Разделите на среднеквадратичное значение $\\sqrt{\\frac{1}{n}\\sum_i x_i^2}$.",
        },
        unit_text: {
            "en": "That vector has length $1$: you divided by $\\|x\\|$. RMSNorm divides by $\\|x\\|/\\sqrt{n}$, so its "
            "output has length $\\sqrt{n}$.",
            "ru": "У этого вектора длина $1$: вы разделили на $\\|x\\|$. RMSNorm делит на $\\|x\\|/\\sqrt{n}$, и длина "
            "результата равна $\\sqrt{n}$.",
        },
    }
    return Variant(
        prompt={
            "en": f"Compute RMSNorm without gain and with $\\varepsilon = 0$, $x / \\sqrt{{\\frac{{1}}{{n}}\\sum_i x_i^2}}$, "
            f"for $x = {vector_latex(x, column=False)}$.",
            "ru": f"Вычислите RMSNorm без коэффициента и с $\\varepsilon = 0$, $x / \\sqrt{{\\frac{{1}}{{n}}\\sum_i x_i^2}}$, "
            f"для $x = {vector_latex(x, column=False)}$.",
        },
        answer=answers.Vector(y, hints=hints),
        solution={
            "en": f"$\\sum_i x_i^2 = {q}$, so the root mean square is $\\sqrt{{{q}/{n}}} = {r}$ and the output is "
            f"${vector_latex(y, column=False)}$, of length $\\sqrt{{{n}}}$. Unlike LayerNorm there is no centring: the "
            f"mean "
            f"${number_latex(Fraction(sum(x), n))}$ is kept (scaled).",
            "ru": f"$\\sum_i x_i^2 = {q}$, так что среднеквадратичное значение равно $\\sqrt{{{q}/{n}}} = {r}$, а результат — "
            f"${vector_latex(y, column=False)}$ длины $\\sqrt{{{n}}}$. В отличие от LayerNorm центрирования нет: "
            f"среднее "
            f"${number_latex(Fraction(sum(x), n))}$ сохраняется (с множителем).",
        },
        params={"x": x},
        distractors={vector_text(x): "root mean square", unit_text: "length"},
    )
