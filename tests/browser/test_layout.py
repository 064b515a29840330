"""Phones: at 375 pixels nothing scrolls sideways and every control is reachable."""

import pytest

from tests.browser.support import PHONE, READER_PAGES, tab_walk

pytestmark = pytest.mark.xdist_group("browser")

# What sticks out past the right edge, outside any box that scrolls on its own.
# An absolutely positioned element escapes a scrolling box unless the box (or an
# element inside it) is its containing block: such a box cannot hold it.
_OVERFLOWING_JS = """() => {
    const clipped = (el) => {
        const position = getComputedStyle(el).position;
        if (position === 'fixed') return false;
        let a = el.parentElement;
        if (position === 'absolute') {
            while (a && a !== document.body && getComputedStyle(a).position === 'static')
                a = a.parentElement;
        }
        for (; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
    };
    const describe = (el) => el.tagName.toLowerCase()
        + (typeof el.className === 'string' && el.className.trim()
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' "' + el.textContent.trim().slice(0, 30) + '"';
    return [...document.body.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .filter((el) => !clipped(el))
        .slice(0, 8)
        .map(describe);
}"""

# Each table: does it fit, or does a box around it that fits the screen scroll it?
_TABLES_JS = """() => [...document.querySelectorAll('table')].map((table) => {
    const fits = (el) => el.getBoundingClientRect().right <= window.innerWidth + 0.5;
    let box = table.parentElement;
    while (box && box !== document.body
           && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
        box = box.parentElement;
    }
    const scroller = box && box !== document.body ? box : null;
    return {
        caption: (table.caption ? table.caption.textContent : table.outerHTML.slice(0, 60))
            .trim().replace(/\\s+/g, ' '),
        fits: fits(table),
        scrollsInFittingBox: scroller !== null && fits(scroller),
    };
})"""


def open_on_phone(new_page, name):
    page = new_page(viewport=PHONE)
    path, status = READER_PAGES[name]
    assert page.goto(path).status == status
    return page


@pytest.mark.parametrize("name", READER_PAGES)
def test_page_does_not_scroll_sideways_on_a_375px_phone(new_page, name):
    page = open_on_phone(new_page, name)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], (
        f"the {name} page is {scroll_width}px wide on a {PHONE['width']}px phone; "
        f"sticking out: {page.evaluate(_OVERFLOWING_JS)}"
    )


@pytest.mark.parametrize("name", ["pair", "model", "models list", "benchmark"])
def test_wide_tables_scroll_inside_their_own_box_on_a_phone(new_page, name):
    page = open_on_phone(new_page, name)

    tables = page.evaluate(_TABLES_JS)
    assert tables, f"the {name} page has no table"
    spilling = [
        t["caption"] for t in tables if not t["fits"] and not t["scrollsInFittingBox"]
    ]
    assert not spilling, f"tables wider than the phone and not scrollable: {spilling}"


@pytest.mark.parametrize("name", READER_PAGES)
def test_every_control_is_reachable_with_tab_on_a_phone(new_page, name):
    page = open_on_phone(new_page, name)

    unreached, offscreen = tab_walk(page)
    assert not unreached, f"never focused by Tab on the {name} page: {unreached}"
    assert not offscreen, f"focused but off-screen on the {name} page: {offscreen}"


def test_first_tab_shows_a_skip_link_that_moves_focus_to_the_content(new_page):
    page = open_on_phone(new_page, "pair")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0, (
        "the focused skip link is off-screen"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
