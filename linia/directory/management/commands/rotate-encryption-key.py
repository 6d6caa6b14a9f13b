from django.core.management.base import BaseCommand

from linia.core import crypto
from linia.directory.services import rotate_encryption_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every vault secret and license key with the current key (the first of "
        "LINIA_ENCRYPTION_KEYS). Runs in batches while Linia keeps serving; safe to repeat. "
        "Remove an old key from LINIA_ENCRYPTION_KEYS only after this has finished."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument(
            "--generate",
            action="store_true",
            help="Only print a new random key to put first in LINIA_ENCRYPTION_KEYS.",
        )

    def handle(self, *args, **options):
        if options["generate"]:
            self.stdout.write(crypto.generate_key())
            return
        counts = rotate_encryption_keys(batch_size=max(1, options["batch_size"]))
        current = crypto.keyring().current.hex_id
        self.stdout.write(
            f"Current key {current}: re-encrypted {counts['credentials']} credential(s) "
            f"and {counts['licenses']} license key(s)."
        )
