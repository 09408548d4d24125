"""The course as the site sees it: :func:`linlab.course.load_course`, asked at most every few seconds.

``load_course`` looks at every course file (names, sizes, mtimes) on each call to notice an edit; that
look costs more than a whole cached lesson page, and an answer request used to pay it several times.
The site asks it at most once per ``LINLAB_COURSE_RECHECK_SECONDS`` (setting, default 2 s) per
process, so an edited lesson shows within that time; another course folder (a changed
``$LINLAB_CONTENT``) is looked at at once.  ``0`` asks every time (tests that edit lessons).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings

from ...course import course_root, load_course

_COURSE: dict[str, Any] = {"course": None, "checked": 0.0}
_LOCK = threading.Lock()


def current_course() -> Any:
    """The loaded :class:`~linlab.course.model.Course`; raises ``CourseError`` as ``load_course`` does."""
    interval = float(getattr(settings, "LINLAB_COURSE_RECHECK_SECONDS", 2.0))
    now = time.monotonic()
    root = course_root()  # cheap: a different folder is looked at at once
    with _LOCK:
        cached = _COURSE["course"]
        if cached is None or cached.root != root or now - _COURSE["checked"] >= interval:
            _COURSE["course"] = load_course()
            _COURSE["checked"] = now
        return _COURSE["course"]
