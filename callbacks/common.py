"""The seam every content callback goes through, and what the other callbacks share.

`content_callback` registers `fn(filters, viewer)` as the callback that fills a page from the
URL. It reads the URL (a hand-made request may send anything: what is not text counts as no
filters), parses it against the data and the viewer's rights, turns a database outage into the
page's fallback (an explanatory state; the banner tells the user and clears when it recovers),
and memoizes the whole answer by the viewer's access, the data stamp and the normalised filters,
so a filter anyone has asked for before costs a cache read and the same view under two
spellings is computed once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go
from dash import ClientsideFunction, Input, Output, callback, clientside_callback, dcc
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly

from dashboard import marking
from dashboard.report import filters_in_words
from data_access import queries
from data_access.cache import remembered_answer
from data_access.errors import DatabaseUnavailable
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.context import viewer as current_viewer
from layouts.ids import Shell
from layouts.pages import resolve

log = logging.getLogger("smq_monitor.callbacks")


def viewer() -> Viewer:
    return current_viewer()


def filters_from(search: Any) -> tuple[Filters, list[str]]:
    """Parse the URL against the data; without the database, parse without known values."""
    text = search if isinstance(search, str) else ""
    try:
        return queries.parse_filters(text, current_viewer())
    except DatabaseUnavailable:
        return Filters.from_query(text)


def db_safe(fallback: Callable[[], Any]) -> Callable:
    """Turn a database failure into the callback's fallback output instead of a traceback."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except DatabaseUnavailable:
                log.warning("database unavailable in %s", fn.__name__)
                return fallback()

        return wrapper

    return decorate


def deferred_copy(target: Output, source: Input) -> None:
    """`target` takes `source`'s value once the browser is next idle, after the charts have drawn
    (assets/zz-js/when-idle.js), at no request: for what the first paint does not need and would
    otherwise hold up on the same thread."""
    clientside_callback(ClientsideFunction("smq", "whenIdle"), target, source)


def _answer_key(name: str, who: Viewer, filters: Filters, path_args: dict) -> str:
    parts = [name, who.cache_key(), queries.data_version(), queries.as_of().isoformat(), filters.cache_key()]
    parts.append(json.dumps(path_args, sort_keys=True))
    return "answer:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class _Content:
    """A registered content callback: its outputs and its answer for a URL."""

    outputs: tuple[Output, ...]
    answer: Callable[[Any, Any], Any]
    prefilled: bool = True


_CONTENT: list[_Content] = []


