"""Lesson Markdown → HTML: CommonMark features, math, escaping, sections and question placeholders."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linlab.course.markup import fill_placeholders, parse_body, placeholder, render
from linlab.course.mathml import MathError
from linlab.course.model import CourseError

MATH = re.compile(r'<math xmlns="http://www.w3.org/1998/Math/MathML" display="(inline|block)">.*?</math>', re.S)


def displays(html: str) -> list[str]:
    return MATH.findall(html)


def collect(text: str, **kwargs):
    problems = []
    result = parse_body(text, report=lambda line, message: problems.append((line, message)), **kwargs)
    return result, problems


# ----------------------------------------------------------------------------------- Markdown features


def test_pipe_table_with_math_and_emphasis_in_cells():
    html = render("| term | notation |\n|---|---|\n| kernel | $\\ker f$ |\n| *rank* | **r** |\n")
    assert "<table>" in html and "<th>term</th>" in html
    assert "<td><em>rank</em></td>" in html and "<td><strong>r</strong></td>" in html
    cell = re.search(r"<td>(<math.*?</math>)</td>", html, re.S)
    assert cell is not None and displays(cell.group(1)) == ["inline"]


def test_math_inside_lists():
    html = render("- first $x_1$\n- second\n\n  $$y = Ax$$\n\n1. third $\\alpha$\n")
    assert html.count("<li>") == 3
    assert displays(html) == ["inline", "block", "inline"]


def test_inline_and_display_math():
    html = render("Inline $a^2$ here.\n\n$$\n\\sum_i x_i\n$$\n\nand $$b$$ inline-display.")
    assert displays(html) == ["inline", "block", "block"]
    assert "$" not in MATH.sub("", html)


def test_escaped_dollar_is_a_literal_dollar_and_no_math():
    html = render("It costs \\$5 and \\$6.")
    assert html == "<p>It costs $5 and $6.</p>\n"


def test_dollar_inside_code_is_untouched():
    html = render("Run `echo $HOME $x$` then\n\n```python\ncost = '$5'  # $x$\n```\n")
    assert "<code>echo $HOME $x$</code>" in html
    assert "cost = '$5'  # $x$" in html
    assert displays(html) == []


def test_code_emphasis_links_and_headings():
    html = render("*em* **strong** `code` [site](https://example.org)\n\n### Sub\n")
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org">site</a>' in html and "<h3>Sub</h3>" in html


def test_inline_rendering_has_no_paragraph():
    assert render("a *b* $c$", inline=True).startswith("a <em>b</em> <math")


# ---------------------------------------------------------------------------------------- HTML safety


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Text <script>alert(1)</script> inline",
        '<img src=x onerror="alert(1)">',
        "<div>\n<script>alert(1)</script>\n</div>",
    ],
)
def test_raw_html_is_escaped_not_passed_through(text):
    html = render(text)
    assert "<script" not in html and "<img" not in html and "<div" not in html
    assert "&lt;" in html


def test_javascript_links_are_not_links():
    html = render("[click](javascript:alert(1))")
    assert "href" not in html


def test_html_in_math_text_cannot_escape():
    with pytest.raises(CourseError):
        render("$\\text{<script>alert(1)</script>}$")


# ------------------------------------------------------------------------------------------ math errors


@pytest.mark.parametrize("text", ["Price $5 and $6.", "$ x $", "a lone $ sign", "$x"])
def test_stray_dollar_is_an_error(text):
    with pytest.raises(CourseError, match=r"'\$' that neither opens nor closes"):
        render(text)


def test_bad_math_raises_with_the_formula():
    with pytest.raises(MathError) as info:
        render("Fine $x$, bad $\\foo{y}$.")
    assert info.value.formula == "\\foo{y}"


def test_problems_carry_file_lines():
    text = "## Definition {#definition}\n\nok $x$\n\nbad $\\foo$\n\n$$\n\\frac{1}{2\n$$\n"
    _, problems = collect(text, first_line=10)
    assert [line for line, _ in problems] == [14, 16]
    assert "\\foo" in problems[0][1] and "never closed" in problems[1][1]


# -------------------------------------------------------------------------------------------- sections

BODY = """\
## Definition $f$ {#definition}

A map.

```check
id: q-one
type: yesno
```

## Matrix form {#formula}

| a | b |
|---|---|
| 1 | 2 |

```reflect
id: r-one
```

### A subsection

More.
"""


def test_sections_split_at_level_two_headings():
    fences = []
    def handler(kind, source, line, section):
        fences.append((kind, source, line, section))
        return placeholder(kind, source.split()[1])

    sections, problems = collect(BODY, fences=handler)
    assert problems == []
    assert [s.id for s in sections] == ["definition", "formula"]
    assert sections[0].title == "Definition $f$"
    assert displays(sections[0].title_html) == ["inline"] and "{#" not in sections[0].title_html
    assert "<h2" not in sections[0].html and "<h3>A subsection</h3>" in sections[1].html
    assert sections[0].html.endswith('<div class="check" data-question-id="q-one"></div>\n')
    assert '<div class="reflect" data-question-id="r-one"></div>' in sections[1].html
    assert fences == [("check", "id: q-one\ntype: yesno\n", 6, "definition"), ("reflect", "id: r-one\n", 17, "formula")]


def test_fill_placeholders_replaces_each_question():
    sections, _ = collect(BODY, fences=lambda kind, source, line, section: placeholder(kind, source.split()[1]))
    filled = fill_placeholders(sections[0].html + sections[1].html, lambda kind, qid: f"<form>{kind}:{qid}</form>")
    assert "<form>check:q-one</form>" in filled and "<form>reflect:r-one</form>" in filled
    assert "data-question-id" not in filled


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("## Definition\n\ntext\n", "has no id", 1),
        ("## Definition {#Definition}\n", "must be lowercase", 1),
        ("## A {#a}\n\n## B {#a}\n", "duplicate section id 'a'", 3),
        ("# Title\n\n## A {#a}\n", "a '#' heading", 1),
        ("Intro.\n\n## A {#a}\n", "text before the first section", 1),
        ("## A {#a}\n\n- ## B {#b}\n", "inside a list", 3),
    ],
)
def test_section_structure_errors(text, message, line):
    _, problems = collect(text)
    assert any(message in m and found == line for found, m in problems), problems


def test_parse_body_raises_first_problem_without_report():
    with pytest.raises(CourseError, match="has no id"):
        parse_body("## Definition\n")


def test_placeholder_rejects_odd_ids():
    with pytest.raises(CourseError):
        placeholder("check", 'x" onclick="alert(1)')


# ------------------------------------------------------------------------------------ property tests

_WORD = st.text(alphabet="abcxyz ,.!", min_size=1, max_size=8).filter(lambda w: w.strip() != "")
_FORMULA = st.sampled_from(["x", "x^2", r"\alpha + 1", r"\frac{1}{2}", r"A_{ij}", "f(x) = Ax", r"\mathbb{R}^n"])


@given(st.lists(st.one_of(_WORD, _FORMULA.map(lambda f: ("math", f))), max_size=12))
def test_every_formula_between_words_becomes_one_math_element(pieces):
    text = " ".join(f"${p[1]}$" if isinstance(p, tuple) else p for p in pieces)
    html = render(text)
    assert len(displays(html)) == sum(isinstance(p, tuple) for p in pieces)


@given(st.text(alphabet="$\\`{}ab \n|-*#_^x()", max_size=80))
def test_render_never_raises_anything_but_course_error(text):
    try:
        render(text)
        parse_body(text, report=lambda line, message: None)
    except CourseError:
        pass
