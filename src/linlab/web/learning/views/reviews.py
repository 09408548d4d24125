"""The review page: the learner's due cards (fsrs), one fresh variant at a time; the grade rates the card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..coursecache import current_course
from ..actions import due_cards, review_attempt
from ..models import Attempt, ReviewCard
from .common import exercise_title, lang_of
from .exercises import variant_context


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    lang = lang_of(request)
    course = current_course()
    due = list(due_cards(request.user)[:50])
    answered = None
    if request.GET.get("answered", "").isdigit():
        answered = Attempt.objects.filter(pk=int(request.GET["answered"]), user=request.user, review=True).select_related("generator").first()
    current = None
    if answered is not None:
        current = answered
    elif due:
        current = review_attempt(request.user, due[0])
    context = {"nav": "reviews", "due_count": len(due), "card": None}
    if current is not None:
        gen = current.generator
        lesson = course.lessons[gen.lesson_id]
        context.update(variant_context(current, lang))
        context.update({
            "lesson": lesson, "lesson_title": lesson.title[lang], "lesson_id": gen.lesson_id, "exercise_id": gen.exercise_id,
            "exercise_title": exercise_title(lesson.exercise(gen.exercise_id), lang), "card": True,
        })
    upcoming = ReviewCard.objects.filter(user=request.user, due__gt=timezone.now()).select_related("generator").order_by("due")[:10]
    context["upcoming"] = [
        {"due": c.due, "title": exercise_title(course.lessons[c.generator.lesson_id].exercise(c.generator.exercise_id), lang)
         if c.generator.lesson_id in course.lessons and c.generator.active else c.generator.exercise_id,
         "lesson_title": course.lessons[c.generator.lesson_id].title[lang] if c.generator.lesson_id in course.lessons else c.generator.lesson_id}
        for c in upcoming
    ]
    return render(request, "learning/reviews.html", context)
