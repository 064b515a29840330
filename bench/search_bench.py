#!/usr/bin/env python
"""Search time and SQL queries at 2,000 and 10,000 models, on PostgreSQL.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/versus \
    python bench/search_bench.py [--sizes 2000 10000] [--runs 30]

For each size it creates a throw-away database beside DATABASE_URL's (dropped
afterwards), migrates it, fills it with `manage.py generate_catalog`, then, in a
child process, calls catalog.search.search() in-process for a set of queries
(an exact name, a prefix, words, a typo, a vendor's name and a word for its
model, a provider's model id, a query that matches nothing) and prints the
median per query and overall, side by side for the sizes: the whole call, the
time PostgreSQL took to answer its queries, and this process's own CPU time
(normalising and ranking), with the number of queries each search ran. Between
runs the process keeps what it keeps between a reader's searches: the vendors,
providers and benchmarks of the catalog version. A last column times the first
search after a catalog edit, which reads them again. One more row searches for
NAMES different models' full names, each once, as `make bench` does: what the
process keeps from one search to the next helps those least, and more so the
larger the catalog.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Distinct models' names searched for once each (the last row).
NAMES = 300


def build(size: int, database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
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


def queries_for_catalog() -> dict[str, str]:
    """Queries shaped after what the catalog holds (generated names are random)."""
    from catalog.models import LLMModel, Offering

    model = LLMModel.objects.published().select_related("vendor").order_by("pk")[7]
    words = model.name.split()
    typo = model.name[:2] + model.name[3] + model.name[2] + model.name[4:]
    provider_id = (
        Offering.objects.exclude(provider_model_id="")
        .values_list("provider_model_id", flat=True)
        .first()
    )
    return {
        "exact name": model.name,
        "prefix": model.name[: max(3, len(model.name) // 2)],
        "words, any order": " ".join(reversed(words[1:])),
        "typo": typo,
        "vendor and a word": f"{model.vendor.name.split()[0]} {words[1]}",
        "provider's model id": provider_id or model.slug,
        "no match": "zzqx wobble",
    }


def measure(runs: int) -> dict:
    """Runs in the child process, against the database in the environment."""
    import django

    django.setup()
    from django.db import connection

    from catalog.cache import bump_catalog_version
    from catalog.search import search

    def timed(query: str) -> tuple[float, float, float, int]:
        """One search: wall ms, SQL ms, this process's CPU ms, queries."""
        waits = []

        def waited(execute, sql, params, many, context):
            # Timed here: the captured queries' times are rounded to 1 ms.
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                waits.append(time.perf_counter() - start)

        with connection.execute_wrapper(waited):
            start, start_cpu = time.perf_counter(), time.process_time()
            search(query, limit=20)
            ms = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - start_cpu) * 1000
        return ms, sum(waits) * 1000, cpu, len(waits)

    results = {}
    for label, query in queries_for_catalog().items():
        search(query, limit=20)  # warm the connection and PostgreSQL's buffers
        measured = [timed(query) for _ in range(runs)]
        after_edit = []
        for _ in range(max(5, runs // 3)):
            bump_catalog_version()
            after_edit.append(timed(query))
        results[label] = summary(query, measured, after_edit)
    results["full names, each once"] = names_once(timed, bump_catalog_version)
    return results


def names_once(timed, bump_catalog_version) -> dict:
    """NAMES models' full names, each searched for once, in a seeded order."""
    from catalog.models import LLMModel

    names = list(
        LLMModel.objects.published().order_by("pk").values_list("name", flat=True)
    )
    random.Random(42).shuffle(names)
    for name in names[NAMES : NAMES + 20]:
        timed(name + " warm")  # the connection, PostgreSQL's buffers
    runs = [timed(name) for name in names[:NAMES]]
    after_edit = []
    for name in names[NAMES + 20 : NAMES + 30]:
        bump_catalog_version()
        after_edit.append(timed(name))
    return summary(f"{len(runs)} names", runs, after_edit)


def summary(query: str, runs: list[tuple], after_edit: list[tuple]) -> dict:
    """Medians of timed() runs, and of the first searches after an edit."""
    return {
        "after_edit_ms": statistics.median(run[0] for run in after_edit),
        "after_edit_sql": after_edit[-1][3],
        "query": query,
        "ms": statistics.median(run[0] for run in runs),
        "sql_ms": statistics.median(run[1] for run in runs),
        "cpu": statistics.median(run[2] for run in runs),
        "sql": runs[-1][3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.runs)))
        return

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database: the target is PostgreSQL's."
        )
    from tests.databases import throwaway_postgres

    # Named after DATABASE_URL's database, so runs beside other work never clash.
    prefix = urllib.parse.urlsplit(base).path.strip("/") + "_bench"
    table = {}
    for size in args.sizes:
        with throwaway_postgres(base, prefix) as url:
            env = build(size, url)
            answer = subprocess.run(
                [sys.executable, __file__, "--child", "--runs", str(args.runs)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            table[size] = json.loads(answer.stdout.strip().splitlines()[-1])

    sizes = list(table)
    header = " | ".join(f"{s:,}: total / SQL / app CPU (ms)" for s in sizes)
    edits = " | ".join(f"{s:,}: after an edit (ms)" for s in sizes)
    print(f"| query | {header} | {edits} | SQL queries |")
    print("| --- | " + " | ".join("---:" for _ in sizes * 2) + " | ---: |")
    for label in table[sizes[0]]:
        cells = " | ".join(
            "{ms:.1f} / {sql_ms:.1f} / {cpu:.1f}".format(**table[s][label])
            for s in sizes
        )
        edited = " | ".join(f"{table[s][label]['after_edit_ms']:.1f}" for s in sizes)
        last = table[sizes[-1]][label]
        queries = f"{last['sql']} ({last['after_edit_sql']} after an edit)"
        print(f"| {label} | {cells} | {edited} | {queries} |")
    medians = " | ".join(
        " / ".join(
            f"{statistics.median(r[key] for r in table[s].values()):.1f}"
            for key in ("ms", "sql_ms", "cpu")
        )
        for s in sizes
    )
    edited = " | ".join(
        f"{statistics.median(r['after_edit_ms'] for r in table[s].values()):.1f}"
        for s in sizes
    )
    print(f"| median of the queries | {medians} | {edited} | |")


if __name__ == "__main__":
    main()
