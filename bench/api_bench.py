#!/usr/bin/env python
"""Requests per second and SQL queries of the partner API: list, detail, pair, export.

Usage: python bench/api_bench.py [--seconds 5] [--workers 2]

Builds a throw-away SQLite database with the demo catalog in a temporary
folder, issues a key, serves the app with gunicorn on a free loopback port and
hits each endpoint in a bounded loop (a number of seconds, at most 5,000
requests, one client with keep-alive). It does so twice: with answers kept in
the cache ("kept", the normal case between two catalog edits) and with a cache
that keeps nothing ("built", every answer computed, as right after an edit).
Queries per request are counted in this process with Django's test client on
the same database. Nothing outside 127.0.0.1 is contacted and the real
database is never touched.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "catalog" / "fixtures" / "demo-catalog.json"
MAX_REQUESTS = 5000
ENDPOINTS = [
    ("list (50 models)", "/api/v1/models/?page_size=50"),
    ("detail (model)", "/api/v1/models/gpt-4-1-mini/"),
    ("comparison (pair)", "/api/v1/comparisons/gpt-4-1-mini-vs-grok-4-20/"),
    ("export (catalog/1)", "/api/v1/export/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def wait_until_up(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start at {url}")


def throughput(
    session: requests.Session, url: str, seconds: float
) -> tuple[float, int]:
    count, size = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds and count < MAX_REQUESTS:
        response = session.get(url, timeout=30)
        response.raise_for_status()
        size = len(response.content)
        count += 1
    return count / (time.perf_counter() - start), size


def query_counts(env: dict, key: str) -> dict[str, tuple[int, int]]:
    """Queries per request (kept, built), counted in-process on the same database."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(context)

    counts = {}
    for label, path in ENDPOINTS:
        cache.clear()
        client.get("/api/v1/vendors/")  # the catalog version is in the cache
        built = count(path)
        kept = count(path)
        counts[label] = (kept, built)
    return counts


def serve_and_measure(env: dict, key: str, workers: int, seconds: float) -> list:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"{base}/api/v1/vendors/")
        session = requests.Session()
        session.headers["Authorization"] = f"Api-Key {key}"
        results = []
        for label, path in ENDPOINTS:
            session.get(base + path, timeout=30)  # warm up
            results.append((label, *throughput(session, base + path, seconds)))
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


NO_CACHE_SETTINGS = """from config.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="versus-api-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "VAR_DIR": tmp,
            "SECRET_KEY": "api-bench-only",
            "VERSUS_API_DEFAULT_RATE": "100000000/hour",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "import_catalog", str(DEMO))
        key = manage(env, "create_api_key", "Benchmark").strip().splitlines()[-1]

        kept = serve_and_measure(env, key, options.workers, options.seconds)
        Path(tmp, "api_bench_no_cache.py").write_text(NO_CACHE_SETTINGS)
        no_cache_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "api_bench_no_cache",
            "PYTHONPATH": os.pathsep.join([tmp, str(ROOT)]),
        }
        built = serve_and_measure(no_cache_env, key, options.workers, options.seconds)
        queries = query_counts(env, key)

    print(
        f"Partner API on gunicorn ({options.workers} workers, SQLite, local-memory "
        f"cache), demo catalog, one keep-alive client, {options.seconds:g} s each:\n"
    )
    print(
        "| endpoint | requests/s kept | requests/s built | queries kept | queries built | bytes |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for (label, kept_rate, size), (_, built_rate, _) in zip(kept, built, strict=True):
        kept_queries, built_queries = queries[label]
        print(
            f"| {label} | {kept_rate:.1f} | {built_rate:.1f} | {kept_queries} "
            f"| {built_queries} | {size} |"
        )


if __name__ == "__main__":
    main()
