"""The filter bar's cohort and ICB controls ⇄ URL (`icb`, `cohort`, `entered`, `exited`, §4).

They sit in the frame on every page, beside the global filters, and are kept in step with the URL
by the same two-way sync a page's own controls use.
"""

from __future__ import annotations

from dash import Input, Output, callback, no_update

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
