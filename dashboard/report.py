"""The findings pack: one self-contained HTML file summarising the filtered view (pure).

`PackContent` holds what the pack says, already built for one viewer from the same queries and
builders as the pages (see `smq_monitor.web.report_jobs.gather`); `build_html` turns it into a file
that opens anywhere, offline: the CSS is inline, and plotly.js is inlined once in the head, so
the file makes no network request. plotly.js carries URLs in string literals it only uses for
maps and its logo link; they are written with escaped slashes (``https:\\/\\/``, the same
string to JavaScript), so the file holds no ``://`` that a checker or a strict proxy could take
for a reference to another origin.

Which plotly.js: the pack's charts are bars and lines, which plotly.js's "basic" partial
bundle (scatter, bar, pie; 1.2 MB, vendored under ``assets/vendor/plotly-basic/``) draws as the
full bundle does (4.8 MB). `bundle_for` picks the basic bundle whenever every trace of the
pack is of those types, and the full one otherwise, so a chart added later that needs more
(a heatmap, a box plot) still draws.

Printing gives one section per A4 landscape page. Every printed page carries a header (the
protective marking when the pack includes CP information, the dataset, as-of date and
audience) and a footer (the source line, the filters, when it was made): both are fixed
elements, which browsers repeat on every printed page, over blank space kept for them by the
repeated head and foot of a one-cell table that holds the pack (``.print-frame``), so they never
cover the content. The page number ("Page 2 of 9") is an ``@page`` margin box, which Chromium
(from version 131) and so Chrome and Edge print; a browser without margin boxes prints the
pages without numbers and loses nothing else.
"""

from __future__ import annotations

import gzip
import html
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from dashboard import formats, marking, theme
from dashboard.figures.overview import Headline
from dashboard.labels import (
    GROUP_LABELS,
    INTERVENTION_LABELS,
    REGIME_SHORT,
    STATUS_LABELS,
    TYPE_LABELS,
    label,
)
from dashboard.timelines import Kpi
from dashboard.words import date_words
from data_access.filters import Filters
from data_access.vocab import GROUPS, INTERVENTIONS

PACK_TITLE = "smq-monitor findings pack"
FIGURE_WIDTH_PX = 980  # fits the printable width of A4 landscape with 12 mm margins
SECTIONS: tuple[tuple[str, str], ...] = (
    ("headlines", "Headline figures"),
    ("national-counts", "National SMQ and CP counts over time"),
    ("groups-types", "Evaluation groups and trust types"),
    ("timelines", "Timelines summary"),
    ("uptake", "Intervention uptake"),
    ("uptake-groups", "Intervention uptake by evaluation group"),
    ("costs", "Cost-consequence summary"),
    ("outcomes", "Outcomes by evaluation group"),
    ("data-notes", "Data notes"),
)
# A pack for a viewer who sees no CP information names no CP, not even in a heading.
PUBLIC_SECTION_TITLES: dict[str, str] = {"national-counts": "National SMQ counts over time"}
VENDOR_DIR = Path(__file__).resolve().parent.parent / "assets" / "vendor"
BASIC_BUNDLE = VENDOR_DIR / "plotly-basic" / "plotly-basic.min.js.gz"
BASIC_TRACE_TYPES: frozenset[str] = frozenset({"scatter", "bar", "pie"})
REGIME_FILTER_WORDS = {
    "smq": "ever in SMQ",
    "rsp": "ever in the RSP",
    "cp": "ever on the CP list",
    "none": "never in any regime",
}


