"""Open a published file, whatever it is (CSV, .ods, .xlsx, a zip of CSVs), as rows of cells.

The content decides, not the name: a download that is really an HTML error page, a PDF or an
old binary .xls is rejected with a reason a person can act on, never half-read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from xml.etree import ElementTree

from data_access.convert import ods
from data_access.convert.columns import Field, Header, find_header, normalise
from data_access.convert.common import Problem, Rejected
from data_access.progress import progress

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class Table:
    """One sheet's rows (row i is the sheet's row i + 1) and the header found in it."""

    path: Path
    sheet: str | None
    rows: list[list[object]]
    header: Header
    in_zip: bool = False

    @property
    def label(self) -> str:
        """The file's name in messages, with the sheet for a workbook."""
        if self.in_zip:
            return f"{self.path.name}/{self.sheet}"
        return f"{self.path.name} (sheet {self.sheet})" if self.sheet else self.path.name

    def where(self) -> str:
        place = f"{'file' if self.in_zip else 'sheet'} {self.sheet}, " if self.sheet else ""
        return f"{place}header on row {self.header.row}"

    def data_rows(self, stream: TextIO | None = None) -> Iterator[tuple[int, list[object]]]:
        """(row number, cells) of every row below the header that has anything in it, counted
        on a progress bar on `stream` when it is a terminal."""
        body = self.rows[self.header.row :]
        with progress(f"converting {self.label}", total=len(body), stream=stream) as bar:
            for number, cells in enumerate(body, start=self.header.row + 1):
                bar.advance()
                if any(c is not None and c != "" for c in cells):
                    yield number, cells


def _text_of(raw: bytes, label: str) -> str:
    """The text of a CSV file, after checking that it is one."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Rejected([Problem(label, f"not valid UTF-16 text ({exc.reason})")]) from exc
    _sniff_text(raw, label)
    return _decode(raw)


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as older NHS files are."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _sniff_text(raw: bytes, filename: str) -> None:
    head = raw[:4096]
    if head.startswith(b"%PDF"):
        raise Rejected([Problem(filename, "not a spreadsheet or CSV file: it is a PDF document")])
    if b"\x00" in head:
        raise Rejected([Problem(filename, "not a spreadsheet or CSV file: it holds binary data")])
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise Rejected(
            [
                Problem(
                    filename,
                    "not a spreadsheet or CSV file: it is a web page (was the download redirected "
                    "or interrupted?)",
                )
            ]
        )


def _csv_rows(text: str, filename: str, stream: TextIO | None) -> list[list[object]]:
    sample = text[:20_000]
    delimiter = ","
    if "," not in sample:
        delimiter = max((";", "\t"), key=sample.count) if (";" in sample or "\t" in sample) else ","
    rows: list[list[object]] = []
    # Lines are a close count of rows (a quoted cell may hold a line break) and cheap to count.
    with progress(f"reading {filename}", total=text.count("\n") or None, stream=stream) as bar:
        try:
            for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                rows.append(cells)
                bar.advance()
        except csv.Error as exc:
            raise Rejected([Problem(filename, f"not valid CSV ({exc})", len(rows) + 1, "-")]) from exc
    return rows


def _workbook_kind(raw: bytes, filename: str) -> str:
    """'ods' or 'xlsx' for a spreadsheet, 'zip' for another zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return "ods"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx"
    except zipfile.BadZipFile as exc:
        raise Rejected([Problem(filename, f"not a spreadsheet: a damaged zip archive ({exc})")]) from exc
    return "zip"


def _ods_stream(raw: bytes, filename: str, sheet: str, stream: TextIO | None) -> list[list[object]] | None:
    """The sheet's rows by the streaming reader; None when it cannot make sense of the document."""
    with progress(f"reading {filename} sheet {sheet}", stream=stream) as bar:
        try:
            return ods.sheet_rows(raw, sheet, bar.advance)
        except (ElementTree.ParseError, ValueError, KeyError, zipfile.BadZipFile):
            return None


def _ods_sheets(raw: bytes, filename: str, stream: TextIO | None) -> tuple[list[str], object]:
    import pandas as pd

    # odfpy reads the whole document before the first row is available: a spinner is all
    # that can be shown while it works.
    with progress(f"reading {filename} (OpenDocument is read whole)", stream=stream):
        try:
            book = pd.ExcelFile(io.BytesIO(raw), engine="odf")
        except Exception as exc:  # noqa: BLE001 - odfpy raises many kinds on a damaged file
            raise Rejected([Problem(filename, f"not a readable OpenDocument spreadsheet ({exc})")]) from exc
    return list(book.sheet_names), book


def _ods_rows(book: object, sheet: str, filename: str, stream: TextIO | None) -> list[list[object]]:
    import pandas as pd

    try:
        frame = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    except Exception as exc:  # noqa: BLE001
        raise Rejected([Problem(filename, f"sheet {sheet} cannot be read ({exc})")]) from exc
    rows: list[list[object]] = []
    with progress(f"reading {filename} sheet {sheet}", total=len(frame), stream=stream) as bar:
        for cells in frame.itertuples(index=False, name=None):
            rows.append([None if (c is None or c != c) else c for c in cells])
            bar.advance()
    return rows


