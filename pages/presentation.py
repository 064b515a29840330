# Long on purpose: every display decision for the pair page, each a small function of the derived Comparison.
"""The pair page's display data, drawn from a derived Comparison.

Everything here is presentation of what the derivation decided: charts of its
numbers, its FAQ as HTML and JSON-LD, the calculator's arithmetic on the
reference prices, and the lifecycle notices. No comparison rule lives here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from markupsafe import Markup

from comparisons import derivation, services
from comparisons.derivation import (
    Comparison,
    ModelFacts,
    ModelTable,
    OfferingFacts,
    PriceRow,
    Side,
    SpecRow,
    TableRow,
    formatting,
)
from pages.cards import ACCENTS, CardLine
from pages.charts import (
    Bar,
    BarGroup,
    Dot,
    Series,
    paired_bar_chart,
    price_quality_chart,
    step_line_chart,
)
from pages.forms import (
    DEFAULT_INPUT_TOKENS,
    DEFAULT_OUTPUT_TOKENS,
    TOKENS_NEGATIVE_MESSAGE,
    TOKENS_NOT_NUMBER_MESSAGE,
    TOKENS_TOO_MANY_MESSAGE,
    CostCalculatorForm,
    monthly_cost,
)
from pages.meta import json_ld, markdown_html

MICRO = Decimal(1_000_000)


@dataclass(frozen=True)
class FAQItem:
    question: str
    answer_html: SafeString
    answer_text: str  # what FAQPage JSON-LD says: the same answer


@dataclass(frozen=True)
class CostLine:
    side: Side
    provider_name: str
    cost_text: str  # "$7.20"; the unknown mark when the model has no price
    is_known: bool
    # Prices in millionths of a dollar, so the page script multiplies exact integers.
    input_micro: int | None
    output_micro: int | None


@dataclass(frozen=True)
class Calculator:
    input_tokens: int | None
    output_tokens: int | None
    input_text: str
    output_text: str
    lines: tuple[CostLine, ...]
    # For the page script, so it answers exactly as the server does.
    default_input: int = DEFAULT_INPUT_TOKENS
    default_output: int = DEFAULT_OUTPUT_TOKENS
    message_invalid: str = TOKENS_NOT_NUMBER_MESSAGE
    message_negative: str = TOKENS_NEGATIVE_MESSAGE
    message_too_many: str = TOKENS_TOO_MANY_MESSAGE


@dataclass(frozen=True)
class Notice:
    text: str
    is_serious: bool
    label: str = ""  # "Retired.", "Deprecated.", "Preview release." on a model page


@dataclass(frozen=True)
class PairPage:
    intro_html: SafeString
    verdict_html: SafeString
    price_chart: SafeString | None
    benchmark_chart: SafeString | None
    shared_benchmark_count: int
    faq: tuple[FAQItem, ...]
    calculator: Calculator
    notices: tuple[Notice, ...]
    price_tables: tuple[Markup, Markup]  # each model's offerings, A's then B's


def _text_html(text: str) -> SafeString:
    return format_html("<p>{}</p>", text)


def _price_table(side: Side) -> Markup:
    return _price_table_html(
        side.name, side.slug, side.model.context_window, side.price_rows
    )


@lru_cache(maxsize=2048)
def _price_table_html(
    name: str, slug: str, context_window: int | None, rows: tuple[PriceRow, ...]
) -> Markup:
    """One model's offerings table, rendered once for the same rows.

    A model's table is the same on each of its pairs' pages (the rows carry the
    staleness of each price, so a new day or an edit makes a new entry), and it
    is the largest block of a pair page: crawlers walking a model's pairs reuse it.
    """
    macros = engines["jinja2"].env.get_template("includes/price_table.html").module
    return macros.price_table(
        rows=rows,
        caption=f"{name} prices by provider",
        table_id=f"providers-table-{slug}",
        model_context=context_window,
    )


def _faq(comparison: Comparison) -> tuple[FAQItem, ...]:
    items = []
    for entry in comparison.faq:
        if entry.is_markdown:
            html = markdown_html(entry.answer)
            items.append(FAQItem(entry.question, html, str(html)))
        else:
            items.append(
                FAQItem(entry.question, _text_html(entry.answer), entry.answer)
            )
    return tuple(items)


def faq_json_ld(faq: tuple[FAQItem, ...]) -> SafeString:
    """FAQPage structured data holding exactly the page's questions and answers."""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item.question,
                    "acceptedAnswer": {"@type": "Answer", "text": item.answer_text},
                }
                for item in faq
            ],
        }
    )


