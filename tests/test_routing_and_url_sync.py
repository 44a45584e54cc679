"""The pure helpers under routing, the URL sync and alignment, without a browser."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from callbacks.urlsync import UrlField, apply_value, date_problem, search_for, value_from
from dashboard.alignment import months_from_event
from data_access.filters import Filters
from layouts.pages import PAGES, nav_pages, resolve


@pytest.mark.parametrize(
    "path, expected, args",
    [
        ("/", "/", {}),
        ("", "/", {}),
        ("/costs/", "/costs", {}),
        ("/trust/RXX", "/trust/", {"code": "RXX"}),
        ("/trust/R%20X", "/trust/", {"code": "R X"}),
        ("/trust/", None, {}),
        ("/trust/a/b", None, {}),
        ("/nowhere", None, {}),
        (None, "/", {}),
    ],
)
def test_a_path_resolves_to_one_page_and_its_arguments(path, expected, args):
    page, found = resolve(path)
    assert (page.path if page else None) == expected
    assert found == args


def test_pages_are_listed_once_in_nav_order_and_only_navigable_ones_in_the_nav():
    paths = [p.path for p in PAGES]
    assert len(paths) == len(set(paths))
    assert [p.path for p in nav_pages()][:2] == ["/", "/trajectories"]
    assert all(p.nav for p in nav_pages()) and not any(p.path in ("/login", "/trust/") for p in nav_pages())


def test_a_control_round_trips_through_the_url():
    types = UrlField("filter-type", "type", multi=True)
    start = UrlField("filter-from", "from")
    sort = UrlField("timelines-sort", "sort")
    filters = Filters()
    filters = apply_value(filters, types, ["mental_health", "acute"])
    filters = apply_value(filters, start, "2016-04-01")
    filters = apply_value(filters, sort, "name")
    assert value_from(filters, types) == ["mental_health", "acute"]
    assert value_from(filters, start) == "2016-04-01" and filters.date_from == date(2016, 4, 1)
    assert value_from(filters, sort) == "name"
    search = search_for(filters)
    again, _ = Filters.from_query(search.lstrip("?"))
    assert again.cache_key() == filters.cache_key()
    # A page parameter at its default stays out of the URL; a bad date changes nothing.
    assert "sort" not in search_for(apply_value(filters, sort, "first_entry"))
    assert apply_value(filters, start, "31/31/2016") == filters
    assert search_for(Filters()) == ""


def test_months_from_event_counts_whole_months_and_blanks_trusts_without_the_event():
    trusts = pd.DataFrame(
        {
            "trust_code": ["A", "B"],
            "first_smq_entry": pd.to_datetime(["2016-03-20", None]),
        }
    )
    values = pd.DataFrame(
        {
            "trust_code": ["A", "A", "A", "B"],
            "period_start": pd.to_datetime(["2016-01-01", "2016-03-01", "2017-04-01", "2016-03-01"]),
        }
    )
    months = months_from_event(values, trusts, "smq_entry")
    assert months.tolist()[:3] == [-2, 0, 13]
    assert pd.isna(months.iloc[3])
    assert months_from_event(values, trusts, "calendar").isna().all()


def test_a_typed_date_reads_dd_mm_yyyy_and_the_url_keeps_iso():
    typed = UrlField("filter-from", "from", typed=True)
    filters = apply_value(Filters(), typed, "1/3/2016")
    assert filters.date_from == date(2016, 3, 1)
    assert value_from(filters, typed) == "01/03/2016"
    assert value_from(filters, UrlField("filter-from-picker", "from")) == "2016-03-01"
    assert search_for(filters) == "?from=2016-03-01"
    assert apply_value(filters, typed, "2017-04-05").date_from == date(2017, 4, 5)
    assert apply_value(filters, typed, "31/02/2016") == filters
    assert apply_value(filters, typed, "").date_from is None
    assert "31/02/2016" in (date_problem(typed, "31/02/2016", "From") or "")
    assert date_problem(typed, "01/03/2016", "From") is None and date_problem(typed, "", "From") is None
    assert date_problem(typed, ["x"], "From")
