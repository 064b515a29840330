"""The reference pair in the admin: a price change withholds the curated verdict at
once, on the page and in the API, and queues the comparison with the change;
marking it reviewed shows the verdict again."""

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.xdist_group("browser")

PAIR = "gpt-4-1-mini-vs-grok-4-20"
CURATED = "its input price is 68% lower ($0.40 against $1.25 per million tokens)"
RESTORE = """
from decimal import Decimal
from catalog.models import Offering
from comparisons.models import Comparison
from comparisons.services.curated import comparison_review_record
offering = Offering.objects.get(model__slug="gpt-4-1-mini", provider__slug="openai")
offering.input_price = Decimal("0.40")
offering.save()
comparison_review_record(
    comparisons=list(Comparison.objects.filter(model_a__slug="gpt-4-1-mini",
    model_b__slug="grok-4-20")), reviewer="browser test")
"""
NEW_KEY = """
from api.models import PartnerKey
print(PartnerKey.objects.create_key(name="Curated text check")[1])
"""


def api_pair(site, key: str) -> dict:
    request = urllib.request.Request(
        f"{site.url}/api/v1/comparisons/{PAIR}/",
        headers={"Authorization": f"Api-Key {key}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_a_price_change_withholds_the_curated_verdict_until_reviewed(new_page, site):
    key = site.shell(NEW_KEY).strip()
    reader = new_page()
    reader.goto(f"/compare/{PAIR}/")  # warms the page cache with the curated text
    verdict = reader.get_by_role("region", name="Verdict")
    assert CURATED in verdict.inner_text()
    assert api_pair(site, key)["curated_current"] is True

    editor = new_page()
    editor.goto("/admin/login/")
    editor.get_by_label("Username").fill(site.editor_username)
    editor.get_by_label("Password").fill(site.editor_password)
    editor.get_by_role("button", name="Log in").click()
    try:
        editor.get_by_role("link", name="Offerings").first.click()
        editor.get_by_role("link", name="GPT-4.1 Mini on OpenAI API").click()
        editor.get_by_label(re.compile(r"^Input price:?$")).fill("0.30")
        editor.get_by_role("button", name="Save", exact=True).first.click()
        editor.get_by_text("was changed successfully").wait_for(state="visible")

        # At once, on the page and in the API: the generated verdict instead.
        reader.reload()
        verdict = reader.get_by_role("region", name="Verdict").inner_text()
        assert CURATED not in verdict
        assert "GPT-4.1 Mini is the cheaper model" in verdict
        assert "$0.69" in verdict  # 0.7 × $0.30 + 0.3 × $1.60
        answer = api_pair(site, key)
        assert answer["curated_current"] is False
        assert CURATED not in answer["verdict"]

        # The queue names the comparison and the change, old → new.
        editor.goto("/admin/")
        section = editor.locator("#queue-curated-out-of-date")
        assert "Curated text out of date (1)" in section.inner_text()
        entry = section.get_by_role("listitem").filter(
            has_text="GPT-4.1 Mini vs Grok 4.20"
        )
        assert "GPT-4.1 Mini input price: $0.40 → $0.30" in entry.inner_text()
        entry.get_by_role("link", name="Mark reviewed").click()
        assert (
            "GPT-4.1 Mini input price: $0.40 → $0.30"
            in editor.locator("#content-main").inner_text()
        )
        editor.get_by_role(
            "button", name=re.compile("The curated text is still true")
        ).click()
        editor.get_by_text("shown again").wait_for(state="visible")
        assert (
            "Curated text out of date (0)"
            in editor.locator("#queue-curated-out-of-date").inner_text()
        )

        reader.reload()
        assert CURATED in reader.get_by_role("region", name="Verdict").inner_text()
        assert api_pair(site, key)["curated_current"] is True
    finally:
        # The demo catalog is shared by the other browser tests: put it back.
        site.shell(RESTORE)
