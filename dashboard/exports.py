"""What a download says about itself, and the Excel workbook of a view (pure).

`?provenance=1` puts one comment line (``# ...``, `marking.Provenance.csv_comment`) before the
header; without it the header comes first, as scripts reading the contract's CSV expect. The file
name always carries the view, the main filters and the as-of date. `?labels=1` turns codes into
the words the pages use and column names into headings.

`write_workbook` writes the same rows as an Excel workbook for a person to open: headings and
words for codes by default, Excel dates, integers and money, a frozen filtered header, and an
"About" sheet with the provenance and, exactly when the CSV would carry it, the marking.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

import pandas as pd

from dashboard import labels, marking
from data_access.filters import Filters

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

# Columns whose codes have words, and where the words are.
CODE_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "evaluation_group": labels.GROUP_LABELS,
    "group": labels.GROUP_LABELS,
    "trust_type": labels.TYPE_LABELS,
    "regime": labels.REGIME_LABELS,
    "current_regime": {**labels.REGIME_LABELS, "none": "None"},
    "rating": labels.RATING_LABELS,
    "rating_at_smq_entry": labels.RATING_LABELS,
    "latest_rating": labels.RATING_LABELS,
    "domain": labels.DOMAIN_LABELS,
    "intervention": labels.INTERVENTION_LABELS,
    "status": labels.STATUS_LABELS,
    "category": labels.COST_CATEGORY_LABELS,
    "payer": labels.PAYER_LABELS,
    "variation": labels.VARIATION_LABELS,
    **{code: labels.STATUS_LABELS for code in labels.INTERVENTION_LABELS},  # uptake's columns
}
HEADINGS: Mapping[str, str] = {
    "trust_code": "Trust code",
    "trust_name": "Trust",
    "trust_type": "Trust type",
    "evaluation_group": "Evaluation group",
    "current_regime": "Current regime",
    "start_date": "Start date",
    "end_date": "End date",
    "publication_date": "Published",
    "period_start": "Period starting",
    "metric_id": "Metric",
    "months_from_event": "Months from the event",
    "total_cost_gbp": "Total cost (£)",
    "smq_days": "Days in intensive support",
    "exited_smq": "Exited intensive support",
    "re_entered_smq": "Re-entered intensive support",
    "rating_at_smq_entry": "Overall rating at entry",
    "latest_rating": "Latest overall rating",
    "lower_limit": "Lower process limit",
    "upper_limit": "Upper process limit",
    **{code: words for code, words in labels.INTERVENTION_LABELS.items()},
    **{f"cost_{code}_gbp": f"{words} (£)" for code, words in labels.COST_CATEGORY_LABELS.items()},
}


def heading(column: str) -> str:
    return HEADINGS.get(column) or column.replace("_", " ").capitalize()


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with words for codes and headings for column names (the numbers unchanged)."""
    out = frame.copy()
    for column, words in CODE_COLUMNS.items():
        if column in out.columns:
            codes = out[column]
            out[column] = codes.map(lambda c, words=words: words.get(c, c) if isinstance(c, str) else c)
    return out.rename(columns={c: heading(str(c)) for c in out.columns})


def csv_provenance(
    view: str,
    *,
    info: Mapping,
    as_of: date,
    filters: Filters,
    filter_words: list[str],
    audience: str,
    includes_cp: bool,
    now: datetime,
) -> marking.Provenance:
    return marking.Provenance(
        dataset_name=info.get("name"),
        as_of=as_of,
        synthetic=bool(info.get("synthetic")),
        filter_words=tuple(filter_words),
        audience=audience,
        includes_cp=includes_cp,
        generated_at=now,
        view=view,
        filter_tokens=marking.filter_tokens(filters, includes_cp),
        licence=info.get("licence"),
    )


# --------------------------------------------------------------------------------------------
# Excel workbooks: the same rows as the CSV file, typed for a person who opens them.

# A workbook is for a person to open: past this many rows (a worksheet holds 1,048,575, and
# writing them would outlast a web request) the CSV, which streams, is the file to use.
EXCEL_MAX_ROWS: Final = 500_000
WIDTH_MIN: Final = 8
WIDTH_MAX: Final = 50
WIDTH_SAMPLE: Final = 500  # rows read to size the columns
DATE_FORMAT: Final = "dd/mm/yyyy"
GENERAL_NUMBER: Final = "#,##0.0###"
ABOUT_SHEET: Final = "About"


