"""The production benchmark: `make bench` (bench/run.sh) runs this.

It builds three PostgreSQL databases (20, 1,000 and 10,000 generated models),
starts gunicorn with production settings and Redis, and nginx of its own on a
free loopback port with the shipped deploy/nginx/versus-locations.conf in front
of it; loads each endpoint with wrk from a second process for a fixed time, and
prints one table: requests per second, p50/p99 latency and the ratio to the
ceiling, nginx serving a static file of the pair page's size. Then worker
memory, and per-request render time and queries at each catalog size, steady
and for the first page after an edit. The table is also written to
bench/results.md.

Rows that rotate over many pages never ask for the same URL twice, so each
request is a page-cache miss: what a crawler's miss costs once every worker
holds the catalog version's data (models' facts, related-pairs index). A
warm-up over other pages loads that data into every worker first.

Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_DURATION (seconds per
endpoint), BENCH_WARMUP (seconds at most of warm-up over pages not measured),
BENCH_CONNECTIONS, BENCH_MODELS, BENCH_LARGE_MODELS (0 leaves the largest
catalog out), WEB_CONCURRENCY.
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
LARGE_MODELS = int(os.environ.get("BENCH_LARGE_MODELS", "10000"))
LARGE_DATABASE_URL = DATABASE_URL + "_large"
NGINX = "/usr/sbin/nginx"
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

CEILING = "static file of the pair page's size (nginx): the ceiling"
HOT_THROUGH_NGINX = "hot pair page through the nginx cache"
# Targets, as requests per second against the ceiling, side by side.
TARGETS = {HOT_THROUGH_NGINX: 0.8}
# The first pair page after an edit: at 1,000 models at most this times its
# cost at 20, and at 10,000 at most LARGE_SCALE_TARGET times its cost at 1,000.
SCALE_TARGET = 1.25
LARGE_SCALE_TARGET = 1.5
MEMORY_TARGET_MB = 250


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
from catalog.models import LLMModel
from api.models import PartnerKey
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


class Nginx:
    """nginx of the benchmark's own, in front of a Server, as `make serve-stack` runs it.

    The reader locations are the shipped deploy/nginx/versus-locations.conf,
    included as they are; /ceiling/ serves files from a directory of our own.
    """

    def __init__(self, upstream: Server, workdir: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.prefix = Path(workdir) / "nginx"
        self.ceiling = self.prefix / "ceiling"
        self.ceiling.mkdir(parents=True, exist_ok=True)
        self.upstream = upstream
        self.process = None

    def __enter__(self) -> "Nginx":
        prefix = self.prefix
        user = "user root;" if os.getuid() == 0 else ""
        (prefix / "nginx.conf").write_text(f"""
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
worker_processes auto;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    proxy_cache_path {prefix}/cache levels=1:2 keys_zone=versus:16m max_size=256m
                     inactive=1h use_temp_path=off;
    upstream versus_app {{ server 127.0.0.1:{self.upstream.port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{self.port};
        location /ceiling/ {{ alias {self.ceiling}/; }}
        include {ROOT}/deploy/nginx/versus-locations.conf;
    }}
}}
""")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/robots.txt", timeout=5)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit(f"nginx did not answer within 30 seconds: {prefix}/error.log")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def worker_pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def serve_static(self, name: str, content: bytes) -> str:
        (self.ceiling / name).write_bytes(content)
        return f"/ceiling/{name}"


def children(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            pids.append(int(stat.parent.name))
    return pids


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
# Rows served through nginx rather than straight from gunicorn.
THROUGH_NGINX = {CEILING, HOT_THROUGH_NGINX}


def scenarios(server: Server, nginx: Nginx, found: dict) -> tuple[Plan, Plan]:
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
    status, page = server.get(cached_pair)
    if status != 200:
        sys.exit(f"{cached_pair}: HTTP {status}")
    ceiling = nginx.serve_static("pair-page.html", page)
    found["page_bytes"] = len(page)
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
        (CEILING, [ceiling], {}),
        (HOT_THROUGH_NGINX, [cached_pair], {}),
        ("hot pair page from gunicorn alone (its page cache)", [cached_pair], {}),
        ("static file from gunicorn (whitenoise)", [static], {}),
        ("uncached pair pages (URLs never repeat)", uncached_pairs, {}),
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


def scale_report(profiles: dict[int, dict]) -> list[str]:
    """Render time and queries at each catalog size, steady and after an edit."""
    sizes = sorted(profiles)
    lines = [
        "Render time per request in-process (median ms) and queries, with production "
        "settings, at " + ", ".join(f"{size:,}" for size in sizes) + " models. "
        "Steady: the whole-page caches bypassed and the catalog version's data "
        "already in the process; each pair or model sample is a page not rendered "
        "before, as for a crawler's page-cache miss. After an edit: one model's "
        "description changed and saved before each sample, as in the admin; the "
        "page timed is the first after it.",
        "",
        "| page | "
        + " | ".join(f"steady at {size:,}" for size in sizes)
        + " | "
        + " | ".join(f"after an edit at {size:,}" for size in sizes)
        + " | queries steady / after an edit, per size |",
        "| --- | " + " | ".join("---:" for _ in range(2 * len(sizes))) + " | --- |",
    ]
    smallest = profiles[sizes[0]]
    for name in smallest:
        if name == "memory_mb" or not all(name in profiles[s] for s in sizes):
            continue
        cells, queries = [], []
        for kind in ("steady", "cold"):
            for size in sizes:
                figure = profiles[size][name][kind]
                cells.append(f"{figure['ms']:.1f}" if figure else "")
        for size in sizes:
            steady, cold = profiles[size][name]["steady"], profiles[size][name]["cold"]
            queries.append(
                f"{steady['queries']}" + (f" / {cold['queries']}" if cold else "")
            )
        lines.append(f"| {name} | {' | '.join(cells)} | {'; '.join(queries)} |")
    lines += ["", "The first pair page after an edit, ratios between sizes:", ""]
    steps = [
        (SMALL_MODELS, MODELS, SCALE_TARGET),
        (MODELS, LARGE_MODELS, LARGE_SCALE_TARGET),
    ]
    for few, many, target in steps:
        if few not in profiles or many not in profiles:
            continue
        ratio = (
            profiles[many]["pair page"]["cold"]["ms"]
            / profiles[few]["pair page"]["cold"]["ms"]
        )
        verdict = "met" if ratio <= target else "NOT met"
        lines.append(
            f"- {many:,} against {few:,} models: {ratio:.3f}× (target within "
            f"{target}×: {verdict})"
        )
    lines += [
        "",
        "Memory of the profiling process (the whole application loaded, after the "
        "pages above): "
        + ", ".join(
            f"{profiles[size].get('memory_mb', float('nan')):.0f} MB at {size:,}"
            for size in sizes
        )
        + ".",
    ]
    return lines


def format_report(
    rows: list[dict], memory: list[float], profiles: dict[int, dict], found: dict
) -> str:
    static_rps = rows[0]["rps"] or 1.0
    lines = [
        f"{MODELS:,} generated models; gunicorn with {len(memory)} workers "
        f"on {os.cpu_count()} CPUs, nginx ({NGINX}) in front with the shipped "
        f"locations; wrk -t{THREADS} -c{CONNECTIONS}, {DURATION}s per row, on the "
        f"same machine; the pair page is {found['page_bytes']:,} bytes. "
        "Uncached rows never ask for the same URL twice (past the end of its pages "
        "a row goes round again with ?pass=2, which the page caches key apart) "
        f"and follow a warm-up of up to {WARMUP}s over other pages that loads every "
        "model's facts into every worker. Capacity is the ceiling's server CPU per "
        "request divided by the row's (nginx, gunicorn workers and their "
        "PostgreSQL backends).",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | vs ceiling | server CPU ms/request "
        "| capacity vs ceiling | errors | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    static_cpu = rows[0]["cpu_ms"] or 1.0
    for row in rows:
        ratio = row["rps"] / static_rps
        capacity = static_cpu / row["cpu_ms"] if row["cpu_ms"] else float("nan")
        target = TARGETS.get(row["name"])
        verdict = ""
        if target is not None:
            verdict = (
                f"≥ {target}×: met" if ratio >= target else f"≥ {target}×: NOT met"
            )
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
            f"Worker memory after the run at {MODELS:,} models: {max(memory):.0f} MB "
            f"max ({', '.join(f'{m:.0f}' for m in sorted(memory))} MB), target "
            f"< {MEMORY_TARGET_MB} MB.",
        ]
    if profiles:
        lines += ["", *scale_report(profiles)]
    return "\n".join(lines) + "\n"


def main() -> None:
    var_dir = tempfile.mkdtemp(prefix="versus-bench-")
    env = base_env(DATABASE_URL, var_dir)
    catalogs = {
        SMALL_MODELS: base_env(SMALL_DATABASE_URL, var_dir),
        MODELS: env,
    }
    if LARGE_MODELS:
        catalogs[LARGE_MODELS] = base_env(LARGE_DATABASE_URL, var_dir)
    redis.Redis.from_url(REDIS_URL).flushdb()
    for size, size_env in catalogs.items():
        build_catalog(size_env["DATABASE_URL"], size, size_env)
    log("collectstatic")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")

    profiles = {}
    for size, size_env in sorted(catalogs.items()):
        log(f"render time and queries in-process at {size:,} models")
        started = time.monotonic()
        if result := profile(size_env):
            profiles[size] = result
        log(f"  {time.monotonic() - started:.0f}s")

    found = discover(env)
    rows = []
    with Server(env) as server, Nginx(server, var_dir) as nginx:
        plan, warmup = scenarios(server, nginx, found)
        log("warming up")
        for name, paths, headers in plan:
            # Warm what is meant to be served warm; rendering the heavy pages
            # with 16 connections at once would only queue them.
            base = nginx.base if name in THROUGH_NGINX else server.base
            if "uncached" not in name and "sitemap" not in name and len(paths) == 1:
                wrk(base, paths[:1], headers, 2, var_dir)
        warm_up(server, warmup, found, var_dir)
        for name, paths, headers in plan:
            via = nginx if name in THROUGH_NGINX else server
            status, _ = Server.get(via, paths[0], headers)
            log(f"{name}: {paths[0]} -> HTTP {status}")
            if len(paths) > 1:
                # That page is cached now: the row measures the others.
                paths = paths[1:]
            # Server CPU per request (workers and their PostgreSQL backends):
            # unlike requests per second, it holds on a machine that is busy
            # with other work too.
            pids = server.worker_pids() + database_pids(DATABASE_URL)
            if via is nginx:
                pids += nginx.worker_pids()
            cpu_before = cpu_seconds(pids)
            result = wrk(via.base, paths, headers, DURATION, var_dir)
            cpu = cpu_seconds(pids) - cpu_before
            result["cpu_ms"] = 1000 * cpu / max(result["requests"], 1)
            if len(paths) > 1 and result["requests"] > len(paths):
                log(
                    f"{name}: {result['requests']:,} requests over {len(paths):,} "
                    "pages (past the first pass, with ?pass=N, still misses)"
                )
            rows.append({"name": name, "status": status, **result})
        memory = server.worker_rss_mb()
    report = format_report(rows, memory, profiles, found)
    RESULTS.write_text(report)
    print()
    print(report)


if __name__ == "__main__":
    main()
