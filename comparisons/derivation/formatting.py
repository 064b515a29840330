"""Numbers, money, token counts and dates as readers see them (comparison-rules.md)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from vocabulary.prices import PriceForm, price_text

UNKNOWN_MARK = "—"
UNKNOWN_LABEL = "unknown"
FREE_TEXT = "Free"

MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
TOKEN_UNITS = ((10**9, "B"), (10**6, "M"), (10**3, "K"))


@dataclass(frozen=True)
class Display:
    """A value ready to show: its text, what a screen reader says, an optional tooltip."""

    text: str
    label: str
    title: str = ""
    is_unknown: bool = False

    def __str__(self) -> str:
        return self.text


UNKNOWN = Display(text=UNKNOWN_MARK, label=UNKNOWN_LABEL, is_unknown=True)

# The display functions below are pure and their Displays immutable, and a pair
# page shows some hundred prices, token counts and dates drawn from a few
# thousand distinct values: each is formatted once per process. Equal values
# give the same text (money and token counts are normalised first), so a Decimal
# met as 0.40 and as 0.4 may share an entry.
_displays = lru_cache(maxsize=8192)


def shown(text: str | None, *, title: str = "") -> Display:
    """Text as a Display, or the unknown mark when there is none."""
    if text is None or text == "":
        return UNKNOWN
    return Display(text=text, label=text, title=title)


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    """US dollars as readers see them: $0.40, $1.60, $0.075, $12, $1,250."""
    if value is None:
        return UNKNOWN_MARK
    return price_text(value, form=PriceForm.DOLLARS)


def price_words(value: Decimal | None) -> str:
    """A price in running text: "free" for zero, else money ("$0.40")."""
    if value is not None and value == 0:
        return "free"
    return money(value)


@_displays
def money_display(value: Decimal | None, *, free: bool = False) -> Display:
    """A price for a table cell; zero reads "Free" when `free` is set."""
    if value is None:
        return UNKNOWN
    if free and value == 0:
        return Display(text=FREE_TEXT, label="free")
    text = money(value)
    return Display(text=text, label=f"{text} per million tokens")


def significant(value: Decimal, digits: int = 3) -> Decimal:
    """Round to `digits` significant digits, half up."""
    if value == 0:
        return value
    return round_half_up(value, digits - 1 - value.adjusted())


def tokens_compact(count: int | None) -> str:
    """Base 1,000, three significant digits, no trailing zeros: 1.05M, 2M, 131K, 32.8K."""
    if count is None:
        return UNKNOWN_MARK
    for index, (size, suffix) in enumerate(TOKEN_UNITS):
        if count < size:
            continue
        scaled = significant(Decimal(count) / size)
        if scaled >= 1000 and index > 0:
            # 999,999 rounds to 1000K: say 1M instead.
            bigger_size, bigger_suffix = TOKEN_UNITS[index - 1]
            return f"{decimal_plain(significant(Decimal(count) / bigger_size))}{bigger_suffix}"
        return f"{decimal_plain(scaled)}{suffix}"
    return str(count)


def decimal_plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 2, 1.05, 32.8."""
    return f"{Decimal(value).normalize():f}"


def tokens_exact(count: int) -> str:
    return f"{count:,} tokens"


def tokens_need_exact(counts) -> bool:
    """Whether two different known counts read alike compactly (1,050,000, 1,048,576).

    Side by side they must then be given exactly: "1.05M against 1.05M" would
    claim a difference the reader cannot see.
    """
    known = {count for count in counts if count is not None}
    return len({tokens_compact(count) for count in known}) < len(known)


def tokens_text(count: int | None, *, exact: bool = False) -> str:
    """A count as compared in a sentence: compact, or exact where `tokens_need_exact`."""
    if count is not None and exact:
        return f"{count:,}"
    return tokens_compact(count)


@_displays
def tokens_display(count: int | None, *, exact: bool = False) -> Display:
    """A token count shown compactly, with the exact count as tooltip and spoken text."""
    if count is None:
        return UNKNOWN
    return Display(
        text=tokens_text(count, exact=exact),
        label=tokens_exact(count),
        title=tokens_exact(count),
    )


def partial_date_parts(value: str | None) -> tuple[int, int, int | None] | None:
    """'2025-01' -> (2025, 1, None); '2025-04-01' -> (2025, 4, 1); bad or empty -> None."""
    if not value:
        return None
    parts = value.split("-")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return None
    if len(numbers) == 2 and 1 <= numbers[1] <= 12:
        return numbers[0], numbers[1], None
    if len(numbers) == 3:
        try:
            date(*numbers)
        except ValueError:
            return None
        return numbers[0], numbers[1], numbers[2]
    return None


def is_to_come(value: str | None, today: date) -> bool:
    """Whether a partial date is still ahead of `today` (a month: after today's month)."""
    parts = partial_date_parts(value)
    if parts is None:
        return False
    if parts[2] is None:
        return parts[:2] > (today.year, today.month)
    return parts > (today.year, today.month, today.day)


def partial_date_text(value: str | None) -> str:
    """'2025-01' -> 'Jan 2025'; '2025-04-01' -> '1 Apr 2025'; unknown -> '—'."""
    parts = partial_date_parts(value)
    if parts is None:
        return UNKNOWN_MARK
    year, month, day = parts
    if day is None:
        return f"{MONTHS[month - 1]} {year}"
    return f"{day} {MONTHS[month - 1]} {year}"


@_displays
def partial_date_display(value: str | None) -> Display:
    if partial_date_parts(value) is None:
        return UNKNOWN
    text = partial_date_text(value)
    return Display(text=text, label=text, title=value or "")


def date_text(value: date | None) -> str:
    if value is None:
        return UNKNOWN_MARK
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@_displays
def date_display(value: date | None) -> Display:
    if value is None:
        return UNKNOWN
    text = date_text(value)
    return Display(text=text, label=text, title=value.isoformat())


def year_text(value: str | None) -> str | None:
    parts = partial_date_parts(value)
    return None if parts is None else str(parts[0])


def percent(value: int) -> str:
    return f"{value}%"


def ratio_text(value: Decimal) -> str:
    """3.1 -> '3.1×' (always one decimal, as computed)."""
    return f"{round_half_up(value, 1)}×"


def one_decimal(value: Decimal) -> str:
    return f"{round_half_up(value, 1)}"


def score_text(value: Decimal, unit: str) -> str:
    """A benchmark score in its unit: 23.6%, 1350 elo."""
    number = decimal_plain(value)
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".strip()


def gap_text(gap: Decimal, unit: str) -> str:
    """A gap between two scores: percentage points for %, the unit otherwise."""
    number = one_decimal(gap)
    if unit == "%":
        return f"{number} points"
    return f"{number} {unit}".strip()


@_displays
def yes_no_display(value: bool | None) -> Display:
    if value is None:
        return UNKNOWN
    text = "Yes" if value else "No"
    return Display(text=text, label=text.lower())


def names_list(names: list[str] | tuple[str, ...]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def iso_datetime(value: datetime | None) -> str | None:
    """2026-11-25T12:00:00Z for aware UTC datetimes; ISO 8601 otherwise."""
    if value is None:
        return None
    text = value.isoformat()
    if text.endswith("+00:00"):
        text = text[: -len("+00:00")] + "Z"
    return text
