"""A real worker process, killed with SIGKILL in the middle of applying a sync."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.databases import throwaway_postgres
from tests.upstream.conftest import SAMPLE, changed, sample

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not BASE_URL.startswith(("postgres://", "postgresql://")),
    reason="holding the worker mid-apply uses a PostgreSQL row lock; "
    "set DATABASE_URL to a PostgreSQL server (CI does)",
)


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def wait_for(check, *, what, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what()}")


def debug(db, tmp_path, run_id):
    return (
        db.execute("SELECT status, progress, message FROM upstream_syncrun").fetchall(),
        db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall(),
        (tmp_path / "worker.log").read_text()[-2000:],
    )


def test_sigkill_mid_apply_leaves_the_catalog_as_it_was(tmp_path):
    import psycopg

    with throwaway_postgres(BASE_URL, "versus_worker") as url:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=url,
            VAR_DIR=str(tmp_path / "var"),
            SECRET_KEY="worker-test",
            PYTHONUNBUFFERED="1",
        )
        for args in (
            ("migrate", "--no-input", "-v0"),
            ("import_catalog", str(SAMPLE)),
            ("sync_upstream", "--source", str(SAMPLE)),
        ):
            done = manage(env, *args)
            assert done.returncode == 0, done.stderr
        week = tmp_path / "api.json"
        week.write_text(json.dumps(changed(sample())))

        with psycopg.connect(url, autocommit=True) as db:

            def one(sql: str, *params):
                return db.execute(sql, params).fetchone()

            price_sql = (
                "SELECT o.input_price FROM catalog_offering o "
                "JOIN catalog_llmmodel m ON m.id = o.model_id "
                "JOIN catalog_provider p ON p.id = o.provider_id "
                "WHERE m.slug = 'gpt-4-1' AND p.slug = 'openai'"
            )
            before = one(price_sql)[0]
            # An editor's transaction holds the row the sync will write.
            holder = psycopg.connect(url)
            holder.execute(
                "SELECT o.id FROM catalog_offering o "
                "JOIN catalog_llmmodel m ON m.id = o.model_id "
                "WHERE m.slug = 'gpt-4-1' FOR NO KEY UPDATE"
            )
            queued = manage(
                env,
                "shell",
                "-c",
                "from upstream.tasks import sync_enqueue; "
                f"print(sync_enqueue(source={str(week)!r}).pk)",
            )
            assert queued.returncode == 0, queued.stderr
            run_id = int(queued.stdout.strip().splitlines()[-1])
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.2",
                ],
                cwd=ROOT,
                env=env,
                stdout=(tmp_path / "worker.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            try:
                wait_for(
                    # Its change set rows are written; it waits to update a price.
                    lambda: (
                        one(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' "
                            "AND query LIKE 'UPDATE \"catalog_offering\"%%'"
                        )[0]
                        > 0
                    ),
                    what=lambda: (
                        "the worker to block inside the apply: "
                        f"{debug(db, tmp_path, run_id)}"
                    ),
                )
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
                holder.rollback()
                holder.close()

            assert one(price_sql)[0] == before
            assert one("SELECT count(*) FROM upstream_changeset")[0] == 0
            assert one("SELECT count(*) FROM upstream_upstreamchange")[0] == 0
            status, active = one(
                "SELECT status, is_active FROM upstream_syncrun WHERE id = %s", run_id
            )
            assert (status, active) == ("running", True)

            # The next sync sees the worker is gone, marks its run failed, completes.
            again = manage(env, "sync_upstream", "--source", str(week))
            assert again.returncode == 0, again.stderr
            assert "applied by policy" in again.stdout
            status, message, task_id = one(
                "SELECT status, message, task_id FROM upstream_syncrun WHERE id = %s",
                run_id,
            )
            assert status == "failed"
            assert "nothing of it was applied" in message
            task_status = one(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id::text = %s",
                task_id,
            )
            assert task_status == ("FAILED",)
            assert one(price_sql)[0] != before