def _spoken(display: formatting.Display) -> str:
    return formatting.UNKNOWN_LABEL if display.is_unknown else display.text


def _price_chart(comparison: Comparison) -> SafeString | None:
    a, b = comparison.sides
    if a.reference is None and b.reference is None:
        return None
    kinds = (
        ("Input", "input_price", "input_display"),
        ("Output", "output_price", "output_display"),
        (f"Blended ({comparison.blend_text})", "blended_price", "blended_display"),
    )

    def bar(side: Side, value_name: str, display_name: str) -> Bar:
        if side.reference is None:
            return Bar(None, formatting.UNKNOWN_MARK)
        return Bar(
            getattr(side.reference, value_name),
            getattr(side.reference, display_name).text,
        )

    groups = [
        BarGroup(
            label, bar(a, value_name, display_name), bar(b, value_name, display_name)
        )
        for label, value_name, display_name in kinds
    ]
    description = " ".join(
        f"{side.name}"
        + (f" at {side.reference.provider_name}" if side.reference else "")
        + ": "
        + ", ".join(
            f"{label.split(' (')[0].lower()} "
            + (
                _spoken(getattr(side.reference, display_name))
                if side.reference
                else formatting.UNKNOWN_LABEL
            )
            for label, _, display_name in kinds
        )
        + "."
        for side in (a, b)
    )
    return paired_bar_chart(
        chart_id="price-chart",
        title="Prices per million tokens at each model's cheapest provider",
        description=description,
        names=(a.name, b.name),
        groups=groups,
    )


def _benchmark_chart(comparison: Comparison) -> SafeString | None:
    a, b = comparison.sides
    shared = [row for row in comparison.benchmarks if row.is_shared]
    if not shared:
        return None
    groups = []
    sentences = []
    for row in shared:
        label = row.name if row.higher_is_better else f"{row.name} (lower is better)"
        groups.append(
            BarGroup(
                label,
                Bar(row.values[a.slug], row.displays[a.slug].text),
                Bar(row.values[b.slug], row.displays[b.slug].text),
                scale_max=Decimal(100) if row.unit == "%" else None,
            )
        )
        sentences.append(
            f"{row.name}: {a.name} {row.displays[a.slug].text}, "
            f"{b.name} {row.displays[b.slug].text}."
        )
    return paired_bar_chart(
        chart_id="benchmark-chart",
        title="Scores on the benchmarks both models have",
        description=" ".join(sentences),
        names=(a.name, b.name),
        groups=groups,
    )


def _micro(price: Decimal | None) -> int | None:
    return None if price is None else int(price * MICRO)


def _cost_line(side: Side, volumes: tuple[int, int] | None) -> CostLine:
    reference: PriceRow | None = side.reference
    known = reference is not None and volumes is not None
    cost_text = formatting.UNKNOWN_MARK
    if known:
        input_tokens, output_tokens = volumes
        cost = monthly_cost(
            tokens=input_tokens, price_per_million=reference.input_price
        ) + monthly_cost(tokens=output_tokens, price_per_million=reference.output_price)
        free = reference.input_price == 0 and reference.output_price == 0
        cost_text = formatting.FREE_TEXT if free else formatting.money(cost)
    return CostLine(
        side=side,
        provider_name=reference.provider_name if reference else "",
        cost_text=cost_text,
        is_known=known,
        input_micro=_micro(reference.input_price) if reference else None,
        output_micro=_micro(reference.output_price) if reference else None,
    )


