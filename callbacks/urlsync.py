"""Keep page controls and the URL query string in step, both ways.

A control change writes the URL (so a copied link reproduces the view); a URL change (back,
forward, a pasted link) sets the controls. Which query key a control holds, and its default, come
from `data_access.filters` (`FIELD_KEYS` for the global filters, `PAGE_PARAMS` for a page's own).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dash import Input, Output, State, callback, clientside_callback, dcc, no_update

from callbacks.common import by_id, filters_from
from dashboard.formats import parse_typed_date, typed_date
from data_access.filters import FIELD_KEYS, PAGE_PARAMS, Filters
from layouts.ids import Shell


@dataclass(frozen=True)
class UrlField:
    """A control bound to one query-string key. multi: the control holds a list. typed: a date
    the control shows and takes as people type it, dd/mm/yyyy (the URL keeps ISO dates)."""

    component_id: str
    key: str
    multi: bool = False
    prop: str = "value"
    typed: bool = False

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
        return typed_date(value) if field.typed else value.isoformat()
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
            return filters.with_(**{attr: _read_date(field, value) if value else None})
        except (TypeError, ValueError):
            return filters
    if attr == "align":
        return filters.with_(align=value if isinstance(value, str) and value else "calendar")
    if isinstance(value, list | tuple):
        items = tuple(str(v) for v in value if v not in (None, ""))
    else:
        items = (str(value),) if value not in (None, "") else ()
    return filters.with_(**{attr: items})


def _read_date(field: UrlField, value: Any) -> date:
    text = value.strip() if isinstance(value, str) else value
    if field.typed and isinstance(text, str) and "/" in text:
        return parse_typed_date(text)
    return date.fromisoformat(text)


def date_problem(field: UrlField, value: Any, label: str) -> str | None:
    """The notice for a date typed in `field` that is not one (None when it is, or is blank)."""
    if not field.typed or value in (None, ""):
        return None
    try:
        _read_date(field, value)
    except (TypeError, ValueError):
        shown = value.strip()[:20] if isinstance(value, str) else "?"
        return (
            f"Ignored the {label} date “{shown}”: not a date. Type it as dd/mm/yyyy, for example 01/03/2016."
        )
    return None


def search_for(filters: Filters) -> str:
    query = filters.to_query()
    return f"?{query}" if query else ""


SEEN = "-controls-seen"
_SYNCED: dict[str, list[UrlField]] = {}
_PAGE_SYNCS: set[str] = set()


def _seen_id(name: str) -> str:
    return f"{name}{SEEN}"


def url_target(name: str, fields: list[UrlField]) -> None:
    """Let the browser send changes of `fields` under `name` through `Shell.CONTROLS`."""
    if name in _SYNCED:
        raise ValueError(f"URL sync {name!r} is registered twice")
    _SYNCED[name] = fields


def register_url_sync(
    url_id: str,
    fields: list[UrlField],
    name: str,
    shown: Callable[[Filters, UrlField], Any] = value_from,
) -> None:
    """Register the two-way sync for a page's own controls (global filters have their own).

    Controls → URL. Dash calls a callback whose inputs were just drawn (the page arriving) as if
    they had changed, so a server callback on the controls would cost a request on every page
    load, and write the page's resolved defaults (`metric=…`) into the URL, computing the content
    a second time. Instead a callback in the browser compares the controls with the values they
    were drawn with (a store `route` adds beside the page: `seen_stores`) and passes only a real
    change on, through one store of the frame, to the one server callback that writes the URL.

    URL → controls (back, forward, a pasted link) is a server callback on the URL; Dash skips it
    when the controls are not on screen. `shown` is what a control shows for the URL (by default
    the key's value, or its default). It records what it set as seen, so that setting the
    controls does not come straight back as a change.
    """
    url_target(name, fields)
    _PAGE_SYNCS.add(name)
    seen = _seen_id(name)
    clientside_callback(
        """function () {
            var values = Array.prototype.slice.call(arguments);
            var seen = values.pop();
            if (JSON.stringify(values) === JSON.stringify(seen)) {
                return [dash_clientside.no_update, dash_clientside.no_update];
            }
            return [values, {page: NAME, values: values}];
        }""".replace("NAME", json.dumps(name)),
        Output(seen, "data", allow_duplicate=True),
        Output(Shell.CONTROLS, "data", allow_duplicate=True),
        *[Input(f.component_id, f.prop) for f in fields],
        State(seen, "data"),
        prevent_initial_call=True,
    )

    def url_to_controls(search, *current):
        filters, _ = filters_from(search)
        wanted = [shown(filters, f) for f in fields]
        if wanted == list(current):
            return [no_update] * (len(fields) + 1)
        changed = [no_update if value == now else value for value, now in zip(wanted, current, strict=True)]
        return [*changed, wanted]

    url_to_controls.__name__ = f"{name}_controls_from_url"
    callback(
        [Output(f.component_id, f.prop, allow_duplicate=True) for f in fields]  # a list: always a list back
        + [Output(seen, "data", allow_duplicate=True)],
        Input(url_id, "search"),
        *[State(f.component_id, f.prop) for f in fields],
        prevent_initial_call=True,
    )(url_to_controls)


def seen_stores(tree: Any) -> list[dcc.Store]:
    """For each page whose controls are in a freshly drawn page: the values they were drawn with."""
    components = by_id(tree)
    stores = []
    for name, fields in _SYNCED.items():
        if name not in _PAGE_SYNCS:
            continue
        drawn = [components.get(f.component_id) for f in fields]
        if all(c is not None for c in drawn):  # (a component without children is falsy)
            stores.append(
                dcc.Store(
                    id=_seen_id(name),
                    data=[getattr(c, f.prop, None) for c, f in zip(drawn, fields, strict=True)],
                )
            )
    return stores


def updated_search(search: Any, fields: list[UrlField], values: list) -> str | None:
    """The URL's query string with `fields` set to `values`; None when that changes nothing."""
    filters, _ = filters_from(search)
    updated = filters
    for f, value in zip(fields, values, strict=True):
        updated = apply_value(updated, f, value)
    new_search = search_for(updated)
    return None if new_search == (search if isinstance(search, str) else "") else new_search


@callback(
    Output(Shell.URL, "search", allow_duplicate=True),
    Input(Shell.CONTROLS, "data"),
    State(Shell.URL, "search"),
    prevent_initial_call=True,
)
def url_from_page_controls(change, search):
    """A page's control changed (see `register_url_sync`): write it into the URL."""
    if not isinstance(change, dict):
        return no_update
    fields, values = _SYNCED.get(str(change.get("page"))), change.get("values")
    if fields is None or not isinstance(values, list) or len(values) != len(fields):
        return no_update
    new_search = updated_search(search, fields, values)
    return no_update if new_search is None else new_search
