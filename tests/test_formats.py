"""UK formats: numbers, money, shares, dates, UK time across the clock changes, date ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import formats


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (709, "709"),
        (709.0, "709"),
        (np.int64(1234567), "1,234,567"),
        (np.float64(1234.0), "1,234"),
        (-1234, "-1,234"),
        (2.5, "3"),  # half up, not to even
        (3.5, "4"),
        (-2.5, "-3"),
        (-0.4, "0"),  # never "-0"
        (None, "–"),
        (float("nan"), "–"),
        (pd.NA, "–"),
        (pd.NaT, "–"),
        (float("inf"), "–"),
    ],
)
def test_counts_are_whole_with_thousands_separators(value, text):
    assert formats.count(value) == text


def test_numbers_trim_a_whole_value_unless_asked_to_keep_the_decimals():
    assert formats.number(709.0) == "709"
    assert formats.number(1234.56) == "1,234.6"
    assert formats.number(0.145, 2) == "0.15"  # the decimal that was written, not the binary float
    assert formats.number(-1234.44) == "-1,234.4"
    assert formats.number(12.0, 1, trim=False) == "12.0"
    assert formats.number(-0.04, 1) == "0"
    assert formats.number(Decimal("2.25"), 1) == "2.3"


def test_signed_changes_carry_their_sign():
    assert formats.signed(2.14) == "+2.1"
    assert formats.signed(-0.44) == "-0.4"
    assert formats.signed(0.04) == "0.0"
    assert formats.signed(-0.04) == "0.0"
    assert formats.signed(1234.5, 0) == "+1,235"
    assert formats.signed(None) == "–"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234, "£1,234"),
        (1234.5, "£1,235"),
        (-1234, "-£1,234"),
        (0, "£0"),
        (-0.2, "£0"),
        (1_250_000, "£1,250,000"),
        (float("nan"), "–"),
    ],
)
def test_money_in_pounds(value, text):
    assert formats.money(value) == text


def test_money_with_pence():
    assert formats.money(12.5, 2) == "£12.50"
    assert formats.money(-0.125, 2) == "-£0.13"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (950, "£950"),
        (9_499, "£9,499"),
        (10_000, "£10k"),
        (45_400, "£45k"),
        (999_400, "£999k"),
        (999_600, "£1m"),  # not "£1,000k"
        (1_234_567, "£1.2m"),
        (1_250_000, "£1.3m"),
        (2_000_000, "£2m"),
        (9_960_000, "£10m"),
        (12_345_678, "£12m"),
        (999_999_999, "£1bn"),
        (1_500_000_000, "£1.5bn"),
        (-1_234_567, "-£1.2m"),
        (-45_000, "-£45k"),
        (-120, "-£120"),
        (None, "–"),
    ],
)
def test_money_on_slides_is_short(value, text):
    assert formats.money_short(value) == text


def test_percentages_from_shares_and_from_percent_values():
    assert formats.percent(0.41) == "41%"
    assert formats.percent(41 / 52) == "79%"
    assert formats.percent(0.145) == "15%"  # half up after exact scaling
    assert formats.percent(0.1234, 1) == "12.3%"
    assert formats.percent(-0.05) == "-5%"
    assert formats.percent(1) == "100%"
    assert formats.percent(float("nan")) == "–"
    assert formats.percent_value(95.25) == "95.3%"
    assert formats.percent_value(95.0) == "95%"


def test_share_of_and_plurals():
    assert formats.share_of(41, 52) == "41 of 52 (79%)"
    assert formats.share_of(0, 0) == "0 of 0"
    assert formats.share_of(1234, 2000) == "1,234 of 2,000 (62%)"
    assert formats.plural(1, "trust") == "1 trust"
    assert formats.plural(2, "trust") == "2 trusts"
    assert formats.plural(1500, "person", "people") == "1,500 people"


def test_dates_for_reading_and_for_typing():
    day = date(2016, 3, 1)
    assert formats.display_date(day) == "1 Mar 2016"
    assert formats.display_date(pd.Timestamp("2016-03-01")) == "1 Mar 2016"
    assert formats.display_date(datetime(2016, 3, 1, 23, 59)) == "1 Mar 2016"
    assert formats.display_date("2016-12-25") == "25 Dec 2016"
    assert formats.long_date(day) == "1 March 2016"
    assert formats.month_year(day) == "Mar 2016"
    assert formats.typed_date(day) == "01/03/2016"
    assert formats.display_date(None) == "–"
    assert formats.typed_date(pd.NaT) == ""


def test_typed_dates_read_back_day_first():
    assert formats.parse_typed_date("01/03/2016") == date(2016, 3, 1)
    assert formats.parse_typed_date(" 1/3/2016 ") == date(2016, 3, 1)
    for text in ("2016-03-01", "01/03/16", "31/02/2016", "1/3", "aa/bb/cccc"):
        with pytest.raises(ValueError):
            formats.parse_typed_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_typed_date_round_trips(day):
    assert formats.parse_typed_date(formats.typed_date(day)) == day


def test_uk_time_in_winter_and_summer():
    assert formats.uk_time(datetime(2024, 1, 15, 14, 5)) == "14:05 GMT"
    assert formats.uk_time(datetime(2024, 7, 15, 14, 5)) == "15:05 BST"
    assert formats.display_datetime(datetime(2024, 4, 2, 9, 30)) == "2 Apr 2024 at 10:30 BST"
    assert formats.display_datetime(None) == "–"


def test_the_spring_change_over_moves_the_clock_forward_at_one_in_the_morning_gmt():
    # 31 March 2024: at 01:00 GMT the clocks went forward to 02:00 BST.
    assert formats.uk_time(datetime(2024, 3, 31, 0, 59)) == "00:59 GMT"
    assert formats.uk_time(datetime(2024, 3, 31, 1, 0)) == "02:00 BST"
    assert formats.display_datetime(datetime(2024, 3, 30, 23, 30)) == "30 Mar 2024 at 23:30 GMT"


def test_the_autumn_change_over_repeats_an_hour():
    # 27 October 2024: at 01:00 UTC (02:00 BST) the clocks went back to 01:00 GMT, so
    # 01:30 happened twice, first in BST and then in GMT.
    assert formats.uk_time(datetime(2024, 10, 27, 0, 30)) == "01:30 BST"
    assert formats.uk_time(datetime(2024, 10, 27, 1, 30)) == "01:30 GMT"
    assert formats.uk_time(datetime(2024, 10, 26, 23, 30)) == "00:30 BST"


def test_a_summer_evening_in_utc_is_the_next_day_in_the_uk():
    assert formats.display_datetime(datetime(2024, 6, 30, 23, 30)) == "1 Jul 2024 at 00:30 BST"


def test_aware_times_are_converted_not_relabelled():
    new_york = timezone(timedelta(hours=-5))
    assert formats.uk_time(datetime(2024, 1, 15, 9, 0, tzinfo=new_york)) == "14:00 GMT"
    assert formats.uk_time(datetime(2024, 7, 15, 14, 5, tzinfo=UTC)) == "15:05 BST"
    with pytest.raises(TypeError):
        formats.uk_time(date(2024, 1, 1))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2016, 3, 1), date(2016, 3, 31), "1 to 31 Mar 2016"),
        (date(2016, 3, 1), date(2016, 5, 31), "1 Mar to 31 May 2016"),
        (date(2016, 3, 1), date(2017, 5, 31), "1 Mar 2016 to 31 May 2017"),
        (date(2016, 3, 1), date(2016, 3, 1), "1 Mar 2016"),
        (date(2016, 3, 1), None, "from 1 Mar 2016"),
        (None, date(2017, 5, 31), "up to 31 May 2017"),
        (None, None, "all dates"),
        (pd.Timestamp("2016-03-01"), pd.NaT, "from 1 Mar 2016"),
    ],
)
def test_date_ranges_in_words(start, end, text):
    assert formats.date_range(start, end) == text


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        formats.date_range(date(2016, 5, 1), date(2016, 3, 1))


def test_month_ranges_in_words():
    assert formats.month_range(date(2016, 3, 1), date(2016, 5, 31)) == "Mar to May 2016"
    assert formats.month_range(date(2016, 3, 1), date(2017, 5, 1)) == "Mar 2016 to May 2017"
    assert formats.month_range(date(2016, 3, 1), date(2016, 3, 31)) == "Mar 2016"
    assert formats.month_range(None, date(2016, 3, 1)) == "up to Mar 2016"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_counts_read_back_as_the_same_integer(value):
    text = formats.count(value)
    assert int(text.replace(",", "")) == value
    digits = text.lstrip("-").split(",")
    assert all(len(part) == 3 for part in digits[1:]) and 1 <= len(digits[0]) <= 3


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_short_money_never_writes_a_thousand_of_a_unit(value):
    text = formats.money_short(value)
    assert text.lstrip("-").startswith("£")
    for suffix in ("k", "m"):
        if text.endswith(suffix) and not text.endswith("bn"):
            assert float(text.lstrip("-£")[:-1].replace(",", "")) < 1000


def test_spreadsheet_formats_are_given_for_charts():
    assert formats.EXCEL_FORMATS["count"] == "#,##0"
    assert formats.EXCEL_FORMATS["percent"] == "0%"
    assert '"£"' in formats.EXCEL_FORMATS["gbp_short"] and '"m"' in formats.EXCEL_FORMATS["gbp_short"]
