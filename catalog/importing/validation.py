"""Check a whole `catalog/1` document before anything is written.

The document is read into plain items (model field values plus slug
references), each object is built as an unsaved model instance and checked
with `full_clean()`, so a file and an admin form refuse the same things; the
format's own rules (types, unknown keys, references, duplicates) are checked
here. Every error names its place, e.g. `models[3].offerings[0].input_price`.
"""

import copy
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from catalog import extensions
from catalog import models as catalog
from catalog.importing import values as v
from catalog.models import CAPABILITIES, OFFERING_CONTEXT_MESSAGE

FORMAT = "catalog/1"


class CatalogError(Exception):
    """A document that cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Field:
    parse: Callable[[object], object]
    # "value": must be given and not null; "key": must be given, null allowed.
    required: str | None = None
    default: object = None
    model_field: str | None = None
    ref: bool = False
    # Left out of the document: leave the stored value alone (keys added to
    # catalog/1 later, so older documents change nothing they did not carry).
    keep_when_absent: bool = False


@dataclass
class Item:
    """One object of the document, ready to compare with the database."""

    path: str
    values: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)
    bad: set = field(default_factory=set)

    @property
    def slug(self) -> str:
        return self.values.get("slug", "")


@dataclass
class Catalog:
    vendors: list[Item] = field(default_factory=list)
    providers: list[Item] = field(default_factory=list)
    benchmarks: list[Item] = field(default_factory=list)
    models: list[Item] = field(default_factory=list)
    # What each section of another app read (catalog/extensions.py), by key.
    sections: dict[str, list] = field(default_factory=dict)


def _blank(**kwargs) -> Field:
    return Field(v.text, default="", **kwargs)


NAMED = {
    "slug": Field(v.text, "value"),
    "name": Field(v.text, "value"),
    "website": _blank(),
    "description": _blank(),
}
BENCHMARK = {
    "slug": Field(v.text, "value"),
    "name": Field(v.text, "value"),
    "unit": Field(v.text, default="%"),
    "higher_is_better": Field(v.boolean, default=True),
    "url": _blank(),
    "description": _blank(),
}
MODEL = {
    "slug": Field(v.text, "value"),
    "name": Field(v.text, "value"),
    "vendor": Field(v.reference, "value", ref=True),
    "status": Field(
        v.choice(tuple(catalog.LLMModel.Status.values)),
        default=catalog.LLMModel.Status.PUBLISHED,
    ),
    "publish_at": Field(v.moment, keep_when_absent=True),
    "published_at": Field(
        v.moment, model_field="first_published_at", keep_when_absent=True
    ),
    "created_at": Field(v.moment, keep_when_absent=True),
    "release_date": Field(v.partial_date, default=""),
    "knowledge_cutoff": Field(v.partial_date, default=""),
    "context_window": Field(v.tokens),
    "max_output_tokens": Field(v.tokens),
    "parameters_billions": Field(v.size_billions),
    "architecture": _blank(),
    "license": _blank(),
    "open_weights": Field(v.boolean),
    "description": _blank(),
    "lifecycle": Field(
        v.choice(tuple(catalog.LLMModel.Lifecycle.values)),
        default=catalog.LLMModel.Lifecycle.ACTIVE,
    ),
    "deprecation_date": Field(v.date),
}
MODEL_NESTED = ("modalities", "capabilities", "offerings", "scores", "reviews")
OFFERING = {
    "provider": Field(v.reference, "value", ref=True),
    "provider_model_id": _blank(),
    "input_price": Field(v.price, "key"),
    "output_price": Field(v.price, "key"),
    "cached_input_price": Field(v.price),
    "cache_write_price": Field(v.price),
    "context_window": Field(v.tokens),
    "available": Field(v.boolean, default=True, model_field="is_available"),
    "url": _blank(),
    "source_url": _blank(),
    "checked_on": Field(v.date),
}
OFFERING_NESTED = ("tiers", "price_history")
TIER = {
    "above_tokens": Field(v.tokens, "value"),
    "input_price": Field(v.price, "value"),
    "output_price": Field(v.price, "value"),
}
PRICE_POINT = {
    "until": Field(v.date, "value"),
    "input_price": Field(v.price, "key"),
    "output_price": Field(v.price, "key"),
    "recorded_at": Field(v.moment, model_field="created_at", keep_when_absent=True),
}
SCORE = {
    "benchmark": Field(v.reference, "value", ref=True),
    "value": Field(v.score_value, "value"),
    "verified": Field(v.boolean, default=False, model_field="is_verified"),
    "source_url": _blank(),
    "measured_on": Field(v.date),
}
REVIEW = {
    "reviewed_on": Field(v.date, "value"),
    "reviewer": Field(v.text, "value"),
    "summary": _blank(),
    "body": _blank(),
    "sources": Field(v.string_list, default=[]),
}
TOP_LEVEL = (
    "format",
    "exported_at",
    # Where the change feed takes up after this export; nothing to import.
    "cursor",
    "vendors",
    "providers",
    "benchmarks",
    "models",
)
# Model fields whose document key has another name.
DOC_KEYS = {
    "is_available": "available",
    "is_verified": "verified",
    "input_modalities": "modalities.input",
    "output_modalities": "modalities.output",
    **{name: f"capabilities.{name}" for name in CAPABILITIES},
}


def document_load(raw: bytes | str) -> dict:
    """Parse JSON text into a dict, or raise CatalogError with line and column."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CatalogError(
                [f"byte {error.start}: the file is not UTF-8 text ({error.reason})"]
            ) from None
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise CatalogError(
            [f"line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}"]
        ) from None
    except RecursionError:
        raise CatalogError(["(document): nested too deeply to read"]) from None
    if not isinstance(document, dict):
        raise CatalogError(
            [f"(document): must be a JSON object, not {v._type_name(document)}"]
        )
    return document


