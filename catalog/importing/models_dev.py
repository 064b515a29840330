# Long on purpose: one translation, models.dev to catalog/1, read top to bottom; its steps share the provider and id tables.
"""Read the models.dev aggregate (`api.json`, plus `models.json` facts) as a `catalog/1` document.

models.dev lists each model once per provider, under the provider's own id and
with no maker. Here every entry is traced to its maker (lab) and a canonical
model, so the same model at several providers becomes one model with several
offerings. The result goes through the same checks and writer as any
`catalog/1` document. The quirks handled are listed in
docs/models-dev.md ("Quirks an importer must handle").
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from catalog.importing.validation import CatalogError
from catalog.importing.values import Invalid, price
from catalog.models import MAX_TOKENS
from catalog.validators import (
    MODALITIES,
    PARTIAL_DATE_RE,
    SLUG_MAX_LENGTH,
    parse_partial_date,
    without_invisible,
)

FACTS_FILENAME = "models.json"
SOURCE_URL = "https://models.dev/"
FULL_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Score.value holds up to 10 digits before the point.
SCORE_LIMIT = 10**10
# Offering prices hold up to six digits before the point.
PRICE_LIMIT = 10**6

# Providers that serve their own lab's models under unprefixed ids.
FIRST_PARTY = {
    "openai": "openai",
    "anthropic": "anthropic",
    "xai": "xai",
    "google": "google",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "cohere": "cohere",
    "moonshotai": "moonshotai",
    "moonshotai-cn": "moonshotai",
    "minimax": "minimax",
    "minimax-cn": "minimax",
    "alibaba": "alibaba",
    "alibaba-cn": "alibaba",
    "zhipuai": "zhipuai",
    "zai": "zhipuai",
    "perplexity": "perplexity",
    "xiaomi": "xiaomi",
    "stepfun": "stepfun",
    "sakana": "sakana",
    "sarvam": "sarvam",
    "llama": "meta",
    "upstage": "upstage",
    "poolside": "poolside",
    "inception": "inception",
}
# Id prefixes (organisation names on routers and hubs) -> lab.
PREFIX_LAB = {
    "x-ai": "xai",
    "meta-llama": "meta",
    "mistralai": "mistral",
    "mistral-ai": "mistral",
    "deepseek-ai": "deepseek",
    "qwen": "alibaba",
    "zai-org": "zhipuai",
    "z-ai": "zhipuai",
    "zai": "zhipuai",
    "thudm": "zhipuai",
    "minimaxai": "minimax",
    "moonshot": "moonshotai",
    "xiaomimimo": "xiaomi",
    "stepfun-ai": "stepfun",
    "bytedance-seed": "bytedance",
    "google-deepmind": "google",
    "ibm-granite": "ibm",
    "black-forest-labs": "bfl",
    "qwenlm": "alibaba",
    "kimi": "moonshotai",
    "grok": "xai",
    "facebook": "meta",
    "ai21-labs": "ai21",
    "sarvamai": "sarvam",
    "liquidai": "liquid",
    "prime-intellect": "primeintellect",
}
# Path segments of ids that name a hosting layout, not a maker.
NOT_A_LAB = {
    "accounts",
    "models",
    "routers",
    "route",
    "tee",
    "workers-ai",
    "cf",
    "hf",
    "fireworks",
}
# models.dev `family` (first word) -> lab, for unprefixed ids.
FAMILY_LAB = {
    "gpt": "openai",
    "o": "openai",
    "chatgpt": "openai",
    "codex": "openai",
    "dall": "openai",
    "whisper": "openai",
    "text": "openai",
    "claude": "anthropic",
    "gemini": "google",
    "gemma": "google",
    "imagen": "google",
    "veo": "google",
    "grok": "xai",
    "llama": "meta",
    "mistral": "mistral",
    "mixtral": "mistral",
    "devstral": "mistral",
    "codestral": "mistral",
    "magistral": "mistral",
    "ministral": "mistral",
    "pixtral": "mistral",
    "voxtral": "mistral",
    "qwen": "alibaba",
    "qwq": "alibaba",
    "qvq": "alibaba",
    "deepseek": "deepseek",
    "glm": "zhipuai",
    "glmv": "zhipuai",
    "kimi": "moonshotai",
    "minimax": "minimax",
    "command": "cohere",
    "cohere": "cohere",
    "nemotron": "nvidia",
    "sonar": "perplexity",
    "phi": "microsoft",
    "mimo": "xiaomi",
    "nova": "amazon",
    "ernie": "baidu",
    "hunyuan": "tencent",
    "seed": "bytedance",
    "granite": "ibm",
    "jamba": "ai21",
}
LAB_NAMES = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "xai": "xAI",
    "meta": "Meta",
    "mistral": "Mistral AI",
    "deepseek": "DeepSeek",
    "alibaba": "Alibaba (Qwen)",
    "zhipuai": "Zhipu AI",
    "moonshotai": "Moonshot AI",
    "minimax": "MiniMax",
    "cohere": "Cohere",
    "nvidia": "NVIDIA",
    "microsoft": "Microsoft",
    "amazon": "Amazon",
    "perplexity": "Perplexity",
    "xiaomi": "Xiaomi",
    "stepfun": "StepFun",
    "bytedance": "ByteDance",
    "baidu": "Baidu",
    "tencent": "Tencent",
    "ibm": "IBM",
    "ai21": "AI21 Labs",
}
LIFECYCLE = {"deprecated": "deprecated", "alpha": "preview", "beta": "preview"}
PERCENT_METRICS = {
    "percent correct",
    "pass@1",
    "average pass@1",
    "resolved",
    "resolve rate",
    "percent",
    "percent resolved",
    "success rate",
}


def slugify(text: str, *, model: bool = False) -> str:
    """A valid slug: lowercase, runs of other characters become '-', at most 80 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if model:
        # '-vs-' joins the two slugs of a comparison address.
        slug = "-".join("versus" if part == "vs" else part for part in slug.split("-"))
    slug = slug[:SLUG_MAX_LENGTH].strip("-")
    return slug or "unnamed"


