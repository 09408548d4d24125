"""The site's URLs: the learning pages, labs, the JSON API (``/api/v1``) and the admin."""

from django.contrib import admin
from django.urls import include, path

from .learning import urls as learning_urls

handler400 = "linlab.web.learning.views.errors.bad_request"
handler403 = "linlab.web.learning.views.errors.forbidden"
handler404 = "linlab.web.learning.views.errors.not_found"
handler500 = "linlab.web.learning.views.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("labs/", include("linlab.web.labs.urls")),
    path("api/v1/", include("linlab.web.api.urls")),
    path("", include(learning_urls)),
]