def top_level_keys() -> tuple[str, ...]:
    """The keys a document may have: the catalog's, then other apps' sections."""
    return (*TOP_LEVEL, *(s.key for s in extensions.document_sections()))


def catalog_validate(document: dict, *, progress: Callable = iter) -> Catalog:
    """Read and check a whole `catalog/1` document; raise CatalogError listing every problem."""
    reader = DocumentReader()
    result = reader.read(document, progress)
    if not reader.errors:
        reader.check_references()
    if reader.errors:
        raise CatalogError(reader.errors)
    return result


class DocumentReader:
    """Reads a document into items, gathering every error with its place.

    Sections of other apps (catalog/extensions.py) read theirs with the same
    helpers: entries(), read_object(), full_clean(), refer() and error().
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        # (kind, slug) -> where the document refers to it
        self.references: list[tuple[str, str, str]] = []
        self.slugs: dict[str, set[str]] = {
            "vendor": set(),
            "provider": set(),
            "benchmark": set(),
            "model": set(),
        }

    def error(self, place: str, message: str) -> None:
        self.errors.append(f"{place}: {message}")

    # -- the document -----------------------------------------------------

    def read(self, document: dict, progress: Callable) -> Catalog:
        allowed = top_level_keys()
        for key in sorted(set(document) - set(allowed)):
            self.error(key, f"unknown key (allowed: {', '.join(allowed)})")
        if "format" not in document:
            self.error("format", f'is required ("{FORMAT}")')
        elif document["format"] != FORMAT:
            self.error("format", f'must be "{FORMAT}", not {document["format"]!r}')
        stamp = document.get("exported_at")
        if stamp is not None and not _is_timestamp(stamp):
            self.error(
                "exported_at", f"must be a date and time in ISO 8601, not {stamp!r}"
            )

        result = Catalog()
        for kind, spec, model_cls in (
            ("vendors", NAMED, catalog.Vendor),
            ("providers", NAMED, catalog.Provider),
            ("benchmarks", BENCHMARK, catalog.Benchmark),
        ):
            items = []
            for path, raw in self.entries(document, kind, kind):
                item = self.read_object(raw, path, spec)
                if item is not None:
                    self.full_clean(model_cls, item)
                    items.append(item)
            self.unique(items, kind[:-1])
            setattr(result, kind, items)

        entries = list(self.entries(document, "models", "models"))
        for path, raw in progress(entries):
            item = self.read_model(raw, path)
            if item is not None:
                result.models.append(item)
        self.unique(result.models, "model")

        for section in extensions.document_sections():
            result.sections[section.key] = section.read(self, document)
        return result

    def entries(
        self, container: dict, key: str, path: str
    ) -> Iterable[tuple[str, object]]:
        value = container.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"must be a list, not {v._type_name(value)}")
            return []
        return [(f"{path}[{index}]", raw) for index, raw in enumerate(value)]

    def read_object(
        self, raw: object, path: str, spec: dict, nested: tuple = ()
    ) -> Item | None:
        if not isinstance(raw, dict):
            self.error(path, f"must be an object, not {v._type_name(raw)}")
            return None
        allowed = (*spec, *nested)
        for key in sorted(set(raw) - set(allowed)):
            self.error(f"{path}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
        item = Item(path)
        for key, rule in spec.items():
            if rule.keep_when_absent and key not in raw:
                continue
            value = raw.get(key)
            if value is None:
                if rule.required == "value" or (
                    rule.required == "key" and key not in raw
                ):
                    self.error(f"{path}.{key}", "is required")
                    item.bad.add(rule.model_field or key)
                    continue
                value = copy.copy(rule.default)
            else:
                try:
                    value = rule.parse(value)
                except v.Invalid as error:
                    self.error(f"{path}.{key}", str(error))
                    item.bad.add(rule.model_field or key)
                    continue
            if rule.ref:
                item.refs[key] = value
            else:
                item.values[rule.model_field or key] = value
        return item

    def full_clean(
        self,
        model_cls,
        item: Item,
        exclude: Iterable[str] = (),
        doc_keys: dict[str, str] | None = None,
    ) -> None:
        """Run the model's own validation (the admin's rules) on the item's values.

        `doc_keys` names the fields whose document key differs, for error places.
        """
        doc_keys = {**DOC_KEYS, **(doc_keys or {})}
        instance = model_cls(**item.values)
        try:
            instance.full_clean(
                exclude=[*item.bad, *exclude],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                place = item.path
                if name != NON_FIELD_ERRORS:
                    place = f"{item.path}.{doc_keys.get(name, name)}"
                self.error(place, " ".join(dict.fromkeys(messages)))

    def unique(self, items: list[Item], kind: str) -> None:
        seen: dict[str, str] = {}
        for item in items:
            slug = item.slug
            if not slug:
                continue
            if slug in seen:
                self.error(
                    f"{item.path}.slug", f"{slug!r} is already used by {seen[slug]}"
                )
            else:
                seen[slug] = item.path
                self.slugs[kind].add(slug)

    def refer(self, kind: str, slug: str, place: str) -> None:
        self.references.append((kind, slug, place))

    # -- models and what hangs on them ------------------------------------

    def read_model(self, raw: object, path: str) -> Item | None:
        item = self.read_object(raw, path, MODEL, MODEL_NESTED)
        if item is None:
            return None
        self.read_modalities(raw.get("modalities"), item)
        self.read_capabilities(raw.get("capabilities"), item)
        self.full_clean(catalog.LLMModel, item, exclude=["vendor"])
        if "vendor" in item.refs:
            self.refer("vendor", item.refs["vendor"], f"{path}.vendor")

        offerings, providers = [], {}
        for place, entry in self.entries(raw, "offerings", f"{path}.offerings"):
            offering = self.read_offering(entry, place, item)
            if offering is None:
                continue
            provider = offering.refs.get("provider")
            if provider in providers:
                self.error(
                    f"{place}.provider",
                    f"{provider!r} already has an offering for this model at {providers[provider]}",
                )
            elif provider:
                providers[provider] = place
            offerings.append(offering)

        scores, benchmarks = [], {}
        for place, entry in self.entries(raw, "scores", f"{path}.scores"):
            score = self.read_object(entry, place, SCORE)
            if score is None:
                continue
            self.full_clean(catalog.Score, score, exclude=["model", "benchmark"])
            benchmark = score.refs.get("benchmark")
            if benchmark in benchmarks:
                self.error(
                    f"{place}.benchmark",
                    f"{benchmark!r} already has a score for this model at {benchmarks[benchmark]}",
                )
            elif benchmark:
                benchmarks[benchmark] = place
                self.refer("benchmark", benchmark, f"{place}.benchmark")
            scores.append(score)

        reviews, seen = [], {}
        for place, entry in self.entries(raw, "reviews", f"{path}.reviews"):
            review = self.read_object(entry, place, REVIEW)
            if review is None:
                continue
            self.full_clean(catalog.Review, review, exclude=["model"])
            key = (review.values.get("reviewed_on"), review.values.get("reviewer"))
            if None not in key and key in seen:
                self.error(place, f"the same reviewer and date as {seen[key]}")
            else:
                seen[key] = place
            reviews.append(review)

        item.children = {"offerings": offerings, "scores": scores, "reviews": reviews}
        return item

    def read_modalities(self, raw: object, item: Item) -> None:
        item.values["input_modalities"] = []
        item.values["output_modalities"] = []
        if raw is None:
            return
        place = f"{item.path}.modalities"
        if not isinstance(raw, dict):
            self.error(
                place,
                f'must be an object like {{"input": ["text"], "output": ["text"]}}, not {v._type_name(raw)}',
            )
            return
        for key in sorted(set(raw) - {"input", "output"}):
            self.error(f"{place}.{key}", "unknown key (allowed: input, output)")
        for key in ("input", "output"):
            value = raw.get(key)
            if value is None:
                continue
            try:
                item.values[f"{key}_modalities"] = v.string_list(value)
            except v.Invalid as error:
                self.error(f"{place}.{key}", str(error))
                item.bad.add(f"{key}_modalities")

    def read_capabilities(self, raw: object, item: Item) -> None:
        for name in CAPABILITIES:
            item.values[name] = None
        if raw is None:
            return
        place = f"{item.path}.capabilities"
        if not isinstance(raw, dict):
            self.error(place, f"must be an object, not {v._type_name(raw)}")
            return
        for key in sorted(set(raw) - set(CAPABILITIES)):
            self.error(
                f"{place}.{key}",
                f"unknown capability (allowed: {', '.join(CAPABILITIES)})",
            )
        for name in CAPABILITIES:
            value = raw.get(name)
            if value is not None and not isinstance(value, bool):
                self.error(
                    f"{place}.{name}", f"must be true, false or null, not {value!r}"
                )
                item.bad.add(name)
            else:
                item.values[name] = value

    def read_offering(self, raw: object, path: str, model: Item) -> Item | None:
        item = self.read_object(raw, path, OFFERING, OFFERING_NESTED)
        if item is None:
            return None
        self.full_clean(catalog.Offering, item, exclude=["model", "provider"])
        if "provider" in item.refs:
            self.refer("provider", item.refs["provider"], f"{path}.provider")
        own, whole = (
            item.values.get("context_window"),
            model.values.get("context_window"),
        )
        if own and whole and own > whole:
            self.error(
                f"{path}.context_window",
                OFFERING_CONTEXT_MESSAGE.format(model_context=whole),
            )

        tiers, sizes = [], {}
        for place, entry in self.entries(raw, "tiers", f"{path}.tiers"):
            tier = self.read_object(entry, place, TIER)
            if tier is None:
                continue
            self.full_clean(catalog.PriceTier, tier, exclude=["offering"])
            size = tier.values.get("above_tokens")
            if size in sizes:
                self.error(
                    f"{place}.above_tokens",
                    f"{size} is already a tier at {sizes[size]}",
                )
            elif size:
                sizes[size] = place
            tiers.append(tier)

        history = []
        for place, entry in self.entries(raw, "price_history", f"{path}.price_history"):
            point = self.read_object(entry, place, PRICE_POINT)
            if point is not None:
                self.full_clean(
                    catalog.PricePoint, point, exclude=["offering", "changed_at"]
                )
                history.append(point)
        item.children = {"tiers": tiers, "price_history": history}
        return item

    # -- references ------------------------------------------------------

    def check_references(self) -> None:
        classes = {
            "vendor": catalog.Vendor,
            "provider": catalog.Provider,
            "benchmark": catalog.Benchmark,
            "model": catalog.LLMModel,
        }
        for kind, model_cls in classes.items():
            wanted = {
                slug
                for k, slug, _ in self.references
                if k == kind and slug not in self.slugs[kind]
            }
            if not wanted:
                continue
            known = set(
                model_cls.objects.filter(slug__in=wanted).values_list("slug", flat=True)
            )
            for k, slug, place in self.references:
                if k == kind and slug in wanted and slug not in known:
                    self.error(
                        place, f"no {kind} {slug!r} in the document or the database"
                    )


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
