"""Callbacks of the uptake page: the URL decides; the same table as /download/uptake.csv."""

from __future__ import annotations

from dash import Input, Output, callback

from callbacks.common import cached_answer, db_safe, filters_from, viewer
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import cca, tables, theme
from dashboard.figures import interventions as figures
from dashboard.labels import GROUP_LABELS, STATUS_LABELS, label, trust_link_markdown
from data_access import queries
from data_access.vocab import INTERVENTIONS
from layouts.ids import Shell
from layouts.interventions import Ids

register_url_sync(Shell.URL, [UrlField(Ids.BY, "by", default="group")], "interventions")


def _fallback():
    empty = theme.empty_figure("The database is not answering; the charts will return with it.")
    return empty, empty, [], empty, empty, []


def uptake_rows(uptake) -> list[dict]:
    rows = []
    for row in uptake.to_dict("records"):
        out = {
            "trust_code": row["trust_code"],
            "trust": trust_link_markdown(row["trust_code"], row["trust_name"]),
            "group": label(GROUP_LABELS, row["evaluation_group"]),
        }
        for intervention in INTERVENTIONS:
            out[intervention] = STATUS_LABELS[row[intervention] or ""]
        rows.append(out)
    return rows


def buddy_rows(interventions, trusts) -> list[dict]:
    """Rows of the "who buddied with whom" grid: a grid, not an HTML table, so that hundreds of
    pairs (scale 10) cost the browser no more than a dozen."""
    pairs = interventions[interventions["intervention"] == "buddying"]
    names = trusts.set_index("trust_code")["trust_name"]
    return [
        {
            "trust": trust_link_markdown(r.trust_code, names.get(r.trust_code, r.trust_code)),
            "partner": r.partner or "not recorded",
            "start": f"{r.start_date:%Y-%m}",
            "end": "ongoing" if _na(r.end_date) else f"{r.end_date:%Y-%m}",
            "status": STATUS_LABELS.get(r.status, r.status),
        }
        for r in pairs.itertuples(index=False)
    ]


def _na(value) -> bool:
    return value is None or value != value


@callback(
    Output(Ids.COUNTS, "figure"),
    Output(Ids.RATES, "figure"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.DIRECTORS, "figure"),
    Output(Ids.FUNDING, "figure"),
    Output(Ids.BUDDIES, "rowData"),
    Input(Shell.URL, "search"),
)
@db_safe(_fallback)
@cached_answer
def update_uptake(search: str | None):
    filters, _ = filters_from(search)
    who = viewer()
    trusts = queries.trusts(who, filters)
    interventions = queries.interventions(who, filters)
    uptake = tables.uptake_view(trusts, interventions)
    funding = interventions[interventions["intervention"] == "central_funding"].copy()
    funding["moment"] = cca.classify_funding(funding, queries.episodes(who, filters))
    funding["trust_name"] = funding["trust_code"].map(trusts.set_index("trust_code")["trust_name"])
    return (
        figures.counts_figure(uptake),
        figures.rates_figure(uptake, filters.extra("by", "group")),
        uptake_rows(uptake),
        figures.director_figure(figures.director_timing(interventions, trusts)),
        figures.funding_figure(funding),
        buddy_rows(interventions, trusts),
    )
