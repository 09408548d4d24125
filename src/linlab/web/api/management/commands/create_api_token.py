"""``python -m linlab.web create_api_token USERNAME [--name NAME]``: print a new API token once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ....learning.actions import ActionError
from ...tokens import create_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is shown only this once; the database keeps its hash)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account the token acts as.")
        parser.add_argument("--name", default="", help="What the token is for (at most 100 characters).")

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: options["username"]})
        except User.DoesNotExist:
            raise CommandError(f"There is no user {options['username']!r}.") from None
        try:
            row, token = create_token(user, name=options["name"])
        except ActionError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(token)
        self.stderr.write(f"Token {row.prefix} for {user.get_username()}: store it now, it is not shown again. "
                          f"Use it as the header 'Authorization: Bearer <token>'.")
