"""UK number, money, percentage, date and time formats, in one place (pure).

Everything a person reads in a page, a pack, a deck or a download's notes is written here the
way UK readers write it:

* numbers with thousands separators, and counts without a spurious decimal ("709", never
  "709.0"); halves round up (2.5 → 3), not to the nearest even digit as Python's ``format`` does;
* money in pounds, "£1,234", the minus before the pound sign ("-£1,234"); on slides the short
  form "£1.2m", "£450k";
* shares as percentages, "41%"; "41 of 52 (79%)" when the counts matter;
* dates as "1 Mar 2016" in running text and tables, "01/03/2016" where people type dates;
* times in UK time (Europe/London), GMT in winter and BST in summer, "14:05 BST". A naive
  ``datetime`` is taken to be UTC, the way the database and the pack store times;
* date ranges in words, "1 Mar to 31 May 2016", without repeating a shared month or year.

Missing values (None, NaN, NaT) read as an en dash "–". Negative numbers use the ASCII
hyphen-minus, so a copied figure pastes into a spreadsheet as a number.

``EXCEL_FORMATS`` holds the same formats as spreadsheet number-format codes, for native charts
and workbooks, which format their own numbers.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd

UK_TIME: Final = ZoneInfo("Europe/London")
MISSING: Final = "–"
GBP: Final = "£"

# Spreadsheet number-format codes (Excel, PowerPoint and LibreOffice charts read the same codes).
EXCEL_FORMATS: Final[dict[str, str]] = {
    "count": "#,##0",
    "decimal1": "#,##0.0",
    "signed1": "+#,##0.0;-#,##0.0;0.0",
    "gbp": '"£"#,##0',
    # £1.2m above a million, £450k above a thousand, £950 below (conditional sections).
    "gbp_short": '[>=1000000]"£"#,##0.0,,"m";[>=1000]"£"#,##0,"k";"£"#,##0',
    "percent": "0%",
    "date": "d mmm yyyy",
    "month": "mmm yyyy",
}


# --------------------------------------------------------------------------------------------
# Numbers


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes: not a single missing value
        return False


def _blank(value: object) -> bool:
    # Missing, or a number no one can read (an infinity from a division by zero).
    if is_missing(value):
        return True
    return isinstance(value, float | Decimal) and not math.isfinite(value)


def _decimal(value: float | int | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    # repr gives the shortest text that reads back as the same float, so 0.145 is 0.145 here
    # rather than the 0.14499999... that binary floating point holds, and it rounds up.
    return Decimal(repr(float(value)))


def _rounded(value: float | int | Decimal, digits: int) -> Decimal:
    quantum = Decimal(1).scaleb(-digits)
    result = _decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return result.copy_abs() if result == 0 else result  # never "-0"


def _group(value: Decimal, digits: int) -> str:
    return f"{value:,.{digits}f}"


def count(value: object) -> str:
    """A count: whole, with thousands separators ("1,234"; 709.0 → "709")."""
    if _blank(value):
        return MISSING
    return _group(_rounded(value, 0), 0)  # type: ignore[arg-type]


def number(value: object, digits: int = 1, *, trim: bool = True) -> str:
    """A number with up to `digits` decimals and thousands separators ("1,234.5").

    With `trim`, a value that rounds to a whole number drops its decimals ("709", not "709.0");
    without it, the decimals are always shown ("709.0"), as in a column of figures.
    """
    if _blank(value):
        return MISSING
    rounded = _rounded(value, digits)  # type: ignore[arg-type]
    if trim and rounded == rounded.to_integral_value():
        return _group(rounded, 0)
    return _group(rounded, digits)


def signed(value: object, digits: int = 1) -> str:
    """A change with its sign: "+2.1", "-0.4", and "0" for no change."""
    if _blank(value):
        return MISSING
    rounded = _rounded(value, digits)  # type: ignore[arg-type]
    text = number(rounded, digits, trim=False)
    return text if rounded <= 0 else "+" + text


def money(value: object, digits: int = 0) -> str:
    """Pounds with thousands separators: "£1,234"; negative "-£1,234"."""
    if _blank(value):
        return MISSING
    rounded = _rounded(value, digits)  # type: ignore[arg-type]
    sign = "-" if rounded < 0 else ""
    return f"{sign}{GBP}{_group(rounded.copy_abs(), digits)}"


def money_short(value: object) -> str:
    """Pounds for a slide: "£950", "£9,500", "£45k", "£1.2m", "£12m", "£1.5bn".

    Below £10,000 the amount is written out; above, in thousands (whole), millions or billions
    (one decimal below ten): a slide is read from across a room, and the table in its notes has
    the exact amounts. An amount that rounds up to the next unit is written in it ("£1m", not
    "£1,000k").
    """
    if _blank(value):
        return MISSING
    amount = _decimal(value)  # type: ignore[arg-type]
    sign = "-" if _rounded(amount, 0) < 0 else ""
    amount = amount.copy_abs()
    if _rounded(amount, 0) < 10_000:
        return f"{sign}{GBP}{count(amount)}"
    units = ((Decimal(10**3), "k"), (Decimal(10**6), "m"), (Decimal(10**9), "bn"))
    index = next((i for i, (size, _) in enumerate(units) if amount < size * 1000), len(units) - 1)
    while True:
        size, suffix = units[index]
        scaled = amount / size
        digits = 0 if suffix == "k" or scaled >= 10 else 1
        if _rounded(scaled, digits) >= 1000 and index + 1 < len(units):
            index += 1
            continue
        return f"{sign}{GBP}{number(scaled, digits)}{suffix}"


def percent(share: object, digits: int = 0) -> str:
    """A share (0 to 1) as a percentage: 0.41 → "41%"."""
    if _blank(share):
        return MISSING
    return number(_decimal(share) * 100, digits) + "%"  # type: ignore[arg-type]


def percent_value(value: object, digits: int = 1) -> str:
    """A value already held as a percentage: 95.25 → "95.3%"."""
    if _blank(value):
        return MISSING
    return number(value, digits) + "%"


def share_of(part: int, whole: int, digits: int = 0) -> str:
    """ "41 of 52 (79%)"; "0 of 0" when there is nothing to share."""
    if not whole:
        return f"{count(part)} of {count(whole)}"
    return f"{count(part)} of {count(whole)} ({percent(part / whole, digits)})"


def plural(amount: int, word: str, plural_word: str | None = None) -> str:
    """ "1 trust", "2 trusts", "1,234 trusts"."""
    words = word if amount == 1 else (plural_word or word + "s")
    return f"{count(amount)} {words}"


# --------------------------------------------------------------------------------------------
# Dates


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def display_date(value: object) -> str:
    """ "1 Mar 2016": day without a leading zero, short month, full year."""
    if is_missing(value):
        return MISSING
    day = _day(value)
    return f"{day.day} {day:%b %Y}"


def long_date(value: object) -> str:
    """ "1 March 2016"."""
    if is_missing(value):
        return MISSING
    day = _day(value)
    return f"{day.day} {day:%B %Y}"


def month_year(value: object) -> str:
    """ "Mar 2016"."""
    if is_missing(value):
        return MISSING
    return f"{_day(value):%b %Y}"


def typed_date(value: object) -> str:
    """ "01/03/2016": the dd/mm/yyyy people type in forms and spreadsheets."""
    if is_missing(value):
        return ""
    return f"{_day(value):%d/%m/%Y}"


def parse_typed_date(text: str) -> date:
    """Read a dd/mm/yyyy (or d/m/yyyy) date; ValueError when it is not one."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise ValueError(f"not a dd/mm/yyyy date: {text!r}")
    day, month, year = (int(p) for p in parts)
    return date(year, month, day)


