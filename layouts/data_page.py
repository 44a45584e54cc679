"""Data and methods page: definitions, the rules behind the groups and SPC, data quality, and
how to load real data.

The rules and the CSV format come from the code that applies them (`data_access.groups`,
`dashboard.spc`, `data_access.csv_format`), so this page cannot drift from what the app does.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard import cusum, effects, spc, theme
from dashboard.figures import data_quality as figures
from dashboard.figures.data_quality import file_spec_rows, key_words
from dashboard.labels import GROUP_LABELS, TYPE_LABELS, label
from data_access.csv_format import FILES, FileSpec
from data_access.filters import Filters
from data_access.groups import GROUP_RULES, SPELL_RULE
from data_access.viewer import Viewer
from data_access.vocab import CP_GROUPS
from layouts import components
from layouts.components import page_header

TITLE = "Data and methods"


class Ids:
    DATASET = "data-dataset"
    METRICS = "data-metrics"
    COVERAGE = "data-coverage"
    COVERAGE_NOTE = "data-coverage-note"
    NO_RATINGS = "data-no-ratings"
    IMPORTED = "data-imported"
    GROUP_RULES = "data-group-rules"
    SPC_RULES = "data-spc-rules"
    FORMAT = "data-format"


SECTIONS: tuple[tuple[str, str], ...] = (
    ("data-sec-dataset", "The dataset"),
    ("data-sec-metrics", "Metrics"),
    ("data-sec-groups", "Evaluation groups"),
    ("data-sec-spc", "SPC rules"),
    ("data-sec-effects", "Effect estimates"),
    ("data-sec-cusum", "Sequential monitoring (CUSUM)"),
    ("data-sec-quality", "Data quality"),
    ("data-sec-filters", "Filters in the address"),
    ("data-sec-format", "Loading real data"),
)


def _contents() -> html.Nav:
    return html.Nav(
        [
            html.H2("On this page", className="smq-small smq-strong dq-toc-title"),
            html.Ul(
                [html.Li(html.A(title, href=f"#{anchor}")) for anchor, title in SECTIONS],
                className="dq-toc-list",
            ),
        ],
        className="dq-toc",
        **{"aria-label": "On this page"},
    )


def group_rules(viewer: Viewer) -> html.Div:
    """The §3 rules in words; the two CP groups only for viewers who may see CP."""
    shown = [(code, rule) for code, rule in GROUP_RULES if viewer.sees_any_cp or code not in CP_GROUPS]
    items = []
    for code, rule in shown:
        items.append(
            html.Li(
                [
                    html.Span(GROUP_LABELS[code], className=f"group-chip group-chip--{code}"),
                    " ",
                    html.Span(rule),
                ],
                className="dq-rule",
            )
        )
    note = (
        "Each trust is put in one group: the first rule that matches wins, unless the trusts file "
        "names a group for it (the override)."
    )
    extra = None
    if not viewer.sees_any_cp:
        extra = html.P(
            "Two more groups depend on the confidential Challenged Providers list. In the public view "
            "their trusts appear under the rules above, as if they had never been on that list.",
            className="smq-muted smq-small",
        )
    spells = html.P(SPELL_RULE, id="data-spell-rule")
    return html.Div([spells, html.P(note), html.Ol(items, id=Ids.GROUP_RULES, className="dq-rules"), extra])


def spc_rules() -> html.Div:
    rules = spc.describe_rules()
    return html.Div(
        [
            html.P(
                "Statistical process control (SPC) charts follow NHS England's Making Data Count "
                "method: an XmR chart of each trust's own data."
            ),
            html.Dl(
                [part for title, text in rules for part in (html.Dt(title), html.Dd(text))],
                id=Ids.SPC_RULES,
                className="dq-dl",
            ),
        ]
    )


def effects_method() -> html.Div:
    """The comparative interrupted time series in words, with its limits (the numbers from the code)."""
    window = effects.WINDOW_MONTHS
    return html.Div(
        [
            html.P(
                "The impact page asks whether a metric changed after a regime event (entry into intensive support "
                "unless another is chosen), compared with trusts of the same type that were never in a regime. "
                "It is a comparative interrupted time series:"
            ),
            html.Ol(
                [
                    html.Li(
                        f"For each treated trust (a filtered trust that has the event) and each month from {window} "
                        f"months before its own event to {window} after, the difference between its value and the "
                        "mean of its comparators in the same calendar month. Comparators are the trusts of the same "
                        "type never in any regime, as far as you may see: the filters choose the treated trusts, "
                        "never the comparators."
                    ),
                    html.Li(
                        "One regression of those differences, all treated trusts of a group together, on the month "
                        "from the event, a step at the event and a change of slope after it. The step is the level "
                        "change; the change of slope is the trend change, per month."
                    ),
                    html.Li(
                        "95% confidence intervals from standard errors clustered by trust (a trust's months are not "
                        "independent of each other), with Student's t on one fewer degrees of freedom than trusts."
                    ),
                    html.Li(
                        f"A group needs at least {effects.MIN_TREATED_TRUSTS} treated trusts, each with "
                        f"{effects.MIN_POINTS_EACH_SIDE} months of differences either side of the event and "
                        f"{effects.MIN_COMPARATORS} comparators with data; below that the page says so instead of "
                        "estimating."
                    ),
                ]
            ),
            html.H3("Its limits", className="dq-h3"),
            html.Ul(
                [
                    html.Li(
                        "It is not a randomised comparison. Trusts were put into a regime because they were doing "
                        "badly; trusts never in one differ from them in ways the comparison cannot remove."
                    ),
                    html.Li(
                        "Regression to the mean: entry follows a bad inspection, often at a low point, and a metric "
                        "at a low point tends to rise again whatever is done. Part of any improvement after entry "
                        "may be that alone."
                    ),
                    html.Li(
                        "Entry follows a bad inspection, so the months before the event may already be moving "
                        "(the inspection itself, and the work it starts); the line before the event is not a clean "
                        "picture of what would have happened without it."
                    ),
                    html.Li(
                        "Trusts differ in their dates, and other programmes and national changes act at the same "
                        "time; the comparators share the calendar, but not every circumstance."
                    ),
                ]
            ),
        ],
        id="data-effects-method",
    )


def cusum_method() -> html.Div:
    """The tabular CUSUM in words (the contract's definition, with the code's defaults)."""
    return html.Div(
        [
            html.P(
                "A tabular CUSUM (cumulative sum) adds up small, persistent departures from a baseline, so a "
                "sustained shift shows sooner than on an XmR chart, whose limits are for single points."
            ),
            html.Ul(
                [
                    html.Li(
                        f"Baseline: the {cusum.BASELINE_POINTS} points before the trust's event chosen on the page "
                        f"(the time axis), or its first {cusum.BASELINE_POINTS} points when there is none. Its mean "
                        f"is the baseline mean; σ is the mean moving range of those points divided by {cusum.D2}."
                    ),
                    html.Li(
                        f"Slack k = {cusum.CUSUM_K:g}σ and decision interval h = {cusum.CUSUM_H:g}σ (cusum_k and "
                        "cusum_h in the address change them, in sigmas)."
                    ),
                    html.Li(
                        "From the first point after the baseline: upper sum = the larger of 0 and (previous upper sum "
                        "+ value − baseline mean − k); lower sum = the larger of 0 and (previous lower sum + baseline "
                        "mean − value − k)."
                    ),
                    html.Li(
                        "A signal when a sum passes h: up for the upper sum, down for the lower. Whether it is an "
                        "improvement or a concern follows the metric's direction. After a signal both sums start "
                        "again from 0. The baseline points, and any before them, have no sums."
                    ),
                ]
            ),
        ],
        id="data-cusum-method",
    )


def file_table(spec: FileSpec, show_cp: bool) -> html.Div:
    rows = file_spec_rows(spec, show_cp)
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in ("Column", "Required", "Key", "Accepts")]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(html.Code(row.name), scope="row"),
                    html.Td(row.required),
                    html.Td("Key" if row.key else ""),
                    html.Td(row.accepts, className="dq-accepts"),
                ]
            )
            for row in rows
        ]
    )
    caption = html.Caption([html.Code(spec.filename), f" — key: {key_words(spec)}"])
    return html.Div(
        html.Table(
            [caption, head, body], className="table table-sm dq-table", id=f"{Ids.FORMAT}-{spec.stem}"
        ),
        className="smq-table-wrap",
    )


def csv_format(viewer: Viewer) -> html.Div:
    return html.Div(
        [
            html.P(
                [
                    "Put the CSV files below in one folder and load them with ",
                    html.Code("smq-monitor import DIR"),
                    " (add ",
                    html.Code("--check"),
                    " to validate without writing). The files load in one transaction: a file with any "
                    "problem is rejected with every problem listed as ",
                    html.Code("file:line: column: reason"),
                    ", and the database stays as it was. ",
                    html.Code("smq-monitor export DIR"),
                    " writes the database back out in the same format.",
                ]
            ),
            html.Pre(
                html.Code("smq-monitor import DIR --check\nsmq-monitor import DIR"), className="dq-command"
            ),
            html.P(
                "UTF-8 (an Excel byte-order mark is fine), comma-separated, one header row, columns in any "
                "order. Codes are case-insensitive. A blank cell means unknown. Every file may be absent, "
                "trusts.csv too when every trust the other files name is already loaded; re-importing "
                "the same rows changes nothing.",
                className="smq-muted",
            ),
            html.Div([file_table(spec, viewer.sees_any_cp) for spec in FILES], className="dq-files"),
        ],
        id=Ids.FORMAT,
    )


def url_filters(viewer: Viewer) -> html.Div:
    """The query-string keys every page reads (§4), in the words of the filter bar."""
    cohorts = "support (the default: the first spell of SMQ or RSP), smq, rsp" + (
        " or cp (the Challenged Providers list)" if viewer.sees_any_cp else ""
    )
    rows = [
        (
            "type, group, region, icb, regime",
            "Trust type, evaluation group, region, ICB (the integrated care board, the trust's local system), regime ever held; each may repeat or be comma-separated: type=acute,community.",
        ),
        ("trust", "One trust's code (ODS), e.g. trust=RXX."),
        (
            "metric, align",
            "The metric shown, and what the trajectories align on (calendar, smq_entry, support_entry …).",
        ),
        (
            "from, to",
            "ISO dates (YYYY-MM-DD) that clip what is dated: episodes, ratings, metric periods, interventions and costs outside them are left out, and a regime filter counts only the episodes that meet them. They do not move a trust's first entry or exit, so its group and cohort stay as they are. A date before the data is moved to its first date, one after 2030 to the end of 2030, with a notice.",
        ),
        (
            "entered, exited",
            "Cohorts: the year (2000–2030) of a trust's first entry into, or first exit from, the regime named by cohort; each may repeat or be comma-separated (entered=2016,2017). entered=2016&exited=2019 is the trusts that entered in 2016 and first left in 2019.",
        ),
        ("cohort", f"What entered and exited count: {cohorts}."),
    ]
    return html.Div(
        [
            html.P(
                "Every filter is in the address, so a copied link reproduces the view. An unknown or "
                "malformed value is left out with a notice at the top of the page.",
            ),
            html.Dl(
                [part for key, words in rows for part in (html.Dt(html.Code(key)), html.Dd(words))],
                className="dq-url-filters",
            ),
        ]
    )


def _section(anchor: str, title: str, children, lede: str | None = None) -> html.Section:
    return html.Section(
        [
            html.H2(title, className="smq-card-title"),
            html.P(lede, className="smq-muted") if lede else None,
            html.Div(children, className="smq-card-body"),
        ],
        className="smq-card",
        id=anchor,
        tabIndex="-1",
    )


def dataset_list(info: dict) -> html.Dl:
    synthetic = (
        "Yes: invented trusts and numbers that describe no real NHS trust" if info.get("synthetic") else "No"
    )
    as_of = info.get("as_of")
    as_of_words = figures.when_words(info["as_of_effective"]) + (
        "" if as_of else " (no as-of date given: today)"
    )
    items = [
        ("Name", info.get("name") or "Not named"),
        ("As of", as_of_words),
        ("Synthetic", synthetic),
        ("Licence", info.get("licence") or "Not stated"),
        ("Notes", info.get("notes") or "None"),
        ("Last import", figures.when_words(info.get("imported_at"))),
    ]
    return html.Dl(
        [part for term, text in items for part in (html.Dt(term), html.Dd(text))],
        className="dq-dl dq-dl--short",
    )


def metrics_table(rows: list[dict[str, str]]) -> html.Table | html.Div:
    if not rows:
        return components.empty_state("No metric applies to the selected trust types.")
    columns = ("Metric", "Definition", "Unit", "Polarity", "Frequency", "Trust types", "Source")
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in columns]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(
                        [row["name"], html.Br(), html.Code(row["metric_id"], className="smq-small")],
                        scope="row",
                    ),
                    html.Td(
                        [
                            row["description"],
                            html.Div(row["domain"], className="smq-muted smq-small")
                            if row["domain"]
                            else None,
                        ]
                    ),
                    html.Td(row["unit"]),
                    html.Td(row["polarity"]),
                    html.Td(row["frequency"]),
                    html.Td(row["applies_to"]),
                    html.Td(row["source"]),
                ]
            )
            for row in rows
        ]
    )
    return html.Table([head, body], className="table table-sm dq-table dq-metrics", id="data-metrics-table")


NO_RATINGS_SHOWN = 50


def no_ratings_list(frame) -> html.Div | html.Ul:
    """Trusts without an overall rating: the first `NO_RATINGS_SHOWN` by name, then a count (a
    list of thousands of links would take the browser minutes to draw)."""
    if frame.empty:
        return components.empty_state(
            "Every filtered trust has an overall CQC rating.", icon="bi-check2-circle"
        )
    shown = frame.head(NO_RATINGS_SHOWN)
    rest = len(frame) - len(shown)
    return html.Div(
        [
            html.P(f"{len(frame):,} trust{'s' if len(frame) != 1 else ''}:", className="smq-small"),
            html.Ul(
                [
                    html.Li(
                        [
                            components.trust_link(t.trust_code, t.trust_name),
                            f" · {label(TYPE_LABELS, t.trust_type)}",
                            "" if t.any_domain_rating else " · no rating in any domain",
                        ]
                    )
                    for t in shown.itertuples(index=False)
                ],
                className="dq-no-ratings",
            ),
            html.P(
                f"… and {rest:,} more. Narrow the filters to list them, or download trusts.csv and "
                "ratings.csv to compare.",
                className="smq-muted smq-small",
                id="data-no-ratings-more",
            )
            if rest
            else None,
        ]
    )


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    del filters, notices
    return html.Div(
        [
            page_header(
                TITLE,
                "What each metric means and where it comes from, the rules behind the groups and the SPC "
                "charts, how complete the data is, and how to load real data.",
            ),
            _contents(),
            _section(
                "data-sec-dataset", "The dataset", dcc.Loading(html.Div(id=Ids.DATASET), delay_show=300)
            ),
            _section(
                "data-sec-metrics",
                "Metrics",
                dcc.Loading(html.Div(id=Ids.METRICS, className="smq-table-wrap"), delay_show=300),
                "The metrics that apply to the selected trust types, with their definitions.",
            ),
            _section("data-sec-groups", "Evaluation groups", group_rules(viewer)),
            _section("data-sec-spc", "SPC rules", spc_rules()),
            _section("data-sec-effects", "Effect estimates", effects_method()),
            _section("data-sec-cusum", "Sequential monitoring (CUSUM)", cusum_method()),
            _section(
                "data-sec-quality",
                "Data quality",
                [
                    dcc.Loading(
                        [
                            html.P(id=Ids.COVERAGE_NOTE, className="smq-small"),
                            components.chart(
                                Ids.COVERAGE,
                                theme.graph_config("data-coverage"),
                                class_name="smq-graph--tall",
                                delay_show=None,
                            ),
                        ],
                        delay_show=300,
                    ),
                    html.P(
                        "Expected trust-periods: the trusts a metric applies to (within the filters) times the "
                        "metric's periods in the year, one per month, quarter or year by its frequency, from its "
                        "first to its last period in the data. A blank value counts as missing.",
                        className="smq-muted smq-small",
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.H3("Trusts with no overall CQC rating", className="dq-h3"),
                                    dcc.Loading(html.Div(id=Ids.NO_RATINGS), delay_show=300),
                                ]
                            ),
                            html.Div(
                                [
                                    html.H3("Last import", className="dq-h3"),
                                    dcc.Loading(html.Div(id=Ids.IMPORTED), delay_show=300),
                                ]
                            ),
                        ],
                        className="smq-grid-2",
                    ),
                ],
            ),
            _section("data-sec-filters", "Filters in the address", url_filters(viewer)),
            _section("data-sec-format", "Loading real data", csv_format(viewer)),
        ],
        className="dq-page",
    )