def _calculator(comparison: Comparison, form: CostCalculatorForm) -> Calculator:
    volumes = (
        form.volumes()
        if form.is_bound
        else (DEFAULT_INPUT_TOKENS, DEFAULT_OUTPUT_TOKENS)
    )
    return Calculator(
        input_tokens=volumes[0] if volumes else None,
        output_tokens=volumes[1] if volumes else None,
        input_text=f"{volumes[0]:,}" if volumes else "",
        output_text=f"{volumes[1]:,}" if volumes else "",
        lines=tuple(_cost_line(side, volumes) for side in comparison.sides),
    )


def _notices(comparison: Comparison) -> tuple[Notice, ...]:
    notices = []
    for side in comparison.sides:
        sentence = derivation.lifecycle_sentence(side.model, comparison.today)
        if sentence is not None:
            notices.append(Notice(*sentence))
    return tuple(notices)


def model_lifecycle_notice(facts: ModelFacts) -> Notice | None:
    """A model page's lifecycle notice, for today (the calendar can retire it)."""
    today = timezone.localdate()
    model = derivation.model_on(facts, today)
    sentence = derivation.lifecycle_sentence(model, today)
    if sentence is None:
        return None
    label = {"retired": "Retired.", "deprecated": "Deprecated."}.get(
        model.lifecycle, "Preview release."
    )
    return Notice(*sentence, label=label)


def pair_page(comparison: Comparison, *, calculator: CostCalculatorForm) -> PairPage:
    intro = (
        markdown_html(comparison.intro)
        if comparison.intro_is_curated
        else _text_html(comparison.intro)
    )
    return PairPage(
        intro_html=intro,
        verdict_html=_text_html(comparison.verdict),
        price_chart=_price_chart(comparison),
        benchmark_chart=_benchmark_chart(comparison),
        shared_benchmark_count=sum(1 for row in comparison.benchmarks if row.is_shared),
        faq=_faq(comparison),
        calculator=_calculator(comparison, calculator),
        notices=_notices(comparison),
        price_tables=(_price_table(comparison.a), _price_table(comparison.b)),
    )


# --- One model's tables (model, provider and list pages) --------------------------------
# The derivation builds these rows for the pair page; a model page shows the same
# rows for one model, so it asks the same functions rather than restating a rule.


def _today_settings() -> tuple[Decimal, date, int]:
    return (
        services.blend_input_weight(),
        timezone.localdate(),
        settings.VERSUS_PRICE_STALE_DAYS,
    )


def model_price_rows(facts: ModelFacts) -> tuple[tuple[PriceRow, ...], PriceRow | None]:
    """A model's per-provider rows (reference first) and its reference row."""
    return derivation.model_price_rows(facts, *_today_settings())


def model_specs(facts: ModelFacts) -> tuple[SpecRow, ...]:
    """The pair page's spec rows, for one model as it stands today."""
    facts = derivation.model_on(facts, timezone.localdate())
    return derivation.model_specs(facts, facts)


def model_provider_count(facts: ModelFacts) -> int:
    return len(derivation.provider_names(facts))


@dataclass(frozen=True)
class FromPrices:
    """A model's "from" prices in a list of models: its reference offering's."""

    input_display: formatting.Display
    output_display: formatting.Display
    blended_display: formatting.Display


def from_prices(offerings: Sequence[OfferingFacts]) -> FromPrices | None:
    """The prices a list shows beside a model, from its offerings alone.

    They are the reference row of model_price_rows, as the model's own page
    shows them; a list of fifty models has no use for the rest of their facts.
    """
    weight = services.blend_input_weight()
    reference = derivation.cheapest_offering(offerings, weight)
    if reference is None:
        return None
    blended = derivation.blended_price(
        reference.input_price, reference.output_price, weight
    )
    return FromPrices(
        input_display=formatting.money_display(reference.input_price, free=True),
        output_display=formatting.money_display(reference.output_price, free=True),
        blended_display=formatting.money_display(blended, free=True),
    )


def provider_count(offerings: Sequence[OfferingFacts]) -> int:
    """model_provider_count, from the model's offerings alone."""
    return len(derivation.serving_providers(offerings))


