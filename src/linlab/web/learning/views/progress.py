"""The progress page: every lesson's state, questions, recent exercise results and reviews."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..coursecache import current_course
from ..models import Attempt, CheckAnswer
from ..progress import lesson_progress
from .common import lang_of
from .lessons import STATE_LABELS


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    lang = lang_of(request)
    course = current_course()
    progress = lesson_progress(request.user)
    rows = [
        {"id": lesson_id, "title": course.lessons[lesson_id].title[lang], "p": p, "label": STATE_LABELS[p.state]}
        for lesson_id, p in progress.items() if lesson_id in course.lessons
    ]
    totals = {
        "done": sum(1 for r in rows if r["p"].done),
        "lessons": len(rows),
        "answers": CheckAnswer.objects.filter(user=request.user).count(),
        "attempts": Attempt.objects.filter(user=request.user, answered_at__isnull=False).count(),
        "right": Attempt.objects.filter(user=request.user, correct=True).count(),
        "due": sum(r["p"].due for r in rows),
    }
    return render(request, "learning/progress.html", {"nav": "progress", "rows": rows, "totals": totals})
