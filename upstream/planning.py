"""Compare a snapshot with the catalog: which differences to record, which apply at once.

The catalog and the upstream bookkeeping are read in a fixed number of queries,
whatever the size of either, and compared in memory.
"""

import dataclasses
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings

from catalog.models import LLMModel, Offering, PriceTier
from upstream.models import UpstreamChange, UpstreamLink, UpstreamValue
from upstream.sources import Snapshot, UpstreamModel
from upstream.values import (
    MODEL_ATTRS,
    MODEL_SPECS,
    OFFERING_ATTRS,
    OFFERING_SPECS,
    Spec,
    entry_get,
    lifecycle_moves_forward,
    topic_of,
)

Kind = UpstreamChange.Kind
Status = UpstreamChange.Status
Topic = UpstreamChange.Topic

TIER_KEPT = (
    "upstream no longer lists this price tier; a sync never removes one, so it "
    "stays until an editor does"
)


@dataclass
class Proposal:
    kind: str
    topic: str
    subject: str
    model_id: int | None = None
    offering_id: int | None = None
    vendor_slug: str = ""
    provider_slug: str = ""
    upstream_key: str = ""
    field: str = ""
    old_value: object = None
    new_value: object = None
    payload: dict = dataclasses.field(default_factory=dict)
    is_editor_owned: bool = False
    applies_at_once: bool = False
    note: str = ""


@dataclass
class Plan:
    source: str
    proposals: list[Proposal] = dataclasses.field(default_factory=list)
    superseded: set[int] = dataclasses.field(default_factory=set)
    new_links: list[UpstreamLink] = dataclasses.field(default_factory=list)
    listed_again: set[int] = dataclasses.field(default_factory=set)
    unlisted: set[int] = dataclasses.field(default_factory=set)
    # (model id, offering id or None) -> fields upstream now agrees with
    agreed: dict[tuple, dict] = dataclasses.field(
        default_factory=lambda: defaultdict(dict)
    )
    baselines: dict[tuple, UpstreamValue] = dataclasses.field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        found = Counter(p.topic for p in self.proposals)
        return dict(sorted(found.items()))

    @property
    def at_once(self) -> list[Proposal]:
        return [p for p in self.proposals if p.applies_at_once]


