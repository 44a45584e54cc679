"""The frame around every page: header, navigation, banners, global filter bar, footer."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import g

from dashboard import formats
from dashboard.labels import GROUP_LABELS, REGIME_LABELS, ROLE_LABELS, TYPE_LABELS
from data_access import queries
from data_access.errors import DatabaseUnavailable
from data_access.filters import COHORT_EVENTS, REGIME_FILTERS
from data_access.viewer import Viewer
from data_access.vocab import CP_GROUPS, GROUPS, TRUST_TYPES
from layouts import context
from layouts.ids import Filter, Shell
from layouts.pages import nav_pages


def _options(mapping: dict[str, str], codes) -> list[dict]:
    return [{"label": mapping[c], "value": c} for c in codes]


def group_options(viewer: Viewer) -> list[dict]:
    """Only groups the viewer may see are offered (the data layer enforces it regardless)."""
    codes = [g for g in GROUPS if viewer.sees_everything or viewer.trusts or g not in CP_GROUPS]
    return _options(GROUP_LABELS, codes)


def regime_options(viewer: Viewer) -> list[dict]:
    codes = [r for r in REGIME_FILTERS if viewer.sees_everything or viewer.trusts or r != "cp"]
    labels = {"smq": "Ever in SMQ", "rsp": "Ever in RSP", "cp": "Ever in CP", "none": REGIME_LABELS["none"]}
    return _options(labels, codes)


def header(viewer: Viewer) -> html.Header:
    if viewer.username:
        user = html.Div(
            [
                html.Span(
                    [
                        html.I(className="bi bi-person-circle", **{"aria-hidden": "true"}),
                        f" {viewer.username}",
                    ]
                ),
                html.Span(ROLE_LABELS.get(viewer.role, viewer.role), className="smq-role badge"),
                html.A("Sign out", href="/logout", className="smq-signout"),
            ],
            className="smq-user",
            id="smq-user",
        )
    else:
        user = html.Div(
            [
                html.Span(ROLE_LABELS["public"], className="smq-role badge"),
                html.A(
                    [html.I(className="bi bi-box-arrow-in-right", **{"aria-hidden": "true"}), " Sign in"],
                    href="/login",
                    className="smq-signin",
                    id=Shell.SIGN_IN,
                ),
            ],
            className="smq-user",
            id="smq-user",
        )
    links = [
        dcc.Link(
            page.title if page.path != "/" else "Overview",
            href=page.path,
            className="smq-nav-link",
            id=page.nav_id,
        )
        for page in nav_pages()
    ]
    return html.Header(
        [
            html.A("Skip to main content", href="#main", className="smq-skip-link"),
            html.Div(
                [
                    dcc.Link(
                        [
                            html.Span("smq-monitor", className="smq-wordmark"),
                            html.Span(
                                "Special Measures for Quality and Challenged Providers",
                                className="smq-tagline",
                            ),
                        ],
                        href="/",
                        className="smq-brand",
                    ),
                    user,
                ],
                className="smq-header-top",
            ),
            html.Nav(links, className="smq-nav", id=Shell.NAV, **{"aria-label": "Main"}),
        ],
        className="smq-header",
    )


def synthetic_banner(info: dict) -> html.Div | None:
    if not info.get("synthetic"):
        return None
    return html.Div(
        [
            html.I(className="bi bi-exclamation-diamond", **{"aria-hidden": "true"}),
            html.Strong(" Synthetic demo data. "),
            "Trusts, names and numbers are invented and describe no real NHS trust. ",
            html.A("About the data", href="/data"),
        ],
        className="smq-synthetic-banner",
        role="note",
        id="synthetic-banner",
    )


def public_notice(viewer: Viewer) -> html.Div | None:
    if viewer.username:
        return None
    return html.Div(
        [
            html.I(className="bi bi-lock", **{"aria-hidden": "true"}),
            " You are seeing the public view. Some data, including the confidential Challenged Providers list, needs ",
            html.A("signing in", href="/login", id=Shell.SIGN_IN_NOTICE),
            ".",
        ],
        className="smq-public-notice smq-small",
        id="public-notice",
    )


def cohort_options(viewer: Viewer) -> list[dict]:
    """What the cohort years count; the CP list is offered only to those who may see it."""
    labels = {
        "support": "Intensive support (SMQ or RSP)",
        "smq": "SMQ",
        "rsp": "RSP",
        "cp": "Challenged Providers list",
    }
    codes = [c for c in COHORT_EVENTS if viewer.sees_any_cp or c != "cp"]
    return _options(labels, codes)


def year_options(first: int, last: int) -> list[dict]:
    return [{"label": str(y), "value": str(y)} for y in range(first, last + 1)]


FILTER_HELP = (
    "From and To clip what is dated: episodes, ratings, metric periods, interventions and costs "
    "outside the dates are left out, and a regime filter counts only episodes that meet them. "
    "They do not clip a trust's first entry or exit, so groups and cohorts stay as they are; "
    "dates before the data or after 2030 are moved to the nearest end. "
    "Entered and Exited pick trusts by the year of their first entry into, or first exit from, "
    "the cohort's regime (for example trusts that entered SMQ in 2016)."
)


DATE_HINT = "dd/mm/yyyy"


def date_field(label: str, input_id: str, picker_id: str) -> html.Div:
    """A date typed as UK readers write it, dd/mm/yyyy, whatever the browser's language (a native
    date input shows mm/dd/yyyy to an American browser), with a calendar button beside it.

    The calendar is a native date input kept out of sight and out of the tab order
    (assets/zz-js/date-fields.js opens it from the button); the date it picks reaches the URL
    as an ISO date like the typed one (callbacks.shell)."""
    return html.Div(
        [
            html.Label(
                [label, html.Span(f" ({DATE_HINT})", className="visually-hidden")],
                htmlFor=input_id,
                className="smq-filter-label",
            ),
            html.Div(
                [
                    dcc.Input(
                        id=input_id,
                        type="text",
                        inputMode="numeric",
                        placeholder=DATE_HINT,
                        pattern=r"\d{1,2}/\d{1,2}/\d{4}",
                        maxLength=10,
                        autoComplete="off",
                        debounce=True,
                        className="form-control form-control-sm smq-date-text",
                    ),
                    html.Button(
                        html.I(className="bi bi-calendar3", **{"aria-hidden": "true"}),
                        type="button",
                        className="btn btn-outline-secondary btn-sm smq-date-open",
                        title=f"Choose the {label.lower()} date from a calendar",
                        **{
                            "aria-label": f"Choose the {label.lower()} date from a calendar",
                            "data-picker": picker_id,
                        },
                    ),
                    html.Label(
                        f"{label} date, from a calendar", htmlFor=picker_id, className="visually-hidden"
                    ),
                    dcc.Input(id=picker_id, type="date", className="smq-date-picker"),
                ],
                className="smq-date",
            ),
        ],
        className="smq-filter smq-filter-date",
    )


def filter_bar(
    viewer: Viewer,
    regions: list[str],
    trusts: list[dict],
    icbs: list[str] | None = None,
    years: tuple[int, int] = (2013, 2030),
) -> html.Section:
    def field(label: str, component, width: str = "") -> html.Div:
        return html.Div(
            [html.Label(label, htmlFor=component.id, className="smq-filter-label"), component],
            className=f"smq-filter {width}",
        )

    return html.Section(
        [
            html.H2("Filters", className="visually-hidden"),
            field(
                "Trust type",
                dcc.Dropdown(
                    id=Filter.TYPE,
                    options=_options(TYPE_LABELS, TRUST_TYPES),
                    multi=True,
                    placeholder="All types",
                ),
            ),
            field(
                "Evaluation group",
                dcc.Dropdown(
                    id=Filter.GROUP, options=group_options(viewer), multi=True, placeholder="All groups"
                ),
            ),
            field(
                "Region",
                dcc.Dropdown(
                    id=Filter.REGION,
                    options=[{"label": r, "value": r} for r in regions],
                    multi=True,
                    placeholder="All regions",
                ),
            ),
            field(
                "Regime",
                dcc.Dropdown(id=Filter.REGIME, options=regime_options(viewer), multi=True, placeholder="Any"),
            ),
            date_field("From", Filter.FROM, Filter.FROM_PICKER),
            date_field("To", Filter.TO, Filter.TO_PICKER),
            field(
                "Trust",
                dcc.Dropdown(
                    id=Filter.TRUST,
                    options=trusts,
                    placeholder="Search trusts by name or code",
                    searchable=True,
                    clearable=True,
                ),
                "smq-filter-wide",
            ),
            html.Div(
                html.Button(
                    [html.I(className="bi bi-x-circle", **{"aria-hidden": "true"}), " Clear"],
                    id=Shell.FILTER_RESET,
                    className="btn btn-link btn-sm",
                    type="button",
                ),
                className="smq-filter smq-filter-actions",
            ),
            html.Details(
                [
                    html.Summary(
                        "More filters: ICB, cohort by year of entry or exit; what From and To clip",
                        className="smq-filter-more-summary",
                    ),
                    html.Div(
                        [
                            field(
                                "ICB",
                                dcc.Dropdown(
                                    id=Filter.ICB,
                                    options=[{"label": i, "value": i} for i in icbs or []],
                                    multi=True,
                                    placeholder="All ICBs",
                                ),
                            ),
                            field(
                                "Cohort of",
                                dcc.Dropdown(
                                    id=Filter.COHORT,
                                    options=cohort_options(viewer),
                                    placeholder="Intensive support (SMQ or RSP)",
                                ),
                            ),
                            field(
                                "Entered in",
                                dcc.Dropdown(
                                    id=Filter.ENTERED,
                                    options=year_options(*years),
                                    multi=True,
                                    placeholder="Any year",
                                ),
                            ),
                            field(
                                "Exited in",
                                dcc.Dropdown(
                                    id=Filter.EXITED,
                                    options=year_options(*years),
                                    multi=True,
                                    placeholder="Any year",
                                ),
                            ),
                        ],
                        className="smq-filter-more-fields",
                    ),
                    html.P(FILTER_HELP, className="smq-filter-help smq-small", id="filter-help"),
                ],
                id=Filter.MORE,
                className="smq-filter-more",
            ),
        ],
        className="smq-filterbar",
        id=Shell.FILTER_BAR,
        **{"aria-label": "Filters"},
    )


def footer(info: dict) -> html.Footer:
    parts = [html.Span("smq-monitor")]
    if info.get("name"):
        parts.append(html.Span(f" · {info['name']}"))
    if info.get("as_of_effective"):
        parts.append(html.Span(f" · data as of {formats.long_date(info['as_of_effective'])}"))
    if info.get("licence"):
        parts.append(html.Span(f" · {info['licence']}"))
    parts.append(html.Span([" · ", html.A("Data and methods", href="/data")]))
    return html.Footer(
        parts, className="smq-footer", id="smq-footer", **{"data-chart-source": chart_source(info)}
    )


def chart_source(info: dict) -> str:
    """The source line an exported chart carries (read by assets/zz-js/chart-export.js)."""
    words = [f"Source: {info['name']}, in smq-monitor" if info.get("name") else "Source: smq-monitor"]
    if info.get("as_of_effective"):
        words.append(f"data as of {formats.long_date(info['as_of_effective'])}")
    if info.get("synthetic"):
        words.append("SYNTHETIC DEMO DATA, not real trusts")
    return " · ".join(words)


def layout() -> html.Div:
    """Built per request: the viewer and the dataset decide what the frame shows."""
    viewer = context.viewer()
    outage = False
    try:
        if g.get("smq_setup"):  # the app factory's one call while setting up: no database at boot
            raise DatabaseUnavailable("not read while the app starts")
        info = queries.dataset_info()
        trusts = queries.trusts(viewer)
        regions = sorted(trusts["region"].dropna().unique())
        icbs = sorted(trusts["icb"].dropna().unique())
        known = queries.known_values()
        first_year = known.first_date.year if known.first_date else 2013
        years = (first_year, max(first_year, info["as_of_effective"].year))
        trust_options = [
            {"label": f"{name} ({code})", "value": code}
            for code, name in zip(trusts["trust_code"], trusts["trust_name"], strict=True)
        ]
    except DatabaseUnavailable:
        outage = True
        info, regions, trust_options, icbs, years = {}, [], [], [], (2013, 2030)
    return html.Div(
        [
            dcc.Location(id=Shell.URL, refresh="callback-nav"),
            dcc.Interval(id=Shell.HEALTH_TIMER, interval=10_000),
            dcc.Store(id=Shell.TITLE),
            dcc.Store(id=Shell.CONTROLS),
            header(viewer),
            html.Div(
                dbc.Alert(
                    [
                        html.I(className="bi bi-database-x", **{"aria-hidden": "true"}),
                        " The database is not answering. Figures may be missing; the page recovers by itself when it returns.",
                    ],
                    color="danger",
                    className="smq-outage-banner mb-0",
                ),
                id=Shell.OUTAGE,
                hidden=not outage,
                role="alert",
            ),
            synthetic_banner(info),
            html.Div(
                [
                    public_notice(viewer),
                    html.Div(id=Shell.NOTICES, className="smq-notices", **{"aria-live": "polite"}),
                    html.Div(
                        [
                            html.Button(
                                [html.I(className="bi bi-funnel", **{"aria-hidden": "true"}), " Filters"],
                                id=Shell.FILTER_TOGGLE,
                                className="btn btn-outline-primary btn-sm smq-filter-toggle",
                                type="button",
                                **{"aria-expanded": "false", "aria-controls": Shell.FILTER_BAR},
                            ),
                            filter_bar(viewer, regions, trust_options, icbs, years),
                        ],
                        id=Shell.FILTER_WRAP,
                        className="smq-filter-wrap",
                    ),
                    html.Main(
                        # Only a new page hides the page: a page's own parts show their own loading
                        # states (the trust profile's skeletons), so one slow part never blanks the rest.
                        dcc.Loading(
                            html.Div(id=Shell.PAGE),
                            delay_show=400,
                            type="default",
                            parent_className="smq-page-loading",
                            target_components={Shell.PAGE: "children"},
                        ),
                        id="main",
                        tabIndex="-1",
                    ),
                ],
                className="smq-container",
            ),
            footer(info),
        ],
        className="smq-app",
    )
