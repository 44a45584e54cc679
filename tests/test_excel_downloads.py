"""GET /download/<view>.xlsx: the CSV's rows as a typed workbook, marked exactly when it shows CP."""

from __future__ import annotations

import csv
import html
import io
import math
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from dashboard import exports, marking
from dashboard.marking import MARKING_CP
from smq_monitor.web.downloads import format_value
from tests.inprocess import sign_in
from tests.test_no_cp_leak import SEARCHES, leaked

VIEWS = ["trusts", "episodes", "ratings", "trajectories", "uptake", "costs", "icons", "effects"]
CUSUM = "cusum?trust=RAA&metric=ae_4hr"


def _get(client, view: str, search: str = "", fmt: str = "xlsx"):
    name, _, query = view.partition("?")
    extra = "&".join(p for p in (query, search.lstrip("?")) if p)
    return client.get(f"/download/{name}.{fmt}" + (f"?{extra}" if extra else ""))


def _book(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def _as_csv_text(value: object) -> str:
    """A cell as the CSV writes the same value (a date cell reads back as midnight)."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, str):
        return value  # already neutralised by the workbook, as by the CSV
    return format_value(value)


def _sheet_rows(book: openpyxl.Workbook) -> tuple[list[str], list[list[str]]]:
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(c) for c in rows[0]]
    return header, [[_as_csv_text(v) for v in row] for row in rows[1:]]


def _csv_rows(response) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return rows[0], rows[1:]


def _number_or_text(text: str) -> object:
    """Numbers compared to the 15 significant digits a spreadsheet keeps; anything else as text."""
    try:
        number = float(text)
    except ValueError:
        return text
    return float(f"{number:.15g}") if math.isfinite(number) else text


def _same_rows(client, view: str) -> None:
    """The workbook (with ?labels=1 words, its default) holds the labelled CSV's rows, cell for
    cell; a column it leaves out is one named for CP holding nothing."""
    header, rows = _sheet_rows(_book(_get(client, view)))
    csv_header, csv_rows = _csv_rows(_get(client, view, "?labels=1", fmt="csv"))
    left_out = [c for c in csv_header if c not in header]
    for column in left_out:
        index = csv_header.index(column)
        assert re.search(r"\bcp\b", column.lower()), (view, column)
        assert all(row[index] == "" for row in csv_rows), (view, column)
    keep = [csv_header.index(c) for c in header]
    assert header == [csv_header[i] for i in keep]
    expected = [[row[i] for i in keep] for row in csv_rows]
    assert len(rows) == len(expected), view
    for got, want in zip(rows, expected, strict=True):
        assert [_number_or_text(v) for v in got] == [_number_or_text(v) for v in want], view
    assert rows or view in ("effects",), f"{view}: the comparison needs rows"


@pytest.mark.parametrize("view", [*VIEWS, CUSUM])
def test_a_workbook_holds_the_same_rows_as_the_csv_for_the_public_and_an_analyst(mini_client, view):
    _same_rows(mini_client, view)
    sign_in(mini_client, "analyst")
    _same_rows(mini_client, view)


def test_codes_stay_codes_when_asked_and_the_rows_are_still_the_csvs(mini_client):
    sign_in(mini_client, "analyst")
    book = _book(_get(mini_client, "episodes", "?labels=0"))
    header, rows = _sheet_rows(book)
    csv_header, csv_rows = _csv_rows(_get(mini_client, "episodes", fmt="csv"))
    assert header == csv_header and rows == csv_rows
    assert "cp" in {row[header.index("regime")] for row in rows}


def _all_text(data: bytes) -> str:
    """Every part of the workbook as text: cells, sheet names, headers and footers, properties
    (the words and attribute values of its XML, without the tag names)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    attributes = " ".join(re.findall(r'="([^"]*)"', xml))
    return html.unescape(re.sub(r"<[^>]+>", " ", xml) + " " + attributes)


CUSUM_SEARCHES = [
    f"?trust={trust}&metric={metric}&align={align}"
    for trust in ("RCC", "RDD", "RGG", "RAA")
    for metric in ("ae_4hr", "sickness")
    for align in ("calendar", "cp_entry", "support_entry")
]


@pytest.mark.parametrize("view", [*VIEWS, "cusum"])
def test_a_public_workbook_says_nothing_of_the_cp_list_anywhere(mini_client, view):
    searches = CUSUM_SEARCHES if view == "cusum" else [*SEARCHES, "?trust=RDD&align=cp_entry"]
    for search in searches:
        response = _get(mini_client, view, search)
        assert response.status_code == 200, (view, search, response.status_code)
        assert "X-Protective-Marking" not in response.headers
        text = _all_text(response.get_data())
        assert "OFFICIAL-SENSITIVE" not in text, (view, search)
        assert "Challenged" not in text, (view, search)
        assert not re.search(r"\bcp\b", text, re.IGNORECASE), (view, search)
        assert not leaked(text, search), (view, search, leaked(text, search))


def _marking_places(book: openpyxl.Workbook) -> dict[str, bool]:
    data, about = book.worksheets[0], book[exports.ABOUT_SHEET]
    about_text = [str(c) for row in about.iter_rows(values_only=True) for c in row if c]

    def printed(part) -> str:
        return " ".join(s.text or "" for s in (part.left, part.center, part.right))

    return {
        "about": MARKING_CP in about_text,
        "data header": MARKING_CP in printed(data.oddHeader),
        "data footer": MARKING_CP in printed(data.oddFooter),
        "about header": MARKING_CP in printed(about.oddHeader),
        "about footer": MARKING_CP in printed(about.oddFooter),
    }


def test_an_analysts_workbook_is_marked_exactly_when_it_shows_cp_information(mini_client):
    public = _get(mini_client, "episodes")
    assert not any(_marking_places(_book(public)).values())
    sign_in(mini_client, "analyst")
    marked = _get(mini_client, "episodes")
    assert marked.headers["X-Protective-Marking"] == MARKING_CP
    assert all(_marking_places(_book(marked)).values()), _marking_places(_book(marked))
    # A trust never on the CP list: what the public sees too, so no marking anywhere.
    plain = _get(mini_client, "episodes", "?trust=RAA")
    assert "X-Protective-Marking" not in plain.headers
    assert MARKING_CP not in _all_text(plain.get_data())
    # The CSV's decision, for every view: the same header on both files.
    for view in [*VIEWS, CUSUM, "cusum?trust=RCC&metric=ae_4hr&align=cp_entry"]:
        for search in ("", "?trust=RDD", "?trust=RAA"):
            xlsx, csv_file = _get(mini_client, view, search), _get(mini_client, view, search, fmt="csv")
            csv_file.get_data()  # read the streamed file to its end
            assert xlsx.status_code == csv_file.status_code, (view, search)
            if xlsx.status_code != 200:  # a CUSUM asked of two trusts: the same 400 for both
                continue
            assert xlsx.headers.get("X-Protective-Marking") == csv_file.headers.get("X-Protective-Marking"), (
                view,
                search,
            )
            name = csv_file.headers["Content-Disposition"].replace(".csv", ".xlsx")
            assert xlsx.headers["Content-Disposition"] == name


def test_the_about_sheet_gives_the_provenance_in_words(mini_client):
    sign_in(mini_client, "analyst")
    response = _get(mini_client, "costs", "?type=acute&from=2014-01-01")
    name = response.headers["Content-Disposition"]
    assert re.search(r'filename="smq-monitor-costs-acute-from-2014-01-01-\d{4}-\d{2}-\d{2}\.xlsx"', name)
    book = _book(response)
    assert book.sheetnames == ["Costs", "About"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Filters applied"] == "Trust type: Acute; Dates: from 1 Jan 2014"
    assert about["Prepared for"] == "Analyst"
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}", about["Data as of"])
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4} at \d{2}:\d{2} (GMT|BST)", about["Generated"])
    assert about["Rows"] == str(book["Costs"].max_row - 1)
    assert "Dataset" in about and about["Source"].startswith("Source: smq-monitor")


