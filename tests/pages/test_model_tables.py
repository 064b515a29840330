"""The page of three or four models: addresses, best marks, links, the add form."""

import re
from http import HTTPStatus

import pytest

from tests.factories import LLMModelFactory, OfferingFactory
from tests.pages.support import forbidden_words, html_of, section, table_rows

pytestmark = pytest.mark.django_db

TRIPLE = "/compare/alpha-vs-beta-vs-gamma/"


def best_of(rows, label: str) -> list[int]:
    return [index for index, (_, best) in enumerate(rows[label]) if best]


# --- Addresses -------------------------------------------------------------------------


def test_three_models_in_code_point_order_answer_200_and_are_not_indexed(
    client, quartet
):
    response = client.get(TRIPLE)
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "<h1" in html and "Alpha" in html and "Gamma" in html
    assert not forbidden_words(html)


def test_four_models_answer_200(client, quartet):
    response = client.get("/compare/alpha-vs-beta-vs-delta-vs-gamma/")
    assert response.status_code == HTTPStatus.OK
    rows = table_rows(html_of(response))
    # Columns: Alpha, Beta, Delta, Gamma: two tie for the lowest input price.
    assert [text for text, _ in rows["Input price"]] == ["$0.40", "$0.40", "$3", "—"]
    assert best_of(rows, "Input price") == [0, 1]