def price_history_chart(
    *,
    title: str,
    points: list[tuple[date, Decimal, Decimal]],
    chart_id: str = "history-chart",
) -> SafeString | None:
    """Input and output price over time: (until, input, output) points, oldest first."""
    if len(points) < 2:
        return None
    top = max(max(p[1], p[2]) for p in points)
    series = [
        Series("Input", "a", [(day, value) for day, value, _ in points]),
        Series("Output", "b", [(day, value) for day, _, value in points]),
    ]
    description = " ".join(
        f"Until {formatting.date_text(day)}: input {formatting.money(i)}, "
        f"output {formatting.money(o)}."
        for day, i, o in points
    )
    return step_line_chart(
        chart_id=chart_id,
        title=title,
        description=description,
        series=series,
        y_label="US dollars per million tokens",
        y_max_text=formatting.money(top),
    )


# --- Three or four models ---------------------------------------------------------------


def models_url(slugs: list[str] | tuple[str, ...]) -> str:
    """The page of these models: the pair page for two, the table for three or four."""
    if len(slugs) == 2:
        return reverse("comparisons:pair", args=[derivation.pair_slug(*slugs)])
    return reverse("comparisons:models", args=[derivation.models_slug(slugs)])


def add_model_url(slugs: list[str] | tuple[str, ...]) -> str | None:
    """Where to choose one more model; None when the comparison is full."""
    if len(slugs) >= derivation.MAX_MODELS:
        return None
    return reverse("comparisons:add") + "?" + urlencode([("m", s) for s in slugs])


@dataclass(frozen=True)
class Column:
    model: ModelFacts
    reference: PriceRow | None
    remove_url: str  # the comparison of the others


@dataclass(frozen=True)
class PairLink:
    title: str
    url: str


@dataclass(frozen=True)
class ModelsPage:
    columns: tuple[Column, ...]
    groups: tuple[tuple[str, tuple[TableRow, ...]], ...]  # (heading, rows)
    pairs: tuple[PairLink, ...]
    add_url: str | None


TABLE_GROUPS = (
    ("prices", "Prices per million tokens"),
    ("specs", "Specs"),
    ("capabilities", "Capabilities"),
    ("benchmarks", "Benchmarks at least two of them have"),
)


def models_page(table: ModelTable) -> ModelsPage:
    slugs = table.slugs
    return ModelsPage(
        columns=tuple(
            Column(
                model=model,
                reference=reference,
                remove_url=models_url([s for s in slugs if s != model.slug]),
            )
            for model, reference in zip(table.models, table.references, strict=True)
        ),
        groups=tuple(
            (heading, table.group(name))
            for name, heading in TABLE_GROUPS
            if table.group(name)
        ),
        pairs=tuple(
            PairLink(pair.title, reverse("comparisons:pair", args=[pair.slug]))
            for pair in table.pairs
        ),
        add_url=add_model_url(slugs),
    )


# --- Price against quality (benchmark pages) -------------------------------------------


@dataclass(frozen=True)
class QualityRow:
    """A leaderboard entry with its blended "from" price and frontier mark."""

    rank: int
    score: object  # catalog Score, with its model and vendor
    price: Decimal | None
    price_display: formatting.Display
    is_frontier: bool


def _score_range(unit: str, values: list[Decimal]) -> tuple[Decimal, Decimal]:
    if unit == "%":
        return Decimal(0), Decimal(100)
    return min(values), max(values)


