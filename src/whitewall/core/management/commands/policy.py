"""``whitewall policy check FILE``: validate a policy file without starting anything (exit 0/1).
``whitewall policy show``: print the effective policy as JSON."""

import json
import sys

from django.core.management.base import BaseCommand

from whitewall.config.policy import PolicyError, get_policy, load_policy


class Command(BaseCommand):
    help = "Validate a policy file (check FILE) or print the effective policy (show)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate FILE; exit 0 when valid, 1 when not")
        check.add_argument("file")
        sub.add_parser("show", help="print the effective policy as JSON")

    def handle(self, *args, action, **options):
        if action == "show":
            self.stdout.write(json.dumps(get_policy().model_dump(mode="json"), indent=2, ensure_ascii=False))
            return
        try:
            load_policy(options["file"])
        except PolicyError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"{options['file']}: valid"))
