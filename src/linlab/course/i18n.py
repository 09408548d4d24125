"""English and Russian messages of the answer parser and the graders.

Every message a learner can see is one entry of :data:`MESSAGES`, written in both languages, and
formatted with :func:`message`.  Russian needs plural forms ("1 элемент", "2 элемента", "5 элементов"),
which :func:`plural` chooses.

Examples
--------
>>> message("vector_length", "en", n=3, k=2)
'Expected 3 entries, got 2.'
>>> message("vector_length", "ru", n=3, k=2)
'Ожидается 3 элемента, получено 2.'
"""

from __future__ import annotations

import string
from typing import Any

from linlab.errors import ParseError

__all__ = ["LANGS", "MESSAGES", "check_lang", "message", "plural", "capitalize"]

LANGS = ("en", "ru")

# Each value is {"en": template, "ru": template}.  Templates are str.format strings; the plural
# placeholders are filled by the callers through the fields computed in ``message`` (see _PLURALS).
MESSAGES: dict[str, dict[str, str]] = {
    # what an answer type expects (used inside the parse messages)
    "what_integer": {"en": "a whole number", "ru": "целое число"},
    "what_number": {"en": "a number such as 3, -1/2, 0.5 or sqrt(2)/2", "ru": "число, например 3, -1/2, 0,5 или sqrt(2)/2"},
    "what_vector": {"en": "a vector such as [1, 2, 3]", "ru": "вектор, например [1, 2, 3]"},
    "what_matrix": {"en": "a matrix such as 1 2; 3 4", "ru": "матрица, например 1 2; 3 4"},
    "what_basis": {
        "en": "vectors such as [1, 0, -1], [0, 1, 2] (or none for the zero subspace)",
        "ru": "векторы, например [1, 0, -1], [0, 1, 2] (или «нет» для нулевого подпространства)",
    },
    "what_expression": {"en": "an expression such as x^2 - 2x + 1", "ru": "выражение, например x^2 - 2x + 1"},
    "what_choice": {"en": "the number or the letter of an option", "ru": "номер или буква варианта"},
    "what_yesno": {"en": "yes or no", "ru": "«да» или «нет»"},
    "what_operand": {"en": "a number or a bracket", "ru": "число или скобка"},
    # parse errors
    "too_long": {
        "en": "Your answer is too long: {n} characters (at most {max}).",
        "ru": "Ответ слишком длинный: {n} {n_chars_ru} (не больше {max}).",
    },
    "empty": {"en": "Your answer is empty; expected {what}.", "ru": "Ответ пустой; ожидается {what}."},
    "control_char": {
        "en": "Your answer contains a control character (U+{code}); expected {what}.",
        "ru": "В ответе есть управляющий символ (U+{code}); ожидается {what}.",
    },
    "bad_char": {
        "en": "Unexpected character '{ch}' at position {pos}; expected {what}.",
        "ru": "Недопустимый символ «{ch}» в позиции {pos}; ожидается {what}.",
    },
    "too_deep": {
        "en": "Too many nested brackets (at most {max}).",
        "ru": "Слишком много вложенных скобок (не больше {max}).",
    },
    "unmatched_close": {
        "en": "Unmatched '{ch}' at position {pos}.",
        "ru": "Лишняя закрывающая скобка «{ch}» в позиции {pos}.",
    },
    "unclosed": {
        "en": "Missing '{ch}': the bracket opened at position {pos} is not closed.",
        "ru": "Не хватает «{ch}»: скобка из позиции {pos} не закрыта.",
    },
    "mismatched": {
        "en": "The bracket '{open}' at position {pos} is closed by '{close}'.",
        "ru": "Скобка «{open}» из позиции {pos} закрыта скобкой «{close}».",
    },
    "too_many_digits": {
        "en": "The number {num} has too many digits (at most {max}).",
        "ru": "В числе {num} слишком много цифр (не больше {max}).",
    },
    "big_sci_exponent": {
        "en": "The exponent of {num} is too large (at most {max} in size).",
        "ru": "Слишком большой порядок у числа {num} (не больше {max} по модулю).",
    },
    "bad_number": {"en": "Cannot read the number {num}.", "ru": "Не удаётся прочитать число {num}."},
    "unknown_name": {
        "en": "Unknown name '{name}'; you can use {allowed}.",
        "ru": "Неизвестное имя «{name}»; можно использовать {allowed}.",
    },
    "func_paren": {
        "en": "Put the argument of {name} in parentheses, e.g. {name}(2).",
        "ru": "Аргумент {name} пишется в скобках, например {name}(2).",
    },
    "unexpected_token": {
        "en": "Unexpected '{tok}' at position {pos}; expected {what}.",
        "ru": "Лишний фрагмент «{tok}» в позиции {pos}; ожидается {what}.",
    },
    "unexpected_end": {
        "en": "The answer ends too early; expected {what}.",
        "ru": "Ответ оборван; ожидается {what}.",
    },
    "two_numbers": {
        "en": "Two numbers in a row at position {pos}; write one number without spaces inside it, "
        "or put an operator between them.",
        "ru": "Два числа подряд в позиции {pos}; пишите число без пробелов внутри "
        "или поставьте между числами знак операции.",
    },
    "got_list": {
        "en": "Expected one number, got a list; for a decimal write 0.5 or 0,5.",
        "ru": "Ожидается одно число, а не список; десятичную дробь пишите как 0.5 или 0,5.",
    },
    "got_vector": {
        "en": "Expected {what}, not a vector or a matrix.",
        "ru": "Ожидается {what}, а не вектор или матрица.",
    },
    "div_zero": {"en": "Division by zero.", "ru": "Деление на ноль."},
    "domain_sqrt": {
        "en": "The square root of a negative number is not a real number.",
        "ru": "Квадратный корень из отрицательного числа не является действительным числом.",
    },
    "domain_log": {
        "en": "The logarithm of zero or of a negative number is not defined.",
        "ru": "Логарифм нуля или отрицательного числа не определён.",
    },
    "domain_power": {
        "en": "A negative number to a fractional power is not a real number.",
        "ru": "Отрицательное число в дробной степени не является действительным числом.",
    },
    "domain_zero_power": {"en": "0 to a negative power is not defined.", "ru": "0 в отрицательной степени не определён (деление на ноль)."},
    "too_large": {"en": "A number in your answer is too large.", "ru": "Число в ответе слишком велико."},
    "big_power": {
        "en": "The exponent {exp} is too large (at most {max} in size).",
        "ru": "Показатель степени {exp} слишком велик (не больше {max} по модулю).",
    },
    "too_complex": {
        "en": "The expression is nested too deeply (at most {max} levels).",
        "ru": "Выражение слишком глубоко вложено (не больше {max} уровней).",
    },
    "empty_entry": {
        "en": "Empty entry at position {pos} (two separators in a row).",
        "ru": "Пустой элемент в позиции {pos} (два разделителя подряд).",
    },
    "empty_brackets": {"en": "Empty brackets at position {pos}.", "ru": "Пустые скобки в позиции {pos}."},
    "ragged": {
        "en": "Row {i} has {k} entries but row 1 has {n}.",
        "ru": "В строке {i} {k} {k_entries_ru}, а в строке 1 — {n}.",
    },
    "different_lengths": {
        "en": "Your vectors have different lengths ({a} and {b} entries).",
        "ru": "Ваши векторы разной длины ({a} и {b} {b_entries_ru}).",
    },
    "mixed": {
        "en": "Your answer mixes numbers and bracketed vectors; write e.g. [1, 2], [3, 4] or 1 2; 3 4.",
        "ru": "В ответе смешаны числа и векторы в скобках; пишите, например, [1, 2], [3, 4] или 1 2; 3 4.",
    },
    "too_many_levels": {
        "en": "Too many levels of brackets; a matrix is written [[1, 2], [3, 4]].",
        "ru": "Слишком много уровней скобок; матрица пишется так: [[1, 2], [3, 4]].",
    },
    "too_big": {
        "en": "Too many entries: at most {max} rows and {max} columns.",
        "ru": "Слишком много элементов: не больше {max} строк и {max} столбцов.",
    },
    "not_a_vector": {
        "en": "Expected one vector, got a {m}×{n} matrix.",
        "ru": "Ожидается один вектор, а получена матрица {m}×{n}.",
    },
    "not_yesno": {"en": "Expected yes or no.", "ru": "Ожидается «да» или «нет»."},
    "bad_choice": {
        "en": "Expected the number (1–{n}) or the letter (a–{last}) of an option.",
        "ru": "Ожидается номер (1–{n}) или буква (a–{last}) варианта.",
    },
    "variables_none": {"en": "numbers, pi and e", "ru": "числа, pi и e"},
    # grading
    "correct": {"en": "Correct.", "ru": "Верно."},
    "correct_tolerance": {"en": "Correct (within the tolerance).", "ru": "Верно (в пределах допуска)."},
    "wrong": {"en": "Not right; try again.", "ru": "Неверно; попробуйте ещё раз."},
    "not_whole": {
        "en": "Expected a whole number, got {got}.",
        "ru": "Ожидается целое число, а получено {got}.",
    },
    "close": {
        "en": "Close, but not within the tolerance; give more digits or an exact value such as 1/3 or sqrt(2)/2.",
        "ru": "Близко, но не в пределах допуска; дайте больше знаков или точное значение, например 1/3 или sqrt(2)/2.",
    },
    "vector_length": {
        "en": "Expected {n} entries, got {k}.",
        "ru": "Ожидается {n} {n_entries_ru}, получено {k}.",
    },
    "comma_note": {
        "en": " In a vector a comma separates entries; write decimals with a point (0.5) or as fractions (1/2).",
        "ru": " В векторе запятая разделяет элементы; десятичные дроби пишите с точкой (0.5) или как 1/2.",
    },
    "parallel": {
        "en": "Your vector points in the right direction, but its length is not right.",
        "ru": "Ваш вектор направлен правильно, но его длина неверна.",
    },
    "matrix_shape": {
        "en": "Expected a {m}×{n} matrix, got {p}×{q}.",
        "ru": "Ожидается матрица {m}×{n}, а получена {p}×{q}.",
    },
    "rows_note": {
        "en": " Separate rows with ; or new lines.",
        "ru": " Разделяйте строки знаком ; или переводом строки.",
    },
    "transpose": {"en": "You entered the transpose.", "ru": "Вы ввели транспонированную матрицу."},
    "basis_ambient": {
        "en": "Your vectors have {k} entries; vectors in this space have {n}.",
        "ru": "У ваших векторов {k} {k_entries_ru}, а у векторов этого пространства {n}.",
    },
    "basis_columns": {
        "en": "It looks like you typed the vectors as columns; type each vector as a row, e.g. [1, 0, -1], [0, 1, 2].",
        "ru": "Похоже, вы записали векторы столбцами; пишите каждый вектор строкой, например [1, 0, -1], [0, 1, 2].",
    },
    "basis_zero_vector": {
        "en": "A basis cannot contain the zero vector.",
        "ru": "Базис не может содержать нулевой вектор.",
    },
    "basis_not_in": {"en": "{v} is not in {name}.", "ru": "{Name} не содержит вектор {v}."},
    "basis_not_in_witness": {
        "en": "{v} is not in {name}: {W}·v = {Wv}.",
        "ru": "{Name} не содержит вектор {v}: {W}·v = {Wv}.",
    },
    "basis_not_in_image": {
        "en": "{v} is not in {name}: it is not a combination of the columns of {W}.",
        "ru": "{Name} не содержит вектор {v}: он не является линейной комбинацией столбцов {W}.",
    },
    "basis_dependent": {
        "en": "Your vectors are linearly dependent, so they are not a basis.",
        "ru": "Ваши векторы линейно зависимы, поэтому это не базис.",
    },
    "basis_dimension": {
        "en": "Your basis spans a {k}-dimensional subspace; {name} has dimension {d}.",
        "ru": "Ваш базис порождает подпространство размерности {k}, а {name} имеет размерность {d}.",
    },
    "basis_empty_given": {
        "en": "The empty basis spans only the zero vector; {name} has dimension {d}.",
        "ru": "Пустой базис порождает только нулевой вектор, а {name} имеет размерность {d}.",
    },
    "scaled_zero": {
        "en": "The zero vector does not count: it is not an eigenvector and has no direction.",
        "ru": "Нулевой вектор не подходит: он не собственный вектор и не задаёт направления.",
    },
    "scaled_direction": {
        "en": "Your vector points in a different direction.",
        "ru": "Ваш вектор направлен по-другому.",
    },
    "expr_differs": {
        "en": "Your expression differs at {point}.",
        "ru": "Ваше выражение отличается в точке {point}.",
    },
    "expr_undefined": {
        "en": "Your expression is not defined at {point}, where the answer is.",
        "ru": "Ваше выражение не определено в точке {point}, а ответ там определён.",
    },
    "expr_inconclusive": {
        "en": "Could not confirm that your expression is equivalent; try writing it more simply.",
        "ru": "Не удалось проверить равносильность вашего выражения; попробуйте записать его проще.",
    },
    "choice_wrong": {"en": "That is not the right option.", "ru": "Это неверный вариант."},
}

