"""Break the real stack on purpose: Redis, PostgreSQL and an import die mid-work.

Each test starts its own gunicorn on a copy of a seeded database in a private
PostgreSQL cluster (tests/ops/conftest.py), is bounded in time, and cleans up.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from tests.ops.stack import ROOT, admin_session, cookie_header

pytestmark = [pytest.mark.ops, pytest.mark.xdist_group("ops")]

OUTAGE_SECONDS = 4
RECOVERY_DEADLINE = 20  # seconds for service to come back by itself
RETRY_AFTER_MESSAGE = b"try again"


@dataclass
class Answer:
    phase: str
    kind: str
    path: str
    status: int
    content_type: str
    retry_after: str
    body: bytes


class Traffic:
    """Threads requesting pages, API answers and admin pages until stopped."""

    def __init__(
        self, site, *, threads: int = 6, admin_cookies: dict | None = None
    ) -> None:
        self.site = site
        self.phase = "before"
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        first, second = site.models[0], site.models[1]
        self.requests = [
            ("page", "/", {}),
            ("page", "/models/", {}),
            ("page", f"/models/{first}/", {}),
            ("page", f"/compare/{first}-vs-{second}/", {}),
            ("api", "/api/v1/models/", {"Authorization": f"Api-Key {site.api_key}"}),
            (
                "api",
                f"/api/v1/models/{first}/",
                {"Authorization": f"Api-Key {site.api_key}"},
            ),
        ]
        if admin_cookies:
            self.requests.append(
                (
                    "admin",
                    "/admin/catalog/llmmodel/",
                    {"Cookie": cookie_header(admin_cookies)},
                )
            )
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True)
            for n in range(threads)
        ]

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    def _run(self, offset: int) -> None:
        index = offset
        while not self._stop.is_set():
            kind, path, headers = self.requests[index % len(self.requests)]
            index += 1
            phase = self.phase
            try:
                response = self.site.server.get(path, headers=headers, timeout=30)
                answer = Answer(
                    phase,
                    kind,
                    path,
                    response.status,
                    response.header("content-type"),
                    response.header("retry-after"),
                    response.body,
                )
            except OSError as error:
                answer = Answer(phase, kind, path, 0, "", "", str(error).encode())
            with self._lock:
                self.answers.append(answer)

    def in_phase(self, phase: str) -> list[Answer]:
        with self._lock:
            return [answer for answer in self.answers if answer.phase == phase]

    def wait_for(self, phase: str, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.in_phase(phase)) < count and time.monotonic() < deadline:
            time.sleep(0.1)


def statuses(answers: list[Answer]) -> Counter:
    return Counter((answer.kind, answer.status) for answer in answers)


def warm_up(site) -> None:
    for _ in range(2):
        for path in ("/", "/models/", f"/models/{site.models[0]}/"):
            assert site.server.get(path).status == 200, (
                f"{path}\n{site.server.log_tail()}"
            )
        assert site.api("/api/v1/models/").status == 200, site.server.log_tail()


# --- Redis --------------------------------------------------------------------------


def test_pages_and_api_keep_answering_while_redis_is_down(make_site):
    site = make_site(with_redis=True)
    warm_up(site)
    assert site.redis.keys() > 0, "pages and answers are cached in Redis to begin with"

    with Traffic(site) as traffic:
        traffic.wait_for("before", 20)
        site.redis.stop()
        traffic.phase = "redis down"
        traffic.wait_for("redis down", 60)
        time.sleep(OUTAGE_SECONDS)
        site.redis.start()
        traffic.phase = "redis back"
        traffic.wait_for("redis back", 60)

    answers = traffic.answers
    failures = [(a.phase, a.kind, a.path, a.status) for a in answers if a.status != 200]
    assert not failures, f"{statuses(answers)} {failures[:10]}"
    down = traffic.in_phase("redis down")
    assert {a.kind for a in down} == {"page", "api"}
    assert len(down) >= 60

    # Cached again: the revived Redis fills up with pages and answers.
    deadline = time.monotonic() + RECOVERY_DEADLINE
    while site.redis.keys() == 0 and time.monotonic() < deadline:
        warm_up(site)
        time.sleep(0.5)
    assert site.redis.keys() > 0, "nothing was cached after Redis came back"


# --- PostgreSQL ------------------------------------------------------------------------


def test_database_restart_gives_clear_503s_then_recovers_without_an_app_restart(
    make_site, private_postgres
):
    site = make_site()
    warm_up(site)
    admin_cookies = admin_session(site.server, site.admin_username, site.admin_password)
    master, workers = site.server.process.pid, sorted(site.server.worker_pids())

    with Traffic(site, admin_cookies=admin_cookies) as traffic:
        traffic.wait_for("before", 20)
        private_postgres.stop("fast")
        traffic.phase = "database down"
        traffic.wait_for("database down", 40)
        time.sleep(OUTAGE_SECONDS)
        private_postgres.start()
        traffic.phase = "database back"
        recovered_at = None
        deadline = time.monotonic() + RECOVERY_DEADLINE
        while time.monotonic() < deadline:
            recent = traffic.in_phase("database back")[-14:]
            if len(recent) == 14 and all(a.status == 200 for a in recent):
                recovered_at = time.monotonic()
                break
            time.sleep(0.2)
        traffic.phase = "recovered"
        traffic.wait_for("recovered", 30)

    assert recovered_at is not None, (
        f"no recovery: {statuses(traffic.in_phase('database back'))}"
    )
    assert site.server.process.poll() is None and site.server.process.pid == master
    assert sorted(site.server.worker_pids()) == workers, "workers were restarted"

    unexpected = [
        (a.phase, a.kind, a.status)
        for a in traffic.answers
        if a.status not in {200, 503}
    ]
    assert not unexpected, f"{statuses(traffic.answers)} {unexpected[:10]}"
    outage = [a for a in traffic.answers if a.status == 503]
    assert outage, "the outage was never noticed: no 503 during it"
    for answer in outage:
        assert answer.retry_after.isdigit(), answer.path
        assert b"Traceback" not in answer.body and b"psycopg" not in answer.body
        if answer.kind == "api":
            assert answer.content_type == "application/json"
            assert json.loads(answer.body)["code"] == "service_unavailable"
        else:
            assert answer.content_type.startswith("text/html")
            assert RETRY_AFTER_MESSAGE in answer.body
    after = traffic.in_phase("recovered")
    assert after and all(a.status == 200 for a in after), statuses(after)


# --- An import killed halfway ---------------------------------------------------------------


def large_catalog_document(models: int) -> dict:
    """A valid catalog/1 document big enough that importing it takes a few seconds."""
    providers = [f"ops-provider-{i}" for i in range(5)]
    benchmarks = [f"ops-bench-{i}" for i in range(3)]
    return {
        "format": "catalog/1",
        "vendors": [
            {"slug": f"ops-vendor-{i}", "name": f"Ops Vendor {i}"} for i in range(10)
        ],
        "providers": [{"slug": slug, "name": slug.title()} for slug in providers],
        "benchmarks": [
            {"slug": slug, "name": slug.title(), "unit": "%"} for slug in benchmarks
        ],
        "models": [
            {
                "slug": f"ops-model-{n}",
                "name": f"Ops Model {n}",
                "vendor": f"ops-vendor-{n % 10}",
                "release_date": "2025-06",
                "context_window": 8_000 + n,
                "description": f"Generated model number {n}.",
                "offerings": [
                    {
                        "provider": provider,
                        "input_price": f"{1 + n % 7}.25",
                        "output_price": f"{4 + n % 5}.50",
                        "price_history": [
                            {
                                "until": "2025-01-31",
                                "input_price": "9.00",
                                "output_price": "18.00",
                            }
                        ],
                    }
                    for provider in providers[: 1 + n % 5]
                ],
                "scores": [
                    {"benchmark": benchmark, "value": 10 + n % 80}
                    for benchmark in benchmarks
                ],
                "reviews": [
                    {
                        "reviewed_on": "2026-01-15",
                        "reviewer": "Ops",
                        "summary": f"Review {n}.",
                    }
                ],
            }
            for n in range(models)
        ],
    }


def catalog_snapshot(cluster, database: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every catalog table."""
    with cluster.connect(database) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND (tablename LIKE 'catalog\\_%' OR tablename LIKE 'comparisons\\_%') "
                "ORDER BY tablename"
            )
        ]
        return {
            table: tuple(
                connection.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
                ).fetchone()
            )
            for table in tables
        }


