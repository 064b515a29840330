"""import_catalog and export_catalog on catalog/1 documents."""

import copy
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.utils import timezone

from catalog import models as catalog
from catalog.exporting import catalog_export, catalog_export_chunks
from comparisons import models as curated
from tests.catalog.documents import snapshot, valid_document
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)
from vocabulary.prices import PriceForm, price_text

pytestmark = pytest.mark.django_db

DEMO_CATALOG = (
    Path(catalog.__file__).resolve().parent / "fixtures" / "demo-catalog.json"
)


def run_import(tmp_path, document, *options) -> str:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    call_command("import_catalog", str(path), *options, stdout=out)
    return out.getvalue()


def without_stamp(document: dict) -> dict:
    """The catalog itself: not when it was taken, nor where the change feed was."""
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document.pop("cursor")
    return document


def empty_the_catalog() -> None:
    for model_cls in (
        curated.Comparison,
        catalog.LLMModel,
        catalog.Vendor,
        catalog.Provider,
        catalog.Benchmark,
    ):
        model_cls.objects.all().delete()


@pytest.fixture
def edited_catalog():
    """A catalog built the way editors build it, with every part the format carries."""
    openai = VendorFactory(slug="openai", name="OpenAI", description="Makes *GPT*.")
    xai = VendorFactory(slug="xai", name="xAI", website="")
    openrouter = ProviderFactory(slug="openrouter", name="OpenRouter")
    direct = ProviderFactory(slug="openai", name="OpenAI API")
    swe = BenchmarkFactory(slug="swe-bench-verified", name="SWE-bench Verified")
    elo = BenchmarkFactory(
        slug="arena", name="Arena", unit="elo", higher_is_better=True
    )
    mini = LLMModelFactory(
        slug="gpt-4-1-mini",
        name="GPT-4.1 Mini",
        vendor=openai,
        release_date="2025-04",
        knowledge_cutoff="2024-06-01",
        architecture="",
        input_modalities=["text", "image"],
        output_modalities=["text"],
        vision=True,
        reasoning=False,
        parameters_billions=Decimal("8.50"),
        deprecation_date=dt.date(2027, 1, 31),
        lifecycle=catalog.LLMModel.Lifecycle.DEPRECATED,
    )
    grok = LLMModelFactory(
        slug="grok-4-20",
        name="Grok 4.20",
        vendor=xai,
        status=catalog.LLMModel.Status.DRAFT,
        release_date="",
        license="",
        open_weights=None,
        context_window=None,
    )
    offering = OfferingFactory(
        model=mini,
        provider=direct,
        input_price=Decimal("0.50"),
        output_price=Decimal("2.00"),
        cached_input_price=Decimal("0.075"),
        checked_on=dt.date(2026, 5, 14),
    )
    # An editor changes the price: the old one goes to the price history.
    offering.input_price = Decimal("0.40")
    offering.output_price = Decimal("1.60")
    offering.save()
    offering.tiers.create(
        above_tokens=200_000, input_price=Decimal("0.8"), output_price=Decimal("12")
    )
    OfferingFactory(
        model=mini,
        provider=openrouter,
        input_price=None,
        output_price=None,
        context_window=128_000,
        is_available=False,
        checked_on=None,
    )
    OfferingFactory(model=grok, provider=openrouter, input_price=Decimal("1.25"))
    ScoreFactory(
        model=mini,
        benchmark=swe,
        value=Decimal("23.6"),
        measured_on=dt.date(2025, 4, 14),
    )
    ScoreFactory(model=grok, benchmark=elo, value=Decimal("1402"), is_verified=True)
    ReviewFactory(model=mini, reviewed_on=dt.date(2026, 5, 14), body="**Bold** claim.")
    ReviewFactory(model=mini, reviewed_on=dt.date(2026, 1, 2), reviewer="Someone else")
    comparison = ComparisonFactory(
        model_a=grok, model_b=mini, is_featured=True, intro="Intro."
    )
    comparison.faq_entries.create(question="Second?", answer="B.", position=20)
    comparison.faq_entries.create(question="First?", answer="A.", position=10)
    return catalog_export()


def test_export_then_import_into_empty_database_gives_the_same_document(
    tmp_path, edited_catalog
):
    empty_the_catalog()
    assert not catalog.LLMModel.objects.exists()

    run_import(tmp_path, edited_catalog)

    assert without_stamp(catalog_export()) == without_stamp(edited_catalog)


