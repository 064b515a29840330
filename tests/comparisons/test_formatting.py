"""How numbers, money, token counts and dates read on the page (comparison-rules.md)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from comparisons.derivation import formatting as fmt


@pytest.mark.parametrize(
    ("price", "text"),
    [
        ("0.40", "$0.40"),
        ("0.4", "$0.40"),
        ("1.60", "$1.60"),
        ("0.075", "$0.075"),
        ("12", "$12"),
        ("12.000000", "$12"),
        ("0.865", "$0.865"),
        ("1250.5", "$1,250.50"),
        ("0.0000375", "$0.0000375"),
        ("0", "$0"),
    ],
)
def test_money_shows_the_decimals_it_needs(price, text):
    assert fmt.money(Decimal(price)) == text


def test_unknown_money_is_the_one_unknown_mark():
    assert fmt.money(None) == "—"
    assert fmt.money_display(None).is_unknown
    assert fmt.money_display(None).label == "unknown"


def test_zero_price_reads_free_in_a_table_cell():
    assert fmt.money_display(Decimal("0"), free=True).text == "Free"
    assert fmt.money_display(Decimal("0.000000"), free=True).text == "Free"


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1_047_576, "1.05M"),
        (2_000_000, "2M"),
        (131_072, "131K"),
        (32_768, "32.8K"),
        (200_000, "200K"),
        (999_999, "1M"),
        (999_499, "999K"),
        (1_000, "1K"),
        (1_500, "1.5K"),
        (999, "999"),
        (1, "1"),
        (1_000_000_000, "1B"),
    ],
)
def test_token_counts_are_compact_base_1000_three_significant_digits(count, text):
    assert fmt.tokens_compact(count) == text


def test_token_display_keeps_the_exact_count_for_the_tooltip():
    display = fmt.tokens_display(1_047_576)
    assert display.text == "1.05M"
    assert display.title == "1,047,576 tokens"
    assert fmt.tokens_display(None).text == "—"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2025-01", "Jan 2025"),
        ("2025-04-01", "1 Apr 2025"),
        ("2024-12-31", "31 Dec 2024"),
        ("", "—"),
        (None, "—"),
        ("2025-13", "—"),
        ("2025-02-30", "—"),
        ("soon", "—"),
    ],
)
def test_partial_dates_show_by_day_or_by_month(value, text):
    assert fmt.partial_date_text(value) == text


def test_half_up_rounding_works_on_exact_decimals():
    assert fmt.round_half_up(Decimal("0.5")) == 1
    assert fmt.round_half_up(Decimal("2.5")) == 3  # not banker's rounding
    assert fmt.round_half_up(Decimal("53.15"), 1) == Decimal("53.2")


def test_scores_and_gaps_read_in_their_unit():
    assert fmt.score_text(Decimal("23.6000"), "%") == "23.6%"
    assert fmt.score_text(Decimal("1350.0000"), "elo") == "1350 elo"
    assert fmt.gap_text(Decimal("53.1"), "%") == "53.1 points"
    assert fmt.gap_text(Decimal("12"), "elo") == "12.0 elo"


def test_ratio_has_one_decimal():
    assert fmt.ratio_text(Decimal("3.125")) == "3.1×"
    assert fmt.ratio_text(Decimal("2")) == "2.0×"


def test_lists_of_names_read_naturally():
    assert fmt.names_list(["A"]) == "A"
    assert fmt.names_list(["A", "B"]) == "A and B"
    assert fmt.names_list(["A", "B", "C"]) == "A, B and C"


def test_utc_datetimes_end_in_z():
    stamp = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert fmt.iso_datetime(stamp) == "2026-11-25T12:00:00Z"
    assert fmt.iso_datetime(None) is None


def test_plain_dates_read_day_month_year():
    assert fmt.date_text(date(2026, 5, 14)) == "14 May 2026"
    assert fmt.date_display(None).is_unknown
