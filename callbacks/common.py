"""What every callback needs: the viewer, the filters from the URL, and database-outage safety."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from dashboard.auth import current_viewer
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer

log = logging.getLogger("smq_monitor.callbacks")


def viewer() -> Viewer:
    return current_viewer()


def filters_from(search: str | None) -> tuple[Filters, list[str]]:
    """Parse the URL against the data; without the database, parse without known values."""
    try:
        return queries.parse_filters(search, current_viewer())
    except SQLAlchemyError:
        return Filters.from_query(search or "")


def db_safe(fallback: Callable[[], Any]) -> Callable:
    """Turn a database failure into the callback's fallback output (an explanatory state),
    instead of a traceback; the health banner tells the user and clears when it recovers."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except SQLAlchemyError:
                log.warning("database error in %s", fn.__name__, exc_info=True)
                return fallback()

        return wrapper

    return decorate