@dataclass(frozen=True)
class PackContent:
    """Everything the pack shows, already filtered for its viewer."""

    generated_at: datetime
    as_of: date
    dataset_name: str | None
    synthetic: bool
    licence: str | None
    imported_at: datetime | None
    audience: str
    show_cp: bool
    filter_words: list[str]
    headlines: list[Headline]
    counts_figure: go.Figure
    counts_note: str
    groups_figure: go.Figure
    types_figure: go.Figure
    group_counts: pd.DataFrame  # evaluation_group, trusts
    type_counts: pd.DataFrame  # trust_type, trusts
    timeline_kpis: list[Kpi]
    uptake_figure: go.Figure
    uptake_counts: pd.DataFrame  # intervention, delivered, not_delivered, no_data, ""
    uptake_trusts: int
    cost_medians: pd.DataFrame  # see cost_group_medians
    data_notes: list[str] = field(default_factory=list)
    # Added for the deck and the group sections; optional so that older callers keep working.
    filters: Filters | None = None  # the filters applied, for file names
    monthly_counts: pd.DataFrame | None = None  # month, regime, trusts, counted_on
    uptake: pd.DataFrame | None = None  # tables.uptake_view: one row per trust
    costs: pd.DataFrame | None = None  # tables.costs_view: one row per trust
    effects: pd.DataFrame | None = None  # effect estimates: metric_id, group, trusts, ... (contract §4)
    cp_reasons: tuple[str, ...] | None = None  # marking.cp_reasons over the frames the gathering read


def section_title(anchor: str, show_cp: bool) -> str:
    """A section's heading; without CP information, one that names no CP."""
    title = dict(SECTIONS)[anchor]
    return title if show_cp else PUBLIC_SECTION_TITLES.get(anchor, title)


# --------------------------------------------------------------------------------------------
# Words and tables (pure helpers, also used by the job that gathers the content)


def filters_in_words(filters: Filters, trust_names: dict[str, str] | None = None) -> list[str]:
    """The filters applied, one phrase per kind; ["None: every trust"] when there are none."""
    names = trust_names or {}
    words = []
    if filters.types:
        words.append("Trust type: " + ", ".join(label(TYPE_LABELS, t) for t in filters.types))
    if filters.groups:
        words.append("Evaluation group: " + ", ".join(label(GROUP_LABELS, g) for g in filters.groups))
    if filters.regions:
        words.append("Region: " + ", ".join(filters.regions))
    if filters.regimes:
        words.append("Regime: " + ", ".join(REGIME_FILTER_WORDS.get(r, r) for r in filters.regimes))
    if filters.trusts:
        words.append(
            "Trust: " + ", ".join(f"{names[t]} ({t})" if names.get(t) else t for t in filters.trusts)
        )
    if filters.date_from and filters.date_to:
        words.append(f"Dates: {date_words(filters.date_from)} to {date_words(filters.date_to)}")
    elif filters.date_from:
        words.append(f"Dates: from {date_words(filters.date_from)}")
    elif filters.date_to:
        words.append(f"Dates: up to {date_words(filters.date_to)}")
    return words or ["None: every trust"]


def category_counts(trusts: pd.DataFrame, column: str, order: tuple[str, ...]) -> pd.DataFrame:
    counts = trusts[column].value_counts()
    rows = [{column: code, "trusts": int(counts[code])} for code in order if code in counts.index]
    return pd.DataFrame(rows, columns=[column, "trusts"])


