"""Broken catalog documents: every error names its place and nothing is written."""

import copy
import io
import json
import os
import subprocess
import sys

import hypothesis
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import strategies as st

from catalog.importing import CatalogError, catalog_import
from tests.catalog.documents import snapshot, valid_document

pytestmark = pytest.mark.django_db


def write(tmp_path, content) -> str:
    path = tmp_path / "catalog.json"
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.fixture
def loaded(tmp_path):
    call_command(
        "import_catalog",
        write(tmp_path, valid_document()),
        stdout=io.StringIO(),
    )
    return snapshot()


def broken(change) -> dict:
    document = copy.deepcopy(valid_document())
    change(document)
    return document


def model(document: dict, index: int = 0) -> dict:
    return document["models"][index]


def offering(document: dict) -> dict:
    return document["models"][0]["offerings"][0]


def _set(target, key, value):
    target[key] = value


def _delete(target, key):
    del target[key]


# (test id, the broken document or raw text, the message expected in the error)
CASES = [
    (
        "bad-json",
        '{"format": "catalog/1",\n  "vendors": [}',
        "line 2, column 15: not valid JSON",
    ),
    ("not-an-object", "[1, 2]", "(document): must be a JSON object, not a list"),
    (
        "wrong-format",
        broken(lambda d: _set(d, "format", "catalog/2")),
        "format: must be \"catalog/1\", not 'catalog/2'",
    ),
    ("missing-format", broken(lambda d: _delete(d, "format")), "format: is required"),
    (
        "unknown-top-level-key",
        broken(lambda d: _set(d, "vendor", [])),
        "vendor: unknown key",
    ),
    (
        "unknown-object-key",
        broken(lambda d: _set(model(d), "contxt_window", 5)),
        "models[0].contxt_window: unknown key",
    ),
    (
        "unknown-nested-key",
        broken(lambda d: _set(offering(d), "currency", "EUR")),
        "models[0].offerings[0].currency: unknown key",
    ),
    (
        "string-where-number",
        broken(lambda d: _set(model(d), "context_window", "1000000")),
        "models[0].context_window: must be a whole number of tokens, not a string",
    ),
    (
        "number-where-string",
        broken(lambda d: _set(model(d), "name", 41)),
        "models[0].name: must be a string, not a number",
    ),
    (
        "negative-price",
        broken(lambda d: _set(offering(d), "input_price", "-0.40")),
        "models[0].offerings[0].input_price: must be >= 0",
    ),
    (
        "price-not-a-number",
        broken(lambda d: _set(offering(d), "output_price", "cheap")),
        "models[0].offerings[0].output_price: must be a price",
    ),
    (
        "nan-price",
        json.dumps(valid_document()).replace(
            '"input_price": "0.40"', '"input_price": NaN'
        ),
        "models[0].offerings[0].input_price: must be a price",
    ),
    (
        "huge-price",
        broken(lambda d: _set(offering(d), "input_price", "1" + "0" * 40)),
        "models[0].offerings[0].input_price: must be a price in dollars",
    ),
    (
        "price-beyond-the-field",
        broken(lambda d: _set(offering(d), "input_price", 12345678)),
        "models[0].offerings[0].input_price: Ensure that there are no more than 12 digits",
    ),
    (
        "bool-price",
        broken(lambda d: _set(offering(d), "input_price", True)),
        "models[0].offerings[0].input_price: must be a price in dollars",
    ),
    (
        "missing-required-price-key",
        broken(lambda d: _delete(offering(d), "output_price")),
        "models[0].offerings[0].output_price: is required",
    ),
    (
        "missing-name",
        broken(lambda d: _delete(d["vendors"][0], "name")),
        "vendors[0].name: is required",
    ),
    (
        "dangling-vendor",
        broken(lambda d: _set(model(d, 1), "vendor", "nobody")),
        "models[1].vendor: no vendor 'nobody' in the document or the database",
    ),
    (
        "dangling-provider",
        broken(lambda d: _set(offering(d), "provider", "azure")),
        "models[0].offerings[0].provider: no provider 'azure'",
    ),
    (
        "dangling-comparison-model",
        broken(lambda d: _set(d["comparisons"][0], "models", ["gpt-4-1", "gpt-9"])),
        "comparisons[0].models[1]: no model 'gpt-9'",
    ),
    (
        "duplicate-slug",
        broken(lambda d: _set(model(d, 1), "slug", "gpt-4-1-mini")),
        "models[1].slug: 'gpt-4-1-mini' is already used by models[0]",
    ),
    (
        "duplicate-offering-provider",
        broken(lambda d: model(d)["offerings"].append(copy.deepcopy(offering(d)))),
        "models[0].offerings[1].provider: 'openai' already has an offering for this model",
    ),
    (
        "duplicate-score",
        broken(
            lambda d: model(d)["scores"].append(copy.deepcopy(model(d)["scores"][0]))
        ),
        "models[0].scores[1].benchmark: 'swe-bench-verified' already has a score",
    ),
    (
        "impossible-month",
        broken(lambda d: _set(model(d), "release_date", "2025-13")),
        "models[0].release_date: 2025-13 is not a real date",
    ),
    (
        "date-in-wrong-format",
        broken(lambda d: _set(offering(d), "checked_on", "14/05/2026")),
        "models[0].offerings[0].checked_on: must be a date as YYYY-MM-DD",
    ),
    (
        "slug-with-vs",
        broken(lambda d: _set(model(d, 1), "slug", "gpt-vs-claude")),
        "models[1].slug: A model's slug must not contain '-vs-'",
    ),
    (
        "slug-with-capitals",
        broken(lambda d: _set(d["providers"][1], "slug", "Open_Router")),
        "providers[1].slug: ",
    ),
    (
        "zero-context-window",
        broken(lambda d: _set(model(d), "context_window", 0)),
        "models[0].context_window: must be a positive number of tokens",
    ),
    (
        "offering-context-above-model",
        broken(lambda d: _set(offering(d), "context_window", 2000000)),
        "models[0].offerings[0].context_window: A provider cannot offer more context",
    ),
    (
        "capability-not-boolean",
        broken(lambda d: _set(model(d)["capabilities"], "vision", "yes")),
        "models[0].capabilities.vision: must be true, false or null",
    ),
    (
        "unknown-modality",
        broken(lambda d: _set(model(d)["modalities"], "input", ["text", "smell"])),
        "models[0].modalities.input: Use only these modalities",
    ),
    (
        "bad-choice",
        broken(lambda d: _set(model(d), "lifecycle", "sunset")),
        "models[0].lifecycle: must be one of preview, active, deprecated, retired",
    ),
    (
        "not-a-web-address",
        broken(lambda d: _set(offering(d), "source_url", "openai pricing page")),
        "models[0].offerings[0].source_url: Enter a valid URL.",
    ),
    (
        "too-long-for-the-field",
        broken(lambda d: _set(model(d)["reviews"][0], "summary", "x" * 301)),
        "models[0].reviews[0].summary: Ensure this value has at most 300 characters",
    ),
    (
        "tier-without-price",
        broken(lambda d: _set(offering(d)["tiers"][0], "output_price", None)),
        "models[0].offerings[0].tiers[0].output_price: is required",
    ),
    (
        "comparison-of-one-model",
        broken(lambda d: _set(d["comparisons"][0], "models", ["gpt-4-1", "gpt-4-1"])),
        "comparisons[0].models: must name two different models",
    ),
    (
        # An empty benchmark reference used to pass the checks and crash the writer.
        "score-with-empty-benchmark",
        broken(lambda d: _set(model(d)["scores"][0], "benchmark", "")),
        "models[0].scores[0].benchmark: must name a slug, not an empty string",
    ),
    (
        "offering-with-empty-provider",
        broken(lambda d: _set(offering(d), "provider", "")),
        "models[0].offerings[0].provider: must name a slug, not an empty string",
    ),
    (
        "model-with-empty-vendor",
        broken(lambda d: _set(model(d), "vendor", "")),
        "models[0].vendor: must name a slug, not an empty string",
    ),
    (
        "list-where-object",
        broken(lambda d: d["models"].append(["gpt-5"])),
        "models[2]: must be an object, not a list",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_broken_document_names_the_place_and_writes_nothing(
    tmp_path, loaded, content, message
):
    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", write(tmp_path, content))
    assert message in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert snapshot() == loaded


def test_every_error_in_the_document_is_listed_at_once(tmp_path, loaded):
    document = valid_document()
    document["models"][0]["offerings"][0]["input_price"] = -1
    document["models"][1]["release_date"] = "yesterday"
    document["benchmarks"][0]["higher_is_better"] = "yes"

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", write(tmp_path, document))

    text = str(caught.value)
    assert "3 error(s)" in text
    assert "models[0].offerings[0].input_price: must be >= 0" in text
    assert "models[1].release_date: " in text
    assert "benchmarks[0].higher_is_better: must be true or false" in text
    assert snapshot() == loaded


def test_error_late_in_the_document_leaves_earlier_new_objects_unwritten(
    tmp_path, loaded
):
    document = valid_document()
    document["vendors"].append({"slug": "xai", "name": "xAI"})
    document["models"].append({"slug": "grok-4", "name": "Grok 4", "vendor": "xai"})
    document["comparisons"][0]["faq"][0]["answer"] = None

    with pytest.raises(
        CommandError, match=r"comparisons\[0\]\.faq\[0\]\.answer: is required"
    ):
        call_command("import_catalog", write(tmp_path, document))

    assert snapshot() == loaded


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_catalog", str(tmp_path / "nowhere.json"))


def test_file_that_is_not_utf8_is_a_clear_error(tmp_path, loaded):
    path = tmp_path / "latin1.json"
    path.write_bytes(
        '{"format": "catalog/1", "vendors": [{"name": "Caf\xe9"}]}'.encode("latin-1")
    )
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_catalog", str(path))
    assert snapshot() == loaded


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


PLACES = list(_paths(valid_document()))[1:]
odd_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(
        ["", "0.40", "-1", "2025-01", "2025-02-30", "gpt-4-1", "openai", "x" * 400]
    )
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=4,
)


@hypothesis.settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
@hypothesis.given(data=st.data())
def test_any_changed_document_is_imported_or_refused_with_placed_errors(data):
    """Whatever a file holds, the import either succeeds or lists errors: never a crash."""
    document = valid_document()
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(PLACES))
        target = document
        try:
            for key in place[:-1]:
                target = target[key]
            target[place[-1]] = data.draw(odd_values)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        with transaction.atomic():
            catalog_import(document=document)
            transaction.set_rollback(True)
    except CatalogError as error:
        assert error.errors
        assert all(": " in line for line in error.errors)


def test_command_line_exits_non_zero_with_the_errors_and_no_traceback(tmp_path):
    path = write(tmp_path, broken(lambda d: _set(offering(d), "input_price", "-1")))
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }

    finished = subprocess.run(
        [sys.executable, "manage.py", "import_catalog", path, "--skip-checks"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode != 0
    assert "models[0].offerings[0].input_price: must be >= 0" in finished.stderr
    assert "Traceback" not in finished.stderr
