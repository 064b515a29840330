"""The pairs sitemap's table follows each edit from the change log, and ends up as
a fresh read would: the same models, comparisons and sections."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from catalog.cache import bump_catalog_version
from catalog.models import Benchmark, LLMModel, Offering
from comparisons.models import Comparison
from pages import pair_sitemaps
from pages.pair_sitemaps import (
    IndexablePairs,
    _pair_table_read,
    _pair_table_update,
    pair_table,
    pairs_page_xml,
)
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    vendors = [VendorFactory(slug=f"v{n}") for n in range(2)]
    benchmarks = [BenchmarkFactory(slug=f"b{n}") for n in range(2)]
    models = []
    for n in range(10):
        model = LLMModelFactory(slug=f"m{n:02}", vendor=vendors[n % 2])
        if n % 3 != 2:  # some models have no price: their pairs may be thin
            OfferingFactory(model=model)
        if n % 2:
            ScoreFactory(model=model, benchmark=benchmarks[n % 4 // 2])
        models.append(model)
    curated = ComparisonFactory(model_a=models[5], model_b=models[0])
    draft = LLMModelFactory(slug="d-draft", status=LLMModel.Status.DRAFT)
    return {
        "curated": curated,
        "drafts_comparison": ComparisonFactory(model_a=draft, model_b=models[1]),
        "models": models,
        "vendors": vendors,
        "benchmarks": benchmarks,
        "draft": draft,
    }


def section(table) -> str:
    """Every pair of the table as one section."""
    pairs = IndexablePairs.__new__(IndexablePairs)
    pairs.table, pairs.models = table, table.models
    return pairs_page_xml(pairs, 0, len(pairs), origin="http://testserver")


def contents(table) -> tuple:
    """What a table says, with benchmarks by id (bits are handed out as met)."""
    ids = {bit: benchmark for benchmark, bit in table.benchmark_bits.items()}
    models = [
        (
            model.slug,
            model.has_price,
            {ids[bit] for bit in ids if model.benchmarks & bit},
            model.last_changed,
        )
        for model in table.models
    ]
    return models, table.curated, table.latest


def assert_same_as_a_fresh_read(updated) -> None:
    fresh = _pair_table_read()
    assert contents(updated) == contents(fresh)
    assert section(updated) == section(fresh)


def _rename(c):
    c["models"][1].name = "Renamed"
    c["models"][1].save()


def _new_slug(c):
    """The model moves in the slug order, and its comparison with it."""
    c["models"][0].slug = "z-last"
    c["models"][0].save()


def _new_slug_beside_a_draft(c):
    """The log names no comparison with a draft: the model's slugs find it."""
    c["models"][1].slug = "m01-renamed"
    c["models"][1].save()


def _unpublish(c):
    c["models"][3].status = LLMModel.Status.DRAFT
    c["models"][3].save()


def _publish_the_draft(c):
    """Its comparison, edited while nobody saw it, comes in with it."""
    c["draft"].status = LLMModel.Status.PUBLISHED
    c["draft"].save()


def _retire(c):
    c["models"][4].lifecycle = LLMModel.Lifecycle.RETIRED
    c["models"][4].save()


def _add_a_model(c):
    model = LLMModelFactory(slug="m-new", vendor=c["vendors"][0])
    OfferingFactory(model=model)


def _delete(c):
    c["models"][6].delete()


def _withdraw_offering(c):
    offering = Offering.objects.get(model=c["models"][7])
    offering.is_available = False
    offering.save()


def _score_on_a_new_benchmark(c):
    ScoreFactory(model=c["models"][2], benchmark=BenchmarkFactory(slug="b-new"))
    ScoreFactory(model=c["models"][8], benchmark=Benchmark.objects.get(slug="b-new"))


def _delete_a_score(c):
    """Unpriced m05 no longer shares a benchmark with m01 and m09: thin pairs now."""
    c["models"][5].scores.get().delete()


def _review(c):
    ReviewFactory(model=c["models"][9])


def _curate_a_pair(c):
    ComparisonFactory(model_a=c["models"][8], model_b=c["models"][2])


def _edit_a_comparison(c):
    comparison = Comparison.objects.get(pk=c["curated"].pk)
    comparison.intro = "Edited."
    comparison.save()


def _edit_the_drafts_comparison(c):
    """Nobody sees it, so the log does not name it: the unseen-write mark moves."""
    comparison = Comparison.objects.get(pk=c["drafts_comparison"].pk)
    comparison.intro = "Edited while a draft."
    comparison.save()