def cost_group_medians(costs: pd.DataFrame) -> pd.DataFrame:
    """Per evaluation group: trusts, median total cost, median cost per month in a regime,
    median months in SMQ, share that left SMQ, share whose latest overall rating is better than
    at SMQ entry. Medians over the trusts of the cost-consequence table (costs_view)."""
    columns = [
        "evaluation_group",
        "trusts",
        "median_total_cost_gbp",
        "median_cost_per_month_gbp",
        "median_smq_months",
        "exited_share",
        "rating_better_share",
    ]
    rows = []
    for group in GROUP_LABELS:
        part = costs[costs["evaluation_group"] == group]
        if part.empty:
            continue
        rated = part[part["rating_change"] != ""]
        rows.append(
            {
                "evaluation_group": group,
                "trusts": len(part),
                "median_total_cost_gbp": float(part["total_cost_gbp"].median()),
                "median_cost_per_month_gbp": float(part["cost_per_month_in_regime_gbp"].median()),
                "median_smq_months": float((part["smq_days"] / 30.4375).median()),
                "exited_share": float(part["exited_smq"].mean()),
                "rating_better_share": float((rated["rating_change"] == "better").mean())
                if len(rated)
                else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def pack_filename(as_of: date) -> str:
    return f"smq-monitor-findings-{as_of.isoformat()}.html"


UPTAKE_GROUP_COLUMNS = ["intervention", "evaluation_group", "trusts", "delivered", "share"]
OUTCOME_COLUMNS = [
    "evaluation_group",
    "trusts",
    "smq_trusts",
    "exited",
    "re_entered",
    "rated",
    "better",
    "same",
    "worse",
    "total_cost_gbp",
    "median_total_cost_gbp",
    "median_cost_per_month_gbp",
]


def uptake_by_group(uptake: pd.DataFrame | None) -> pd.DataFrame:
    """Uptake like the evaluation's Table 3: for each intervention and evaluation group, the
    group's trusts, how many had the intervention delivered, and that share.

    `uptake` is `tables.uptake_view` (one row per trust, one status column per intervention);
    groups come in the contract's order, only those with trusts.
    """
    if uptake is None or uptake.empty:
        return pd.DataFrame(columns=UPTAKE_GROUP_COLUMNS)
    present = [g for g in GROUPS if g in set(uptake["evaluation_group"])]
    rows = []
    for intervention in INTERVENTIONS:
        for group in present:
            part = uptake[uptake["evaluation_group"] == group]
            delivered = int((part[intervention] == "delivered").sum()) if intervention in part else 0
            rows.append(
                {
                    "intervention": intervention,
                    "evaluation_group": group,
                    "trusts": len(part),
                    "delivered": delivered,
                    "share": delivered / len(part),
                }
            )
    return pd.DataFrame(rows, columns=UPTAKE_GROUP_COLUMNS)


def group_outcomes(costs: pd.DataFrame | None) -> pd.DataFrame:
    """Consequences beside costs per evaluation group, from `tables.costs_view`.

    trusts: the group's trusts in the cost-consequence table; smq_trusts: those that have been
    in SMQ, the denominator of exited (left SMQ at least once) and re_entered (more than one
    SMQ episode); rated: trusts with an overall rating both at SMQ entry and now, the
    denominator of better, same and worse (latest rating against the one at entry). Costs:
    the group's total and the medians per trust of the total and of the cost per month in a
    regime.
    """
    if costs is None or costs.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    rows = []
    for group in GROUPS:
        part = costs[costs["evaluation_group"] == group]
        if part.empty:
            continue
        smq = part[part["smq_days"] > 0]
        change = part["rating_change"]
        rows.append(
            {
                "evaluation_group": group,
                "trusts": len(part),
                "smq_trusts": len(smq),
                "exited": int(smq["exited_smq"].sum()),
                "re_entered": int(smq["re_entered_smq"].sum()),
                "rated": int((change != "").sum()),
                "better": int((change == "better").sum()),
                "same": int((change == "same").sum()),
                "worse": int((change == "worse").sum()),
                "total_cost_gbp": float(part["total_cost_gbp"].sum()),
                "median_total_cost_gbp": float(part["total_cost_gbp"].median()),
                "median_cost_per_month_gbp": float(part["cost_per_month_in_regime_gbp"].median()),
            }
        )
    return pd.DataFrame(rows, columns=OUTCOME_COLUMNS)


# --------------------------------------------------------------------------------------------
# Provenance and marking


def _figure_shows_cp(figure: go.Figure | None) -> bool:
    return figure is not None and any(
        isinstance(trace.meta, dict) and trace.meta.get("regime") == "cp" for trace in figure.data
    )


def content_cp_reasons(content: PackContent, *, summaries: bool = True) -> list[str]:
    """Why this content includes CP information (see `dashboard.marking`); empty when it does not.

    The reasons the gathering found in the frames it read (`content.cp_reasons`), and those in
    the frames the content carries. With `summaries` (the HTML pack), the headline figures and
    timeline figures too: a viewer who sees CP gets "Trusts on the CP list now" and the time
    from CP to SMQ, which are CP information whatever their value. The deck shows neither.
    """
    reasons = list(content.cp_reasons or ())
    reasons += marking.cp_reasons(
        {
            "trusts by evaluation group": content.group_counts,
            "monthly counts": content.monthly_counts,
            "uptake": content.uptake,
            "costs": content.costs,
            "cost medians": content.cost_medians,
            "effects": content.effects,
        }
    )
    if _figure_shows_cp(content.counts_figure):
        reasons.append("monthly counts: a CP line")
    if summaries:
        reasons += [f"headline: {h.label}" for h in content.headlines if h.key.startswith("cp")]
        reasons += [f"timelines: {k.label}" for k in content.timeline_kpis if k.key.startswith("cp")]
    return list(dict.fromkeys(reasons))


def export_provenance(
    content: PackContent, view: str = "findings", *, summaries: bool = True
) -> marking.Provenance:
    """The provenance of an export made from this content (pack: `summaries`; deck: without)."""
    includes = bool(content_cp_reasons(content, summaries=summaries))
    return marking.Provenance(
        dataset_name=content.dataset_name,
        as_of=content.as_of,
        synthetic=content.synthetic,
        filter_words=tuple(content.filter_words),
        audience=content.audience,
        includes_cp=includes,
        generated_at=content.generated_at,
        view=view,
        filter_tokens=marking.filter_tokens(content.filters, includes) if content.filters else (),
        licence=content.licence,
    )


def pack_provenance(content: PackContent) -> marking.Provenance:
    """The provenance of the HTML pack made from this content."""
    return export_provenance(content, "findings", summaries=True)


# --------------------------------------------------------------------------------------------
# HTML


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text))


