"""Keep each worker's tables warm: at start and after every import, before anyone asks.

A daemon thread per process watches the data version (a cheap read) and, when it changes,
reads and derives what first visits need (`data_access.queries.warm`). A database that is down or
not yet migrated is tried again on the next tick; nothing here can stop a request."""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask

from data_access import queries
from data_access.errors import DatabaseUnavailable

log = logging.getLogger("smq_monitor.warmup")
INTERVAL_SECONDS = 3.0


class Watcher:
    def __init__(self, interval: float = INTERVAL_SECONDS) -> None:
        self.interval = interval
        self.warmed: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smq-warmup", daemon=True)

    def start(self) -> Watcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def tick(self) -> None:
        version = queries.data_version()
        if version != self.warmed:
            started = time.perf_counter()
            self.warmed = queries.warm()
            log.info(
                "tables warmed for data version %s in %.2f s", self.warmed[:12], time.perf_counter() - started
            )

    def _run(self) -> None:
        while not self._stop.is_set():
            pause = self.interval
            try:
                self.tick()
            except DatabaseUnavailable:
                pass  # the outage banner tells users; try again next tick
            except Exception:  # a bug here must never take the worker down: log it, keep watching
                log.exception("warming the tables failed")
                pause = self.interval * 10
            self._stop.wait(pause)


_watchers: dict[int, Watcher] = {}
_lock = threading.Lock()


def start(app: Flask) -> Watcher | None:
    """Start this process's watcher once (gunicorn: after a worker starts); None when off."""
    settings = getattr(app, "config", {}).get("SMQ_SETTINGS")
    if settings is None or not settings.warm_tables:
        return None
    with _lock:
        if os.getpid() not in _watchers:
            _watchers[os.getpid()] = Watcher().start()
        return _watchers[os.getpid()]
