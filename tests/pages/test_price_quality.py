"""Each benchmark page's price-against-score chart and the table beside it."""

import re
from decimal import Decimal
from html import unescape
from http import HTTPStatus

import pytest

from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ScoreFactory,
)
from tests.pages.support import forbidden_words, html_of

pytestmark = pytest.mark.django_db


def scored(benchmark, slug: str, score: str, *prices: tuple[str, str]):
    model = LLMModelFactory(slug=slug, name=slug.title())
    for index, (inp, out) in enumerate(prices):
        OfferingFactory(
            model=model,
            provider=ProviderFactory(slug=f"host-{index}"),
            input_price=Decimal(inp),
            output_price=Decimal(out),
        )
    ScoreFactory(model=model, benchmark=benchmark, value=Decimal(score))
    return model


@pytest.fixture
def leaderboard(db):
    bench = BenchmarkFactory(slug="acc", name="Accuracy", unit="%")
    # Blended at 70/30: cheap 0.13 (its cheaper offering), mid 1, big 10, free 0.
    scored(bench, "cheap", "40", ("0.1", "0.2"), ("1", "1"))
    scored(bench, "mid", "70", ("1", "1"))
    scored(bench, "pricey", "60", ("5", "5"))  # dearer than mid and worse
    scored(bench, "big", "90", ("10", "10"))
    scored(bench, "free", "20", ("0", "0"))
    scored(bench, "unpriced", "99")
    return bench


def chart_desc(html: str) -> str:
    return unescape(
        re.search(r'<desc id="price-quality-chart-desc">(.*?)</desc>', html).group(1)
    )


def _visible(html: str) -> str:
    return re.sub(r'<span class="visually-hidden">.*?</span>', "", html)


def table(html: str) -> list[dict]:
    body = re.search(r'<table id="leaderboard">.*?</table>', html, re.DOTALL).group(0)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)[1:]:
        cells = [
            re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", _visible(c)))).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        rows.append(
            {
                "model": cells[1],
                "score": cells[3],
                "price": cells[4],
                "frontier": cells[5],
            }
        )
    return rows


def test_frontier_models_are_marked_in_the_table_and_named_in_the_chart(
    client, leaderboard
):
    html = html_of(client.get("/benchmarks/acc/"))
    rows = {row["model"]: row for row in table(html)}
    frontier = {
        name for name, row in rows.items() if row["frontier"] == "◆ On the frontier"
    }
    assert frontier == {"Free", "Cheap", "Mid", "Big"}
    assert rows["Pricey"]["frontier"] == "No"
    assert rows["Unpriced"]["frontier"] == "No price"
    assert rows["Cheap"]["price"] == "$0.13"
    assert rows["Free"]["price"] == "Free"
    assert rows["Unpriced"]["price"] == "—"
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)
    labels = re.findall(r'<text class="frontier-label"[^>]*>(.*?)</text>', svg)
    assert sorted(labels) == ["Big", "Cheap", "Free", "Mid"]
    assert len(re.findall(r'class="dot-other"', svg)) == 1  # Pricey
    assert not forbidden_words(html)


def test_chart_text_says_how_free_and_unknown_prices_are_shown(client, leaderboard):
    html = html_of(client.get("/benchmarks/acc/"))
    desc = chart_desc(html)
    assert desc.startswith("5 models by blended price (log scale)")
    assert (
        "On the frontier, where no other model is cheaper and at least as good: "
        "Free, free, 20%; Cheap, $0.13, 40%; Mid, $1, 70%; Big, $10, 90%."
    ) in desc
    assert "Free models are drawn in the lane marked Free" in desc
    assert "1 model with no known price is not drawn; the table lists it." in desc
    assert ">Free</text>" in html


def test_lower_is_better_benchmarks_turn_the_frontier_around(client):
    bench = BenchmarkFactory(
        slug="err", name="Errors", unit="points", higher_is_better=False
    )
    scored(bench, "cheap-bad", "9", ("1", "1"))
    scored(bench, "dear-good", "2", ("8", "8"))
    scored(bench, "dear-bad", "9.5", ("9", "9"))
    rows = {row["model"]: row for row in table(html_of(client.get("/benchmarks/err/")))}
    assert rows["Cheap-Bad"]["frontier"].endswith("On the frontier")
    assert rows["Dear-Good"]["frontier"].endswith("On the frontier")
    assert rows["Dear-Bad"]["frontier"] == "No"


def test_no_chart_without_a_priced_model(client):
    bench = BenchmarkFactory(slug="lonely", name="Lonely")
    scored(bench, "unpriced", "50")
    html = html_of(client.get("/benchmarks/lonely/"))
    assert "<svg" not in html
    assert table(html)[0]["price"] == "—"


@pytest.mark.parametrize("size", [3, 30])
def test_benchmark_page_queries_do_not_grow_with_its_models(
    client, size, django_assert_num_queries
):
    bench = BenchmarkFactory(slug="acc", name="Accuracy")
    for index in range(size):
        scored(bench, f"m-{index}", str(index), (str(index + 1), "1"))
    # The benchmark, its published models' scores, their priced offerings.
    with django_assert_num_queries(3):
        response = client.get("/benchmarks/acc/")
    assert response.status_code == HTTPStatus.OK


def test_price_axis_writes_money_as_the_pages_do(client, leaderboard):
    # Cheapest priced model blends at $0.13, so the axis starts at a tenth of a dollar.
    html = html_of(client.get("/benchmarks/acc/"))
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)
    ticks = re.findall(r"<text[^>]*>(\$[^<]*)</text>", svg)
    assert ticks == ["$0.10", "$1", "$10"]
