"""The labs (a computed result and a drawn plot), lesson pages' MathML in both languages, and the admin."""

from __future__ import annotations

import numpy as np
import pytest

from linlab.course import load_course
from linlab.web.labs.registry import LABS

from .conftest import PASSWORD, shoot

pytestmark = pytest.mark.browser


def _numbers(cells) -> list[float]:
    """The entries of a MathML column vector, '−' read as a minus sign."""
    return [float(text.replace("−", "-").strip()) for text in cells.all_text_contents()]


def _compute_and_wait_for_swap(page, lab) -> None:
    """Press Compute and wait until htmx has replaced the lab's body with the answer."""
    before = lab.locator(".lab-body").element_handle()
    lab.locator("button.lab-primary").click()
    page.wait_for_function("body => !body.isConnected", arg=before)
    lab.locator(".lab-body").wait_for()


def test_layernorm_lab_puts_the_point_on_the_ring(page, site, screens):
    page.goto(f"{site}/labs/")
    shoot(page, screens, "labs-index")
    page.goto(f"{site}/labs/layernorm/")
    lab = page.locator("#lab-layernorm")
    lab.locator("[data-lab-figure][data-drawn='1'] .main-svg").first.wait_for()  # plotly drew the first plot
    point = np.array([4.0, -1.0, 0.5])
    lab.locator("input[name=x]").fill("4")
    lab.locator("input[name=y]").fill("-1")
    lab.locator("input[name=z]").fill("1/2")
    _compute_and_wait_for_swap(page, lab)
    row = page.locator("#lab-layernorm tr.lab-strong td").first
    # The nearest ring point, computed here: centre, then scale to length √3.
    centered = point - point.mean()
    expected = centered * np.sqrt(3) / np.linalg.norm(centered)
    np.testing.assert_allclose(_numbers(row.locator("mtd")), expected, atol=6e-4)
    plot = page.locator("#lab-layernorm [data-lab-figure][data-drawn='1'] .main-svg").first
    plot.wait_for()
    assert plot.bounding_box()["width"] > 200
    shoot(page, screens, "lab-layernorm")

    # A point on the (1,1,1) axis has no nearest ring point: the lab says so instead of a result.
    for name in ("x", "y", "z"):
        lab.locator(f"input[name={name}]").fill("2")
    _compute_and_wait_for_swap(page, lab)
    assert page.locator("#lab-layernorm .lab-error[role=alert]").inner_text().endswith(
        "so every point of the ring is equally near: the nearest point is undefined")


@pytest.mark.parametrize("slug", [s for s in LABS if s != "layernorm"])
def test_every_lab_page_draws_its_plots(page, site, screens, slug):
    page.goto(f"{site}/labs/{slug}/")
    figures = page.locator(f"#lab-{slug} [data-lab-figure]")
    page.wait_for_function(
        "slug => [...document.querySelectorAll(`#lab-${slug} [data-lab-figure]`)]"
        ".every(box => box.querySelector('.main-svg'))", arg=slug
    )
    assert figures.count() >= 1
    assert page.locator(f"#lab-{slug} .lab-error").count() == 0
    shoot(page, screens, f"lab-{slug}")


def test_lesson_math_in_both_languages(page, site):
    course = load_course()
    for lesson_id, language in [("la-05-linear-maps", "en"), ("la-12-svd-read-write", "en"),
                                ("la-12-svd-read-write", "ru"), ("la-14-high-dimensions", "ru")]:
        page.goto(f"{site}/lessons/{lesson_id}/")
        if page.locator("html").get_attribute("lang") != language:
            page.locator(f"form.lang-switch button[value={language}]").click()
            page.wait_for_url(f"{site}/lessons/{lesson_id}/")
        assert page.locator("h1").inner_text() == course.lessons[lesson_id].title[language]
        assert page.locator("article.lesson math").count() > 5
        # Text a reader sees, outside formulas and code: no '$' of unconverted LaTeX.
        prose = page.evaluate(
            """() => { const a = document.querySelector('article.lesson').cloneNode(true);
                       a.querySelectorAll('math, code, pre, script').forEach(e => e.remove());
                       return a.textContent; }"""
        )
        assert "$" not in prose, f"{lesson_id} ({language})"
        # The browser lays the MathML out as formulas (a box with a size), not as raw markup.
        assert page.locator("article.lesson math").first.bounding_box()["width"] > 0


def test_admin_pages(page, site, screens, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    page.goto(f"{site}/admin/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{site}/admin/")
    assert page.locator("#content a[href='/admin/learning/lesson/']").count() >= 1  # the app's model list
    shoot(page, screens, "admin")
    page.goto(f"{site}/admin/learning/lesson/")
    assert page.locator("#result_list tbody tr").count() == len(load_course().lessons)
    shoot(page, screens, "admin-lessons")
