"""The pair's sentences: advantages, verdict, "choose", deep dive, intro, description."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comparisons.derivation import formatting as fmt
from comparisons.derivation.claims import PairFacts
from comparisons.derivation.facts import PRICE_KINDS, ModelFacts
from comparisons.derivation.results import Advantage, Side

# --- Advantages, verdict, "choose" -----------------------------------------------------

PRICE_LABELS = {
    "input": "input price",
    "output": "output price",
    "blended": "blended price",
}


def model_advantages(model: ModelFacts, other: ModelFacts, facts: PairFacts):
    """The facts that favour `model`, in the order the rules list them."""
    yield from _price_advantages(model, other, facts)
    if facts.larger_context == model.slug:
        exact = fmt.tokens_need_exact((model.context_window, other.context_window))
        mine = fmt.tokens_text(model.context_window, exact=exact)
        theirs = fmt.tokens_text(other.context_window, exact=exact)
        yield Advantage(
            "context",
            f"a larger context window ({mine} tokens against {theirs})",
            f"Larger context window: {mine} tokens against {theirs} for {other.name}.",
        )
    if facts.newer_cutoff == model.slug:
        mine = fmt.partial_date_text(model.knowledge_cutoff)
        theirs = fmt.partial_date_text(other.knowledge_cutoff)
        yield Advantage(
            "cutoff",
            f"a more recent knowledge cutoff ({mine} against {theirs})",
            f"More recent knowledge cutoff: {mine} against {theirs} for {other.name}.",
        )
    rows = {row.key: row for row in facts.capabilities}
    # Vision is a kind of non-text input: when both favour the same model they
    # are one advantage, not two.
    merge_input = (
        rows["vision"].has_it == model.slug and rows["multimodal"].has_it == model.slug
    )
    for row in facts.capabilities:
        if row.has_it != model.slug:
            continue
        if merge_input and row.key == "multimodal":
            continue
        if merge_input and row.key == "vision":
            yield Advantage(
                "capability:vision+multimodal",
                f"image and other non-text input ({other.name} reads text only)",
                f"Image and other non-text input: {model.name} has vision and "
                f"multimodal input; {other.name} has neither.",
            )
            continue
        yield Advantage(
            f"capability:{row.key}",
            f"{row.label.lower()} ({other.name} lacks it)",
            f"{row.label}: {model.name} has it and {other.name} does not.",
        )
    for row in facts.benchmarks:
        if row.leader == model.slug:
            mine = row.displays[model.slug].text
            theirs = row.displays[other.slug].text
            yield Advantage(
                f"benchmark:{row.slug}",
                f"a lead of {row.gap_text} on {row.name} ({mine} against {theirs})",
                f"Leads on {row.name}: {mine} against {theirs} for {other.name}, "
                f"by {row.gap_text}.",
            )
    mine, theirs = facts.provider_counts[model.slug], facts.provider_counts[other.slug]
    if mine > theirs:
        yield Advantage(
            "providers",
            f"more providers ({mine} against {theirs})",
            f"More providers to choose from: {mine} against {theirs} for {other.name}.",
        )
    if model.open_weights is True and other.open_weights is False:
        yield Advantage(
            "open_weights",
            f"open weights, which {other.name} does not offer",
            f"Open weights: you can download {model.name} and run it yourself; "
            f"{other.name}'s weights are closed.",
        )


def _price_advantages(model: ModelFacts, other: ModelFacts, facts: PairFacts):
    for kind in PRICE_KINDS:
        claim = facts.prices[kind]
        if claim.cheaper != model.slug:
            continue
        label = PRICE_LABELS[kind]
        if kind == "blended":
            label = f"blended price ({facts.blend} input/output)"
        mine = _per_million(claim.values[model.slug])
        theirs = fmt.money(claim.values[other.slug])
        how_much = "" if claim.is_free else f", {claim.saving_text}"
        yield Advantage(
            kind,
            f"a lower {label} ({mine} against {theirs}{how_much})",
            f"Lower {label}: {mine} against {theirs} for {other.name}{how_much}.",
        )


def _per_million(value: Decimal | None) -> str:
    if value is None:
        return fmt.UNKNOWN_LABEL
    if value == 0:
        return "free"
    return f"{fmt.money(value)} per million tokens"


def retired_text(model: ModelFacts, today: date) -> str:
    """'X is retired: its vendor stopped serving it on 1 Dec 2026.'"""
    when = model.deprecation_date
    if when is not None and when <= today:
        return (
            f"{model.name} is retired: its vendor stopped serving it on "
            f"{fmt.date_text(when)}."
        )
    return f"{model.name} is retired: its vendor no longer serves it."


def lifecycle_sentence(model: ModelFacts, today: date) -> tuple[str, bool] | None:
    """The notice a model's lifecycle calls for on `today`, and whether it is serious.

    `model` is as it stands on `today` (facts.model_on): a deprecation date that
    has passed made it retired, so "plans to" is only ever said of a future date.
    """
    if model.is_retired:
        return retired_text(model, today), True
    if model.lifecycle == "deprecated":
        when = model.deprecation_date
        on = f" on {fmt.date_text(when)}" if when is not None and when > today else ""
        return (
            f"{model.name} is deprecated: its vendor plans to stop serving it{on}.",
            True,
        )
    if model.lifecycle == "preview":
        return f"{model.name} is a preview release and may still change.", False
    return None


def model_choose(
    model: ModelFacts,
    other: ModelFacts,
    advantages: tuple[Advantage, ...],
    today: date,
):
    if model.is_retired:
        if other.is_retired:
            return (f"{retired_text(model, today)} Neither model is served any more.",)
        return (f"{retired_text(model, today)} Consider {other.name} instead.",)
    if not advantages:
        return (f"This catalog shows no advantage of {model.name} over {other.name}.",)
    return tuple(advantage.sentence for advantage in advantages)


VERDICT_MAX_PHRASES = 4


def _offers(advantages: tuple[Advantage, ...]) -> str:
    phrases = [a.phrase for a in advantages[:VERDICT_MAX_PHRASES]]
    extra = len(advantages) - len(phrases)
    if extra:
        phrases.append(f"{extra} more advantage{'s' if extra > 1 else ''} listed below")
    return fmt.names_list(phrases)


def pair_verdict(a: Side, b: Side, facts: PairFacts, today: date) -> str:
    retired = [s for s in (a, b) if s.model.is_retired]
    if len(retired) == 2:
        return (
            f"Both {a.name} and {b.name} are retired: their vendors no longer serve "
            "them, so neither is a choice today. This page is kept for reference."
        )
    if retired:
        (gone,) = retired
        active = b if gone is a else a
        first = (
            f"{retired_text(gone.model, today)} Of the two, only {active.name} "
            "can still be used."
        )
        if active.advantages:
            return (
                f"{first} Against {gone.name}, it offers {_offers(active.advantages)}."
            )
        return first
    blended = facts.prices["blended"]
    if blended.cheaper is not None:
        cheap, pricey = (a, b) if blended.cheaper == a.slug else (b, a)
        high = fmt.money(blended.values[pricey.slug])
        if blended.is_free:
            first = (
                f"{cheap.name} is the cheaper model: free at {cheap.reference.provider_name}, "
                f"against {high} per million tokens for {pricey.name}."
            )
        else:
            low = fmt.money(blended.values[cheap.slug])
            first = (
                f"{cheap.name} is the cheaper model, {blended.saving_text} on a {facts.blend} "
                f"input/output blend ({low} against {high} per million tokens)."
            )
        pricey_offers = tuple(x for x in pricey.advantages if x.kind != "blended")
        if pricey_offers:
            # "Costs more" would contradict a lower input or output price among
            # what it offers: name the blend, which is what it loses on.
            return (
                f"{first} {pricey.name} has the higher blended price but offers "
                f"{_offers(pricey_offers)}."
            )
        return (
            f"{first} The data shows nothing {pricey.name} offers for its higher price."
        )
    if a.reference is not None and b.reference is not None:
        price = a.reference.blended_price
        if price == 0:
            first = f"{a.name} and {b.name} are both free."
        else:
            first = (
                f"{a.name} and {b.name} cost the same on a {facts.blend} input/output "
                f"blend ({fmt.money(price)} per million tokens)."
            )
    else:
        unknown = [s.name for s in (a, b) if s.reference is None]
        verb = "has" if len(unknown) == 1 else "have"
        first = f"No price comparison is made: {fmt.names_list(unknown)} {verb} no known price."
    return f"{first} {_other_facts(a, b)}"


def _other_facts(a: Side, b: Side) -> str:
    parts = [
        f"{s.name} offers {_offers(s.advantages)}." for s in (a, b) if s.advantages
    ]
    if not parts:
        return "Beyond that, the data shows no advantage for either model."
    return " ".join(parts)


# --- Deep dive -------------------------------------------------------------------------


def pair_deep_dive(a: Side, b: Side, facts: PairFacts) -> tuple[str, ...]:
    return (
        _benchmark_paragraph(a, b, facts),
        _capability_paragraph(a, b, facts),
        _cost_paragraph(a, b, facts),
        _provider_paragraph(a, b, facts),
    )


def _benchmark_paragraph(a: Side, b: Side, facts: PairFacts) -> str:
    shared = [row for row in facts.benchmarks if row.is_shared]
    sentences = []
    if shared:
        count = len(shared)
        details = []
        for row in shared:
            detail = (
                f"{row.name}: {a.name} {row.displays[a.slug].text}, "
                f"{b.name} {row.displays[b.slug].text}"
            )
            if row.leader:
                detail += f" ({facts.name(row.leader)} ahead by {row.gap_text})"
            else:
                detail += " (level)"
            details.append(detail)
        sentences.append(
            (
                "Both models have a score on one benchmark. "
                if count == 1
                else f"Both models have scores on {count} benchmarks. "
            )
            + "; ".join(details)
            + "."
        )
        gap = facts.largest_gap
        if gap is not None:
            sentences.append(
                f"The largest gap among benchmarks scored in percent is {gap.gap_text} "
                f"on {gap.name}, in favour of {facts.name(gap.leader)}."
            )
        elif any(row.unit == "%" for row in shared):
            sentences.append(
                "On every shared benchmark scored in percent they are less than "
                "0.1 points apart."
            )
        else:
            sentences.append(
                "These are not scored in percent, so each is compared only in "
                "its own unit."
            )
    elif any(row for row in facts.benchmarks):
        sentences.append(
            "The two models have no benchmark in common, so no score is compared."
        )
    else:
        sentences.append("Neither model has a benchmark score in this catalog yet.")
    for side in (a, b):
        own = [
            row.name
            for row in facts.benchmarks
            if not row.is_shared and row.values[side.slug] is not None
        ]
        if own:
            sentences.append(f"Only {side.name} has a score on {fmt.names_list(own)}.")
    return " ".join(sentences)


def _capability_paragraph(a: Side, b: Side, facts: PairFacts) -> str:
    rows = facts.capabilities
    differ = [
        f"{row.label.lower()} ({facts.name(row.has_it)} only)"
        for row in rows
        if row.has_it
    ]
    both = [
        row.label.lower() for row in rows if all(v is True for v in row.values.values())
    ]
    neither = [
        row.label.lower()
        for row in rows
        if all(v is False for v in row.values.values())
    ]
    unknown = [row.label.lower() for row in rows if None in row.values.values()]
    sentences = []
    if differ:
        sentences.append(f"Their capabilities differ on {fmt.names_list(differ)}.")
    else:
        sentences.append("No recorded capability sets them apart.")
    if both:
        sentences.append(f"Both support {fmt.names_list(both)}.")
    if neither:
        sentences.append(f"Neither supports {fmt.names_list(neither)}.")
    if unknown:
        sentences.append(
            f"For {fmt.names_list(unknown)}, the catalog has no data on at least one of them."
        )
    return " ".join(sentences)


def _cost_paragraph(a: Side, b: Side, facts: PairFacts) -> str:
    blended = facts.prices["blended"]
    if a.reference is None or b.reference is None:
        unknown = [s.name for s in (a, b) if s.reference is None]
        verb = "has" if len(unknown) == 1 else "have"
        return (
            f"Their costs cannot be compared: {fmt.names_list(unknown)} {verb} no known price "
            "at an available provider."
        )
    if blended.cheaper is None and a.model.is_retired == b.model.is_retired:
        price = a.reference.blended_price
        amount = "nothing" if price == 0 else _per_million(price)
        return (
            f"On a {facts.blend} input/output blend at each model's cheapest available "
            f"provider, both cost {amount} ({a.name} at {a.reference.provider_name}, "
            f"{b.name} at {b.reference.provider_name})."
        )
    parts = [_blended_cost(side) for side in (a, b)]
    first = (
        f"On a {facts.blend} input/output blend at each model's cheapest available provider, "
        f"{parts[0]}, and {parts[1]}."
    )
    if blended.cheaper is None:
        return f"{first} Their blended cost is the same."
    return (
        f"{first} That makes {facts.name(blended.cheaper)} cheaper by "
        f"{fmt.money(blended.difference)} per million tokens."
    )


def _blended_cost(side: Side) -> str:
    """'X costs $0.76 per million tokens at P'; 'X is free at P'; past tense if retired."""
    price = side.reference.blended_price
    where = side.reference.provider_name
    retired = side.model.is_retired
    if price == 0:
        return f"{side.name} {'was' if retired else 'is'} free at {where}"
    verb = "cost" if retired else "costs"
    return f"{side.name} {verb} {_per_million(price)} at {where}"


def _provider_paragraph(a: Side, b: Side, facts: PairFacts) -> str:
    def count(side: Side) -> str:
        n = side.provider_count
        if n == 0:
            return "no provider in this catalog"
        return f"{n} provider{'s' if n > 1 else ''}"

    def verb(side: Side) -> str:
        return "was" if side.model.is_retired else "is"

    if a.provider_count == b.provider_count == 0:
        # "Both are available from no provider" says the opposite of what it means.
        return (
            f"Neither {'was' if a.model.is_retired and b.model.is_retired else 'is'} "
            "available from any "
            "provider in this catalog."
        )
    if a.provider_count == b.provider_count and verb(a) == verb(b):
        first = (
            f"Both {'were' if a.model.is_retired else 'are'} available from {count(a)}."
        )
    elif verb(a) == verb(b):
        first = f"{a.name} {verb(a)} available from {count(a)} and {b.name} from {count(b)}."
    else:
        first = (
            f"{a.name} {verb(a)} available from {count(a)} and {b.name} "
            f"{verb(b)} available from {count(b)}."
        )
    if facts.shared_provider_names:
        shared = fmt.names_list(facts.shared_provider_names)
        if a.model.is_retired or b.model.is_retired:
            return f"{first} Both were listed at {shared}."
        return f"{first} Both can be used through {shared}."
    if a.provider_count and b.provider_count:
        return f"{first} They have no provider in common."
    return first


# --- Intro and description ------------------------------------------------------------


def pair_intro(a: ModelFacts, b: ModelFacts, facts: PairFacts) -> str:
    def who(m: ModelFacts) -> str:
        year = fmt.year_text(m.release_date)
        return (
            f"{m.name} ({m.vendor_name}, {year})"
            if year
            else f"{m.name} ({m.vendor_name})"
        )

    sentences = [f"This page sets {who(a)} beside {who(b)}."]
    if a.context_window and b.context_window:
        if a.context_window == b.context_window:
            sentences.append(
                f"Both read up to {fmt.tokens_compact(a.context_window)} tokens at once."
            )
        else:
            exact = fmt.tokens_need_exact((a.context_window, b.context_window))
            sentences.append(
                f"{a.name} reads up to "
                f"{fmt.tokens_text(a.context_window, exact=exact)} tokens at once, "
                f"{b.name} up to {fmt.tokens_text(b.context_window, exact=exact)}."
            )
    else:
        for m in (a, b):
            if m.context_window:
                sentences.append(
                    f"{m.name} reads up to {fmt.tokens_compact(m.context_window)} tokens at once."
                )
    gap = facts.largest_gap
    if gap is not None:
        sentences.append(
            f"Their widest benchmark gap is on {gap.name}, where {facts.name(gap.leader)} "
            f"leads by {gap.gap_text}."
        )
    sentences.append(
        "Below: specs, prices at each provider, capabilities, benchmark scores and sources."
    )
    return " ".join(sentences)


def pair_description(a: ModelFacts, b: ModelFacts, facts: PairFacts) -> str:
    """The meta description: what the page compares, and the price claim if there is one."""
    text = (
        f"{a.name} vs {b.name}: prices at each provider, context windows, "
        "capabilities and benchmark scores, side by side."
    )
    retired = [m.name for m in (a, b) if m.is_retired]
    if retired:
        # No price claim that would present a retired model as the better buy.
        verb = "is" if len(retired) == 1 else "are"
        return f"{text} {fmt.names_list(retired)} {verb} retired."
    blended = facts.prices["blended"]
    if blended.cheaper is not None:
        how = "free" if blended.is_free else blended.saving_text
        text += f" {facts.name(blended.cheaper)} is {how} on a {facts.blend} blend."
    return text
