"""Exercises for la-15-attention-lora.

Tokens are the rows of X (shape (n, d_model)) and the projections act from the right, Q = X W_Q with
W_Q of shape (d_model, d_head), as in the lesson.
"""

import random

from linlab.course import answers, randmat
from linlab.course.exercises import Variant, exercise
from linlab.course.latex import matrix_latex, matrix_text


def _random_matrix(rng: random.Random, m: int, n: int, *, entries: int = 2) -> list[list[int]]:
    """An m×n integer matrix of full rank min(m, n) with entries in [-entries, entries]."""
    for _ in randmat.attempts("la-15-attention-lora: _random_matrix"):
        A = [[rng.randint(-entries, entries) for _ in range(n)] for _ in range(m)]
        if randmat.rank(A) == min(m, n):
            return A


@exercise("scores-rank", answer_type="integer")
def scores_rank(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-15-attention-lora: scores-rank"):
        n, d_model = rng.choice([(3, 3), (4, 3), (4, 4), (5, 3), (5, 4)])
        d_head = rng.choice([1, 2])
        if d_head == 2 and rng.random() < 0.3:  # tokens that span a line: the bound d_head is not reached
            X = randmat.with_rank(rng, n, d_model, rank=1, entries=3)
        else:
            X = _random_matrix(rng, n, d_model)
        WQ = _random_matrix(rng, d_model, d_head)
        WK = _random_matrix(rng, d_model, d_head)
        Q, K = randmat.matmul(X, WQ), randmat.matmul(X, WK)
        S = randmat.matmul(Q, randmat.transpose(K))
        rk = randmat.rank(S)
        if rk >= 1:
            break
    hints = {str(n): {
        "en": f"The ${n} \\times {n}$ score matrix is $Q K^\\top$, a product through $\\mathbb{{R}}^{{{d_head}}}$: "
        "$Q$ has only $d_{\\text{head}}$ columns, so the scores cannot have full rank.",
        "ru": f"Матрица оценок ${n} \\times {n}$ равна $Q K^\\top$ — произведению через $\\mathbb{{R}}^{{{d_head}}}$: у $Q$ "
        "всего $d_{\\text{head}}$ столбцов, поэтому полного ранга у оценок быть не может.",
    }}
    phrases = {str(n): "cannot have full rank"}
    if d_model not in (n, d_head, rk):
        hints[str(d_model)] = {
            "en": "The scores pass through the head dimension, which is smaller than $d_{\\text{model}}$.",
            "ru": "Оценки проходят через размерность головы, а она меньше $d_{\\text{model}}$.",
        }
        phrases[str(d_model)] = "head dimension"
    if rk < d_head:
        hints[str(d_head)] = {
            "en": "$d_{\\text{head}}$ is only an upper bound. Look at the tokens: how many dimensions do the rows of "
            "$X$ span?",
            "ru": "$d_{\\text{head}}$ — лишь верхняя граница. Посмотрите на токены: какую размерность имеет линейная "
            "оболочка строк $X$?",
        }
        phrases[str(d_head)] = "upper bound"
        why_en = (f"Here the tokens are all multiples of one vector ($\\operatorname{{rank}} X = 1$), so $Q$ and $K$ have "
                  f"rank $1$ and the scores have rank ${rk}$, below the bound.")
        why_ru = (f"Здесь все токены кратны одному вектору ($\\operatorname{{rank}} X = 1$), поэтому ранг $Q$ и $K$ равен "
                  f"$1$, и ранг оценок ${rk}$ — ниже границы.")
    else:
        why_en = f"Here $Q$ and $K$ have independent columns, so the bound is reached: the rank is ${rk}$."
        why_ru = f"Здесь столбцы $Q$ и $K$ независимы, так что граница достигается: ранг равен ${rk}$."
    return Variant(
        prompt={
            "en": f"A head with $d_{{\\text{{head}}}} = {d_head}$ gets the tokens $X = {matrix_latex(X)}$ (one token per row) "
            f"and has $W_Q = {matrix_latex(WQ)}$, $W_K = {matrix_latex(WK)}$. What is the rank of the score matrix "
            f"$QK^\\top = X W_Q W_K^\\top X^\\top$?",
            "ru": f"Голова с $d_{{\\text{{head}}}} = {d_head}$ получает токены $X = {matrix_latex(X)}$ (по токену в строке), "
            f"её матрицы $W_Q = {matrix_latex(WQ)}$ и $W_K = {matrix_latex(WK)}$. Каков ранг матрицы оценок "
            f"$QK^\\top = X W_Q W_K^\\top X^\\top$?",
        },
        answer=answers.Integer(rk, hints=hints),
        solution={
            "en": f"$Q = XW_Q = {matrix_latex(Q)}$ and $K = XW_K = {matrix_latex(K)}$, so "
            f"$QK^\\top = {matrix_latex(S)}$. It factors through $\\mathbb{{R}}^{{{d_head}}}$, so its rank is at most "
            f"${d_head}$. {why_en}",
            "ru": f"$Q = XW_Q = {matrix_latex(Q)}$ и $K = XW_K = {matrix_latex(K)}$, поэтому "
            f"$QK^\\top = {matrix_latex(S)}$. Это произведение через $\\mathbb{{R}}^{{{d_head}}}$, так что ранг не больше "
            f"${d_head}$. {why_ru}",
        },
        params={"X": X, "W_Q": WQ, "W_K": WK},
        distractors=phrases,
    )


@exercise("qk-circuit", answer_type="matrix")
def qk_circuit(rng: random.Random) -> Variant:
    d_head = rng.choice([1, 2])
    for _ in randmat.attempts("la-15-attention-lora: qk-circuit"):
        WQ = _random_matrix(rng, 3, d_head)
        WK = _random_matrix(rng, 3, d_head)
        WQK = randmat.matmul(WQ, randmat.transpose(WK))
        if WQK != randmat.transpose(WQK):
            break
    WKQ = randmat.transpose(WQK)
    return Variant(
        prompt={
            "en": f"A head with $d_{{\\text{{model}}}} = 3$ and $d_{{\\text{{head}}}} = {d_head}$ has $W_Q = {matrix_latex(WQ)}$ and "
            f"$W_K = {matrix_latex(WK)}$. Compute its QK circuit $W_{{QK}} = W_Q W_K^\\top$, so that the score of query "
            f"token $x_i$ for key token $x_j$ is $x_i W_{{QK}} x_j^\\top$.",
            "ru": f"У головы с $d_{{\\text{{model}}}} = 3$ и $d_{{\\text{{head}}}} = {d_head}$ матрицы $W_Q = {matrix_latex(WQ)}$ и "
            f"$W_K = {matrix_latex(WK)}$. Вычислите её QK-схему $W_{{QK}} = W_Q W_K^\\top$, так что оценка токена запроса "
            f"$x_i$ для токена ключа $x_j$ равна $x_i W_{{QK}} x_j^\\top$.",
        },
        answer=answers.Matrix(WQK),
        solution={
            "en": f"$W_Q W_K^\\top = {matrix_latex(WQK)}$, a $3 \\times 3$ matrix of rank ${d_head}$. Its transpose "
            f"$W_K W_Q^\\top$ would swap the roles of query and key.",
            "ru": f"$W_Q W_K^\\top = {matrix_latex(WQK)}$ — матрица $3 \\times 3$ ранга ${d_head}$. Транспонированная "
            f"$W_K W_Q^\\top$ поменяла бы роли запроса и ключа.",
        },
        params={"W_Q": WQ, "W_K": WK},
        distractors={matrix_text(WKQ): "transpose"},
    )


@exercise("lora-kernel", answer_type="integer")
def lora_kernel(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-15-attention-lora: lora-kernel"):
        d_in, d_out, r = rng.choice([4, 5, 6]), rng.choice([3, 4]), rng.choice([1, 2])
        rank_a = r if r == 1 or rng.random() < 0.7 else 1  # sometimes A itself is rank-deficient
        B = randmat.with_rank(rng, d_out, r, rank=r, entries=3)
        A = randmat.with_rank(rng, r, d_in, rank=rank_a, entries=3)
        delta = randmat.matmul(B, A)
        rk = randmat.rank(delta)
        nullity = d_in - rk
        wrong = {str(rk), str(d_out - rk)}
        if nullity not in (rk, d_out - rk) and len(wrong) == 2:
            break
    hints = {
        str(rk): {
            "en": "That is the rank of the update, the dimension of its image; the kernel is what is left of the "
            "input space.",
            "ru": "Это ранг поправки, размерность её образа; ядро — то, что остаётся от пространства входов.",
        },
        str(d_out - rk): {
            "en": f"The kernel lives in the input space $\\mathbb{{R}}^{{{d_in}}}$, not in the output space.",
            "ru": f"Ядро лежит в пространстве входов $\\mathbb{{R}}^{{{d_in}}}$, а не выходов.",
        },
    }
    extra_en = "" if rk == r else f" Here $A$ itself has rank ${rk}$ only, so the kernel is larger than $\\text{{in}} - r$."
    extra_ru = "" if rk == r else f" Здесь у самой $A$ ранг лишь ${rk}$, поэтому ядро больше, чем $\\text{{in}} - r$."
    return Variant(
        prompt={
            "en": f"A LoRA update of rank $r = {r}$ for a layer $\\mathbb{{R}}^{{{d_in}}} \\to \\mathbb{{R}}^{{{d_out}}}$ is "
            f"$\\Delta W = BA$ with $B = {matrix_latex(B)}$ and $A = {matrix_latex(A)}$. What is $\\dim \\ker(BA)$?",
            "ru": f"Поправка LoRA ранга $r = {r}$ для слоя $\\mathbb{{R}}^{{{d_in}}} \\to \\mathbb{{R}}^{{{d_out}}}$ равна "
            f"$\\Delta W = BA$, где $B = {matrix_latex(B)}$ и $A = {matrix_latex(A)}$. Чему равна $\\dim \\ker(BA)$?",
        },
        answer=answers.Integer(nullity, hints=hints),
        solution={
            "en": f"$BA = {matrix_latex(delta)}$ has rank ${rk}$, so by rank–nullity $\\dim\\ker(BA) = {d_in} - {rk} = "
            f"{nullity}$, at least $\\text{{in}} - r = {d_in - r}$ as always.{extra_en}",
            "ru": f"$BA = {matrix_latex(delta)}$ имеет ранг ${rk}$, поэтому по теореме о ранге и дефекте "
            f"$\\dim\\ker(BA) = {d_in} - {rk} = {nullity}$ — как всегда, не меньше $\\text{{in}} - r = {d_in - r}$.{extra_ru}",
        },
        params={"B": B, "A": A},
        distractors={str(rk): "rank of the update", str(d_out - rk): "input space"},
    )


_LAYERS = [(768, 768), (768, 3072), (3072, 768), (1024, 4096), (4096, 4096), (4096, 11008), (11008, 4096)]


@exercise("lora-parameters", answer_type="integer")
def lora_parameters(rng: random.Random) -> Variant:
    d_in, d_out = rng.choice(_LAYERS)
    r = rng.choice([4, 8, 16, 32, 64])
    value = r * (d_in + d_out)
    hints = {
        str(d_in * d_out): {
            "en": "That is the size of the full matrix $W$; LoRA trains only $B$ and $A$.",
            "ru": "Это размер всей матрицы $W$; LoRA обучает только $B$ и $A$.",
        },
        str(r * d_in): {
            "en": "That counts only $A$ ($r \\times \\text{in}$); $B$ ($\\text{out} \\times r$) is trained too, so count both.",
            "ru": "Это только $A$ ($r \\times \\text{in}$); $B$ ($\\text{out} \\times r$) тоже обучается — учтите обе матрицы.",
        },
    }
    phrases = {str(d_in * d_out): "full matrix", str(r * d_in): "both"}
    if d_out != d_in:
        hints[str(r * d_out)] = {
            "en": "That counts only $B$ ($\\text{out} \\times r$); $A$ ($r \\times \\text{in}$) is trained too, so count both.",
            "ru": "Это только $B$ ($\\text{out} \\times r$); $A$ ($r \\times \\text{in}$) тоже обучается — учтите обе матрицы.",
        }
        phrases[str(r * d_out)] = "both"
    return Variant(
        prompt={
            "en": f"LoRA with rank $r = {r}$ is attached to `nn.Linear({d_in}, {d_out}, bias=False)`, whose weight has shape "
            f"`({d_out}, {d_in})`. How many numbers does it train?",
            "ru": f"LoRA ранга $r = {r}$ подключена к `nn.Linear({d_in}, {d_out}, bias=False)` с весом формы "
            f"`({d_out}, {d_in})`. Сколько чисел она обучает?",
        },
        answer=answers.Integer(value, hints=hints),
        solution={
            "en": f"$B$ has shape ${d_out} \\times {r}$ and $A$ has shape ${r} \\times {d_in}$: "
            f"${r} \\cdot ({d_in} + {d_out}) = {value}$ numbers instead of ${d_in} \\cdot {d_out} = {d_in * d_out}$.",
            "ru": f"$B$ имеет форму ${d_out} \\times {r}$, а $A$ — ${r} \\times {d_in}$: "
            f"${r} \\cdot ({d_in} + {d_out}) = {value}$ чисел вместо ${d_in} \\cdot {d_out} = {d_in * d_out}$.",
        },
        params={"in": d_in, "out": d_out, "r": r},
        distractors=phrases,
    )


@exercise("conv-patch-kernel", answer_type="integer")
def conv_patch_kernel(rng: random.Random) -> Variant:
    for _ in randmat.attempts("la-15-attention-lora: conv-patch-kernel"):
        c_in, k, c_out = rng.choice([1, 3, 8, 16]), rng.choice([3, 5, 7]), rng.choice([8, 16, 32, 64])
        patch = c_in * k * k
        if patch > c_out:
            break
    value = patch - c_out
    hints = {
        str(patch): {
            "en": "That is the dimension of patch space; subtract the rank of $W$, which can be as large as $c_{\\text{out}}$.",
            "ru": "Это размерность пространства фрагментов; вычтите ранг $W$, который может достигать $c_{\\text{out}}$.",
        },
        str(c_out): {
            "en": "$c_{\\text{out}}$ bounds the rank of $W$, not its kernel.",
            "ru": "$c_{\\text{out}}$ ограничивает ранг $W$, а не её ядро.",
        },
    }
    return Variant(
        prompt={
            "en": f"`Conv2d({c_in}, {c_out}, kernel_size={k}, bias=False)` applies one matrix $W$ to every flattened "
            f"${c_in} \\times {k} \\times {k}$ patch. What is the smallest possible dimension of $\\ker W$, the patch "
            f"patterns the layer cannot see?",
            "ru": f"`Conv2d({c_in}, {c_out}, kernel_size={k}, bias=False)` применяет одну матрицу $W$ к каждому развёрнутому "
            f"фрагменту ${c_in} \\times {k} \\times {k}$. Какова наименьшая возможная размерность $\\ker W$ — узоров "
            f"фрагментов, которых слой не видит?",
        },
        answer=answers.Integer(value, hints=hints),
        solution={
            "en": f"A patch is a vector in $\\mathbb{{R}}^{{{patch}}}$ (${c_in} \\cdot {k}^2 = {patch}$) and $W$ has shape "
            f"${c_out} \\times {patch}$, so $\\operatorname{{rank}} W \\le {c_out}$ and "
            f"$\\dim\\ker W = {patch} - \\operatorname{{rank}} W \\ge {patch} - {c_out} = {value}$.",
            "ru": f"Фрагмент — вектор из $\\mathbb{{R}}^{{{patch}}}$ (${c_in} \\cdot {k}^2 = {patch}$), а $W$ имеет размер "
            f"${c_out} \\times {patch}$, поэтому $\\operatorname{{rank}} W \\le {c_out}$ и "
            f"$\\dim\\ker W = {patch} - \\operatorname{{rank}} W \\ge {patch} - {c_out} = {value}$.",
        },
        params={"c_in": c_in, "c_out": c_out, "k": k},
        distractors={str(patch): "subtract the rank", str(c_out): "bounds the rank"},
    )
