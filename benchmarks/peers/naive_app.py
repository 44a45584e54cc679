"""A naive Dash build of the trajectories and timelines views: a yardstick, not a product.

Built the way a first Dash app usually is: every callback re-reads what it needs with
`pd.read_sql`, nothing is cached, the only access rule is the public one (only `smq`/`rsp`
episodes), and the URL's query string (`?type=acute&metric=…&from=…`, the product's keys)
decides what is drawn. A page load makes two callbacks: the router, then the page's one
content callback. Serve with `gunicorn benchmarks.peers.naive_app:server` and DATABASE_URL set.
"""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import parse_qs

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html
from sqlalchemy import bindparam, create_engine, text

from benchmarks.peers.sql import PUBLIC_REGIMES, ViewFilters

TRAJECTORIES_CHART = "naive-trajectories"
GANTT_CHART = "naive-gantt"
COUNTS_CHART = "naive-counts"
DEFAULT_METRIC = "ae_4hr_pct"


def filters_from(search: str | None) -> ViewFilters:
    """The product's query keys, read plainly (comma-separated or repeated values)."""
    query = parse_qs((search or "").lstrip("?"))

    def many(key: str) -> tuple[str, ...]:
        return tuple(p.strip() for raw in query.get(key, []) for p in raw.split(",") if p.strip())

    def one_date(key: str) -> date | None:
        values = query.get(key)
        try:
            return date.fromisoformat(values[0]) if values else None
        except ValueError:
            return None

    metric = (query.get("metric") or [DEFAULT_METRIC])[0]
    return ViewFilters(
        types=many("type") or ("acute",),
        metric=metric,
        date_from=one_date("from"),
        date_to=one_date("to"),
        regions=many("region"),
    )


VALUES_SQL = text(
    """
    SELECT mv.trust_code, mv.period_start, mv.value, t.region
    FROM metric_values mv JOIN trusts t ON t.trust_code = mv.trust_code
    WHERE mv.metric_id = :metric AND t.trust_type IN :types
    """
).bindparams(bindparam("types", expanding=True))

EPISODES_SQL = text(
    """
    SELECT e.trust_code, t.trust_name, t.region, e.regime, e.start_date, e.end_date
    FROM regime_episodes e JOIN trusts t ON t.trust_code = e.trust_code
    WHERE t.trust_type IN :types AND e.regime IN :regimes
    """
).bindparams(bindparam("types", expanding=True), bindparam("regimes", expanding=True))


def read_values(engine, filters: ViewFilters) -> pd.DataFrame:
    """The metric's values for trusts of the filtered types, within the dates."""
    frame = pd.read_sql(VALUES_SQL, engine, params={"metric": filters.metric, "types": list(filters.types)})
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    if filters.date_from:
        frame = frame[frame["period_start"] >= pd.Timestamp(filters.date_from)]
    if filters.date_to:
        frame = frame[frame["period_start"] <= pd.Timestamp(filters.date_to)]
    return frame


def bands(values: pd.DataFrame) -> pd.DataFrame:
    """Per month: median, quartiles and count of the values present."""
    grouped = values.dropna(subset=["value"]).groupby("period_start")["value"]
    return pd.DataFrame(
        {
            "median": grouped.median(),
            "q1": grouped.quantile(0.25),
            "q3": grouped.quantile(0.75),
            "n": grouped.size(),
        }
    ).reset_index()


