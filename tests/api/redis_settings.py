"""Settings for a second process in tests/api/test_access.py: the tests' Redis cache."""

import os

from config.test_settings import *  # noqa: F403

CACHES = {
    alias: {
        "BACKEND": "core.cache_backends.ResilientRedisCache",
        "LOCATION": os.environ["TEST_REDIS_URL"],
        "KEY_PREFIX": os.environ["TEST_REDIS_PREFIX"],
    }
    for alias in ("default", "counters")
}
