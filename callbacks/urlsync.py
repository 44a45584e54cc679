"""Keep page controls and the URL query string in step, both ways.

A control change writes the URL (so a copied link reproduces the view); a URL change (back,
forward, a pasted link) sets the controls. Which query key a control holds, and its default, come
from `data_access.filters` (`FIELD_KEYS` for the global filters, `PAGE_PARAMS` for a page's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dash import Input, Output, State, callback, no_update

from callbacks.common import filters_from
from data_access.filters import FIELD_KEYS, PAGE_PARAMS, Filters


@dataclass(frozen=True)
class UrlField:
    """A control bound to one query-string key. multi: the control holds a list."""

    component_id: str
    key: str
    multi: bool = False
    prop: str = "value"

    @property
    def default(self) -> str | None:
        param = PAGE_PARAMS.get(self.key)
        return param.default if param else ("calendar" if self.key == "align" else None)


def value_from(filters: Filters, field: UrlField):
    attr = FIELD_KEYS.get(field.key)
    if attr is None:
        return filters.extra(field.key)
    value = getattr(filters, attr)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value) if field.multi else (value[0] if value else field.default)
    return value


def apply_value(filters: Filters, field: UrlField, value) -> Filters:
    attr = FIELD_KEYS.get(field.key)
    if attr is None:
        text = value if isinstance(value, str) and value else None
        if text == field.default:
            text = None
        return filters.with_extra(field.key, text)
    if attr in ("date_from", "date_to"):
        try:
            return filters.with_(**{attr: date.fromisoformat(value) if value else None})
        except (TypeError, ValueError):
            return filters
    if attr == "align":
        return filters.with_(align=value if isinstance(value, str) and value else "calendar")
    if isinstance(value, list | tuple):
        items = tuple(str(v) for v in value if v not in (None, ""))
    else:
        items = (str(value),) if value not in (None, "") else ()
    return filters.with_(**{attr: items})


def search_for(filters: Filters) -> str:
    query = filters.to_query()
    return f"?{query}" if query else ""


def register_url_sync(url_id: str, fields: list[UrlField], name: str) -> None:
    """Register the two-way sync for a page's own controls (global filters have their own).

    Two callbacks, because a Dash callback must not mix inputs that exist on every page (the
    URL) with inputs that exist on one page only (its controls): on other pages the renderer
    would report the missing control. Controls → URL takes only the controls as inputs; URL →
    controls takes only the URL and is skipped by Dash when the controls are not on screen.
    Controls that already agree with the URL (as when the page is first drawn) write nothing, so
    ignored parameters keep their notices and no second answer is computed.
    """

    def controls_to_url(*values_and_search):
        *values, search = values_and_search
        filters, _ = filters_from(search)
        if all(value_from(filters, f) == v for f, v in zip(fields, values, strict=True)):
            return no_update
        updated = filters
        for f, value in zip(fields, values, strict=True):
            updated = apply_value(updated, f, value)
        new_search = search_for(updated)
        return no_update if new_search == (search if isinstance(search, str) else "") else new_search

    def url_to_controls(search, *shown):
        filters, _ = filters_from(search)
        wanted = [value_from(filters, f) for f in fields]
        return [
            no_update if value == current else value for value, current in zip(wanted, shown, strict=True)
        ]

    controls_to_url.__name__ = f"url_from_{name}_controls"
    url_to_controls.__name__ = f"{name}_controls_from_url"
    callback(
        Output(url_id, "search", allow_duplicate=True),
        *[Input(f.component_id, f.prop) for f in fields],
        State(url_id, "search"),
        prevent_initial_call=True,
    )(controls_to_url)
    callback(
        [Output(f.component_id, f.prop, allow_duplicate=True) for f in fields],  # a list: always a list back
        Input(url_id, "search"),
        *[State(f.component_id, f.prop) for f in fields],
        prevent_initial_call=True,
    )(url_to_controls)