@pytest.mark.parametrize(
    "path",
    [
        "/compare/gamma-vs-beta-vs-alpha/",
        "/compare/beta-vs-alpha-vs-gamma/",
        "/compare/alpha-vs-gamma-vs-beta/",
    ],
)
def test_another_order_answers_301_to_the_canonical_address(client, quartet, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == TRIPLE


@pytest.mark.parametrize(
    "path",
    [
        "/compare/alpha-vs-alpha-vs-beta/",
        "/compare/alpha-vs-beta-vs-nothing/",
        "/compare/alpha-vs-beta-vs-draft-one/",
        "/compare/alpha-vs-beta-vs-delta-vs-gamma-vs-draft-one/",
        "/compare/alpha-vs-beta-vs-gamma-vs-delta-vs-alpha/",
        "/compare/alpha-vs-beta-vs-/",
        "/compare/-vs-alpha-vs-beta/",
    ],
)
def test_repeated_unknown_draft_or_five_slugs_answer_404(client, quartet, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_five_published_models_answer_404(client, quartet):
    LLMModelFactory(slug="epsilon")
    path = "/compare/alpha-vs-beta-vs-delta-vs-epsilon-vs-gamma/"
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_the_sitemap_names_no_page_of_several_models(client, quartet):
    body = client.get("/sitemap-pairs.xml").content.decode()
    assert "/compare/alpha-vs-beta/" in body
    assert not re.search(r"-vs-[^<]*-vs-", body)


# --- The table -------------------------------------------------------------------------


def test_best_values_are_marked_with_ties_unknowns_and_directions(client, quartet):
    rows = table_rows(html_of(client.get(TRIPLE)))
    # Columns: Alpha, Beta, Gamma. Gamma has no price.
    assert [text for text, _ in rows["Input price"]] == ["$0.40", "$0.40", "—"]
    # The two known input prices are equal: no claim of "best".
    assert best_of(rows, "Input price") == []
    assert best_of(rows, "Output price") == [0]
    assert best_of(rows, "Context window") == [1, 2]
    # June 2025 (a month) against 20 May 2025: June is newer.
    assert best_of(rows, "Released") == [1]
    # Vision: yes, unknown, no: the yes beats the no; unknown is no claim.
    assert best_of(rows, "Vision") == [0]
    assert best_of(rows, "MMLU") == [1, 2]
    # Only Alpha among these three has an error-rate score: no row for it.
    assert "Error rate (lower is better)" not in rows
    # Equal everywhere (no maximum output known at all): nothing marked.
    assert best_of(rows, "Maximum output") == []
    assert best_of(rows, "Lifecycle") == []


def test_a_lower_is_better_benchmark_marks_the_lowest(client, quartet):
    rows = table_rows(html_of(client.get("/compare/alpha-vs-beta-vs-delta/")))
    assert rows["Error rate (lower is better)"] == [
        ("3.5%", False),
        ("—", False),
        ("2%", True),
    ]


def test_best_marks_are_not_colour_alone(client, quartet):
    html = html_of(client.get(TRIPLE))
    cell = re.search(r'<td class="num best">(.*?)</td>', html, re.DOTALL).group(1)
    assert '<span class="visually-hidden">(best)</span>' in cell
    assert "★" in cell


def test_links_to_every_contained_pair_and_to_add_and_remove(client, quartet):
    html = html_of(client.get(TRIPLE))
    pairs = section(html, "pairs")
    for pair in ("alpha-vs-beta", "alpha-vs-gamma", "beta-vs-gamma"):
        assert f'href="/compare/{pair}/"' in pairs
    change = section(html, "change")
    assert 'href="/compare/add/?m=alpha&amp;m=beta&amp;m=gamma"' in change
    assert 'href="/compare/beta-vs-gamma/">Compare without Alpha' in change


def test_four_models_offer_no_fifth_and_remove_to_three(client, quartet):
    html = html_of(client.get("/compare/alpha-vs-beta-vs-delta-vs-gamma/"))
    change = section(html, "change")
    assert "/compare/add/" not in change
    assert 'href="/compare/alpha-vs-beta-vs-gamma/">Compare without Delta' in change


# --- Adding a model -------------------------------------------------------------------


def test_every_pair_page_offers_to_add_a_model(client, quartet):
    html = html_of(client.get("/compare/alpha-vs-beta/"))
    assert 'href="/compare/add/?m=alpha&amp;m=beta"' in html


def test_add_form_asks_for_a_name_and_redirects_to_the_canonical_page(client, quartet):
    form = client.get("/compare/add/?m=beta&m=alpha")
    assert form.status_code == HTTPStatus.OK
    html = html_of(form)
    # A text box, not a list of every model (the catalog may hold thousands).
    assert '<input type="text" name="add" id="id_add"' in html
    assert "<option" not in html
    assert "draft-one" not in html
    assert '<meta name="robots" content="noindex, follow">' in html
    response = client.get("/compare/add/?m=beta&m=alpha&add=gamma")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == TRIPLE


def test_add_form_refuses_a_bad_choice_with_a_message(client, quartet):
    for bad in ("nothing", "draft-one", "alpha", ""):
        response = client.get(f"/compare/add/?m=alpha&m=beta&add={bad}")
        assert response.status_code == HTTPStatus.OK
        assert 'aria-invalid="true"' in html_of(response)


@pytest.mark.parametrize(
    "query",
    ["m=alpha", "m=alpha&m=alpha", "m=alpha&m=nothing", "m=alpha&m=draft-one", ""],
)
def test_add_form_needs_two_or_three_published_models(client, quartet, query):
    assert client.get(f"/compare/add/?{query}").status_code == HTTPStatus.NOT_FOUND


def test_add_form_is_refused_for_a_full_comparison(client, quartet):
    query = "m=alpha&m=beta&m=gamma&m=delta"
    assert client.get(f"/compare/add/?{query}").status_code == HTTPStatus.NOT_FOUND


# --- Cost ------------------------------------------------------------------------------


def test_page_queries_are_fixed_then_none_for_models_seen_since_the_edit(
    client, quartet, django_assert_num_queries
):
    for index in range(5):
        OfferingFactory(model=LLMModelFactory(slug=f"filler-{index}"))
    # The catalog's index, built (4: change-log position, models, cheapest
    # prices, curated pairs), the models' stamps (2: the log's heads, the
    # models it names since its base) and the three models' facts
    # (5: models and vendors, offerings, tiers, scores, reviews).
    with django_assert_num_queries(11):
        assert client.get(TRIPLE).status_code == HTTPStatus.OK
    client.get("/compare/alpha-vs-delta/")
    # Every model's facts are in memory now: a new table needs no query.
    with django_assert_num_queries(0):
        path = "/compare/alpha-vs-delta-vs-gamma/"
        assert client.get(path).status_code == HTTPStatus.OK


def test_models_that_share_a_name_are_told_apart_on_the_table_and_add_pages(client):
    LLMModelFactory(slug="opus", name="Opus 4.6")
    LLMModelFactory(slug="opus-default", name="Opus 4.6")
    LLMModelFactory(slug="zeta", name="Zeta")
    html = html_of(client.get("/compare/opus-vs-opus-default-vs-zeta/"))
    assert "Opus 4.6 (opus) vs Opus 4.6 (opus-default) vs Zeta" in html
    html = html_of(client.get("/compare/add/?m=opus&m=opus-default"))
    assert "Add a model to Opus 4.6 (opus) vs Opus 4.6 (opus-default)" in html
