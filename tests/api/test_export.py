"""GET /api/v1/export/: the published catalog as catalog/1, streamed, importable."""

import datetime as dt
import json
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog import models
from catalog.exporting import catalog_export
from comparisons import models as curated
from tests.factories import LLMModelFactory

pytestmark = pytest.mark.django_db


def export(api) -> dict:
    response = api.get("/api/v1/export/")
    assert response.status_code == HTTPStatus.OK
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


def without_time(document: dict) -> dict:
    # The catalog itself: not when it was taken, nor where the change feed was.
    return {
        key: value
        for key, value in document.items()
        if key not in ("exported_at", "cursor")
    }


def empty_the_catalog() -> None:
    curated.Comparison.objects.all().delete()
    models.LLMModel.objects.all().delete()
    models.Vendor.objects.all().delete()
    models.Provider.objects.all().delete()
    models.Benchmark.objects.all().delete()


def test_export_is_the_published_catalog_in_catalog_1_format(api, catalog):
    document = export(api)
    assert document["format"] == "catalog/1"
    assert without_time(document) == without_time(catalog_export(published_only=True))
    assert [m["slug"] for m in document["models"]] == ["gpt-4-1-mini", "grok-4-20"]


def test_export_never_leaks_drafts(api, catalog):
    text = json.dumps(export(api))
    assert "secret-model" not in text
    assert "Secret Model" not in text
    # Nor the curated comparison whose partner is a draft.
    assert "Not yet public." not in text


def test_export_imports_into_an_empty_database_and_gives_back_the_same_catalog(
    api, catalog, tmp_path
):
    offering = catalog["mini"].offerings.get()
    offering.input_price = "0.45"
    offering.save()  # so the document carries price history too
    document = export(api)
    empty_the_catalog()
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))
    call_command("import_catalog", str(path), stdout=StringIO())
    assert without_time(catalog_export(published_only=True)) == without_time(document)
    assert not models.LLMModel.objects.drafts().exists()


def test_export_has_etag_and_last_modified_and_answers_304(api, catalog):
    response = api.get("/api/v1/export/")
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert api.get("/api/v1/export/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert (
        api.get("/api/v1/export/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code
        == 304
    )


def test_any_catalog_edit_changes_the_export_etag(api, catalog):
    etag = api.get("/api/v1/export/")["ETag"]
    vendor = catalog["openai"]
    vendor.description = "Edited."
    vendor.save()
    response = api.get("/api/v1/export/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_export_takes_no_parameters(api, catalog):
    response = api.get("/api/v1/export/?page_size=5")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "detail": "Unknown query parameter 'page_size'. This endpoint takes no parameters.",
        "code": "invalid_parameter",
    }


def test_export_labels_a_model_live_by_its_schedule_as_published(api, catalog):
    """It went live when its time came: partners must not be told it is a draft."""
    LLMModelFactory(
        slug="scheduled",
        status=models.LLMModel.Status.DRAFT,
        publish_at=timezone.now() - dt.timedelta(minutes=5),
    )

    exported = {m["slug"]: m for m in export(api)["models"]}

    assert exported["scheduled"]["status"] == "published"
    assert exported["scheduled"]["publish_at"] is None
    assert {m["status"] for m in exported.values()} == {"published"}
