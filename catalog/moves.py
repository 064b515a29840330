"""Moving a model out of the catalog app without touching its rows.

A model that moves keeps its table (its new home names the old table in
`db_table`); the migrations only change which app Django files it under. What
Django stores about a model by app label is its content type, which admin log
entries, permissions (and so the Editors group's rights) and revision history
point at by id. Relabelling that one row carries all of them along.
"""

from collections.abc import Callable, Iterable

# RunPython's signature: the historical apps registry and the schema editor.
MigrationStep = Callable[[object, object], None]


def content_types_relabel(
    apps, *, models: Iterable[str], old_label: str, new_label: str
) -> None:
    """File each named model's content type under `new_label` instead of `old_label`.

    A row already filed under the new label (left by a `migrate` that ran its
    post-migrate step between a move backwards and forwards again) carries no
    editor's rights or history of its own, so it gives way to the old row.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        moving = ContentType.objects.filter(app_label=old_label, model=model).first()
        if moving is None:
            continue  # never created (a database that never ran post-migrate)
        ContentType.objects.filter(app_label=new_label, model=model).delete()
        moving.app_label = new_label
        moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def content_types_move(
    *, models: Iterable[str], old_label: str, new_label: str
) -> tuple[MigrationStep, MigrationStep]:
    """The forward and backward steps of a RunPython that relabels `models`."""
    names = tuple(models)

    def forwards(apps, schema_editor) -> None:
        content_types_relabel(
            apps, models=names, old_label=old_label, new_label=new_label
        )

    def backwards(apps, schema_editor) -> None:
        content_types_relabel(
            apps, models=names, old_label=new_label, new_label=old_label
        )

    return forwards, backwards
