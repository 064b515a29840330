"""The one hook on catalog writes: a new catalog version, so no page is stale."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from catalog.cache import bump_catalog_version


def _bump(sender, **kwargs) -> None:
    # Now, so the editing request itself sees fresh pages, and again after
    # commit, so a page rendered by another process mid-transaction (with the
    # old data) is not kept under the version that follows the edit.
    bump_catalog_version()
    transaction.on_commit(bump_catalog_version)


def connect() -> None:
    from django.apps import apps

    for model in apps.get_app_config("catalog").get_models():
        if model.__name__.startswith("Historical") or model.__name__ == "PartnerKey":
            continue
        if model._meta.app_label == "catalog":
            post_save.connect(
                _bump, sender=model, dispatch_uid=f"bump-{model.__name__}-save"
            )
            post_delete.connect(
                _bump, sender=model, dispatch_uid=f"bump-{model.__name__}-delete"
            )


connect()
