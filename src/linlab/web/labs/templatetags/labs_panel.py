"""``{% lab_panel lab lesson %}``: a lab embedded in a lesson page (used by ``labs/panel.html``)."""

from __future__ import annotations

from typing import Any

from django import template

from ..registry import LABS, LESSON_DEFAULTS
from ..views import lab_context

register = template.Library()


@register.inclusion_tag("labs/_panel.html", takes_context=True)
def lab_panel(context: template.Context, lab: str, lesson: Any = None) -> dict[str, Any]:
    """The compact lab ``lab`` (a slug), starting from the lesson's example where it has one.

    An unknown slug renders nothing rather than breaking the lesson page.
    """
    found = LABS.get(lab)
    if found is None:
        return {"lab": None}
    values = found.defaults()
    values.update(LESSON_DEFAULTS.get(getattr(lesson, "id", ""), {}))
    lab_ctx, _status = lab_context(found, values, compact=True, lesson=lesson)
    return {**lab_ctx, "request": context.get("request"), "csrf_token": context.get("csrf_token")}
