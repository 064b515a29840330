"""A live demo site for tests that talk to the API over HTTP, as partners do."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.ops.stack import ROOT, AppServer, manage, site_env

DEMO_CATALOG = ROOT / "catalog" / "fixtures" / "demo-catalog.json"


@contextlib.contextmanager
def demo_site(tmp: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """gunicorn on a free loopback port, a fresh SQLite database with the demo catalog."""
    env = site_env(tmp, f"sqlite:///{tmp / 'site.sqlite3'}", static_root=tmp / "static")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "import_catalog", str(DEMO_CATALOG))
    server = AppServer(env=env, log_path=tmp / "server.log", workers=1)
    server.start()
    try:
        yield server.url, env
    finally:
        server.stop()
