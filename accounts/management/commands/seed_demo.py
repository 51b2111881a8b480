import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import seed_users
from core.hooks import app_modules
from core.models import AccessLog
from core.services import access_log_record

DEFAULT_PASSWORD = "caseworks-demo"


class Command(BaseCommand):
    help = "Create one demo user per role and a small realistic office. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password for new demo users (default '{DEFAULT_PASSWORD}', only with DEBUG on)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the demo office")

    def handle(self, *args, password, seed, **options):
        if password is None:
            if not settings.DEBUG:
                raise CommandError("DEBUG is off: give --password explicitly for the demo users.")
            password = DEFAULT_PASSWORD
        rng = random.Random(seed)
        with transaction.atomic():
            users = seed_users(password=password)
            for _app, module in app_modules("demo"):
                hook = getattr(module, "seed", None)
                if hook is not None:
                    hook(users=users, rng=rng, stdout=self.stdout)
        access_log_record(kind=AccessLog.Kind.ADMIN_COMMAND, username="manage.py", detail={"command": "seed_demo"})
        self.stdout.write(self.style.SUCCESS(f"Demo office ready: users {', '.join(sorted(users))}."))