def _rename_the_drafts_slug(c):
    c["draft"].slug = "d-draft-renamed"
    c["draft"].save()


def _change_a_vendor(c):
    vendor = c["vendors"][1]
    vendor.name, vendor.slug = "Renamed Vendor", "renamed-vendor"
    vendor.save()


EDITS = [
    _rename,
    _new_slug,
    _new_slug_beside_a_draft,
    _unpublish,
    _publish_the_draft,
    _retire,
    _add_a_model,
    _delete,
    _withdraw_offering,
    _score_on_a_new_benchmark,
    _delete_a_score,
    _review,
    _curate_a_pair,
    _edit_a_comparison,
    _edit_the_drafts_comparison,
    _rename_the_drafts_slug,
    _change_a_vendor,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__.strip("_"))
def test_an_updated_table_equals_a_fresh_read(catalog, edit):
    before = _pair_table_read()
    edit(catalog)

    updated = _pair_table_update(before)

    assert updated is not None, "the edit should be taken in without a new read"
    assert_same_as_a_fresh_read(updated)


def test_edits_one_after_another_keep_the_table_right(catalog, monkeypatch):
    pair_table()
    reads = []
    read = pair_sitemaps._pair_table_read
    monkeypatch.setattr(
        pair_sitemaps, "_pair_table_read", lambda: reads.append(1) or read()
    )
    for edit in EDITS:
        edit(catalog)
        assert_same_as_a_fresh_read(pair_table())
    assert reads == []  # every edit was taken in from the log


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    "field, value", [("name", "Renamed"), ("status", LLMModel.Status.DRAFT)]
)
def test_an_update_costs_the_same_few_queries_at_any_catalog_size(
    size, field, value, django_assert_num_queries
):
    """The same for a model that stays in the table and one that leaves it."""
    models = [LLMModelFactory(slug=f"model-{n:03d}") for n in range(size)]
    before = _pair_table_read()
    setattr(models[1], field, value)
    models[1].save()

    # Pruning check, the log, the named models, their scores, their comparisons.
    with django_assert_num_queries(5):
        updated = _pair_table_update(before)
    assert updated is not None


def test_the_first_section_after_an_edit_shows_it(client, catalog):
    client.get("/sitemap-pairs.xml")
    _new_slug(catalog)

    xml = client.get("/sitemap-pairs.xml").content.decode()

    assert "/compare/m01-vs-z-last/" in xml
    assert "/compare/m00-vs-m01/" not in xml


def test_a_write_the_change_log_does_not_describe_makes_a_fresh_read(catalog):
    """Bulk writers and loaddata bump the version without log entries."""
    before = _pair_table_read()
    LLMModel.objects.filter(pk=catalog["models"][5].pk).update(slug="m05-bulk")
    bump_catalog_version()

    assert _pair_table_update(before) is None
    assert "m05-bulk" in [model.slug for model in pair_table().models]


def test_a_new_day_makes_a_fresh_read(catalog, monkeypatch):
    """A model past its deprecation date retires with no write at all."""
    catalog["models"][2].deprecation_date = timezone.localdate() + dt.timedelta(1)
    catalog["models"][2].save()
    before = _pair_table_read()
    tomorrow = timezone.localdate() + dt.timedelta(1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)

    assert _pair_table_update(before) is None
    assert "m02" not in [model.slug for model in _pair_table_read().models]


def test_a_page_is_the_xml_of_its_entries(client, catalog):
    """The section is written without entry objects, to the same XML."""
    ComparisonFactory(
        model_a=catalog["models"][3], model_b=catalog["models"][4]
    )  # newer than both models: its day is the pair's
    Comparison.objects.filter(model_b=catalog["models"][4]).update(
        updated_at=timezone.now() + dt.timedelta(days=3)
    )
    bump_catalog_version()
    pairs = IndexablePairs()
    entries = pairs[0 : len(pairs)]
    expected = [
        f"<url><loc>http://testserver/compare/{entry.slug}/</loc>"
        f"<lastmod>{entry.lastmod.date().isoformat()}</lastmod>"
        "<changefreq>weekly</changefreq></url>"
        for entry in entries
    ]

    response = client.get("/sitemap-pairs.xml")

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().splitlines()[2:-1] == expected
    assert any(
        "m03-vs-m04" in line
        and (timezone.localdate() + dt.timedelta(days=3)).isoformat() in line
        for line in expected
    )
    assert len(expected) < len(pairs)  # thin pairs left out
