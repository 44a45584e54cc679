"""Query paths that must agree: a whole metric read once and filtered in memory gives exactly what
the per-filter SQL gives, whatever the filters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_access import queries
from data_access.filters import Filters
from data_access.viewer import EVERYTHING, PUBLIC

FILTERS = [
    Filters(),
    Filters(types=("acute",)),
    Filters(date_from=date(2015, 3, 1), date_to=date(2015, 8, 31)),
    Filters(groups=("clear_improver",), date_from=date(2015, 6, 1)),
    Filters(trusts=("RFF",)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.to_query() or "none")
@pytest.mark.parametrize("metric_ids", [("sickness",), ("ae_4hr", "sickness")])
def test_whole_metric_path_matches_sql(mini_db, monkeypatch, filters, metric_ids):
    for viewer in (EVERYTHING, PUBLIC):
        monkeypatch.setattr(queries, "WHOLE_METRIC_FROM", 10**9)
        by_sql = queries.metric_values(viewer, filters, metric_ids)
        monkeypatch.setattr(queries, "WHOLE_METRIC_FROM", 0)
        in_memory = queries.metric_values(viewer, filters, metric_ids)
        pd.testing.assert_frame_equal(by_sql, in_memory)
        assert set(in_memory["metric_id"]) <= set(metric_ids)


def test_metric_values_follow_the_filters(mini_db, monkeypatch):
    monkeypatch.setattr(queries, "WHOLE_METRIC_FROM", 0)
    window = queries.metric_values(EVERYTHING, Filters(date_from=date(2015, 3, 1), date_to=date(2015, 5, 31)), ("sickness",))
    assert window["period_start"].dt.month.unique().tolist() == [3, 4, 5]
    assert len(window) == 7 * 3  # seven trusts, three months, RFF's gap is in June
    acute = queries.metric_values(EVERYTHING, Filters(types=("acute",)), ("sickness",))
    assert set(acute["trust_code"]) == set(queries.trusts(EVERYTHING, Filters(types=("acute",)))["trust_code"])