def test_cells_are_typed_for_excel(mini_client):
    sign_in(mini_client, "analyst")
    episodes = _book(_get(mini_client, "episodes")).worksheets[0]
    header = [c.value for c in episodes[1]]
    start, days, ongoing = (header.index(h) for h in ("Start date", "Days", "Ongoing"))
    first = episodes[2]
    assert isinstance(first[start].value, datetime) and first[start].number_format == "dd/mm/yyyy"
    assert isinstance(first[days].value, int) and not isinstance(first[days].value, bool)
    assert isinstance(first[ongoing].value, bool)
    assert episodes.freeze_panes == "A2"
    assert episodes.auto_filter.ref == f"A1:{episodes.cell(1, len(header)).column_letter}{episodes.max_row}"
    widths = [
        episodes.column_dimensions[episodes.cell(1, i + 1).column_letter].width for i in range(len(header))
    ]
    assert all(8 <= w <= 52 for w in widths) and len(set(widths)) > 1
    costs = _book(_get(mini_client, "costs")).worksheets[0]
    header = [c.value for c in costs[1]]
    total = header.index("Total cost (£)")
    cells = [row[total] for row in costs.iter_rows(min_row=2)]
    assert any(c.value and c.value >= 1000 for c in cells)
    assert all(isinstance(c.value, int | float) and c.number_format.startswith("#,##0") for c in cells)
    # Words for codes, by default.
    groups = {row[header.index("Evaluation group")].value for row in costs.iter_rows(min_row=2)}
    assert "Prolonged poor performers" in groups and "prolonged_poor_performer" not in groups


