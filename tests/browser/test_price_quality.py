"""The benchmark page's price-against-score chart says what the table beside it says."""

import re

import pytest

from tests.browser.support import READER_PAGES

pytestmark = pytest.mark.xdist_group("browser")

_READ_JS = """() => {
    const desc = document.querySelector('#price-quality-chart-desc').textContent;
    const rows = [...document.querySelectorAll('#leaderboard tbody tr')].map((tr) => {
        const cells = [...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim());
        return {model: cells[1], score: cells[3], price: cells[4], frontier: cells[5]};
    });
    const labels = [...document.querySelectorAll('#price-quality-chart-title')]
        .map((t) => t.closest('svg'))
        .flatMap((svg) => [...svg.querySelectorAll('text.frontier-label')])
        .map((t) => t.textContent);
    const dots = document.querySelectorAll('svg .dot-other, svg .dot-frontier').length;
    return {desc, rows, labels, dots};
}"""


def test_chart_text_alternative_matches_the_table(page):
    path, _ = READER_PAGES["benchmark"]
    page.goto(path)
    found = page.evaluate(_READ_JS)
    rows = found["rows"]
    assert rows, "the benchmark page has no leaderboard rows"

    frontier = [r for r in rows if r["frontier"].endswith("On the frontier")]
    priced = [r for r in rows if r["price"] != "—"]
    assert frontier, "no model is marked on the frontier"
    # The text alternative names each frontier model with its table price and score.
    listed = re.search(r"at least as good: (.*?)\.(?: |$)", found["desc"]).group(1)
    spoken = [part.split(", ") for part in listed.split("; ")]
    assert sorted(name for name, _, _ in spoken) == sorted(r["model"] for r in frontier)
    by_model = {r["model"]: r for r in rows}
    for name, price, score in spoken:
        shown = by_model[name]["price"]
        assert price == ("free" if shown == "Free" else shown), name
        assert score == by_model[name]["score"].split()[0], name
    # As many dots as priced rows; the frontier ones are named on the chart too.
    assert found["desc"].startswith(f"{len(priced)} models by blended price")
    assert found["dots"] == len(priced)
    assert sorted(found["labels"]) == sorted(r["model"] for r in frontier)
    unpriced = len(rows) - len(priced)
    if unpriced:
        assert f"{unpriced} model" in found["desc"]
