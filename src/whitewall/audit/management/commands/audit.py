"""``whitewall audit verify | checkpoint | policy-sync``."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from whitewall.audit.services import policy_sync, verify_chain, write_checkpoint


class Command(BaseCommand):
    help = "The audit trail: verify the chain, write a signed checkpoint, or record a changed policy file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser(
            "verify",
            help="walk the chain; exit 1 naming the first bad event if anything was changed, deleted, "
            "inserted, reordered or cut off after the latest checkpoint",
        )
        verify.add_argument("--json", action="store_true", help="print the result as JSON")
        verify.add_argument(
            "--no-checkpoints", action="store_true", help="check the chain only, not the checkpoint file"
        )
        sub.add_parser("checkpoint", help="append a signed checkpoint (latest seq, hash, count)")
        sub.add_parser("policy-sync", help="record a policy change if the policy file differs")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            return self.verify(as_json=options["json"], checkpoints=not options["no_checkpoints"])
        if subcommand == "checkpoint":
            mark = write_checkpoint()
            self.stdout.write(f"checkpoint: #{mark.seq} {mark.hash} ({mark.count} events) at {mark.time}")
            return None
        event = policy_sync()
        if event is None:
            self.stdout.write("policy file unchanged since the last recorded policy change")
        else:
            self.stdout.write(f"policy change recorded as event #{event.seq}")
        return None

    def verify(self, *, as_json: bool, checkpoints: bool):
        result = verify_chain(checkpoints=checkpoints)
        if as_json:
            data = result.as_dict()
            data.pop("summary")
            self.stdout.write(json.dumps(data, indent=2))
        else:
            for problem in result.problems:
                self.stderr.write(f"event #{problem.seq}: {problem.kind}: {problem.message}")
            self.stdout.write(f"{result.summary()} [{result.seconds:.2f} s]")
        if not result.ok:
            raise CommandError(f"first bad event: #{result.first_bad_seq}", returncode=1)
