"""Give the "Editors" group what reviewing upstream data needs, and no more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
# Review and decide changes, start syncs and imports, link entries to models.
# Nothing here deletes: change sets and their rows are the record of decisions.
CODENAMES = (
    "view_changeset",
    "view_upstreamchange",
    "change_upstreamchange",
    "view_syncrun",
    "add_syncrun",
    "view_upstreamlink",
    "add_upstreamlink",
)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("upstream")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="upstream", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="upstream", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("upstream", "0001_initial"),
        ("catalog", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