def looks_like_models_dev(document: dict) -> bool:
    """{provider_id: {id, name, models: {...}}}, as https://models.dev/api.json is shaped."""
    return bool(document) and all(
        isinstance(entry, dict)
        and isinstance(entry.get("models"), dict)
        and "id" in entry
        for entry in document.values()
    )


@dataclass
class Conversion:
    document: dict
    notes: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    provider: str  # provider id in api.json
    model_id: str
    data: dict
    lab: str = ""
    first_party: bool = False


def models_dev_convert(*, api: dict, facts: dict | None = None) -> Conversion:
    """Turn api.json (and, when given, models.json) into a `catalog/1` document."""
    facts = facts or {}
    _check_shape(api)
    known_parts = _facts_index(facts)
    groups: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
    entries = 0
    for provider_id in sorted(api):
        for model_id in sorted(api[provider_id]["models"]):
            data = api[provider_id]["models"][model_id]
            entry = _Entry(provider_id, model_id, data)
            part = slugify(model_id.rsplit("/", 1)[-1], model=True)
            entry.lab = _lab(entry, part, known_parts)
            entry.first_party = "/" not in model_id and (
                FIRST_PARTY.get(provider_id) == entry.lab or provider_id == entry.lab
            )
            groups[(entry.lab, part)].append(entry)
            entries += 1

    slugs = _model_slugs(groups)
    providers = {slugify(pid): api[pid] for pid in api}
    facts_by_model = _facts_by_model(facts)
    models, merged = [], 0
    for key in sorted(groups, key=lambda k: slugs[k]):
        model, dropped = _model(
            slugs[key], key[0], groups[key], facts_by_model.get(key)
        )
        merged += dropped
        models.append(model)
    by_lab_part = {key: slugs[key] for key in groups}
    benchmarks = _scores(facts, by_lab_part, {m["slug"]: m for m in models})

    labs = sorted({key[0] for key in groups})
    document = {
        "format": "catalog/1",
        "vendors": [
            {"slug": lab, "name": _lab_name(lab, api), "website": "", "description": ""}
            for lab in labs
        ],
        "providers": [
            {
                "slug": slug,
                "name": _name(entry.get("name"))[:200] or slug,
                "website": _url(entry.get("doc")),
                "description": "",
            }
            for slug, entry in sorted(providers.items())
        ],
        "benchmarks": benchmarks,
        "models": models,
    }
    unpriced = sum(
        1 for m in models for o in m["offerings"] if o["input_price"] is None
    )
    notes = [
        f"models.dev: {entries} provider entries became {len(models)} models from "
        f"{len(labs)} vendors with {entries - merged} offerings ({unpriced} without a price, "
        "kept as unknown)."
    ]
    if merged:
        notes.append(
            f"models.dev: {merged} entries repeated a model at the same provider under "
            "another id; one offering was kept for each (the priced one, else the shortest id)."
        )
    return Conversion(document, notes)