def test_export_carries_drafts_history_faq_and_unknowns(edited_catalog):
    models = {m["slug"]: m for m in edited_catalog["models"]}
    mini, grok = models["gpt-4-1-mini"], models["grok-4-20"]

    assert [m["slug"] for m in edited_catalog["models"]] == [
        "gpt-4-1-mini",
        "grok-4-20",
    ]
    assert grok["status"] == "draft"
    assert grok["release_date"] is None and grok["license"] is None
    assert mini["architecture"] is None
    assert mini["release_date"] == "2025-04"
    assert mini["parameters_billions"] == 8.5
    direct, routed = mini["offerings"]
    assert (direct["input_price"], direct["output_price"]) == ("0.40", "1.60")
    assert direct["cached_input_price"] == "0.075"
    assert direct["tiers"] == [
        {"above_tokens": 200000, "input_price": "0.80", "output_price": "12.00"}
    ]
    recorded = catalog.PricePoint.objects.get().created_at
    assert direct["price_history"] == [
        {
            "until": timezone.localdate().isoformat(),
            "input_price": "0.50",
            "output_price": "2.00",
            "recorded_at": recorded.isoformat().replace("+00:00", "Z"),
        }
    ]
    assert (routed["input_price"], routed["output_price"], routed["available"]) == (
        None,
        None,
        False,
    )
    assert mini["scores"][0]["value"] == 23.6
    assert grok["scores"][0] == {
        "benchmark": "arena",
        "value": 1402,
        "verified": True,
        "source_url": "https://bench.example.com/results",
        "measured_on": None,
    }
    assert [r["reviewed_on"] for r in mini["reviews"]] == ["2026-01-02", "2026-05-14"]
    assert edited_catalog["comparisons"][0]["models"] == ["gpt-4-1-mini", "grok-4-20"]
    assert [q["question"] for q in edited_catalog["comparisons"][0]["faq"]] == [
        "First?",
        "Second?",
    ]
    assert edited_catalog["exported_at"].endswith("Z")


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        (Decimal("0.400000"), "0.40"),
        (Decimal("0.075000"), "0.075"),
        (Decimal("12"), "12.00"),
        (Decimal("0"), "0.00"),
        (Decimal("0.000001"), "0.000001"),
        (Decimal("1200.5"), "1200.50"),
    ],
)
def test_prices_are_written_as_short_decimal_strings(stored, written):
    assert price_text(stored, form=PriceForm.DOCUMENT) == written


def test_second_import_of_the_same_document_changes_nothing(tmp_path):
    first = run_import(tmp_path, valid_document())
    assert "created 0" not in first
    before = snapshot()

    second = run_import(tmp_path, valid_document())

    assert "Nothing to change: created 0, updated 0" in second
    assert snapshot() == before


def test_second_import_of_an_export_changes_nothing(tmp_path, edited_catalog):
    before = snapshot()

    output = run_import(tmp_path, edited_catalog)

    assert "created 0, updated 0" in output
    assert snapshot() == before


def test_import_counts_each_kind(tmp_path):
    output = run_import(tmp_path, valid_document())

    lines = {
        line.split()[0]: line.split()[-4:]
        for line in output.splitlines()[1:]
        if line[:1].isalpha()
    }
    assert lines["vendors"] == ["1", "0", "0", "0"]
    assert lines["providers"] == ["2", "0", "0", "0"]
    assert lines["models"] == ["2", "0", "0", "0"]
    assert lines["offerings"] == ["1", "0", "0", "0"]
    assert "Imported: created 12, updated 0, unchanged 0, deleted 0." in output


def test_changed_price_updates_the_offering_and_keeps_the_old_price(tmp_path):
    run_import(tmp_path, valid_document())
    document = valid_document()
    document["models"][0]["offerings"][0]["input_price"] = 0.3

    output = run_import(tmp_path, document)

    offering = catalog.Offering.objects.get(model__slug="gpt-4-1-mini")
    assert offering.input_price == Decimal("0.3")
    point = offering.price_history.get()
    assert (point.until, point.input_price, point.output_price) == (
        timezone.localdate(),
        Decimal("0.4"),
        Decimal("1.6"),
    )
    assert "created 1, updated 1" in output
    assert "Nothing to change" in run_import(tmp_path, document)


