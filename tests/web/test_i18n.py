"""The Russian interface: the compiled catalog matches its source and every string is translated."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

import linlab.web

LOCALE = Path(linlab.web.__file__).parent / "locale" / "ru" / "LC_MESSAGES"


def _po_entries(text: str) -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr, …]) pairs of a .po file, continuation lines joined."""
    entries, key, current = [], None, None
    values: dict[str, list[str]] = {}
    for line in text.splitlines() + [""]:
        if line.startswith("msgid "):
            if current is not None:
                entries.append((values["msgid"][0], [v for k, vs in values.items() if k.startswith("msgstr") for v in vs]))
            values, key, current = {"msgid": [ast.literal_eval(line[6:])]}, "msgid", True
        elif line.startswith(("msgid_plural ", "msgstr")):
            key, _, literal = line.partition(" ")
            values[key] = [ast.literal_eval(literal)]
        elif line.startswith('"') and key:
            values[key][-1] += ast.literal_eval(line)
    if current is not None:
        entries.append((values["msgid"][0], [v for k, vs in values.items() if k.startswith("msgstr") for v in vs]))
    return entries


def test_every_interface_string_has_a_russian_translation_in_the_compiled_catalog():
    entries = [(msgid, strs) for msgid, strs in _po_entries((LOCALE / "django.po").read_text(encoding="utf-8")) if msgid]
    assert len(entries) > 200
    untranslated = [msgid for msgid, strs in entries if not all(strs)]
    assert untranslated == []
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [msgid for msgid, strs in entries if "%(" not in msgid and compiled.gettext(msgid) != strs[0] and len(strs) == 1]
    assert stale == [], "django.mo is older than django.po: run msgfmt -o django.mo django.po"


@pytest.mark.django_db
def test_pages_speak_russian_after_the_switch(client, course_index):
    client.post("/language/", {"language": "ru"})
    html = client.get("/").content.decode()
    assert '<html lang="ru">' in html and ">Уроки</a>" in html and "Карта уроков" in html
