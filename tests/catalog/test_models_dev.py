"""import_catalog on the models.dev aggregate: one model per canonical model, unknown prices kept unknown."""

import gzip
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import strategies as st

from catalog import models as catalog
from catalog.importing.models_dev import (
    looks_like_models_dev,
    models_dev_convert,
    slugify,
)
from catalog.importing.validation import catalog_validate
from tests.catalog.documents import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def models_dev_dir() -> Path:
    """The models.dev copy committed with the code (see its README.md)."""
    return Path(settings.BASE_DIR) / "catalog" / "fixtures" / "models-dev"


def run_import(path: Path, *options) -> str:
    out = io.StringIO()
    call_command("import_catalog", str(path), *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def sample(tmp_path, models_dev_dir) -> Path:
    """sample.json alone in a folder: no models.json facts."""
    path = tmp_path / "api.json"
    shutil.copy(models_dev_dir / "sample.json", path)
    return path


@pytest.fixture
def sample_with_facts(sample, models_dev_dir) -> Path:
    shutil.copy(models_dev_dir / "models.json", sample.parent / "models.json")
    return sample


def offering(model_slug: str, provider_slug: str) -> catalog.Offering:
    return catalog.Offering.objects.get(
        model__slug=model_slug, provider__slug=provider_slug
    )


def test_same_model_at_two_providers_becomes_one_model_with_two_offerings(sample):
    run_import(sample)

    model = catalog.LLMModel.objects.get(slug="gpt-4-1-mini")
    assert model.vendor.slug == "openai"
    assert model.name == "GPT-4.1 mini"
    assert sorted(
        model.offerings.values_list("provider__slug", "provider_model_id")
    ) == [
        ("openai", "gpt-4.1-mini"),
        ("openrouter", "openai/gpt-4.1-mini"),
    ]
    # Ids with dots, slashes and capitals become valid slugs.
    assert catalog.LLMModel.objects.get(slug="claude-sonnet-4-5").offerings.count() == 2


def test_maker_comes_from_the_id_prefix_on_a_router(sample):
    run_import(sample)

    makers = dict(catalog.LLMModel.objects.values_list("slug", "vendor__slug"))
    assert makers["grok-4-20"] == "xai"  # openrouter: x-ai/grok-4.20
    assert makers["devstral-2512"] == "mistral"  # openrouter: mistralai/devstral-2512
    assert makers["qwen3-coder-30b-a3b-instruct"] == "alibaba"  # qwen/…
    assert makers["o3"] == "openai"
    assert catalog.Vendor.objects.get(slug="xai").name == "xAI"


def test_missing_cost_leaves_prices_unknown_never_zero(sample):
    run_import(sample)

    for model_slug, provider_slug in (
        ("gpt-image-1", "openai"),
        ("grok-imagine-video", "xai"),
        ("auto", "openrouter"),
    ):
        unknown = offering(model_slug, provider_slug)
        assert (
            unknown.input_price,
            unknown.output_price,
            unknown.cached_input_price,
        ) == (
            None,
            None,
            None,
        )


def test_free_variant_has_zero_prices(sample):
    run_import(sample)

    free = offering("gpt-oss-120b-free", "openrouter")
    assert (free.input_price, free.output_price) == (Decimal("0"), Decimal("0"))
    assert free.provider_model_id == "openai/gpt-oss-120b:free"
    assert offering("gpt-oss-120b", "openrouter").input_price == Decimal("0.03")


def test_anthropic_cache_read_and_write_prices(sample):
    run_import(sample)

    haiku = offering("claude-haiku-4-5", "anthropic")
    assert (
        haiku.input_price,
        haiku.output_price,
        haiku.cached_input_price,
        haiku.cache_write_price,
    ) == (Decimal("1"), Decimal("5"), Decimal("0.1"), Decimal("1.25"))
    # cache_read of 0 is a price of zero, not unknown.
    assert offering("gpt-3-5-turbo", "openai").cached_input_price == Decimal("0")


def test_tiers_come_from_tiers_only_not_also_from_context_over_200k(sample):
    run_import(sample)

    gpt55 = offering("gpt-5-5", "openai")
    assert list(
        gpt55.tiers.values_list("above_tokens", "input_price", "output_price")
    ) == [(272000, Decimal("10"), Decimal("45"))]
    routed = offering("claude-sonnet-4-5", "openrouter")
    assert list(
        routed.tiers.values_list("above_tokens", "input_price", "output_price")
    ) == [(200000, Decimal("6"), Decimal("22.5"))]


def test_model_facts_and_capabilities(sample):
    run_import(sample)

    mini = catalog.LLMModel.objects.get(slug="gpt-4-1-mini")
    assert (mini.context_window, mini.max_output_tokens) == (1047576, 32768)
    assert (mini.release_date, mini.knowledge_cutoff) == ("2025-04-14", "2024-04")
    assert mini.input_modalities == ["text", "image", "pdf"]
    assert mini.capabilities() == {
        "vision": True,
        "multimodal": True,
        "reasoning": False,
        "function_calling": True,
        "tool_use": True,
        "structured_outputs": True,
        "code_execution": None,
    }
    # structured_output absent at every provider: unknown, not "no".
    assert (
        catalog.LLMModel.objects.get(slug="claude-haiku-4-5").structured_outputs is None
    )
    assert catalog.LLMModel.objects.get(slug="o3").reasoning is True
    coder = catalog.LLMModel.objects.get(slug="qwen3-coder-30b-a3b-instruct")
    assert coder.release_date == "2025-04"  # month precision kept
    assert coder.open_weights is True
    assert coder.vision is False and coder.multimodal is False


def test_deprecated_status_and_unknown_limits(sample):
    run_import(sample)

    assert (
        catalog.LLMModel.objects.get(slug="claude-3-haiku-20240307").lifecycle
        == "deprecated"
    )
    image = catalog.LLMModel.objects.get(slug="gpt-image-1")
    # limit.context and limit.output of 0 mean unknown.
    assert (image.context_window, image.max_output_tokens) == (None, None)
    video = catalog.LLMModel.objects.get(slug="grok-imagine-video")
    assert video.output_modalities == ["video"]


def test_offering_gets_its_own_context_only_when_smaller(sample):
    run_import(sample)

    # OpenRouter lists Claude Sonnet 4.5 with 1M tokens, Anthropic with 200K:
    # the model keeps Anthropic's, and a larger offering context is not stored.
    assert (
        catalog.LLMModel.objects.get(slug="claude-sonnet-4-5").context_window == 200000
    )
    assert offering("claude-sonnet-4-5", "openrouter").context_window is None


def test_sample_reimport_changes_nothing(sample):
    run_import(sample)
    before = snapshot()

    output = run_import(sample)

    assert "Read as models.dev data." in output
    assert "Nothing to change: created 0, updated 0" in output
    assert snapshot() == before


def test_dry_run_on_models_dev_writes_nothing(sample):
    output = run_import(sample, "--dry-run")

    assert "would have created" in output
    assert not catalog.LLMModel.objects.exists()


def test_models_json_beside_api_json_adds_sourced_scores(sample_with_facts):
    output = run_import(sample_with_facts)

    assert "Reading model facts from models.json" in output
    score = catalog.Score.objects.get(
        model__slug="gpt-4-1-mini", benchmark__slug="aider-polyglot"
    )
    assert score.value == Decimal("32.4")
    assert score.source_url.startswith("https://")
    assert score.is_verified is False
    assert catalog.Benchmark.objects.get(slug="aider-polyglot").unit == "%"
    assert "Nothing to change" in run_import(sample_with_facts)


def test_float_noise_is_rounded_away(sample):
    api = json.loads(sample.read_text())
    api["openai"]["models"]["gpt-4.1-mini"]["cost"] = {
        "input": 0.39999999999999997,
        "output": 0.30000000000000004,
    }
    sample.write_text(json.dumps(api))

    run_import(sample)

    noisy = offering("gpt-4-1-mini", "openai")
    assert (noisy.input_price, noisy.output_price) == (Decimal("0.4"), Decimal("0.3"))


def test_output_limit_above_context_is_stored_as_given():
    api = {
        "acme": {
            "id": "acme",
            "name": "Acme Cloud",
            "models": {
                "acme-1": {
                    "id": "acme-1",
                    "name": "Acme 1",
                    "limit": {"context": 8000, "output": 16000},
                    "cost": {"input": 1, "output": 2},
                    "modalities": {"input": ["text"], "output": ["text"]},
                }
            },
        }
    }

    model = models_dev_convert(api=api).document["models"][0]

    assert (model["context_window"], model["max_output_tokens"]) == (8000, 16000)
    assert model["vendor"] == "acme"  # an unknown maker: the provider itself


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("openai/gpt-4.1-mini", "openai-gpt-4-1-mini"),
        ("Meta-Llama-3.1-8B-Instruct", "meta-llama-3-1-8b-instruct"),
        ("@cf/meta/llama~3:free", "cf-meta-llama-3-free"),
        ("gpt-vs-claude", "gpt-versus-claude"),
        ("vs-model", "versus-model"),
        ("...", "unnamed"),
        ("a" * 79 + ".b", "a" * 79),
    ],
)
def test_provider_ids_become_valid_model_slugs(text, slug):
    assert slugify(text, model=True) == slug