def _fingerprint(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def new_model_payload(um: UpstreamModel, snapshot: Snapshot) -> dict:
    entry = um.entry
    providers = {o["provider"] for o in entry.get("offerings") or []}
    return {
        "entry": {k: v for k, v in entry.items() if k not in ("scores", "reviews")},
        "keys": [list(key) for key in um.keys],
        "vendor": snapshot.vendors.get(entry["vendor"]),
        "providers": [
            snapshot.providers[slug]
            for slug in sorted(providers)
            if slug in snapshot.providers
        ],
    }


class Planner:
    """Builds a Plan for one snapshot; see docs/upstream-sync.md for the rules."""

    def __init__(self, snapshot: Snapshot, *, detect_gone: bool = True) -> None:
        self.snapshot = snapshot
        self.source = snapshot.source
        self.detect_gone = detect_gone
        self.plan = Plan(source=self.source)
        self.policy = set(settings.VERSUS_UPSTREAM_APPLY_AT_ONCE)

    # -- reading ---------------------------------------------------------------

    def load(self) -> None:
        self.links = {
            link.key: link for link in UpstreamLink.objects.filter(source=self.source)
        }
        self.models = {
            row["id"]: row
            for row in LLMModel.objects.values(
                "id", "slug", "name", "vendor__slug", *MODEL_ATTRS
            )
        }
        self.by_slug = {row["slug"]: row for row in self.models.values()}
        self.offerings = {
            (row["model_id"], row["provider__slug"]): row
            for row in Offering.objects.values(
                "id", "model_id", "provider__slug", "provider__name", *OFFERING_ATTRS
            )
        }
        self.tiers: dict[int, list] = defaultdict(list)
        for tier in PriceTier.objects.values(
            "offering_id", "above_tokens", "input_price", "output_price"
        ):
            self.tiers[tier["offering_id"]].append(tier)
        self.baselines = {
            (row.model_id, row.offering_id): row
            for row in UpstreamValue.objects.filter(source=self.source)
        }
        self.plan.baselines = self.baselines
        self.pending: dict[tuple, dict] = {}
        # A price tier's pending "no longer listed" rows, by (model id, provider).
        self.pending_tiers: dict[tuple, list] = defaultdict(list)
        self.rejected: dict[tuple, set[str]] = defaultdict(set)
        for row in UpstreamChange.objects.filter(
            source=self.source, status__in=(Status.PENDING, Status.REJECTED)
        ).values(
            "id",
            "status",
            "kind",
            "model_id",
            "offering_id",
            "provider_slug",
            "upstream_key",
            "field",
            "old_value",
            "new_value",
        ):
            target = self.target_of(row)
            if row["status"] == Status.PENDING:
                self.pending[target] = row
                if row["kind"] == Kind.GONE and row["field"]:
                    where = (row["model_id"], row["provider_slug"])
                    self.pending_tiers[where].append(row)
            else:
                self.rejected[target].add(_fingerprint(row["new_value"]))

    @staticmethod
    def target_of(row: dict) -> tuple:
        kind = row["kind"]
        if kind == Kind.NEW_MODEL:
            return (kind, row["upstream_key"])
        if kind == Kind.GONE and row["field"]:  # a price tier
            above = row["old_value"][0]["above_tokens"]
            return (kind, row["model_id"], row["provider_slug"], row["field"], above)
        if kind in (Kind.NEW_OFFERING, Kind.GONE):
            return (kind, row["model_id"], row["provider_slug"])
        return (kind, row["model_id"], row["offering_id"], row["field"])

    # -- comparing -------------------------------------------------------------

    def run(self) -> Plan:
        self.load()
        self.seen_keys: set[str] = set()
        claimed: set[int] = set()
        for um in self.snapshot.models:
            model_id = self.match(um)
            if model_id is not None and model_id in claimed:
                model_id = None  # two upstream entries for one model: the later waits
            if model_id is None:
                self.new_model(um)
                continue
            claimed.add(model_id)
            self.link(um, model_id)
            self.compare_model(um, self.models[model_id])
        if self.detect_gone:
            self.gone()
        return self.plan

    def match(self, um: UpstreamModel) -> int | None:
        """By stored identity first, else (first sync) by slug and vendor, as the importer would."""
        found = Counter(
            self.links[key].model_id for key, _ in um.keys if key in self.links
        )
        if found:
            return min(found, key=lambda model_id: (-found[model_id], model_id))
        row = self.by_slug.get(um.slug)
        if row is not None and row["vendor__slug"] == um.entry.get("vendor"):
            return row["id"]
        return None

    def link(self, um: UpstreamModel, model_id: int) -> None:
        for key, provider in um.keys:
            self.seen_keys.add(key)
            link = self.links.get(key)
            if link is None:
                link = UpstreamLink(
                    source=self.source,
                    key=key[:400],
                    provider_slug=provider,
                    model_id=model_id,
                )
                self.links[key] = link
                self.plan.new_links.append(link)
            elif not link.is_listed and link.pk:
                self.plan.listed_again.add(link.pk)

    def decide(
        self,
        *,
        target: tuple,
        current: object,
        proposed: object,
        baseline: dict,
        spec_key: str,
        agreed: dict,
    ) -> tuple[bool, bool] | None:
        """None when nothing is to be proposed; else (propose, editor-owned)."""
        if proposed is None:
            return None  # upstream never blanks a known value
        pending = self.pending.get(target)
        if current == proposed:
            if spec_key not in baseline or baseline[spec_key] != proposed:
                agreed[spec_key] = proposed
            if pending:
                self.plan.superseded.add(pending["id"])
            return None
        if spec_key in baseline and baseline[spec_key] == proposed:
            return None  # an editor changed it after upstream set this very value
        if pending:
            if _fingerprint(pending["new_value"]) == _fingerprint(proposed):
                return None
            self.plan.superseded.add(pending["id"])
        if _fingerprint(proposed) in self.rejected.get(target, ()):
            return None
        if spec_key in baseline:
            owned = current != baseline[spec_key]
        else:
            owned = current is not None
        return True, owned

    def field_proposal(
        self,
        spec: Spec,
        *,
        target: tuple,
        current: object,
        proposed: object,
        baseline: dict,
        agreed: dict,
        **about,
    ) -> bool:
        """Propose the upstream value when the rules say so; True when proposed."""
        decided = self.decide(
            target=target,
            current=current,
            proposed=proposed,
            baseline=baseline,
            spec_key=spec.key,
            agreed=agreed,
        )
        if decided is None:
            return False
        _, owned = decided
        topic = topic_of(spec, proposed)
        at_once = topic in self.policy and not owned
        self.plan.proposals.append(
            Proposal(
                kind=Kind.FIELD,
                topic=topic,
                field=spec.key,
                old_value=current,
                new_value=proposed,
                is_editor_owned=owned,
                applies_at_once=at_once,
                note=_note(owned, topic in self.policy),
                **about,
            )
        )
        return True

    def compare_model(self, um: UpstreamModel, row: dict) -> None:
        model_id = row["id"]
        baseline_row = self.baselines.get((model_id, None))
        baseline = baseline_row.values if baseline_row else {}
        agreed = self.plan.agreed[(model_id, None)]
        about = {
            "subject": row["name"],
            "model_id": model_id,
            "vendor_slug": row["vendor__slug"],
        }
        for spec in MODEL_SPECS:
            proposed = spec.canon(entry_get(um.entry, spec.key))
            current = spec.canon(row[spec.attr])
            if spec.key == "lifecycle" and (
                proposed is None or not lifecycle_moves_forward(current, proposed)
            ):
                continue
            self.field_proposal(
                spec,
                target=(Kind.FIELD, model_id, None, spec.key),
                current=current,
                proposed=proposed,
                baseline=baseline,
                agreed=agreed,
                **about,
            )
        for offering in um.entry.get("offerings") or []:
            self.compare_offering(um, row, offering)

    def compare_offering(self, um: UpstreamModel, model: dict, entry: dict) -> None:
        provider = entry["provider"]
        current_row = self.offerings.get((model["id"], provider))
        provider_name = (
            current_row["provider__name"]
            if current_row
            else (self.snapshot.providers.get(provider) or {}).get("name", provider)
        )
        about = {
            "subject": f"{model['name']} on {provider_name}",
            "model_id": model["id"],
            "vendor_slug": model["vendor__slug"],
            "provider_slug": provider,
        }
        if current_row is None:
            self.new_offering(model, entry, about)
            return
        offering_id = current_row["id"]
        current_row = {**current_row, "tiers": self.tiers.get(offering_id, [])}
        baseline_row = self.baselines.get((model["id"], offering_id))
        baseline = baseline_row.values if baseline_row else {}
        agreed = self.plan.agreed[(model["id"], offering_id)]
        for spec in OFFERING_SPECS:
            proposed = spec.canon(entry.get(spec.key))
            current = spec.canon(current_row[spec.attr])
            payload = {}
            if spec.topic == "price":
                payload = {"source_url": entry.get("source_url") or ""}
            proposed_now = self.field_proposal(
                spec,
                target=(Kind.FIELD, model["id"], offering_id, spec.key),
                current=current,
                proposed=proposed,
                baseline=baseline,
                agreed=agreed,
                offering_id=offering_id,
                payload=payload,
                **about,
            )
            if spec.key == "tiers" and proposed is not None:
                self.tiers_dropped(
                    current or [],
                    proposed,
                    is_new_value=proposed_now,
                    offering_id=offering_id,
                    about=about,
                )

    def tiers_dropped(
        self,
        current: list,
        proposed: list,
        *,
        is_new_value: bool,
        offering_id: int,
        about: dict,
    ) -> None:
        """Catalog tiers a new upstream list leaves out: kept, and reported once."""
        listed = {tier["above_tokens"] for tier in proposed}
        where = (about["model_id"], about["provider_slug"])
        for row in self.pending_tiers.get(where, []):
            if row["old_value"][0]["above_tokens"] in listed:
                self.plan.superseded.add(row["id"])  # listed again
        if not is_new_value:
            return  # reported when upstream first left it out
        for tier in current:
            above = tier["above_tokens"]
            target = (Kind.GONE, *where, "tiers", above)
            if above in listed or target in self.pending:
                continue
            self.plan.proposals.append(
                Proposal(
                    kind=Kind.GONE,
                    topic=Topic.GONE,
                    offering_id=offering_id,
                    field="tiers",
                    old_value=[tier],
                    # Never by policy: only an editor removes a price tier.
                    applies_at_once=False,
                    note=TIER_KEPT,
                    **about,
                )
            )

    def new_offering(self, model: dict, entry: dict, about: dict) -> None:
        target = (Kind.NEW_OFFERING, model["id"], entry["provider"])
        offer = {k: v for k, v in entry.items() if k != "price_history"}
        fingerprint = _fingerprint(offer)
        pending = self.pending.get(target)
        if pending:
            if _fingerprint(pending["new_value"]) == fingerprint:
                return
            self.plan.superseded.add(pending["id"])
        if fingerprint in self.rejected.get(target, ()):
            return
        provider = self.snapshot.providers.get(entry["provider"])
        at_once = Topic.NEW_OFFERING in self.policy
        self.plan.proposals.append(
            Proposal(
                kind=Kind.NEW_OFFERING,
                topic=Topic.NEW_OFFERING,
                new_value=offer,
                payload={"provider": provider},
                applies_at_once=at_once,
                note=_note(False, at_once),
                **about,
            )
        )

    def new_model(self, um: UpstreamModel) -> None:
        target = (Kind.NEW_MODEL, um.slug)
        payload = new_model_payload(um, self.snapshot)
        fingerprint = _fingerprint(payload["entry"])
        pending = self.pending.get(target)
        if pending:
            if _fingerprint(pending["new_value"]) == fingerprint:
                return
            self.plan.superseded.add(pending["id"])
        if fingerprint in self.rejected.get(target, ()):
            return
        for key, _ in um.keys:
            self.seen_keys.add(key)
        at_once = Topic.NEW_MODEL in self.policy
        vendor = payload["vendor"] or {}
        self.plan.proposals.append(
            Proposal(
                kind=Kind.NEW_MODEL,
                topic=Topic.NEW_MODEL,
                subject=um.entry.get("name") or um.slug,
                vendor_slug=um.entry.get("vendor", ""),
                upstream_key=um.slug,
                new_value=payload["entry"],
                payload=payload,
                applies_at_once=at_once,
                note=(
                    f"new model by {vendor.get('name') or um.entry.get('vendor')}; "
                    "arrives as a draft"
                ),
            )
        )

    def gone(self) -> None:
        """Entries listed at the last sync and absent now: one row per offering or model."""
        still_listed: set[tuple[int, str]] = set()
        models_listed: set[int] = set()
        vanished: list[UpstreamLink] = []
        for key, link in self.links.items():
            if key in self.seen_keys:
                still_listed.add((link.model_id, link.provider_slug))
                models_listed.add(link.model_id)
            elif link.is_listed and link.pk:
                vanished.append(link)
        flagged: set[tuple[int, str]] = set()
        for link in vanished:
            self.plan.unlisted.add(link.pk)
            model = self.models.get(link.model_id)
            if model is None:
                continue
            if link.model_id not in models_listed:
                where = (link.model_id, "")
                if where in flagged or model["lifecycle"] == "retired":
                    continue
                self.gone_row(model, "", where)
            elif link.provider_slug and (link.model_id, link.provider_slug) not in (
                still_listed
            ):
                where = (link.model_id, link.provider_slug)
                offering = self.offerings.get(where)
                if where in flagged or offering is None or not offering["is_available"]:
                    continue
                self.gone_row(model, link.provider_slug, where, offering)
            else:
                continue
            flagged.add(where)

    def gone_row(
        self, model: dict, provider: str, where: tuple, offering: dict | None = None
    ) -> None:
        target = (Kind.GONE, *where)
        if target in self.pending:
            return
        at_once = Topic.GONE in self.policy
        subject = model["name"]
        if offering:
            subject = f"{model['name']} on {offering['provider__name']}"
        self.plan.proposals.append(
            Proposal(
                kind=Kind.GONE,
                topic=Topic.GONE,
                subject=subject,
                model_id=model["id"],
                offering_id=offering["id"] if offering else None,
                vendor_slug=model["vendor__slug"],
                provider_slug=provider,
                applies_at_once=at_once,
                note=(
                    "the offering would be marked unavailable"
                    if offering
                    else "the model would be retired"
                ),
            )
        )


def _note(owned: bool, in_policy: bool) -> str:
    if owned:
        return "an editor changed this field since upstream last set it"
    if in_policy:
        return "applied by policy"
    return "waits for review by policy"


def plan_build(snapshot: Snapshot, *, detect_gone: bool = True) -> Plan:
    return Planner(snapshot, detect_gone=detect_gone).run()
