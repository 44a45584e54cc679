"""Reading the cells of published files: text, numbers, suppression marks, dates and periods."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

# What publishers write instead of a number they withheld or do not have: skipped, never 0.
SUPPRESSED = frozenset({"", "*", "-", "\u2013", "\u2014"})

_MONTHS = {
    "JANUARY": 1,
    "FEBRUARY": 2,
    "MARCH": 3,
    "APRIL": 4,
    "MAY": 5,
    "JUNE": 6,
    "JULY": 7,
    "AUGUST": 8,
    "SEPTEMBER": 9,
    "OCTOBER": 10,
    "NOVEMBER": 11,
    "DECEMBER": 12,
    "SEPT": 9,
}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
# Longest first, so MARCH is not read as MAR followed by "CH".
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_YEAR = re.compile(rf"(?<![A-Z])({_MONTH_WORDS})(?![A-Z])[\s\-_/.,']*(\d{{4}}|\d{{2}})(?!\d)")
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_PLAN_YEAR = re.compile(r"^(?:FY|PLAN\s*YEAR)?\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$")
_FISCAL_QUARTER = (
    re.compile(r"^Q([1-4])\s*(?:FY)?\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$"),
    re.compile(r"^(?:FY)?\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})\s*Q([1-4])$"),
)
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d %B %Y",
    "%d %b %Y",
)
# Spreadsheet serial day numbers count from 1899-12-30; only a plausible range is taken as a
# date, so that a stray number is not silently read as one.
_SERIAL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954 to 2119


def cell_text(value: object) -> str:
    """A cell as text: blank for an empty cell, '12' for a whole number, ISO for a date cell."""
    if type(value) is str:  # most cells, above all in CSV files: the fast way first
        return value.replace("\xa0", " ").strip() if "\xa0" in value else value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value != value:  # pandas NaT
            return ""
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\xa0", " ").strip()


def is_suppressed(value: object) -> bool:
    """The cell holds no number: blank, or one of the publishers' marks for a withheld value."""
    return cell_text(value) in SUPPRESSED


def parse_number(value: object) -> float:
    """A number from a cell: 1234, '1,234', '85.2%'. Raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value).replace(",", "").replace(" ", "")
        if text.endswith("%"):
            text = text[:-1]
        if not text or text.lower() in ("nan", "inf", "-inf", "infinity"):
            raise ValueError(value)
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def parse_date(value: object) -> date:
    """A date cell, a spreadsheet serial number, or text in dd/mm/yyyy, ISO and similar forms."""
    if isinstance(value, datetime):
        if value != value:
            raise ValueError(value)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _SERIAL_EPOCH + timedelta(days=int(value))
        raise ValueError(value)
    text = cell_text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def month_mentions(text: str) -> list[date]:
    """Every 'month year' written in `text` (MARCH-2026, Apr22, Sept 2025), as first days of months."""
    return [date(_year(y), _MONTHS[m], 1) for m, y in _MONTH_YEAR.findall(text.upper())]


def parse_month(value: object) -> date:
    """The first day of the month a cell names.

    Accepts NHS England's `MSitAE-MARCH-2026` and the other spellings seen across years
    (`March-2026`, `MAR-26`, `March 2026`, `2026-03`), and dates (any day of the month).
    """
    if isinstance(value, date):
        return parse_date(value).replace(day=1)
    text = cell_text(value)
    found = month_mentions(text)
    if len(found) == 1:
        return found[0]
    if not found:
        ym = _YEAR_MONTH.match(text)
        if ym and 1 <= int(ym.group(2)) <= 12:
            return date(int(ym.group(1)), int(ym.group(2)), 1)
        return parse_date(value).replace(day=1)
    raise ValueError(value)


def parse_window_end(value: object) -> date:
    """The last month of a rolling window: `APR22_MAR23`, `April 2022 - March 2023` -> 2023-03-01."""
    text = cell_text(value)
    found = month_mentions(text)
    if not found:
        found = [parse_date(d).replace(day=1) for d in _DATE_IN_TEXT.findall(text)]
    if not found:
        raise ValueError(value)
    if len(found) > 1 and found[-1] < found[0]:
        raise ValueError(value)
    return found[-1]


def quarter_end(month: date) -> date:
    """The first day of the last month of the quarter that holds `month` (Feb-26 -> 2026-03-01)."""
    return date(month.year, (month.month - 1) // 3 * 3 + 3, 1)


def parse_plan_year(value: object) -> tuple[int, int] | None:
    """A financial or plan year (`2025/26`, `2025-26`, `FY2025/2026`) as (start, end) years."""
    match = _PLAN_YEAR.match(cell_text(value).upper())
    if not match:
        return None
    start, end = int(match.group(1)), _year(match.group(2))
    return (start, end) if end == start + 1 else None


def parse_fiscal_quarter(value: object) -> date | None:
    """A financial-year quarter (`Q2 2025/26`, `2025-26 Q2`) as the first day of its last month."""
    text = cell_text(value).upper()
    for pattern in _FISCAL_QUARTER:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        quarter, start, end = (
            (int(groups[0]), int(groups[1]), _year(groups[2]))
            if pattern is _FISCAL_QUARTER[0]
            else (int(groups[2]), int(groups[0]), _year(groups[1]))
        )
        if end != start + 1:
            return None
        # The NHS year runs April to March: Q1 ends in June, Q4 in the March of the next year.
        return date(start, 3 * quarter + 3, 1) if quarter < 4 else date(end, 3, 1)
    return None


def format_number(value: float) -> str:
    """A number as the CSV files of §2 write it: whole numbers without a decimal point."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(round(value, 10))
