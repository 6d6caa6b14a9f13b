from django.core.management.base import BaseCommand, CommandError

from linia.accounts.services import create_api_token
from linia.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a new API bearer token for USERNAME; the token is the last line printed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, **options):
        try:
            row, token = create_api_token(username=options["username"], name=options["name"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"Token {row.prefix}… issued for {row.user.username}.")
        self.stdout.write(token)
