"""End-to-end flows a reader (or an editor) goes through, in a real browser."""

import json
import re
import urllib.request
from decimal import Decimal

import pytest

from tests.browser.support import (
    REFERENCE_PAIR,
    choose_with_arrow_keys,
    tab_to,
    table_cell,
)

pytestmark = pytest.mark.xdist_group("browser")

MILLION = Decimal(1_000_000)

# The endpoints of docs/api.md; {…} stands for any path parameter.
API_ENDPOINTS = (
    "/api/v1/vendors/",
    "/api/v1/vendors/{}/",
    "/api/v1/providers/",
    "/api/v1/providers/{}/",
    "/api/v1/benchmarks/",
    "/api/v1/benchmarks/{}/",
    "/api/v1/models/",
    "/api/v1/models/{}/",
    "/api/v1/comparisons/",
    "/api/v1/comparisons/{}/",
    "/api/v1/export/",
)


def money(text: str) -> Decimal:
    """$1,234.5 -> Decimal('1234.5')."""
    match = re.search(r"\$([\d,]+(?:\.\d+)?)", text)
    assert match, f"no dollar amount in {text!r}"
    return Decimal(match.group(1).replace(",", ""))


def assert_shows_cost(shown: str, expected: Decimal) -> None:
    """The shown amount equals the exact cost, to the precision it is shown with."""
    amount = money(shown)
    places = -amount.as_tuple().exponent if amount.as_tuple().exponent < 0 else 0
    tolerance = Decimal(1).scaleb(-places) / 2
    assert abs(amount - expected) <= tolerance, f"shown {shown!r}, expected {expected}"


def from_prices(page) -> dict[str, tuple[Decimal, Decimal]]:
    """Each model's "from" input and output prices, read off the page's own table."""
    names = page.locator("h1").inner_text().split(" vs ")
    return {
        name.strip(): (
            money(table_cell(page, "From", "Input", name.strip())),
            money(table_cell(page, "From", "Output", name.strip())),
        )
        for name in names
    }


def monthly_costs(page) -> dict[str, str]:
    """The calculator's answer per model, as shown."""
    rows = page.get_by_role("table", name=re.compile("Monthly cost")).locator(
        "tbody tr"
    )
    return {
        row.locator("th").inner_text().strip(): row.locator("output")
        .inner_text()
        .strip()
        for row in rows.all()
    }


# --- Compare picker --------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("GPT-4.1 Mini", "Grok 4.20"), ("Grok 4.20", "GPT-4.1 Mini")],
    ids=["canonical-order", "reversed-order"],
)
def test_keyboard_only_picker_lands_on_the_canonical_pair_page(
    page, site, first, second
):
    page.goto("/")

    tab_to(page, "First model")
    choose_with_arrow_keys(page, first)
    tab_to(page, "Second model")
    choose_with_arrow_keys(page, second)
    tab_to(page, "Compare")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")

    assert page.url == f"{site.url}{REFERENCE_PAIR}"
    assert page.locator("h1").inner_text() == "GPT-4.1 Mini vs Grok 4.20"


# --- Cost calculator -------------------------------------------------------------


def test_calculator_updates_both_costs_as_you_type_in_agreement_with_the_tables(page):
    page.goto(REFERENCE_PAIR)
    prices = from_prices(page)

    page.get_by_label("Input tokens per month").fill("")
    page.get_by_label("Input tokens per month").press_sequentially("12,345,678")
    page.get_by_label("Output tokens per month").fill("")
    page.get_by_label("Output tokens per month").press_sequentially("3000000")

    costs = monthly_costs(page)
    assert set(costs) == set(prices)
    for name, (input_price, output_price) in prices.items():
        expected = (12_345_678 * input_price + 3_000_000 * output_price) / MILLION
        assert_shows_cost(costs[name], expected)
    assert page.url.endswith(REFERENCE_PAIR), "the costs changed by reloading the page"


def test_calculator_explains_nonsense_and_keeps_the_page(page):
    page.goto(REFERENCE_PAIR)

    field = page.get_by_label("Input tokens per month")
    field.fill("")
    field.press_sequentially("lots")

    message = page.get_by_role("alert").filter(has_text="whole number of tokens")
    message.wait_for(state="visible")
    assert message.is_visible()
    assert field.get_attribute("aria-invalid") == "true"
    for shown in monthly_costs(page).values():
        assert not re.search(r"NaN|undefined|Infinity|\$-", shown), shown


def test_calculator_works_as_a_plain_form_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(REFERENCE_PAIR)
    prices = from_prices(page)

    page.get_by_label("Input tokens per month").fill("2000000")
    page.get_by_label("Output tokens per month").fill("500000")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_url(re.compile(r"input_tokens=2000000"))

    costs = monthly_costs(page)
    for name, (input_price, output_price) in prices.items():
        assert_shows_cost(
            costs[name], (2_000_000 * input_price + 500_000 * output_price) / MILLION
        )

    page.get_by_label("Input tokens per month").fill("-5")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_url(re.compile(r"input_tokens=-5"))
    assert page.get_by_text("Enter zero or more tokens").is_visible()
    assert page.locator("h1").inner_text() == "GPT-4.1 Mini vs Grok 4.20"


