"""The production benchmark: `make bench` (bench/run.sh) runs this.

It builds three PostgreSQL databases (20, 1,000 and 10,000 generated models)
and serves two of them at once, each with gunicorn as `make serve` starts it
(production settings, Redis as the shared cache): the 1,000-model catalog with
an nginx of its own in front (on a free loopback port, the shipped
deploy/nginx/versus-locations.conf included as it is), and the 10,000-model
catalog beside it. wrk loads each row from a second process for a fixed time.

One table: requests per second, p50/p99 latency and server CPU per request of
each row, against the ceiling (nginx serving a static file of the pair page's
size); the rows that have to hold as the catalog grows (pair, model, sitemap,
list, search and API answers, each address asked for once) are measured on
both catalogs one after the other, and the ratio 10,000/1,000 of their server
CPU per request is judged against LARGE_SCALE_TARGET. Then the workers'
memory (RSS, and PSS and USS from /proc/<pid>/smaps_rollup): at 10,000 models
after a crawl that has each worker ask for nearly every model's facts, read
as the crawl goes on. Then bench/render_profile.py's render time
and queries per catalog size, in one process. Everything printed is also
written to bench/results.md.

Rows that rotate over many addresses never ask for one twice, so each request
is a page-cache miss: what a crawler's miss costs once a worker holds the
catalog version's data (models' facts, related-pairs index). A warm-up over
other pages loads that data into every worker first.

The processes, the throw-away databases, the Redis keys and the temporary
directory are cleaned up on exit, on an error and on SIGINT/SIGTERM/SIGHUP.

Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_DURATION (seconds per
row), BENCH_WARMUP (seconds at most of warm-up at 1,000 models), BENCH_LARGE_WARMUP
(seconds at most of the crawl at 10,000), BENCH_CONNECTIONS, BENCH_MODELS,
BENCH_LARGE_MODELS (0 leaves the largest catalog out), BENCH_PROFILE (0 leaves
the in-process render profile out), WEB_CONCURRENCY, VERSUS_FACTS_CACHE_MB.
"""

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

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
LARGE_DATABASE_URL = DATABASE_URL + "_large"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "60"))
LARGE_WARMUP = int(os.environ.get("BENCH_LARGE_WARMUP", "300"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
MODELS = int(os.environ.get("BENCH_MODELS", "1000"))
SMALL_MODELS = 20
LARGE_MODELS = int(os.environ.get("BENCH_LARGE_MODELS", "10000"))
PROFILE = os.environ.get("BENCH_PROFILE", "1") != "0"
# What each worker is configured with (config/settings.py; the workers inherit
# this environment).
FACTS_CACHE_MB = float(os.environ.get("VERSUS_FACTS_CACHE_MB", "32"))
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
# The crawl at the largest size goes on until each worker has, as expected,
# asked for the facts of this share of the catalog's models (or
# BENCH_LARGE_WARMUP runs out); memory is read every CRAWL_STEP seconds.
CRAWL_SHARE = 0.9
CRAWL_STEP = 15
# A row of addresses each asked for once is sized from a one-second probe so
# that it asks for at most this share of its addresses.
ADDRESSES_USED = 0.8
# A row with fewer addresses than this (a small catalog's sitemap) is left out.
MIN_ADDRESSES = 8
API_RATE = "100000000/hour"

CEILING = "static file of the pair page's size (nginx): the ceiling"
HOT_THROUGH_NGINX = "hot pair page through the nginx cache"
# Targets, as requests per second against the ceiling, side by side.
TARGETS = {HOT_THROUGH_NGINX: 0.8}
# The first pair page after an edit: at 1,000 models at most this times its
# cost at 20, and at 10,000 at most LARGE_SCALE_TARGET times its cost at 1,000
# (also the target of each row measured at both sizes, on server CPU per request).
SCALE_TARGET = 1.25
LARGE_SCALE_TARGET = 1.5
MEMORY_TARGET_MB = 250

WRK_MISSING = (
    "wrk is not installed: `make bench` installs it (apt-get install wrk), "
    "or install it yourself and run bench/load.py again."
)
NGINX_MISSING = (
    f"nginx is not installed at {NGINX}: `make bench` installs it "
    "(apt-get install nginx-light), or install it yourself and run bench/load.py again."
)


def log(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


def require_tools() -> None:
    if shutil.which("wrk") is None:
        sys.exit(WRK_MISSING)
    if not os.access(NGINX, os.X_OK):
        sys.exit(NGINX_MISSING)


def stop_on_signal(signum: int, frame) -> None:
    # SystemExit unwinds through every `with` and `finally`: servers stopped,
    # databases dropped, as on any other exit.
    raise SystemExit(f"stopped by signal {signal.Signals(signum).name}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(database_url: str, var_dir: str, models: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        # One Redis database, each catalog's keys apart: a catalog version or
        # a model's facts kept for one catalog must never answer for another.
        "CACHE_KEY_PREFIX": f"versus-bench-{models}",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "VAR_DIR": var_dir,
        "ACCESS_LOG": "off",
        # Keep the same workers for the whole run, so their CPU time adds up,
        # and the same PostgreSQL backends, so theirs can be counted too.
        "GUNICORN_MAX_REQUESTS": "100000000",
        "CONN_MAX_AGE": "3600",
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


def _maintenance(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.lstrip("/"), parts._replace(path="/postgres").geturl()


def recreate_database(url: str) -> None:
    name, maintenance = _maintenance(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name, maintenance = _maintenance(url)
    try:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as error:
        log(f"could not drop database {name}: {error}")


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
from api.models import PartnerKey
from catalog.models import LLMModel
published = LLMModel.objects.published().order_by("slug")
rows = list(published.values_list("slug", "name"))
_, key = PartnerKey.objects.create_key(name="benchmark", rate="%s")
print(json.dumps({"slugs": [s for s, _ in rows], "names": [n for _, n in rows], "key": key}))
"""


def discover(env: dict[str, str]) -> dict:
    output = manage(env, "shell", "-c", DISCOVER % API_RATE)
    return json.loads(output.strip().splitlines()[-1])


def pair_path(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"/compare/{first}-vs-{second}/"


def memory_mb(pid: int) -> dict[str, float | None] | None:
    """RSS, PSS and USS (private pages) of a process, in MB; PSS and USS are
    None where /proc/<pid>/smaps_rollup cannot be read. None if it is gone."""
    fields = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        value = rest.split()
        if len(value) == 2 and value[1] == "kB":
            fields[name] = int(value[0]) / 1024
    if "Rss" in fields:
        return {
            "rss": fields["Rss"],
            "pss": fields.get("Pss"),
            "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
        }
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return {"rss": int(rss.group(1)) / 1024, "pss": None, "uss": None} if rss else None


class Server:
    """gunicorn with config/gunicorn.conf.py, as `make serve` starts it."""

    def __init__(self, env: dict[str, str], models: int) -> None:
        self.models = models
        self.database_url = env["DATABASE_URL"]
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
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    sys.exit(f"gunicorn exited with status {self.process.returncode}")
                try:
                    urllib.request.urlopen(self.base + "/robots.txt", timeout=5)
                    return self
                except OSError:
                    time.sleep(0.3)
            sys.exit("gunicorn did not answer within 60 seconds")
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def worker_memory(self) -> list[dict[str, float | None]]:
        return [m for pid in self.worker_pids() if (m := memory_mb(pid)) is not None]

    def server_pids(self) -> list[int]:
        """The workers and their PostgreSQL backends: where a request's CPU goes."""
        return self.worker_pids() + database_pids(self.database_url)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
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
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    sys.exit(f"nginx exited: {prefix}/error.log")
                try:
                    urllib.request.urlopen(self.base + "/robots.txt", timeout=5)
                    return self
                except OSError:
                    time.sleep(0.2)
            sys.exit(f"nginx did not answer within 30 seconds: {prefix}/error.log")
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

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
# the same address. A thread that comes to the end of its share goes round
# again with pass=2 (then 3...) added to the query: the process page cache keys
# on the full path, but the shared cache on the page's canonical address, so
# such a request may be a hit there (and the API refuses the parameter). Rows
# are sized not to get there (ADDRESSES_USED); the table says when one did.
# (Stopping a thread instead would leave wrk's open connections holding sync
# workers until their timeout.) At the end, how many requests each thread sent,
# answered or not: the server does the work of every one of them.
ROTATE_LUA = """
local started = 0
local threads = {}
function setup(thread)
  thread:set("id", started)
  started = started + 1
  threads[#threads + 1] = thread
end
local paths = {}
for line in io.lines("%(listing)s") do paths[#paths + 1] = line end
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
    local join = "?"
    if string.find(path, "?", 1, true) then join = "&" end
    path = path .. join .. "pass=" .. pass
  end
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  local sent = {}
  for _, thread in ipairs(threads) do sent[#sent + 1] = thread:get("counter") end
  io.write("Requests sent per thread: " .. table.concat(sent, " ") .. "\\n")
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
    result = parse_wrk(output)
    if len(paths) > 1:
        share = len(paths) // THREADS
        # Without the script's count (it prints it at the end), the answers.
        result.setdefault("sent", [result["requests"] // THREADS] * THREADS)
        result["used"] = [
            path
            for thread, sent in enumerate(result["sent"])
            for path in paths[thread * share : thread * share + min(sent, share)]
        ]
        result["repeated"] = sum(max(0, sent - share) for sent in result["sent"])
    return result


def once(base: str, paths: list[str], headers: dict) -> dict:
    """Each address asked for exactly once, by CONNECTIONS clients at a time.

    For rows with too few addresses for wrk's shortest run (a small catalog's
    sitemap, the list pages): wrk would go round them again, and a repeat may
    be answered from a cache, which is not what the row measures.
    """
    latencies: list[float] = []
    errors = 0
    pending = iter(paths)
    lock = threading.Lock()
    parts = urlsplit(base)

    def client() -> None:
        nonlocal errors
        while True:
            with lock:
                path = next(pending, None)
            if path is None:
                break
            # A connection per request, as the sync workers close theirs anyway.
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=30
            )
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                failed = response.status >= 400
            except (OSError, http.client.HTTPException):
                failed = True
            finally:
                connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += failed

    started = time.perf_counter()
    clients = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))]

    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(0.5),
        "p99": percentile(0.99),
        "errors": errors,
        "requests": len(latencies),
        "repeated": 0,
        "seconds": elapsed,
    }


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


def settle(pids: list[int], most: float = 120.0) -> None:
    """Wait until these processes are idle: the requests still queued or under
    way when wrk stopped have been served (they cost the server all the same)."""
    deadline = time.monotonic() + most
    last = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - last < 0.03:
            return
        last = now


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
    result = {"rps": rps, "p50": p50, "p99": p99, "errors": errors}
    result["requests"] = requests
    if match := re.search(r"Requests sent per thread: ([\d ]+)", output):
        result["sent"] = [int(n) for n in match.group(1).split()]
    return result


def pair_sections(server: Server) -> list[str]:
    """The pairs sections the sitemap index lists, but the last (a partial page)."""
    status, body = server.get("/sitemap.xml")
    if status != 200:
        sys.exit(f"/sitemap.xml at {server.models:,} models: HTTP {status}")
    sections = []
    for location in re.findall(rb"<loc>([^<]+)</loc>", body):
        parts = urlsplit(location.decode())
        if "pairs" in parts.path:
            sections.append(f"{parts.path}?{parts.query or 'p=1'}")
    return sections[:-1] if len(sections) > 1 else sections


def warmup_pairs(slugs: list[str], measured: set[str]) -> dict[str, tuple[str, str]]:
    """Pairs other than the measured ones, round after round touching every model
    once, each with its two models.

    In order, so however far the warm-up gets in its time, every model has
    been asked for about as often as any other.
    """
    rng = random.Random(SEED + 1)
    pairs, seen = {}, set(measured)
    for _ in range(WARMUP_ROUNDS):
        order = rng.sample(slugs, len(slugs))
        # An odd model out pairs with the first of the round.
        for a, b in zip(order[::2], order[1::2] + order[:1], strict=False):
            path = pair_path(a, b)
            if a != b and path not in seen:
                seen.add(path)
                pairs[path] = (a, b)
    return pairs


Plan = list[tuple[str, list[str], dict]]
# Rows served through nginx rather than straight from gunicorn.
THROUGH_NGINX = {CEILING, HOT_THROUGH_NGINX}
PAIRS_ROW = "uncached pair pages (URLs never repeat)"


def random_pairs(slugs: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` distinct pairs at random, or half of all there are if fewer."""
    count = min(count, len(slugs) * (len(slugs) - 1) // 4)
    pairs = set()
    while len(pairs) < count:
        a, b = rng.sample(slugs, 2)
        pairs.add(tuple(sorted((a, b))))
    ordered = sorted(pairs)
    rng.shuffle(ordered)
    return ordered


def hot_rows(server: Server, nginx: Nginx, found: dict) -> Plan:
    """Rows of one address asked for again and again, at the first catalog only."""
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
    cached_pair = found["cached_pair"]
    status, page = server.get(cached_pair)
    if status != 200:
        sys.exit(f"{cached_pair}: HTTP {status}")
    ceiling = nginx.serve_static("pair-page.html", page)
    found["page_bytes"] = len(page)
    return [
        (CEILING, [ceiling], {}),
        (HOT_THROUGH_NGINX, [cached_pair], {}),
        ("hot pair page from gunicorn alone (its page cache)", [cached_pair], {}),
        ("static file from gunicorn (whitenoise)", [static], {}),
    ]


def compared_rows(server: Server, found: dict) -> tuple[Plan, dict, list[str]]:
    """The rows measured at each catalog size, every address asked for once;
    the warm-up pairs (with their models), and the warm-up model pages.

    The addresses have the same shapes at both sizes (the same list pages,
    sorts and filters; a model's name as the search; updated_since as a
    partner's sync sends it), so a row's two figures compare like for like.
    """
    slugs, names, key = found["slugs"], found["names"], found["key"]
    rng = random.Random(SEED)
    found["cached_pair"] = pair_path(slugs[0], slugs[1])
    pairs = [
        path
        for a, b in random_pairs(slugs, 60_000, rng)
        if (path := pair_path(a, b)) != found["cached_pair"]
    ]
    model_pages = [f"/models/{slug}/" for slug in slugs]
    measured_models = [
        path for index, path in enumerate(model_pages) if index % MODEL_WARMUP_EVERY
    ]
    rng.shuffle(measured_models)
    lists = [
        f"/models/?page={page}&sort={sort}{weights}"
        for sort in ("name", "price", "context", "release")
        for weights in ("", "&open_weights=yes", "&open_weights=no")
        for page in range(1, 21)
    ]
    rng.shuffle(lists)
    searches = [f"/search/?q={quote(name)}" for name in names]
    rng.shuffle(searches)
    api = {"Authorization": f"Api-Key {key}"}
    since = datetime(2000, 1, 1, tzinfo=UTC)
    api_lists = [
        "/api/v1/models/?updated_since="
        + (since + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for second in range(20_000)
    ]
    api_details = [f"/api/v1/models/{slug}/" for slug in slugs]
    rng.shuffle(api_details)
    api_pairs = [
        f"/api/v1/comparisons/{a}-vs-{b}/" for a, b in random_pairs(slugs, 20_000, rng)
    ]
    plan = [
        (PAIRS_ROW, pairs, {}),
        ("model pages (uncached, each URL once)", measured_models, {}),
        ("sitemap pairs sections (each once)", pair_sections(server), {}),
        ("model list (pages, sorts, filters; each once)", lists, {}),
        ("search (a model's name; each once)", searches, {}),
        ("API model list (updated_since; each once)", api_lists, api),
        ("API model detail (each model once)", api_details, api),
        ("API comparison (each pair once)", api_pairs, api),
    ]
    warmup = warmup_pairs(slugs, {*pairs, found["cached_pair"]})
    return plan, warmup, model_pages[::MODEL_WARMUP_EVERY]


def expected_models_per_worker(touches: dict[str, int], workers: int) -> float:
    """How many distinct models' facts a worker has loaded, as expected when
    requests go to workers at random: a model asked for k times missed a given
    worker with chance (1 - 1/workers) ** k."""
    return sum(1 - (1 - 1 / workers) ** k for k in touches.values())


def crawl(
    server: Server,
    pairs: dict[str, tuple[str, str]],
    seconds: int,
    workdir: str,
    until_models: float | None = None,
) -> list[dict]:
    """Pair pages never measured, in order, for at most `seconds`; with
    until_models, in steps of CRAWL_STEP seconds until each worker has, as
    expected, loaded that many models' facts. Memory is read after each step."""
    remaining = list(pairs)
    touches: dict[str, int] = {}
    workers = len(server.worker_pids())
    readings, requests = [], 0
    started = time.monotonic()
    while remaining:
        left = int(seconds - (time.monotonic() - started))
        if left < 1:
            break
        step = min(left, CRAWL_STEP) if until_models else left
        result = wrk(server.base, remaining, {}, step, workdir)
        used = set(result["used"])
        for path in result["used"]:
            for slug in pairs[path]:
                touches[slug] = touches.get(slug, 0) + 1
        remaining = [path for path in remaining if path not in used]
        requests += result["requests"]
        settle(server.server_pids())
        expected = expected_models_per_worker(touches, workers)
        memory = server.worker_memory()
        readings.append({"requests": requests, "models": expected, "memory": memory})
        log(
            f"crawl at {server.models:,} models: {requests:,} pair pages, each worker "
            f"has loaded about {expected:,.0f} models' facts; worker RSS "
            f"{max(m['rss'] for m in memory):.0f} MB at most"
        )
        if until_models is None or expected >= until_models:
            break
    return readings


def warm_up(server: Server, pairs: dict, model_pages: list[str], workdir: str) -> list:
    """Load models' facts into every worker before the uncached rows.

    Loading them is a cost paid once per worker after each catalog edit, not
    per page; the uncached rows measure what a page-cache miss costs after it.
    The warm-up pages are never measured, so measured pages stay misses. At
    the largest size it is the crawl memory is judged after.
    """
    if server.models == LARGE_MODELS and server.models != MODELS:
        readings = crawl(
            server,
            pairs,
            LARGE_WARMUP,
            workdir,
            until_models=CRAWL_SHARE * server.models,
        )
    else:
        readings = crawl(server, pairs, WARMUP, workdir)
    wrk(server.base, model_pages, {}, MODEL_WARMUP, workdir)
    return readings


def measure(
    base: str, paths: list[str], headers: dict, pids: list[int], workdir: str
) -> dict:
    """One row: wrk for BENCH_DURATION seconds (less if its addresses would run
    out), and the server CPU per request it sent, queued ones included."""
    duration = DURATION
    if len(paths) > 1:
        # A one-second probe on addresses kept apart tells how many the row
        # would ask for; it also compiles what the row's pages need.
        cut = max(len(paths) // 4, 1)
        probe, paths = paths[-cut:], paths[:-cut]
        rate = max(wrk(base, probe, headers, 1, workdir)["requests"], 1)
        budget = ADDRESSES_USED * len(paths) - CONNECTIONS
        duration = max(1, min(DURATION, int(budget / rate)))
        if budget < rate:
            # Fewer addresses than a second of wrk asks for: each once instead.
            settle(pids)
            cpu_before = cpu_seconds(pids)
            result = once(base, paths, headers)
            settle(pids)
            cpu = cpu_seconds(pids) - cpu_before
            result["cpu_ms"] = 1000 * cpu / max(result["requests"], 1)
            result["duration"] = round(result.pop("seconds"), 1)
            return result
    settle(pids)
    cpu_before = cpu_seconds(pids)
    result = wrk(base, paths, headers, duration, workdir)
    settle(pids)
    cpu = cpu_seconds(pids) - cpu_before
    served = sum(result["sent"]) if "sent" in result else result["requests"]
    result["cpu_ms"] = 1000 * cpu / max(served, 1)
    result["duration"] = duration
    return result


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


def _ratio(large: float, small: float) -> float:
    return large / small if small else float("nan")


def memory_summary(memory: list[dict]) -> str:
    """One worker per figure, sorted: RSS, then PSS and USS where known."""
    parts = []
    for kind in ("rss", "pss", "uss"):
        figures = sorted(m[kind] for m in memory if m[kind] is not None)
        if figures:
            parts.append(
                f"{kind.upper()} {max(figures):.0f} MB at most "
                f"({', '.join(f'{f:.0f}' for f in figures)})"
            )
    return "; ".join(parts) if parts else "not readable"


def memory_report(memory: dict[int, list[dict]], readings: list[dict]) -> list[str]:
    lines = []
    if readings:
        lines += [
            "",
            f"Worker memory at {LARGE_MODELS:,} models while the crawl went on "
            f"(VERSUS_FACTS_CACHE_MB {FACTS_CACHE_MB:g} per worker):",
            "",
        ]
        for reading in readings:
            lines.append(
                f"- after {reading['requests']:,} pair pages (each worker about "
                f"{reading['models']:,.0f} distinct models' facts asked for): "
                + memory_summary(reading["memory"])
            )
    for size, figures in sorted(memory.items()):
        if not figures:
            continue
        highest = max(m["rss"] for m in figures)
        verdict = "met" if highest < MEMORY_TARGET_MB else "NOT met"
        lines += [
            "",
            f"Worker memory after the run at {size:,} models ({len(figures)} "
            f"workers, MB): {memory_summary(figures)}. Target: RSS under "
            f"{MEMORY_TARGET_MB} MB: {verdict}.",
        ]
    return lines


def format_report(
    rows: list[dict],
    memory: dict[int, list[dict]],
    readings: list[dict],
    profiles: dict[int, dict],
    found: dict,
) -> str:
    static_rps = rows[0]["rps"] or 1.0
    workers = len(memory.get(MODELS, []))
    large = f"{LARGE_MODELS:,}"
    lines = [
        f"{MODELS:,} generated models"
        + (f" and {large}" if LARGE_MODELS else "")
        + f"; gunicorn with {workers} workers per catalog on {os.cpu_count()} CPUs, "
        f"nginx ({NGINX}) in front of the {MODELS:,}-model one with the shipped "
        f"locations; wrk -t{THREADS} -c{CONNECTIONS}, {DURATION}s per row at most, "
        f"on the same machine; the pair page is {found['page_bytes']:,} bytes. "
        "Rows of many addresses ask for each once (a row stops short of running "
        "out of them) and follow a warm-up over other pair pages that loads "
        f"models' facts into the workers: up to {WARMUP}s at {MODELS:,} models"
        + (
            f"; at {large}, a crawl until each worker has loaded about "
            f"{CRAWL_SHARE * LARGE_MODELS:,.0f} distinct models' facts "
            f"(at most {LARGE_WARMUP}s)"
            if LARGE_MODELS
            else ""
        )
        + ". Server CPU per request counts the workers and their PostgreSQL "
        "backends (and nginx for its rows) until the requests wrk sent are all "
        "served; capacity is the ceiling's server CPU per request divided by the "
        f"row's. The ratio {large}/{MODELS:,} is of server CPU per request (p50 "
        "latency's in brackets), judged against "
        f"{LARGE_SCALE_TARGET}×.",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | vs ceiling | server CPU ms/request "
        f"| capacity vs ceiling | errors | at {large}: requests/s | p50 ms "
        "| server CPU ms/request | errors "
        f"| {large} / {MODELS:,} | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | --- |",
    ]
    static_cpu = rows[0]["cpu_ms"] or 1.0
    for row in rows:
        ratio = row["rps"] / static_rps
        shown = f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"
        capacity = static_cpu / row["cpu_ms"] if row["cpu_ms"] else float("nan")
        notes = []
        target = TARGETS.get(row["name"])
        if target is not None:
            notes.append(f"≥ {target}×: " + ("met" if ratio >= target else "NOT met"))
        cells = ["", "", "", "", ""]
        if other := row.get("large"):
            cpu_ratio = _ratio(other["cpu_ms"], row["cpu_ms"])
            p50_ratio = _ratio(other["p50"], row["p50"])
            cells = [
                f"{other['rps']:,.0f}",
                f"{other['p50']:.1f}",
                f"{other['cpu_ms']:.2f}",
                f"{other['errors']}",
                f"{cpu_ratio:.2f}× ({p50_ratio:.2f}×)",
            ]
            met = cpu_ratio <= LARGE_SCALE_TARGET
            notes.append(f"≤ {LARGE_SCALE_TARGET}×: " + ("met" if met else "NOT met"))
        for figures, size in ((row, MODELS), (row.get("large"), LARGE_MODELS)):
            if figures and figures.get("status", 200) != 200:
                notes.append(f"HTTP {figures['status']} at {size:,}")
            if figures and figures.get("repeated"):
                notes.append(
                    f"addresses asked for again at {size:,}: {figures['repeated']:,}"
                )
        lines.append(
            f"| {row['name']} | {row['rps']:,.0f} | {row['p50']:.1f} | {row['p99']:.1f} "
            f"| {shown} | {row['cpu_ms']:.2f} | {capacity:.0%} | {row['errors']} "
            f"| {' | '.join(cells)} | {'; '.join(notes)} |"
        )
    lines += memory_report(memory, readings)
    if profiles:
        lines += ["", *scale_report(profiles)]
    return "\n".join(lines) + "\n"


def measure_hot(server: Server, nginx: Nginx, hot: Plan, workdir: str) -> list[dict]:
    rows = []
    for name, paths, headers in hot:
        via = nginx if name in THROUGH_NGINX else server
        status, _ = Server.get(via, paths[0], headers)
        log(f"{name}: HTTP {status}")
        pids = server.server_pids()
        if via is nginx:
            pids += nginx.worker_pids()
        result = measure(via.base, paths, headers, pids, workdir)
        rows.append({"name": name, "status": status, **result})
    return rows


def measure_compared(
    servers: dict[int, Server], plans: dict[int, Plan], workdir: str
) -> list[dict]:
    """Each row at each size in turn, so both see the machine in about the same state."""
    rows = []
    for index, (name, _, _) in enumerate(plans[MODELS]):
        figures = {}
        for size, server in servers.items():
            _, paths, headers = plans[size][index]
            if len(paths) < MIN_ADDRESSES:
                log(f"{name} at {size:,} models: too few addresses, left out")
                break
            status, _ = server.get(paths[0], headers)
            # That address is taken now: the row measures the others.
            pids = server.server_pids()
            result = measure(server.base, paths[1:], headers, pids, workdir)
            figures[size] = {"status": status, **result}
            log(
                f"{name} at {size:,} models: HTTP {status}, "
                f"{result['requests']:,} requests in {result['duration']}s, "
                f"{result['cpu_ms']:.2f} ms server CPU each"
            )
        if MODELS in figures:
            large = figures.get(LARGE_MODELS)
            rows.append({"name": name, **figures[MODELS], "large": large})
    return rows


def build_catalogs(cleanup: contextlib.ExitStack, var_dir: str) -> dict[int, dict]:
    """The throw-away databases, each dropped on the way out; their environments."""
    catalogs = {
        SMALL_MODELS: base_env(SMALL_DATABASE_URL, var_dir, SMALL_MODELS),
        MODELS: base_env(DATABASE_URL, var_dir, MODELS),
    }
    if LARGE_MODELS:
        catalogs[LARGE_MODELS] = base_env(LARGE_DATABASE_URL, var_dir, LARGE_MODELS)
    cache = redis.Redis.from_url(REDIS_URL)
    cache.flushdb()
    cleanup.callback(cache.flushdb)
    for size, size_env in catalogs.items():
        cleanup.callback(drop_database, size_env["DATABASE_URL"])
        build_catalog(size_env["DATABASE_URL"], size, size_env)
    log("collectstatic")
    manage(catalogs[MODELS], "collectstatic", "--no-input", "--verbosity", "0")
    return catalogs


def main() -> None:
    require_tools()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    with contextlib.ExitStack() as cleanup:
        var_dir = tempfile.mkdtemp(prefix="versus-bench-")
        cleanup.callback(shutil.rmtree, var_dir, ignore_errors=True)
        catalogs = build_catalogs(cleanup, var_dir)

        profiles = {}
        for size, size_env in sorted(catalogs.items()) if PROFILE else ():
            log(f"render time and queries in-process at {size:,} models")
            started = time.monotonic()
            if result := profile(size_env):
                profiles[size] = result
            log(f"  {time.monotonic() - started:.0f}s")

        served = [MODELS] + ([LARGE_MODELS] if LARGE_MODELS else [])
        log("gunicorn on " + " and ".join(f"{size:,}" for size in served) + " models")
        found = {size: discover(catalogs[size]) for size in served}
        servers = {
            size: cleanup.enter_context(Server(catalogs[size], size)) for size in served
        }
        server = servers[MODELS]
        nginx = cleanup.enter_context(Nginx(server, var_dir))
        plans, warmups = {}, {}
        for size in served:
            plan, pairs, model_pages = compared_rows(servers[size], found[size])
            plans[size], warmups[size] = plan, (pairs, model_pages)
        hot = hot_rows(server, nginx, found[MODELS])

        log("warming up")
        for name, paths, headers in hot:
            # Warm what is meant to be served warm.
            base = nginx.base if name in THROUGH_NGINX else server.base
            wrk(base, paths, headers, 2, var_dir)
        readings = []
        for size in served:
            log(f"warm-up at {size:,} models")
            crawled = warm_up(servers[size], *warmups[size], var_dir)
            if size != MODELS:
                readings = crawled

        rows = measure_hot(server, nginx, hot, var_dir)
        rows += measure_compared(servers, plans, var_dir)
        memory = {size: servers[size].worker_memory() for size in served}
        report = format_report(rows, memory, readings, profiles, found[MODELS])
    RESULTS.write_text(report)
    print()
    print(report)


if __name__ == "__main__":
    main()
