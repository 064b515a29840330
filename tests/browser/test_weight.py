"""Speed a reader feels: a light pair page, served compressed, from our host alone."""

import pytest

from tests.browser.support import READER_PAGES, REFERENCE_PAIR, foreign_requests

pytestmark = pytest.mark.xdist_group("browser")

# HTML, CSS and script of a pair page, as sent over the wire.
PAIR_PAGE_BUDGET_BYTES = 100 * 1000
TEXT_RESOURCES = {"document", "stylesheet", "script"}


def transferred(traffic) -> dict[str, int]:
    """Bytes of body received per URL for the page's HTML, CSS and script."""
    sizes = {}
    for request in traffic.requests:
        if request.resource_type in TEXT_RESOURCES and request.response() is not None:
            sizes[request.url] = request.sizes()["responseBodySize"]
    return sizes


def test_pair_page_html_css_and_script_weigh_under_100_kb_compressed(page, traffic):
    response = page.goto(REFERENCE_PAIR, wait_until="load")
    assert response.status == 200

    sizes = transferred(traffic)
    total = sum(sizes.values())
    listing = "\n".join(f"  {size:>8,} B  {url}" for url, size in sizes.items())
    assert total < PAIR_PAGE_BUDGET_BYTES, (
        f"pair page weighs {total:,} bytes compressed, over the "
        f"{PAIR_PAGE_BUDGET_BYTES:,}-byte budget:\n{listing}"
    )


def test_pair_page_stylesheets_and_scripts_arrive_compressed(page, traffic):
    page.goto(REFERENCE_PAIR, wait_until="load")

    assets = [
        request
        for request in traffic.requests
        if request.resource_type in {"stylesheet", "script"}
    ]
    assert assets, "the pair page loads no stylesheet"
    uncompressed = [
        request.url
        for request in assets
        if request.response().headers.get("content-encoding") not in {"br", "gzip"}
    ]
    assert not uncompressed, f"sent without compression: {uncompressed}"


@pytest.mark.parametrize("name", READER_PAGES)
def test_page_makes_no_request_to_another_host(page, traffic, site, name):
    path, status = READER_PAGES[name]
    response = page.goto(path, wait_until="networkidle")
    assert response.status == status

    assert not foreign_requests(site.url, traffic.requests), (
        f"the {name} page asked other hosts for: {foreign_requests(site.url, traffic.requests)}"
    )
