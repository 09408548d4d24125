"""Template context every page gets: the number of reviews due (for the navigation badge)."""

from __future__ import annotations

from django.utils import timezone

from .models import ReviewCard


def site(request):
    """``reviews_due`` for the signed-in learner, counted once per request.

    Fragments rendered with the request (a lesson's inline questions) run this again; the count is
    kept on the request so a page costs one query, however many fragments it holds.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reviews_due": 0}
    if not hasattr(request, "_linlab_reviews_due"):
        request._linlab_reviews_due = ReviewCard.objects.filter(
            user=user, due__lte=timezone.now(), generator__active=True
        ).count()
    return {"reviews_due": request._linlab_reviews_due}