def _xlsx_open(raw: bytes, filename: str):  # noqa: ANN202 - an openpyxl workbook
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise Rejected([Problem(filename, f"not a readable .xlsx workbook ({exc})")]) from exc


def _xlsx_rows(book, sheet: str, filename: str, stream: TextIO | None) -> list[list[object]]:  # noqa: ANN001
    rows: list[list[object]] = []
    with progress(f"reading {filename} sheet {sheet}", stream=stream) as bar:
        try:
            for cells in book[sheet].iter_rows(values_only=True):
                rows.append(list(cells))
                bar.advance()
        except Exception as exc:  # noqa: BLE001
            raise Rejected(
                [Problem(filename, f"sheet {sheet} cannot be read ({exc})", len(rows) + 1)]
            ) from exc
    return rows


def _order_sheets(names: list[str], preferred: Sequence[str], strict: bool, filename: str) -> list[str]:
    wanted = {normalise(p) for p in preferred}
    chosen = [n for n in names if normalise(n) in wanted]
    if chosen:
        return chosen[:1]
    if strict and len(names) > 1:
        raise Rejected(
            [
                Problem(
                    filename,
                    f"no sheet named {' or '.join(preferred)} (the workbook has: {', '.join(names)})",
                )
            ]
        )
    return names


def _zip_member(raw: bytes, filename: str, hints: Sequence[str]) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if len(members) > 1 and hints:
            hinted = [n for n in members if any(h in normalise(Path(n).name) for h in hints)]
            members = hinted or members
        if len(members) != 1:
            found = ", ".join(members) or "none"
            raise Rejected(
                [
                    Problem(
                        filename,
                        f"a zip archive, but not with exactly one CSV file to read (CSV files: {found})",
                    )
                ]
            )
        return members[0], archive.read(members[0])


def load_table(
    path: Path,
    fields: Sequence[Field],
    *,
    sheets: Sequence[str] = (),
    strict_sheet: bool = False,
    zip_hints: Sequence[str] = (),
    stream: TextIO | None = None,
) -> Table:
    """Read `path` and find its header row by `fields`.

    Workbooks: the sheet named in `sheets` when there is one (with `strict_sheet`, a workbook
    of several sheets must have it), else the first sheet whose header has every required field.
    A zip archive of CSV files (as some publications come) is read through its one CSV file, or
    the one whose name has a `zip_hints` word in it. Raises Rejected with the reasons.
    """
    filename = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise Rejected([Problem(filename, f"no such file: {path}")]) from exc
    except OSError as exc:
        raise Rejected([Problem(filename, f"cannot be read ({exc.strerror or exc})")]) from exc
    if raw.startswith(_OLE2):
        raise Rejected(
            [
                Problem(
                    filename, "an old binary Excel (.xls) workbook: open it and save it as .xlsx, .ods or CSV"
                )
            ]
        )
    if raw.startswith(_ZIP):
        kind = _workbook_kind(raw, filename)
        if kind == "zip":
            member, raw = _zip_member(raw, filename, zip_hints)
            rows = _csv_rows(_text_of(raw, f"{filename}/{member}"), filename, stream)
            header = find_header(rows, fields, f"{filename}/{member}")
            return Table(path, member, rows, header, in_zip=True)
        return _load_workbook(raw, kind, path, fields, sheets, strict_sheet, stream)
    if path.suffix.lower() in (".ods", ".xlsx", ".xlsm"):
        _sniff_text(raw, filename)
        raise Rejected([Problem(filename, f"not a spreadsheet: a {path.suffix} file must be a zip archive")])
    rows = _csv_rows(_text_of(raw, filename), filename, stream)
    return Table(path, None, rows, find_header(rows, fields, filename))


def _load_workbook(
    raw: bytes,
    kind: str,
    path: Path,
    fields: Sequence[Field],
    sheets: Sequence[str],
    strict_sheet: bool,
    stream: TextIO | None,
) -> Table:
    filename = path.name
    if kind == "ods":
        try:
            names = ods.sheet_names(raw)
        except (KeyError, zipfile.BadZipFile, UnicodeDecodeError):
            names = []
        book = None

        def rows_of(sheet: str) -> list[list[object]]:
            nonlocal book
            if book is None:
                rows = _ods_stream(raw, filename, sheet, stream)
                if rows is not None:
                    return rows
                _, book = _ods_sheets(raw, filename, stream)
            return _ods_rows(book, sheet, filename, stream)

        if not names:  # a document the streaming reader does not follow: pandas (odfpy) reads it
            names, book = _ods_sheets(raw, filename, stream)

        def close() -> None:
            if book is not None:
                book.close()
    else:
        book = _xlsx_open(raw, filename)
        names = list(book.sheetnames)

        def rows_of(sheet: str) -> list[list[object]]:
            return _xlsx_rows(book, sheet, filename, stream)

        close = book.close
    try:
        candidates = _order_sheets(names, sheets, strict_sheet, filename)
        first_rejection: Rejected | None = None
        for sheet in candidates:
            rows = rows_of(sheet)
            try:
                header = find_header(rows, fields, f"{filename} (sheet {sheet})")
            except Rejected as rejected:
                first_rejection = first_rejection or rejected
                continue
            return Table(path, sheet, rows, header)
        if first_rejection is not None:
            raise first_rejection
        raise Rejected([Problem(filename, "the workbook has no sheets")])
    finally:
        close()