def trajectory_frames(engine, filters: ViewFilters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The filtered trusts' bands and the national (same types) median, each read afresh."""
    filtered = read_values(engine, filters)
    if filters.regions:
        filtered = filtered[filtered["region"].isin(filters.regions)]
    national = read_values(engine, filters)  # a second read: naive on purpose
    return bands(filtered), bands(national)


def trajectory_figure(picked: pd.DataFrame, national: pd.DataFrame, metric: str) -> go.Figure:
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=picked["period_start"], y=picked["q3"], mode="lines", line={"width": 0}))
    figure.add_trace(
        go.Scatter(
            x=picked["period_start"],
            y=picked["q1"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            name="Middle half of filtered trusts",
        )
    )
    figure.add_trace(go.Scatter(x=picked["period_start"], y=picked["median"], mode="lines", name="Median"))
    figure.add_trace(
        go.Scatter(
            x=national["period_start"],
            y=national["median"],
            mode="lines",
            line={"dash": "dot", "color": "grey"},
            name="National median",
        )
    )
    figure.update_layout(title=metric, height=480)
    return figure


def as_of_date(engine) -> date:
    info = pd.read_sql(text("SELECT as_of FROM dataset_info WHERE id = 1"), engine)
    value = info["as_of"].iloc[0] if len(info) else None
    return pd.Timestamp(value).date() if value is not None and not pd.isna(value) else date.today()


def read_episodes(engine, filters: ViewFilters) -> pd.DataFrame:
    """Public episodes of the filtered trusts that overlap the dates."""
    frame = pd.read_sql(
        EPISODES_SQL, engine, params={"types": list(filters.types), "regimes": list(PUBLIC_REGIMES)}
    )
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    if filters.regions:
        frame = frame[frame["region"].isin(filters.regions)]
    if filters.date_from:
        frame = frame[frame["end_date"].isna() | (frame["end_date"] >= pd.Timestamp(filters.date_from))]
    if filters.date_to:
        frame = frame[frame["start_date"] <= pd.Timestamp(filters.date_to)]
    return frame.sort_values(["trust_code", "start_date", "regime"]).reset_index(drop=True)


def monthly_counts(episodes: pd.DataFrame, as_of: date, filters: ViewFilters) -> pd.DataFrame:
    """Trusts in each regime on each month's last day (or the as-of date), month by month."""
    if episodes.empty:
        return pd.DataFrame(columns=["month", "regime", "trusts"])
    first = episodes["start_date"].min()
    if filters.date_from:
        first = max(first, pd.Timestamp(filters.date_from))
    last = pd.Timestamp(min(as_of, filters.date_to) if filters.date_to else as_of)
    rows = []
    for month in pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS"):
        counted_on = min(month + pd.offsets.MonthEnd(0), pd.Timestamp(as_of))
        for regime in sorted(episodes["regime"].unique()):
            part = episodes[episodes["regime"] == regime]
            active = (part["start_date"] <= counted_on) & (
                part["end_date"].isna() | (part["end_date"] > counted_on)
            )
            rows.append(
                {"month": month, "regime": regime, "trusts": part.loc[active, "trust_code"].nunique()}
            )
    return pd.DataFrame(rows)


def gantt_figure(episodes: pd.DataFrame, as_of: date) -> go.Figure:
    if episodes.empty:
        return go.Figure()
    shown = episodes.assign(end_date=episodes["end_date"].fillna(pd.Timestamp(as_of)))
    figure = px.timeline(shown, x_start="start_date", x_end="end_date", y="trust_name", color="regime")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=max(300, 22 * shown["trust_name"].nunique()))
    return figure


def counts_figure(counts: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for regime, part in counts.groupby("regime"):
        figure.add_trace(go.Scatter(x=part["month"], y=part["trusts"], mode="lines", name=str(regime)))
    figure.update_layout(title="Trusts in each regime", height=320)
    return figure


def create_app(database_url: str | None = None) -> Dash:
    engine = create_engine(database_url or os.environ["DATABASE_URL"])
    app = Dash(__name__, suppress_callback_exceptions=True, title="Naive build")
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            html.Nav(
                [
                    dcc.Link("Trajectories", href="/trajectories"),
                    " · ",
                    dcc.Link("Timelines", href="/timelines"),
                ]
            ),
            html.Div(id="page"),
        ]
    )

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def route(pathname):
        if pathname == "/timelines":
            return [html.H1("Timelines"), dcc.Graph(id=GANTT_CHART), dcc.Graph(id=COUNTS_CHART)]
        return [html.H1("Trajectories"), dcc.Graph(id=TRAJECTORIES_CHART)]

    @app.callback(Output(TRAJECTORIES_CHART, "figure"), Input("url", "search"))
    def update_trajectories(search):
        filters = filters_from(search)
        picked, national = trajectory_frames(engine, filters)
        return trajectory_figure(picked, national, filters.metric)

    @app.callback(Output(GANTT_CHART, "figure"), Output(COUNTS_CHART, "figure"), Input("url", "search"))
    def update_timelines(search):
        filters = filters_from(search)
        episodes = read_episodes(engine, filters)
        as_of = as_of_date(engine)
        return gantt_figure(episodes, as_of), counts_figure(monthly_counts(episodes, as_of, filters))

    return app


if os.environ.get("DATABASE_URL"):
    app = create_app()
    server = app.server
