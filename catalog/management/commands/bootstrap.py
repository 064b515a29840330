"""First-run set-up for a local site: demo catalog and an admin account."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalog.models import LLMModel

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "demo-catalog.json"
ADMIN_USERNAME = "admin"
# Where `make run` serves the site.
LOCAL_SITE = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Load the demo catalog into an empty database and create the admin "
        "account on first run (its password is printed once)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-url",
            default="",
            help="Where the site is served, for the sign-in address printed "
            f"(default: SITE_URL, else {LOCAL_SITE}).",
        )

    def handle(self, *args, **options) -> None:
        site = (options["site_url"] or settings.SITE_URL or LOCAL_SITE).rstrip("/")
        sign_in = f"{site}/admin/"
        if LLMModel.objects.exists():
            self.stdout.write("Catalog already has models; demo data not loaded.")
        else:
            self.stdout.write(f"Loading the demo catalog from {DEMO_CATALOG.name}…")
            call_command("import_catalog", str(DEMO_CATALOG), stdout=self.stdout)

        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(f"An admin account exists; sign in at {sign_in}")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated the admin account (shown only this once):\n"
                f"  user:     {ADMIN_USERNAME}\n"
                f"  password: {password}\n"
                f"  sign in:  {sign_in}\n"
            )
        )
