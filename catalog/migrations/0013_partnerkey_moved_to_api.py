"""PartnerKey now belongs to the api app (api 0001): drop it from this app's state.

Nothing happens to the database: the table stays, now named by api.PartnerKey.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0012_price_change_moments"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PartnerKey")],
            database_operations=[],
        ),
    ]
