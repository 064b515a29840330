"""The production benchmark: `make bench` (bench/run.sh) runs this.

It builds two PostgreSQL databases (1,000 and 20 generated models), starts
gunicorn with production settings and Redis, loads each endpoint with wrk from
a second process for a fixed time, and prints one table: requests per second,
p50/p99 latency and the ratio to a static file served by whitenoise (the
ceiling), then worker memory and per-request render time and queries at 20
versus 1,000 models. The table is also written to bench/results.md.

Rows that rotate over many pages never ask for the same URL twice, so each
request is a page-cache miss: what a crawler's miss costs once every worker
holds the catalog version's data (models' facts, related-pairs index). A
warm-up over other pages loads that data into every worker first.

Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_DURATION (seconds per
endpoint), BENCH_WARMUP (seconds at most of warm-up over pages not measured),
BENCH_CONNECTIONS, BENCH_MODELS, WEB_CONCURRENCY.
"""

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "bench" / "results.md"

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/versus_bench"
)
SMALL_DATABASE_URL = DATABASE_URL + "_small"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "60"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
MODELS = int(os.environ.get("BENCH_MODELS", "1000"))
SMALL_MODELS = 20
SEED = 42
THREADS = 2
# Rounds of warm-up pairs: each round asks for every model once. Spread at
# random over up to 5 workers, a model misses a given worker with chance at most
# 0.8 ** 25, under 0.4%. About a minute on 2 cores, hence BENCH_WARMUP's default.
WARMUP_ROUNDS = 25
# One model page in this many is kept for the warm-up and never measured.
MODEL_WARMUP_EVERY = 10
# Seconds of it: model pages use no per-model memory, only the related-pairs
# index the pair warm-up already built; this compiles their templates.
MODEL_WARMUP = 3
API_RATE = "100000000/hour"

# Targets, as ratios to the static file.
TARGETS = {"cached pair page": 0.85, "uncached pair page": 0.10}
# At 1,000 models a page-cache miss costs at most this times one at 20.
SCALE_TARGET = 1.25


