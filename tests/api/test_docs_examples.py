"""The shell examples of docs/api.md, run as written against a live server.

A partner copies these commands first; when the API and the guide drift apart,
this fails. Every ``sh`` block of the page runs, in order, in one bash session
(so ``KEY``, ``H`` and ``API`` carry over), with curl failing on any 4xx or 5xx.
Only the address of the server and the path of manage.py are put in for the
real ones; the key is made by the guide's own ``create_api_key`` command.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GUIDE = ROOT / "docs" / "api.md"
DEMO_CATALOG = ROOT / "catalog" / "fixtures" / "demo-catalog.json"
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"
DOCUMENTED_MANAGE = ".venv/bin/python manage.py"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
START_TIMEOUT = 90  # seconds: gunicorn's first import of the project on busy cores
# Fail on error answers, as a partner would notice them, and show what went wrong.
PREAMBLE = """set -euo pipefail
curl() { command curl --silent --show-error --fail-with-body "$@"; }
"""


def sh_blocks(markdown: str) -> list[str]:
    return SH_BLOCK.findall(markdown)


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/robots.txt", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer in time:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """gunicorn on a free loopback port, a fresh SQLite database with the demo catalog."""
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run the guide's examples (apt-get install curl)")
    tmp = tmp_path_factory.mktemp("docs-site")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_")) and key != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'site.sqlite3'}",
        VAR_DIR=str(tmp / "var"),
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    subprocess.run(
        [sys.executable, "manage.py", "import_catalog", str(DEMO_CATALOG)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log = tmp / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
            start_new_session=True,
        )
    listener.close()
    try:
        wait_until_up(url, process, log)
        yield url, env, tmp
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_guide_has_shell_examples_for_keys_endpoints_filters_and_sync():
    script = "\n".join(sh_blocks(GUIDE.read_text()))

    assert "create_api_key" in script
    for path in ("/models/", "/comparisons/", "/export/", "updated_since="):
        assert path in script
    assert DOCUMENTED_ORIGIN in script


def test_every_shell_example_of_the_api_guide_works_against_a_live_server(live_site):
    url, env, tmp = live_site
    script = "\n".join(sh_blocks(GUIDE.read_text()))
    script = script.replace(DOCUMENTED_ORIGIN, url).replace(
        DOCUMENTED_MANAGE, f"{sys.executable} {ROOT / 'manage.py'}"
    )
    workdir = tmp / "partner"
    workdir.mkdir()

    result = subprocess.run(
        ["bash", "-c", PREAMBLE + script],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, (
        f"an example failed (exit {result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n"
    )
    # The answers are the API's: JSON naming the demo catalog's models ...
    assert '"slug":"gpt-4-1-mini-vs-grok-4-20"' in result.stdout.replace(" ", "")
    # ... the export example saved a catalog/1 document of the published models ...
    exported = json.loads((workdir / "catalog.json").read_text())
    assert exported["format"] == "catalog/1"
    assert {"gpt-4-1-mini", "grok-4-20"} <= {m["slug"] for m in exported["models"]}
    # ... and the conditional request example got its 304.
    # (JSON bodies end without a newline, so the code may follow one on its line.)
    assert re.search(r"(?:^|[]}])304$", result.stdout, re.MULTILINE)
