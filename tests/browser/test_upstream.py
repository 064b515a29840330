"""An editor syncs from an uploaded file, accepts one provider's prices, sees them live."""

import json
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.browser.support import ROOT
from tests.upstream.conftest import sample

pytestmark = pytest.mark.xdist_group("browser")

PAIR = "/compare/claude-haiku-4-5-vs-claude-sonnet-4-5/"


@pytest.fixture
def worker(site):
    """The background worker, as `make run` and production run it."""
    process = subprocess.Popen(
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
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def week_of_changes() -> dict:
    """The committed models.dev sample with new prices at Anthropic and at OpenAI."""
    document = sample()
    anthropic = document["anthropic"]["models"]
    anthropic["claude-haiku-4-5"]["cost"]["input"] = 0.8
    anthropic["claude-sonnet-4-5"]["cost"]["input"] = 2.5
    document["openai"]["models"]["gpt-4.1-mini"]["cost"]["input"] = 0.35
    return document


def test_editor_accepts_one_providers_prices_from_a_synced_file(
    page, site, worker, tmp_path
):
    from playwright.sync_api import expect  # the harness checks it is installed

    upload = tmp_path / "api.json"
    upload.write_text(json.dumps(week_of_changes()))
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(site.editor_username)
    page.get_by_label("Password").fill(site.editor_password)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Syncs and imports").click()
    page.get_by_role("link", name="Sync now").click()
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Sync now").click()
    # The run's page refreshes itself until the worker is done.
    page.get_by_text(re.compile(r"Done: Change set \d+")).wait_for(timeout=60_000)
    page.get_by_role("link", name=re.compile(r"Review change set")).click()

    by = page.locator("#changelist-filter")
    by.locator("[data-filter-title=topic]").get_by_role("link", name="Price").click()
    page.wait_for_url(re.compile(r"topic__exact=price"))
    by.locator("[data-filter-title=provider]").get_by_role(
        "link", name="anthropic"
    ).click()
    page.wait_for_url(re.compile(r"provider=anthropic"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Claude Haiku 4.5 on Anthropic")
    # Every row the filter shows: the header's box ticks them all.
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("accept")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Applied 2 changes.").wait_for()

    # The other provider's change still waits.
    by.locator("[data-filter-title=provider]").get_by_role(
        "link", name="openai"
    ).click()
    page.wait_for_url(re.compile(r"provider=openai"))
    expect(page.locator("#result_list")).to_contain_text("GPT-4.1 Mini on OpenAI")

    reader = page.context.browser.new_context(base_url=site.url).new_page()
    reader.goto(PAIR)
    prices = reader.locator("main").inner_text()
    assert "$0.80" in prices
    assert "$2.50" in prices
    with urllib.request.urlopen(f"{site.url}/feeds/changes.atom", timeout=10) as feed:
        atom = feed.read().decode()
    assert "Price change: Claude Haiku 4.5 on Anthropic" in atom
    assert "Price change: Claude Sonnet 4.5 on Anthropic" in atom
    reader.context.close()
