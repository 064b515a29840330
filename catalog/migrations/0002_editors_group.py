"""Create the "Editors" group: catalog content, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
# Catalog content editors keep day to day. Partner keys, users and groups are
# deliberately absent: those rights are given person by person.
CONTENT_MODELS = (
    "vendor",
    "provider",
    "benchmark",
    "llmmodel",
    "offering",
    "pricetier",
    "pricepoint",
    "score",
    "review",
    "comparison",
    "comparisonfaq",
)
HISTORY_MODELS = (
    "historicalvendor",
    "historicalprovider",
    "historicalbenchmark",
    "historicalllmmodel",
    "historicaloffering",
    "historicalscore",
    "historicalreview",
    "historicalcomparison",
)


def create_editors(apps, schema_editor):
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}"
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    ] + [f"view_{model}" for model in HISTORY_MODELS]
    permissions = Permission.objects.filter(
        content_type__app_label="catalog", codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
