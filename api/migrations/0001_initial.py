"""PartnerKey moves here from the catalog app: same table, same rows, same rights.

Only Django's state moves (the table keeps its name, `catalog_partnerkey`); the
content type is relabelled so that admin log entries and permissions follow.
catalog 0013 then drops the model from the catalog's state.
"""

from django.db import migrations, models

from catalog.moves import content_types_move

forwards, backwards = content_types_move(
    models=("partnerkey",), old_label="catalog", new_label="api"
)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0012_price_change_moments"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PartnerKey",
                    fields=[
                        ("id", models.CharField(editable=False, max_length=150, primary_key=True, serialize=False, unique=True)),
                        ("prefix", models.CharField(editable=False, max_length=8, unique=True)),
                        ("hashed_key", models.CharField(editable=False, max_length=150)),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("name", models.CharField(default=None, help_text="A free-form name for the API key. Need not be unique. 50 characters max.", max_length=50)),
                        ("revoked", models.BooleanField(blank=True, default=False, help_text="If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)")),
                        ("expiry_date", models.DateTimeField(blank=True, help_text="Once API key expires, clients cannot use it anymore.", null=True, verbose_name="Expires")),
                        ("rate", models.CharField(blank=True, help_text="Requests allowed, e.g. '1000/hour'. Empty uses the site default.", max_length=30)),
                    ],
                    options={
                        "verbose_name": "partner API key",
                        "verbose_name_plural": "partner API keys",
                        "ordering": ("-created",),
                        "abstract": False,
                        "db_table": "catalog_partnerkey",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
