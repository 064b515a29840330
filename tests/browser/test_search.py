"""Search and the compare picker's type-ahead combobox, in a real browser."""

import pytest

from tests.browser.support import (
    PHONE,
    REFERENCE_PAIR,
    axe_violations,
    describe_violations,
    tab_to,
)

pytestmark = pytest.mark.xdist_group("browser")

STATE_JS = """() => {
    const box = document.getElementById('id_a');
    const list = document.getElementById(box.getAttribute('aria-controls'));
    const active = box.getAttribute('aria-activedescendant');
    return {
        role: box.getAttribute('role'),
        expanded: box.getAttribute('aria-expanded'),
        listRole: list.getAttribute('role'),
        listHidden: list.hidden,
        options: [...list.querySelectorAll('[role=option]')].map(
            (o) => o.firstChild.textContent),
        selected: [...list.querySelectorAll('[aria-selected=true]')].map((o) => o.id),
        active: active,
        value: box.value,
        focused: document.activeElement === box,
    };
}"""


def state(page) -> dict:
    return page.evaluate(STATE_JS)


def wait_open(page, box: str = "id_a") -> None:
    """Wait until the list is open and answers the whole text typed (not busy)."""
    page.locator(f"#{box}[aria-expanded='true']").wait_for()
    page.locator(f"#{box}-listbox[aria-busy='false']").wait_for(state="attached")


def test_combobox_by_keyboard_only(page, site):
    page.goto("/")
    tab_to(page, "First model")
    page.keyboard.type("gtp 4.1 mini")
    wait_open(page)
    opened = state(page)
    assert opened["role"] == "combobox"
    assert opened["listRole"] == "listbox"
    assert opened["options"][0] == "GPT-4.1 Mini"
    assert opened["active"] is None

    # Down highlights the first option through aria-activedescendant; focus stays.
    page.keyboard.press("ArrowDown")
    moved = state(page)
    assert moved["focused"]
    assert moved["selected"] == [moved["active"]]
    assert moved["active"].endswith("-option-0")
    # Up from the first wraps to the last, Down comes back to the first.
    page.keyboard.press("ArrowUp")
    assert state(page)["active"].endswith(f"-option-{len(opened['options']) - 1}")
    page.keyboard.press("ArrowDown")

    page.keyboard.press("Enter")
    chosen = state(page)
    assert chosen["value"] == "GPT-4.1 Mini"
    assert chosen["expanded"] == "false"
    assert chosen["listHidden"]

    # Escape closes an open list and keeps the text; a second Escape clears it.
    page.keyboard.press("Backspace")
    wait_open(page)
    page.keyboard.press("Escape")
    assert state(page)["expanded"] == "false"
    assert state(page)["value"] == "GPT-4.1 Min"
    page.keyboard.press("Escape")
    assert state(page)["value"] == ""

    page.keyboard.type("GPT-4.1 Mini")
    wait_open(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    tab_to(page, "Second model")
    page.keyboard.type("grok 4.20")
    wait_open(page, "id_b")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    tab_to(page, "Compare")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")
    assert page.locator("h1").inner_text() == "GPT-4.1 Mini vs Grok 4.20"


def test_combobox_on_a_375px_phone(new_page, site):
    page = new_page(viewport=PHONE, has_touch=True)
    page.goto("/compare/")
    page.locator("#id_a").tap()
    page.keyboard.type("grok 4.20")
    wait_open(page)
    listbox = page.locator("#id_a-listbox")
    box = listbox.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Each option is a comfortable target for a finger.
    assert page.locator("#id_a-option-0").bounding_box()["height"] >= 32
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#id_a-option-0").tap()
    assert state(page)["value"] == "Grok 4.20"
    page.locator("#id_b").tap()
    page.keyboard.type("gpt 4.1 mini")
    wait_open(page, "id_b")
    page.locator("#id_b-option-0").tap()
    page.get_by_role("button", name="Compare").tap()
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")


def test_search_box_works_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto("/models/")
    page.fill("#site-search-q", "calude sonet")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=calude+sonet")
    first = page.locator(".search-results li a").first
    assert first.inner_text().startswith("Claude")
    assert "Sonnet" in first.inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_combobox_has_no_accessibility_violation(new_page, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    page.goto("/")
    page.locator("#id_a").focus()
    page.keyboard.type("gpt")
    wait_open(page)
    page.keyboard.press("ArrowDown")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