def _check_shape(api: dict) -> None:
    errors = []
    for provider_id, provider in api.items():
        for model_id, data in provider["models"].items():
            if not isinstance(data, dict):
                errors.append(f'{provider_id}.models["{model_id}"]: must be an object')
    if errors:
        raise CatalogError(errors)


def _facts_index(facts: dict) -> dict[str, str]:
    """Model part slug -> lab, from models.json keys '<lab>/<model>' (unambiguous ones)."""
    labs: dict[str, set[str]] = defaultdict(set)
    for key in facts:
        if "/" in key:
            lab, model = key.split("/", 1)
            labs[slugify(model, model=True)].add(_lab_alias(lab))
    return {part: next(iter(found)) for part, found in labs.items() if len(found) == 1}


def _facts_by_model(facts: dict) -> dict[tuple[str, str], dict]:
    """models.json entries keyed like the canonical models: (lab, model part slug)."""
    found = {}
    for key in sorted(facts):
        if "/" in key and isinstance(facts[key], dict):
            lab, part = key.split("/", 1)
            found.setdefault((_lab_alias(lab), slugify(part, model=True)), facts[key])
    return found


def _clean_segment(segment: str) -> str:
    clean = segment.strip("~@").lower()
    return clean.removeprefix("hf:")


def _lab_alias(name: str) -> str:
    clean = _clean_segment(name)
    return PREFIX_LAB.get(clean, slugify(clean))


def _lab(entry: _Entry, part: str, known_parts: dict[str, str]) -> str:
    """Who makes the model: id prefix, models.json, family, first-party provider, else the provider."""
    for segment in reversed(entry.model_id.split("/")[:-1]):
        clean = _clean_segment(segment)
        if clean in PREFIX_LAB:
            return PREFIX_LAB[clean]
        if clean and clean not in NOT_A_LAB:
            return slugify(clean)
    if part in known_parts:
        return known_parts[part]
    family = _text(entry.data.get("family")).lower()
    for word in (family, family.split("-")[0], part.split("-")[0]):
        if word in FAMILY_LAB:
            return FAMILY_LAB[word]
    return FIRST_PARTY.get(entry.provider, slugify(entry.provider))


def _model_slugs(groups: dict) -> dict[tuple[str, str], str]:
    """One slug per canonical model; a clash between labs gets the lab's name appended."""
    taken: set[str] = set()
    slugs = {}
    # The model with most offerings keeps the plain slug.
    for key in sorted(groups, key=lambda k: (k[1], -len(groups[k]), k[0])):
        lab, part = key
        slug = part
        if slug in taken:
            slug = slugify(f"{part}-{lab}", model=True)
        base, n = slug, 2
        while slug in taken:
            suffix = f"-{n}"
            slug = base[: SLUG_MAX_LENGTH - len(suffix)].strip("-") + suffix
            n += 1
        taken.add(slug)
        slugs[key] = slug
    return slugs


def _pick(entries: list[_Entry], read) -> object:
    """The first-party value when there is one, else the most common (ties: smallest)."""
    for entry in entries:
        if entry.first_party:
            value = read(entry.data)
            if value is not None:
                return value
    counts = Counter(v for v in (read(e.data) for e in entries) if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], repr(v)))


