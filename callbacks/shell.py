"""The frame's callbacks: routing, the global filter bar ⇄ URL, the outage banner, nav links."""

from __future__ import annotations

import json

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update

from callbacks.common import filters_from, log, prefill, viewer
from callbacks.urlsync import UrlField, apply_value, date_problem, search_for, seen_stores, value_from
from data_access import db
from data_access.errors import DatabaseUnavailable
from layouts import components
from layouts.components import DOWNLOAD_LINK
from layouts.ids import Filter, Shell
from layouts.pages import nav_pages, not_found, render, resolve

GLOBAL_FIELDS = [
    UrlField(Filter.TYPE, "type", multi=True),
    UrlField(Filter.GROUP, "group", multi=True),
    UrlField(Filter.REGION, "region", multi=True),
    UrlField(Filter.REGIME, "regime", multi=True),
    UrlField(Filter.FROM, "from", typed=True),
    UrlField(Filter.TO, "to", typed=True),
    UrlField(Filter.FROM_PICKER, "from"),
    UrlField(Filter.TO_PICKER, "to"),
    UrlField(Filter.TRUST, "trust"),
    UrlField(Filter.ICB, "icb", multi=True),
    UrlField(Filter.COHORT, "cohort"),
    UrlField(Filter.ENTERED, "entered", multi=True),
    UrlField(Filter.EXITED, "exited", multi=True),
]


# From and To are each typed or picked from a calendar: two controls for one key, and only the
# one the user changed speaks for it.
_TWINNED = {f.key for f in GLOBAL_FIELDS if sum(g.key == f.key for g in GLOBAL_FIELDS) > 1}
DATE_LABELS = {"from": "From", "to": "To"}


def _text(value) -> str:
    """A URL part as text: a hand-made request may send anything else."""
    return value if isinstance(value, str) else ""


@callback(
    Output(Shell.PAGE, "children"),
    Output(Shell.TITLE, "data"),
    Output("filter-bar-wrap", "hidden"),
    Input(Shell.URL, "pathname"),
    State(Shell.URL, "search"),
)
def route(pathname: str | None, search: str | None):
    pathname, search = _text(pathname) or "/", _text(search)
    page, kwargs = resolve(pathname)
    if page is None:
        return not_found(pathname), "Page not found", True
    filters, notices = filters_from(search)
    try:
        content = prefill(render(page, filters, viewer(), notices, search, kwargs), search, pathname)
        content = [content, *seen_stores(content)]
    except DatabaseUnavailable:
        content = components.error_state()
    except Exception:  # a page bug must not become a blank screen or a 500
        log.exception("rendering %s failed", pathname)
        content = components.error_state("This page could not be shown. The error has been logged.")
    return content, page.title, not page.filter_bar


clientside_callback(
    "function(title) { if (title) { document.title = title + ' · smq-monitor'; } return ''; }",
    Output(Shell.TITLE, "id", allow_duplicate=True),
    Input(Shell.TITLE, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(Shell.URL, "search", allow_duplicate=True),
    Output(Shell.NOTICES, "children"),
    *[Output(f.component_id, f.prop) for f in GLOBAL_FIELDS],
    Input(Shell.URL, "search"),
    Input(Shell.FILTER_RESET, "n_clicks"),
    *[Input(f.component_id, f.prop) for f in GLOBAL_FIELDS],
    State(Shell.URL, "pathname"),
    prevent_initial_call="initial_duplicate",
)
def sync_global_filters(search: str | None, _reset, *values_and_path):
    """URL → filter bar (initial load, back/forward, links); filter bar → URL (user change)."""
    *values, pathname = values_and_path
    filters, notices = filters_from(search)
    trigger = ctx.triggered_id
    if trigger == Shell.FILTER_RESET:
        cleared = filters
        for field in GLOBAL_FIELDS:
            cleared = apply_value(cleared, field, [] if field.multi else None)
        return search_for(cleared), [], *[[] if f.multi else None for f in GLOBAL_FIELDS]
    if trigger is None or trigger == Shell.URL:
        page, _ = resolve(pathname)
        shown = components.notices(notices) if page is None or page.filter_bar else []
        # A page may rewrite the URL without the ignored values: the notice about them stays
        # (until dismissed, or until the user changes a filter).
        return no_update, shown or no_update, *[value_from(filters, f) for f in GLOBAL_FIELDS]
    updated = filters
    problems = []
    for field, value in zip(GLOBAL_FIELDS, values, strict=True):
        if field.key in _TWINNED and field.component_id != trigger:
            continue  # the URL already holds what the control the user did not touch shows
        problem = date_problem(field, value, DATE_LABELS.get(field.key, field.key))
        if problem:
            problems.append(problem)
            continue
        updated = apply_value(updated, field, value)
    new_search = search_for(updated)
    shown = components.notices(problems) if problems else []
    # A date typed or picked shows in both its controls as they write it (01/03/2016 for 1/3/2016).
    changed = next((f.key for f in GLOBAL_FIELDS if f.component_id == trigger and f.key in _TWINNED), None)
    echoed = [
        value_from(updated, f) if changed and f.key == changed and not problems else no_update
        for f in GLOBAL_FIELDS
    ]
    if new_search == (search or ""):
        return no_update, shown or no_update, *echoed
    return new_search, shown, *echoed


# Navigation keeps the filters, so moving between views keeps the selection. In the browser: no
# request to the server on any page load or filter change.
clientside_callback(
    """function(search, pathname) {
        var paths = NAV_PATHS;
        var current = (pathname || "/").replace(/\\/+$/, "") || "/";
        var query = typeof search === "string" ? search : "";
        return paths.map(function (p) { return p + query; }).concat(
            paths.map(function (p) { return p === current ? "smq-nav-link active" : "smq-nav-link"; }));
    }""".replace("NAV_PATHS", json.dumps([p.path for p in nav_pages()])),
    *[Output(p.nav_id, "href") for p in nav_pages()],
    *[Output(p.nav_id, "className") for p in nav_pages()],
    Input(Shell.URL, "search"),
    Input(Shell.URL, "pathname"),
)


clientside_callback(
    """function(search, ids) {
        // A person's CSV starts with its provenance line (scripts asking without it get the header first).
        var query = search || "";
        return ids.map(function (id) {
            var extra = id.format === "csv" ? (query ? "&" : "?") + "provenance=1" : "";
            return "/download/" + id.view + "." + id.format + query + extra;
        });
    }""",
    Output({"type": DOWNLOAD_LINK, "view": ALL, "format": ALL}, "href"),
    Input(Shell.URL, "search"),
    State({"type": DOWNLOAD_LINK, "view": ALL, "format": ALL}, "id"),
)


# Not on page load: the page's content already says when the database is down; the banner
# follows on the first tick and clears by itself when the database answers again.
@callback(Output(Shell.OUTAGE, "hidden"), Input(Shell.HEALTH_TIMER, "n_intervals"), prevent_initial_call=True)
def outage_banner(_n) -> bool:
    return db.ping()
