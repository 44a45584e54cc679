"""Figures of the impact and monitoring pages: the event-study chart, the CUSUM chart and
interventions on a time axis. Colours from the theme only, and never colour alone."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import cusum, effects, theme
from dashboard.figures import impact, monitoring
from data_access.vocab import INTERVENTIONS
from tests.test_theme import VISION, contrast, delta_e

METRIC = {"metric_id": "ae_4hr", "name": "A&E 4-hour", "unit": "percent", "higher_is_better": True}
BASE = [10.0, 11.128] * 6


def study(treated: int = 5, level: float = 3.0) -> effects.EventStudy:
    """A small noise-free panel: differences 1 + 0.1 m, plus ``level`` from the event on."""
    months = pd.date_range("2014-01-01", "2020-12-01", freq="MS")
    rows, trusts, events = [], [], {}
    for i in range(treated):
        code = f"T{i}"
        event = pd.Timestamp("2016-06-10") + pd.DateOffset(months=3 * i)
        events[code] = event
        m = (months.year * 12 + months.month) - (event.year * 12 + event.month)
        rows.append(
            pd.DataFrame(
                {"trust_code": code, "period_start": months, "value": 51 + 0.1 * m + level * (m >= 0)}
            )
        )
        trusts.append((code, "acute", "other_smq"))
    for j in range(4):
        rows.append(
            pd.DataFrame({"trust_code": f"C{j}", "period_start": months, "value": 50.0 + (j - 1.5) * 0.01})
        )
        trusts.append((f"C{j}", "acute", "never"))
    panel = effects.prepare(
        pd.concat(rows),
        pd.DataFrame(trusts, columns=["trust_code", "trust_type", "evaluation_group"]),
        pd.Series(events),
        [f"C{j}" for j in range(4)],
    )
    return effects.event_study(panel, METRIC, event_words="SMQ entry")


def by_kind(figure: go.Figure, kind: str) -> list:
    return [t for t in figure.data if isinstance(t.meta, dict) and t.meta.get("kind") == kind]


# --- Event study --------------------------------------------------------------------------------


def test_event_study_chart_draws_points_band_fitted_lines_and_the_event():
    figure = impact.event_study_figure(study(), METRIC, event_label="SMQ entry")
    assert figure.layout.template.layout.font.family == theme.FONT_FAMILY
    [points] = by_kind(figure, "points")
    assert list(points.x) == list(range(-24, 25))
    [band] = by_kind(figure, "band")
    assert band.fill == "tonexty"
    [pre] = by_kind(figure, "fitted_pre")
    [post] = by_kind(figure, "fitted_post")
    assert max(pre.x) == -1 and min(post.x) == 0
    assert post.y[0] - (pre.y[-1] + 0.1) == pytest.approx(3.0)  # the jump is the level change
    assert pre.line.dash != post.line.dash  # told apart without colour
    assert figure.layout.xaxis.title.text == "Months from SMQ entry"
    assert [s.x0 for s in figure.layout.shapes if s.type == "line"] == [0]
    assert figure.layout.title.subtitle.text.startswith(
        "3.0 percentage points higher (better) after SMQ entry"
    )


def test_event_study_without_points_explains_itself():
    empty = impact.event_study_figure(study(treated=0), METRIC, event_label="SMQ entry")
    assert empty.layout.meta == {"empty": True}
    assert empty.layout.annotations[0].text == "None of the filtered trusts has the event."


def test_event_study_of_a_group_too_small_to_estimate_draws_points_only():
    figure = impact.event_study_figure(study(treated=2), METRIC, event_label="SMQ entry")
    assert by_kind(figure, "points") and not by_kind(figure, "fitted_pre")
    assert figure.layout.title.subtitle.text.startswith("Too little data")


# --- CUSUM ------------------------------------------------------------------------------------


def cusum_result() -> cusum.Cusum:
    after = [12.064, 12.064, 11.064, 13.564, 9.064, 8.064, 9.564, 10.564, 7.064, 10.564]
    return cusum.cusum(pd.date_range("2019-01-01", periods=22, freq="MS"), BASE + after)


def test_cusum_chart_draws_both_sums_h_signals_and_the_baseline():
    result = cusum_result()
    figure = monitoring.cusum_figure(result, METRIC)
    [up] = by_kind(figure, "up")
    [down] = by_kind(figure, "down")
    assert (up.marker.symbol, down.marker.symbol) == ("triangle-up", "triangle-down")
    assert up.line.dash != down.line.dash
    signals = {t.meta["signal"]: t for t in by_kind(figure, "signal")}
    assert list(signals["up"].x) == [result.table.loc[15, "period_start"]]
    assert list(signals["up"].y) == pytest.approx([4.5])
    # Higher is better: up is an improvement and down a concern, in words as well as colour.
    assert list(signals["up"].text) == ["improvement"] and list(signals["down"].text) == ["concern"]
    assert signals["up"].marker.color == theme.VARIATION_COLOURS["improvement"]
    assert signals["down"].marker.color == theme.VARIATION_COLOURS["concern"]
    [decision] = [s for s in figure.layout.shapes if s.type == "line"]
    assert decision.y0 == pytest.approx(result.h) == decision.y1
    [baseline] = [s for s in figure.layout.shapes if s.type == "rect"]
    periods = result.table["period_start"]
    assert (pd.Timestamp(baseline.x0), pd.Timestamp(baseline.x1)) == (periods[0], periods[11])
    notes = [a.text for a in figure.layout.annotations]
    assert any(n.startswith("Baseline: 12 points") for n in notes)
    assert any("h = 4σ = 4.00" in n for n in notes)


def test_cusum_chart_reads_signals_the_other_way_when_lower_is_better():
    figure = monitoring.cusum_figure(cusum_result(), {**METRIC, "higher_is_better": False})
    signals = {t.meta["signal"]: t for t in by_kind(figure, "signal")}
    assert list(signals["up"].text) == ["concern"] and list(signals["down"].text) == ["improvement"]


def test_cusum_chart_without_a_baseline_explains_itself():
    short = cusum.cusum(pd.date_range("2019-01-01", periods=5, freq="MS"), BASE[:5])
    figure = monitoring.cusum_figure(short, METRIC)
    assert figure.layout.meta == {"empty": True}
    assert figure.layout.annotations[0].text == short.note


# --- Interventions on a time axis ------------------------------------------------------------
INTERVENTION_ROWS = pd.DataFrame(
    {
        "trust_code": "RAA",
        "intervention": [
            "improvement_director",
            "buddying",
            "central_funding",
            "leadership_change",
            "buddying",
        ],
        "status": ["delivered", "not_delivered", "delivered", "delivered", "no_data"],
        "start_date": pd.to_datetime(["2019-02-01", "2019-05-15", "2019-09-01", "2020-03-10", None]),
        "end_date": pd.to_datetime(["2019-08-31", None, "2020-02-29", None, None]),
    }
)


def lanes(figure: go.Figure) -> dict[str, go.Scatter]:
    return {t.meta["intervention"]: t for t in by_kind(figure, "intervention")}


def test_interventions_on_a_calendar_axis_sit_at_their_dates():
    figure = monitoring.add_interventions(monitoring.cusum_figure(cusum_result(), METRIC), INTERVENTION_ROWS)
    drawn = lanes(figure)
    assert list(drawn) == ["improvement_director", "buddying", "central_funding", "leadership_change"]
    director = drawn["improvement_director"]
    assert [x for x in director.x if x is not None] == [
        pd.Timestamp("2019-02-01"),
        pd.Timestamp("2019-08-31"),
    ]
    # The undated buddying row cannot be placed; the dated one has a start and no end.
    assert [x for x in drawn["buddying"].x if x is not None] == [pd.Timestamp("2019-05-15")]
    # A lane per type, named on its axis and in the legend.
    axis = figure.layout[f"yaxis{director.yaxis[1:]}"]
    assert list(axis.ticktext) == ["Improvement Director", "Buddying", "Central funding", "Leadership change"]
    assert {t.name for t in drawn.values()} == set(axis.ticktext)
    assert all(t.showlegend is not False and t.legendgroup == "interventions" for t in drawn.values())
    assert figure.layout.yaxis.domain[1] < axis.domain[0]


def test_interventions_differ_by_shape_and_show_status_by_an_open_marker():
    figure = monitoring.add_interventions(
        go.Figure(layout={"template": theme.TEMPLATE_NAME}), INTERVENTION_ROWS
    )
    drawn = lanes(figure)
    starts = {code: trace.marker.symbol[0] for code, trace in drawn.items()}
    assert starts["improvement_director"] == "diamond"
    assert starts["buddying"] == "square-open"  # not delivered
    assert len({s.removesuffix("-open") for s in starts.values()}) == len(starts)
    assert "not delivered" in drawn["buddying"].hovertext[0].lower()


def test_interventions_on_an_aligned_axis_sit_at_their_months_from_the_event():
    figure = impact.event_study_figure(study(), METRIC, event_label="SMQ entry")
    monitoring.add_interventions(figure, INTERVENTION_ROWS, event=pd.Timestamp("2019-06-20"))
    drawn = lanes(figure)
    # Feb 2019 and Aug 2019 are 4 months before and 2 after June 2019.
    assert [x for x in drawn["improvement_director"].x if x is not None] == [-4, 2]
    assert [x for x in drawn["leadership_change"].x if x is not None] == [9]


def test_no_interventions_leaves_the_figure_alone():
    figure = monitoring.cusum_figure(cusum_result(), METRIC)
    before = figure.to_json()
    monitoring.add_interventions(figure, INTERVENTION_ROWS.iloc[0:0])
    monitoring.add_interventions(figure, INTERVENTION_ROWS[INTERVENTION_ROWS["start_date"].isna()])
    assert figure.to_json() == before


# --- Colours from the theme only ----------------------------------------------------------------


def theme_colours() -> set[str]:
    found: set[str] = set()
    for value in vars(theme).values():
        values = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
        for item in values:
            if isinstance(item, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}|rgba\([^)]*\)", item):
                found.add(item.upper())
    return found


def colours_in(node: object, key: str = "") -> list[str]:
    if isinstance(node, dict):
        return [c for k, v in node.items() if k != "template" for c in colours_in(v, k)]
    if isinstance(node, list | tuple | np.ndarray):
        return [c for v in node for c in colours_in(v, key)]
    if isinstance(node, str) and "color" in key:
        return [node]
    return []


def test_every_colour_drawn_comes_from_the_theme():
    allowed = theme_colours()
    figures = [
        impact.event_study_figure(study(), METRIC, event_label="SMQ entry"),
        monitoring.add_interventions(monitoring.cusum_figure(cusum_result(), METRIC), INTERVENTION_ROWS),
    ]
    for figure in figures:
        used = set(colours_in(figure.to_plotly_json()))
        assert used, "the figure should draw in colour"
        assert {c.upper() for c in used} <= allowed, {c for c in used if c.upper() not in allowed}


def test_intervention_palette_covers_every_type_with_its_own_shape():
    assert set(theme.INTERVENTION_COLOURS) == set(INTERVENTIONS) == set(theme.INTERVENTION_SYMBOLS)
    assert len(set(theme.INTERVENTION_SYMBOLS.values())) == len(INTERVENTIONS)


@pytest.mark.parametrize("vision", list(VISION))
def test_intervention_colours_stay_distinguishable(vision):
    for a, b in itertools.combinations(theme.INTERVENTION_COLOURS.values(), 2):
        assert delta_e(a, b, VISION[vision]) >= 15.0, (a, b)


@pytest.mark.parametrize(
    "colour",
    [
        *theme.INTERVENTION_COLOURS.values(),
        *(c for c in theme.EFFECT_COLOURS.values() if c.startswith("#")),
        *(c for c in theme.CUSUM_COLOURS.values() if c.startswith("#")),
    ],
)
def test_new_mark_colours_pass_non_text_contrast_on_white(colour):
    assert contrast(colour, theme.WHITE) >= 3.0
