#!/usr/bin/env python
"""Time sync_upstream on the full models.dev aggregate, and on half of it, side by side.

Usage: python bench/sync_bench.py

For each catalog size (the whole aggregate, then its first half of providers), in a
throw-away test database beside DATABASE_URL (in memory on SQLite): import the
data, run a first sync (it links every entry), then time
  - a sync of the unchanged data (a catalog already at it), and
  - a sync with 500 price changes (applied by the default policy).
Prints seconds, CPU seconds and SQL statements for each, and the ratio of the two
sizes: the no-change sync's query count must not grow with the number of models.
"""

import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from catalog.importing import catalog_import  # noqa: E402
from catalog.models import LLMModel  # noqa: E402
from upstream.models import SyncRun  # noqa: E402
from upstream.services import run_start, sync_execute  # noqa: E402

SOURCE = ROOT / "catalog" / "fixtures" / "models-dev" / "api.json.gz"
PRICE_CHANGES = 500


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_sync(path: Path) -> tuple[float, float, int, SyncRun]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start, cpu = time.perf_counter(), time.process_time()
        run = run_start(source=str(path))
        sync_execute(run)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    return elapsed, cpu, counter.count, run


def with_price_changes(api: dict, count: int) -> dict:
    """The same data with `count` offerings' input price raised by a tenth."""
    changed = json.loads(json.dumps(api))
    done = 0
    for provider in sorted(changed):
        for model_id in sorted(changed[provider]["models"]):
            cost = changed[provider]["models"][model_id].get("cost") or {}
            if isinstance(cost.get("input"), (int, float)) and cost["input"] > 0:
                cost["input"] = round(cost["input"] * 1.1 + 0.01, 4)
                done += 1
                if done == count:
                    return changed
    return changed


def measure(api: dict, folder: Path, label: str) -> dict:
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        catalog_import(document=api)
        unchanged = folder / f"{label}-api.json"
        unchanged.write_text(json.dumps(api))
        timed_sync(unchanged)  # the first sync links every entry
        models = LLMModel.objects.count()
        same = timed_sync(unchanged)
        prices = folder / f"{label}-prices.json"
        prices.write_text(json.dumps(with_price_changes(api, PRICE_CHANGES)))
        changes = timed_sync(prices)
        applied = changes[3].counts["applied"].get("price", 0)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    return {"models": models, "same": same, "prices": changes, "applied": applied}


def main() -> None:
    api = json.loads(gzip.decompress(SOURCE.read_bytes()))
    providers = sorted(api)
    half = {p: api[p] for p in providers[: len(providers) // 2]}
    with tempfile.TemporaryDirectory() as folder:
        full = measure(api, Path(folder), "full")
        small = measure(half, Path(folder), "half")
    print(f"sync_upstream on {connection.vendor}, models.dev aggregate ({SOURCE.name})")
    print(f"{'run':<44}{'models':>8}{'seconds':>9}{'cpu s':>8}{'queries':>9}")
    for name, result in (("full", full), ("half", small)):
        for key, what in (
            ("same", "no change"),
            ("prices", f"{PRICE_CHANGES} price changes ({result['applied']} applied)"),
        ):
            seconds, cpu, queries, _ = result[key]
            print(
                f"{name + ': ' + what:<44}{result['models']:>8}"
                f"{seconds:>9.2f}{cpu:>8.2f}{queries:>9}"
            )
    ratio = full["same"][2] / small["same"][2]
    print(
        f"no-change queries, full / half catalog: {ratio:.2f} "
        f"({full['models'] / small['models']:.2f}x the models)"
    )


if __name__ == "__main__":
    main()
