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

    def stop(self, timeout: float = 30) -> bool:
        """Stop watching and wait (up to `timeout` s) for a warming under way to finish; True
        when the thread has ended."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)
        return not self._thread.is_alive()

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


def stop(timeout: float = 15) -> bool:
    """Stop this process's watcher, waiting for a warming under way (gunicorn's `worker_exit`).

    A worker must not leave while the watcher is inside pyarrow: at exit Arrow's thread pool shuts
    down from the C exit handlers and waits for its tasks, while the watcher, a daemon thread,
    waits on a task that pool never runs, and the worker hangs until its master kills it
    (`graceful_timeout`). The wait here is shorter than that timeout."""
    with _lock:
        watcher = _watchers.pop(os.getpid(), None)
    if watcher is None:
        return True
    stopped = watcher.stop(timeout)
    if not stopped:
        log.warning("the table warmer was still busy after %.0f s; leaving without it", timeout)
    return stopped
