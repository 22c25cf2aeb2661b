"""``whitewall keys generate``: print a new Fernet key for WHITEWALL_ENCRYPTION_KEYS.
``whitewall keys rotate``: re-encrypt every encrypted value with the newest key (put it first in
WHITEWALL_ENCRYPTION_KEYS, keep the old keys after it, run this, then drop the old keys).

Keys are never printed except the one ``generate`` makes for you.
"""

import sys

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand

from whitewall.core import encryption, rotation


class Command(BaseCommand):
    help = "Generate an encryption key (generate) or re-encrypt every encrypted value (rotate)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="print a new Fernet key")
        rotate = sub.add_parser("rotate", help="re-encrypt every encrypted field with the newest key")
        rotate.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
        rotate.add_argument("--dry-run", action="store_true", help="count what would change, write nothing")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(Fernet.generate_key().decode())
            return
        batch_size = max(1, options["batch_size"])
        dry_run = options["dry_run"]
        models = encryption.encrypted_models()
        if not models:
            self.stdout.write("No model has encrypted fields.")
            return

        def progress(result, total):
            self.stdout.write(
                f"  {result.model}: {result.rows}/{total} rows, "
                f"{result.values_reencrypted} values re-encrypted, {result.indexes_updated} indexes updated"
            )

        totals = [0, 0, 0]
        for model in models:
            self.stdout.write(f"{model._meta.label} …")
            try:
                result = rotation.rotate_model(
                    model, batch_size=batch_size, dry_run=dry_run, progress=progress
                )
            except encryption.DecryptionError as exc:
                self.stderr.write(str(exc))
                self.stderr.write(
                    "Stopped; the batches before this one are done. Add the missing key to "
                    "WHITEWALL_ENCRYPTION_KEYS and run again."
                )
                sys.exit(1)
            totals[0] += result.rows
            totals[1] += result.values_reencrypted
            totals[2] += result.indexes_updated
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals[0]} rows in {len(models)} models; {verb} {totals[1]} values; "
                f"{totals[2]} blind indexes {'would change' if dry_run else 'updated'}."
            )
        )
