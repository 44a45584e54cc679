"""The CSV contract (§2): validation, atomic loading, upserts, and the export round trip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access import importer
from data_access.exporter import export_directory
from tests import datasets


def rows(engine) -> dict[str, int]:
    return importer.count_rows(engine)


def test_import_loads_every_file(mini_db):
    counts = rows(mini_db)
    assert counts["trusts"] == 7
    assert counts["regime_episodes"] == 9
    assert counts["metric_values"] == 4 * 12 + 7 * 12 - 1
    with mini_db.connect() as conn:
        assert (
            conn.execute(
                text(
                    "SELECT rating FROM cqc_ratings WHERE trust_code='RBB' AND publication_date='2016-03-01'"
                )
            ).scalar()
            == "requires_improvement"
        )


def test_reimport_changes_nothing(mini_db, mini_dir, tmp_path):
    first = tmp_path / "first"
    export_directory(first, mini_db)
    importer.import_directory(mini_dir, mini_db)
    second = tmp_path / "second"
    export_directory(second, mini_db)
    for path in first.iterdir():
        if path.name != "dataset.csv":
            assert (second / path.name).read_bytes() == path.read_bytes(), path.name


def test_export_round_trips_byte_for_byte(mini_db, tmp_path, database_url):
    out1 = tmp_path / "out1"
    export_directory(out1, mini_db)
    with mini_db.begin() as conn:
        importer.clear_data(conn)
    importer.import_directory(out1, mini_db)
    out2 = tmp_path / "out2"
    export_directory(out2, mini_db)
    names = sorted(p.name for p in out1.iterdir())
    assert names == sorted(p.name for p in out2.iterdir())
    assert "metric_values.csv" in names and "dataset.csv" in names
    for name in names:
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name


def test_upsert_updates_a_changed_value(mini_db, mini_dir, tmp_path):
    changed = dict(datasets.mini())
    changed["metric_values.csv"] = "trust_code,metric_id,period_start,value\nraa,AE_4HR,01/01/2015,12.5\n"
    importer.import_directory(datasets.write(tmp_path / "changed", changed), mini_db)
    with mini_db.connect() as conn:
        value = conn.execute(
            text(
                "SELECT value FROM metric_values WHERE trust_code='RAA' AND metric_id='ae_4hr' AND period_start='2015-01-01'"
            )
        ).scalar()
    assert value == 12.5
    assert rows(mini_db)["metric_values"] == 4 * 12 + 7 * 12 - 1


BAD_CASES = {
    "unknown code": (
        "trusts.csv",
        datasets.TRUSTS.replace(
            "RFF,Fernhallow Ambulance Service NHS Trust,ambulance", "RFF,Fernhallow,hospice"
        ),
        "trusts.csv:7: trust_type: unknown code 'hospice'",
    ),
    "unknown trust": (
        "regime_episodes.csv",
        datasets.EPISODES + "RZZ,smq,2019-01-01,,\n",
        "regime_episodes.csv:11: trust_code: unknown trust 'RZZ'",
    ),
    "end before start": (
        "regime_episodes.csv",
        datasets.EPISODES.replace("REE,smq,2018-01-01,,", "REE,smq,2018-01-01,2017-01-01,"),
        "regime_episodes.csv:7: end_date: '2017-01-01' is before start_date",
    ),
    "overlap": (
        "regime_episodes.csv",
        datasets.EPISODES + "RAA,smq,2016-06-30,2017-01-01,\n",
        "regime_episodes.csv:11: start_date: smq episode of RAA overlaps the episode at line 2",
    ),
    "not a number": (
        "metric_values.csv",
        "trust_code,metric_id,period_start,value\nRAA,ae_4hr,2015-01-01,abc\n",
        "metric_values.csv:2: value: 'abc' is not a number",
    ),
    "bad date": (
        "cqc_ratings.csv",
        datasets.RATINGS + "RFF,2016-13-01,safe,good\n",
        "cqc_ratings.csv:16: publication_date: '2016-13-01' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    ),
    "duplicate key": (
        "cqc_ratings.csv",
        datasets.RATINGS + "RAA,01/12/2013,overall,good\n",
        "cqc_ratings.csv:16: trust_code,publication_date,domain: duplicate key (same as line 2)",
    ),
    "missing column": (
        "costs.csv",
        "trust_code,category,period_start,amount_gbp\nRAA,other,2015-01-01,5\n",
        "costs.csv:1: payer: required column is missing from the header",
    ),
    "unknown metric": (
        "metric_values.csv",
        "trust_code,metric_id,period_start,value\nRAA,nope,2015-01-01,1\n",
        "metric_values.csv:2: metric_id: unknown metric 'nope'",
    ),
    "blank required": (
        "trusts.csv",
        datasets.TRUSTS + "RHH,,acute,London,,,\n",
        "trusts.csv:9: trust_name: a value is required",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_is_rejected_with_file_line_column(case, engine, tmp_path):
    filename, content, message = BAD_CASES[case]
    files = dict(datasets.mini())
    files[filename] = content
    folder = datasets.write(tmp_path / "bad", files)
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_directory(folder, engine)
    assert any(str(p).startswith(message) for p in rejected.value.problems), rejected.value.problems
    assert all(v == 0 for v in rows(engine).values())


def test_every_problem_is_listed_not_just_the_first(engine, tmp_path):
    files = dict(datasets.mini())
    files["metric_values.csv"] = (
        "trust_code,metric_id,period_start,value\nRAA,ae_4hr,2015-01-01,x\nRAA,ae_4hr,2015-02-30,1\nRQQ,ae_4hr,2015-03-01,1\n"
    )
    files["costs.csv"] = "trust_code,category,period_start,payer,amount_gbp\nRAA,coffee,2015-01-01,nhsi,1\n"
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_directory(datasets.write(tmp_path / "bad", files), engine)
    messages = [str(p) for p in rejected.value.problems]
    assert len(messages) == 4, messages
    assert messages[0].startswith("metric_values.csv:2: value")


def test_not_utf8_is_rejected(engine, tmp_path):
    folder = datasets.write(tmp_path / "latin", datasets.mini())
    (folder / "trusts.csv").write_bytes(
        datasets.TRUSTS.replace("Alderbrook", "Ald\u00e9rbrook").encode("latin-1")
    )
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_directory(folder, engine)
    assert [str(p) for p in rejected.value.problems] == [
        "trusts.csv:2: -: the file is not UTF-8 text (byte 0xe9)"
    ]


def test_bom_and_uk_dates_and_cqc_labels_accepted(engine, tmp_path):
    files = {
        "trusts.csv": "\ufefftrust_code,trust_name,trust_type\nrxx,Test Trust,Acute and community\n",
        "cqc_ratings.csv": "Trust_Code,Publication_Date,Domain,Rating\nRXX,31/01/2016,Well-led,Requires improvement\n",
    }
    importer.import_directory(datasets.write(tmp_path / "bom", files), engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT trust_code, trust_type FROM trusts")).one() == (
            "RXX",
            "acute_and_community",
        )
        assert conn.execute(text("SELECT domain, rating FROM cqc_ratings")).one() == (
            "well_led",
            "requires_improvement",
        )


def test_without_trusts_csv_every_trust_named_must_be_known(engine, tmp_path):
    files = {
        "metrics.csv": datasets.METRICS,
        "metric_values.csv": "trust_code,metric_id,period_start,value\nRAA,ae_4hr,2015-01-01,1\n",
    }
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_directory(datasets.write(tmp_path / "no-trusts", files), engine)
    assert [str(p) for p in rejected.value.problems] == [
        "metric_values.csv:2: trust_code: unknown trust 'RAA'"
    ]
    assert all(v == 0 for v in rows(engine).values())


def test_overlap_with_an_episode_already_in_the_database(mini_db, tmp_path):
    files = {
        "trusts.csv": datasets.TRUSTS,
        "regime_episodes.csv": "trust_code,regime,start_date,end_date\nREE,smq,2019-01-01,\n",
    }
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_directory(datasets.write(tmp_path / "more", files), mini_db)
    assert "overlaps the episode at an episode already in the database" in str(
        rejected.value.problems[0]
    ) or "overlaps" in str(rejected.value.problems[0])


def run_cli(*args: str, stdin: str = "", env_url: str) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, DATABASE_URL=env_url)
    return subprocess.run(
        [sys.executable, "-m", "smq_monitor.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
    )


def test_cli_exit_codes_and_check(database_url, engine, mini_dir, tmp_path):
    assert run_cli("init-db", env_url=database_url).returncode == 0
    assert run_cli("init-db", env_url=database_url).returncode == 0
    checked = run_cli("import", str(mini_dir), "--check", env_url=database_url)
    assert checked.returncode == 0, checked.stderr
    assert all(v == 0 for v in rows(engine).values())
    bad = dict(datasets.mini())
    bad["metric_values.csv"] = "trust_code,metric_id,period_start,value\nRAA,ae_4hr,2015-01-01,abc\n"
    rejected = run_cli("import", str(datasets.write(tmp_path / "bad", bad)), env_url=database_url)
    assert rejected.returncode == 1
    assert "metric_values.csv:2: value: 'abc' is not a number" in rejected.stderr
    assert all(v == 0 for v in rows(engine).values())
    assert run_cli("import", str(mini_dir), env_url=database_url).returncode == 0
    assert rows(engine)["trusts"] == 7
    assert run_cli("import", env_url=database_url).returncode == 2
    assert run_cli("frobnicate", env_url=database_url).returncode == 2
    out = tmp_path / "export"
    assert run_cli("export", str(out), env_url=database_url).returncode == 0
    assert (out / "trusts.csv").read_text().startswith("trust_code,trust_name,trust_type")


def test_cli_users_add_reads_password_from_stdin(database_url, engine):
    from data_access.users import authenticate

    result = run_cli(
        "users",
        "add",
        "dana",
        "--role",
        "improvement_director",
        "--trusts",
        "raa,RCC",
        stdin="s3cret-pass\n",
        env_url=database_url,
    )
    assert result.returncode == 0, result.stderr
    assert "s3cret-pass" not in result.stdout + result.stderr
    viewer = authenticate("dana", "s3cret-pass", engine)
    assert viewer is not None and viewer.role == "improvement_director" and viewer.trusts == {"RAA", "RCC"}
    assert authenticate("dana", "wrong", engine) is None
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar()
    assert "s3cret-pass" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert (
        run_cli("users", "add", "eve", "--role", "wizard", stdin="x\n", env_url=database_url).returncode == 2
    )


def _plain(index: dict) -> dict:
    """An index as comparable text: a partial index's WHERE clause is an object, not a string."""
    options = {key: str(value) for key, value in index.get("dialect_options", {}).items()}
    return {**index, "dialect_options": options}


def schema(engine) -> dict:
    from sqlalchemy import inspect

    inspector = inspect(engine)
    return {
        table: (
            sorted(str(sorted(fk.items())) for fk in inspector.get_foreign_keys(table)),
            sorted(str(sorted(_plain(ix).items())) for ix in inspector.get_indexes(table)),
            inspector.get_pk_constraint(table)["constrained_columns"],
        )
        for table in importer.TABLES
    }


def test_a_bulk_first_import_keeps_every_key_and_index(engine, tmp_path):
    """A large first import (PostgreSQL copies straight into the empty tables) leaves every key and
    index in place, and still enforced."""
    from sqlalchemy.exc import IntegrityError

    from data_access import demo

    before = schema(engine)
    frames = demo.generate(seed=3, scale=0.4)
    assert len(frames["metric_values"]) >= 100_000
    demo.write_csvs(frames, tmp_path / "demo")
    result = importer.import_directory(tmp_path / "demo", engine)
    assert result.rows["metric_values"] == len(frames["metric_values"]) == rows(engine)["metric_values"]
    assert schema(engine) == before
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO metric_values (metric_id, trust_code, period_start, value) "
                "VALUES ('ae_4hr_pct', 'NOSUCH', '2019-01-01', 1.0)"
            )
        )