def _kind(column: str, values: pd.Series) -> str:
    """How a column is written: date, money, number, bool or text (from its code name and values)."""
    present = values.dropna()
    if pd.api.types.is_bool_dtype(values.dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(values.dtype):
        return "money" if column.endswith("_gbp") else "number"
    if not present.empty:
        sample = present.head(WIDTH_SAMPLE)
        if sample.map(lambda v: isinstance(v, date)).all():
            return "date"
        if sample.map(lambda v: isinstance(v, bool)).all():
            return "bool"
        if sample.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).all():
            return "money" if column.endswith("_gbp") else "number"
    return "text"


def _cell(value: object) -> object:
    """A frame value as a plain Python value: None for blanks, a date for a timestamp."""
    if hasattr(value, "item") and not isinstance(value, str | pd.Timestamp):
        value = value.item()  # numpy scalars
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    return value


def _width(header: str, values: list[str]) -> float:
    """A column just wide enough for its values, and for its heading on at most two lines."""
    longest_word = max((len(w) for w in header.split()), default=0)
    heading = max(longest_word, math.ceil(len(header) / 2))
    content = max((len(v) for v in values), default=0)
    return float(min(WIDTH_MAX, max(WIDTH_MIN, heading, content) + 2))


def _shown(value: object, kind: str) -> str:
    """What a cell shows, for sizing its column."""
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    if kind in ("number", "money") and isinstance(value, int | float):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0")
    return str(value)


def _header_footer_text(text: str) -> str:
    """Text for a printed header or footer, where "&" starts a control code."""
    return text.replace("&", "&&")


def sheet_title(view: str) -> str:
    return (view.replace("_", " ").strip().capitalize() or "Data")[:28]


def _drop_blank_cp_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Without CP content, a column named for CP holds nothing (see `marking`): leave it out, so
    a file without CP information does not talk about the list at all."""
    empty = [
        c for c in frame.columns if marking.CP_COLUMN.search(str(c)) and not marking.holds_values(frame[c])
    ]
    return frame.drop(columns=empty) if empty else frame


class TooManyRows(ValueError):
    """More rows than a workbook is made with (`EXCEL_MAX_ROWS`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit:,} rows")
        self.limit = limit


