"""Limits both databases agree on (issue 21): text longer than its column is a problem of the file
on SQLite and PostgreSQL alike; a request behind a held lock ends as an outage within seconds; a
first large import never holds a lock that readers queue behind."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from data_access import db, importer, models
from data_access.errors import DatabaseUnavailable
from tests import datasets

ROOT = Path(__file__).resolve().parents[1]


def rejected(folder: Path, engine) -> list[str]:
    with pytest.raises(importer.ImportRejected) as caught:
        importer.import_directory(folder, engine)
    return [str(p) for p in caught.value.problems]


def test_text_longer_than_its_column_is_rejected_on_every_database(engine, tmp_path):
    code = "R" * 17
    metric = "m" * 65
    files = {
        "trusts.csv": f"trust_code,trust_name,trust_type\nRAA,Alderbrook,acute\n{code},Too long a code,acute\n",
        "metrics.csv": f"metric_id,name,unit,higher_is_better\n{metric},Too long an id,count,true\nok,Fine,count,true\n",
    }
    assert rejected(datasets.write(tmp_path / "long", files), engine) == [
        "trusts.csv:3: trust_code: 17 characters is longer than the 16 this column holds",
        "metrics.csv:2: metric_id: 65 characters is longer than the 64 this column holds",
    ]
    assert all(count == 0 for count in importer.count_rows(engine).values())


def test_long_free_text_is_stored_whole_on_every_database(engine, tmp_path):
    name = "Alderbrook " + "and District " * 400  # 5,211 characters: names, regions, notes are unbounded
    files = {
        "trusts.csv": f'trust_code,trust_name,trust_type,region,icb\nRAA,"{name}",acute,{"North " * 50},{"ICB " * 80}\n',
        "regime_episodes.csv": f'trust_code,regime,start_date,notes,source\nRAA,smq,2015-01-01,"{"n" * 3000}","{"s" * 3000}"\n',
    }
    importer.import_directory(datasets.write(tmp_path / "long", files), engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT trust_name FROM trusts")).scalar() == name.strip()
        assert conn.execute(text("SELECT length(notes), length(source) FROM regime_episodes")).one() == (
            3000,
            3000,
        )


def test_the_command_rejects_a_long_code_with_file_line_column(database_url, engine, tmp_path):
    folder = datasets.write(
        tmp_path / "cli", {"trusts.csv": f"trust_code,trust_name,trust_type\n{'X' * 20},Name,acute\n"}
    )
    result = subprocess.run(
        [sys.executable, "-m", "smq_monitor.cli", "import", str(folder)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1
    assert "trusts.csv:2: trust_code: 20 characters is longer than the 16 this column holds" in result.stderr
    assert "Traceback" not in result.stderr
    assert importer.count_rows(engine)["trusts"] == 0


def _postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("statement and lock timeouts are PostgreSQL's")


def test_a_request_behind_a_held_lock_gets_the_outage_answer_within_seconds(mini_client, database_url):
    _postgres_only(database_url)
    holder = create_engine(database_url)
    try:
        with holder.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE trusts IN ACCESS EXCLUSIVE MODE"))
            started = time.perf_counter()
            with pytest.raises(DatabaseUnavailable, match="lock timeout"):
                db.read_frame(select(models.Trust.trust_code))
            assert time.perf_counter() - started < db.LOCK_TIMEOUT_MS / 1000 + 3
            started = time.perf_counter()
            response = mini_client.get("/download/trusts.csv")
            waited = time.perf_counter() - started
            assert response.status_code == 503
            assert "The database is not answering" in response.get_data(as_text=True)
            assert waited < db.LOCK_TIMEOUT_MS / 1000 + 3
            # The health check reads no table: it goes on answering.
            assert mini_client.get("/healthz").status_code == 200
        assert mini_client.get("/download/trusts.csv").status_code == 200  # lock released: all is well
    finally:
        holder.dispose()


def test_a_first_large_import_never_blocks_readers(database_url, engine, tmp_path):
    _postgres_only(database_url)
    from data_access import demo

    frames = demo.generate(seed=3, scale=0.4)
    assert len(frames["metric_values"]) >= 100_000
    demo.write_csvs(frames, tmp_path / "demo")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            importer.import_directory(tmp_path / "demo", engine)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    # A reader that gives up after one second behind a lock, as a dashboard request would.
    reader = create_engine(database_url, connect_args={"options": "-c lock_timeout=1000"})
    importing = threading.Thread(target=run)
    importing.start()
    slowest, during_import = 0.0, 0
    try:
        with reader.connect() as conn:
            while importing.is_alive():
                held = conn.execute(
                    text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                ).scalar()
                started = time.perf_counter()
                for table in ("trusts", "metrics", "metric_values", "cqc_ratings"):
                    conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
                conn.commit()
                slowest = max(slowest, time.perf_counter() - started)
                during_import += bool(held)
                time.sleep(0.05)
    finally:
        importing.join(timeout=300)
        reader.dispose()
    assert not errors, errors
    assert during_import >= 3, "the readers never ran while the import held its lock"
    assert slowest < 1.0, f"a reader waited {slowest:.1f} s"
    assert importer.count_rows(engine)["metric_values"] == len(frames["metric_values"])
    print(f"\n[first import] {during_import} reads during the write, the slowest {slowest * 1000:.0f} ms")


def test_requests_have_a_statement_timeout_that_an_import_lifts(engine, database_url):
    _postgres_only(database_url)
    with db.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "30s"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "5s"
    with db.exclusive_write(engine, wait_s=60, statement_timeout_s=3600) as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1h"
    with db.connect() as conn:  # SET LOCAL ended with the import's transaction
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "30s"
