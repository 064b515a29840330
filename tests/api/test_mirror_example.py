"""The guide's mirror script (docs/examples/mirror.py), run as a partner runs it.

Against a live server with the demo catalog and a key made by the guide's own
command: the first run exports, editors then change prices, tiers, offerings
and models on the server, the next run follows the change feed, and the file
must equal a fresh export, cursor included. When the log has been pruned past
the file's cursor, the script is told 410 and exports again.
"""

import json
import subprocess
import sys
import urllib.request

import pytest

from tests.api.live_site import demo_site
from tests.ops.stack import ROOT, manage

SCRIPT = ROOT / "docs" / "examples" / "mirror.py"

# Editors at work on the server, through the ORM as the admin saves.
EDITS = """
from decimal import Decimal
from catalog.models import LLMModel, Offering, PriceTier

price = Offering.objects.get(model__slug="gpt-4-1-mini", provider__slug="openrouter")
price.input_price = Decimal("0.45")
price.save()
PriceTier.objects.create(
    offering=Offering.objects.get(model__slug="gpt-5", provider__slug="openai"),
    above_tokens=272000,
    input_price=Decimal("2.50"),
    output_price=Decimal("20.00"),
)
Offering.objects.get(model__slug="grok-4-20", provider__slug="openrouter").delete()
o3 = LLMModel.objects.get(slug="o3")
o3.status = LLMModel.Status.DRAFT
o3.save()
LLMModel.objects.get(slug="kimi-k2-thinking").delete()
draft = LLMModel.objects.get(slug="claude-sonnet-5")
draft.status = LLMModel.Status.PUBLISHED
draft.save()
"""

ANOTHER_EDIT = """
from decimal import Decimal
from catalog.models import Offering

price = Offering.objects.get(model__slug="glm-5", provider__slug="zai")
price.output_price = Decimal("3.50")
price.save()
"""


@pytest.fixture(scope="module")
def mirror_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mirror-site")
    with demo_site(tmp) as (url, env):
        key = manage(
            env, "create_api_key", "Mirror", "--rate", "1000/minute"
        ).splitlines()[-1]
        yield f"{url}/api/v1", key, env


def run_mirror(api: str, key: str, path) -> str:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), api, key, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def fresh_export(api: str, key: str) -> dict:
    request = urllib.request.Request(
        f"{api}/export/", headers={"Authorization": f"Api-Key {key}"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        document = json.load(response)
    document.pop("exported_at")
    return document


def mirrored(path) -> dict:
    document = json.loads(path.read_text())
    document.pop("exported_at")
    return document


def slugs(document: dict) -> set[str]:
    return {model["slug"] for model in document["models"]}


def test_the_mirror_script_exports_follows_the_feed_and_equals_a_fresh_export(
    mirror_site, tmp_path
):
    api, key, env = mirror_site
    path = tmp_path / "catalog.json"

    first = run_mirror(api, key, path)
    assert first.startswith("exported ")
    before = mirrored(path)
    assert before == fresh_export(api, key)

    manage(env, "shell", "-c", EDITS)
    second = run_mirror(api, key, path)

    assert second.strip().endswith("change(s) applied")
    assert int(second.split()[0]) > 0
    after = mirrored(path)
    assert after == fresh_export(api, key)
    # The edits did reach the file: not merely two equal stale copies.
    assert slugs(before) - slugs(after) == {"o3", "kimi-k2-thinking"}
    assert slugs(after) - slugs(before) == {"claude-sonnet-5"}
    assert after["cursor"] != before["cursor"]
    # A run with nothing new changes nothing.
    assert run_mirror(api, key, path).strip() == "0 change(s) applied"
    assert mirrored(path) == after


def test_a_mirror_older_than_the_kept_changes_is_told_410_and_exports_again(
    mirror_site, tmp_path
):
    api, key, env = mirror_site
    path = tmp_path / "catalog.json"
    run_mirror(api, key, path)
    held = mirrored(path)
    manage(env, "shell", "-c", ANOTHER_EDIT)
    # The operator's daily pruning, with a window that keeps nothing.
    manage({**env, "VERSUS_CHANGES_WINDOW_DAYS": "0"}, "prune_changes")

    output = run_mirror(api, key, path)

    # The server's 410 message, passed on, then the script's own remedy.
    assert output.startswith("This cursor is older than the 90 days of changes kept.")
    assert output.strip().endswith("Exporting again.")
    again = mirrored(path)
    assert again == fresh_export(api, key)
    assert again != held
    assert run_mirror(api, key, path).strip() == "0 change(s) applied"
