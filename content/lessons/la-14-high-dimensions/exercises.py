"""Exercises for la-14-high-dimensions."""

import math
import random
from fractions import Fraction

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import number_latex, number_text, vector_latex

_WIDTHS = [100, 128, 200, 256, 384, 400, 512, 768, 1024, 1600, 2048]
_EPSILONS = [Fraction(1, 20), Fraction(1, 10), Fraction(3, 20), Fraction(1, 5), Fraction(1, 4), Fraction(3, 10)]


def _sci(x: float) -> str:
    """A float in LaTeX as ``2.98 \\cdot 10^{3}`` (or plainly when small)."""
    if x < 1e4:
        return f"{x:.4g}"
    mantissa, exponent = f"{x:.3e}".split("e")
    return f"{mantissa} \\cdot 10^{{{int(exponent)}}}"


def _ru_decimal(s: str) -> str:
    return s.replace(".", "{,}")


def _signed_sum(terms: list[tuple[int, str]]) -> str:
    """LaTeX for ``a_1 t_1 + a_2 t_2 + …`` with integer coefficients, signs folded in and 1s dropped."""
    out = ""
    for c, t in terms:
        size = str(abs(c)) if (abs(c) != 1 or not t) else ""
        sign = ("-" if c < 0 else "") if not out else (" - " if c < 0 else " + ")
        out += f"{sign}{size}{' ' if size and t else ''}{t}"
    return out


