"""The frame's links and controls that follow the URL beside the global filters.

- The filter bar's "More filters" section (ICB and cohort: `icb`, `cohort`, `entered`, `exited`,
  §4; kept in step with the URL with the other global filters, `callbacks.shell`) opens when the
  URL sets one of them.
- On a phone, the button that shows and hides the filter bar.
- The "Sign in" links carry `next=` the page being read, so signing in from a shared link lands
  back on it (the sign-in handler accepts only a local path).
"""

from __future__ import annotations

import json

from dash import Input, Output, clientside_callback

from data_access.filters import COHORT_DEFAULT
from layouts.ids import Filter, Shell

# A link that sets a cohort or an ICB opens the section, so the selection is in view (and a
# section the user opened stays open). In the browser: no request on any page load.
clientside_callback(
    """function(search) {
        var params = new URLSearchParams(search || "");
        var cohort = params.get("cohort");
        var chosen = ["icb", "entered", "exited"].some(function (k) { return !!params.get(k); })
            || (!!cohort && cohort !== DEFAULT);
        return chosen ? true : dash_clientside.no_update;
    }""".replace("DEFAULT", json.dumps(COHORT_DEFAULT)),
    Output(Filter.MORE, "open"),
    Input(Shell.URL, "search"),
)


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
