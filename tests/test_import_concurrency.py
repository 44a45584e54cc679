"""Imports at the same time (issue 21): serialised by the write lock and checked inside it, so two
imports that are each valid alone can never store overlapping episodes, two imports into an
empty database never end in a traceback, and the data version goes up once per import."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access import importer
from tests import datasets

ROOT = Path(__file__).resolve().parents[1]

TRUSTS = "trust_code,trust_name,trust_type\nRAA,Alderbrook Hospitals NHS Trust,acute\n"
# Each alone is valid in an empty database; together the two SMQ episodes of RAA overlap.
FIRST = "trust_code,regime,start_date,end_date\nRAA,smq,2015-01-01,2016-12-31\n"
SECOND = "trust_code,regime,start_date,end_date\nRAA,smq,2016-06-01,2017-06-30\n"


def folders(tmp_path: Path) -> tuple[Path, Path]:
    first = datasets.write(tmp_path / "first", {"trusts.csv": TRUSTS, "regime_episodes.csv": FIRST})
    second = datasets.write(tmp_path / "second", {"trusts.csv": TRUSTS, "regime_episodes.csv": SECOND})
    return first, second


def stored_episodes(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT start_date, end_date FROM regime_episodes ORDER BY start_date")
        ).all()
    return [(str(start), str(end)) for start, end in rows]


def never_overlap(episodes: list[tuple[str, str]]) -> bool:
    return all(later[0] > earlier[1] for earlier, later in zip(episodes, episodes[1:], strict=False))


def test_threads_importing_at_once_run_one_after_the_other(engine, tmp_path, monkeypatch):
    """Each import pauses after its checks: without the lock both would pass them against the
    empty database and both would store their episode."""
    checks = importer._check_with_database

    def slow_checks(*args, **kwargs):
        checks(*args, **kwargs)
        time.sleep(0.5)

    monkeypatch.setattr(importer, "_check_with_database", slow_checks)
    outcomes: dict[str, str] = {}

    def run(folder: Path) -> None:
        try:
            importer.import_directory(folder, engine)
            outcomes[folder.name] = "imported"
        except importer.ImportRejected as rejected:
            outcomes[folder.name] = "; ".join(str(p) for p in rejected.problems)

    threads = [threading.Thread(target=run, args=(folder,)) for folder in folders(tmp_path)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()).count("imported") == 1, outcomes
    refused = next(v for v in outcomes.values() if v != "imported")
    episodes = stored_episodes(engine)
    assert episodes in ([("2015-01-01", "2016-12-31")], [("2016-06-01", "2017-06-30")])
    start, end = episodes[0]
    assert f"overlaps the episode already in the database from {start} to {end}" in refused


def test_the_data_version_goes_up_once_per_import(engine, tmp_path):
    first, _ = folders(tmp_path)
    results: list[int] = []

    def run() -> None:
        results.append(importer.import_directory(first, engine).data_version)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [1, 2, 3, 4]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT data_version FROM dataset_info")).scalar() == 4


def cli_import(folder: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "smq_monitor.cli", "import", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, DATABASE_URL=url),
        cwd=ROOT,
    )


def run_together(*commands: tuple[Path, str]) -> list[tuple[int, str]]:
    processes = [cli_import(folder, url) for folder, url in commands]
    results = []
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        results.append((process.returncode, stderr))
    return results


@pytest.fixture
def blank_url(database_url: str, tmp_path: Path) -> str:
    """A database with nothing in it, not even the schema: both imports must create it."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'blank.sqlite3'}"
    from tests.conftest import _fresh_postgres_url

    return _fresh_postgres_url()


def test_two_processes_into_a_blank_database_both_end_cleanly(blank_url, tmp_path):
    from data_access import db

    first, second = folders(tmp_path)
    try:
        results = run_together((first, blank_url), (second, blank_url))
        for code, stderr in results:
            assert "Traceback" not in stderr, stderr
            assert code in (0, 1), stderr
        assert sorted(code for code, _ in results) == [0, 1], results
        refused = next(stderr for code, stderr in results if code == 1)
        assert "regime_episodes.csv:2: start_date: smq episode of RAA overlaps" in refused
        assert "nothing was written" in refused
        episodes = stored_episodes(db.get_engine(blank_url))
        assert len(episodes) == 1 and never_overlap(episodes)
        # The winner's files again, twice at once, into the database they made: both succeed and
        # nothing changes.
        winner = first if episodes == [("2015-01-01", "2016-12-31")] else second
        again = run_together((winner, blank_url), (winner, blank_url))
        assert [code for code, _ in again] == [0, 0], again
        assert stored_episodes(db.get_engine(blank_url)) == episodes
    finally:
        db.dispose_engines()
        if blank_url.startswith("postgresql"):
            from tests.conftest import _drop_postgres

            _drop_postgres(blank_url)


def test_an_import_that_waits_too_long_says_so_and_writes_nothing(engine, database_url, tmp_path):
    """A second import gives up after SMQ_IMPORT_WAIT_S with its own exit code and no traceback."""
    from data_access import db

    first, _ = folders(tmp_path)
    with db.exclusive_write(engine):  # another import in progress
        process = subprocess.run(
            [sys.executable, "-m", "smq_monitor.cli", "import", str(first)],
            capture_output=True,
            text=True,
            env=dict(os.environ, DATABASE_URL=database_url, SMQ_IMPORT_WAIT_S="1"),
            cwd=ROOT,
            timeout=120,
        )
    assert process.returncode == 3, process.stderr
    assert "Traceback" not in process.stderr
    assert "another import or schema upgrade held the database for more than 1 s" in process.stderr
    assert importer.count_rows(engine)["trusts"] == 0