def write_workbook(
    target: Any,
    frames: pd.DataFrame | Iterable[pd.DataFrame],
    provenance: marking.Provenance,
    *,
    words: bool = True,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write the rows of `frames` (one view, same columns) as an Excel workbook to `target` (a
    path or a binary file) and return how many rows it holds.

    The data sheet has the headings (words for codes when `words`) in a frozen, filtered first
    row; dates are Excel dates shown dd/mm/yyyy, whole numbers integers with thousands
    separators, money with separators. Text starting with = + - @ gets a leading ' (as the CSV).
    A second sheet, "About", holds the provenance; the protective marking, when due, is on both
    sheets' printed header and footer, and in the About sheet. More than `max_rows` rows raise
    `TooManyRows`.
    """
    import xlsxwriter

    parts = iter([frames] if isinstance(frames, pd.DataFrame) else frames)
    first = next(parts, None)
    if first is None:
        first = pd.DataFrame()
    if not provenance.includes_cp:
        first = _drop_blank_cp_columns(first)
    columns = [str(c) for c in first.columns]
    kinds = [_kind(c, first[c]) for c in columns]
    headings = [heading(c) if words else c for c in columns]
    code_words = [CODE_COLUMNS.get(c) if words else None for c in columns]

    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT,
            "remove_timezone": True,
        },
    )
    book.set_properties(
        {
            "title": f"{marking.PRODUCT} {provenance.view}",
            "subject": provenance.marking or provenance.source_line(),
            "author": marking.PRODUCT,
            "company": marking.PRODUCT,
            "comments": provenance.source_line(),
            "created": datetime.now(),
        }
    )
    if provenance.marking:
        book.set_custom_property("Protective marking", provenance.marking)
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    formats = {
        "date": book.add_format({"num_format": DATE_FORMAT}),
        "datetime": book.add_format({"num_format": f"{DATE_FORMAT} hh:mm"}),
        "count": book.add_format({"num_format": "#,##0"}),
        "number": book.add_format({"num_format": GENERAL_NUMBER}),
        "money": book.add_format({"num_format": "#,##0"}),
        "pence": book.add_format({"num_format": "#,##0.00"}),
    }
    header_text = _header_footer_text(provenance.marking) if provenance.marking else ""
    footer_text = _header_footer_text(provenance.source_line())

    # Excel keeps at most 255 characters of a header or footer, codes included.
    room = 255 - len("&L&R&B") - len(header_text)
    header = f"&L{footer_text[:room]}" + (f"&R&B{header_text}" if header_text else "")
    footer = (f"&L&B{header_text}" if header_text else "") + "&RPage &P of &N"

    def print_setup(sheet: Any) -> None:
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.set_header(header)
        sheet.set_footer(footer)

    widths = [
        _width(h, [_shown(_cell(v), k) for v in first[c].head(WIDTH_SAMPLE)])
        for h, c, k in zip(headings, columns, kinds, strict=True)
    ]
    sheet = book.add_worksheet(sheet_title(provenance.view))
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.repeat_rows(0)
    print_setup(sheet)
    for index, text in enumerate(headings):
        sheet.write_string(0, index, neutralise(text), head)

    total = 0
    for frame in itertools.chain([first], parts):
        values = [frame[c].astype(object).tolist() if c in frame.columns else [] for c in columns]
        for record in zip(*values, strict=True):
            total += 1
            if total > max_rows:
                raise TooManyRows(max_rows)
            for index, raw in enumerate(record):
                _write(sheet, total, index, _cell(raw), kinds[index], code_words[index], formats)
    if columns:
        sheet.autofilter(0, 0, total, len(columns) - 1)

    about = book.add_worksheet(ABOUT_SHEET)
    print_setup(about)
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 90)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    label = book.add_format({"bold": True, "valign": "top"})
    strong = book.add_format({"bold": True, "font_color": "#DA291C", "text_wrap": True})
    lines = about_rows(provenance, total)
    for index, (name, text) in enumerate(lines):
        about.write_string(index, 0, neutralise(name), label)
        style = strong if text in (marking.MARKING_CP, marking.SYNTHETIC_WORDS) else wrap
        about.write_string(index, 1, neutralise(text), style)
    book.close()
    return total


def about_rows(provenance: marking.Provenance, rows: int) -> list[tuple[str, str]]:
    """The About sheet: what the file is, where its numbers come from and who it was made for."""
    lines: list[tuple[str, str]] = []
    if provenance.marking:
        lines.append(("Protective marking", provenance.marking))
    lines += [
        ("File", f"{marking.PRODUCT}: {provenance.view.replace('_', ' ')}"),
        ("Dataset", provenance.dataset_words if provenance.dataset_name else "Not named"),
        ("Data as of", provenance.as_of_words),
    ]
    if provenance.synthetic:
        lines.append(("Data", marking.SYNTHETIC_WORDS))
    lines += [
        ("Filters applied", provenance.filters_words),
        ("Prepared for", " ".join(provenance.audience.split())),
        ("Generated", provenance.generated_words),
        ("Rows", f"{rows:,}"),
        ("Licence", " ".join(str(provenance.licence).split()) if provenance.licence else "Not stated"),
        ("Source", provenance.source_line()),
    ]
    return lines


def _write(
    sheet: Any,
    row: int,
    col: int,
    value: object,
    kind: str,
    code_words: Mapping[str, str] | None,
    formats: Mapping[str, Any],
) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), formats["date"])
    elif isinstance(value, int | float):
        number = float(value)
        if math.isinf(number):
            return
        whole = number.is_integer() and abs(number) < 1e15
        if kind == "money":
            sheet.write_number(
                row, col, int(number) if whole else number, formats["money" if whole else "pence"]
            )
        elif whole:
            sheet.write_number(row, col, int(number), formats["count"])
        else:
            sheet.write_number(row, col, number, formats["number"])
    else:
        text = str(value)
        if code_words is not None:
            text = code_words.get(text, text)
        sheet.write_string(row, col, neutralise(text))


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (as in the CSV download)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
