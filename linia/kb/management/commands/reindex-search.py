from django.core.management.base import BaseCommand

from linia.kb.search import reindex_articles
from linia.tickets.search import reindex_tickets


class Command(BaseCommand):
    help = (
        "Rebuild the search documents of every article and ticket (and the term vocabulary) "
        "in batches; safe to run while Linia is in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--only", choices=["articles", "tickets"], default=None)

    def handle(self, *args, **options):
        size = options["batch_size"]
        if options["only"] != "tickets":
            self.stdout.write(f"Articles indexed: {reindex_articles(size)}")
        if options["only"] != "articles":
            self.stdout.write(f"Tickets indexed: {reindex_tickets(size)}")