def test_a_cell_that_a_spreadsheet_would_run_gets_a_leading_quote(tmp_path):
    frame = pd.DataFrame(
        {
            "trust_code": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "RAA"],
            "start_date": [date(2016, 3, 1)] * 5,
            "amount_gbp": [1234567.0, 0.5, None, 3.0, 12.0],
        }
    )
    provenance = marking.Provenance(
        dataset_name="=cmd|' /C calc'!A0",
        as_of=date(2024, 3, 31),
        synthetic=True,
        filter_words=(),
        audience="Public",
        includes_cp=False,
        generated_at=datetime(2024, 7, 1, 9, 30),
        view="costs",
    )
    path = tmp_path / "book.xlsx"
    assert exports.write_workbook(path, frame, provenance) == 5
    book = openpyxl.load_workbook(path)
    codes = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert codes == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "RAA"]
    assert all(c.data_type != "f" for row in book.worksheets[0].iter_rows() for c in row)
    money = [row[2] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert money[0].value == 1234567 and money[0].number_format == "#,##0"
    assert money[1].number_format == "#,##0.00" and money[2].value is None
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Data"] == "Synthetic demo data"
    assert about["Generated"] == "1 Jul 2024 at 10:30 BST"
    assert about["Dataset"].startswith("'=")
    assert "Protective marking" not in about


def _limit_rows(monkeypatch, limit: int) -> None:
    monkeypatch.setattr(exports.write_workbook, "__kwdefaults__", {"words": True, "max_rows": limit})


def test_a_view_too_big_for_a_workbook_points_to_the_csv(mini_client, monkeypatch):
    rows = len(_csv_rows(_get(mini_client, "trajectories", fmt="csv"))[1])
    assert rows > 10
    _limit_rows(monkeypatch, rows - 1)
    refused = _get(mini_client, "trajectories")
    assert refused.status_code == 413
    text = refused.get_data(as_text=True)
    assert f"more than {rows - 1:,} rows" in text and "/download/trajectories.csv" in text
    _limit_rows(monkeypatch, rows)
    assert _get(mini_client, "trajectories").status_code == 200
