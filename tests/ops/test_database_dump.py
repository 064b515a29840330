"""The other backup path: a database dump keeps what the catalog document does not.

Users, partner keys and revision history live only in the database; pg_dump
and pg_restore bring all of it back, and the restored site serves with them.
"""

import secrets

import pytest

from tests.ops.conftest import TEMPLATE_DATABASE
from tests.ops.stack import AppServer, site_env

pytestmark = pytest.mark.ops

ONLY_IN_A_DUMP = (
    "auth_user",
    "auth_group",
    "catalog_partnerkey",
    "catalog_historicalllmmodel",
    "catalog_historicaloffering",
)


def counts(private_postgres, database: str) -> dict[str, int]:
    with private_postgres.connect(database) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ONLY_IN_A_DUMP
        }


def test_dump_and_restore_bring_back_users_keys_and_revisions(
    private_postgres, seeded_template, ops_dir, tmp_path
):
    dump = private_postgres.dir / f"versus-{secrets.token_hex(4)}.dump"
    private_postgres._run(
        "pg_dump",
        "-p",
        str(private_postgres.port),
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-Fc",
        "-f",
        str(dump),
        TEMPLATE_DATABASE,
    )
    restored = f"versus_restored_{secrets.token_hex(4)}"
    url = private_postgres.create_database(restored)
    private_postgres._run(
        "pg_restore",
        "-p",
        str(private_postgres.port),
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "--no-owner",
        "-d",
        restored,
        str(dump),
    )

    before = counts(private_postgres, TEMPLATE_DATABASE)
    assert all(before.values()), before
    assert counts(private_postgres, restored) == before

    server = AppServer(
        env=site_env(tmp_path, url, static_root=ops_dir / "static"),
        log_path=tmp_path / "gunicorn.log",
        workers=1,
    )
    server.start()
    try:
        answer = server.get(
            "/api/v1/models/",
            headers={"Authorization": f"Api-Key {seeded_template['api_key']}"},
        )
    finally:
        server.stop()
    assert answer.status == 200, answer.body[:300]
