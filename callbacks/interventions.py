"""Callbacks of the uptake page: the URL decides; the same table as /download/uptake.csv."""

from __future__ import annotations

from dash import Input, Output, callback, html

from callbacks.common import db_safe, filters_from, viewer
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import cca, tables, theme
from dashboard.figures import interventions as figures
from dashboard.labels import GROUP_LABELS, STATUS_LABELS, label
from data_access import queries
from data_access.vocab import INTERVENTIONS
from layouts import components
from layouts.ids import Shell
from layouts.interventions import Ids

register_url_sync(Shell.URL, [UrlField(Ids.BY, "by", default="group")], "interventions")


def _fallback():
    empty = theme.empty_figure("The database is not answering; the charts will return with it.")
    return empty, empty, [], empty, empty, [components.error_state()]


def uptake_rows(uptake) -> list[dict]:
    rows = []
    for row in uptake.to_dict("records"):
        out = {"trust_code": row["trust_code"], "trust": f"[{row['trust_name']}](/trust/{row['trust_code']})",
               "group": label(GROUP_LABELS, row["evaluation_group"])}
        for intervention in INTERVENTIONS:
            out[intervention] = STATUS_LABELS[row[intervention] or ""]
        rows.append(out)
    return rows


def buddy_table(interventions, trusts) -> html.Div:
    pairs = interventions[interventions["intervention"] == "buddying"]
    if pairs.empty:
        return components.empty_state("No buddying recorded for the filtered trusts.")
    names = trusts.set_index("trust_code")["trust_name"]
    body = [
        html.Tr([html.Td(components.trust_link(r.trust_code, names.get(r.trust_code, r.trust_code))),
                 html.Td(r.partner or "not recorded"),
                 html.Td(f"{r.start_date:%b %Y}" + (f" – {r.end_date:%b %Y}" if not _na(r.end_date) else " – ongoing")),
                 html.Td(STATUS_LABELS.get(r.status, r.status))])
        for r in pairs.itertuples(index=False)
    ]
    head = html.Thead(html.Tr([html.Th("Trust"), html.Th("Buddy (partner)"), html.Th("When"), html.Th("Status")]))
    return html.Table([head, html.Tbody(body)], className="table table-sm smq-table", id="buddies-table")


def _na(value) -> bool:
    return value is None or value != value


@callback(
    Output(Ids.COUNTS, "figure"),
    Output(Ids.RATES, "figure"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.DIRECTORS, "figure"),
    Output(Ids.FUNDING, "figure"),
    Output(Ids.BUDDIES, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_fallback)
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
        buddy_table(interventions, trusts),
    )