def price_quality(
    *,
    benchmark_name: str,
    unit: str,
    higher_is_better: bool,
    ranked: list[tuple[int, object]],
    prices: dict[int, Decimal],
) -> tuple[list[QualityRow], SafeString | None, str]:
    """The leaderboard's rows with prices and frontier marks, the chart, its summary.

    The summary is the chart's text alternative: which models are on the frontier
    with their prices and scores, how free models are drawn, and how many are left
    out for want of a price. The table beside the chart holds every model.
    """
    points = [
        derivation.QualityPoint(score.model_id, prices.get(score.model_id), score.value)
        for _, score in ranked
    ]
    frontier = derivation.price_frontier(points, higher_is_better=higher_is_better)
    rows = [
        QualityRow(
            rank=rank,
            score=score,
            price=prices.get(score.model_id),
            price_display=formatting.money_display(
                prices.get(score.model_id), free=True
            ),
            is_frontier=score.model_id in frontier,
        )
        for rank, score in ranked
    ]
    priced = [row for row in rows if row.price is not None]
    if not priced:
        return rows, None, ""
    on_frontier = sorted(
        (row for row in priced if row.is_frontier),
        key=lambda row: (row.price, row.score.model.name),
    )
    direction = "higher" if higher_is_better else "lower"
    sentences = [
        f"{len(priced)} models by blended price (log scale) and {benchmark_name} "
        f"score ({direction} is better).",
        "On the frontier, where no other model is cheaper and at least as good: "
        + "; ".join(
            f"{row.score.model.name}, "
            f"{'free' if row.price == 0 else formatting.money(row.price)}, "
            f"{formatting.score_text(row.score.value, unit)}"
            for row in on_frontier
        )
        + ".",
    ]
    if any(row.price == 0 for row in priced):
        sentences.append(
            "Free models are drawn in the lane marked Free, left of the axis."
        )
    unpriced = len(rows) - len(priced)
    if unpriced:
        sentences.append(
            f"{unpriced} model{'s' if unpriced != 1 else ''} with no known price "
            f"{'are' if unpriced != 1 else 'is'} not drawn; the table lists "
            f"{'them' if unpriced != 1 else 'it'}."
        )
    summary = " ".join(sentences)
    chart = price_quality_chart(
        chart_id="price-quality-chart",
        title=f"{benchmark_name} score against blended price",
        description=summary,
        dots=[
            Dot(row.score.model.name, row.price, row.score.value, row.is_frontier)
            for row in priced
        ],
        score_axis=f"{benchmark_name} ({unit}, {direction} is better)",
        score_range=_score_range(unit, [row.score.value for row in priced]),
    )
    return rows, chart, summary


# --- Share cards ---------------------------------------------------------------------------


def _from_text(reference: PriceRow | None) -> str:
    if reference is None:
        return "price unknown"
    if reference.blended_price == 0:
        return "free"
    return f"from {formatting.money(reference.blended_price)} blended"


def pair_card(comparison: Comparison) -> tuple[list[CardLine], str]:
    """The pair's share card lines and alt text: names, "from" prices, largest gap."""
    gap = comparison.largest_gap
    if gap is not None:
        gap_text = (
            f"{comparison.side(gap.leader).name} leads {gap.name} by {gap.gap_text}"
        )
    elif any(row.is_shared and row.unit == "%" for row in comparison.benchmarks):
        # Level on every shared % benchmark: there is one, with no gap to name.
        gap_text = "Under 0.1 points apart on every shared benchmark in %"
    elif any(row.is_shared for row in comparison.benchmarks):
        gap_text = "No shared benchmark in %; see the table"
    else:
        gap_text = "No benchmark both have a score on"
    price_lines = [
        f"{side.name}: {_from_text(side.reference)}" for side in comparison.sides
    ]
    lines = [
        CardLine(comparison.title, 60, bold=True),
        CardLine(price_lines[0], 36, colour=ACCENTS[0]),
        CardLine(price_lines[1], 36, colour=ACCENTS[1]),
        CardLine(gap_text, 32),
    ]
    alt = f"{comparison.title}. {'. '.join(price_lines)}. {gap_text}."
    return lines, alt


def model_card(
    facts: ModelFacts, reference: PriceRow | None
) -> tuple[list[CardLine], str]:
    """A model's share card lines and alt text: name, vendor, "from" price."""
    price = _from_text(reference)
    where = f" at {reference.provider_name}" if reference is not None else ""
    lines = [
        CardLine(facts.name, 72, bold=True),
        CardLine(f"by {facts.vendor_name}", 40, colour=ACCENTS[0]),
        CardLine(f"{price[0].upper()}{price[1:]}{where}", 36),
    ]
    alt = f"{facts.name} by {facts.vendor_name}. {lines[2].text}."
    return lines, alt
