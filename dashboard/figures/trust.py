"""Trust profile builders (pure): regime timeline, ratings grid, progress indicators."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import cca, spc, theme
from dashboard.labels import REGIME_LABELS
from data_access.vocab import DOMAINS


def regime_figure(episodes: pd.DataFrame, as_of: date, name: str) -> go.Figure:
    if episodes.empty:
        return theme.empty_figure(f"{name} has no SMQ or RSP episode (or none you may see).")
    figure = theme.base_figure("Regime timeline")
    for regime in ("smq", "rsp", "cp"):
        part = episodes[episodes["regime"] == regime]
        if part.empty:
            continue
        ends = part["end_date"].fillna(pd.Timestamp(as_of))
        figure.add_bar(
            y=[REGIME_LABELS[regime]] * len(part),
            x=(ends - part["start_date"]).dt.days * 86_400_000,
            base=part["start_date"],
            orientation="h",
            name=REGIME_LABELS[regime],
            marker={
                "color": theme.REGIME_COLOURS[regime],
                "pattern": {"shape": theme.REGIME_PATTERNS[regime]},
            },
            customdata=list(
                zip(
                    part["start_date"].dt.strftime("%d %b %Y"),
                    [("ongoing" if pd.isna(e) else f"{e:%d %b %Y}") for e in part["end_date"]],
                    part["days"],
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]} – %{customdata[1]} (%{customdata[2]} days)<extra></extra>",
        )
    figure.update_layout(
        height=200, xaxis={"type": "date"}, showlegend=False, margin={"l": 200, "t": 40, "b": 30}
    )
    return figure


def ratings_grid(ratings: pd.DataFrame) -> pd.DataFrame:
    """Publication date × domain → rating (newest first)."""
    if ratings.empty:
        return pd.DataFrame()
    grid = ratings.pivot_table(index="publication_date", columns="domain", values="rating", aggfunc="first")
    return grid.reindex(columns=[d for d in DOMAINS if d in grid.columns]).sort_index(ascending=False)


def indicators(
    values: pd.DataFrame, metrics: pd.DataFrame, trust: pd.Series, group_values: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """One row per metric: latest value, SPC icon, change since SMQ entry, position against the group."""
    rows = []
    trusts = pd.DataFrame([trust])
    for metric in metrics.itertuples(index=False):
        series = (
            values[values["metric_id"] == metric.metric_id]
            .dropna(subset=["value"])
            .sort_values("period_start")
        )
        if series.empty:
            continue
        direction = spc.direction_from_polarity(bool(metric.higher_is_better))
        chart = spc.xmr(series["period_start"], series["value"], improvement_direction=direction)
        summary = spc.summarise(chart, improvement_direction=direction)
        change = cca.metric_change(series, trusts, bool(metric.higher_is_better), as_of)
        latest_period = series["period_start"].iloc[-1]
        peers = group_values[
            (group_values["metric_id"] == metric.metric_id) & (group_values["period_start"] == latest_period)
        ]["value"].dropna()
        others = peers.drop(
            index=peers.index[group_values.loc[peers.index, "trust_code"] == trust["trust_code"]]
        )
        median = others.median() if len(others) else float("nan")
        latest = series["value"].iloc[-1]
        if pd.isna(median):
            position = ""
        elif abs(latest - median) < cca.LITTLE_CHANGE * max(abs(median), 1e-9):
            position = f"about the median of {len(others)} others in its group"
        else:
            better = latest > median if metric.higher_is_better else latest < median
            position = f"{'better' if better else 'worse'} than the median of {len(others)} others in its group ({median:,.1f})"
        rows.append(
            {
                "metric_id": metric.metric_id,
                "name": metric.name,
                "unit": metric.unit,
                "higher_is_better": bool(metric.higher_is_better),
                "latest_period": latest_period,
                "latest": latest,
                "variation_icon": summary.variation_icon,
                "change": change["direction"].iloc[0] if len(change) else "",
                "before": change["before"].iloc[0] if len(change) else float("nan"),
                "after": change["latest"].iloc[0] if len(change) else float("nan"),
                "group_median": median,
                "position": position,
            }
        )
    return pd.DataFrame(rows)
