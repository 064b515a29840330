"""Render time and queries per request at one catalog size, for bench/load.py.

Run with the production settings and DATABASE_URL set; prints one JSON line
with two measurements of the pair page, model page and API model list:

- "steady": a page-cache miss once this process holds the catalog version's
  data (models' facts, related-pairs index), i.e. what a crawler asking for a
  page nobody asked for yet costs. The whole-page caches are bypassed (they
  keep nothing); every other cache is a real local-memory cache, warmed by
  rendering pages that touch every sampled model first.
- "cold": the first render after a catalog edit. Before each sample one model's
  description is changed and saved, as an editor would in the admin: the
  catalog version moves on and the process takes the edit into what it holds.

Steady figures are also taken for the sitemap's first pairs section, the model
list, search and the API model list (one address each, rendered again and again
with the whole-page caches bypassed), and the sitemap section's first render
after an edit too. The line ends with this process's
resident memory after all of it, in MB.

Each steady sample is a pair or model not rendered before in this process, and
each is checked to have been rendered (status 200, and the page offered to a
bypassed page cache, which happens only after a render) rather than served
from a cache.

Every figure is given twice: "ms", the median wall time, and "cpu_ms", the
median CPU time of this process alone (PostgreSQL's share is left out). On a
machine shared with other work the CPU time moves far less than the wall time,
so ratios between catalog sizes are best read from it. A garbage collection
runs before each sample, outside the timing, so that no sample pays for the
garbage of the ones before it.
"""

import gc
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.core.cache.backends.dummy import DummyCache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

import api.base  # noqa: E402
import core.page_cache  # noqa: E402
import core.view_cache  # noqa: E402
from api.models import PartnerKey  # noqa: E402
from catalog.models import LLMModel  # noqa: E402

SAMPLES = 25
# The first pair page after an edit carries two targets: more samples, steadier medians.
COLD_PAIR_SAMPLES = 60
SITEMAP_COLD_SAMPLES = 5
# The API list is one path at both sizes, so it can afford more samples (less noise).
API_SAMPLES = 100
# Model pages rendered before timing (templates compiled, imports done); never timed.
WARMUP_PAGES = 2
LOCAL_MEMORY = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "render-profile",
        "TIMEOUT": 60 * 60 * 24,
    },
    # Rate-limit and view counters (core/counters.py) have their own alias.
    "counters": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "render-profile-counters",
    },
}


class NeverStores(DummyCache):
    """A shared cache that keeps nothing and counts what it was offered."""

    def __init__(self) -> None:
        super().__init__("never-stores", {})
        self.offered = 0

    def set(self, key, value, timeout=None, version=None) -> None:
        self.offered += 1


class NoLocalPages:
    """Stands in for core.page_cache.local_pages: never serves, never keeps."""

    def __init__(self) -> None:
        self.offered = 0

    def get(self, version: str, path: str) -> None:
        return None

    def put(self, version: str, path: str, entry: tuple) -> None:
        self.offered += 1


# The whole-page caches only: core.view_cache.cached_page (shared cache),
# core.page_cache.PageCacheMiddleware (process memory) and the API's kept
# answers (api.base, shared cache). Both modules read these names at
# call time, so replacing them here bypasses the caches without touching the app.
PAGE_CACHES = {
    "cached_page": (core.view_cache, "cache", NeverStores()),
    "api answers": (api.base, "cache", NeverStores()),
    "PageCacheMiddleware": (core.page_cache, "local_pages", NoLocalPages()),
}


def offered_stores() -> int:
    return sum(stand_in.offered for _, _, stand_in in PAGE_CACHES.values())


def bypass_page_caches() -> None:
    for module, name, stand_in in PAGE_CACHES.values():
        setattr(module, name, stand_in)


def render(
    client: Client, path: str, headers: dict[str, str], checked: bool = True
) -> tuple[float, float, int]:
    """Wall and CPU milliseconds and queries for one request, which must have
    been rendered.

    checked=False for pages no whole-page cache keeps (search, say): nothing
    is offered to one, and nothing but rendering can answer them.
    """
    offered = offered_stores()
    gc.collect()
    with CaptureQueriesContext(connection) as captured:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers)
        cpu = (time.process_time() - cpu_started) * 1000
        elapsed = (time.perf_counter() - started) * 1000
    queries = len(captured.captured_queries)
    if response.status_code != 200:
        sys.exit(f"{path}: HTTP {response.status_code}")
    # The page caches offer a page to store only after rendering it; a page
    # served from a cache offers none. (Queries prove nothing: a pair page
    # whose models' data is in memory may run none.)
    if checked and offered_stores() == offered:
        sys.exit(f"{path} was not rendered (queries: {queries}): a cache answered")
    return elapsed, cpu, queries


