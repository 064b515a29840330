"""The catalog version: one token in the shared cache that every edit replaces.

Rendered pages and API answers are cached under keys that include it, so an
edit anywhere is visible at once in every process, with no list of keys to
invalidate.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "catalog-version"


def catalog_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add() keeps the first writer's token if several processes race.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def bump_catalog_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version
