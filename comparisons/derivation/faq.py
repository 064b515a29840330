"""The generated FAQ: the questions a pair answers from its facts."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from comparisons.derivation import formatting as fmt
from comparisons.derivation.claims import PairFacts
from comparisons.derivation.facts import FAQEntry
from comparisons.derivation.results import PriceClaim, Side

# --- FAQ -------------------------------------------------------------------------------


BUILDERS = {}  # topic -> builder, filled below in the order questions appear

# Words by which an editor's question shows its topic, so that a generated
# question on the same topic is left out (one question per topic).
TOPIC_WORDS = {
    "context": ("context", "how much text", "how long a"),
    "price": ("cheaper", "price", "cost", "expensive"),
    "open_weights": ("open weight", "open-weight", "licen", "download"),
    "vision": ("image", "vision", "picture", "photo"),
    "multimodal": ("multimodal", "other than text", "non-text", "audio", "video"),
    "reasoning": ("reasoning", "thinking mode", "think "),
    "providers": ("where can i", "provider", "offered by", "run them", "host"),
    "newer": ("newer", "released", "release date", "more recent"),
}
DATED = {"newer"}  # the topics whose answer depends on the day
GAP_WORDS = ("better", "higher", "lead", "ahead", "win", "beats")


def question_topics(question: str, facts: PairFacts) -> set[str]:
    """The generated topics an editor's question already asks about."""
    text = f" {question.casefold()} "
    topics = {
        topic
        for topic, words in TOPIC_WORDS.items()
        if any(word in text for word in words)
    }
    gap = facts.largest_gap
    if (
        gap is not None
        and gap.name.casefold() in text
        and any(word in text for word in GAP_WORDS)
    ):
        topics.add("largest_gap")
    return topics


def pair_faq(
    a: Side,
    b: Side,
    facts: PairFacts,
    *,
    asked: tuple[str, ...] = (),
    today: date | None = None,
):
    """The generated questions, less the topics the curated questions `asked` cover.

    `today` decides the tense of release dates: one still to come is "due".
    """
    covered = set()
    for question in asked:
        covered |= question_topics(question, facts)
    for topic, builder in BUILDERS.items():
        if topic in covered:
            continue
        if topic in DATED:
            entry = builder(a, b, facts, today=today)
        else:
            entry = builder(a, b, facts)
        if entry is not None:
            yield dataclasses.replace(entry, topic=topic)


def _tense(side: Side, present: str, past: str) -> str:
    return past if side.model.is_retired else present


