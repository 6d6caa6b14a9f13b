from django.core.management.base import BaseCommand

from linia.core import crypto
from linia.directory.services import rotate_encryption_keys

BUILT_IN = {"credentials", "licenses"}


class Command(BaseCommand):
    help = (
        "Re-encrypt every vault secret, license key and mailbox secret with the current key (the first of "
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
        batch_size = max(1, options["batch_size"])
        counts = rotate_encryption_keys(batch_size=batch_size)
        # Secrets of other apps (e.g. the e-mail channel's mailbox passwords).
        for name, rotator in crypto.registered_rotators().items():
            counts[name] = rotator(batch_size)
        current = crypto.keyring().current.hex_id
        others = "".join(
            f", {count} {name}" for name, count in counts.items() if name not in BUILT_IN
        )
        self.stdout.write(
            f"Current key {current}: re-encrypted {counts['credentials']} credential(s) "
            f"and {counts['licenses']} license key(s){others}."
        )
