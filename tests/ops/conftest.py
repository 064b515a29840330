"""Fixtures for the ops tests: one private PostgreSQL per test worker, sites on it."""

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops.stack import (
    AppServer,
    PrivatePostgres,
    PrivateRedis,
    manage,
    require_postgres,
    seed,
    site_env,
)

TEMPLATE_DATABASE = "versus_ops_template"
ADMIN_USERNAME = "ops-admin"
ADMIN_PASSWORD = secrets.token_urlsafe(16)


@dataclass
class Site:
    server: AppServer
    env: dict[str, str]
    database: str
    api_key: str
    models: list[str]
    redis: PrivateRedis | None = None
    admin_username: str = ADMIN_USERNAME
    admin_password: str = ADMIN_PASSWORD

    def api(self, path: str):
        return self.server.get(
            path, headers={"Authorization": f"Api-Key {self.api_key}"}
        )


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    require_postgres()
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def ops_dir() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="versus-ops-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_template(private_postgres, ops_dir) -> dict:
    """A migrated, seeded database that each site copies (CREATE DATABASE … TEMPLATE)."""
    url = private_postgres.create_database(TEMPLATE_DATABASE)
    env = site_env(ops_dir, url, static_root=ops_dir / "static")
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    return seed(env, ADMIN_PASSWORD)


@pytest.fixture
def make_site(private_postgres, seeded_template, ops_dir, tmp_path):
    """Start gunicorn on a fresh copy of the seeded database, optionally with Redis."""
    started: list[Site] = []

    def start(*, with_redis: bool = False, workers: int = 2) -> Site:
        database = f"versus_ops_{secrets.token_hex(4)}"
        url = private_postgres.create_database(database, template=TEMPLATE_DATABASE)
        redis = None
        if with_redis:
            redis = PrivateRedis(tmp_path)
            redis.start()
        env = site_env(
            tmp_path,
            url,
            static_root=ops_dir / "static",
            redis_url=redis.url if redis else "",
        )
        server = AppServer(env=env, log_path=tmp_path / "gunicorn.log", workers=workers)
        site = Site(
            server=server,
            env=env,
            database=database,
            api_key=seeded_template["api_key"],
            models=seeded_template["models"],
            redis=redis,
        )
        started.append(site)
        server.start()
        return site

    yield start
    for site in started:
        site.server.stop()
        if site.redis:
            site.redis.stop()
