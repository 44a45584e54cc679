"""Cost-consequence builders (pure): costs by category and payer, costs beside consequences."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.labels import COST_CATEGORY_LABELS, GROUP_LABELS, PAYER_LABELS
from data_access.vocab import COST_CATEGORIES, GROUPS, PAYERS


def by_group_figure(table: pd.DataFrame) -> go.Figure:
    """Total cost per evaluation group, stacked by category."""
    if table.empty or table["total_cost_gbp"].sum() == 0:
        return theme.empty_figure("No recorded costs for the filtered trusts.")
    groups = [g for g in GROUPS if g in set(table["evaluation_group"])]
    figure = theme.base_figure("Costs by group and category")
    patterns = getattr(theme, "COST_CATEGORY_PATTERNS", {})
    for category in COST_CATEGORIES:
        sums = table.groupby("evaluation_group")[f"cost_{category}_gbp"].sum()
        figure.add_bar(
            y=[GROUP_LABELS[g] for g in groups],
            x=[sums.get(g, 0.0) for g in groups],
            name=COST_CATEGORY_LABELS[category],
            orientation="h",
            marker={
                "color": theme.COST_CATEGORY_COLOURS[category],
                "pattern": {"shape": patterns.get(category, "")},
            },
            hovertemplate=f"%{{y}} · {COST_CATEGORY_LABELS[category]}: £%{{x:,.0f}}<extra></extra>",
        )
    return _stacked_layout(figure, len(groups))


def _stacked_layout(figure: go.Figure, groups: int) -> go.Figure:
    """Horizontal stacked bars: group names read level on the left, first group at the top."""
    figure.update_layout(
        barmode="stack",
        height=200 + 48 * groups,
        xaxis_title="Total cost (£)",
        xaxis_tickprefix="£",
        xaxis_tickformat="~s",
        yaxis_autorange="reversed",
        legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
        margin={"l": 10},
    )
    figure.update_yaxes(automargin=True)
    return figure


def by_payer_figure(table: pd.DataFrame) -> go.Figure:
    if table.empty or table["total_cost_gbp"].sum() == 0:
        return theme.empty_figure("No recorded costs for the filtered trusts.")
    groups = [g for g in GROUPS if g in set(table["evaluation_group"])]
    figure = theme.base_figure("Who paid, by evaluation group")
    for index, payer in enumerate(PAYERS):
        sums = table.groupby("evaluation_group")[f"cost_payer_{payer}_gbp"].sum()
        figure.add_bar(
            y=[GROUP_LABELS[g] for g in groups],
            x=[sums.get(g, 0.0) for g in groups],
            name=PAYER_LABELS[payer],
            orientation="h",
            marker={"color": theme.COLORWAY[index], "pattern": {"shape": ["", "/", "."][index]}},
            hovertemplate=f"%{{y}} · {PAYER_LABELS[payer]}: £%{{x:,.0f}}<extra></extra>",
        )
    return _stacked_layout(figure, len(groups))


def scatter_figure(table: pd.DataFrame, y: str, y_title: str) -> go.Figure:
    """Each trust's total cost against a consequence, coloured and shaped by group."""
    data = table.dropna(subset=[y])
    data = data[data["total_cost_gbp"] > 0]
    if data.empty:
        return theme.empty_figure("No trust has both a recorded cost and this consequence.")
    figure = theme.base_figure(f"Cost beside consequence: {y_title[0].lower() + y_title[1:]}")
    for group in GROUPS:
        part = data[data["evaluation_group"] == group]
        if part.empty:
            continue
        figure.add_scatter(
            x=part["total_cost_gbp"],
            y=part[y],
            mode="markers",
            name=GROUP_LABELS[group],
            marker={
                "color": theme.GROUP_COLOURS[group],
                "symbol": theme.GROUP_SYMBOLS[group],
                "size": 10,
                "line": {"color": "white", "width": 1},
            },
            customdata=part[["trust_name", "trust_code"]],
            hovertemplate="%{customdata[0]}: £%{x:,.0f}; " + y_title + " %{y:,.1f}<extra></extra>",
        )
    figure.update_layout(
        height=400,
        xaxis_title="Total recorded cost (£)",
        xaxis_tickprefix="£",
        xaxis_tickformat=",.0f",
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.25},
    )
    return figure
