#!/usr/bin/env python
"""Pair-page (and model-page) render time and SQL queries at 20 and 1,000 models.

Usage: python bench/pair_page_bench.py [--sizes 20 1000] [--renders 30]

For each size it builds a throw-away SQLite database in a temporary folder with
`manage.py generate_catalog`, then renders the pages in a child process with
Django's test client: every render starts from an empty cache (a cold render,
the cost after each catalog edit), and one more request shows a cached hit.
Prints medians side by side. The real database is never touched.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(size: int, folder: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "VAR_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "REDIS_URL": "",
    }
    for args in (
        ["migrate", "--no-input"],
        ["generate_catalog", "--models", str(size)],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return env


def measure(renders: int) -> dict:
    """Runs in the child process, against the database in the environment."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.models import LLMModel
    from comparisons.services import pair_slug

    slugs = sorted(
        LLMModel.objects.published()
        .filter(offerings__isnull=False)
        .values_list("slug", flat=True)
        .distinct()
    )
    first, second = slugs[0], slugs[len(slugs) // 2]
    pages = {
        "pair": f"/compare/{pair_slug(first, second)}/",
        "model": f"/models/{first}/",
    }
    client = Client()
    results = {}
    for name, url in pages.items():
        times, queries = [], 0
        for _ in range(renders):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        hits = []
        for _ in range(renders):
            start = time.perf_counter()
            client.get(url)
            hits.append((time.perf_counter() - start) * 1000)
        hit = statistics.median(hits)
        results[name] = {
            "render_ms": statistics.median(times),
            "queries": queries,
            "hit_ms": hit,
            "bytes": len(response.content),
        }
    results["models"] = LLMModel.objects.count()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 1000])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.renders)))
        return

    columns = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="versus-bench-") as folder:
            env = build(size, Path(folder))
            output = subprocess.run(
                [sys.executable, __file__, "--child", "--renders", str(args.renders)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            columns[size] = json.loads(output.strip().splitlines()[-1])

    header = f"{'':34}" + "".join(f"{f'{size:,} models':>16}" for size in args.sizes)
    print(header)
    rows = [
        ("pair page: cold render (ms)", "pair", "render_ms", "{:.1f}"),
        ("pair page: queries", "pair", "queries", "{}"),
        ("pair page: cached hit, median (ms)", "pair", "hit_ms", "{:.2f}"),
        ("pair page: HTML (bytes)", "pair", "bytes", "{:,}"),
        ("model page: cold render (ms)", "model", "render_ms", "{:.1f}"),
        ("model page: queries", "model", "queries", "{}"),
    ]
    for label, page, key, fmt in rows:
        cells = "".join(
            f"{fmt.format(columns[size][page][key]):>16}" for size in args.sizes
        )
        print(f"{label:34}{cells}")
    print(f"(median of {args.renders} cold renders, SQLite, one process)")


if __name__ == "__main__":
    main()
