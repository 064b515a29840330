"""A bounded soak: mixed traffic at 64 connections, zero errors, memory flat.

bench/soak.py runs the full 60 seconds by hand; this runs its short version.
"""

import importlib.util

import pytest

from tests.ops.stack import ROOT

pytestmark = [pytest.mark.ops, pytest.mark.xdist_group("ops")]

SOAK_SECONDS = 12
CONNECTIONS = 64
MAX_GROWTH_MB = 30


def load_soak():
    spec = importlib.util.spec_from_file_location("soak", ROOT / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mixed_traffic_at_64_connections_gives_no_errors_and_flat_memory(make_site):
    soak = load_soak()
    site = make_site(workers=3)

    result = soak.run(
        site.server.url,
        seconds=SOAK_SECONDS,
        connections=CONNECTIONS,
        api_key=site.api_key,
        admin_user=site.admin_username,
        admin_password=site.admin_password,
        gunicorn_pid=site.server.process.pid,
    )

    report = result.report() + "\n" + site.server.log_tail()
    assert result.failures == 0, report
    # Every kind of traffic was served (how much depends on the machine).
    assert result.counts[("page", "ok")] > 0, report
    assert result.counts[("api", "ok")] > 0, report
    assert result.counts[("admin save", "ok")] > 0, report
    assert len(result.memory_end) == 3, report
    assert result.memory_growth_mb < MAX_GROWTH_MB, report