@lru_cache(maxsize=2)
def plotly_bundle(name: str = "full") -> str:
    """plotly.js with every ``://`` written ``:\\/\\/`` (identical strings to JavaScript).

    "full" is the bundle plotly.py ships; "basic" the vendored partial bundle (scatter, bar, pie).
    """
    if name == "full":
        text = get_plotlyjs()
    elif name == "basic":
        text = gzip.decompress(BASIC_BUNDLE.read_bytes()).decode("utf-8")
    else:
        raise ValueError(f"no plotly.js bundle called {name!r}")
    return text.replace("://", ":\\/\\/")


def bundle_for(figures: Iterable[go.Figure]) -> str:
    """The smallest bundle that draws every trace of these figures: "basic" or "full"."""
    types = {trace.type for figure in figures for trace in figure.data}
    return "basic" if types <= BASIC_TRACE_TYPES and BASIC_BUNDLE.exists() else "full"


def figure_html(figure: go.Figure, div_id: str, height: int | None = None) -> str:
    """A chart as a div and a script; plotly.js must already be on the page."""
    fig = go.Figure(figure)
    fig.update_layout(width=FIGURE_WIDTH_PX, autosize=False)
    if height:
        fig.update_layout(height=height)
    body = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": False, "displayModeBar": False, "staticPlot": False},
    )
    return f'<figure class="chart">{body}</figure>'