def _model(
    slug: str, lab: str, entries: list[_Entry], fact: dict | None
) -> tuple[dict, int]:
    inputs = _pick(entries, lambda d: _modalities(d, "input")) or ()
    outputs = _pick(entries, lambda d: _modalities(d, "output")) or ()
    context = _pick(entries, lambda d: _tokens(_dict(d.get("limit")).get("context")))
    open_weights = _pick(entries, lambda d: _bool(d.get("open_weights")))
    license_ = ""
    if fact:
        license_ = _text(fact.get("license"))
        if isinstance(fact.get("open_weights"), bool):
            open_weights = fact["open_weights"]
    model = {
        "slug": slug,
        "name": (_pick(entries, lambda d: _name(d.get("name")) or None) or slug)[:200],
        "vendor": lab,
        "status": "published",
        "release_date": _pick(entries, lambda d: _partial_date(d.get("release_date"))),
        "knowledge_cutoff": _pick(entries, lambda d: _partial_date(d.get("knowledge"))),
        "context_window": context,
        "max_output_tokens": _pick(
            entries, lambda d: _tokens(_dict(d.get("limit")).get("output"))
        ),
        "parameters_billions": None,
        "architecture": None,
        "license": license_[:200] or None,
        "open_weights": open_weights,
        "modalities": {"input": list(inputs), "output": list(outputs)},
        "capabilities": {
            "vision": "image" in inputs if inputs else None,
            "multimodal": len(inputs) > 1 if inputs else None,
            "reasoning": _pick(entries, lambda d: _bool(d.get("reasoning"))),
            "function_calling": _pick(entries, lambda d: _bool(d.get("tool_call"))),
            "tool_use": _pick(entries, lambda d: _bool(d.get("tool_call"))),
            "structured_outputs": _pick(
                entries, lambda d: _bool(d.get("structured_output"))
            ),
            "code_execution": None,
        },
        "description": "",
        "lifecycle": _pick(
            entries, lambda d: LIFECYCLE.get(_text(d.get("status")), "active")
        ),
        "deprecation_date": None,
        "offerings": [],
        "scores": [],
        "reviews": [],
    }
    by_provider: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        by_provider[slugify(entry.provider)].append(entry)
    dropped = 0
    for provider in sorted(by_provider):
        candidates = by_provider[provider]
        # Two ids for one model at one provider (e.g. 'a/b.5' and 'a/b-5'): keep one.
        best = min(
            candidates,
            key=lambda e: ("cost" not in e.data, len(e.model_id), e.model_id),
        )
        dropped += len(candidates) - 1
        model["offerings"].append(_offering(provider, best, context))
    return model, dropped


def _offering(provider: str, entry: _Entry, model_context: int | None) -> dict:
    data = entry.data
    cost = _dict(data.get("cost"))
    has_price = "input" in cost and "output" in cost
    own = _tokens(_dict(data.get("limit")).get("context"))
    tiers, sizes = [], set()
    listed = cost.get("tiers")
    for tier in listed if isinstance(listed, list) else []:
        if not isinstance(tier, dict):
            continue
        about = _dict(tier.get("tier"))
        size = _tokens(about.get("size"))
        tier_in, tier_out = _price(tier.get("input")), _price(tier.get("output"))
        if about.get("type") != "context" or not size or size in sizes:
            continue
        if tier_in is None or tier_out is None:
            continue
        sizes.add(size)
        tiers.append(
            {"above_tokens": size, "input_price": tier_in, "output_price": tier_out}
        )
    return {
        "provider": provider,
        "provider_model_id": entry.model_id[:200],
        # No `cost` means the price is unknown, never free.
        "input_price": _price(cost.get("input")) if has_price else None,
        "output_price": _price(cost.get("output")) if has_price else None,
        "cached_input_price": _price(cost.get("cache_read")) if has_price else None,
        "cache_write_price": _price(cost.get("cache_write")) if has_price else None,
        # Tiers come from `tiers` only; `context_over_200k` is a copy of the same.
        "tiers": sorted(tiers, key=lambda t: t["above_tokens"]),
        "context_window": own
        if own and model_context and own < model_context
        else None,
        "available": True,
        "url": "",
        "source_url": SOURCE_URL,
        "checked_on": None,
        "price_history": [],
    }


