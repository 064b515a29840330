"""Charts drawn on the server as inline SVG: readable without JavaScript.

Each chart carries a <title> and a <desc> that state its numbers in words, and
the page shows the same numbers in a table next to it. Colours come from the
stylesheet (classes), so the light and dark schemes apply to charts too.
Values arrive ready-made: numbers to draw and texts to print, nothing is
derived here.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape

from vocabulary.prices import PriceForm, price_text

WIDTH = 440
LABEL_HEIGHT = 24
BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 16
VALUE_ROOM = 110  # room right of the longest bar for its printed value
LEGEND_HEIGHT = 28


def _html(template: str, *args: object) -> str:
    """template.format() with every argument escaped.

    Django's format_html does the same through string.Formatter, which costs
    several times more; a pair page draws two charts of some forty elements.
    """
    return template.format(*map(escape, args))


@dataclass(frozen=True)
class Bar:
    value: Decimal | None  # None: unknown, drawn as no bar and the text "—"
    text: str  # what the bar's label prints, e.g. "$0.40" or "76.7%"


@dataclass(frozen=True)
class BarGroup:
    label: str
    a: Bar
    b: Bar
    scale_max: Decimal | None = None  # full length; the larger value when None


def _svg_open(chart_id: str, height: int, title: str, description: str) -> SafeString:
    return _html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
    )


def _legend(names: tuple[str, str], y: int) -> str:
    parts = []
    x = 0
    for css, name in zip(("bar-a", "bar-b"), names, strict=True):
        parts.append(
            _html(
                '<rect class="{}" x="{}" y="{}" width="12" height="12" rx="2"/>'
                '<text x="{}" y="{}">{}</text>',
                css,
                x,
                y,
                x + 18,
                y + 11,
                name,
            )
        )
        x += 30 + min(len(name), 28) * 9
    return "".join(parts)


def _length(value: Decimal, scale_max: Decimal, room: int) -> int:
    if scale_max <= 0:
        return 0
    share = min(max(value / scale_max, Decimal(0)), Decimal(1))
    # A real but tiny value still shows as a sliver, so it reads as "not zero".
    return max(int(share * room), 2 if value > 0 else 0)


def paired_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    names: tuple[str, str],
    groups: list[BarGroup],
) -> SafeString:
    """Horizontal bars, two per group (model A above model B), values printed."""
    room = WIDTH - VALUE_ROOM
    group_height = LABEL_HEIGHT + 2 * BAR_HEIGHT + BAR_GAP + GROUP_GAP
    height = LEGEND_HEIGHT + group_height * len(groups)
    body = [_legend(names, 2)]
    y = LEGEND_HEIGHT
    for group in groups:
        known = [bar.value for bar in (group.a, group.b) if bar.value is not None]
        scale_max = group.scale_max or (max(known) if known else Decimal(0))
        body.append(_html('<text x="0" y="{}">{}</text>', y + 15, group.label))
        bar_y = y + LABEL_HEIGHT
        for css, bar in (("bar-a", group.a), ("bar-b", group.b)):
            length = 0 if bar.value is None else _length(bar.value, scale_max, room)
            if length:
                body.append(
                    _html(
                        '<rect class="{}" x="0" y="{}" width="{}" height="{}" rx="2"/>',
                        css,
                        bar_y,
                        length,
                        BAR_HEIGHT,
                    )
                )
            body.append(
                _html(
                    '<text class="{}" x="{}" y="{}">{}</text>',
                    "muted-text" if bar.value is None else "",
                    length + 6,
                    bar_y + BAR_HEIGHT - 3,
                    bar.text,
                )
            )
            bar_y += BAR_HEIGHT + BAR_GAP
        y += group_height
    return mark_safe(
        _svg_open(chart_id, height, title, description) + "".join(body) + "</svg>"
    )


@dataclass(frozen=True)
class Series:
    label: str
    css: str  # "a" or "b": which colour and dash the line takes
    # In date order; each value applied from the previous point's date up to its own.
    points: list[tuple[dt.date, Decimal]]


def step_line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: list[Series],
    y_label: str,
    y_max_text: str,
) -> SafeString:
    """Prices over time as step lines, from the first known date to the last."""
    height = 220
    left, right, top, bottom = 8, WIDTH - 8, LEGEND_HEIGHT + 22, height - 28
    dates = [day for line in series for day, _ in line.points]
    values = [value for line in series for _, value in line.points]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    top_value = max(values) if values and max(values) > 0 else Decimal(1)

    def x(day: dt.date) -> int:
        return left + int((day - first).days / span * (right - left))

    def y(value: Decimal) -> int:
        return bottom - int(value / top_value * (bottom - top))

    body = (
        [_legend(tuple(line.label for line in series[:2]), 2)]
        if len(series) == 2
        else []
    )
    body.append(
        _html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            left,
            bottom,
            right,
            bottom,
            left,
            top,
            right,
            top,
        )
    )
    body.append(
        _html(
            '<text class="muted-text" x="{}" y="{}">{}</text>'
            '<text class="muted-text" x="{}" y="{}">{}</text>'
            '<text class="muted-text" x="{}" y="{}" text-anchor="end">{}</text>',
            left,
            top - 6,
            f"{y_label}: up to {y_max_text}",
            left,
            height - 8,
            first.isoformat(),
            right,
            height - 8,
            last.isoformat(),
        )
    )
    for line in series:
        coords: list[str] = []
        for index, (day, value) in enumerate(line.points):
            if index:
                coords.append(f"{x(line.points[index - 1][0])},{y(value)}")
            coords.append(f"{x(day)},{y(value)}")
        body.append(
            _html('<polyline class="line-{}" points="{}"/>', line.css, " ".join(coords))
        )
        for day, value in line.points:
            body.append(
                _html(
                    '<circle class="dot-{}" cx="{}" cy="{}" r="3.5"/>',
                    line.css,
                    x(day),
                    y(value),
                )
            )
    return mark_safe(
        _svg_open(chart_id, height, title, description) + "".join(body) + "</svg>"
    )


# --- Price against quality ---------------------------------------------------------------

SCATTER_WIDTH = 640
SCATTER_HEIGHT = 380
FREE_LANE = 56  # room left of the log axis for free (zero-priced) models


@dataclass(frozen=True)
class Dot:
    label: str  # the model's name, printed next to frontier dots
    price: Decimal  # blended "from" price; zero is drawn in the "Free" lane
    score: Decimal
    is_frontier: bool


def _decade_ticks(low: Decimal, high: Decimal) -> list[int]:
    """Powers of ten (as exponents) spanning low..high, at least one decade wide."""
    first = math.floor(math.log10(low))
    last = math.ceil(math.log10(high))
    if last == first:
        last += 1
    return list(range(first, last + 1))


def _tick_text(exponent: int) -> str:
    # Money as every page writes it: $0.10, never $0.1.
    return price_text(Decimal(10) ** exponent, form=PriceForm.DOLLARS)


def price_quality_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    dots: list[Dot],
    score_axis: str,
    score_range: tuple[Decimal, Decimal],
) -> SafeString | None:
    """Blended price (log scale) across, score up; frontier dots filled and named.

    Zero prices cannot sit on a log scale: they are drawn in a lane marked "Free"
    left of the axis. Only known prices arrive here; the caller says how many
    models are left out for want of one.
    """
    if not dots:
        return None
    left, right = 60, SCATTER_WIDTH - 120
    top, bottom = 20, SCATTER_HEIGHT - 56
    has_free = any(dot.price == 0 for dot in dots)
    axis_left = left + (FREE_LANE if has_free else 0)
    positive = [dot.price for dot in dots if dot.price > 0]
    ticks = _decade_ticks(min(positive), max(positive)) if positive else [-1, 0]
    low_log, high_log = ticks[0], ticks[-1]
    score_low, score_high = score_range
    if score_high <= score_low:
        score_low, score_high = score_low - 1, score_high + 1

    def x(price: Decimal) -> float:
        if price == 0:
            return left + FREE_LANE / 2
        share = (math.log10(price) - low_log) / (high_log - low_log)
        return round(axis_left + share * (right - axis_left), 1)

    def y(score: Decimal) -> float:
        share = float((score - score_low) / (score_high - score_low))
        return round(bottom - share * (bottom - top), 1)

    body = [
        _html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            left,
            bottom,
            right,
            bottom,
            left,
            top,
            left,
            bottom,
        )
    ]
    for exponent in ticks:
        tick_x = x(Decimal(10) ** exponent)
        body.append(
            _html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="muted-text" x="{}" y="{}" text-anchor="middle">{}</text>',
                tick_x,
                top,
                tick_x,
                bottom,
                tick_x,
                bottom + 18,
                _tick_text(exponent),
            )
        )
    if has_free:
        body.append(
            _html(
                '<line class="axis-break" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="muted-text" x="{}" y="{}" text-anchor="middle">Free</text>',
                axis_left - 8,
                top,
                axis_left - 8,
                bottom,
                left + FREE_LANE / 2,
                bottom + 18,
            )
        )
    for value in (score_low, score_high):
        body.append(
            _html(
                '<text class="muted-text" x="{}" y="{}" text-anchor="end">{}</text>',
                left - 6,
                y(value) + 5,
                _number_text(value),
            )
        )
    body.append(
        _html(
            '<text class="muted-text" x="{}" y="{}" text-anchor="middle">'
            "Blended price per million tokens (log scale)</text>"
            '<text class="muted-text" x="{}" y="{}" text-anchor="middle" '
            'transform="rotate(-90 {} {})">{}</text>',
            (left + right) / 2,
            SCATTER_HEIGHT - 10,
            16,
            (top + bottom) / 2,
            16,
            (top + bottom) / 2,
            score_axis,
        )
    )
    frontier = sorted((d for d in dots if d.is_frontier), key=lambda d: d.price)
    if len(frontier) > 1:
        steps: list[str] = []
        for index, dot in enumerate(frontier):
            if index:
                steps.append(f"{x(dot.price)},{y(frontier[index - 1].score)}")
            steps.append(f"{x(dot.price)},{y(dot.score)}")
        body.append(
            _html('<polyline class="frontier-line" points="{}"/>', " ".join(steps))
        )
    for dot in sorted(dots, key=lambda d: d.is_frontier):
        cx, cy = x(dot.price), y(dot.score)
        if dot.is_frontier:
            body.append(
                _html(
                    '<path class="dot-frontier" d="M{} {}l6 6l-6 6l-6 -6z"/>'
                    '<text class="frontier-label" x="{}" y="{}">{}</text>',
                    cx,
                    cy - 6,
                    cx + 9,
                    cy + 4,
                    dot.label,
                )
            )
        else:
            body.append(
                _html('<circle class="dot-other" cx="{}" cy="{}" r="4"/>', cx, cy)
            )
    return mark_safe(
        _html(
            '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            SCATTER_WIDTH,
            SCATTER_HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            description,
        )
        + "".join(body)
        + "</svg>"
    )


def _number_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"
