"""``/labs/``: the index, and for each lab its page (``labs:<slug>``) and compute endpoint (``labs:<slug>-compute``)."""

from django.urls import path

from . import views
from .registry import LABS

app_name = "labs"
urlpatterns = [path("", views.index, name="index")]
for _slug in LABS:
    urlpatterns += [
        path(f"{_slug}/", views.lab_page, {"slug": _slug}, name=_slug),
        path(f"{_slug}/compute/", views.lab_compute, {"slug": _slug}, name=f"{_slug}-compute"),
    ]