def _table(
    headers: list[str], rows: list[list[str]], caption: str | None = None, text_columns: tuple[int, ...] = ()
) -> str:
    """A table whose first column heads the rows; columns are numbers unless in text_columns."""
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if i and i not in text_columns else ""}>{_e(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = [f'<th scope="row">{_e(row[0])}</th>']
        cells += [
            f"<td>{_e(v)}</td>" if i in text_columns else f'<td class="num">{_e(v)}</td>'
            for i, v in enumerate(row[1:], start=1)
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(anchor: str, number: int, title: str, body: str) -> str:
    return f'<section id="{anchor}" class="pack-section"><h2>{number}. {_e(title)}</h2>{body}</section>'


def _headlines_html(items: list[Headline]) -> str:
    cards = "".join(
        f'<div class="kpi"><div class="kpi-value">{_e(h.value)}</div><div class="kpi-label">{_e(h.label)}</div>'
        f'<div class="kpi-note">{_e(h.note)}</div></div>'
        for h in items
    )
    return f'<div class="kpis">{cards}</div>'


def _empty(message: str) -> str:
    return f'<p class="empty">{_e(message)}</p>'


def _sections(content: PackContent) -> list[str]:
    as_of_words = date_words(content.as_of)
    headlines = _headlines_html(content.headlines) + (
        f'<p class="note">Counted for the filtered trusts on the data\'s as-of date, {_e(as_of_words)}; '
        "“last 12 months” means the 365 days up to it. Time in SMQ is per trust, all its SMQ episodes added up.</p>"
    )
    counts = (
        figure_html(content.counts_figure, "pack-counts", 380)
        + f'<p class="note">{_e(content.counts_note)}</p>'
    )

    group_rows = [
        [label(GROUP_LABELS, g), f"{n:,}"]
        for g, n in zip(content.group_counts["evaluation_group"], content.group_counts["trusts"], strict=True)
    ]
    type_rows = [
        [label(TYPE_LABELS, t), f"{n:,}"]
        for t, n in zip(content.type_counts["trust_type"], content.type_counts["trusts"], strict=True)
    ]
    groups = (
        '<div class="two">'
        + (
            _table(["Evaluation group", "Trusts"], group_rows, "Trusts by evaluation group")
            if group_rows
            else _empty("No trusts match the filters.")
        )
        + (_table(["Trust type", "Trusts"], type_rows, "Trusts by type") if type_rows else "")
        + "</div>"
        + figure_html(content.groups_figure, "pack-groups", 300)
        + figure_html(content.types_figure, "pack-types", 300)
    )

    kpi_rows = [[k.label, k.value, k.note] for k in content.timeline_kpis]
    timelines = (
        _table(["Figure", "Value", "How it is counted"], kpi_rows, text_columns=(2,))
        if kpi_rows
        else _empty("No SMQ episodes.")
    )

    if content.uptake_trusts:
        uptake_rows = [
            [
                label(INTERVENTION_LABELS, r["intervention"]),
                f"{r['delivered']:,}",
                f"{r['not_delivered']:,}",
                f"{r['no_data']:,}",
                f"{r['']:,}",
            ]
            for r in content.uptake_counts.to_dict("records")
        ]
        uptake = (
            f"<p>Across {content.uptake_trusts:,} trusts that have been in a regime or had an intervention recorded.</p>"
            + _table(
                [
                    "Intervention",
                    STATUS_LABELS["delivered"],
                    STATUS_LABELS["not_delivered"],
                    STATUS_LABELS["no_data"],
                    STATUS_LABELS[""],
                ],
                uptake_rows,
            )
            + figure_html(content.uptake_figure, "pack-uptake", 360)
        )
    else:
        uptake = _empty("No trusts with a regime episode or intervention match the filters.")

    if content.cost_medians.empty:
        costs = _empty("No trusts with costs or a regime episode match the filters.")
    else:
        cost_rows = [
            [
                label(GROUP_LABELS, r["evaluation_group"]),
                f"{r['trusts']:,}",
                formats.money(r["median_total_cost_gbp"]),
                formats.money(r["median_cost_per_month_gbp"]),
                formats.number(r["median_smq_months"], 0),
                formats.percent(r["exited_share"]),
                formats.percent(r["rating_better_share"]),
            ]
            for r in content.cost_medians.to_dict("records")
        ]
        costs = (
            _table(
                [
                    "Evaluation group",
                    "Trusts",
                    "Median total cost",
                    "Median cost per month in a regime",
                    "Median months in SMQ",
                    "Left SMQ",
                    "Latest rating better than at SMQ entry",
                ],
                cost_rows,
                "Group medians of the cost-consequence table",
            )
            + '<p class="note">Costs are all recorded cost rows of each trust (every category and payer); a blank amount counts as nothing. The rating share is of the trusts with both ratings.</p>'
        )

    notes = "".join(f"<li>{_e(n)}</li>" for n in content.data_notes)
    bodies = [
        headlines,
        counts,
        groups,
        timelines,
        uptake,
        _uptake_groups_html(content),
        costs,
        _outcomes_html(content),
        f"<ul>{notes}</ul>",
    ]
    return [
        _section(anchor, i, section_title(anchor, content.show_cp), body)
        for i, ((anchor, _), body) in enumerate(zip(SECTIONS, bodies, strict=True), start=1)
    ]


def uptake_group_figure(table: pd.DataFrame) -> go.Figure:
    """Share of each group's trusts with each intervention delivered (grouped horizontal bars)."""
    if table.empty:
        return theme.empty_figure("No trusts with a regime episode or intervention match the filters.")
    figure = theme.base_figure("Share of each group's trusts with each intervention delivered")
    for group in [g for g in GROUPS if g in set(table["evaluation_group"])]:
        part = table[table["evaluation_group"] == group]
        figure.add_bar(
            y=[label(INTERVENTION_LABELS, i) for i in part["intervention"]],
            x=part["share"],
            orientation="h",
            name=f"{label(GROUP_LABELS, group)} ({formats.count(part['trusts'].iloc[0])})",
            marker={"color": theme.GROUP_COLOURS[group]},
            customdata=part[["delivered", "trusts"]].to_numpy(),
            hovertemplate="%{y}: %{customdata[0]} of %{customdata[1]} (%{x:.0%})<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(
        barmode="group",
        height=460,
        # A little past 100%, so the 100% tick keeps its label.
        xaxis={
            "title": "Share of the group's trusts",
            "tickformat": ".0%",
            "range": [0, 1.04],
            "tick0": 0,
            "dtick": 0.2,
        },
        yaxis={"autorange": "reversed"},
        margin={"l": 170},
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def _uptake_groups_html(content: PackContent) -> str:
    table = uptake_by_group(content.uptake)
    if content.uptake is None:
        return _empty("Uptake by evaluation group was not gathered for this pack.")
    if table.empty:
        return _empty("No trusts with a regime episode or intervention match the filters.")
    groups = [g for g in GROUPS if g in set(table["evaluation_group"])]
    sizes = table.drop_duplicates("evaluation_group").set_index("evaluation_group")["trusts"]
    rows = []
    for intervention in INTERVENTIONS:
        part = table[table["intervention"] == intervention].set_index("evaluation_group")
        rows.append(
            [label(INTERVENTION_LABELS, intervention)]
            + [formats.share_of(int(part.loc[g, "delivered"]), int(part.loc[g, "trusts"])) for g in groups]
        )
    headers = ["Intervention"] + [f"{label(GROUP_LABELS, g)} ({formats.count(sizes[g])})" for g in groups]
    return (
        _table(headers, rows, "Trusts with each intervention delivered, of each group's trusts")
        + figure_html(uptake_group_figure(table), "pack-uptake-groups", 460)
        + '<p class="note">As in the evaluation\'s Table 3: of the trusts in each evaluation group (those that '
        "have been in a regime or had an intervention recorded), how many had each intervention delivered. "
        "Not delivered, no data and nothing recorded all count as not delivered here.</p>"
    )


def _outcomes_html(content: PackContent) -> str:
    if content.costs is None:
        return _empty("Outcomes by evaluation group were not gathered for this pack.")
    table = group_outcomes(content.costs)
    if table.empty:
        return _empty("No trusts with costs or a regime episode match the filters.")
    rows = [
        [
            label(GROUP_LABELS, r["evaluation_group"]),
            formats.count(r["trusts"]),
            formats.count(r["smq_trusts"]),
            formats.share_of(r["exited"], r["smq_trusts"]),
            formats.share_of(r["re_entered"], r["smq_trusts"]),
            formats.count(r["rated"]),
            formats.share_of(r["better"], r["rated"]),
            formats.share_of(r["same"], r["rated"]),
            formats.share_of(r["worse"], r["rated"]),
            formats.money(r["median_total_cost_gbp"]),
        ]
        for r in table.to_dict("records")
    ]
    headers = [
        "Evaluation group",
        "Trusts",
        "Been in SMQ",
        "Left SMQ",
        "Re-entered SMQ",
        "Rated at entry and now",
        "Rating better",
        "Rating the same",
        "Rating worse",
        "Median total cost",
    ]
    return (
        _table(headers, rows, "Exits, re-entries and rating change beside cost, by group")
        + '<p class="note">Left SMQ: at least one SMQ episode has ended; re-entered: more than one SMQ '
        "episode; both of the trusts that have been in SMQ. Rating change compares the latest overall CQC "
        "rating with the last one published on or before first SMQ entry, for the trusts that have both. "
        "Costs are every recorded cost row of the group's trusts.</p>"
    )


# Colours come from the theme; the rules below only name them.
_COLOURS = {
    "blue": theme.NHS_BLUE,
    "dark-blue": theme.NHS_DARK_BLUE,
    "dark": theme.NHS_BLACK,
    "grey": theme.NHS_DARK_GREY,
    "pale": theme.NHS_PALE_GREY,
    "yellow": theme.NHS_WARM_YELLOW,
    "red": theme.DARK_RED,
}
# Margin boxes do not inherit custom properties from :root, so the page number's colour is literal.
_PAGE_RULE = (
    "@page { size: A4 landscape; margin: 10mm 12mm 9mm;\n"
    '  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif; '
    f"color: {theme.NHS_DARK_GREY}; }}\n}}\n"
)
_RULES = """
* { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: var(--dark); margin: 0;
  background: color-mix(in srgb, var(--pale) 60%, white); line-height: 1.45; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 24px 48px; background: #fff; }
h1 { font-size: 28px; margin: 0 0 4px; color: var(--blue); }
h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 3px solid var(--blue); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
.meta dt { font-weight: bold; }
.meta dd { margin: 0; }
.notice { border-left: 6px solid var(--yellow); background: color-mix(in srgb, var(--yellow) 14%, white); padding: 8px 12px; margin: 12px 0; }
.confidential { border-left: 6px solid var(--red); background: color-mix(in srgb, var(--red) 8%, white); padding: 8px 12px; margin: 12px 0; font-weight: bold; }
.pack-section { margin-top: 32px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--pale); border-top: 4px solid var(--blue); padding: 10px 12px; }
.kpi-value { font-size: 28px; font-weight: bold; color: var(--dark-blue); }
.kpi-label { font-weight: bold; }
.kpi-note, .note { font-size: 13px; color: var(--grey); }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--pale); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--grey); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.two { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
figure.chart { margin: 8px 0 16px; }
.empty { color: var(--grey); font-style: italic; }
nav ol { margin: 4px 0; columns: 2; }
a { color: var(--blue); }
.pack-foot { margin-top: 40px; padding-top: 8px; border-top: 1px solid var(--pale); font-size: 13px; color: var(--grey); }
.pack-foot p { margin: 2px 0; }
.marking { color: var(--red); font-weight: bold; }
/* The frame that repeats blank space for the printed header and footer on every page. */
table.print-frame { width: 100%; margin: 0; border-collapse: collapse; font-size: inherit; }
table.print-frame > thead > tr > td, table.print-frame > tfoot > tr > td,
table.print-frame > tbody > tr > td { padding: 0; border: 0; }
.print-only { display: none; }
"""
_PRINT_RULES = """@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  .pack-section { break-before: page; page-break-before: always; margin-top: 0; }
  table, figure.chart, .kpis { break-inside: avoid; page-break-inside: avoid; }
  table.print-frame { break-inside: auto; page-break-inside: auto; }
  .print-only { display: block; }
  .print-head-space { height: 15mm; }
  .print-foot-space { height: 16mm; }
  .print-head, .print-foot { position: fixed; left: 0; right: 0; background: #fff; font-size: 8.5pt;
    color: var(--grey); line-height: 1.3; overflow: hidden; }
  .print-head { top: 0; height: 12mm; border-bottom: 1px solid var(--pale); padding-bottom: 1mm; }
  .print-foot { bottom: 0; height: 14mm; border-top: 1px solid var(--pale); padding-top: 1mm; }
  .print-head p, .print-foot p { margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .print-head .marking { font-size: 10pt; }
  .pack-foot { display: none; }
}
"""
CSS = (
    "\n:root { "
    + " ".join(f"--{name}: {value};" for name, value in _COLOURS.items())
    + " }"
    + _RULES
    + _PAGE_RULE
    + _PRINT_RULES
)


def _running_lines(prov: marking.Provenance) -> tuple[list[str], list[str]]:
    """The printed header's and footer's lines (HTML), from the provenance."""
    head = []
    if prov.marking:
        head.append(f'<p class="marking">{_e(prov.marking)}</p>')
    facts = [PACK_TITLE, f"{prov.dataset_words}, data as of {prov.as_of_words}"]
    if prov.synthetic_words:
        facts.append(prov.synthetic_words)
    facts.append(f"Prepared for: {prov.audience}")
    head.append(f"<p>{_e(' · '.join(facts))}</p>")
    foot = [
        f"<p>{_e(prov.source_line())} Generated {_e(prov.generated_words)}.</p>",
        f"<p>Filters: {_e(prov.filters_words)}</p>",
    ]
    if prov.marking:
        foot.insert(0, f'<p class="marking">{_e(prov.marking)}</p>')
    return head, foot


def build_html(content: PackContent, provenance: marking.Provenance | None = None) -> str:
    """The whole pack as one HTML document.

    `provenance` defaults to `pack_provenance(content)`. Whatever it says, a pack whose
    content includes CP information carries the marking: a caller cannot leave it off.
    """
    prov = provenance or pack_provenance(content)
    if not prov.includes_cp and content_cp_reasons(content, summaries=True):
        prov = replace(prov, includes_cp=True)
    meta_html = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in prov.details())
    banners = []
    if prov.synthetic:
        banners.append(
            f'<p class="notice" id="synthetic-notice"><strong>{_e(marking.SYNTHETIC_WORDS)}.</strong> Trusts, '
            "names and numbers are invented and describe no real NHS trust.</p>"
        )
    if prov.marking:
        banners.append(
            f'<p class="confidential" id="confidential-notice">{_e(prov.marking)}. This pack includes the '
            f"Challenged Providers ({_e(REGIME_SHORT['cp'])}) list: share it only with people entitled to see "
            "that list.</p>"
        )
    contents = "".join(
        f'<li><a href="#{a}">{_e(section_title(a, content.show_cp))}</a></li>' for a, _ in SECTIONS
    )
    figures = [
        content.counts_figure,
        content.groups_figure,
        content.types_figure,
        content.uptake_figure,
        uptake_group_figure(uptake_by_group(content.uptake)),
    ]
    head, foot = _running_lines(prov)
    foot_html = "".join(foot)
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(PACK_TITLE)} · data as of {_e(prov.as_of_words)}</title>\n"
        f"<style>{CSS}</style>\n"
        f'<script type="text/javascript">{plotly_bundle(bundle_for(figures))}</script>\n'
        "</head>\n<body>\n"
        f'<div class="print-only print-head" id="print-head">{"".join(head)}</div>\n'
        f'<div class="print-only print-foot" id="print-foot">{foot_html}</div>\n'
        '<table class="print-frame" role="presentation">'
        '<thead><tr><td><div class="print-only print-head-space"></div></td></tr></thead>'
        '<tfoot><tr><td><div class="print-only print-foot-space"></div></td></tr></tfoot>'
        "<tbody><tr><td>\n<main>\n<header>\n"
        f"<h1>{_e(PACK_TITLE)}</h1>\n"
        f'<dl class="meta" id="pack-meta">{meta_html}</dl>\n'
        + "".join(banners)
        + f'\n<nav aria-label="Contents"><strong>Contents</strong><ol>{contents}</ol></nav>\n</header>\n'
        + "\n".join(_sections(content))
        + f'\n<footer class="pack-foot" id="pack-foot">{foot_html}</footer>'
        + "\n</main>\n</td></tr></tbody></table>\n</body>\n</html>\n"
    )
