"""Search: pg_trgm and the GIN indexes catalog/search.py queries (PostgreSQL only).

The indexed expressions must stay exactly as catalog/search.py writes them in its
queries, or PostgreSQL will not use the indexes. SQLite searches without them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = (
    (
        "catalog_model_search_document",
        'CREATE INDEX IF NOT EXISTS "catalog_model_search_document" '
        'ON "catalog_llmmodel" USING gin ('
        "to_tsvector('simple'::regconfig, regexp_replace(lower("
        "\"name\" || ' ' || \"slug\"), '[^[:alnum:]]+', ' ', 'g')))",
    ),
    (
        "catalog_model_name_trigram",
        'CREATE INDEX IF NOT EXISTS "catalog_model_name_trigram" '
        'ON "catalog_llmmodel" USING gin ("name" gin_trgm_ops)',
    ),
    (
        "catalog_offering_model_id_trigram",
        'CREATE INDEX IF NOT EXISTS "catalog_offering_model_id_trigram" '
        'ON "catalog_offering" USING gin ("provider_model_id" gin_trgm_ops)',
    ),
)


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_change_log")]

    operations = [
        # Does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
