"""Every lesson page, in both languages, shows its formulas as MathML and leaves no raw ``$…$`` behind."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from linlab.course import load_course

LESSONS = list(load_course().lessons)
_OPAQUE = {"math", "code", "pre", "script", "style", "textarea", "kbd", "samp"}  # where a '$' may stand
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    """Counts <math> elements and collects the text that lies outside math, code and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.maths = 0
        self.merrors = 0
        self.prose: list[str] = []
        self.lang: str | None = None
        self.h1: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "math":
            self.maths += 1
        if tag == "merror":
            self.merrors += 1
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if not _OPAQUE.intersection(self.stack):
            self.prose.append(data)
        if "h1" in self.stack:
            self.h1.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _maths_in(html: str) -> int:
    return _parse(html).maths


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_lesson_page_renders_its_math_as_mathml(client, course_index, course, language):
    response = client.post("/language/", {"language": language, "next": "/"})
    assert response.status_code == 302
    for lesson_id in LESSONS:
        lesson = course.lessons[lesson_id]
        response = client.get(f"/lessons/{lesson_id}/")
        assert response.status_code == 200, lesson_id
        page = _parse(response.content.decode())
        assert page.lang == language, lesson_id
        assert " ".join("".join(page.h1).split()) == lesson.title[language], lesson_id
        # The sections alone, as the loader renders them, hold this many formulas; the page shows them all.
        in_sections = sum(_maths_in(section.html) for section in lesson.sections[language])
        assert in_sections > 0, f"{lesson_id} ({language}) has no formula in its sections"
        assert page.maths >= in_sections, f"{lesson_id} ({language}): {page.maths} <math> < {in_sections}"
        assert page.merrors == 0, f"{lesson_id} ({language}): a formula failed to convert (<merror>)"
        prose = "".join(page.prose)
        assert "$" not in prose, f"{lesson_id} ({language}): raw $ in the page text near {_around(prose, '$')!r}"
        assert "\\(" not in prose and "\\frac" not in prose, f"{lesson_id} ({language}): raw LaTeX in the page text"


def test_the_parser_sees_raw_math_and_mathml():
    """The checker itself: a '$' in prose is found, one inside <code> or <math> is not."""
    page = _parse('<html lang="en"><p>cost $x^2$</p><code>$HOME</code><math><mi>$</mi></math><br><h1>T</h1></html>')
    assert page.maths == 1 and page.lang == "en" and "".join(page.h1) == "T"
    assert "".join(page.prose) == "cost $x^2$T"


def _around(text: str, needle: str, width: int = 40) -> str:
    at = text.index(needle)
    return text[max(0, at - width): at + width]
