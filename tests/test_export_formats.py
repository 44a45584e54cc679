"""The deck and the findings pack write numbers and dates the UK way, for the public and an analyst.

Built from the synthetic demo data through the real gathering; the same checks as the pages'
(tests/browser/test_uk_formats.py): no count with a spurious ".0", no ISO or month-first date,
no day with a leading zero, in any text a person reads.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from pptx import Presentation

from dashboard import formats, report
from data_access import demo, importer, queries
from data_access.filters import Filters
from data_access.viewer import PUBLIC, Viewer
from smq_monitor.web import report_jobs
from tests.browser.test_uk_formats import problems
from tests.inprocess import sign_in


@pytest.fixture
def demo_client(client, engine, tmp_path):
    folder = tmp_path / "demo"
    demo.write_csvs(demo.generate(seed=7, scale=0.3), folder)
    importer.import_directory(folder, engine)
    queries.forget_data_version()
    return client


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def slide_texts(data: bytes) -> list[str]:
    """Every text on every slide and in its notes: text boxes, table cells, chart titles and
    categories, and the number formats of the charts' axes and labels."""
    texts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts += [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False) and shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if getattr(shape, "has_chart", False) and shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    texts.append(chart.chart_title.text_frame.text)
                for plot in chart.plots:  # (dates are numbers, shown by the axis's number format)
                    texts += [str(c) for c in plot.categories if not _is_number(str(c))]
        if slide.has_notes_slide:
            texts += slide.notes_slide.notes_text_frame.text.splitlines()
    return [t for text in texts for t in text.split("\t") if t.strip()]


def chart_number_formats(data: bytes) -> set[str]:
    """The number formats the deck's charts show their values, dates and labels in."""
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        xml = "".join(
            deck.read(n).decode() for n in deck.namelist() if re.match(r"ppt/charts/chart\d+\.xml$", n)
        )
    return {html.unescape(code) for code in re.findall(r'formatCode="([^"]*)"', xml)}


def pack_texts(page: str) -> list[str]:
    """The words of the pack's HTML a person reads (not its scripts, styles or attributes)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return [html.unescape(t).strip() for t in re.split(r"<[^>]+>", body) if t.strip()]


@pytest.mark.parametrize("role", ["public", "analyst"])
def test_the_deck_writes_numbers_and_dates_the_uk_way(demo_client, role):
    if role != "public":
        sign_in(demo_client, role)
    for search in ("", "?type=acute&from=2015-01-01"):
        response = demo_client.get(f"/download/findings.pptx{search}")
        assert response.status_code == 200
        texts = slide_texts(response.get_data())
        assert len(texts) > 50
        assert not problems(texts), problems(texts)[:20]
        used = chart_number_formats(response.get_data())
        assert formats.EXCEL_FORMATS["month"] in used
        assert used <= {*formats.EXCEL_FORMATS.values(), "General"}, used - set(
            formats.EXCEL_FORMATS.values()
        )


@pytest.mark.parametrize("viewer", [PUBLIC, Viewer(role="analyst")], ids=["public", "analyst"])
def test_the_findings_pack_writes_numbers_and_dates_the_uk_way(demo_client, viewer):
    for filters in (Filters(), Filters(types=("acute",))):
        texts = pack_texts(report.build_html(report_jobs.gather(viewer, filters)))
        assert len(texts) > 50
        assert not problems(texts), problems(texts)[:20]
