"""The frame's links and controls that follow the URL beside the global filters.

- The filter bar's cohort and ICB controls ⇄ URL (`icb`, `cohort`, `entered`, `exited`, §4): they
  sit in the frame on every page and are kept in step by the same two-way sync a page's own
  controls use.
- On a phone, the button that shows and hides the filter bar.
- The "Sign in" links carry `next=` the page being read, so signing in from a shared link lands
  back on it (the sign-in handler accepts only a local path).
"""

from __future__ import annotations

from dash import Input, Output, callback, clientside_callback, no_update

from callbacks.common import filters_from
from callbacks.urlsync import UrlField, register_url_sync
from data_access.filters import COHORT_DEFAULT
from layouts.ids import Filter, Shell

COHORT_FIELDS = [
    UrlField(Filter.ICB, "icb", multi=True),
    UrlField(Filter.COHORT, "cohort"),
    UrlField(Filter.ENTERED, "entered", multi=True),
    UrlField(Filter.EXITED, "exited", multi=True),
]

register_url_sync(Shell.URL, COHORT_FIELDS, "cohort")


@callback(Output(Filter.MORE, "open"), Input(Shell.URL, "search"))
def open_when_set(search: str | None):
    """A link that sets a cohort or an ICB opens the section, so the selection is in view (and
    a section the user opened stays open)."""
    filters, _ = filters_from(search)
    chosen = filters.icbs or filters.entered or filters.exited or filters.cohort_event != COHORT_DEFAULT
    return True if chosen else no_update


# Clientside: the links must follow every navigation, and a server round trip per page change
# would buy nothing. Signed in, the links are not on the page and Dash skips this.
clientside_callback(
    """function(pathname, search) {
        var here = (pathname || "/") + (search || "");
        if ((pathname || "").indexOf("/login") === 0) { return ["/login" + (search || ""), "/login" + (search || "")]; }
        var href = here === "/" ? "/login" : "/login?next=" + encodeURIComponent(here);
        return [href, href];
    }""",
    Output(Shell.SIGN_IN, "href"),
    Output(Shell.SIGN_IN_NOTICE, "href"),
    Input(Shell.URL, "pathname"),
    Input(Shell.URL, "search"),
)


# On a phone the filter bar sits behind a button (assets CSS hides it below 576 px unless open);
# clientside, because opening a panel needs no data.
clientside_callback(
    """function(n) {
        var open = (n || 0) % 2 === 1;
        return [open ? "smq-filter-wrap is-open" : "smq-filter-wrap", open ? "true" : "false"];
    }""",
    Output(Shell.FILTER_WRAP, "className"),
    Output(Shell.FILTER_TOGGLE, "aria-expanded"),
    Input(Shell.FILTER_TOGGLE, "n_clicks"),
    prevent_initial_call=True,
)
