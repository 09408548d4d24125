from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API (``/api/v1/``) and its tokens."""

    name = "linlab.web.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
