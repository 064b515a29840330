"""The shell examples of docs/api.md, run as written against a live server.

A partner copies these commands first; when the API and the guide drift apart,
this fails. Every ``sh`` block of the page runs, in order, in one bash session
(so ``KEY``, ``H`` and ``API`` carry over), with curl failing on any 4xx or 5xx.
Only the address of the server and the path of manage.py are put in for the
real ones; the key is made by the guide's own ``create_api_key`` command.
"""

import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.api.live_site import demo_site
from tests.ops.stack import ROOT

GUIDE = ROOT / "docs" / "api.md"
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"
DOCUMENTED_MANAGE = ".venv/bin/python manage.py"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Fail on error answers, as a partner would notice them, and show what went wrong.
PREAMBLE = """set -euo pipefail
curl() { command curl --silent --show-error --fail-with-body "$@"; }
"""


def sh_blocks(markdown: str) -> list[str]:
    return SH_BLOCK.findall(markdown)


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run the guide's examples (apt-get install curl)")
    tmp = tmp_path_factory.mktemp("docs-site")
    with demo_site(tmp) as (url, env):
        yield url, env, tmp


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
