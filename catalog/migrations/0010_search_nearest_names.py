"""Search: GiST trigram indexes, so the closest names come from an index scan.

Providers' model ids get a full-text index instead of a trigram one.

GIN answers "similar above a threshold" by checking every row that shares a
trigram, which at 10,000 models cost more than the whole search may; GiST also
answers "the nearest N by trigram distance" (ORDER BY name <-> query LIMIT N)
by walking the index. catalog/search.py asks that. PostgreSQL only.
"""

from django.db import migrations

DROPPED = (
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
NEAREST = tuple(
    (
        f"{table}_{column}_nearest",
        f'CREATE INDEX IF NOT EXISTS "{table}_{column}_nearest" '
        f'ON "{table}" USING gist ("{column}" gist_trgm_ops)',
    )
    for table, column in (
        ("catalog_llmmodel", "name"),
        ("catalog_vendor", "name"),
        ("catalog_provider", "name"),
        ("catalog_benchmark", "name"),
    )
) + (
    # Providers' model ids are found by their words (full-text prefix matches),
    # as typed ids are copied rather than misspelt.
    (
        "catalog_offering_model_id_document",
        'CREATE INDEX IF NOT EXISTS "catalog_offering_model_id_document" '
        'ON "catalog_offering" USING gin (to_tsvector(\'simple\'::regconfig, '
        "regexp_replace(lower(\"provider_model_id\"), '[^[:alnum:]]+', ' ', 'g')))",
    ),
)


def _swap(schema_editor, drop, create) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in drop:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for _name, sql in create:
        schema_editor.execute(sql)


def forwards(apps, schema_editor) -> None:
    _swap(schema_editor, DROPPED, NEAREST)


def backwards(apps, schema_editor) -> None:
    _swap(schema_editor, NEAREST, DROPPED)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_vendor_provider_shared_help_texts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