def test_price_history_in_the_document_is_added_once(tmp_path):
    document = valid_document()
    document["models"][0]["offerings"][0]["price_history"] = [
        {"until": "2025-06-01", "input_price": "0.50", "output_price": 2}
    ]
    run_import(tmp_path, document)
    run_import(tmp_path, document)

    points = catalog.PricePoint.objects.all()
    assert [(p.until, p.input_price, p.output_price) for p in points] == [
        (dt.date(2025, 6, 1), Decimal("0.5"), Decimal("2"))
    ]


def test_prices_are_stored_as_exact_decimals_without_float_noise(tmp_path):
    document = valid_document()
    offering = document["models"][0]["offerings"][0]
    offering["input_price"] = 0.39999999999999997
    offering["output_price"] = 0.30000000000000004
    offering["cached_input_price"] = "0.0000004"

    run_import(tmp_path, document)

    stored = catalog.Offering.objects.get()
    assert stored.input_price == Decimal("0.4")
    assert stored.output_price == Decimal("0.3")
    assert stored.cached_input_price == Decimal("0")


def test_null_price_stays_unknown_and_zero_stays_free(tmp_path):
    document = valid_document()
    document["models"][1]["offerings"] = [
        {"provider": "openai", "input_price": None, "output_price": None},
        {"provider": "openrouter", "input_price": 0, "output_price": "0"},
    ]

    run_import(tmp_path, document)

    unknown, free = catalog.Offering.objects.filter(model__slug="gpt-4-1").order_by(
        "provider__slug"
    )
    assert (unknown.input_price, unknown.output_price) == (None, None)
    assert (free.input_price, free.output_price) == (Decimal("0"), Decimal("0"))


def test_dry_run_reports_the_changes_and_writes_nothing(tmp_path):
    run_import(tmp_path, valid_document())
    before = snapshot()
    document = valid_document()
    document["models"][0]["name"] = "GPT-4.1 mini"
    document["vendors"].append({"slug": "xai", "name": "xAI"})

    output = run_import(tmp_path, document, "--dry-run")

    assert "Dry run, nothing written; would have created 1, updated 1" in output
    assert snapshot() == before


def test_dry_run_into_empty_database_writes_nothing(tmp_path):
    output = run_import(tmp_path, valid_document(), "--dry-run")

    assert "would have created 12" in output
    assert not catalog.Vendor.objects.exists()


def test_import_without_prune_deletes_nothing(tmp_path):
    run_import(tmp_path, valid_document())
    extra = LLMModelFactory(slug="not-in-the-file")

    document = valid_document()
    document["models"][0]["offerings"] = []
    output = run_import(tmp_path, document)

    assert catalog.LLMModel.objects.filter(pk=extra.pk).exists()
    assert catalog.Offering.objects.filter(model__slug="gpt-4-1-mini").exists()
    assert "deleted 0" in output


def test_prune_deletes_only_what_the_document_leaves_out(tmp_path):
    run_import(tmp_path, valid_document())
    orphan_vendor = VendorFactory(slug="meta")
    LLMModelFactory(slug="llama-4", vendor=orphan_vendor)
    document = valid_document()
    del document["models"][0]["scores"]
    document["models"][0]["offerings"][0]["tiers"] = []
    document["providers"] = [
        p for p in document["providers"] if p["slug"] != "openrouter"
    ]
    document["comparisons"][0]["faq"] = []

    output = run_import(tmp_path, document, "--prune")

    assert sorted(catalog.LLMModel.objects.values_list("slug", flat=True)) == [
        "gpt-4-1",
        "gpt-4-1-mini",
    ]
    assert list(catalog.Vendor.objects.values_list("slug", flat=True)) == ["openai"]
    assert list(catalog.Provider.objects.values_list("slug", flat=True)) == ["openai"]
    assert not catalog.Score.objects.exists()
    assert not catalog.PriceTier.objects.exists()
    assert not curated.ComparisonFAQ.objects.exists()
    # Still listed, so kept.
    assert catalog.Benchmark.objects.filter(slug="swe-bench-verified").exists()
    assert catalog.Review.objects.count() == 1
    assert curated.Comparison.objects.count() == 1
    assert "deleted 6" in output


def test_prune_keeps_a_vendor_left_out_but_still_used(tmp_path):
    run_import(tmp_path, valid_document())
    document = valid_document()
    document["vendors"] = []

    output = run_import(tmp_path, document, "--prune")

    assert catalog.Vendor.objects.filter(slug="openai").exists()
    assert (
        "kept 1 vendors not in the document because models in it still use them: openai"
        in output
    )


