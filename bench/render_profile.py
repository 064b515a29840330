"""Render time and queries per request with every cache off, for bench/load.py.

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set; prints one JSON line.
Each sample is a different pair or model, so nothing is reused between them.
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from catalog.models import LLMModel, PartnerKey  # noqa: E402

SAMPLES = 25
WARMUP = 3


def measure(client: Client, paths: list[str], **headers) -> dict:
    timings, queries, statuses = [], [], set()
    for index, path in enumerate(paths[: SAMPLES + WARMUP]):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, **headers)
            elapsed = (time.perf_counter() - started) * 1000
        statuses.add(response.status_code)
        if index >= WARMUP:
            timings.append(elapsed)
            queries.append(len(captured.captured_queries))
    return {
        "ms": statistics.median(timings),
        "queries": max(queries)
        if len(set(queries)) == 1
        else f"{min(queries)}-{max(queries)}",
        "status": sorted(statuses),
    }


def main() -> None:
    rng = random.Random(7)
    slugs = sorted(LLMModel.objects.published().values_list("slug", flat=True))
    pairs = []
    while len(pairs) < SAMPLES + WARMUP:
        a, b = sorted(rng.sample(slugs, 2))
        pairs.append(f"/compare/{a}-vs-{b}/")
    models = [
        f"/models/{slug}/"
        for slug in rng.sample(slugs, min(len(slugs), SAMPLES + WARMUP))
    ]
    _, key = PartnerKey.objects.create_key(name="render-profile", rate="100000000/hour")
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy):
        client = Client()
        results = {
            "pair page": measure(client, pairs),
            "model page": measure(client, models),
            "API model list": measure(
                client,
                # 20 items at both catalog sizes: the same answer, more rows behind it.
                ["/api/v1/models/?page_size=20"] * (SAMPLES + WARMUP),
                HTTP_AUTHORIZATION=f"Api-Key {key}",
            ),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