def test_slug_clash_between_makers_is_resolved_deterministically():
    def entry(model_id):
        return {
            "id": model_id,
            "name": model_id,
            "modalities": {"input": ["text"], "output": ["text"]},
        }

    api = {
        "router": {
            "id": "router",
            "name": "Router",
            "models": {
                "acme/chat-1": entry("acme/chat-1"),
                "zeta/chat-1": entry("zeta/chat-1"),
            },
        },
        "other": {
            "id": "other",
            "name": "Other",
            "models": {"acme/chat-1": entry("acme/chat-1")},
        },
    }

    document = models_dev_convert(api=api).document

    assert sorted((m["slug"], m["vendor"]) for m in document["models"]) == [
        ("chat-1", "acme"),
        ("chat-1-zeta", "zeta"),
    ]


def test_gzip_compressed_file_imports_as_the_same_data(sample, tmp_path):
    packed = tmp_path / "packed" / "api.json.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(sample.read_bytes()))
    run_import(packed)
    from_gzip = snapshot()
    assert catalog.LLMModel.objects.exists()

    again = run_import(sample)

    assert "Nothing to change: created 0, updated 0" in again
    assert snapshot() == from_gzip


def test_truncated_gzip_file_is_refused_naming_it(sample, tmp_path):
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(gzip.compress(sample.read_bytes())[:-40])

    with pytest.raises(CommandError, match=r"broken\.json\.gz: not a readable gzip"):
        run_import(broken)
    assert not catalog.LLMModel.objects.exists()