def log(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(database_url: str, var_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "VAR_DIR": var_dir,
        "ACCESS_LOG": "off",
        # Keep the same workers for the whole run, so their CPU time adds up.
        "GUNICORN_MAX_REQUESTS": "100000000",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build_catalog(url: str, models: int, env: dict[str, str]) -> None:
    log(f"database {urlsplit(url).path.lstrip('/')}: migrate, generate {models} models")
    recreate_database(url)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    print(
        manage(
            env, "generate_catalog", "--models", str(models), "--seed", str(SEED)
        ).strip()
    )


DISCOVER = """
import json
from catalog.models import LLMModel, PartnerKey
slugs = sorted(LLMModel.objects.published().values_list("slug", flat=True))
_, key = PartnerKey.objects.create_key(name="benchmark", rate="%s")
print(json.dumps({"slugs": slugs, "key": key}))
"""


def discover(env: dict[str, str]) -> dict:
    output = manage(env, "shell", "-c", DISCOVER % API_RATE)
    return json.loads(output.strip().splitlines()[-1])


def pair_path(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"/compare/{first}-vs-{second}/"


class Server:
    """gunicorn with config/gunicorn.conf.py, as `make serve` starts it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}"}
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/robots.txt", timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not answer within 60 seconds")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            fields = dict(
                line.split(":", 1) for line in text.splitlines() if ":" in line
            )
            if int(fields.get("PPid", "0").strip()) == self.process.pid:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sizes

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""


# Each wrk thread walks its own share of the paths, so no two threads ask for
# the same page and "uncached" stays uncached. A thread that comes to the end
# of its share goes round again with ?pass=2 (then 3...): the page caches key
# on the full path, so each request is still a miss, and the page is the
# same. (Stopping a thread instead would leave wrk's open connections holding
# sync workers until their timeout.)
ROTATE_LUA = """
local started = 0
function setup(thread)
  thread:set("id", started)
  started = started + 1
end
local paths = {}
for line in io.lines("%(listing)s") do paths[#paths + 1] = line end
local share, first, counter
function init(args)
  share = math.floor(#paths / %(threads)d)
  first = (id or 0) * share
  counter = 0
end
function request()
  local pass = math.floor(counter / share) + 1
  local path = paths[first + counter %% share + 1]
  counter = counter + 1
  if pass > 1 then
    path = path .. "?pass=" .. pass
  end
  return wrk.format("GET", path)
end
"""


def wrk(
    base: str, paths: list[str], headers: dict, duration: int, workdir: str
) -> dict:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if len(paths) > 1:
        listing = Path(workdir) / f"paths-{random.random():.12f}.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = listing.with_suffix(".lua")
        script.write_text(ROTATE_LUA % {"listing": listing, "threads": THREADS})
        command += ["-s", str(script)]
    command.append(base + paths[0])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def database_pids(database_url: str) -> list[int]:
    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [pid for (pid,) in rows]


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        # wrk counts a server closing the connection after each answer (sync
        # workers don't keep alive) as a read error; only the others are failures.
        connect, _read, write, timeout = map(int, match.groups())
        errors += connect + write + timeout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "requests": requests}


def sitemap_section(server: Server) -> str | None:
    status, body = server.get("/sitemap.xml")
    if status != 200:
        return None
    locations = re.findall(rb"<loc>([^<]+)</loc>", body)
    sections = [urlsplit(loc.decode()).path for loc in locations]
    pairs = [loc.decode() for loc in locations if b"pair" in loc or b"compar" in loc]
    if not pairs:
        return sections[0] if sections else None
    first = urlsplit(pairs[0])
    return f"{first.path}?{first.query or 'p=1'}"


def warmup_pairs(slugs: list[str], measured: set[str]) -> list[str]:
    """Pairs other than the measured ones, round after round touching every model once.

    In order, so however far the warm-up gets in its time, every model has
    been asked for about as often as any other.
    """
    rng = random.Random(SEED + 1)
    pairs, seen = [], set(measured)
    for _ in range(WARMUP_ROUNDS):
        order = rng.sample(slugs, len(slugs))
        # An odd model out pairs with the first of the round.
        for a, b in zip(order[::2], order[1::2] + order[:1], strict=False):
            path = pair_path(a, b)
            if a != b and path not in seen:
                seen.add(path)
                pairs.append(path)
    return pairs


Plan = list[tuple[str, list[str], dict]]


def scenarios(server: Server, found: dict) -> tuple[Plan, Plan]:
    """The measured rows, and the warm-up over pages none of them asks for."""
    slugs, key = found["slugs"], found["key"]
    rng = random.Random(SEED)
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())[
        "paths"
    ]
    # The site's own stylesheet, as every page links it.
    css = (
        "css/site.css"
        if "css/site.css" in manifest
        else next(name for name in manifest if name.endswith(".css"))
    )
    static = "/static/" + manifest[css]
    cached_pair = pair_path(slugs[0], slugs[1])
    distinct_pairs = set()
    while len(distinct_pairs) < 60_000:
        a, b = rng.sample(slugs, 2)
        distinct_pairs.add(pair_path(a, b))
    uncached_pairs = sorted(distinct_pairs)
    rng.shuffle(uncached_pairs)
    model_pages = [f"/models/{slug}/" for slug in slugs]
    api = {"Authorization": f"Api-Key {key}"}
    a, b = sorted(slugs[:2])
    found["cached_pair"] = cached_pair
    warmup = [
        (
            "pair pages",
            warmup_pairs(slugs, {*uncached_pairs, cached_pair}),
            {},
        ),
        ("model pages", model_pages[::MODEL_WARMUP_EVERY], {}),
    ]
    measured_models = [
        path for index, path in enumerate(model_pages) if index % MODEL_WARMUP_EVERY
    ]
    rng.shuffle(measured_models)
    plan = [
        ("static file (whitenoise)", [static], {}),
        ("cached pair page", [cached_pair], {}),
        ("uncached pair page", uncached_pairs, {}),
        ("model page (uncached, each URL once)", measured_models, {}),
    ]
    section = sitemap_section(server)
    if section:
        plan.append((f"sitemap section {section}", [section], {}))
    plan += [
        ("API model list", ["/api/v1/models/"], api),
        ("API model detail", [f"/api/v1/models/{slugs[2]}/"], api),
        ("API comparison", [f"/api/v1/comparisons/{a}-vs-{b}/"], api),
    ]
    return plan, warmup


def warm_up(server: Server, warmup: Plan, found: dict, workdir: str) -> None:
    """Load every model's facts into every worker before the uncached rows.

    Loading them is a cost paid once per worker after each catalog edit, not
    per page; the uncached rows measure what a page-cache miss costs after it.
    The warm-up pages are never measured, so measured pages stay misses.
    """
    workers = len(server.worker_pids())
    for name, paths, headers in warmup:
        seconds = WARMUP if name == "pair pages" else min(WARMUP, MODEL_WARMUP)
        result = wrk(server.base, paths, headers, seconds, workdir)
        touches = 2 * result["requests"] / len(found["slugs"])
        message = f"warm-up over {name}: {result['requests']:,} requests"
        if name == "pair pages":
            # Requests go to workers at random: the chance a given worker never
            # saw a given model is (1 - 1/workers) ** touches.
            cold = len(found["slugs"]) * workers * (1 - 1 / workers) ** touches
            message += (
                f", each model {touches:.0f} times; about {cold:.0f} of "
                f"{len(found['slugs']) * workers:,} (model, worker) facts still unloaded"
            )
        log(message)


def profile(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [PYTHON, "bench/render_profile.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        log(f"render profile failed: {result.stderr[-2000:]}")
        return {}
    return json.loads(result.stdout.strip().splitlines()[-1])


def scale_report(small: dict, large: dict) -> list[str]:
    """Render time at 20 versus 1,000 models, steady and after an edit."""
    lines = [
        f"Render time per request in-process (median) and queries, {SMALL_MODELS} vs "
        f"{MODELS:,} models, with production settings. Steady: the whole-page caches "
        "bypassed and the catalog version's models' facts and related-pairs index "
        "already in the process, each sample a pair or model page not rendered "
        "before, as for a crawler's page-cache miss; the "
        f"{SCALE_TARGET}x target is judged on it. After an edit: the "
        "catalog version bumped before each sample, so that data is loaded again "
        "(once per process per edit).",
        "",
        f"| page | steady ms at {SMALL_MODELS} | at {MODELS:,} | ratio | target "
        f"| after an edit ms at {SMALL_MODELS} | at {MODELS:,} | ratio "
        f"| queries steady / after an edit at {SMALL_MODELS} | at {MODELS:,} |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in large:
        if name not in small:
            continue
        cells, queries = [], []
        for kind in ("steady", "cold"):
            few, many = small[name][kind], large[name][kind]
            ratio = many["ms"] / few["ms"] if few["ms"] else float("nan")
            cells.append(f"{few['ms']:.1f} | {many['ms']:.1f} | {ratio:.2f}×")
            if kind == "steady":
                met = ratio <= SCALE_TARGET
                cells.append("met" if met else f"above {SCALE_TARGET}×")
            queries.append((few["queries"], many["queries"]))
        (steady_few, steady_many), (cold_few, cold_many) = queries
        lines.append(
            f"| {name} | {' | '.join(cells)} | {steady_few} / {cold_few} "
            f"| {steady_many} / {cold_many} |"
        )
    return lines


def format_report(
    rows: list[dict], memory: list[float], small: dict, large: dict
) -> str:
    static_rps = rows[0]["rps"] or 1.0
    lines = [
        f"{MODELS:,} generated models; gunicorn with {len(memory)} workers "
        f"on {os.cpu_count()} CPUs; wrk -t2 -c{CONNECTIONS}, {DURATION}s per row, "
        f"on the same machine; {os.getloadavg()[0]:.1f} runnable processes "
        "(1-minute mean) at the end. "
        "Uncached rows never ask for the same URL twice (past the end of its pages "
        "a row goes round again with ?pass=2, which the page caches key apart) "
        f"and follow a warm-up of up to {WARMUP}s over other pages that loads every "
        "model's facts into every worker. Capacity is the static file's server CPU per request divided "
        "by the row's (gunicorn workers plus their PostgreSQL backends).",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | vs static | server CPU ms/request "
        "| capacity vs static | errors | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    static_cpu = rows[0]["cpu_ms"] or 1.0
    for row in rows:
        ratio = row["rps"] / static_rps
        capacity = static_cpu / row["cpu_ms"] if row["cpu_ms"] else float("nan")
        target = TARGETS.get(row["name"])
        verdict = ""
        if target is not None:
            # Judged on CPU per request: on a machine busy with other work,
            # requests per second swing with everyone else's load.
            verdict = "met" if capacity >= target else f"below {target:.0%}"
        if row.get("status", 200) not in (200, None):
            verdict = f"HTTP {row['status']}"
        lines.append(
            f"| {row['name']} | {row['rps']:,.0f} | {row['p50']:.1f} | {row['p99']:.1f} "
            f"| {ratio:.0%} | {row['cpu_ms']:.2f} | {capacity:.0%} | {row['errors']} "
            f"| {verdict} |"
        )
    if memory:
        lines += [
            "",
            f"Worker memory after the run: {max(memory):.0f} MB max "
            f"({', '.join(f'{m:.0f}' for m in sorted(memory))} MB), target < 200 MB.",
        ]
    if small and large:
        lines += ["", *scale_report(small, large)]
    return "\n".join(lines) + "\n"


def main() -> None:
    var_dir = tempfile.mkdtemp(prefix="versus-bench-")
    env = base_env(DATABASE_URL, var_dir)
    small_env = base_env(SMALL_DATABASE_URL, var_dir)
    redis.Redis.from_url(REDIS_URL).flushdb()
    build_catalog(DATABASE_URL, MODELS, env)
    build_catalog(SMALL_DATABASE_URL, SMALL_MODELS, small_env)
    log("collectstatic")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")

    log("render time and queries, in-process")
    small, large = profile(small_env), profile(env)

    found = discover(env)
    rows = []
    with Server(env) as server:
        plan, warmup = scenarios(server, found)
        log("warming up")
        for name, paths, headers in plan:
            # Warm what is meant to be served warm; rendering the heavy pages
            # with 16 connections at once would only queue them.
            if "uncached" not in name and "sitemap" not in name and len(paths) == 1:
                wrk(server.base, paths[:1], headers, 2, var_dir)
        warm_up(server, warmup, found, var_dir)
        for name, paths, headers in plan:
            status, _ = server.get(paths[0], headers)
            log(f"{name}: {paths[0]} -> HTTP {status}")
            if len(paths) > 1:
                # That page is cached now: the row measures the others.
                paths = paths[1:]
            # Server CPU per request (workers and their PostgreSQL backends):
            # unlike requests per second, it holds on a machine that is busy
            # with other work too.
            pids = server.worker_pids() + database_pids(DATABASE_URL)
            cpu_before = cpu_seconds(pids)
            result = wrk(server.base, paths, headers, DURATION, var_dir)
            cpu = cpu_seconds(pids) - cpu_before
            result["cpu_ms"] = 1000 * cpu / max(result["requests"], 1)
            if len(paths) > 1 and result["requests"] > len(paths):
                log(
                    f"{name}: {result['requests']:,} requests over {len(paths):,} "
                    "pages (past the first pass, with ?pass=N, still misses)"
                )
            rows.append({"name": name, "status": status, **result})
        memory = server.worker_rss_mb()
    report = format_report(rows, memory, small, large)
    RESULTS.write_text(report)
    print()
    print(report)


if __name__ == "__main__":
    main()