def test_references_to_objects_already_in_the_database_are_accepted(tmp_path):
    VendorFactory(slug="anthropic", name="Anthropic")
    ProviderFactory(slug="bedrock", name="Amazon Bedrock")
    document = {
        "format": "catalog/1",
        "models": [
            {
                "slug": "claude-haiku-4-5",
                "name": "Claude Haiku 4.5",
                "vendor": "anthropic",
                "offerings": [
                    {"provider": "bedrock", "input_price": 1, "output_price": 5}
                ],
            }
        ],
    }

    run_import(tmp_path, document)

    model = catalog.LLMModel.objects.get(slug="claude-haiku-4-5")
    assert model.vendor.slug == "anthropic"
    assert model.lifecycle == "active" and model.status == "published"
    assert model.offerings.get().provider.slug == "bedrock"


def test_comparison_pair_is_matched_in_either_order(tmp_path):
    run_import(tmp_path, valid_document())
    document = valid_document()
    document["comparisons"][0]["models"] = ["gpt-4-1-mini", "gpt-4-1"]
    document["comparisons"][0]["verdict"] = "Mini for most."

    output = run_import(tmp_path, document)

    comparison = curated.Comparison.objects.get()
    assert comparison.verdict == "Mini for most."
    assert (comparison.model_a.slug, comparison.model_b.slug) == (
        "gpt-4-1",
        "gpt-4-1-mini",
    )
    assert "created 0, updated 1" in output


def test_export_command_writes_to_stdout_and_to_a_file(tmp_path, edited_catalog):
    out = io.StringIO()
    call_command("export_catalog", stdout=out)
    from_stdout = json.loads(out.getvalue())

    target = tmp_path / "backup.json"
    call_command("export_catalog", str(target), stderr=io.StringIO())
    from_file = json.loads(target.read_text(encoding="utf-8"))

    assert without_stamp(from_stdout) == without_stamp(edited_catalog)
    assert without_stamp(from_file) == without_stamp(edited_catalog)


def test_published_only_export_leaves_out_drafts_and_their_comparisons(edited_catalog):
    document = catalog_export(published_only=True)

    assert [m["slug"] for m in document["models"]] == ["gpt-4-1-mini"]
    assert document["comparisons"] == []


def test_streamed_export_is_the_same_document(edited_catalog):
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)

    streamed = json.loads("".join(catalog_export_chunks(now=now, batch_size=1)))

    assert streamed == catalog_export(now=now)
    assert streamed["exported_at"] == "2026-11-25T12:00:00Z"


def test_export_of_empty_catalog_is_a_valid_document(tmp_path):
    document = catalog_export()

    assert document["cursor"] == "MTow"  # the start of an empty change log
    assert without_stamp(document) == {
        "format": "catalog/1",
        "vendors": [],
        "providers": [],
        "benchmarks": [],
        "models": [],
        "comparisons": [],
    }
    assert "Nothing to change" in run_import(tmp_path, document)


def test_demo_catalog_imports_cleanly_and_reimports_without_change():
    out = io.StringIO()
    call_command("import_catalog", str(DEMO_CATALOG), stdout=out)
    assert "Imported:" in out.getvalue()
    assert catalog.LLMModel.objects.published().count() >= 30
    before = snapshot()

    again = io.StringIO()
    call_command("import_catalog", str(DEMO_CATALOG), stdout=again)

    assert "Nothing to change: created 0, updated 0" in again.getvalue()
    assert snapshot() == before


def test_progress_goes_to_stderr_and_leaves_the_counts_intact(tmp_path):
    path = tmp_path / "import.json"
    path.write_text(json.dumps(valid_document()), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    with mock.patch("sys.stderr", err):
        call_command("import_catalog", str(path), "--progress", stdout=out)

    assert "models" in err.getvalue()
    assert "Imported: created 12" in out.getvalue()
    assert "models" not in out.getvalue().splitlines()[-1]


def test_database_refusal_midway_rolls_back_everything(tmp_path):
    run_import(tmp_path, valid_document())
    before = snapshot()
    document = valid_document()
    document["models"][0]["name"] = "Renamed"
    document["vendors"].append({"slug": "xai", "name": "xAI"})

    with (
        mock.patch(
            "comparisons.catalog_format._write_faq",
            side_effect=IntegrityError("simulated"),
        ),
        pytest.raises(
            CommandError, match="the database refused the import, nothing was imported"
        ),
    ):
        run_import(tmp_path, document)

    assert snapshot() == before
