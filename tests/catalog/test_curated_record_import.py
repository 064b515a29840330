"""Curated comparisons keep the facts they were written against through export and import."""

import json

import pytest
from django.core.management import CommandError, call_command

from catalog.exporting import catalog_export
from catalog.models import Offering
from comparisons.models import Comparison
from tests.factories import ComparisonFactory

pytestmark = pytest.mark.django_db


def _import(tmp_path, document: dict) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))
    call_command("import_catalog", str(path), verbosity=0)


def test_a_restore_keeps_curated_text_withheld_when_its_facts_had_changed(
    tmp_path, reference_models
):
    mini, grok = reference_models
    comparison = ComparisonFactory(model_a=mini, model_b=grok, verdict="Pick Mini.")
    recorded = comparison.facts_record
    assert recorded is not None
    offering = Offering.objects.filter(model=mini).order_by("pk").first()
    offering.input_price = offering.input_price + 1
    offering.save()
    document = catalog_export()

    Comparison.objects.all().delete()
    _import(tmp_path, document)

    restored = Comparison.objects.get()
    # Recorded anew at import, the out-of-date verdict would be shown again.
    assert restored.facts_record == recorded
    assert restored.reviewed_at == comparison.reviewed_at


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("yes", "must be an object"),
        ({"format": 2, "models": {}}, "format must be 1"),
        (
            {
                "format": 1,
                "models": {"a": {"name": "A", "reference": {"input_price": "x"}}},
            },
            "models.a.reference.input_price must be a decimal number",
        ),
    ],
)
def test_a_malformed_facts_record_is_refused_at_its_place(
    tmp_path, reference_models, record, message
):
    mini, grok = reference_models
    ComparisonFactory(model_a=mini, model_b=grok, verdict="Pick Mini.")
    document = catalog_export()
    document["comparisons"][0]["facts_record"] = record
    before = Comparison.objects.get().facts_record

    with pytest.raises(CommandError) as raised:
        _import(tmp_path, document)

    assert "comparisons[0].facts_record" in str(raised.value)
    assert message in str(raised.value)
    assert Comparison.objects.get().facts_record == before
