"""The compare picker and the "add a model" form in a real browser: keyboard only,
on a phone, with typed names, without JavaScript, and accessible in both schemes."""

import pytest

from tests.browser.support import (
    PHONE,
    REFERENCE_PAIR,
    axe_violations,
    choose_with_arrow_keys,
    describe_violations,
    tab_to,
)

pytestmark = pytest.mark.xdist_group("browser")

ADD_PAGE = "/compare/add/?m=gpt-4-1-mini&m=grok-4-20"
TRIPLE = "/compare/claude-sonnet-4-5-vs-gpt-4-1-mini-vs-grok-4-20/"
# "gpt-4" starts the names of GPT-4.1 and GPT-4.1 Mini: the server asks which.
AMBIGUOUS_PICK = "/compare/go/?a=gpt-4&b=Grok+4.20"
AMBIGUOUS_ADD = f"{ADD_PAGE}&add=claude+sonnet"

COMBOBOX_JS = """(id) => {
    const box = document.getElementById(id);
    const list = document.getElementById(box.getAttribute('aria-controls'));
    const active = box.getAttribute('aria-activedescendant');
    return {
        role: box.getAttribute('role'),
        expanded: box.getAttribute('aria-expanded'),
        listRole: list && list.getAttribute('role'),
        active: active,
        activeRole: active && document.getElementById(active).getAttribute('role'),
        value: box.value,
        name: box.getAttribute('name'),
        sent: box.closest('.combobox').querySelector('input[type=hidden]').value,
    };
}"""


def combobox(page, box_id: str) -> dict:
    return page.evaluate(COMBOBOX_JS, box_id)


def submit_picker(page, first: str, second: str, *, role: str = "combobox") -> None:
    """Type a name into each of the picker's boxes, choose nothing, press Compare.

    The boxes are comboboxes with JavaScript and plain text boxes without it.
    """
    page.get_by_role(role, name="First model").fill(first)
    page.get_by_role(role, name="Second model").fill(second)
    page.get_by_role("button", name="Compare").click()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_keyboard_only_pick_on_a_375px_phone(new_page, site):
    page = new_page(viewport=PHONE)
    page.goto("/")
    tab_to(page, "First model")
    choose_with_arrow_keys(page, "Grok 4.20")
    tab_to(page, "Second model")
    page.keyboard.type("gpt 4.1 mini")
    page.locator("#id_b[aria-expanded='true']").wait_for()
    page.locator("#id_b-listbox[aria-busy='false']").wait_for(state="attached")
    listbox = page.locator("#id_b-listbox").bounding_box()
    assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= PHONE["width"]
    assert no_sideways_scroll(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    tab_to(page, "Compare")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")


def test_keyboard_only_add_a_model_on_a_375px_phone(new_page, site):
    page = new_page(viewport=PHONE)
    page.goto(ADD_PAGE)
    tab_to(page, "Model to add")
    page.keyboard.type("claude sonnet 4.5")
    page.locator("#id_add[aria-expanded='true']").wait_for()
    page.locator("#id_add-listbox[aria-busy='false']").wait_for(state="attached")
    opened = combobox(page, "id_add")
    assert opened["role"] == "combobox"
    assert opened["listRole"] == "listbox"
    assert opened["active"] is None
    listbox = page.locator("#id_add-listbox").bounding_box()
    assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= PHONE["width"]
    assert page.locator("#id_add-option-0").bounding_box()["height"] >= 32
    assert no_sideways_scroll(page)

    page.keyboard.press("ArrowDown")
    moved = combobox(page, "id_add")
    assert moved["active"] == "id_add-option-0"
    assert moved["activeRole"] == "option"
    page.keyboard.press("Enter")
    chosen = combobox(page, "id_add")
    assert chosen["value"] == "Claude Sonnet 4.5"
    assert chosen["expanded"] == "false"
    # The box shows the name; the form sends the slug in its place.
    assert chosen["name"] is None
    assert chosen["sent"] == "claude-sonnet-4-5"
    # Escape on a closed list clears the box; typing again reopens it.
    page.keyboard.press("Escape")
    assert combobox(page, "id_add")["value"] == ""
    choose_with_arrow_keys(page, "Claude Sonnet 4.5")
    tab_to(page, "Add and compare")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}{TRIPLE}")


def test_typed_names_left_unchosen_are_found_by_the_server(page, site):
    page.goto("/compare/")
    submit_picker(page, "gpt 4.1 mini", "grok 4.20")
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")


def test_an_ambiguous_name_offers_the_close_models_with_the_combobox_kept(page, site):
    page.goto("/")
    submit_picker(page, "gpt-4", "Grok 4.20")
    page.wait_for_url("**/compare/go/**")
    assert (
        "More than one model matches “gpt-4”"
        in page.locator("#id_a-error").inner_text()
    )
    # The page still enhances both boxes; the one the server settled sends its slug.
    assert combobox(page, "id_a")["role"] == "combobox"
    assert page.locator("#id_b").input_value() == "Grok 4.20"
    page.get_by_role("link", name="GPT-4.1 Mini (OpenAI)").click()
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")


# --- Without JavaScript ------------------------------------------------------------


def test_picker_works_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    submit_picker(page, "gpt 4.1 mini", "Grok 4.20", role="textbox")
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")


def test_did_you_mean_works_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    submit_picker(page, "gpt-4", "grok 4.20", role="textbox")
    page.wait_for_url("**/compare/go/**")
    page.get_by_role("link", name="GPT-4.1 Mini (OpenAI)").click()
    page.wait_for_url(f"{site.url}{REFERENCE_PAIR}")


def test_add_a_model_works_without_javascript(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(ADD_PAGE)
    page.get_by_label("Model to add").fill("Claude Sonnet 4.5")
    page.get_by_role("button", name="Add and compare").click()
    page.wait_for_url(f"{site.url}{TRIPLE}")


# --- Accessibility -------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", [AMBIGUOUS_PICK, AMBIGUOUS_ADD], ids=["did-you-mean", "add-did-you-mean"]
)
def test_did_you_mean_pages_have_no_accessibility_violation(new_page, path, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    assert page.goto(path).status == 200
    assert page.locator(".suggestions a").count() >= 2
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_combobox_on_the_add_page_has_no_accessibility_violation(new_page, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    page.goto(ADD_PAGE)
    page.locator("#id_add").focus()
    page.keyboard.type("claude")
    page.locator("#id_add[aria-expanded='true']").wait_for()
    page.locator("#id_add-listbox[aria-busy='false']").wait_for(state="attached")
    page.keyboard.press("ArrowDown")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
