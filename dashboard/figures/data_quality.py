"""Builders of the data page (pure): metric definitions, the CSV format, and data quality.

DataFrames and specs in; rows of words and figures out. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.labels import METRIC_DOMAIN_LABELS, TYPE_LABELS, UNIT_LABELS, label, polarity_words
from data_access.csv_format import FileSpec
from data_access.vocab import CP_GROUPS

UNIT_WORDS: dict[str, str] = {
    "percent": "Percentage (%)",
    "rate": "Rate",
    "count": "Count",
    "score": "Score",
    "gbp": "Pounds (£)",
    "days": "Days",
    "minutes": "Minutes",
    "ratio": "Ratio",
}
KIND_WORDS: dict[str, str] = {
    "text": "text",
    "code": "one of",
    "codelist": "any of, separated by ;",
    "date": "date, YYYY-MM-DD (DD/MM/YYYY also read)",
    "number": "number",
    "bool": "true or false",
    "trust": "trust code (ODS), as in trusts.csv",
    "metric": "metric id, as in metrics.csv",
    "metric_code": "metric id (letters, digits, _)",
}
# Coverage colours: low coverage dark so gaps stand out; the share is also written in each cell.
COVERAGE_SCALE = [
    [0.0, theme.DARK_RED],
    [0.5, theme.VERMILLION],
    [0.8, "#E8B38C"],
    [0.9, "#F3DCCB"],
    [1.0, "#F0F4F5"],
]
COVERAGE_FLOOR = 0.5  # shares below this take the darkest colour


# --------------------------------------------------------------------------------------------
# Definitions


def applies_to_words(types: tuple[str, ...] | None) -> str:
    if not types:
        return "All trust types"
    return ", ".join(label(TYPE_LABELS, t) for t in types)


def metric_rows(metrics: pd.DataFrame) -> list[dict[str, str]]:
    """One row of words per metric, in the order of the metrics table."""
    rows = []
    for metric in metrics.itertuples(index=False):
        rows.append(
            {
                "metric_id": metric.metric_id,
                "name": metric.name,
                "description": metric.description or "",
                "domain": label(METRIC_DOMAIN_LABELS, getattr(metric, "domain", None), ""),
                "unit": UNIT_WORDS.get(metric.unit, label(UNIT_LABELS, metric.unit)),
                "polarity": polarity_words(
                    None if pd.isna(metric.higher_is_better) else bool(metric.higher_is_better)
                ).capitalize()
                or "Not stated",
                "frequency": (metric.frequency or "not stated").capitalize(),
                "applies_to": applies_to_words(metric.applies_to_types),
                "source": metric.source or "Not stated",
            }
        )
    return rows


@dataclass(frozen=True)
class ColumnRow:
    name: str
    required: str
    key: bool
    accepts: str


def file_spec_rows(spec: FileSpec, show_cp: bool = True) -> list[ColumnRow]:
    """The columns of one CSV file in words: required or not, part of the key, what it takes.

    Without CP access the Challenged Providers group codes are not spelt out (the public view
    names nothing from the CP list); the row says they exist."""
    rows = []
    for column in spec.columns:
        if column.required and column.nonblank:
            required = "Required"
        elif column.required:
            required = "Required column; a blank cell means unknown"
        else:
            required = "Optional"
        accepts = KIND_WORDS.get(column.kind, column.kind)
        if column.codes:
            codes = [c for c in column.codes if show_cp or c not in CP_GROUPS]
            accepts += " " + ", ".join(codes)
            if len(codes) < len(column.codes):
                accepts += ", or one of the two Challenged Providers groups (their codes show when signed in)"
        rows.append(ColumnRow(column.name, required, column.name in spec.key, accepts))
    return rows


def key_words(spec: FileSpec) -> str:
    if not spec.key:
        return "one row, no key"
    return " + ".join(spec.key)


# --------------------------------------------------------------------------------------------
# Data quality


def _share_words(observed: int, expected: int) -> str:
    return f"{observed:,} of {expected:,}"


def coverage_figure(coverage: pd.DataFrame, metrics: pd.DataFrame) -> go.Figure:
    """Heatmap of the share of expected trust-periods with a value, metric by calendar year.

    Each cell also shows its percentage, so the colour is never the only cue.
    """
    if coverage.empty:
        return theme.empty_figure(
            "No metric values for the filtered trusts, so there is no coverage to show."
        )
    names = metrics.set_index("metric_id")["name"] if not metrics.empty else pd.Series(dtype=object)
    order = [m for m in metrics["metric_id"] if m in set(coverage["metric_id"])]
    order += sorted(set(coverage["metric_id"]) - set(order))
    years = sorted(coverage["year"].unique())
    share = coverage.pivot_table(index="metric_id", columns="year", values="share").reindex(
        index=order, columns=years
    )
    observed = coverage.pivot_table(index="metric_id", columns="year", values="observed").reindex(
        index=order, columns=years
    )
    expected = coverage.pivot_table(index="metric_id", columns="year", values="expected").reindex(
        index=order, columns=years
    )
    text = share.map(lambda s: "" if pd.isna(s) else f"{s * 100:.0f}%")
    detail = np.empty(share.shape, dtype=object)
    for i in range(share.shape[0]):
        for j in range(share.shape[1]):
            e = expected.iat[i, j]
            detail[i, j] = (
                "no values expected" if pd.isna(e) else _share_words(int(observed.iat[i, j]), int(e))
            )
    labels = [str(names.get(m, m)) for m in order]
    fig = theme.base_figure("Share of expected trust-periods with a value, by metric and year")
    fig.add_trace(
        go.Heatmap(
            z=share.to_numpy(dtype=float),
            x=[str(y) for y in years],
            y=labels,
            text=text.to_numpy(),
            texttemplate="%{text}",
            textfont={"size": 11},
            customdata=detail,
            zmin=COVERAGE_FLOOR,
            zmax=1.0,
            colorscale=COVERAGE_SCALE,
            xgap=1,
            ygap=1,
            colorbar={
                "title": {"text": "Coverage (%)"},
                "tickvals": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                "ticktext": ["50% or less", "60%", "70%", "80%", "90%", "100%"],
                "outlinewidth": 0,
                "len": 0.8,
            },
            hovertemplate="%{y}, %{x}: %{text} of expected trust-periods have a value (%{customdata})<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(320, 24 * len(order) + 140),
        margin={"l": 8, "r": 8, "t": 48, "b": 8},
        xaxis={"title": {"text": "Calendar year"}, "showline": False, "ticks": "", "type": "category"},
        yaxis={"title": None, "autorange": "reversed", "showgrid": False, "ticks": ""},
    )
    return fig


def coverage_summary(coverage: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    """One sentence: overall coverage and the least complete metric-year (by name when given)."""
    if coverage.empty:
        return "No metric values for the filtered trusts."
    expected = int(coverage["expected"].sum())
    observed = int(coverage["observed"].sum())
    worst = coverage.sort_values(["share", "metric_id", "year"]).iloc[0]
    overall = observed / expected if expected else float("nan")
    return (
        f"Overall {overall:.1%} of expected trust-periods have a value ({observed:,} of {expected:,}). "
        f"Least complete: {(names or {}).get(worst['metric_id'], worst['metric_id'])} in {int(worst['year'])}, {worst['share']:.0%}."
    )


def when_words(moment: datetime | date | None) -> str:
    if moment is None or pd.isna(moment):
        return "Never"
    stamp = pd.Timestamp(moment)
    if isinstance(moment, datetime):
        return f"{stamp.day} {stamp:%B %Y} at {stamp:%H:%M} UTC"
    return f"{stamp.day} {stamp:%B %Y}"
