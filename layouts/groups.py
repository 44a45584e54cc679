"""The evaluation groups side by side: the page the evaluation team starts from.

Sizes and time in intensive support, uptake of support as in the evaluation's Table 3, and costs
beside consequences, one table each; every group links to each view with its group filter set.
"""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import formats
from dashboard.labels import GROUP_LABELS, INTERVENTION_LABELS, label
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card, empty_state, page_header

TITLE = "Evaluation groups"
VIEWS: tuple[tuple[str, str], ...] = (
    ("/timelines", "Timelines"),
    ("/trajectories", "Trajectories"),
    ("/interventions", "Uptake"),
    ("/costs", "Costs"),
)


class Ids:
    HEADING = "groups-heading"
    SIZES = "groups-sizes"
    UPTAKE = "groups-uptake"
    COSTS = "groups-costs"


def group_href(path: str, filters: Filters, group: str) -> str:
    """A view with this group chosen, keeping the other filters."""
    query = filters.with_(groups=(group,)).to_query()
    return f"{path}?{query}" if query else path


def _group_cell(code: str, filters: Filters) -> html.Th:
    return html.Th(
        [
            html.Span(GROUP_LABELS[code], className=f"group-chip group-chip--{code}"),
        ],
        scope="row",
    )


def _table(table_id: str, caption: str, head: list, rows: list) -> html.Div:
    return html.Div(
        html.Table(
            [html.Caption(caption, className="visually-hidden"), html.Thead(html.Tr(head)), html.Tbody(rows)],
            className="table table-sm smq-table",
            id=table_id,
        ),
        className="smq-table-wrap",
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
    )


def sizes_table(outcomes: pd.DataFrame, medians: pd.DataFrame, filters: Filters) -> html.Div:
    """Per group: trusts, time in intensive support, exits, re-entries, and links to each view."""
    if outcomes.empty:
        return empty_state("No trusts match the filters.")
    months = medians.set_index("evaluation_group")["median_smq_months"]
    head = [
        html.Th("Evaluation group", scope="col"),
        html.Th("Trusts", scope="col"),
        html.Th("Median months in intensive support", scope="col"),
        html.Th("Left SMQ or the RSP", scope="col"),
        html.Th("Re-entered", scope="col"),
        html.Th("Open with this group", scope="col"),
    ]
    rows = []
    for r in outcomes.to_dict("records"):
        code = r["evaluation_group"]
        links = []
        for path, words in VIEWS:
            if links:
                links.append(" · ")
            links.append(
                dcc.Link(
                    words,
                    href=group_href(path, filters, code),
                    title=f"{words} for {GROUP_LABELS[code]}",
                )
            )
        rows.append(
            html.Tr(
                [
                    _group_cell(code, filters),
                    html.Td(formats.count(r["trusts"])),
                    html.Td(formats.number(months.get(code), 1) if r["smq_trusts"] else "none"),
                    html.Td(formats.share_of(r["exited"], r["smq_trusts"]) if r["smq_trusts"] else "–"),
                    html.Td(formats.share_of(r["re_entered"], r["smq_trusts"]) if r["smq_trusts"] else "–"),
                    html.Td(links, className="groups-links"),
                ]
            )
        )
    return _table("groups-sizes-table", "Group sizes and time in intensive support", head, rows)


def uptake_table(uptake: pd.DataFrame, filters: Filters) -> html.Div:
    """Like the evaluation's Table 3: interventions down, groups across, "delivered of trusts"."""
    if uptake.empty:
        return empty_state("No trusts match the filters.")
    groups = list(dict.fromkeys(uptake["evaluation_group"]))
    head = [html.Th("Support", scope="col")] + [
        html.Th(dcc.Link(GROUP_LABELS[g], href=group_href("/interventions", filters, g)), scope="col")
        for g in groups
    ]
    rows = []
    for intervention, part in uptake.groupby("intervention", sort=False):
        cells = part.set_index("evaluation_group")
        rows.append(
            html.Tr(
                [html.Th(label(INTERVENTION_LABELS, str(intervention)), scope="row")]
                + [
                    html.Td(formats.share_of(int(cells.loc[g, "delivered"]), int(cells.loc[g, "trusts"])))
                    for g in groups
                ]
            )
        )
    return _table("groups-uptake-table", "Uptake of support by group", head, rows)


def costs_table(outcomes: pd.DataFrame, medians: pd.DataFrame, filters: Filters) -> html.Div:
    """Per group: what support cost beside what followed (exits, latest rating against entry)."""
    if outcomes.empty:
        return empty_state("No trusts match the filters.")
    per_month = medians.set_index("evaluation_group")["median_cost_per_month_gbp"]
    head = [
        html.Th("Evaluation group", scope="col"),
        html.Th("Total cost", scope="col"),
        html.Th("Median cost per trust", scope="col"),
        html.Th("Median cost per month in a regime", scope="col"),
        html.Th("Left SMQ or the RSP", scope="col"),
        html.Th("Latest rating better than at entry", scope="col"),
    ]
    rows = [
        html.Tr(
            [
                html.Th(
                    dcc.Link(
                        GROUP_LABELS[r["evaluation_group"]],
                        href=group_href("/costs", filters, r["evaluation_group"]),
                    ),
                    scope="row",
                ),
                html.Td(formats.money(r["total_cost_gbp"])),
                html.Td(formats.money(r["median_total_cost_gbp"])),
                html.Td(formats.money(per_month.get(r["evaluation_group"]))),
                html.Td(formats.share_of(r["exited"], r["smq_trusts"]) if r["smq_trusts"] else "–"),
                html.Td(formats.share_of(r["better"], r["rated"]) if r["rated"] else "no ratings to compare"),
            ]
        )
        for r in outcomes.to_dict("records")
    ]
    return _table("groups-costs-table", "Costs beside consequences by group", head, rows)


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    lede = (
        "The evaluation sorted trusts into groups by their path through the regimes (see the rules on "
        "Data and methods). Here they are side by side for the filtered trusts: how many, how long "
        "in intensive support, which support they had, and what it cost beside what followed. "
        "Each group opens the other views with that group chosen."
    )
    loading = {"delay_show": 300}
    return html.Div(
        [
            page_header(TITLE, lede),
            html.H2(
                "Groups for the filtered trusts" if filters.selects_trusts() else "National picture",
                id=Ids.HEADING,
                className="smq-section-title",
            ),
            card(
                "Group sizes and time in intensive support",
                dcc.Loading(html.Div(id=Ids.SIZES), **loading),
            ),
            card(
                "Uptake of support (as in the evaluation's Table 3)",
                dcc.Loading(html.Div(id=Ids.UPTAKE), **loading),
                footer=html.P(
                    "Delivered of the group's trusts. For the public, support dated during the "
                    "confidential list is not counted.",
                    className="smq-muted smq-small",
                ),
            ),
            card("Costs beside consequences", dcc.Loading(html.Div(id=Ids.COSTS), **loading)),
        ]
    )
