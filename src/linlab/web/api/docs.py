"""The interactive API docs page (Swagger UI), served entirely by the site: no CDN, works offline.

django-ninja only uses its bundled Swagger UI when ``ninja`` is an installed app and otherwise loads it
from a CDN; this page renders our own template and serves ninja's bundled files from ``asset``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

__all__ = ["OfflineSwagger", "asset", "ASSETS"]

_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.png", "favicon.svg")
"""The files of ninja's Swagger UI the docs page loads (nothing else is served)."""


class OfflineSwagger(DocsBase):
    """Swagger UI from the site's own URLs; the online spec validator is switched off."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True,
                    "validatorUrl": None}
        context = {
            "api": api,
            "swagger_settings": settings,
            # template names: "swagger-ui.css" -> assets.swagger_ui_css
            "assets": {name.replace("-", "_").replace(".", "_"): reverse("api-docs-asset", args=[name]) for name in ASSETS},
        }
        return render(request, "api/docs.html", context)


def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of :data:`ASSETS` from ninja's package (cached by browsers for a day)."""
    if name not in ASSETS:
        raise Http404(name)
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse((_STATIC / name).open("rb"), content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=86400"
    return response