def _scores(
    facts: dict, slugs: dict[tuple[str, str], str], models: dict[str, dict]
) -> list:
    """Sourced benchmark scores from models.json, onto the models they name."""
    names: dict[str, Counter] = defaultdict(Counter)
    metrics: dict[str, Counter] = defaultdict(Counter)
    found: dict[tuple[str, str], dict] = {}
    for key in sorted(facts):
        fact = facts[key]
        if "/" not in key or not isinstance(fact, dict):
            continue
        lab, part = key.split("/", 1)
        slug = slugs.get((_lab_alias(lab), slugify(part, model=True)))
        if slug is None:
            continue
        for bench in fact.get("benchmarks") or []:
            if not isinstance(bench, dict):
                continue
            name, value = _name(bench.get("name")), bench.get("score")
            if (
                not name
                or isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or abs(value) >= SCORE_LIMIT
            ):
                continue
            bench_slug = slugify(name)
            names[bench_slug][name] += 1
            metrics[bench_slug][_text(bench.get("metric"))] += 1
            date = bench.get("date") if isinstance(bench.get("date"), str) else ""
            score = {
                "benchmark": bench_slug,
                "value": value,
                "verified": False,
                "source_url": _url(bench.get("source")),
                "measured_on": date
                if FULL_DATE_RE.match(date) and _partial_date(date)
                else None,
            }
            previous = found.get((slug, bench_slug))
            # Several results for one model and benchmark: keep the latest.
            if previous is None or (score["measured_on"] or "", value) > (
                previous["measured_on"] or "",
                previous["value"],
            ):
                found[(slug, bench_slug)] = score
    for (slug, _), score in sorted(found.items()):
        models[slug]["scores"].append(score)
    benchmarks = []
    for bench_slug in sorted(names):
        name = min(names[bench_slug], key=lambda n: (-names[bench_slug][n], n))
        metric = metrics[bench_slug].most_common(1)[0][0]
        benchmarks.append(
            {
                "slug": bench_slug,
                "name": name[:200],
                "unit": "%" if metric in PERCENT_METRICS else "points",
                "higher_is_better": True,
                "url": "",
                "description": "",
            }
        )
    return benchmarks


def _lab_name(lab: str, api: dict) -> str:
    if lab in LAB_NAMES:
        return LAB_NAMES[lab]
    provider = api.get(lab)
    if isinstance(provider, dict) and _name(provider.get("name")):
        return _name(provider["name"])[:200]
    return lab


# -- tolerant readers: models.dev values that are missing or odd become unknown --


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    # NUL cannot be stored (and the catalog refuses it); drop it from upstream text.
    return value.replace("\x00", "") if isinstance(value, str) else ""


def _name(value: object) -> str:
    # Names refuse invisible characters (a right-to-left override, a zero-width
    # space, a tab): drop them from upstream names rather than refuse the file.
    return without_invisible(_text(value)).strip()


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _url(value: object) -> str:
    text = _text(value)
    return text[:500] if text.startswith(("https://", "http://")) else ""


def _tokens(value: object) -> int | None:
    # A limit of 0 means unknown.
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_TOKENS
    ):
        return None
    return value


def _price(value: object) -> str | None:
    if value is None:
        return None
    try:
        # Decimal(str(x)) then six places: 0.39999999999999997 becomes 0.4.
        number = price(value)
    except Invalid:
        return None
    # A price the catalog cannot hold is not a price anyone charges.
    return format(number.normalize(), "f") if number < PRICE_LIMIT else None


def _partial_date(value: object) -> str | None:
    if not isinstance(value, str) or not PARTIAL_DATE_RE.match(value):
        return None
    try:
        parse_partial_date(value)
    except ValidationError:  # an impossible date (2025-02-30) is an unknown one
        return None
    return value


def _modalities(data: dict, key: str) -> tuple[str, ...] | None:
    values = _dict(data.get("modalities")).get(key)
    if not isinstance(values, list):
        return None
    return tuple(dict.fromkeys(v for v in values if v in MODALITIES)) or None
