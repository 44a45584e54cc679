"""Memoized queries, keyed by arguments that include the viewer's access and the data version.

flask-caching stores results in process by default and in Redis when CACHE_REDIS_URL is set,
so gunicorn workers and replicas share one cache. Outside a Flask app (the CLI, unit tests)
queries simply run uncached. A cache backend that fails (Redis down) costs speed, not answers:
flask-caching falls back to calling the function.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app, has_app_context
from flask_caching import Cache

P = ParamSpec("P")
R = TypeVar("R")

cache = Cache()
DEFAULT_TIMEOUT = 3600


def _cache_ready() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def memoized(timeout: int = DEFAULT_TIMEOUT) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        cached_fn = cache.memoize(timeout=timeout)(fn)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if _cache_ready():
                return cached_fn(*args, **kwargs)
            return fn(*args, **kwargs)

        wrapper.uncached = fn  # type: ignore[attr-defined]
        return wrapper

    return decorate


class TtlValue:
    """A tiny per-process memo for one cheap value (the data version), refreshed every `ttl` s.

    The version is read on every request; caching it for a moment saves a round trip per
    callback while an import still shows within seconds in every worker.
    """

    def __init__(self, ttl: float = 2.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, object]] = {}

    def get(self, key: str, load: Callable[[], object]) -> object:
        now = time.monotonic()
        with self._lock:
            hit = self._values.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        value = load()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