def date_range(start: object, end: object) -> str:
    """A date range in words, sharing what the two ends share.

    "1 to 31 Mar 2016", "1 Mar to 31 May 2016", "1 Mar 2016 to 31 May 2017", "from 1 Mar 2016"
    (no end), "up to 31 May 2017" (no start), "all dates" (neither).
    """
    if is_missing(start) and is_missing(end):
        return "all dates"
    if is_missing(end):
        return f"from {display_date(start)}"
    if is_missing(start):
        return f"up to {display_date(end)}"
    first, last = _day(start), _day(end)
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    if first == last:
        return display_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {display_date(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%b} to {display_date(last)}"
    return f"{display_date(first)} to {display_date(last)}"


def month_range(start: object, end: object) -> str:
    """A range of months in words: "Mar to May 2016", "Mar 2016 to May 2017", "Mar 2016"."""
    if is_missing(start) and is_missing(end):
        return "all months"
    if is_missing(end):
        return f"from {month_year(start)}"
    if is_missing(start):
        return f"up to {month_year(end)}"
    first, last = _day(start), _day(end)
    if (first.year, first.month) == (last.year, last.month):
        return month_year(first)
    if first.year == last.year:
        return f"{first:%b} to {month_year(last)}"
    return f"{month_year(first)} to {month_year(last)}"


# --------------------------------------------------------------------------------------------
# Times


def uk_datetime(moment: datetime) -> datetime:
    """The same instant in UK time (GMT or BST). A naive datetime is taken to be UTC."""
    if not isinstance(moment, datetime):
        raise TypeError(f"a datetime is needed, not {type(moment).__name__}")
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(UK_TIME)


def uk_time(moment: datetime) -> str:
    """ "14:05 BST" (summer) or "14:05 GMT" (winter)."""
    local = uk_datetime(moment)
    return f"{local:%H:%M} {local.tzname()}"


def display_datetime(moment: datetime | None) -> str:
    """ "1 Mar 2016 at 14:05 GMT": the date and time as the UK clock showed them."""
    if moment is None or is_missing(moment):
        return MISSING
    local = uk_datetime(moment)
    return f"{display_date(local)} at {uk_time(local)}"
