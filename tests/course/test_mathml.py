"""Strict LaTeX → MathML: what converts, what is rejected and why, and that nothing else escapes."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linlab.course.mathml import MAX_LENGTH, MathError, check_braces, to_mathml
from linlab.course.model import CourseError
from linlab.errors import LinlabError

NS = "{http://www.w3.org/1998/Math/MathML}"


def parse(mathml: str) -> ET.Element:
    root = ET.fromstring(mathml)
    assert root.tag == NS + "math"
    return root


def tags(mathml: str) -> list[str]:
    return [element.tag.removeprefix(NS) for element in parse(mathml).iter()]


@pytest.mark.parametrize(
    "latex, must_contain",
    [
        (r"\frac{1}{2}", "mfrac"),
        (r"x^2 + y_i", "msup"),
        (r"W \in \mathbb{R}^{\text{out} \times \text{in}}", "mtext"),
        (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "mtable"),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "mtable"),
        (r"\begin{cases} 1 & x > 0 \\ 0 & \text{else} \end{cases}", "mtable"),
        (r"\sqrt{2}/2", "msqrt"),
        (r"\lVert x \rVert_2 \le \|x\|_1", "msub"),
        (r"\ker f \subseteq V, \quad \dim \operatorname{im} f", "mspace"),
        (r"\sum_{i=1}^{n} x_i e_i", "msubsup"),
        (r"50\% \text{ of } \$100", "mtext"),
        (r"\left( \frac{a}{b} \right)", "mfrac"),
        (r"\alpha*\beta = \operatorname*{argmax}_x f", "msub"),
    ],
)
def test_valid_formulas_convert_to_mathml(latex, must_contain):
    inline = to_mathml(latex)
    block = to_mathml(latex, display=True)
    assert parse(inline).get("display") == "inline"
    assert parse(block).get("display") == "block"
    assert must_contain in tags(inline)
    assert "\\" not in inline


def test_fraction_has_numerator_and_denominator():
    (mfrac,) = [e for e in parse(to_mathml(r"\frac{a}{b+1}")).iter() if e.tag == NS + "mfrac"]
    numerator, denominator = list(mfrac)
    assert "".join(numerator.itertext()) == "a"
    assert "".join(denominator.itertext()) == "b+1"


@pytest.mark.parametrize(
    "latex, reason",
    [
        (r"\foo + 1", r"unknown command \foo"),
        (r"\arg\max_x f", r"unknown command \arg"),
        (r"\mathbbm{1}", r"unknown command \mathbbm"),
        (r"\label{eq}", r"unknown command \label"),
        (r"a \' b", r"unknown command \'"),
        (r"\frac{1}{2", "the '{' at position 8 is never closed"),
        (r"x}", "the '}' at position 1 has no matching '{'"),
        (r"\frac{1}", "<mfrac> needs 2 arguments"),
        (r"\begin{foo} x \end{foo}", "unknown environment 'foo'"),
        (r"\begin{pmatrix} 1 \end{bmatrix}", r"\end{bmatrix} does not match"),
        (r"\begin{pmatrix} 1", r"\begin{pmatrix} is never ended"),
        (r"\left( x", r"1 \left but 0 \right"),
        (r"\href{javascript:alert(1)}{x}", r"\href is not allowed"),
        (r"\style{color:red}{x}", r"\style is not allowed"),
        (r"5%", "'%' starts a LaTeX comment"),
        (r"\text{<script>alert(1)</script>}", "not MathML"),
        (r"\text{a < b}", "invalid MathML"),
        (r"x^", "latex2mathml cannot convert it"),
        ("   ", "empty formula"),
        ("x\\", "a lone '\\' at the end"),
    ],
)
def test_bad_formulas_are_rejected_naming_formula_and_reason(latex, reason):
    with pytest.raises(MathError) as info:
        to_mathml(latex)
    assert reason in info.value.reason
    assert info.value.formula == latex
    assert f"${latex}$" in str(info.value)


def test_math_error_is_a_course_error_a_linlab_error_and_a_value_error():
    with pytest.raises(MathError) as info:
        to_mathml(r"\foo")
    assert isinstance(info.value, CourseError)
    assert isinstance(info.value, LinlabError)
    assert isinstance(info.value, ValueError)


def test_overlong_formula_is_rejected_without_converting():
    with pytest.raises(MathError, match="longer than"):
        to_mathml("x+" * MAX_LENGTH)


def test_non_string_is_rejected():
    with pytest.raises(MathError, match="must be a str"):
        to_mathml(3)  # type: ignore[arg-type]


def _balanced_by_rewriting(latex: str) -> bool:
    """Independent check: drop escaped characters, keep the braces, delete "{}" pairs until none is left."""
    braces = "".join(c for c in re.sub(r"\\.", "", latex, flags=re.S) if c in "{}")
    while "{}" in braces:
        braces = braces.replace("{}", "")
    return braces == ""


@given(st.text(alphabet="{}\\ab ", max_size=40))
def test_check_braces_agrees_with_pair_deletion(latex):
    if _balanced_by_rewriting(latex):
        check_braces(latex)
    else:
        with pytest.raises(MathError, match="unbalanced braces"):
            check_braces(latex)


_PIECES = st.sampled_from(
    ["x", "2", "+", "-", "=", "<", ">", "&", "'", "^", "_", "{", "}", "[", "]", "(", ")", "|", " ", "%",
     "\\", "\\\\", r"\frac", r"\sqrt", r"\text{", r"\left(", r"\right)", r"\begin{pmatrix}", r"\end{pmatrix}",
     r"\mathbb{R}", r"\alpha", r"\foo", r"\,", r"\{", r"\}", r"\operatorname{rank}", r"\hat", r"\over", "<script>"]
)


@given(st.lists(_PIECES, max_size=25).map("".join), st.booleans())
def test_to_mathml_returns_valid_mathml_or_raises_math_error(latex, display):
    try:
        mathml = to_mathml(latex, display=display)
    except MathError:
        return
    assert set(tags(mathml)) <= {
        "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mfrac", "msqrt", "mroot", "mstyle", "msub",
        "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mpadded", "mphantom",
        "menclose", "merror", "ms", "none", "mprescripts", "mmultiscripts",
    }
    assert "\\" not in mathml and "script" not in mathml.replace("scriptlevel", "")


@given(st.text(max_size=60))
def test_to_mathml_on_arbitrary_text_never_raises_anything_but_math_error(latex):
    try:
        parse(to_mathml(latex))
    except MathError:
        pass


@pytest.mark.parametrize("env, left, right", [("pmatrix", "&#x00028;", "&#x00029;"), ("bmatrix", "[", "]"), ("vmatrix", "&#x0007C;", "&#x0007C;")])
def test_matrix_brackets_are_stretchy_fences_around_the_table(env, left, right):
    out = to_mathml(rf"A = \begin{{{env}}} 1 & 2 \\ 3 & 4 \end{{{env}}}")
    fence = '<mo stretchy="true" fence="true" form="{}">{}</mo>'
    assert fence.format("prefix", left) + "<mtable>" in out
    assert "</mtable>" + fence.format("postfix", right) in out


def test_function_names_are_followed_by_a_thin_space():
    out = to_mathml(r"\dim \ker A")
    assert out.count('<mspace width="0.1667em"></mspace>') == 2
    assert "<mi>dim</mi><mspace" in out and "<mi>ker</mi><mspace" in out
    assert "<mspace" not in to_mathml(r"d + i + m")
