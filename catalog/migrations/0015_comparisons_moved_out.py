"""Curated comparisons now belong to the comparisons app (comparisons 0001):
drop them from this app's state. The database is not touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0014_search_indexes_written_through"),
        ("comparisons", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ComparisonFAQ"),
                migrations.DeleteModel(name="HistoricalComparison"),
                migrations.DeleteModel(name="Comparison"),
            ],
            database_operations=[],
        ),
    ]
