"""Apply upstream changes through the importer's writer: validated, all or nothing.

The models concerned are exported as they are, the accepted values are set on
that export, and the result is imported: the same checks as any import, the
price history and the revision history kept by the same code.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.exporting import models_export
from catalog.importing import CatalogError, catalog_import
from catalog.models import LLMModel, Provider, Vendor
from catalog.validators import SLUG_MAX_LENGTH
from upstream.models import UpstreamChange, UpstreamLink, UpstreamValue
from upstream.values import MODEL_SPECS, OFFERING_SPECS, entry_get, entry_set

Kind = UpstreamChange.Kind
Status = UpstreamChange.Status

REASON = "applied from {source}, change set {change_set}"
ACCEPTED_REASON = "accepted by {user}: " + REASON
MODEL_MISSING = "the model is no longer in the catalog"
OFFERING_MISSING = "the offering is no longer in the catalog"


@dataclass
class Applied:
    applied: int = 0
    errors: list[str] = field(default_factory=list)
    created_models: dict[int, LLMModel] = field(default_factory=dict)


def _free_slug(slug: str, vendor: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    candidate = f"{slug}-{vendor}"[:SLUG_MAX_LENGTH].strip("-")
    n = 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = slug[: SLUG_MAX_LENGTH - len(suffix)].strip("-") + suffix
        n += 1
    return candidate


class _Document:
    """The models concerned, exported as they are, with the changes set on them."""

    def __init__(self, changes: list[UpstreamChange]) -> None:
        model_ids = {c.model_id for c in changes if c.model_id}
        self.slugs = dict(
            LLMModel.objects.filter(pk__in=model_ids).values_list("pk", "slug")
        )
        self.entries = {e["slug"]: e for e in models_export(slugs=self.slugs.values())}
        self.known_vendors = set(Vendor.objects.values_list("slug", flat=True))
        self.known_providers = set(Provider.objects.values_list("slug", flat=True))
        self.vendors: dict[str, dict] = {}
        self.providers: dict[str, dict] = {}
        self.taken = set(LLMModel.objects.values_list("slug", flat=True))
        self.new_models: dict[int, str] = {}  # change id -> slug given
        self.errors: list[str] = []
        self.today = timezone.localdate()

    def need_provider(self, slug: str, about: dict | None) -> None:
        if slug not in self.known_providers and slug not in self.providers and about:
            self.providers[slug] = about

    def add_model(self, change: UpstreamChange) -> None:
        payload = change.payload
        entry = copy.deepcopy(payload["entry"])
        entry["slug"] = _free_slug(entry["slug"], entry["vendor"], self.taken)
        self.taken.add(entry["slug"])
        # Upstream's models arrive as drafts: an editor publishes them.
        entry["status"] = LLMModel.Status.DRAFT
        entry["scores"], entry["reviews"] = [], []
        for offering in entry.get("offerings") or []:
            offering["price_history"] = []
        if entry["vendor"] not in self.known_vendors and payload.get("vendor"):
            self.vendors[entry["vendor"]] = payload["vendor"]
        for provider in payload.get("providers") or []:
            self.need_provider(provider["slug"], provider)
        self.entries[entry["slug"]] = entry
        self.new_models[change.pk] = entry["slug"]

    def apply(self, change: UpstreamChange) -> None:
        if change.kind == Kind.NEW_MODEL:
            self.add_model(change)
            return
        slug = self.slugs.get(change.model_id)
        if slug is None:
            self.errors.append(f"{change}: {MODEL_MISSING}")
            return
        entry = self.entries[slug]
        offerings = {o["provider"]: o for o in entry["offerings"]}
        if change.kind == Kind.NEW_OFFERING:
            offering = copy.deepcopy(change.new_value)
            offering["price_history"] = []
            self.need_provider(offering["provider"], change.payload.get("provider"))
            if offering["provider"] not in offerings:
                entry["offerings"].append(offering)
        elif change.kind == Kind.GONE:
            if change.field:
                return  # a price tier: it stays; removing one is an editor's edit
            if not change.provider_slug:
                entry["lifecycle"] = LLMModel.Lifecycle.RETIRED
            elif change.provider_slug in offerings:
                offerings[change.provider_slug]["available"] = False
        elif change.offering_id:
            offering = offerings.get(change.provider_slug)
            if offering is None:
                self.errors.append(f"{change}: {OFFERING_MISSING}")
                return
            entry_set(offering, change.field, copy.deepcopy(change.new_value))
            if change.topic == UpstreamChange.Topic.PRICE:
                offering["checked_on"] = self.today.isoformat()
                if change.payload.get("source_url"):
                    offering["source_url"] = change.payload["source_url"]
        else:
            entry_set(entry, change.field, copy.deepcopy(change.new_value))

    def as_catalog(self) -> dict:
        return {
            "format": "catalog/1",
            "vendors": list(self.vendors.values()),
            "providers": list(self.providers.values()),
            "models": list(self.entries.values()),
        }


@transaction.atomic
def changes_apply(
    *, changes: list[UpstreamChange], user=None, reason: str = ""
) -> Applied:
    """Write the changes into the catalog in one transaction; CatalogError if refused."""
    result = Applied()
    changes = [c for c in changes if c.status == Status.PENDING]
    if not changes:
        return result
    first = changes[0]
    about = {"source": first.source, "change_set": first.change_set_id}
    if not reason:
        reason = (
            ACCEPTED_REASON.format(user=user.get_username(), **about)
            if user is not None
            else REASON.format(**about)
        )
    document = _Document(changes)
    for change in changes:
        document.apply(change)
    if document.errors:
        raise CatalogError(document.errors)
    catalog_import(document=document.as_catalog(), reason=reason, user=user)
    _record(
        changes,
        new_models=document.new_models,
        entries=document.entries,
        user=user,
        result=result,
    )
    return result


def _record(changes, *, new_models, entries, user, result: Applied) -> None:
    """Mark the rows applied; remember the values upstream set, and new models' links."""
    now = timezone.now()
    created = {
        m.slug: m
        for m in LLMModel.objects.filter(slug__in=new_models.values()).prefetch_related(
            "offerings__provider"
        )
    }
    touched: dict[tuple, dict] = defaultdict(dict)
    links: list[UpstreamLink] = []
    source = changes[0].source
    for change in changes:
        if change.kind == Kind.NEW_MODEL:
            model = created[new_models[change.pk]]
            result.created_models[change.pk] = model
            change.model = model
            entry = entries[model.slug]
            touched[(model.pk, None)].update(
                {
                    spec.key: spec.canon(entry_get(entry, spec.key))
                    for spec in MODEL_SPECS
                    if spec.canon(entry_get(entry, spec.key)) is not None
                }
            )
            by_provider = {o.provider.slug: o for o in model.offerings.all()}
            for offer in entry.get("offerings") or []:
                offering = by_provider.get(offer["provider"])
                if offering:
                    touched[(model.pk, offering.pk)].update(_offering_values(offer))
            for key, provider in change.payload.get("keys") or []:
                links.append(
                    UpstreamLink(
                        source=source, key=key, provider_slug=provider, model=model
                    )
                )
        elif change.kind == Kind.NEW_OFFERING:
            offering = (
                LLMModel.objects.get(pk=change.model_id)
                .offerings.filter(provider__slug=change.provider_slug)
                .first()
            )
            if offering:
                change.offering = offering
                touched[(change.model_id, offering.pk)].update(
                    _offering_values(change.new_value)
                )
        elif change.kind == Kind.FIELD:
            touched[(change.model_id, change.offering_id)][change.field] = (
                change.new_value
            )
        change.status = Status.APPLIED
        change.decided_by = user
        change.decided_at = now
        result.applied += 1
    UpstreamChange.objects.bulk_update(
        changes, ["status", "decided_by", "decided_at", "model", "offering"], 500
    )
    UpstreamLink.objects.bulk_create(links, batch_size=500, ignore_conflicts=True)
    values_remember(source=source, values=touched)


def _offering_values(offer: dict) -> dict:
    return {
        spec.key: spec.canon(offer.get(spec.key))
        for spec in OFFERING_SPECS
        if spec.canon(offer.get(spec.key)) is not None
    }


def values_remember(*, source: str, values: dict[tuple, dict]) -> None:
    """Merge {(model id, offering id or None): {field: value}} into the stored values."""
    if not values:
        return
    model_ids = {model_id for model_id, _ in values}
    existing = {
        (row.model_id, row.offering_id): row
        for row in UpstreamValue.objects.filter(source=source, model_id__in=model_ids)
    }
    new, changed = [], []
    for (model_id, offering_id), fields in values.items():
        if not fields:
            continue
        row = existing.get((model_id, offering_id))
        if row is None:
            new.append(
                UpstreamValue(
                    source=source,
                    model_id=model_id,
                    offering_id=offering_id,
                    values=fields,
                )
            )
        else:
            row.values = {**row.values, **fields}
            changed.append(row)
    UpstreamValue.objects.bulk_create(new, batch_size=500)
    UpstreamValue.objects.bulk_update(changed, ["values"], batch_size=500)