def test_a_catalog_document_is_not_mistaken_for_models_dev():
    assert not looks_like_models_dev({"format": "catalog/1", "models": []})
    assert not looks_like_models_dev({})
    assert looks_like_models_dev(
        {"openai": {"id": "openai", "name": "OpenAI", "models": {}}}
    )


def test_document_without_format_that_is_not_models_dev_is_refused(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"vendors": []}))

    with pytest.raises(Exception, match="format: is required"):
        run_import(path)


def test_full_models_dev_file_imports_and_reimports_without_change(models_dev_dir):
    output = run_import(models_dev_dir / "api.json.gz")

    assert "Imported:" in output
    assert catalog.LLMModel.objects.count() > 1500
    assert catalog.Offering.objects.count() > 5000
    assert catalog.Offering.objects.filter(input_price__isnull=True).count() >= 382
    mini = catalog.LLMModel.objects.get(slug="gpt-4-1-mini")
    assert mini.vendor.slug == "openai"
    assert mini.offerings.count() > 10
    # GitHub Models serves it with a smaller context than OpenAI's.
    assert offering("gpt-4-1-mini", "github-models").context_window == 128000
    assert catalog.Score.objects.exists()
    before = snapshot()

    again = run_import(models_dev_dir / "api.json.gz")

    assert "Nothing to change: created 0, updated 0" in again
    assert snapshot() == before


# Any JSON value, to stand in for whatever a models.dev field might hold.
junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=5,
)


def either(strategy):
    return st.one_of(junk, strategy)


prices = either(st.floats(-1, 1e7) | st.integers(-1, 10**7))
dates = either(
    st.sampled_from(["2025-04", "2025-04-14", "2025-13", "2025-02-30", "soon"])
)
counts = either(st.integers(-5, 2 * 10**9))
modality_lists = either(
    st.lists(
        st.sampled_from(["text", "image", "audio", "video", "pdf", "smell"]), max_size=5
    )
)
entries = st.fixed_dictionaries(
    {},
    optional={
        "name": either(st.text(max_size=300)),
        "family": either(st.sampled_from(["gpt", "claude-opus", "llama", "", "o"])),
        "release_date": dates,
        "knowledge": dates,
        "limit": either(
            st.fixed_dictionaries({}, optional={"context": counts, "output": counts})
        ),
        "cost": either(
            st.fixed_dictionaries(
                {},
                optional={
                    "input": prices,
                    "output": prices,
                    "cache_read": prices,
                    "cache_write": prices,
                    "tiers": either(
                        st.lists(
                            st.fixed_dictionaries(
                                {},
                                optional={
                                    "input": prices,
                                    "output": prices,
                                    "tier": either(
                                        st.fixed_dictionaries(
                                            {
                                                "type": st.sampled_from(
                                                    ["context", "x"]
                                                ),
                                                "size": counts,
                                            }
                                        )
                                    ),
                                },
                            ),
                            max_size=3,
                        )
                    ),
                },
            )
        ),
        "modalities": either(
            st.fixed_dictionaries(
                {}, optional={"input": modality_lists, "output": modality_lists}
            )
        ),
        "reasoning": junk,
        "tool_call": junk,
        "structured_output": junk,
        "open_weights": junk,
        "status": either(st.sampled_from(["deprecated", "alpha", "beta"])),
    },
)
model_ids = st.text(alphabet="abAB12./:@~-_ vs", min_size=1, max_size=100)
providers = st.builds(
    lambda name, doc, models: {"id": "p", "name": name, "doc": doc, "models": models},
    junk,
    junk,
    st.dictionaries(model_ids, entries, max_size=4),
)
aggregates = st.dictionaries(
    st.text(alphabet="ab-._1", min_size=1, max_size=8),
    providers,
    min_size=1,
    max_size=3,
)


@hypothesis.settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
@hypothesis.given(api=aggregates)
def test_any_models_dev_values_convert_to_a_valid_catalog_document(api):
    """models.dev values that are missing, odd or absurd become unknown; the import never fails on them."""
    document = models_dev_convert(api=api).document

    checked = catalog_validate(document)

    assert len(checked.models) == len(document["models"])
    for model in document["models"]:
        assert "-vs-" not in model["slug"]