def writing_backends(cluster, database: str) -> int:
    """Sessions on the database inside a transaction that has written something."""
    with cluster.connect() as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()[0]


def connected_backends(cluster, database: str) -> int:
    with cluster.connect() as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()[0]


def test_import_killed_halfway_leaves_the_catalog_exactly_as_before(
    make_site, private_postgres, tmp_path
):
    site = make_site(workers=1)
    site.server.stop()  # only its fresh database is needed
    document = tmp_path / "large-catalog.json"
    document.write_text(json.dumps(large_catalog_document(2500)))
    before = catalog_snapshot(private_postgres, site.database)

    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_catalog", str(document)],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while writing_backends(private_postgres, site.database) == 0:
            assert importer.poll() is None, (
                "the import ended before it wrote anything: "
                + importer.stderr.read().decode(errors="replace")[-2000:]
            )
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        time.sleep(1)  # well into the writing
        assert importer.poll() is None, "the import finished before it could be killed"
        os.killpg(importer.pid, signal.SIGKILL)
        importer.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(importer.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while (
        connected_backends(private_postgres, site.database)
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)

    assert importer.returncode == -signal.SIGKILL
    assert catalog_snapshot(private_postgres, site.database) == before

    # The same document imports fine when left alone, so the kill is what stopped it.
    result = subprocess.run(
        [sys.executable, "manage.py", "import_catalog", str(document)],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert catalog_snapshot(private_postgres, site.database) != before
