"""Each data version's first-view tables are kept on disk and read back exactly as computed:
for the demo, the mini dataset and every named real-data shape, on SQLite and PostgreSQL; an
import prepares its version's before it commits; a file is never used for another version, and
a damaged one is read again from SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_access import cache, demo, importer, queries, snapshot
from data_access.demo.files import write_csvs
from data_access.filters import Filters
from data_access.viewer import EVERYTHING, PUBLIC, Viewer
from tests import datasets, shapes

SNAPSHOTTED = (
    "_trusts_table",
    "_episodes_table",
    "_all_ratings",
    "_interventions_table",
    "_costs_table",
    "_full_trust_base",
    "_visible_trusts",
    "_visible_interventions",
    "_visible_costs",
    "_metric_table",
    "_firsts",
)


def _calls(version: str, today: date) -> list[tuple[str, tuple]]:
    director = Viewer(
        role="improvement_director", trusts=frozenset(queries._trusts_table(version)["trust_code"][:2])
    )
    calls = [
        ("_trusts_table", (version,)),
        ("_episodes_table", (version, today)),
        ("_all_ratings", (version,)),
        ("_interventions_table", (version,)),
        ("_costs_table", (version,)),
        ("_full_trust_base", (version, today)),
        ("_firsts", (version,)),
    ]
    for viewer in (PUBLIC, EVERYTHING, director):
        calls += [
            (name, (viewer, version, today))
            for name in ("_visible_trusts", "_visible_interventions", "_visible_costs")
        ]
    calls += [("_metric_table", (m, version)) for m in queries._metrics(version)["metric_id"]]
    return calls


def _assert_read_back_as_computed(folder: Path) -> int:
    snapshot.configure(folder)
    version, today = queries.data_version(), queries.as_of()
    checked = 0
    for name, args in _calls(version, today):
        kept = getattr(queries, name).uncached  # the snapshot layer, under the memo
        computed = snapshot.normalised(kept.__wrapped__(*args))
        first = kept(*args)  # computed again and written
        read = kept(*args)  # read from the file
        pd.testing.assert_frame_equal(first, computed, check_dtype=True)
        pd.testing.assert_frame_equal(read, computed, check_dtype=True, obj=f"{name}{args[:1]}")
        checked += 1
    files = list(folder.rglob("*.parquet"))
    assert len(files) == checked  # one file per distinct question, each read back
    return checked


def test_the_decorated_tables_are_the_ones_checked():
    kept = {name for name in dir(queries) if getattr(getattr(queries, name), "uncached", None) is not None}
    kept = {n for n in kept if hasattr(getattr(queries, n).uncached, "__wrapped__")}
    assert kept == set(SNAPSHOTTED)


def test_demo_tables_read_back_exactly(engine, tmp_path):
    (tmp_path / "demo").mkdir()
    write_csvs(demo.generate(seed=3, scale=0.2), tmp_path / "demo")
    importer.import_directory(tmp_path / "demo", engine)
    queries.forget_data_version()
    assert _assert_read_back_as_computed(tmp_path / "snapshots") > 20


def test_mini_tables_read_back_exactly(mini_db, tmp_path):
    _assert_read_back_as_computed(tmp_path / "snapshots")


@pytest.mark.parametrize("shape", sorted(shapes.named_shapes()))
def test_real_data_shapes_read_back_exactly(engine, tmp_path, shape):
    folder = datasets.write(tmp_path / shape, shapes.named_shapes()[shape])
    importer.import_directory(folder, engine)
    queries.forget_data_version()
    _assert_read_back_as_computed(tmp_path / "snapshots")


def test_an_import_prepares_its_version_before_it_commits(mini_db, tmp_path, mini_dir):
    folder = tmp_path / "snapshots"
    snapshot.configure(folder)
    before = queries.data_version()
    lines = (mini_dir / "metric_values.csv").read_text().splitlines()
    header, first = lines[0], lines[1].split(",")
    first[header.split(",").index("value")] = "12.5"
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "metric_values.csv").write_text(header + "\n" + ",".join(first) + "\n")
    importer.import_directory(batch, mini_db)
    queries.forget_data_version()
    after = queries.data_version()
    assert after != before
    kept = folder / snapshot._version_dir(after).name
    assert len(list(kept.glob("visible_trusts-*.parquet"))) == 2  # the public's and everyone's
    metric = first[header.split(",").index("metric_id")]
    # A new worker (an empty memo) reads the new value from the snapshot, not the old version's.
    cache.clear_memo()
    values = queries.metric_values(EVERYTHING, Filters(), (metric,))
    row = values[(values["trust_code"] == first[0]) & (values["period_start"] == pd.Timestamp(first[2]))]
    assert row["value"].tolist() == [12.5]


def test_an_import_that_fails_to_prepare_still_lands(mini_db, tmp_path, mini_dir, monkeypatch):
    snapshot.configure(tmp_path / "snapshots")

    def broken(conn):
        raise RuntimeError("no space left")

    monkeypatch.setattr(queries, "warm_before_commit", broken)
    before = queries.data_version()
    importer.import_directory(mini_dir, mini_db)
    queries.forget_data_version()
    assert queries.data_version() != before


def test_a_damaged_file_is_read_again_from_sql(mini_db, tmp_path):
    snapshot.configure(tmp_path / "snapshots")
    version = queries.data_version()
    expected = snapshot.normalised(queries._trusts_table.uncached.__wrapped__(version))
    queries._trusts_table.uncached(version)
    (path,) = (tmp_path / "snapshots").rglob("trusts_table-*.parquet")
    path.write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(queries._trusts_table.uncached(version), expected)


def test_old_versions_are_removed(tmp_path):
    snapshot.configure(tmp_path)
    for n in range(6):
        snapshot._prune(tmp_path / f"v{n}")
        (tmp_path / f"v{n}").mkdir()
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) <= snapshot.KEEP_VERSIONS
