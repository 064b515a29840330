"""Search: the full-text GIN indexes take each write at once (PostgreSQL only).

By default a GIN index keeps new entries in a pending list until VACUUM or the
list's size limit merges them, and every search reads that whole list. After a
bulk load (generate_catalog, an import, a sync) of thousands of models, search
read thousands of pending entries per query until autovacuum ran. Catalog
writes are few and small, so paying for them at write time costs nothing.
"""

from django.db import migrations

GIN_INDEXES = ("catalog_model_search_document", "catalog_offering_model_id_document")


def _fastupdate(schema_editor, enabled: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    setting = "on" if enabled else "off"
    for name in GIN_INDEXES:
        schema_editor.execute(f'ALTER INDEX "{name}" SET (fastupdate = {setting})')
        if not enabled:
            # Merge what is pending now: turning the list off does not empty it.
            schema_editor.execute(
                f"SELECT gin_clean_pending_list('\"{name}\"'::regclass)"
            )


def forwards(apps, schema_editor) -> None:
    _fastupdate(schema_editor, enabled=False)


def backwards(apps, schema_editor) -> None:
    _fastupdate(schema_editor, enabled=True)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_partnerkey_moved_to_api")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
