"""``python -m linlab.web sync_course``: load content/ and update the course index (idempotent)."""

from django.core.management.base import BaseCommand

from ...sync import sync_course


class Command(BaseCommand):
    help = "Validate the course in content/ and create or update its lessons and exercises in the database."

    def handle(self, *args, **options):
        result = sync_course()
        self.stdout.write(
            f"course {result.content_version[:12]}: {len(result.created)} lessons created, "
            f"{len(result.updated)} updated, {len(result.deactivated)} retired, "
            f"{result.generators_created} exercises added"
        )
