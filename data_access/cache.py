"""The app's two caches.

* `memoized`: a per-process memo for tables (DataFrames) read or derived once per data version:
  base tables, what each class of viewer may see of them, aggregates. Values are kept as they
  are, never serialised, and handed out as shallow copies, so pandas' copy-on-write keeps the
  memo safe from a caller's edits. Every key holds the data stamp (see `queries.data_version`),
  so an import, or another database, never meets an older answer.
* `answers` (flask-caching): whole callback answers as JSON text, in Redis when
  `CACHE_REDIS_URL` is set (shared by workers and replicas), otherwise in the process. Only text
  goes in and only JSON comes out: nothing read back from Redis is ever unpickled. A Redis that
  fails costs speed, not answers: the cache serves from the process for a while, logs the outage
  once, and tries Redis again later.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

import pandas as pd
from cachelib import SimpleCache
from flask import current_app, has_app_context
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache

log = logging.getLogger("smq_monitor.cache")

P = ParamSpec("P")
R = TypeVar("R")

answers = Cache()
ANSWER_TIMEOUT = 3600
MEMO_ENTRIES = 512

# --------------------------------------------------------------------------------------------
# Per-process memo


def _key_part(value: Any) -> Hashable:
    """What of an argument decides the answer: a viewer's access, a filter's normal form."""
    key = getattr(value, "cache_key", None)
    if callable(key):
        return (type(value).__name__, key())
    if isinstance(value, list):
        return tuple(_key_part(v) for v in value)
    return value


def _handed_out(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(_handed_out(v) for v in value)
    if isinstance(value, dict):
        return {k: _handed_out(v) for k, v in value.items()}
    return value


class _Memo:
    """A bounded, thread-safe LRU of computed values; concurrent misses of one key compute once."""

    def __init__(self, entries: int = MEMO_ENTRIES):
        self.entries = entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.entries:
                    self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_memo = _Memo()


def memoized(fn: Callable[P, R]) -> Callable[P, R]:
    """Memoize `fn` in this process by its arguments (see `_key_part`)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (
            name,
            tuple(_key_part(a) for a in args),
            tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())),
        )
        return _handed_out(_memo.get_or_compute(key, lambda: fn(*args, **kwargs)))

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


def clear_memo() -> None:
    _memo.clear()


# --------------------------------------------------------------------------------------------
# Answers: JSON text, shared through Redis when configured


class _TextSerializer:
    """Store text as UTF-8 and read it back as text: never a pickle either way."""

    def dumps(self, value: str) -> bytes:
        if not isinstance(value, str):
            raise TypeError("the answer cache stores text only")
        return value.encode("utf-8")

    def loads(self, value: bytes | None) -> str | None:
        return None if value is None else value.decode("utf-8")


class FaultTolerantRedisCache(RedisCache):
    """flask-caching's Redis backend with text values and a fallback to the process.

    When Redis fails, the failure is logged once, answers are kept in the process for
    `RETRY_SECONDS`, then Redis is tried again (and its recovery logged)."""

    RETRY_SECONDS = 30.0
    serializer = _TextSerializer()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fallback = SimpleCache(threshold=500, default_timeout=self.default_timeout)
        self._down_until = 0.0
        self._state_lock = threading.Lock()

    def _redis_usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        with self._state_lock:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + self.RETRY_SECONDS
        if first:
            log.warning("Redis is not answering (%s); caching in this process until it returns", error)

    def _recovered(self) -> None:
        with self._state_lock:
            was_down = self._down_until != 0.0
            self._down_until = 0.0
        if was_down:
            log.warning("Redis is answering again; the shared cache is back")

    def get(self, key: str) -> Any:
        if self._redis_usable():
            try:
                value = super().get(key)
                self._recovered()
                return value
            except Exception as error:  # noqa: BLE001 - any Redis failure means "use the fallback"
                self._failed(error)
        return self._fallback.get(key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        if self._redis_usable():
            try:
                result = super().set(key, value, timeout)
                self._recovered()
                return result
            except Exception as error:  # noqa: BLE001
                self._failed(error)
        return self._fallback.set(key, value, timeout)


def fault_tolerant_redis(app, config, args, kwargs) -> FaultTolerantRedisCache:
    """flask-caching factory (`CACHE_TYPE = "data_access.cache.fault_tolerant_redis"`)."""
    from redis import from_url

    kwargs.update(
        host=from_url(config["CACHE_REDIS_URL"], **config.get("CACHE_OPTIONS", {})),
        key_prefix=config["CACHE_KEY_PREFIX"],
        default_timeout=config.get("CACHE_DEFAULT_TIMEOUT", ANSWER_TIMEOUT),
    )
    return FaultTolerantRedisCache(*args, **kwargs)


def _answers_ready() -> bool:
    return has_app_context() and answers in current_app.extensions.get("cache", {})


def remembered_answer(key: str, compute: Callable[[], Any], encode: Callable[[Any], str], decode) -> Any:
    """The answer stored under `key`, or `compute()` stored as `encode(answer)` text.

    Outside a Flask app (the CLI, unit tests) it simply computes."""
    if not _answers_ready():
        return compute()
    text = answers.get(key)
    if isinstance(text, str):
        return decode(text)
    value = compute()
    answers.set(key, encode(value), timeout=ANSWER_TIMEOUT)
    return value


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
