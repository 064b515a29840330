"""Accessibility: axe-core finds nothing serious, in both colour schemes; charts speak."""

import pytest

from tests.browser.support import READER_PAGES, axe_violations, describe_violations

pytestmark = pytest.mark.xdist_group("browser")

# The main reader pages, plus the other reader page types: each layout once.
AXE_PAGES = list(READER_PAGES)

# Top-level inline SVGs that are not hidden from assistive technology, with the
# role and accessible name a screen reader would announce.
_CHARTS_JS = """() => [...document.querySelectorAll('svg')]
    .filter((svg) => !svg.parentElement.closest('svg'))
    .filter((svg) => !svg.closest('[aria-hidden="true"]'))
    .map((svg) => {
        const labelledBy = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/)
            .map((id) => document.getElementById(id))
            .filter(Boolean).map((el) => el.textContent).join(' ');
        const title = svg.querySelector(':scope > title');
        return {
            role: svg.getAttribute('role'),
            name: (svg.getAttribute('aria-label') || labelledBy
                   || (title ? title.textContent : '')).trim(),
            html: svg.outerHTML.slice(0, 120),
        };
    })"""

_TABLES_JS = """() => [...document.querySelectorAll('table')].map((table) => ({
    caption: (table.caption ? table.caption.textContent
              : table.getAttribute('aria-label') || '').trim(),
    headers: table.querySelectorAll('th').length,
    html: table.outerHTML.slice(0, 120),
}))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_violation(new_page, name, scheme):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    page = new_page(color_scheme=scheme, bypass_csp=True)
    path, status = READER_PAGES[name]
    assert page.goto(path).status == status

    violations = axe_violations(page)
    assert not violations, (
        f"axe-core on the {name} page ({path}, {scheme} scheme):\n"
        + describe_violations(violations)
    )


@pytest.mark.parametrize("name", ["pair", "model", "benchmark"])
def test_charts_are_images_with_a_text_alternative(page, name):
    path, _ = READER_PAGES[name]
    page.goto(path)

    charts = page.evaluate(_CHARTS_JS)
    if name == "pair":
        assert len(charts) >= 2, "the pair page should chart prices and benchmarks"
    silent = [c["html"] for c in charts if c["role"] != "img" or len(c["name"]) < 10]
    assert not silent, f"charts without role=img and a text alternative: {silent}"


@pytest.mark.parametrize("name", ["pair", "model", "models list", "benchmark"])
def test_every_table_has_a_caption_and_header_cells(page, name):
    path, _ = READER_PAGES[name]
    page.goto(path)

    tables = page.evaluate(_TABLES_JS)
    assert tables, f"the {name} page has no table"
    unlabelled = [t["html"] for t in tables if not t["caption"] or not t["headers"]]
    assert not unlabelled, f"tables without a caption or <th> cells: {unlabelled}"
