"""Intervention uptake builders (pure): counts, rates by group/type, ID timing, funding vs caps."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.labels import GROUP_LABELS, INTERVENTION_LABELS, STATUS_LABELS, TYPE_LABELS
from data_access.frames import lookup
from data_access.vocab import FUNDING_CAP_CP, FUNDING_CAP_SMQ_ENTRY, FUNDING_CAP_SMQ_EXIT, INTERVENTIONS

STATUSES = ("delivered", "not_delivered", "no_data", "")
DAYS_PER_MONTH = 30.4375


def status_counts(uptake: pd.DataFrame) -> pd.DataFrame:
    """Trusts per intervention and status (rows: interventions; columns: statuses)."""
    rows = []
    for intervention in INTERVENTIONS:
        counts = uptake[intervention].value_counts() if intervention in uptake else pd.Series(dtype=int)
        rows.append({"intervention": intervention, **{s: int(counts.get(s, 0)) for s in STATUSES}})
    return pd.DataFrame(rows)


def counts_figure(uptake: pd.DataFrame) -> go.Figure:
    if uptake.empty:
        return theme.empty_figure("No trusts with a regime episode or intervention match the filters.")
    counts = status_counts(uptake)
    figure = theme.base_figure(f"Uptake of each intervention across {len(uptake):,} trusts")
    labels = [INTERVENTION_LABELS[i] for i in counts["intervention"]]
    patterns = {"delivered": "", "not_delivered": "/", "no_data": ".", "": ""}
    for status in STATUSES:
        key = status or "none"
        figure.add_bar(
            y=labels,
            x=counts[status],
            orientation="h",
            name=STATUS_LABELS[status],
            marker={
                "color": theme.INTERVENTION_STATUS_COLOURS[key],
                "pattern": {"shape": patterns[status]},
                "line": {"color": theme.NHS_DARK_GREY, "width": 0.5},
            },
            text=counts[status].where(counts[status] > 0, ""),
            textposition="inside",
            hovertemplate=f"%{{y}}: %{{x}} trusts {STATUS_LABELS[status].lower()}<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        height=360,
        xaxis=theme.count_axis(len(uptake), title="Trusts"),
        yaxis={"autorange": "reversed"},
        margin={"l": 170},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def rates_figure(uptake: pd.DataFrame, by: str) -> go.Figure:
    """Share of trusts with each intervention delivered, by evaluation group or trust type."""
    if uptake.empty:
        return theme.empty_figure("No trusts to compare.")
    column, labels = ("evaluation_group", GROUP_LABELS) if by == "group" else ("trust_type", TYPE_LABELS)
    keys = [k for k in labels if k in set(uptake[column])]
    z, text = [], []
    for key in keys:
        part = uptake[uptake[column] == key]
        shares = [(part[i] == "delivered").mean() for i in INTERVENTIONS]
        z.append(shares)
        text.append([f"{s:.0%} of {len(part)}" for s in shares])
    figure = theme.base_figure(
        f"Share of trusts with each intervention delivered, by {'evaluation group' if by == 'group' else 'trust type'}"
    )
    figure.add_heatmap(
        z=z,
        x=[INTERVENTION_LABELS[i] for i in INTERVENTIONS],
        y=[labels[k] for k in keys],
        text=text,
        texttemplate="%{text}",
        colorscale=[[0, "#FFFFFF"], [1, theme.NHS_BLUE]],
        zmin=0,
        zmax=1,
        colorbar={"title": "Delivered", "tickformat": ".0%"},
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
    )
    figure.update_layout(
        height=max(280, 56 * len(keys) + 150),
        margin={"l": 250, "t": 60},
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": 0},
    )
    return figure


def director_timing(interventions: pd.DataFrame, trusts: pd.DataFrame) -> pd.DataFrame:
    """Improvement Directors: months from first SMQ entry to start, and months of involvement."""
    ids = interventions[
        (interventions["intervention"] == "improvement_director") & (interventions["status"] == "delivered")
    ]
    entry = trusts.set_index("trust_code")["first_smq_entry"]
    frame = ids[["trust_code", "start_date", "end_date"]].copy()
    frame["months_from_entry"] = (
        frame["start_date"] - lookup(frame["trust_code"], entry)
    ).dt.days / DAYS_PER_MONTH
    frame["months_involved"] = (frame["end_date"] - frame["start_date"]).dt.days / DAYS_PER_MONTH
    frame["trust_name"] = frame["trust_code"].map(trusts.set_index("trust_code")["trust_name"])
    return frame


def director_figure(timing: pd.DataFrame) -> go.Figure:
    data = timing.dropna(subset=["months_involved"])
    if data.empty:
        return theme.empty_figure("No delivered Improvement Director with known dates.")
    figure = theme.base_figure("Improvement Directors: start and length of support")
    figure.add_hrect(
        y0=4,
        y1=6,
        fillcolor="rgba(0, 94, 184, 0.10)",
        line_width=0,
        annotation_text="intended cycle: 1–3 months intensive + ~3 maintenance",
        annotation_position="top left",
    )
    figure.add_scatter(
        x=data["months_from_entry"],
        y=data["months_involved"],
        mode="markers",
        name="Improvement Director",
        marker={
            "color": theme.NHS_BLUE,
            "size": 9,
            "symbol": "circle",
            "line": {"color": "white", "width": 1},
        },
        customdata=data[["trust_name"]],
        hovertemplate="%{customdata[0]}: started %{x:.1f} months after SMQ entry, "
        "involved %{y:.1f} months<extra></extra>",
    )
    figure.update_layout(
        height=360,
        xaxis_title="Months from first SMQ entry to start",
        yaxis_title="Months involved",
        showlegend=False,
    )
    return figure


CAPS = {"smq_entry": FUNDING_CAP_SMQ_ENTRY, "cp": FUNDING_CAP_CP, "smq_exit": FUNDING_CAP_SMQ_EXIT}
CAP_LABELS = {
    "smq_entry": "On SMQ entry (cap £500k)",
    "cp": "CP support (cap £200k)",
    "smq_exit": "On SMQ exit (cap £100k)",
    "other": "Other timing",
}


def funding_figure(funding: pd.DataFrame) -> go.Figure:
    """Each central-funding award against the cap for its moment."""
    known = funding.dropna(subset=["amount_gbp"])
    if known.empty:
        return theme.empty_figure("No central funding with a recorded amount.")
    figure = theme.base_figure("Central funding drawn against the caps")
    order = [k for k in CAP_LABELS if k in set(known["moment"])]
    for index, moment in enumerate(order):
        part = known[known["moment"] == moment]
        figure.add_box(
            y=part["amount_gbp"],
            name=CAP_LABELS[moment],
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            marker={"color": theme.COLORWAY[index % len(theme.COLORWAY)]},
            line={"width": 1},
            customdata=part[["trust_name"]],
            hovertemplate="%{customdata[0]}: £%{y:,.0f}<extra></extra>",
        )
        if moment in CAPS:
            figure.add_shape(
                type="line",
                x0=index - 0.4,
                x1=index + 0.4,
                y0=CAPS[moment],
                y1=CAPS[moment],
                line={"color": theme.NHS_EMERGENCY_RED, "dash": "dash", "width": 2},
            )
    figure.update_layout(
        height=360, yaxis_title="Amount (£)", yaxis_tickprefix="£", yaxis_tickformat=",.0f", showlegend=False
    )
    figure.add_annotation(
        text="dashed red line: the cap",
        xref="paper",
        yref="paper",
        x=1,
        y=1.08,
        showarrow=False,
        font={"size": 11, "color": theme.NHS_DARK_GREY},
    )
    return figure
