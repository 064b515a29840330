"""The real stack for fault tests: a private PostgreSQL, a private Redis, gunicorn.

Everything here is started by the tests themselves, on free loopback ports and
in temporary directories, and stopped and removed afterwards. The machine's own
PostgreSQL and Redis are never touched: a test that restarts "the database"
restarts a cluster it created (initdb refuses root, so it runs as postgres).
"""

import contextlib
import glob
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # seconds; migrations and a cold gunicorn on 2 busy cores


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_postgres() -> None:
    """The fault tests run where CI runs them: on PostgreSQL, as root, with Redis."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "ops tests break a real PostgreSQL and Redis on purpose; they run on "
            "PostgreSQL only (set DATABASE_URL=postgres://…, as .ci/run does)"
        )
    problems = []
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        problems.append("PostgreSQL server binaries (initdb) are not installed")
    if not shutil.which("redis-server"):
        problems.append("redis-server is not installed")
    if os.geteuid() != 0:
        problems.append(
            "a private PostgreSQL cluster is started as the postgres user, which needs root"
        )
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


def _pg_bin(name: str) -> str:
    return sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster of our own, on a free port."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="versus-ops-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def _run(
        self, tool: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", _pg_bin(tool), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=check,
            cwd=self.dir,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.dir} -c fsync=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-m",
            mode,
            "-w",
            "-t",
            "60",
            "stop",
            check=False,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def create_database(self, name: str, template: str | None = None) -> str:
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as connection:
            connection.execute(statement)
        return self.url(name)

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A redis-server of our own, without persistence, on a free port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.dir = directory

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.dir),
                "--pidfile",
                str(self.dir / f"redis-{self.port}.pid"),
                "--logfile",
                str(self.dir / f"redis-{self.port}.log"),
            ],
            check=True,
            timeout=30,
        )
        deadline = time.monotonic() + 30
        while self.cli("ping") != "PONG":
            if time.monotonic() > deadline:
                raise RuntimeError("private redis-server did not start")
            time.sleep(0.1)

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return result.stdout.strip()

    def stop(self) -> None:
        self.cli("shutdown", "nosave")
        deadline = time.monotonic() + 10
        while self.cli("ping") == "PONG" and time.monotonic() < deadline:
            time.sleep(0.1)

    def keys(self) -> int:
        answer = self.cli("dbsize")
        return int(answer) if answer.isdigit() else 0


def site_env(
    tmp: Path, database_url: str, *, static_root: Path, redis_url: str = ""
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The test run's own settings, database and cache must not leak in.
        if not key.startswith(("PYTEST_", "DJANGO_"))
        and key not in {"REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        VAR_DIR=str(tmp / "var"),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
        VERSUS_API_DEFAULT_RATE="1000000/hour",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


SEED_SCRIPT = """
import json
from django.contrib.auth.models import User
from comparisons.models import ComparisonFAQ
from comparisons.models import Comparison
from api.models import PartnerKey
from tests import factories as f

vendors = [f.VendorFactory(slug=f"vendor-{i}", name=f"Vendor {i}") for i in range(3)]
providers = [f.ProviderFactory(slug=f"provider-{i}", name=f"Provider {i}") for i in range(3)]
benchmarks = [f.BenchmarkFactory(slug=f"bench-{i}", name=f"Bench {i}") for i in range(2)]
models = []
for i in range(12):
    model = f.LLMModelFactory(slug=f"model-{i}", name=f"Model {i}", vendor=vendors[i % 3],
                              description=f"Model {i} is *good* at things.")
    for provider in providers[: 1 + i % 3]:
        f.OfferingFactory(model=model, provider=provider)
    for benchmark in benchmarks:
        f.ScoreFactory(model=model, benchmark=benchmark, value=10 + i)
    f.ReviewFactory(model=model)
    models.append(model)
for a, b in ((0, 1), (2, 3)):
    comparison = Comparison.objects.create(model_a=models[a], model_b=models[b], is_featured=True,
                                           intro="A curated intro.", verdict="A verdict.")
    ComparisonFAQ.objects.create(comparison=comparison, question="Which?", answer="This one.")
User.objects.create_superuser("ops-admin", password=PASSWORD)
key_object, key = PartnerKey.objects.create_key(name="ops partner", rate="1000000/hour")
print(json.dumps({"api_key": key, "models": [m.slug for m in models]}))
"""


def seed(env: dict[str, str], password: str) -> dict:
    """A small catalog, an admin account and a partner key; returns the key and slugs."""
    code = f"PASSWORD = {password!r}\n" + SEED_SCRIPT
    output = manage(env, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    set_cookies: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class AppServer:
    """gunicorn serving Versus with production settings on a free port."""

    env: dict[str, str]
    log_path: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--preload",
                # Several test servers run at once; the shared default socket
                # (~/.gunicorn/gunicorn.ctl) would make them step on each other.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if self.get("/models/").status:
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not answer:\n{self.log_tail()}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(
            self.log_path.read_text(errors="replace").splitlines()[-lines:]
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        headers=None,
        body: bytes | None = None,
        timeout: float = 60,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            raw = answer.getheaders()
            return Response(
                answer.status,
                {k.lower(): v for k, v in raw},
                answer.read(),
                [v for k, v in raw if k.lower() == "set-cookie"],
            )
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def worker_pids(self) -> list[int]:
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    children.append(int(stat.split("/")[2]))
        return children


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cookies_from(response: Response, jar: dict[str, str]) -> dict[str, str]:
    from http.cookies import SimpleCookie

    for header in response.set_cookies:
        parsed = SimpleCookie()
        parsed.load(header)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def csrf_token_in(body: bytes) -> str:
    import re

    return (
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        .group(1)
        .decode()
    )


def admin_session(server: AppServer, username: str, password: str) -> dict[str, str]:
    """Sign in to the admin as a browser would; returns the cookie jar."""
    from urllib.parse import urlencode

    page = server.get("/admin/login/")
    jar = cookies_from(page, {})
    answer = server.request(
        "POST",
        "/admin/login/?next=/admin/",
        headers={
            "Cookie": cookie_header(jar),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{server.url}/admin/login/",
        },
        body=urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": csrf_token_in(page.body),
            }
        ).encode(),
    )
    if answer.status != 302:
        raise AssertionError(f"admin sign-in failed with {answer.status}")
    return cookies_from(answer, jar)
