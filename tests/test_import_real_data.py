"""The CSV contract (§2) for the data users really have: the optional `icb`, `target` and `source`,
RSP episodes, undated interventions, a month of values without trusts.csv, files saved by Excel,
and the cited public episodes shipped in data/public/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access import importer
from data_access.exporter import export_directory
from tests import datasets

ROOT = Path(__file__).resolve().parents[1]

TRUSTS = """trust_code,trust_name,trust_type,region,icb
RAA,Alderbrook Hospitals NHS Trust,acute,London,QMF
RBB,Birchwell Hospitals NHS Foundation Trust,acute,Midlands,NHS Birmingham and Solihull ICB
RCC,Cedarfold Mental Health NHS Trust,mental_health,North West,
"""
METRICS = """metric_id,name,unit,target,higher_is_better
ae_4hr_pct,A&E 4-hour,percent,95,true
sickness,Sickness absence,percent,,false
"""
EPISODES = """trust_code,regime,start_date,end_date,source,notes
RAA,smq,2016-01-26,2021-07-13,"CQC, 26 January 2016: https://www.cqc.org.uk/news",
RAA,rsp,2021-07-14,,NHS England RSP list,
RBB,RSP,2022-03-01,2023-05-31,,
"""


def write(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    return datasets.write(tmp_path / name, files)


def query(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def rejected(folder: Path, engine) -> list[str]:
    with pytest.raises(importer.ImportRejected) as caught:
        importer.import_directory(folder, engine)
    return [str(p) for p in caught.value.problems]


def test_icb_target_and_source_load_and_round_trip(engine, tmp_path):
    files = {"trusts.csv": TRUSTS, "metrics.csv": METRICS, "regime_episodes.csv": EPISODES}
    importer.import_directory(write(tmp_path, "in", files), engine)
    assert query(engine, "SELECT trust_code, icb FROM trusts ORDER BY trust_code") == [
        ("RAA", "QMF"),
        ("RBB", "NHS Birmingham and Solihull ICB"),
        ("RCC", None),
    ]
    assert query(engine, "SELECT metric_id, target FROM metrics ORDER BY metric_id") == [
        ("ae_4hr_pct", 95.0),
        ("sickness", None),
    ]
    assert query(
        engine, "SELECT trust_code, regime, source FROM regime_episodes ORDER BY trust_code, start_date"
    ) == [
        ("RAA", "smq", "CQC, 26 January 2016: https://www.cqc.org.uk/news"),
        ("RAA", "rsp", "NHS England RSP list"),
        ("RBB", "rsp", None),
    ]
    out = tmp_path / "out"
    export_directory(out, engine)
    trusts = (out / "trusts.csv").read_text().splitlines()
    assert "icb" in trusts[0].split(",")
    assert "RAA,Alderbrook Hospitals NHS Trust,acute,London,,,QMF," in trusts[1]
    assert (
        (out / "metrics.csv").read_text().splitlines()[1].startswith("ae_4hr_pct,A&E 4-hour,percent,95,true")
    )
    assert '"CQC, 26 January 2016: https://www.cqc.org.uk/news"' in (out / "regime_episodes.csv").read_text()
    with engine.begin() as conn:
        importer.clear_data(conn)
    importer.import_directory(out, engine)
    again = tmp_path / "again"
    export_directory(again, engine)
    for path in out.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


INTERVENTIONS = """trust_code,intervention,status,start_date,end_date,amount_gbp,partner,notes
RAA,buddying,not_delivered,,,,,
RAA,improvement_director,delivered,2016-02-01,2016-08-31,,,
RBB,central_funding,no_data,,,,,
RBB,central_funding,delivered,2022-04-01,,250000,,
"""


def test_undated_interventions_load_and_reimport_upserts_them(engine, tmp_path):
    base = {"trusts.csv": TRUSTS, "interventions.csv": INTERVENTIONS}
    importer.import_directory(write(tmp_path, "first", base), engine)
    undated = "SELECT trust_code, intervention, status FROM interventions WHERE start_date IS NULL ORDER BY trust_code"
    assert query(engine, undated) == [
        ("RAA", "buddying", "not_delivered"),
        ("RBB", "central_funding", "no_data"),
    ]
    assert query(engine, "SELECT count(*) FROM interventions") == [(4,)]
    # The same rows again change nothing; a changed status updates the one undated row.
    importer.import_directory(write(tmp_path, "same", base), engine)
    assert query(engine, "SELECT count(*) FROM interventions") == [(4,)]
    changed = {
        "interventions.csv": INTERVENTIONS.replace("RAA,buddying,not_delivered", "RAA,buddying,no_data")
    }
    importer.import_directory(write(tmp_path, "changed", changed), engine)
    assert query(engine, undated) == [("RAA", "buddying", "no_data"), ("RBB", "central_funding", "no_data")]
    assert query(engine, "SELECT count(*) FROM interventions") == [(4,)]
    # Export writes the undated row with a blank start, and it loads back as it was.
    out = tmp_path / "out"
    export_directory(out, engine)
    lines = (out / "interventions.csv").read_text().splitlines()
    assert "RAA,buddying,no_data,,,,," in lines
    with engine.begin() as conn:
        importer.clear_data(conn)
    importer.import_directory(out, engine)
    assert query(engine, undated) == [("RAA", "buddying", "no_data"), ("RBB", "central_funding", "no_data")]


def test_a_file_without_a_start_date_column_holds_undated_rows(engine, tmp_path):
    files = {
        "trusts.csv": TRUSTS,
        "interventions.csv": "trust_code,intervention,status\nRCC,deep_dive,no_data\nRCC,buddying,not_delivered\n",
    }
    importer.import_directory(write(tmp_path, "table", files), engine)
    assert query(engine, "SELECT intervention, start_date FROM interventions ORDER BY intervention") == [
        ("buddying", None),
        ("deep_dive", None),
    ]


def test_undated_delivered_and_a_second_undated_row_are_rejected(engine, tmp_path):
    files = {
        "trusts.csv": TRUSTS,
        "interventions.csv": "trust_code,intervention,status,start_date\n"
        "RAA,buddying,delivered,\n"
        "RBB,deep_dive,no_data,\n"
        "rbb,DEEP_DIVE,not_delivered,\n",
    }
    assert rejected(write(tmp_path, "bad", files), engine) == [
        "interventions.csv:2: start_date: a start date is required when status is 'delivered' "
        "(only not_delivered or no_data may be undated)",
        "interventions.csv:4: trust_code,intervention,start_date: duplicate key (same as line 3)",
    ]
    assert importer.count_rows(engine)["trusts"] == 0


def test_a_month_of_values_loads_without_trusts_csv(engine, tmp_path):
    importer.import_directory(
        write(tmp_path, "first", {"trusts.csv": TRUSTS, "metrics.csv": METRICS}), engine
    )
    month = {
        "metric_values.csv": "trust_code,metric_id,period_start,value\n"
        "raa,ae_4hr_pct,2024-01-01,71.5\n"
        "RBB,ae_4hr_pct,2024-01-01,\n"
    }
    importer.import_directory(write(tmp_path, "month", month), engine)
    assert query(engine, "SELECT trust_code, value FROM metric_values ORDER BY trust_code") == [
        ("RAA", 71.5),
        ("RBB", None),
    ]
    # Blank stays unknown through the export, never 0.
    out = tmp_path / "out"
    export_directory(out, engine)
    assert "RBB,ae_4hr_pct,2024-01-01,,," in (out / "metric_values.csv").read_text().splitlines()
    unknown = {
        "metric_values.csv": "trust_code,metric_id,period_start,value\n"
        "RAA,ae_4hr_pct,2024-02-01,70\n"
        "RZZ,ae_4hr_pct,2024-02-01,60\n",
        "regime_episodes.csv": "trust_code,regime,start_date\nRYY,rsp,2024-01-01\n",
    }
    assert rejected(write(tmp_path, "unknown", unknown), engine) == [
        "regime_episodes.csv:2: trust_code: unknown trust 'RYY'",
        "metric_values.csv:3: trust_code: unknown trust 'RZZ'",
    ]
    assert importer.count_rows(engine)["metric_values"] == 2


def excel(text_: str) -> bytes:
    """What Excel writes for "CSV UTF-8": a byte-order mark and CRLF line ends."""
    return b"\xef\xbb\xbf" + text_.replace("\n", "\r\n").encode("utf-8")


def test_a_file_saved_by_excel_loads(engine, tmp_path):
    folder = tmp_path / "excel"
    folder.mkdir()
    (folder / "trusts.csv").write_bytes(
        excel(
            'trust_code,trust_name,trust_type,region,icb\nRAA,"Alderbrook, Hospitals NHS Trust",acute,London,QMF\n'
        )
    )
    (folder / "regime_episodes.csv").write_bytes(
        excel(
            "trust_code,regime,start_date,end_date,notes\nRAA,smq,26/01/2016,13/07/2021,\nRAA,rsp,14/07/2021,,\n"
        )
    )
    (folder / "interventions.csv").write_bytes(
        excel("trust_code,intervention,status,start_date\nRAA,buddying,no_data,\n")
    )
    importer.import_directory(folder, engine)
    assert query(engine, "SELECT trust_name, icb FROM trusts") == [("Alderbrook, Hospitals NHS Trust", "QMF")]
    episodes = query(engine, "SELECT regime, start_date, end_date FROM regime_episodes ORDER BY start_date")
    assert [(r, str(s), e and str(e)) for r, s, e in episodes] == [
        ("smq", "2016-01-26", "2021-07-13"),
        ("rsp", "2021-07-14", None),
    ]
    assert query(engine, "SELECT status, start_date FROM interventions") == [("no_data", None)]


def cli(*args: str, url: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "smq_monitor.cli", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, DATABASE_URL=url),
        cwd=ROOT,
        timeout=300,
    )


def test_the_public_episodes_load_into_a_fresh_database_and_round_trip(tmp_path):
    public = ROOT / "data" / "public"
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    loaded = cli("import", str(public), url=url)
    assert loaded.returncode == 0, loaded.stderr
    episodes = sum(1 for _ in (public / "regime_episodes.csv").open(encoding="utf-8")) - 1
    assert f"regime_episodes {episodes:,}" in loaded.stdout
    out = tmp_path / "out"
    assert cli("export", str(out), url=url).returncode == 0
    exported = (out / "regime_episodes.csv").read_text(encoding="utf-8")
    assert exported.splitlines()[0] == "trust_code,regime,start_date,end_date,source,notes"
    assert "https://www.cqc.org.uk/" in exported  # the cited sources came through
    second = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    assert cli("import", str(out), url=second).returncode == 0
    out2 = tmp_path / "out2"
    assert cli("export", str(out2), url=second).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in out2.iterdir())
    for path in out.iterdir():
        assert (out2 / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_overlap_names_the_episode_it_overlaps(engine, tmp_path):
    importer.import_directory(
        write(tmp_path, "stored", {"trusts.csv": TRUSTS, "regime_episodes.csv": EPISODES}), engine
    )
    files = {
        "regime_episodes.csv": "trust_code,regime,start_date,end_date\n"
        "RAA,smq,2010-01-01,2016-02-28\n"  # a stored episode starts during this one
        "RAA,rsp,2022-01-01,\n"  # starts during the stored, ongoing RSP episode
        "RBB,smq,2012-01-01,2013-01-01\n"
        "RBB,smq,2012-06-01,2012-07-01\n"
    }
    assert rejected(write(tmp_path, "overlaps", files), engine) == [
        "regime_episodes.csv:2: start_date: smq episode of RAA overlaps the episode already in the "
        "database from 2016-01-26 to 2021-07-13",
        "regime_episodes.csv:3: start_date: rsp episode of RAA overlaps the episode already in the "
        "database from 2021-07-14 ongoing",
        "regime_episodes.csv:5: start_date: smq episode of RBB overlaps the episode at line 4",
    ]


def test_a_long_import_shows_rows_written_and_their_rate(engine, tmp_path):
    import io

    from data_access.progress import progress

    values = ["trust_code,metric_id,period_start,value"]
    values += [f"RAA,ae_4hr_pct,{2000 + i // 12}-{i % 12 + 1:02d}-01,{i % 97}" for i in range(300)]
    files = {"trusts.csv": TRUSTS, "metrics.csv": METRICS, "metric_values.csv": "\n".join(values) + "\n"}
    stream = io.StringIO()
    with progress("importing", stream=stream, enabled=True, transient=False) as bar:
        result = importer.import_directory(write(tmp_path, "long", files), engine, bar=bar)
    shown = stream.getvalue()
    assert result.rows["metric_values"] == 300
    assert "305/305 rows" in shown  # 3 trusts, 2 metrics and 300 values
    assert "rows/s" in shown
    assert "writing metric_values.csv" in shown


def test_dates_the_app_cannot_hold_are_rejected(engine, tmp_path):
    files = {
        "trusts.csv": TRUSTS,
        "regime_episodes.csv": "trust_code,regime,start_date,end_date\n"
        "RAA,smq,1500-01-01,2016-01-01\n"
        "RBB,smq,2015-01-01,01/01/2300\n"
        "RCC,smq,1900-01-01,2199-12-31\n",
    }
    assert rejected(write(tmp_path, "far", files), engine) == [
        "regime_episodes.csv:2: start_date: '1500-01-01' is outside the dates this app holds (1900-01-01 to 2199-12-31)",
        "regime_episodes.csv:3: end_date: '01/01/2300' is outside the dates this app holds (1900-01-01 to 2199-12-31)",
    ]
    files["regime_episodes.csv"] = "trust_code,regime,start_date,end_date\nRCC,smq,1900-01-01,2199-12-31\n"
    importer.import_directory(write(tmp_path, "edges", files), engine)
    assert importer.count_rows(engine)["regime_episodes"] == 1
