#!/usr/bin/env python
"""A page of 200 changes of the feed beside a page of 200 models of the list.

Usage: python bench/changes_bench.py [--models 300] [--rounds 30]

Runs on whatever DATABASE_URL names, in a throw-away test database beside it
(`test_<name>` on PostgreSQL, in memory on SQLite), so the real data is never
touched. Builds a catalog with generate_catalog, notes the log's position, then
changes the checked date of one offering in each of 200 published models (one
log entry each) and answers, in turns, GET /api/v1/changes/ with page_size=200
from that position, GET /api/v1/models/?page_size=200 and GET /api/v1/export/,
all built every time (a cache that keeps nothing). Prints the median time, the
SQL queries and the size of each answer, and the ratios of the times. A change
is answered with its whole model as the export writes it (offerings, tiers,
price history, scores, reviews), a list row with a summary: the export is the
like-for-like figure, the list the cheapest page of the same size.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGE = 200
# Answers are not kept; the rate counters (a cache of their own) still count.
NO_CACHE = {
    **settings.CACHES,
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def changed_catalog(models: int) -> tuple[Client, str]:
    """A catalog with 200 changes after the returned cursor, and a keyed client."""
    from api.models import PartnerKey
    from catalog import changes
    from catalog.models import LLMModel, Offering

    call_command("generate_catalog", models=models, seed=7, verbosity=0)
    _, key = PartnerKey.objects.create_key(name="Benchmark", rate="100000000/hour")
    cursor = changes.cursor_text(changes.current_position())
    published = LLMModel.objects.published().filter(offerings__isnull=False)
    chosen = list(published.distinct().order_by("slug")[:PAGE])
    if len(chosen) < PAGE:
        sys.exit(f"only {len(chosen)} published models with offerings; raise --models")
    for model in chosen:
        offering = Offering.objects.filter(model=model).order_by("pk").first()
        offering.checked_on = (offering.checked_on or dt.date(2026, 1, 1)) + (
            dt.timedelta(days=1)
        )
        offering.save()
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}"), cursor


def measure(client: Client, path: str) -> tuple[float, int, int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, content[:500]
    return elapsed, len(queries), len(content), content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=300, help="catalog size")
    parser.add_argument("--rounds", type=int, default=30, help="requests of each")
    options = parser.parse_args()

    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with override_settings(CACHES=NO_CACHE):
            client, cursor = changed_catalog(options.models)
            paths = {
                f"changes, a page of {PAGE}": (
                    f"/api/v1/changes/?after={cursor}&page_size={PAGE}"
                ),
                f"models list, a page of {PAGE}": f"/api/v1/models/?page_size={PAGE}",
                f"export, all {options.models} models": "/api/v1/export/",
            }
            feed_page = json.loads(measure(client, paths[next(iter(paths))])[3])
            assert len(feed_page["results"]) == PAGE, len(feed_page["results"])
            times: dict[str, list[float]] = {label: [] for label in paths}
            facts: dict[str, tuple[int, int]] = {}
            for _ in range(options.rounds):
                # In turns, so both meet the same background load.
                for label, path in paths.items():
                    elapsed, queries, size, _ = measure(client, path)
                    times[label].append(elapsed)
                    facts[label] = (queries, size)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)

    print(
        f"Partner API in one process on {connection.vendor}, {options.models} "
        f"generated models, answers built every time, {options.rounds} rounds:\n"
    )
    print("| answer | ms (median) | queries | bytes |")
    print("| --- | ---: | ---: | ---: |")
    medians = {}
    for label in paths:
        medians[label] = statistics.median(times[label]) * 1000
        queries, size = facts[label]
        print(f"| {label} | {medians[label]:.1f} | {queries} | {size:,} |")
    feed, listing, export = medians.values()
    print(f"\nchanges page / models page, time: {feed / listing:.2f}")
    print(f"changes page / export, time: {feed / export:.2f}")


if __name__ == "__main__":
    main()