_RU_FORMS = {
    "chars": ("символ", "символа", "символов"),
    "entries": ("элемент", "элемента", "элементов"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"en"`` or ``"ru"``, else raise :class:`ParseError` naming it."""
    if lang not in LANGS:
        raise ParseError(f"lang must be 'en' or 'ru', got {lang!r}")
    return lang


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian plural form of a noun for the count ``n`` (forms for 1, 2–4, 5+).

    Examples
    --------
    >>> [plural(n, ("элемент", "элемента", "элементов")) for n in (1, 3, 5, 11, 21, 22)]
    ['элемент', 'элемента', 'элементов', 'элементов', 'элемент', 'элемента']
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def capitalize(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower-case the rest)."""
    return text[:1].upper() + text[1:]


def message(key: str, lang: str, **fields: Any) -> str:
    """Format the message ``key`` in ``lang``.

    Integer fields get Russian plural companions: ``n`` also provides ``n_chars_ru`` and
    ``n_entries_ru``; a field ``name`` also provides ``Name`` (capitalised).  (Only the companions the
    template uses are computed.)
    """
    template = MESSAGES[key][check_lang(lang)]
    if not fields:
        return template
    extra: dict[str, Any] = {}
    for name, field, forms in _companions(template):
        value = fields.get(field)
        if forms is None:
            if isinstance(value, str):
                extra[name] = capitalize(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            extra[name] = plural(value, forms)
    return template.format(**fields, **extra)


_COMPANIONS: dict[str, tuple[tuple[str, str, tuple[str, str, str] | None], ...]] = {}


def _companions(template: str) -> tuple[tuple[str, str, tuple[str, str, str] | None], ...]:
    """The computed fields ``template`` uses: ``(name, source field, plural forms or None for Name)``."""
    found = _COMPANIONS.get(template)
    if found is None:
        out = []
        for _, name, _, _ in string.Formatter().parse(template):
            if not name:
                continue
            if name == "Name":
                out.append((name, "name", None))
                continue
            for noun, forms in _RU_FORMS.items():
                suffix = f"_{noun}_ru"
                if name.endswith(suffix) and len(name) > len(suffix):
                    out.append((name, name[: -len(suffix)], forms))
        found = _COMPANIONS[template] = tuple(dict.fromkeys(out))
    return found
