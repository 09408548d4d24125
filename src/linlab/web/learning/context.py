"""Template context every page gets: the number of reviews due (for the navigation badge)."""

from __future__ import annotations

from django.utils import timezone

from .models import ReviewCard


def site(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reviews_due": 0}
    due = ReviewCard.objects.filter(user=user, due__lte=timezone.now(), generator__active=True).count()
    return {"reviews_due": due}
