"""``manage.py seed_demo``: the demo data (see ``demo.seeder``). Safe to run again;
``--if-empty`` (used by ``make run``) does nothing when any user exists."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from core.models import User
from demo.reference import DEMO_PASSWORD
from demo.seeder import Seeder, demo_logins


class Command(BaseCommand):
    help = (
        "Create demo data: programmes, consent texts, departments, businesses, demo logins "
        f"(password {DEMO_PASSWORD}) and proposals in every state. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any user exists (used by `make run`).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("users already exist: demo data not seeded (--if-empty)")
            return
        started = time.monotonic()
        # The demo's e-mails (receipts, status changes, referrals) go to made-up addresses:
        # they are recorded in the outbox but never handed to a real mail server.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            Seeder(self).run()
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")
        logins = ", ".join(f"{email} ({role})" for email, role in demo_logins())
        self.stdout.write(f"demo logins (password {DEMO_PASSWORD}): {logins}")
