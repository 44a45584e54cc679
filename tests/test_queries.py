"""Query paths that must agree: a whole metric read once and filtered in memory gives exactly what
the per-filter SQL gives, whatever the filters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import overview_queries, queries
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
    window = queries.metric_values(
        EVERYTHING, Filters(date_from=date(2015, 3, 1), date_to=date(2015, 5, 31)), ("sickness",)
    )
    assert window["period_start"].dt.month.unique().tolist() == [3, 4, 5]
    assert len(window) == 7 * 3  # seven trusts, three months, RFF's gap is in June
    acute = queries.metric_values(EVERYTHING, Filters(types=("acute",)), ("sickness",))
    assert set(acute["trust_code"]) == set(
        queries.trusts(EVERYTHING, Filters(types=("acute",)))["trust_code"]
    )


def counts_by_sql(engine, date_from, date_to) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coverage counts asked of SQL directly: the reference the in-memory index must match."""
    where = (
        "WHERE 1=1"
        + (" AND period_start >= :f" if date_from else "")
        + (" AND period_start <= :t" if date_to else "")
    )
    params = {"f": date_from, "t": date_to}
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT metric_id, trust_code, period_start, value FROM metric_values {where}"), params
        ).all()
    frame = pd.DataFrame(rows, columns=["metric_id", "trust_code", "period_start", "value"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["year"] = frame["period_start"].dt.year
    counts = (
        frame.groupby(["metric_id", "trust_code", "year"])["value"].count().rename("observed").reset_index()
    )
    spans = (
        frame.groupby("metric_id")["period_start"].agg(first_period="min", last_period="max").reset_index()
    )
    return counts, spans


@pytest.mark.parametrize(
    "window",
    [
        (None, None),
        (date(2015, 3, 1), date(2015, 8, 31)),
        (date(2015, 3, 2), None),
        (None, date(2015, 6, 1)),
        (date(2030, 1, 1), None),
    ],
)
def test_coverage_counts_from_the_value_index_match_sql(mini_db, window):
    # blank values count as missing: blank two of them
    with mini_db.begin() as conn:
        conn.execute(
            text(
                "UPDATE metric_values SET value = NULL WHERE trust_code = 'RAA' AND period_start >= '2015-11-01'"
            )
        )
    counts, spans = overview_queries._value_counts.uncached(*window, queries.data_version())
    expected_counts, expected_spans = counts_by_sql(mini_db, *window)

    def tidy(frame, keys):
        return (
            frame.sort_values(keys)
            .reset_index(drop=True)
            .astype({c: "int64" for c in ("year", "observed") if c in frame})
        )

    pd.testing.assert_frame_equal(
        tidy(counts, ["metric_id", "trust_code", "year"]),
        tidy(expected_counts, ["metric_id", "trust_code", "year"]),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(
        tidy(spans, ["metric_id"]), tidy(expected_spans, ["metric_id"]), check_dtype=False
    )
    if window == (None, None):
        raa = counts.set_index(["metric_id", "trust_code"]).loc[("sickness", "RAA"), "observed"]
        assert int(raa) == 10  # twelve months, two blank
