from django.apps import AppConfig


class LearningConfig(AppConfig):
    """Lessons, inline checks, exercise attempts, reviews and progress."""

    name = "linlab.web.learning"
    label = "learning"
    verbose_name = "Learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
