"""The partner API's own table: the keys partners authenticate with."""

from django.db import models
from rest_framework_api_key.models import AbstractAPIKey


class PartnerKey(AbstractAPIKey):
    """A partner's key to the read-only API, stored hashed."""

    rate = models.CharField(
        max_length=30,
        blank=True,
        help_text="Requests allowed, e.g. '1000/hour'. Empty uses the site default.",
    )

    class Meta(AbstractAPIKey.Meta):
        # The table the catalog app created before keys moved here; its rows,
        # and every key handed out, stay where they are.
        db_table = "catalog_partnerkey"
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"