def content_callback(
    *outputs: Output,
    fallback: Callable[[], Any],
    memo: bool = True,
    page: str | None = None,
    prefilled: bool = True,
    cp_dated: tuple[str, ...] = (),
) -> Callable:
    """Register `fn(filters, viewer, **path_args)` as a page's content callback (see the module).

    `page`: the path of a page with path arguments (`/trust/`): the callback also reads the
    pathname and passes them (`code=...`), and does nothing on any other page. `memo=False` for an
    answer that depends on something besides the data and the filters (the time of the last import).
    `cp_dated`: the kinds of rows (`"costs"`, `"interventions"`) every chart of the page counts or
    adds up; see `stamp_charts`.

    The callback answers URL changes after the page is drawn; the page's first content comes with
    the page itself (`prefill`), so a page load waits for one answer, not two in a row.
    `prefilled=False` for a page drawn in parts: the page comes at once with placeholders where
    the outputs go, and the callback, called as soon as they are on the page, fills its part when
    it is ready (several such callbacks answer side by side, so a quick part does not wait for a
    slow one)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        name = f"{fn.__module__}.{fn.__qualname__}"

        def answer(search: Any, pathname: Any = None) -> Any:
            path_args: dict = {}
            if page is not None:
                found, path_args = resolve(pathname)
                if found is None or found.path != page:
                    raise PreventUpdate
            try:
                filters, _ = filters_from(search)
                who = viewer()
                if not memo:
                    return stamp_charts(fn(filters, who, **path_args), filters, who, cp_dated)
                key = _answer_key(name, who, filters, path_args)
                return remembered_answer(
                    key,
                    lambda: stamp_charts(fn(filters, who, **path_args), filters, who, cp_dated),
                    encode=to_json_plotly,
                    decode=json.loads,
                )
            except DatabaseUnavailable:
                log.warning("database unavailable in %s", name)
                return fallback()

        answer.__name__ = fn.__name__
        answer.__qualname__ = fn.__qualname__
        inputs = [Input(Shell.URL, "search")] + ([Input(Shell.URL, "pathname")] if page else [])
        callback(*outputs, *inputs, prevent_initial_call=prefilled)(answer)
        _CONTENT.append(_Content(tuple(outputs), answer, prefilled))
        return fn

    return decorate


def _figures(answer: Any) -> list[Any]:
    """The figures in a callback's answer: outputs that are figures, and dcc.Graph figures inside
    outputs that are components."""
    found = []
    stack = [answer]
    while stack:
        node = stack.pop()
        if isinstance(node, go.Figure) or (isinstance(node, dict) and "data" in node and "layout" in node):
            found.append(node)
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, dcc.Graph):
            stack.append(getattr(node, "figure", None))
        elif isinstance(node, Component):
            stack.append(getattr(node, "children", None))
    return found


def stamp_charts(answer: Any, filters: Filters, who: Viewer, cp_dated: tuple[str, ...] = ()) -> Any:
    """Every chart of an answer carries what its exported image must say (`marking.stamp_figure`):
    the source line, the filters in words and, for a chart whose content includes CP information,
    the marking. A chart includes it when it draws something naming the list
    (`marking.figure_cp_reasons`), or when the page's charts count rows dated inside a CP episode
    (`cp_dated`, checked as a download checks them). The public's charts are never marked."""
    figures = _figures(answer)
    if not figures:
        return answer
    info = queries.dataset_info(who)
    names = queries.named_trust_names(who, filters)
    page_cp = False
    if who.sees_any_cp and cp_dated:
        readers = {"costs": queries.costs, "interventions": queries.interventions}
        page_cp = marking.includes_cp(
            {},
            cp_episodes=queries.episodes(who, filters),
            cp_dated={kind: readers[kind](who, filters) for kind in cp_dated},
        )
    for figure in figures:
        includes = who.sees_any_cp and (page_cp or bool(marking.figure_cp_reasons(figure)))
        provenance = marking.Provenance(
            dataset_name=info.get("name"),
            as_of=queries.as_of(),
            synthetic=bool(info.get("synthetic")),
            filter_words=tuple(filters_in_words(filters, names)),
            audience="",
            includes_cp=includes,
            generated_at=datetime.now(UTC).replace(tzinfo=None),
            licence=info.get("licence"),
        )
        marking.stamp_figure(figure, provenance)
    return answer


def by_id(tree: Any) -> dict[str, Component]:
    """Every component with a string id in a layout tree."""
    found: dict[str, Component] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, Component):
            node_id = getattr(node, "id", None)
            if isinstance(node_id, str):
                found[node_id] = node
            plain = [p for p in getattr(node, "_children_props", []) if "." not in p and "[" not in p]
            stack.extend(getattr(node, prop, None) for prop in {"children", *plain})
    return found


def prefill(tree: Any, search: Any, pathname: Any) -> Any:
    """Fill a freshly laid-out page with the answers of its content callbacks, computed (or read
    from the answer memo) exactly as the callbacks would, so the page arrives drawn."""
    components = by_id(tree)
    for content in _CONTENT:
        if not content.prefilled:
            continue
        targets = [components.get(str(o.component_id)) for o in content.outputs]
        if any(t is None for t in targets):  # (a component without children is falsy)
            continue
        try:
            values = content.answer(search, pathname)
        except PreventUpdate:
            continue
        if len(content.outputs) == 1:
            values = (values,)
        for target, output, value in zip(targets, content.outputs, values, strict=True):
            setattr(target, output.component_property, value)
    return tree
