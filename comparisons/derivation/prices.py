"""Prices: blended price, each model's reference offering, price rows and claims."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from comparisons.derivation import formatting as fmt
from comparisons.derivation.facts import ModelFacts, OfferingFacts
from comparisons.derivation.results import PriceClaim, PriceRow


def blended_price(
    input_price: Decimal | None, output_price: Decimal | None, weight: Decimal
) -> Decimal | None:
    """w × input + (1 − w) × output, exactly; unknown when either price is."""
    if input_price is None or output_price is None:
        return None
    return weight * input_price + (1 - weight) * output_price


def reference_offering(model: ModelFacts, weight: Decimal) -> OfferingFacts | None:
    """The available offering with the lowest blended price (ties: input, provider slug)."""
    return cheapest_offering(model.offerings, weight)


def cheapest_offering(
    offerings: Iterable[OfferingFacts], weight: Decimal
) -> OfferingFacts | None:
    """The reference offering among these: a list that reads only a model's
    offerings, not its whole facts, picks its "from" prices by the same rule."""
    priced = [
        o
        for o in offerings
        if o.is_available
        and blended_price(o.input_price, o.output_price, weight) is not None
    ]
    return min(
        priced,
        key=lambda o: (
            blended_price(o.input_price, o.output_price, weight),
            o.input_price,
            o.provider_slug,
        ),
        default=None,
    )


def blend_text(weight: Decimal) -> str:
    """0.7 -> '70/30'."""
    return f"{fmt.decimal_plain(weight * 100)}/{fmt.decimal_plain((1 - weight) * 100)}"


# --- Prices ----------------------------------------------------------------------------


def model_price_rows(
    model: ModelFacts, weight: Decimal, today: date, stale_days: int
) -> tuple[tuple[PriceRow, ...], PriceRow | None]:
    """The model's offerings as table rows, and its reference offering (the "from" prices)."""
    reference = reference_offering(model, weight)

    def order(offering: OfferingFacts) -> tuple:
        blended = blended_price(offering.input_price, offering.output_price, weight)
        return (
            offering is not reference,
            not offering.is_available,
            blended is None,
            blended or 0,
            offering.provider_slug,
        )

    rows = tuple(
        _price_row(o, weight, today, stale_days, is_reference=o is reference)
        for o in sorted(model.offerings, key=order)
    )
    reference_row = next((row for row in rows if row.is_reference), None)
    return rows, reference_row


def _price_row(
    offering: OfferingFacts,
    weight: Decimal,
    today: date,
    stale_days: int,
    *,
    is_reference: bool,
) -> PriceRow:
    blended = blended_price(offering.input_price, offering.output_price, weight)
    is_stale = (
        offering.checked_on is None or (today - offering.checked_on).days > stale_days
    )
    return PriceRow(
        provider_slug=offering.provider_slug,
        provider_name=offering.provider_name,
        provider_url=offering.provider_url,
        provider_model_id=offering.provider_model_id,
        input_price=offering.input_price,
        output_price=offering.output_price,
        blended_price=blended,
        cached_input_price=offering.cached_input_price,
        cache_write_price=offering.cache_write_price,
        tiers=offering.tiers,
        context_window=offering.context_window,
        is_available=offering.is_available,
        is_reference=is_reference,
        url=offering.url,
        source_url=offering.source_url,
        checked_on=offering.checked_on,
        is_stale=is_stale,
        input_display=fmt.money_display(offering.input_price, free=True),
        output_display=fmt.money_display(offering.output_price, free=True),
        blended_display=fmt.money_display(blended, free=True),
        cached_input_display=fmt.money_display(offering.cached_input_price, free=True),
        cache_write_display=fmt.money_display(offering.cache_write_price, free=True),
        context_display=fmt.tokens_display(offering.context_window),
        checked_display=fmt.date_display(offering.checked_on),
        tier_texts=tuple(
            f"Above {fmt.tokens_compact(t.above_tokens)} tokens: "
            f"{fmt.price_words(t.input_price)} input, "
            f"{fmt.price_words(t.output_price)} output"
            for t in offering.tiers
        ),
    )


def price_claim(
    kind: str,
    a_slug: str,
    a_value: Decimal | None,
    b_slug: str,
    b_value: Decimal | None,
) -> PriceClaim:
    values = {a_slug: a_value, b_slug: b_value}
    if a_value is None or b_value is None or a_value == b_value:
        return PriceClaim(kind, values, None, None, None, None, False, "", "")
    if a_value < b_value:
        cheaper, lower, higher = a_slug, a_value, b_value
    else:
        cheaper, lower, higher = b_slug, b_value, a_value
    saving = int(fmt.round_half_up((higher - lower) * 100 / higher))
    ratio = fmt.round_half_up(higher / lower, 1) if lower > 0 else None
    is_free = lower == 0
    if is_free:
        saving_text = "free"
    elif saving == 0:
        saving_text = "less than 1% cheaper"
    elif saving == 100:
        # Only a zero price is 100% cheaper: a tiny price that rounds there
        # is "more than 99%", and the ratio says how much.
        saving = 99
        saving_text = "more than 99% cheaper"
    else:
        saving_text = f"{fmt.percent(saving)} cheaper"
    return PriceClaim(
        kind=kind,
        values=values,
        cheaper=cheaper,
        saving_percent=saving,
        ratio=ratio,
        difference=higher - lower,
        is_free=is_free,
        saving_text=saving_text,
        ratio_text="" if ratio is None else f"{fmt.ratio_text(ratio)} the price",
    )


def provider_names(model: ModelFacts) -> dict[str, str]:
    """Distinct providers with an available offering, slug -> name, in slug order."""
    return serving_providers(model.offerings)


def serving_providers(offerings: Iterable[OfferingFacts]) -> dict[str, str]:
    """provider_names for offerings read without the rest of their model's facts."""
    names = {o.provider_slug: o.provider_name for o in offerings if o.is_available}
    return dict(sorted(names.items()))
