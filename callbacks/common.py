"""What every callback needs: the viewer, the filters from the URL, database-outage safety, and
a memo of whole answers."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from data_access import queries
from data_access.cache import memoized
from data_access.errors import DatabaseUnavailable
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.context import viewer as current_viewer

log = logging.getLogger("smq_monitor.callbacks")


def viewer() -> Viewer:
    return current_viewer()


def filters_from(search: str | None) -> tuple[Filters, list[str]]:
    """Parse the URL against the data; without the database, parse without known values."""
    try:
        return queries.parse_filters(search, current_viewer())
    except DatabaseUnavailable:
        return Filters.from_query(search or "")


def db_safe(fallback: Callable[[], Any]) -> Callable:
    """Turn a database failure into the callback's fallback output (an explanatory state),
    instead of a traceback; the health banner tells the user and clears when it recovers."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except DatabaseUnavailable:
                log.warning("database error in %s", fn.__name__, exc_info=True)
                return fallback()

        return wrapper

    return decorate


def cached_answer(fn: Callable) -> Callable:
    """Memoize a content callback's whole answer (figures, tables, notes) by its inputs, the
    viewer's access (`Viewer.cache_key`) and the data version, in the same cache as the queries.

    A filter someone has asked for before is then answered without rebuilding figures; an import
    changes the data version and so every key. Only for callbacks whose answer depends on nothing
    else (not on time, clicks or a job's progress). Place it under `db_safe`: a failure is raised
    through and never cached.
    """

    def answer(access: str, version: int, as_of_date, *args):
        del access, version, as_of_date  # the cache key: what else decides the answer
        return fn(*args)

    # the memo key is named after the function: one namespace per callback
    answer.__module__, answer.__qualname__, answer.__name__ = fn.__module__, fn.__qualname__, fn.__name__
    memo = memoized()(answer)

    @functools.wraps(fn)
    def wrapper(*args):
        return memo(current_viewer().cache_key(), queries.data_version(), queries.as_of(), *args)

    return wrapper
