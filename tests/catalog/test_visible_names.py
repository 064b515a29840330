"""Names read as they look: no right-to-left override, no zero-width character.

"gpt-4\u202e" shows as something else than it is, and "GPT\u200b-4" looks like
"GPT-4" while being another name. The admin and the importer refuse them with a
message naming the character; upstream (models.dev) names have them removed.
"""

import io
import json
import shutil
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog import models as catalog
from tests.catalog.adminforms import change_form_data
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

INVISIBLE = {
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u200b": "ZERO WIDTH SPACE",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u00ad": "SOFT HYPHEN",
}


@pytest.mark.parametrize("char", INVISIBLE)
def test_the_admin_refuses_an_invisible_character_in_a_model_name(admin_client, char):
    url = reverse("admin:catalog_llmmodel_add")
    data = change_form_data(admin_client.get(url))
    data.update({"slug": "gpt-4", "name": f"GPT{char}-4", "vendor": VendorFactory().pk})

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors["name"]
    assert INVISIBLE[char] in errors[0]
    assert "character 4 of the name" in errors[0]
    assert not catalog.LLMModel.objects.exists()


@pytest.mark.parametrize("kind", ["vendor", "provider", "benchmark"])
def test_the_admin_refuses_invisible_characters_in_every_name(admin_client, kind):
    url = reverse(f"admin:catalog_{kind}_add")
    data = change_form_data(admin_client.get(url))
    data.update({"slug": "acme", "name": "Ac\u202eme"})

    response = admin_client.post(url, data)

    assert (
        "RIGHT-TO-LEFT OVERRIDE" in response.context["adminform"].form.errors["name"][0]
    )


def test_the_importer_refuses_an_invisible_character_and_writes_nothing(tmp_path):
    document = {
        "format": "catalog/1",
        "vendors": [{"slug": "acme", "name": "Acme"}],
        "providers": [],
        "benchmarks": [],
        "models": [
            {"slug": "fine", "name": "Fine", "vendor": "acme"},
            {"slug": "sly", "name": "Sly\u200bModel", "vendor": "acme"},
        ],
        "comparisons": [],
    }
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))

    with pytest.raises(CommandError) as refused:
        call_command("import_catalog", str(path), stdout=io.StringIO())

    assert "models[1].name: Remove the invisible character ZERO WIDTH SPACE" in str(
        refused.value
    )
    assert not catalog.Vendor.objects.exists()


def test_models_dev_names_lose_their_invisible_characters(tmp_path):
    source = settings.BASE_DIR / "catalog" / "fixtures" / "models-dev" / "sample.json"
    api = json.loads(source.read_text())
    entry = next(iter(api["anthropic"]["models"].values()))
    clean_name = entry["name"]
    entry["name"] = f"\u202e{clean_name[:6]}\u200b{clean_name[6:]}\ufeff"
    api["anthropic"]["name"] = "Anthro\u200dpic"
    path = tmp_path / "api.json"
    path.write_text(json.dumps(api))
    shutil.copy(source.parent / "models.json", tmp_path / "models.json")

    call_command("import_catalog", str(path), stdout=io.StringIO())

    names = list(catalog.LLMModel.objects.values_list("name", flat=True))
    names += list(catalog.Provider.objects.values_list("name", flat=True))
    assert clean_name in names
    assert not any(char in name for name in names for char in INVISIBLE)
