"""The hooks on catalog writes: a new catalog version, and the change log.

The catalog version makes every cached page stale at once; the change log
(catalog/changes.py) tells partners what changed. Bulk writes send no
signals: their writers bump the version and record the changes themselves.
"""

from django.db import transaction
from django.db.models.signals import (
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)

from catalog import changes
from catalog.cache import bump_catalog_version

# Rows that are not the catalog itself: the change log's own.
NOT_CATALOG = ("ChangeLogEntry", "ChangeLogPruning")
# Catalog rows partners can see, directly or as part of another object. Rows of
# other apps that partners see (curated comparisons) are connected when those
# apps register them (catalog/extensions.py).
LOGGED = (
    "Vendor",
    "Provider",
    "Benchmark",
    "LLMModel",
    "Offering",
    "PriceTier",
    "PricePoint",
    "Score",
    "Review",
)


def _bump(sender, instance, raw: bool = False, **kwargs) -> None:
    # Now, so the editing request itself sees fresh pages, and again after
    # commit, so a page rendered by another process mid-transaction (with the
    # old data) is not kept under the version that follows the edit. loaddata
    # (raw) writes no change-log entry, so its bump says so; a write the log
    # left out as unseen (recorded just before this runs) says that.
    unseen = changes.is_unseen_write(instance)
    bump_catalog_version(logged=not raw, unseen=unseen)
    transaction.on_commit(lambda: bump_catalog_version(logged=not raw, unseen=unseen))


def _loaded(sender, instance, **kwargs) -> None:
    changes.remember_loaded(instance)


def _before_write(sender, **kwargs) -> None:
    # The log's lock before the row's: see catalog/changes.py, "Commit order".
    changes.serialize_writes()


def _saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # loaddata: a fixture is a starting catalog, not a change
    before = {} if created else changes.loaded_keys(instance)
    changes.objects_record([(instance, before)])
    changes.remember_loaded(instance)


def _deleting(sender, instance, origin=None, **kwargs) -> None:
    changes.serialize_writes()
    changes.object_deleted(instance, origin)


def connect() -> None:
    """Connect the receivers (called once, from CatalogConfig.ready())."""
    from django.apps import apps

    for model in apps.get_app_config("catalog").get_models():
        name = model.__name__
        if name.startswith("Historical") or name in NOT_CATALOG:
            continue
        connect_models([model], logged=name in LOGGED)


def connect_models(models, *, logged: bool) -> None:
    """Bump the catalog version on these models' writes; with `logged`, log them too."""
    for model in models:
        name = model._meta.label
        if logged:
            if changes.tracked_fields(model):
                post_init.connect(
                    _loaded, sender=model, dispatch_uid=f"log-{name}-init"
                )
            pre_save.connect(
                _before_write, sender=model, dispatch_uid=f"log-{name}-pre"
            )
            # Before the bump, which needs to know whether the log left it out.
            post_save.connect(_saved, sender=model, dispatch_uid=f"log-{name}-save")
            pre_delete.connect(
                _deleting, sender=model, dispatch_uid=f"log-{name}-delete"
            )
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-{name}-save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-{name}-delete")
