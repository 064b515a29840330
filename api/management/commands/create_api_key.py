"""Issue a partner API key from the command line; the key is the last line printed."""

from django.core.management.base import BaseCommand, CommandError

from api.models import PartnerKey
from api.policies import parse_rate

NAME_MESSAGE = "Give the partner's name, at most 50 characters."


class Command(BaseCommand):
    help = (
        "Create a partner API key and print it once (it is stored only as a hash). "
        "The key is the last line of the output, for scripts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "partner_name", help="Who the key is for, e.g. 'Acme Mirror'."
        )
        parser.add_argument(
            "--rate",
            default="",
            help="Requests allowed, e.g. '100/minute' (default: VERSUS_API_DEFAULT_RATE).",
        )

    def handle(self, *args, partner_name: str, rate: str, **options) -> None:
        name = partner_name.strip()
        if not name or len(name) > 50:
            raise CommandError(NAME_MESSAGE)
        rate = rate.strip()
        if rate:
            try:
                parse_rate(rate)
            except ValueError as error:
                raise CommandError(f"--rate: {error}") from None
        partner_key, key = PartnerKey.objects.create_key(name=name, rate=rate)
        self.stdout.write(
            f"Created a key for {name} (prefix {partner_key.prefix}, "
            f"rate {rate or 'site default'}). It is shown only now; keep it safe:"
        )
        self.stdout.write(key)