def measure(
    client: Client,
    paths: list[str],
    headers: dict[str, str],
    before_each: Callable[[], object] | None = None,
    checked: bool = True,
) -> dict:
    timings, cpu_timings, queries = [], [], []
    for path in paths:
        if before_each is not None:
            before_each()
        elapsed, cpu, count = render(client, path, headers, checked)
        timings.append(elapsed)
        cpu_timings.append(cpu)
        queries.append(count)
    return {
        "ms": statistics.median(timings),
        "cpu_ms": statistics.median(cpu_timings),
        "queries": queries[0]
        if len(set(queries)) == 1
        else f"{min(queries)}-{max(queries)}",
        "samples": len(paths),
        "status": [200],
    }


def pair_path(pair: tuple[str, str]) -> str:
    return f"/compare/{pair[0]}-vs-{pair[1]}/"


def choose_pairs(
    rng: random.Random, slugs: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """Paths of the timed pairs (steady, cold) and warm-up pairs, all different.

    The warm-up renders every model of the steady pairs once with another
    partner, so its facts are in this process before its pair is timed.
    """
    wanted = min(SAMPLES + COLD_PAIR_SAMPLES, len(slugs) * (len(slugs) - 1) // 4)
    timed: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    while len(timed) < wanted:
        pair = tuple(sorted(rng.sample(slugs, 2)))
        if pair not in seen:
            seen.add(pair)
            timed.append(pair)
    steady, cold = timed[:SAMPLES], timed[SAMPLES:]
    used = set(timed)
    warmup = []
    for slug in sorted({slug for pair in steady for slug in pair}):
        partners = [other for other in slugs if other != slug]
        rng.shuffle(partners)
        pair = next(
            p for p in (tuple(sorted((slug, o))) for o in partners) if p not in used
        )
        used.add(pair)
        warmup.append(pair)
    return (
        [pair_path(p) for p in steady],
        [pair_path(p) for p in cold],
        [pair_path(p) for p in warmup],
    )


class Editor:
    """Saves one model's description at a time, round the catalog, as the admin would."""

    def __init__(self, slugs: list[str]) -> None:
        self.slugs = slugs
        self.turn = 0

    def __call__(self) -> None:
        slug = self.slugs[self.turn % len(self.slugs)]
        self.turn += 1
        model = LLMModel.objects.get(slug=slug)
        model.description = f"{model.description.rstrip()}\n\nRevised {self.turn}."
        model.save()


def first_pairs_section(client: Client) -> str:
    body = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    pairs = [urlsplit(loc) for loc in locations if "pair" in loc]
    if not pairs:
        sys.exit("the sitemap index names no pairs section")
    return pairs[0].path + (f"?{pairs[0].query}" if pairs[0].query else "")


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    rng = random.Random(7)
    slugs = sorted(LLMModel.objects.published().values_list("slug", flat=True))
    steady_pairs, cold_pairs, warmup_pairs = choose_pairs(rng, slugs)
    shuffled = rng.sample(slugs, len(slugs))
    warmup_models = [f"/models/{slug}/" for slug in shuffled[:WARMUP_PAGES]]
    rest = [f"/models/{slug}/" for slug in shuffled[WARMUP_PAGES:]]
    steady_models = rest[:SAMPLES]
    # At a small catalog there are too few models for both; after a bump a
    # model page already timed has nothing of its own left in memory to reuse.
    cold_models = rest[SAMPLES : 2 * SAMPLES] or steady_models
    _, key = PartnerKey.objects.create_key(name="render-profile", rate="100000000/hour")
    api = {"Authorization": f"Api-Key {key}"}
    # 20 items at both catalog sizes: the same answer, more rows behind it.
    api_list = ["/api/v1/models/?page_size=20"] * API_SAMPLES
    # A word every catalog size has: the first word of the first model's name.
    word = LLMModel.objects.get(slug=slugs[0]).name.split()[0]
    editor = Editor(rng.sample(slugs, len(slugs)))

    with override_settings(CACHES=LOCAL_MEMORY):
        bypass_page_caches()
        client = Client()
        for path in warmup_pairs + warmup_models:
            render(client, path, {})
        for _ in range(WARMUP_PAGES):
            render(client, api_list[0], api)
        steady = {
            "pair page": measure(client, steady_pairs, {}),
            "model page": measure(client, steady_models, {}),
            "API model list": measure(client, api_list, api),
        }
        section = first_pairs_section(client)
        steady["sitemap pairs section"] = measure(client, [section] * SAMPLES, {})
        steady["model list"] = measure(client, ["/models/"] * SAMPLES, {})
        steady["search"] = measure(
            client, [f"/search/?q={word}"] * SAMPLES, {}, checked=False
        )
        cold = {
            "pair page": measure(client, cold_pairs, {}, editor),
            "model page": measure(client, cold_models, {}, editor),
            "API model list": measure(client, api_list[:SAMPLES], api, editor),
            # Reads the table of indexable models again (once per version): few
            # samples, as at 10,000 models each costs about a second.
            "sitemap pairs section": measure(
                client, [section] * SITEMAP_COLD_SAMPLES, {}, editor
            ),
        }
    results = {
        name: {"steady": steady[name], "cold": cold.get(name)} for name in steady
    }
    results["memory_mb"] = resident_mb()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