# --- Models list -----------------------------------------------------------------


def test_models_list_filter_and_sort_then_model_page_then_suggested_comparison(page):
    page.goto("/models/")

    page.get_by_label("Vendor", exact=True).select_option(label="Anthropic")
    page.get_by_label("Sort by", exact=True).select_option(
        label="Price (lowest blended first)"
    )
    page.get_by_role("button", name="Show models").click()
    page.wait_for_url(re.compile(r"vendor=anthropic"))

    rows = page.get_by_role("table").first.locator("tbody tr")
    names = [row.locator("th, td").first.inner_text().strip() for row in rows.all()]
    assert names and all(name.startswith("Claude") for name in names), names
    blended = [money(table_cell_in_row(row, "Blended")) for row in rows.all()]
    assert blended == sorted(blended), (
        f"not cheapest first: {list(zip(names, blended, strict=True))}"
    )

    first = names[0]
    page.get_by_role("link", name=first, exact=True).first.click()
    assert page.locator("h1").inner_text().startswith(first)

    suggestions = page.get_by_role("region", name=f"Compare {first}")
    suggestion = suggestions.get_by_role("link", name=re.compile(" vs ")).first
    title = suggestion.inner_text()
    suggestion.click()
    page.wait_for_url(re.compile(r"/compare/[a-z0-9-]+-vs-[a-z0-9-]+/$"))
    assert page.locator("h1").inner_text() == title
    assert first in title


def table_cell_in_row(row, column: str) -> str:
    """The text of ``row``'s cell under the header ``column``."""
    return row.evaluate(
        """(row, column) => {
            const heads = [...row.closest('table').querySelectorAll('thead th')]
                .map((th) => th.textContent.trim());
            const index = heads.findIndex((text) => text.startsWith(column));
            return index < 0 ? '' : row.children[index].textContent.trim();
        }""",
        column,
    )


# --- Admin -----------------------------------------------------------------------

EDITED_PAIR = "/compare/glm-5-vs-kimi-k2-thinking/"


def test_editor_price_change_shows_on_the_readers_next_load(new_page, site):
    """GLM-5 ($1.00/$3.20) drops below Kimi K2 Thinking ($0.60/$2.50) blended."""
    reader = new_page()
    reader.goto(EDITED_PAIR)  # warms the page cache with the old price
    verdict = reader.get_by_role("region", name="Verdict")
    assert verdict.inner_text().count("Kimi K2 Thinking is the cheaper model") == 1
    assert money(table_cell(reader, "From", "Input", "GLM-5")) == Decimal("1.00")

    editor = new_page()
    editor.goto("/admin/login/")
    editor.get_by_label("Username").fill(site.editor_username)
    editor.get_by_label("Password").fill(site.editor_password)
    editor.get_by_role("button", name="Log in").click()
    editor.get_by_role("link", name="Offerings").first.click()
    editor.get_by_role("link", name="GLM-5 on Z.AI API").click()
    editor.get_by_label(re.compile(r"^Input price:?$")).fill("0.30")
    editor.get_by_label(re.compile(r"^Output price:?$")).fill("1.00")
    editor.get_by_role("button", name="Save", exact=True).first.click()
    # The save redirects to the list; is_visible() alone does not wait for it.
    saved = editor.get_by_text("was changed successfully")
    saved.wait_for(state="visible")
    assert saved.is_visible()

    reader.reload()
    assert money(table_cell(reader, "From", "Input", "GLM-5")) == Decimal("0.30")
    assert money(table_cell(reader, "From", "Output", "GLM-5")) == Decimal("1.00")
    verdict = reader.get_by_role("region", name="Verdict").inner_text()
    assert "GLM-5 is the cheaper model" in verdict
    assert "56%" in verdict  # ($1.17 - $0.51) / $1.17, rounded half up


# --- API docs --------------------------------------------------------------------


def test_api_docs_page_lists_every_endpoint(page, site):
    with urllib.request.urlopen(
        f"{site.url}/api/schema/?format=json", timeout=10
    ) as answer:
        schema_paths = set(json.load(answer)["paths"])

    page.goto("/api/docs/")
    page.get_by_text("/api/v1/models/", exact=False).first.wait_for()
    shown = page.locator("body").inner_text().replace("\u200b", "")

    for endpoint in API_ENDPOINTS:
        pattern = re.escape(endpoint).replace(r"\{\}", r"\{[^}/]+\}")
        assert re.search(pattern + r"(?![\w{/])", shown), f"docs do not list {endpoint}"
    missing = [path for path in schema_paths if path not in shown]
    assert not missing, f"in the schema but not on the docs page: {missing}"
