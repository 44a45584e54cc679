"""The tables first visits need are read before the first visitor asks, at start and after imports."""

from __future__ import annotations

import os
import time

from sqlalchemy import event

from data_access import cache, importer, queries, snapshot
from data_access.filters import Filters
from data_access.viewer import EVERYTHING, PUBLIC
from smq_monitor.web import warmup
from tests import datasets


class Statements:
    """The SQL statements an engine runs, other than the data-version probe."""

    def __init__(self, engine):
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def reading(self, *tables: str) -> list[str]:
        return [s for s in self.seen if any(f" {t}" in s.lower() for t in tables)]


def test_after_warming_the_first_views_read_no_table(mini_db):
    cache.clear_memo()
    assert queries.warm() == queries.data_version()
    statements = Statements(mini_db)
    queries.trusts(PUBLIC, Filters(types=("acute",)))
    queries.episodes(EVERYTHING, Filters())
    queries.interventions(PUBLIC, Filters())
    queries.costs(EVERYTHING, Filters(groups=("cp_only",)))
    queries.ratings(PUBLIC, Filters(), domains=("overall",))
    assert statements.reading("trusts", "regime_episodes", "interventions", "costs", "cqc_ratings") == []


def test_with_snapshots_a_new_worker_warms_without_reading_a_table(mini_db, tmp_path):
    snapshot.configure(tmp_path / "snapshots")
    cache.clear_memo()
    queries.warm()  # the first worker on this host reads SQL and keeps what it derived
    cache.clear_memo()  # a worker that starts later: nothing in its memory
    statements = Statements(mini_db)
    assert queries.warm() == queries.data_version()
    queries.trusts(PUBLIC, Filters(types=("acute",)))
    queries.costs(EVERYTHING, Filters())
    read = statements.reading(
        "trusts", "regime_episodes", "interventions", "costs", "cqc_ratings", "metric_values"
    )
    assert read == []


def test_an_import_leaves_its_version_warm_for_every_worker(mini_db, tmp_path, mini_dir):
    snapshot.configure(tmp_path / "snapshots")
    importer.import_directory(mini_dir, mini_db)  # prepares the new version before it commits
    queries.forget_data_version()
    cache.clear_memo()  # a worker that was running: it has nothing of the new version
    statements = Statements(mini_db)
    queries.warm()
    queries.interventions(PUBLIC, Filters())
    read = statements.reading(
        "trusts", "regime_episodes", "interventions", "costs", "cqc_ratings", "metric_values"
    )
    assert read == []


def _warm_for(version: str) -> bool:
    """Whether this process holds the public's trust table of `version` (what a watcher warms)."""
    return any(key[0].endswith("._visible_trusts") and version in key[1] for key in list(cache._memo._values))


def test_the_watcher_warms_a_new_data_version_by_itself(mini_db, tmp_path):
    cache.clear_memo()
    watcher = warmup.Watcher(interval=0.2).start()
    try:
        first = queries.data_version()
        deadline = time.monotonic() + 20
        while not _warm_for(first):
            assert time.monotonic() < deadline, "the watcher did not warm the data it started on"
            time.sleep(0.1)
        files = datasets.mini()
        files["trusts.csv"] = files["trusts.csv"].replace(
            "Alderbrook Hospitals", "Alderbrook Hospitals (renamed)"
        )
        importer.import_directory(datasets.write(tmp_path / "again", files), mini_db)
        queries.forget_data_version()
        second = queries.data_version()
        assert second != first
        deadline = time.monotonic() + 20
        while not _warm_for(second):  # no request asks: only the watcher can warm it
            assert time.monotonic() < deadline, "the watcher did not warm the new import"
            time.sleep(0.1)
    finally:
        watcher.stop()


def test_a_worker_starts_one_watcher_and_none_when_warming_is_off(dash_app):
    settings = dash_app.server.config["SMQ_SETTINGS"]
    assert dash_app.server.config["SMQ_SETTINGS"].warm_tables
    first = warmup.start(dash_app.server)
    try:
        assert first is not None and warmup.start(dash_app.server) is first
        object.__setattr__(settings, "warm_tables", False)
        warmup._watchers.clear()
        assert warmup.start(dash_app.server) is None
    finally:
        object.__setattr__(settings, "warm_tables", True)
        if first is not None:
            first.stop()
        warmup._watchers.clear()


def _busy_watcher(monkeypatch, seconds: float) -> tuple[warmup.Watcher, dict]:
    """A watcher in this process whose warming takes `seconds`, already under way."""
    seen = {"started": 0.0, "finished": 0.0}
    versions = iter(f"v{i}" for i in range(1_000_000))
    monkeypatch.setattr(warmup.queries, "data_version", lambda: next(versions))

    def slow_warm() -> str:
        seen["started"] = time.monotonic()
        time.sleep(seconds)
        seen["finished"] = time.monotonic()
        return "v"

    monkeypatch.setattr(warmup.queries, "warm", slow_warm)
    watcher = warmup.Watcher(interval=0.01)
    monkeypatch.setitem(warmup._watchers, os.getpid(), watcher.start())
    deadline = time.monotonic() + 10
    while not seen["started"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen["started"], "the watcher never started warming"
    return watcher, seen


def test_a_leaving_worker_waits_for_the_warming_under_way(monkeypatch):
    # gunicorn's worker_exit calls warmup.stop: leaving while the warmer is inside pyarrow can
    # hang the worker at exit (see warmup.stop).
    watcher, seen = _busy_watcher(monkeypatch, 0.5)
    assert warmup.stop(timeout=10) is True
    assert seen["finished"] and not watcher._thread.is_alive()
    assert os.getpid() not in warmup._watchers
    assert warmup.stop() is True  # nothing left to stop


def test_a_warming_longer_than_the_wait_is_left_and_said(monkeypatch, caplog):
    watcher, seen = _busy_watcher(monkeypatch, 1.5)
    started = time.monotonic()
    assert warmup.stop(timeout=0.2) is False
    assert time.monotonic() - started < 1.0 and not seen["finished"]
    assert "still busy" in caplog.text
    watcher._thread.join(timeout=5)