@exercise("covering-bound", answer_type="number")
def covering_bound(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-14-high-dimensions: covering-bound"):
        d, eps = rng.choice(_WIDTHS), rng.choice(_EPSILONS)
        e = d * eps * eps / 2
        if 1 <= e <= 40:
            break
    value = math.exp(e)
    doubled, unsquared = 2 * e, d * eps / 2
    hints = {
        f"exp({number_text(doubled)})": {
            "en": "The exponent is $d\\varepsilon^2/2$: you forgot to halve it.",
            "ru": "Показатель равен $d\\varepsilon^2/2$: вы забыли поделить его пополам.",
        },
        f"exp({number_text(unsquared)})": {
            "en": "The exponent has $\\varepsilon^2$, not $\\varepsilon$: square the cosine bound.",
            "ru": "В показателе стоит $\\varepsilon^2$, а не $\\varepsilon$: возведите границу косинуса в квадрат.",
        },
    }
    eps_latex, eps_float = number_latex(eps), float(eps)
    return Variant(
        prompt={
            "en": f"By the covering argument, at least $e^{{d\\varepsilon^2/2}}$ unit vectors in $\\mathbb{{R}}^{{{d}}}$ have "
            f"all pairwise $|\\cos| \\le \\varepsilon$. Evaluate this guarantee for $d = {d}$ and "
            f"$\\varepsilon = {eps_latex} = {eps_float:g}$ (an exact expression or at least 3 significant digits).",
            "ru": f"По рассуждению о покрытии в $\\mathbb{{R}}^{{{d}}}$ найдётся не меньше $e^{{d\\varepsilon^2/2}}$ единичных "
            f"векторов с попарными $|\\cos| \\le \\varepsilon$. Вычислите эту гарантию при $d = {d}$ и "
            f"$\\varepsilon = {eps_latex} = {_ru_decimal(f'{eps_float:g}')}$ (точное выражение или не меньше 3 значащих цифр).",
        },
        answer=answers.Number(f"exp({number_text(e)})", rtol=5e-3, hints=hints),
        solution={
            "en": f"$d\\varepsilon^2/2 = {d} \\cdot ({eps_latex})^2 / 2 = {number_latex(e)}$, so the guarantee is "
            f"$e^{{{number_latex(e)}}} \\approx {_sci(value)}$.",
            "ru": f"$d\\varepsilon^2/2 = {d} \\cdot ({eps_latex})^2 / 2 = {number_latex(e)}$, поэтому гарантия равна "
            f"$e^{{{number_latex(e)}}} \\approx {_ru_decimal(_sci(value))}$.",
        },
        params={"d": d, "eps": eps},
        distractors={f"exp({number_text(doubled)})": "halve", f"exp({number_text(unsquared)})": "square"},
    )


@exercise("welch-bound", answer_type="integer")
def welch_bound(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-14-high-dimensions: welch-bound"):
        q = rng.randint(2, 12)
        d = rng.randint(3, min(60, q * q - 1))
        exact = Fraction(d * (q * q - 1), q * q - d)  # d(1 - eps^2)/(1 - d eps^2) with eps = 1/q
        n_max = math.floor(exact)
        guarantee = math.floor(math.exp(d / (2 * q * q)))
        if d + 1 <= n_max <= 3 * d and exact.denominator != 1 and guarantee not in (d, n_max):
            break
    hints = {
        str(d): {
            "en": f"${d}$ is what exactly orthogonal vectors allow. With $|\\cos| \\le \\varepsilon$ the Welch bound "
            "allows a few more; evaluate $d(1 - \\varepsilon^2)/(1 - d\\varepsilon^2)$.",
            "ru": f"${d}$ — столько допускают точно ортогональные векторы. При $|\\cos| \\le \\varepsilon$ граница Велча "
            "допускает чуть больше; вычислите $d(1 - \\varepsilon^2)/(1 - d\\varepsilon^2)$.",
        },
        str(n_max + 1): {
            "en": "The bound is not a whole number; the number of vectors must not exceed it, so round down.",
            "ru": "Оценка не целая; число векторов не может её превышать, поэтому округлите вниз.",
        },
    }
    return Variant(
        prompt={
            "en": f"By the Welch bound, what is the largest number of unit vectors in $\\mathbb{{R}}^{{{d}}}$ that can have all "
            f"pairwise $|\\cos| \\le \\frac{{1}}{{{q}}}$?",
            "ru": f"Каково по границе Велча наибольшее число единичных векторов в $\\mathbb{{R}}^{{{d}}}$, у которых все "
            f"попарные $|\\cos| \\le \\frac{{1}}{{{q}}}$?",
        },
        answer=answers.Integer(n_max, hints=hints),
        solution={
            "en": f"$d\\varepsilon^2 = \\frac{{{d}}}{{{q * q}}} < 1$, so $N \\le \\frac{{d(1 - \\varepsilon^2)}}{{1 - d\\varepsilon^2}} = "
            f"\\frac{{{d} \\cdot {q * q - 1}}}{{{q * q - d}}} = {number_latex(exact)} \\approx {float(exact):.3f}$, "
            f"hence at most ${n_max}$ vectors.",
            "ru": f"$d\\varepsilon^2 = \\frac{{{d}}}{{{q * q}}} < 1$, поэтому $N \\le \\frac{{d(1 - \\varepsilon^2)}}{{1 - d\\varepsilon^2}} = "
            f"\\frac{{{d} \\cdot {q * q - 1}}}{{{q * q - d}}} = {number_latex(exact)} \\approx "
            f"{_ru_decimal(f'{float(exact):.3f}')}$, значит, векторов не больше ${n_max}$.",
        },
        params={"d": d, "q": q},
        distractors={str(d): "exactly orthogonal", str(n_max + 1): "round down"},
    )


@exercise("code-size", answer_type="integer")
def code_size(rng: random.Random) -> Variant:
    if rng.random() < 0.5:
        k = rng.randint(1, 5)
        d = 4 ** k
        value, bases = d * (d + 2) // 2, d // 2 + 1
        prompt = {
            "en": f"A Kerdock set in $\\mathbb{{R}}^{{{d}}}$ consists of $d/2 + 1$ orthonormal bases, with $|\\cos| = "
            f"1/\\sqrt{{d}} = {number_latex(Fraction(1, 2 ** k))}$ between vectors of different bases. How many vectors does it contain?",
            "ru": f"Множество Кердока в $\\mathbb{{R}}^{{{d}}}$ состоит из $d/2 + 1$ ортонормированных базисов, и векторы из "
            f"разных базисов имеют $|\\cos| = 1/\\sqrt{{d}} = {number_latex(Fraction(1, 2 ** k))}$. Сколько в нём векторов?",
        }
        solution = {
            "en": f"${d}/2 + 1 = {bases}$ bases of ${d}$ vectors each: ${bases} \\cdot {d} = {value} = d(d+2)/2$.",
            "ru": f"${d}/2 + 1 = {bases}$ базисов по ${d}$ векторов: ${bases} \\cdot {d} = {value} = d(d+2)/2$.",
        }
    else:
        m = rng.choice([3, 5, 7, 9])
        d = 2 ** m
        value, bases = d * d + d, d + 1
        prompt = {
            "en": f"The Gold construction in $\\mathbb{{R}}^{{{d}}}$ ($d = 2^{m}$, $m$ odd) gives $d + 1$ orthonormal bases with "
            f"$|\\cos| \\le \\sqrt{{2/d}}$ between vectors of different bases. How many vectors is that?",
            "ru": f"Конструкция Голда в $\\mathbb{{R}}^{{{d}}}$ ($d = 2^{m}$, $m$ нечётно) даёт $d + 1$ ортонормированных базисов с "
            f"$|\\cos| \\le \\sqrt{{2/d}}$ между векторами разных базисов. Сколько это векторов?",
        }
        solution = {
            "en": f"${d} + 1 = {bases}$ bases of ${d}$ vectors each: ${bases} \\cdot {d} = {value} = d^2 + d$.",
            "ru": f"${d} + 1 = {bases}$ базисов по ${d}$ векторов: ${bases} \\cdot {d} = {value} = d^2 + d$.",
        }
    hints = {str(bases): {
        "en": "That is the number of bases; each basis contributes $d$ vectors.",
        "ru": "Это число базисов; каждый базис даёт $d$ векторов.",
    }}
    return Variant(prompt=prompt, answer=answers.Integer(value, hints=hints), solution=solution,
                   params={"d": d}, distractors={str(bases): "number of bases"})


def _sign_vectors(rng: random.Random, count: int, d: int) -> list[list[int]]:
    """``count`` random ±1 vectors of length d, no two equal or opposite, not all pairwise orthogonal."""
    for _ in randmat.attempts("la-14-high-dimensions: _sign_vectors"):
        vs = [[rng.choice([1, -1]) for _ in range(d)] for _ in range(count)]
        dots = [abs(sum(a * b for a, b in zip(vs[i], vs[j]))) for i in range(count) for j in range(i + 1, count)]
        if max(dots) not in (0, d):
            return vs


@exercise("max-cosine", answer_type="number")
def max_cosine(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-14-high-dimensions: max-cosine"):
        count, d = rng.choice([(3, 4), (3, 6), (4, 6), (3, 8), (4, 8)])
        vs = _sign_vectors(rng, count, d)
        pairs = [(i, j) for i in range(count) for j in range(i + 1, count)]
        dots = {(i, j): sum(a * b for a, b in zip(vs[i], vs[j])) for i, j in pairs}
        best = max(abs(t) for t in dots.values())
        signed = max(dots.values())
        if Fraction(signed, d) != Fraction(best, d) or rng.random() < 0.5:
            break
    value = Fraction(best, d)
    hints = {str(best): {
        "en": f"That is the largest $|\\langle x_i, x_j \\rangle|$; the vectors have length $\\sqrt{{{d}}}$, so divide by ${d}$ to get the cosine.",
        "ru": f"Это наибольшее $|\\langle x_i, x_j \\rangle|$; длина векторов $\\sqrt{{{d}}}$, поэтому для косинуса разделите на ${d}$.",
    }}
    phrases = {str(best): "divide"}
    if Fraction(signed, d) != value:
        hints[number_text(Fraction(signed, d))] = {
            "en": "That is the largest signed cosine; almost orthogonality is about $|\\cos|$, so a large negative "
            "cosine counts too.",
            "ru": "Это наибольший косинус с учётом знака; почти ортогональность касается $|\\cos|$, так что большой "
            "отрицательный косинус тоже считается.",
        }
        phrases[number_text(Fraction(signed, d))] = "negative"
    rows = ", ".join(f"x_{i + 1} = {vector_latex(v, column=False)}" for i, v in enumerate(vs))
    table = ", ".join(f"\\langle x_{i + 1}, x_{j + 1} \\rangle = {dots[(i, j)]}" for i, j in pairs)
    return Variant(
        prompt={
            "en": f"Normalise the vectors ${rows}$ to unit length. What is the largest $|\\cos|$ between two of them?",
            "ru": f"Нормируйте векторы ${rows}$ до единичной длины. Чему равен наибольший $|\\cos|$ между двумя из них?",
        },
        answer=answers.Number(value, hints=hints),
        solution={
            "en": f"Each vector has $\\|x_i\\|^2 = {d}$. The dot products are ${table}$, so the largest $|\\cos|$ is "
            f"$\\frac{{{best}}}{{{d}}} = {number_latex(value)}$.",
            "ru": f"У каждого вектора $\\|x_i\\|^2 = {d}$. Скалярные произведения: ${table}$, поэтому наибольший $|\\cos|$ равен "
            f"$\\frac{{{best}}}{{{d}}} = {number_latex(value)}$.",
        },
        params={"vectors": vs},
        distractors=phrases,
    )


@exercise("superposition-readout", answer_type="number")
def superposition_readout(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-14-high-dimensions: superposition-readout"):
        d = rng.choice([4, 8])
        vs = _sign_vectors(rng, 3, d)
        G = [[Fraction(sum(a * b for a, b in zip(u, v)), d) for v in vs] for u in vs]  # Gram matrix of w_i = x_i/sqrt(d)
        a = [rng.choice([1, 2, 3]), rng.choice([-2, -1, 1, 2]), rng.choice([-2, -1, 1, 2])]
        interference = a[1] * G[0][1] + a[2] * G[0][2]
        if interference != 0 and a[0] + interference != 0:
            break
    value = a[0] + interference
    hints = {str(a[0]): {
        "en": "That is the true strength $a_1$; the dot product also picks up interference from the other features.",
        "ru": "Это истинная интенсивность $a_1$; скалярное произведение захватывает ещё и помехи от других признаков.",
    }}
    rows = ", ".join(f"x_{i + 1} = {vector_latex(v, column=False)}" for i, v in enumerate(vs))
    combo = _signed_sum([(a[0], "w_1"), (a[1], "w_2"), (a[2], "w_3")])
    readout = _signed_sum([(a[0], ""), (a[1], "\\langle w_1, w_2 \\rangle"), (a[2], "\\langle w_1, w_3 \\rangle")])
    return Variant(
        prompt={
            "en": f"Three features are stored as the unit directions $w_i = x_i/\\sqrt{{{d}}}$ with ${rows}$. An activation is "
            f"$h = {combo}$. What does reading feature 1 with a dot product, $\\langle w_1, h \\rangle$, return?",
            "ru": f"Три признака хранятся как единичные направления $w_i = x_i/\\sqrt{{{d}}}$, где ${rows}$. Активация равна "
            f"$h = {combo}$. Что вернёт считывание признака 1 скалярным произведением, $\\langle w_1, h \\rangle$?",
        },
        answer=answers.Number(value, hints=hints),
        solution={
            "en": f"$\\langle w_1, h \\rangle = {readout}$ with "
            f"$\\langle w_1, w_2 \\rangle = {number_latex(G[0][1])}$ and $\\langle w_1, w_3 \\rangle = {number_latex(G[0][2])}$: "
            f"the true value ${a[0]}$ plus interference ${number_latex(interference)}$, in total ${number_latex(value)}$.",
            "ru": f"$\\langle w_1, h \\rangle = {readout}$, где "
            f"$\\langle w_1, w_2 \\rangle = {number_latex(G[0][1])}$ и $\\langle w_1, w_3 \\rangle = {number_latex(G[0][2])}$: "
            f"истинное значение ${a[0]}$ плюс помеха ${number_latex(interference)}$, всего ${number_latex(value)}$.",
        },
        params={"vectors": vs, "a": a, "gram": [[str(g) for g in row] for row in G]},
        distractors={str(a[0]): "interference"},
    )

