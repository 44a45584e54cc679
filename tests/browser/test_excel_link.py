"""Each CSV link has an Excel link beside it, for the same view and filters."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.browser.helpers import goto


@pytest.mark.parametrize(("path", "view"), [("/costs", "costs"), ("/timelines", "episodes"), ("/", "trusts")])
def test_an_excel_link_sits_beside_each_csv_link_and_follows_the_filters(page, app_server, path, view):
    goto(page, app_server, f"{path}?type=acute")
    pair = page.locator(".smq-downloads").filter(has=page.locator(f"a[href^='/download/{view}.csv']"))
    excel = pair.locator(f"a[href^='/download/{view}.xlsx']")
    assert excel.inner_text().strip().startswith("Excel")
    href = excel.get_attribute("href")
    assert href == f"/download/{view}.xlsx?type=acute"
    response = page.request.get(app_server.url + href)
    assert response.ok
    book = openpyxl.load_workbook(io.BytesIO(response.body()))
    assert book.sheetnames[-1] == "About"
    assert book.worksheets[0]["A1"].value == "Trust code"
    csv_rows = page.request.get(app_server.url + f"/download/{view}.csv?type=acute").text().splitlines()
    assert book.worksheets[0].max_row == len(csv_rows) > 1, "the acute trusts' rows, as in the CSV"