def _faq_context(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    ctx_a, ctx_b = a.model.context_window, b.model.context_window
    if ctx_a is None or ctx_b is None:
        return None
    question = f"Which has a larger context window, {a.name} or {b.name}?"
    if facts.larger_context is None:
        answer = (
            f"Neither: both read up to {fmt.tokens_compact(ctx_a)} tokens "
            f"({ctx_a:,}) at once."
        )
    else:
        big, small = (a, b) if facts.larger_context == a.slug else (b, a)
        big_ctx, small_ctx = big.model.context_window, small.model.context_window
        # A retired model is spoken of in the past tense, as everywhere else.
        reads = _tense(big, "reads", "read")
        if fmt.tokens_need_exact((big_ctx, small_ctx)):
            # "1.05M (1,050,000) against 1.05M (1,048,576)": the exact counts say it.
            answer = (
                f"{big.name}: it {reads} up to {big_ctx:,} tokens at once, "
                f"against {small_ctx:,} for {small.name}."
            )
        else:
            answer = (
                f"{big.name}: it {reads} up to {fmt.tokens_compact(big_ctx)} tokens "
                f"({big_ctx:,}) at once, against {fmt.tokens_compact(small_ctx)} "
                f"({small_ctx:,}) for {small.name}."
            )
    return FAQEntry(question, answer)


def _faq_price(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    if a.reference is None or b.reference is None:
        return None
    question = f"Which is cheaper, {a.name} or {b.name}?"
    ref_a, ref_b = a.reference, b.reference
    same = (ref_a.input_price, ref_a.output_price) == (
        ref_b.input_price,
        ref_b.output_price,
    )
    if same and a.model.is_retired == b.model.is_retired:
        # One price for both, said once.
        return FAQEntry(
            question,
            f"Neither: at each model's cheapest available provider, both cost "
            f"{_price_per_kind(ref_a.input_price, 'input')} and "
            f"{_price_per_kind(ref_a.output_price, 'output')} ({a.name} at "
            f"{ref_a.provider_name}, {b.name} at {ref_b.provider_name}).",
        )
    listed = [
        f"{side.name} {_tense(side, 'costs', 'cost')} "
        f"{_price_per_kind(side.reference.input_price, 'input')} and "
        f"{_price_per_kind(side.reference.output_price, 'output')} at "
        f"{side.reference.provider_name}"
        for side in (a, b)
    ]
    blended = facts.prices["blended"]
    if blended.cheaper is None:
        overall = f"On a {facts.blend} input/output blend they cost the same."
    else:
        cheaper = a if blended.cheaper == a.slug else b
        overall = (
            f"On a {facts.blend} input/output blend, {cheaper.name} "
            f"{_tense(cheaper, 'is', 'was')} the cheaper of the two."
        )
    answer = (
        f"At each model's cheapest available provider, {listed[0]}; {listed[1]}. "
        f"{_price_claims_sentence(facts)} {overall}"
    )
    return FAQEntry(question, answer)


def _price_per_kind(value: Decimal, kind: str) -> str:
    if value == 0:
        return f"nothing for {kind}"
    return f"{fmt.money(value)} per million {kind} tokens"


def _price_claims_sentence(facts: PairFacts) -> str:
    """'A is 68% cheaper for input and 36% cheaper for output.' and its variants."""
    claims = {kind: facts.prices[kind] for kind in ("input", "output")}

    def how(claim: PriceClaim) -> str:
        return (
            f"free for {claim.kind}"
            if claim.is_free
            else f"{claim.saving_text} for {claim.kind}"
        )

    winners = {claim.cheaper for claim in claims.values()}
    if winners == {None}:
        return "They cost the same for input and for output."
    if len(winners) == 1:
        (winner,) = winners
        parts = [how(claim) for claim in claims.values()]
        return f"{facts.name(winner)} is {fmt.names_list(parts)}."
    sentences = []
    for claim in claims.values():
        if claim.cheaper is None:
            sentences.append(f"They cost the same for {claim.kind}.")
        else:
            sentences.append(f"{facts.name(claim.cheaper)} is {how(claim)}.")
    return " ".join(sentences)


def _faq_open_weights(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    if a.model.open_weights is None or b.model.open_weights is None:
        return None
    question = f"Are {a.name} and {b.name} open-weights models?"
    licenses = (a.model.license, b.model.license)
    if a.model.open_weights == b.model.open_weights:
        # The same for both: said once, about both.
        status = "open" if a.model.open_weights else "closed"
        if licenses[0] and licenses[0] == licenses[1]:
            detail = f" (license: {licenses[0]}, for both)"
        elif any(licenses):
            detail = (
                " ("
                + "; ".join(
                    f"{side.name}'s license: {side.model.license}"
                    for side in (a, b)
                    if side.model.license
                )
                + ")"
            )
        else:
            detail = ""
        return FAQEntry(question, f"Both have {status} weights{detail}.")
    parts = []
    for side in (a, b):
        status = "has open weights" if side.model.open_weights else "has closed weights"
        license_text = f" (license: {side.model.license})" if side.model.license else ""
        parts.append(f"{side.name} {status}{license_text}")
    return FAQEntry(question, f"{parts[0]}; {parts[1]}.")


def _faq_capability(a: Side, b: Side, facts: PairFacts, key: str, question: str):
    row = next(r for r in facts.capabilities if r.key == key)
    value_a, value_b = row.values[a.slug], row.values[b.slug]
    if value_a is None or value_b is None:
        return None
    label = row.label.lower()
    if row.has_it:
        has, lacks = (a, b) if row.has_it == a.slug else (b, a)
        answer = f"{has.name} supports {label}; {lacks.name} does not."
    elif value_a:
        answer = f"Both support {label}."
    else:
        answer = f"Neither supports {label}."
    return FAQEntry(question, answer)


def _faq_vision(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    return _faq_capability(
        a, b, facts, "vision", f"Can {a.name} or {b.name} understand images?"
    )


def _faq_multimodal(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    return _faq_capability(
        a,
        b,
        facts,
        "multimodal",
        f"Do {a.name} and {b.name} accept input other than text?",
    )


def _faq_reasoning(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    return _faq_capability(
        a, b, facts, "reasoning", f"Do {a.name} and {b.name} have a reasoning mode?"
    )


def _faq_providers(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    if not a.provider_count and not b.provider_count:
        return None
    question = f"Where can I run {a.name} and {b.name}?"
    any_retired = a.model.is_retired or b.model.is_retired
    if (
        a.provider_names == b.provider_names
        and a.model.is_retired == b.model.is_retired
    ):
        verb = "were" if any_retired else "are"
        return FAQEntry(
            question, f"Both {verb} offered by {fmt.names_list(a.provider_names)}."
        )
    parts = []
    for side in (a, b):
        if side.provider_names:
            parts.append(
                f"{side.name} {_tense(side, 'is', 'was')} offered by "
                f"{fmt.names_list(side.provider_names)}."
            )
        else:
            parts.append(f"This catalog lists no provider for {side.name}.")
    if facts.shared_provider_names:
        parts.append(
            f"Both {'were' if any_retired else 'are'} on "
            f"{fmt.names_list(facts.shared_provider_names)}."
        )
    return FAQEntry(question, " ".join(parts))


def _faq_largest_gap(a: Side, b: Side, facts: PairFacts) -> FAQEntry | None:
    gap = facts.largest_gap
    if gap is None:
        return None
    row = next(r for r in facts.benchmarks if r.slug == gap.benchmark)
    leader = facts.name(gap.leader)
    other = facts.name(a.slug if gap.leader == b.slug else b.slug)
    question = f"Which scores better on {gap.name}, {a.name} or {b.name}?"
    answer = (
        f"{leader}, with {row.displays[gap.leader].text} against "
        f"{row.displays[a.slug if gap.leader == b.slug else b.slug].text} for {other}: "
        f"a lead of {gap.gap_text}, the widest between them on a benchmark scored in percent."
    )
    unverified = [facts.name(slug) for slug, ok in row.verified.items() if ok is False]
    if len(unverified) == 1:
        answer += f" The score of {unverified[0]} is vendor-reported."
    elif unverified:
        answer += " Both scores are vendor-reported."
    return FAQEntry(question, answer)


def _on_or_in(value: str) -> str:
    """'on 1 Apr 2025' for a day, 'in Jan 2025' for a month."""
    parts = fmt.partial_date_parts(value)
    preposition = "in" if parts is None or parts[2] is None else "on"
    return f"{preposition} {fmt.partial_date_text(value)}"


def _is_to_come(value: str, today: date | None) -> bool:
    return today is not None and fmt.is_to_come(value, today)


def _faq_newer(
    a: Side, b: Side, facts: PairFacts, *, today: date | None = None
) -> FAQEntry | None:
    date_a, date_b = a.model.release_date, b.model.release_date
    if fmt.partial_date_parts(date_a) is None or fmt.partial_date_parts(date_b) is None:
        return None
    question = f"Which is newer, {a.name} or {b.name}?"

    def came(value: str) -> str:
        # A release date still to come is announced, not past.
        due = _is_to_come(value, today)
        return f"{'is due for release' if due else 'came out'} {_on_or_in(value)}"

    if facts.newer_release is None:
        if date_a == date_b:
            verb = (
                "are due for release" if _is_to_come(date_a, today) else "were released"
            )
            answer = f"Neither: both {verb} {_on_or_in(date_a)}."
        else:
            second = came(date_b)
            if _is_to_come(date_a, today) == _is_to_come(date_b, today):
                second = _on_or_in(date_b)
            answer = (
                f"Neither, as far as the dates show: {a.name} {came(date_a)} "
                f"and {b.name} {second}, the same month."
            )
    else:
        new, old = (a, b) if facts.newer_release == a.slug else (b, a)
        new_date, old_date = new.model.release_date, old.model.release_date
        new_verb = "due for release" if _is_to_come(new_date, today) else "released"
        old_verb = (
            "is due for release" if _is_to_come(old_date, today) else "was released"
        )
        answer = (
            f"{new.name}, {new_verb} {_on_or_in(new_date)}; "
            f"{old.name} {old_verb} {_on_or_in(old_date)}."
        )
    return FAQEntry(question, answer)


BUILDERS.update(
    {
        "context": _faq_context,
        "price": _faq_price,
        "open_weights": _faq_open_weights,
        "vision": _faq_vision,
        "multimodal": _faq_multimodal,
        "reasoning": _faq_reasoning,
        "providers": _faq_providers,
        "largest_gap": _faq_largest_gap,
        "newer": _faq_newer,
    }
)
