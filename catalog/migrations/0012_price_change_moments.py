import datetime as dt

from django.db import migrations, models


def fill_moments(apps, schema_editor):
    """Entries recorded on their own last day keep that moment; older history, the
    end of its last day (never the moment it was imported)."""
    PricePoint = apps.get_model("catalog", "PricePoint")
    now = dt.datetime.now(dt.UTC)
    for point in PricePoint.objects.all().iterator():
        created = point.created_at.astimezone(dt.UTC)
        if created.date() == point.until:
            point.changed_at = created
        else:
            end = dt.datetime.combine(point.until, dt.time.max, tzinfo=dt.UTC)
            point.changed_at = min(end, now)
        point.save(update_fields=["changed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_curated_text_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="pricepoint",
            name="changed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill_moments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="pricepoint",
            name="changed_at",
            field=models.DateTimeField(
                db_index=True,
                help_text="When it was replaced: the moment of the edit, or the "
                "end of its last day for history imported with a date only.",
            ),
        ),
        migrations.AlterModelOptions(
            name="pricepoint",
            options={
                "ordering": ("offering", "changed_at", "id"),
                "verbose_name": "earlier price",
            },
        ),
    ]
