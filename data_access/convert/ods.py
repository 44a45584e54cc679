"""Read one sheet of an OpenDocument spreadsheet (.ods) as rows of cells, streaming.

pandas reads .ods through odfpy, which builds the whole document in memory before the first row
is available: for a CQC "Latest ratings" file (a large Locations sheet beside the Providers one)
that takes minutes and gigabytes. This reader streams `content.xml` with ElementTree's
`iterparse`, keeps only the sheet asked for, and frees each row once read. Cells come out as
pandas' odf reader gives them: text for strings, floats for numbers and percentages, datetimes
for dates, booleans, None for empty cells; trailing empty rows and cells are dropped.
`data_access.convert.reading` falls back to pandas (odfpy) for a document this reader finds no
sheets in.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from xml.etree import ElementTree

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

TABLE = _TABLE + "table"
ROW = _TABLE + "table-row"
CELLS = frozenset({_TABLE + "table-cell", _TABLE + "covered-table-cell"})
_NAME = _TABLE + "name"
_ROWS_REPEATED = _TABLE + "number-rows-repeated"
_COLUMNS_REPEATED = _TABLE + "number-columns-repeated"
_VALUE_TYPE = _OFFICE + "value-type"
_PARAGRAPH = _TEXT + "p"
_SPACE, _TAB, _BREAK = _TEXT + "s", _TEXT + "tab", _TEXT + "line-break"

# Sheet names sit in the table's start tag; scanning the raw XML for them is far quicker than
# parsing it. The prefix is `table:` in every producer seen; a document using another one gets
# no names here and is read by pandas instead.
_TABLE_TAG = re.compile(rb"<table:table[\s>][^>]*?table:name=\"([^\"]*)\"")
_CHUNK = 1 << 20


def _content(raw: bytes) -> zipfile.ZipExtFile:
    import io

    return zipfile.ZipFile(io.BytesIO(raw)).open("content.xml")


def sheet_names(raw: bytes) -> list[str]:
    """The sheet names of an .ods file, in order, from a scan of its content.xml."""
    names: list[str] = []
    tail = b""
    with _content(raw) as stream:
        while chunk := stream.read(_CHUNK):
            block = tail + chunk
            last_end = 0
            for match in _TABLE_TAG.finditer(block):
                names.append(html.unescape(match.group(1).decode("utf-8")))
                last_end = match.end()
            # Keep the end of the block for the next one, so a tag cut in two is still found,
            # but never a tag already counted.
            tail = block[max(last_end, len(block) - 4096) :]
    return names


def _text(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _SPACE:
            parts.append(" " * int(child.get(_TEXT + "c", "1")))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _BREAK:
            parts.append("\n")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _value(cell: ElementTree.Element) -> object:
    kind = cell.get(_VALUE_TYPE)
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(_OFFICE + "value", "nan"))
    if kind == "date":
        return datetime.fromisoformat(cell.get(_OFFICE + "date-value", ""))
    if kind == "boolean":
        return cell.get(_OFFICE + "boolean-value", "").lower() == "true"
    if kind == "string" and cell.get(_OFFICE + "string-value") is not None:
        return cell.get(_OFFICE + "string-value")
    # Paragraphs directly in the cell: a comment (office:annotation) holds its own, not the value.
    paragraphs = [_text(p) for p in cell if p.tag == _PARAGRAPH]
    if kind is None and not any(paragraphs):
        return None
    return "\n".join(paragraphs)


def sheet_rows(raw: bytes, sheet: str, advance: Callable[[int], None] | None = None) -> list[list[object]]:
    """The rows of sheet `sheet` (row i is the sheet's row i + 1); [] when there is no such sheet.

    `advance(n)` is called as rows are read (for a progress bar).
    """
    return list(_iter_rows(raw, sheet, advance or (lambda n: None)))


def _iter_rows(raw: bytes, sheet: str, advance: Callable[[int], None]) -> Iterator[list[object]]:
    inside = False
    pending_empty_rows = 0
    cells: list[object] = []
    pending_empty_cells = 0
    with _content(raw) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == TABLE:
                    inside = element.get(_NAME) == sheet
                elif tag == ROW and inside:
                    cells, pending_empty_cells = [], 0
                continue
            if tag == TABLE:
                if inside:
                    return
                element.clear()
            elif not inside:
                if tag == ROW:
                    element.clear()
            elif tag in CELLS:
                value = _value(element)
                repeat = int(element.get(_COLUMNS_REPEATED, "1"))
                if value is None or value == "":
                    pending_empty_cells += repeat
                else:
                    cells.extend([None] * pending_empty_cells)
                    pending_empty_cells = 0
                    cells.extend([value] * repeat)
                element.clear()
            elif tag == ROW:
                repeat = int(element.get(_ROWS_REPEATED, "1"))
                element.clear()
                if not cells:
                    # Producers pad a sheet with a million repeated empty rows: counted, and
                    # only written out when a row with something in it follows.
                    pending_empty_rows += repeat
                    continue
                for _ in range(pending_empty_rows):
                    yield []
                pending_empty_rows = 0
                for _ in range(repeat):
                    yield list(cells)
                advance(repeat)
