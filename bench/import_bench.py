#!/usr/bin/env python
"""Time import_catalog on the full models.dev file: into an empty database, then again.

Usage: python bench/import_bench.py [API_JSON]  (or `make bench-import`)

Runs on whatever DATABASE_URL names, in a throw-away test database beside it
(`test_<name>` on PostgreSQL, in memory on SQLite), so the real data is never
touched. Prints wall time, this process's CPU time and the number of SQL
statements for each run.
"""

import io
import os
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

from catalog.importing import count_rows  # noqa: E402


class QueryCounter:
    """A connection execute wrapper that counts statements sent to the database."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run(source: Path) -> list[tuple[str, float, float, int, str]]:
    results = []
    for label in ("first import (empty database)", "re-import (nothing changes)"):
        counter = QueryCounter()
        out = io.StringIO()
        with connection.execute_wrapper(counter):
            start, cpu = time.perf_counter(), time.process_time()
            call_command("import_catalog", str(source), stdout=out)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        summary = out.getvalue().strip().splitlines()[-1]
        results.append((label, elapsed, cpu, counter.count, summary))
    return results


def main() -> None:
    default = (
        Path(settings.BASE_DIR) / "catalog" / "fixtures" / "models-dev" / "api.json.gz"
    )
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not source.is_file():
        sys.exit(
            f"No models.dev file at {source}; pass the path to api.json or api.json.gz."
        )

    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        results = run(source)
        rows = count_rows()
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)

    print(
        f"import_catalog {source.name} on {connection.vendor} ({source.stat().st_size:,} bytes)"
    )
    # Python CPU time too: on a busy machine wall time mostly measures the neighbours.
    print(f"{'run':<32}{'seconds':>9}{'cpu s':>9}{'queries':>9}")
    for label, elapsed, cpu, queries, _ in results:
        print(f"{label:<32}{elapsed:>9.2f}{cpu:>9.2f}{queries:>9,}")
    for label, *_, summary in results:
        print(f"  {label}: {summary}")
    print(
        "rows: "
        + ", ".join(f"{kind} {number:,}" for kind, number in rows.items() if number)
    )


if __name__ == "__main__":
    main()
