"""A trust's NHS Oversight Framework segments drawn as a band under its regime timeline."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import theme
from dashboard.figures import trust as figures


def _values(segments: dict[str, float]) -> pd.DataFrame:
    rows = [
        {"metric_id": "nof_segment", "period_start": pd.Timestamp(d), "value": v} for d, v in segments.items()
    ]
    rows.append({"metric_id": "ae_4hr_pct", "period_start": pd.Timestamp("2025-06-01"), "value": 71.0})
    return pd.DataFrame(rows)


def test_each_quarter_is_a_bar_of_its_segment_spanning_the_quarter():
    quarters = figures.segment_quarters(_values({"2025-06-01": 4, "2025-09-01": 5, "2025-12-01": None}))
    assert quarters["segment"].tolist() == [4, 5], "a blank quarter is unknown, not drawn"
    assert quarters["start"].tolist() == [pd.Timestamp("2025-04-01"), pd.Timestamp("2025-07-01")]
    assert quarters["end"].tolist() == [pd.Timestamp("2025-07-01"), pd.Timestamp("2025-10-01")]


def test_the_band_sits_under_the_episodes_and_says_each_segment_in_text():
    episodes = pd.DataFrame(
        {
            "regime": ["rsp"],
            "start_date": [pd.Timestamp("2024-02-01")],
            "end_date": [pd.NaT],
            "days": [790],
        }
    )
    quarters = figures.segment_quarters(_values({"2025-06-01": 5, "2025-09-01": 5, "2025-12-01": 3}))
    figure = figures.regime_figure(episodes, date(2026, 3, 31), "Trust", quarters)
    band = [t for t in figure.data if t.y and t.y[0] == figures.SEGMENT_ROW]
    assert {t.name for t in band} == {"Segment 5", "Segment 3"}
    five = next(t for t in band if t.name == "Segment 5")
    assert list(five.text) == ["5", "5"] and five.marker.color == theme.SEGMENT_COLOURS[5]
    assert list(figure.layout.yaxis.categoryarray)[0] == figures.SEGMENT_ROW, "the band is the bottom row"
    # Segments alone (a trust never in a regime) still draw; neither gives the empty state.
    alone = figures.regime_figure(episodes.iloc[0:0], date(2026, 3, 31), "Trust", quarters)
    assert any(t.y and t.y[0] == figures.SEGMENT_ROW for t in alone.data)
    assert not figures.regime_figure(episodes.iloc[0:0], date(2026, 3, 31), "Trust").data


def test_the_overview_counts_trusts_in_each_segment_per_quarter():
    from dashboard.figures import overview

    values = pd.DataFrame(
        {
            "metric_id": ["nof_segment"] * 5 + ["ae_4hr_pct"],
            "trust_code": ["A", "B", "C", "A", "B", "A"],
            "period_start": pd.to_datetime(["2025-06-01"] * 3 + ["2025-09-01"] * 2 + ["2025-06-01"]),
            "value": [5, 5, 2, 4, None, 80.0],
        }
    )
    figure = overview.segment_counts_figure(values)
    by_segment = {t.name: list(t.y) for t in figure.data}
    assert by_segment == {"Segment 2": [1, 0], "Segment 4": [0, 1], "Segment 5": [2, 0]}
    assert figure.layout.barmode == "stack" and figure.layout.yaxis.dtick == 1
    empty = overview.segment_counts_figure(values[values["metric_id"] == "ae_4hr_pct"])
    assert not empty.data and "no NHS Oversight Framework segments" in empty.layout.annotations[0].text
