"""The findings pack: one self-contained HTML file summarising the filtered view (pure).

`PackContent` holds what the pack says, already built for one viewer from the same queries and
builders as the pages (see `dashboard.report_jobs.gather`); `build_html` turns it into a file
that opens anywhere, offline: the CSS is inline, and plotly.js is inlined once in the head, so
the file makes no network request. plotly.js carries URLs in string literals it only uses for
maps and its logo link; they are written with escaped slashes (``https:\\/\\/``, the same
string to JavaScript), so the file holds no ``://`` that a checker or a strict proxy could take
for a reference to another origin.

Printing gives one section per A4 landscape page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

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

PACK_TITLE = "smq-monitor findings pack"
FIGURE_WIDTH_PX = 980  # fits the printable width of A4 landscape with 12 mm margins
SECTIONS: tuple[tuple[str, str], ...] = (
    ("headlines", "Headline figures"),
    ("national-counts", "National SMQ and CP counts over time"),
    ("groups-types", "Evaluation groups and trust types"),
    ("timelines", "Timelines summary"),
    ("uptake", "Intervention uptake"),
    ("costs", "Cost-consequence summary"),
    ("data-notes", "Data notes"),
)
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
        words.append("Trust: " + ", ".join(f"{names.get(t, t)} ({t})" for t in filters.trusts))
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


# --------------------------------------------------------------------------------------------
# HTML


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text))


def _gbp(value: float) -> str:
    return "–" if pd.isna(value) else f"£{value:,.0f}"


def _share(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.0%}"


def _number(value: float, digits: int = 0) -> str:
    return "–" if pd.isna(value) else f"{value:,.{digits}f}"


@lru_cache(maxsize=1)
def plotly_bundle() -> str:
    """plotly.js with every ``://`` written ``:\\/\\/`` (identical strings to JavaScript)."""
    return get_plotlyjs().replace("://", ":\\/\\/")


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
                _gbp(r["median_total_cost_gbp"]),
                _gbp(r["median_cost_per_month_gbp"]),
                _number(r["median_smq_months"]),
                _share(r["exited_share"]),
                _share(r["rating_better_share"]),
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
    bodies = [headlines, counts, groups, timelines, uptake, costs, f"<ul>{notes}</ul>"]
    return [
        _section(anchor, i, title, body)
        for i, ((anchor, title), body) in enumerate(zip(SECTIONS, bodies, strict=True), start=1)
    ]


CSS = """
:root { --blue: #005EB8; --dark: #212B32; --grey: #425563; --pale: #E8EDEE; }
* { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: var(--dark); margin: 0; background: #F0F4F5; line-height: 1.45; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 24px 48px; background: #fff; }
h1 { font-size: 28px; margin: 0 0 4px; color: var(--blue); }
h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 3px solid var(--blue); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
.meta dt { font-weight: bold; }
.meta dd { margin: 0; }
.notice { border-left: 6px solid #FFB81C; background: #FFF6DF; padding: 8px 12px; margin: 12px 0; }
.confidential { border-left: 6px solid #7A1A12; background: #FBEDEB; padding: 8px 12px; margin: 12px 0; font-weight: bold; }
.pack-section { margin-top: 32px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--pale); border-top: 4px solid var(--blue); padding: 10px 12px; }
.kpi-value { font-size: 28px; font-weight: bold; color: #003087; }
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
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  .pack-section { break-before: page; page-break-before: always; margin-top: 0; }
  table, figure.chart, .kpis { break-inside: avoid; page-break-inside: avoid; }
}
"""


def build_html(content: PackContent) -> str:
    """The whole pack as one HTML document."""
    generated = f"{content.generated_at:%d %B %Y at %H:%M} UTC"
    meta = [
        ("Generated", generated),
        ("Data as of", date_words(content.as_of)),
        ("Dataset", content.dataset_name or "Not named"),
        ("Licence", content.licence or "Not stated"),
        ("Prepared for", content.audience),
        ("Filters applied", "; ".join(content.filter_words)),
    ]
    meta_html = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta)
    banners = []
    if content.synthetic:
        banners.append(
            '<p class="notice" id="synthetic-notice"><strong>Synthetic demo data.</strong> Trusts, names and numbers '
            "are invented and describe no real NHS trust.</p>"
        )
    if content.show_cp:
        banners.append(
            '<p class="confidential" id="confidential-notice">Confidential: this pack includes the Challenged '
            f"Providers ({_e(REGIME_SHORT['cp'])}) list. Share it only with people entitled to see that list.</p>"
        )
    contents = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in SECTIONS)
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(PACK_TITLE)} · data as of {_e(date_words(content.as_of))}</title>\n"
        f"<style>{CSS}</style>\n"
        f'<script type="text/javascript">{plotly_bundle()}</script>\n'
        "</head>\n<body>\n<main>\n<header>\n"
        f"<h1>{_e(PACK_TITLE)}</h1>\n"
        f'<dl class="meta" id="pack-meta">{meta_html}</dl>\n'
        + "".join(banners)
        + f'\n<nav aria-label="Contents"><strong>Contents</strong><ol>{contents}</ol></nav>\n</header>\n'
        + "\n".join(_sections(content))
        + "\n</main>\n</body>\n</html>\n"
    )
