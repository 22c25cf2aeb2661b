from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from whitewall.core.demo import demo_password, seeders


class Command(BaseCommand):
    help = "Fill an empty database with the demo organisation (does nothing when users exist)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="seed even when users already exist")

    def handle(self, *args, force=False, **options):
        if get_user_model().objects.exists() and not force:
            self.stdout.write("Demo data: the database already has users; nothing changed.")
            return
        password = demo_password()
        with transaction.atomic():
            for seeder in seeders():
                summary = seeder.run()
                self.stdout.write(f"Demo data: {seeder.key}: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo account's password: {password}"))
