"""`smq-monitor convert`: public files as published -> the §2 CSV files (contract §6).

The fixtures in tests/fixtures/public are invented files shaped as the publishers release them;
the expected values below are worked out by hand from the counts in those files.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select

from data_access import importer, models
from data_access.convert import KINDS, ods, run
from data_access.convert.columns import Field, find_header, normalise
from data_access.convert.common import Rejected
from data_access.convert.cqc import CATEGORY_TRUST_TYPES, trust_type_of
from data_access.convert.nof import segment_value
from data_access.convert.values import (
    parse_date,
    parse_fiscal_quarter,
    parse_month,
    parse_plan_year,
    parse_window_end,
    quarter_end,
)
from data_access.progress import is_interactive, progress, track

PUBLIC = Path(__file__).parent / "fixtures" / "public"
CQC_FILES = [
    PUBLIC / "cqc_latest_ratings_2024-11.csv",
    PUBLIC / "cqc_latest_ratings_2025-02.xlsx",
    PUBLIC / "cqc_latest_ratings_2025-05.ods",
]
AE_MARCH = PUBLIC / "ae_monthly_2026-03.csv"
AE_FEB = PUBLIC / "ae_monthly_2026-02.csv"
AE_2016 = PUBLIC / "ae_monthly_2016-01.csv"
SHMI_FILES = [PUBLIC / "shmi_trust_level_apr24_mar25.csv", PUBLIC / "shmi_trust_level_oct23_sep24.csv"]
NOF_ACUTE = PUBLIC / "nof_acute_2025-26_q2.csv"
NOF_NON_ACUTE = PUBLIC / "nof_non_acute_2025-26_q2.csv"

# The trusts the CQC fixtures hold, as a trusts.csv (for the kinds that need known trusts).
KNOWN_TRUSTS = """trust_code,trust_name,trust_type
RZ1,Northbrook Valley Hospitals NHS Trust,acute
RZ2,Harrowdene Mental Health NHS Foundation Trust,mental_health
RZ3,Westmarsh Community Health NHS Trust,community
RZ4,Pellhurst Ambulance Service NHS Trust,ambulance
RZ5,Quillford Children's Hospital NHS Foundation Trust,specialist
RZ6,Ashcombe and Tarrow Hospitals NHS Trust,acute
"""


class Outcome:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def no_database(tmp_path: Path) -> str:
    """A database URL with nothing behind it (the file is never created)."""
    return f"sqlite:///{tmp_path / 'absent.sqlite3'}"


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def trusts_dir(out_dir: Path) -> Path:
    out_dir.mkdir()
    (out_dir / "trusts.csv").write_text(KNOWN_TRUSTS, encoding="utf-8")
    return out_dir


def convert(kind: str, files: list[Path], out: Path, database_url: str) -> Outcome:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(kind, files, out, database_url=database_url, stdout=stdout, stderr=stderr)
    return Outcome(code, stdout.getvalue(), stderr.getvalue())


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def values(out: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    return {(r["trust_code"], r["metric_id"], r["period_start"]): r for r in rows(out / "metric_values.csv")}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


# --------------------------------------------------------------------------------------------
# CQC ratings


def test_cqc_monthly_files_give_history_trusts_and_types(out_dir: Path, no_database: str):
    result = convert("cqc-ratings", CQC_FILES, out_dir, no_database)
    assert result.code == 0, result.err
    assert rows(out_dir / "trusts.csv") == [
        {"trust_code": "RZ1", "trust_name": "Northbrook Valley Hospitals NHS Trust", "trust_type": "acute"},
        {
            "trust_code": "RZ2",
            "trust_name": "Harrowdene Mental Health NHS Foundation Trust",
            "trust_type": "mental_health",
        },
        {
            "trust_code": "RZ3",
            "trust_name": "Westmarsh Community Health NHS Trust",
            "trust_type": "community",
        },
        {
            "trust_code": "RZ4",
            "trust_name": "Pellhurst Ambulance Service NHS Trust",
            "trust_type": "ambulance",
        },
        {
            "trust_code": "RZ5",
            "trust_name": "Quillford Children's Hospital NHS Foundation Trust",
            "trust_type": "specialist",
        },
        # A new trust CQC has not rated yet is still a trust.
        {"trust_code": "RZ6", "trust_name": "Ashcombe and Tarrow Hospitals NHS Trust", "trust_type": "acute"},
    ]
    ratings = {
        (r["trust_code"], r["publication_date"], r["domain"]): r["rating"]
        for r in rows(out_dir / "cqc_ratings.csv")
    }
    # RZ1: requires improvement in the 2024 inspection, good after the 2025 one; both kept.
    assert ratings[("RZ1", "2024-08-14", "overall")] == "requires_improvement"
    assert ratings[("RZ1", "2025-04-09", "overall")] == "good"
    assert ratings[("RZ1", "2025-04-09", "responsive")] == "requires_improvement"
    assert ratings[("RZ3", "2024-06-21", "well_led")] == "inadequate"
    assert ratings[("RZ3", "2025-01-10", "overall")] == "requires_improvement"
    # RZ5: "Not applicable" (caring) and "Insufficient evidence to rate" (responsive) are not ratings.
    assert {k[2]: v for k, v in ratings.items() if k[0] == "RZ5"} == {
        "overall": "outstanding",
        "safe": "good",
        "effective": "outstanding",
        "well_led": "outstanding",
    }
    # 6 domains x (RZ1 twice, RZ2, RZ3 twice, RZ4) + RZ5's 4; RZ6 unrated, RZ9 without a type.
    assert len(ratings) == 6 * 6 + 4
    assert not any(k[0] in ("RZ6", "RZ9") or k[0].startswith("1-") for k in ratings)
    # The Locations sheets say inadequate for every row they have: none of them was read.
    assert ("RZ2", "2023-03-03", "overall") in ratings and ratings[("RZ2", "2023-03-03", "overall")] == "good"
    assert "30 cqc_ratings row(s) appeared in more than one file (written once)" in result.out
    assert "not a rating (Not rated) 6" in result.out
    assert "not a rating (Insufficient evidence to rate) 1" in result.out
    assert "not a rating (Not applicable) 1" in result.out
    assert "RZ9 ('Dentists')" in result.out
    assert "trusts.csv: 6 rows (6 new, 0 updated, 0 unchanged)" in result.out
    assert "cqc_ratings.csv: 40 rows (40 new, 0 updated, 0 unchanged)" in result.out


@pytest.mark.parametrize(
    ("path", "where", "took", "skipped"),
    [
        # A CSV saved from the spreadsheet, older layout (Key Question), dd/mm/yyyy text dates.
        (
            CQC_FILES[0],
            "(header on row 4): 23 rows",
            "took: ratings 18, NHS trusts 3",
            [
                "below trust level (service/population group is not Overall) 1",
                "not an NHS trust (provider type) 4",
            ],
        ),
        # .xlsx with date cells, the Providers sheet after Locations.
        (
            CQC_FILES[1],
            "(sheet Providers, header on row 4): 28 rows",
            "took: ratings 24, NHS trusts 4",
            [
                "below trust level (service/population group is not Overall) 2",
                "not an NHS trust (provider type) 2",
            ],
        ),
        # .ods with date cells and blank dates on unrated rows.
        (
            CQC_FILES[2],
            "(sheet Providers, header on row 4): 48 rows",
            "took: ratings 34, NHS trusts 7",
            ["not a rating (Not rated) 6", "not an NHS trust (provider type) 4"],
        ),
    ],
)
def test_cqc_each_published_format_reads_alone(
    path: Path, where: str, took: str, skipped: list[str], out_dir: Path, no_database: str
):
    result = convert("cqc-ratings", [path], out_dir, no_database)
    assert result.code == 0, result.err
    assert f"{path} {where}" in result.out
    assert took in result.out
    for reason in skipped:
        assert reason in result.out


def test_cqc_key_question_file_reads_dates_as_written(out_dir: Path, no_database: str):
    assert convert("cqc-ratings", [CQC_FILES[0]], out_dir, no_database).code == 0
    ratings = rows(out_dir / "cqc_ratings.csv")
    assert {r["publication_date"] for r in ratings} == {"2024-08-14", "2023-03-03", "2024-06-21"}
    assert {r["domain"] for r in ratings} == {
        "overall",
        "safe",
        "effective",
        "caring",
        "responsive",
        "well_led",
    }


def test_cqc_category_table_maps_to_trust_types():
    assert set(CATEGORY_TRUST_TYPES.values()) <= {
        "acute",
        "acute_and_community",
        "mental_health",
        "community",
        "ambulance",
        "specialist",
    }
    assert trust_type_of("Acute hospital - NHS non-specialist") == "acute"
    # Case and punctuation do not matter (an en dash typed for the hyphen).
    assert trust_type_of("ACUTE HOSPITAL \u2013 NHS SPECIALIST") == "specialist"
    assert trust_type_of("Mental health - community & hospital based") == "mental_health"
    assert trust_type_of("Community health - NHS & Independent") == "community"
    assert trust_type_of("Ambulance service") == "ambulance"
    assert trust_type_of("Dentists") is None


def test_cqc_keeps_what_trusts_csv_already_says(out_dir: Path, no_database: str):
    """Columns the converter does not write survive; an unknown category keeps the folder's type;
    a combined acute and community trust stays combined."""
    out_dir.mkdir()
    (out_dir / "trusts.csv").write_text(
        "trust_code,trust_name,trust_type,region\n"
        "RZ1,Old Name,acute_and_community,Invented North\n"
        "RZ9,Orchard Vale Dental NHS Trust,community,Invented South\n"
        "RX0,A Trust Not In The File,acute,\n",
        encoding="utf-8",
    )
    result = convert("cqc-ratings", [CQC_FILES[2]], out_dir, no_database)
    assert result.code == 0, result.err
    trusts = {r["trust_code"]: r for r in rows(out_dir / "trusts.csv")}
    assert trusts["RZ1"] == {
        "trust_code": "RZ1",
        "trust_name": "Northbrook Valley Hospitals NHS Trust",
        "trust_type": "acute_and_community",
        "region": "Invented North",
    }
    assert trusts["RZ9"]["trust_type"] == "community" and trusts["RZ9"]["region"] == "Invented South"
    assert trusts["RX0"]["trust_name"] == "A Trust Not In The File"
    assert len([r for r in rows(out_dir / "cqc_ratings.csv") if r["trust_code"] == "RZ9"]) == 6
    assert "Dentists" not in result.out


def test_cqc_workbook_without_a_providers_sheet_is_rejected(tmp_path: Path, out_dir: Path, no_database: str):
    book = openpyxl.Workbook()
    book.active.title = "Locations"
    book.create_sheet("Notes")
    path = tmp_path / "ratings.xlsx"
    book.save(path)
    result = convert("cqc-ratings", [path], out_dir, no_database)
    assert result.code == 1
    assert (
        "ratings.xlsx: no sheet named Providers or Provider (the workbook has: Locations, Notes)"
        in result.err
    )


# --------------------------------------------------------------------------------------------
# A&E


def test_ae_four_hour_percentage_over_every_department_type(trusts_dir: Path, no_database: str):
    result = convert("ae-monthly", [AE_MARCH], trusts_dir, no_database)
    assert result.code == 0, result.err
    got = values(trusts_dir)
    # RZ1: attendances 10000 + 500 + 3000 + booked 200 + 0 + 300 = 14000;
    # over 4 hours 3000 + 20 + 100 + booked 30 + 0 + 50 = 3200; within 4 hours 10800.
    rz1 = got[("RZ1", "ae_4hr_pct", "2026-03-01")]
    assert float(rz1["value"]) == pytest.approx(100 * 10800 / 14000, abs=1e-9)
    assert (rz1["numerator"], rz1["denominator"]) == ("10800", "14000")
    # RZ3: 40 of 4000 over 4 hours -> 99%. RZ6: booked columns blank (none of that type): 2000 of 8000.
    assert got[("RZ3", "ae_4hr_pct", "2026-03-01")]["value"] == "99"
    assert got[("RZ6", "ae_4hr_pct", "2026-03-01")] == {
        "trust_code": "RZ6",
        "metric_id": "ae_4hr_pct",
        "period_start": "2026-03-01",
        "value": "75",
        "numerator": "6000",
        "denominator": "8000",
    }
    assert got[("RZ1", "ae_12hr_waits", "2026-03-01")]["value"] == "450"
    assert got[("RZ3", "ae_12hr_waits", "2026-03-01")]["value"] == "0"  # a real zero stays a zero
    assert got[("RZ6", "ae_12hr_waits", "2026-03-01")]["value"] == "120"
    # RZ5's counts are suppressed (*): nothing written for it, never 0.
    assert not any(k[0] == "RZ5" for k in got)
    assert "ae_4hr_pct: suppressed (*) 1" in result.out
    assert "ae_12hr_waits: suppressed or blank 1" in result.out
    # The England total and the providers that are not trusts are reported, not written.
    assert not any(k[0] in ("TOTAL", "NZQ01", "NZR02") for k in got)
    assert "England total row 1" in result.out
    assert (
        "not written, not known trusts (2 provider(s)): NZQ01 FENWICK LANE URGENT TREATMENT CENTRE LTD (1 row), "
        "NZR02 KESTREL PARK WALK-IN CENTRE (1 row)"
    ) in result.out
    assert len(got) == 6


def test_ae_writes_its_metric_definitions(trusts_dir: Path, no_database: str):
    assert convert("ae-monthly", [AE_MARCH], trusts_dir, no_database).code == 0
    metrics = {r["metric_id"]: r for r in rows(trusts_dir / "metrics.csv")}
    assert set(metrics) == {"ae_4hr_pct", "ae_12hr_waits"}
    four = metrics["ae_4hr_pct"]
    assert (
        four["unit"],
        four["higher_is_better"],
        four["frequency"],
        four["target"],
        four["applies_to"],
    ) == (
        "percent",
        "true",
        "monthly",
        "95",
        "",
    )
    assert "NHS England" in four["source"] and "over 4 hours" in four["description"]
    twelve = metrics["ae_12hr_waits"]
    assert (twelve["unit"], twelve["higher_is_better"], twelve["target"], twelve["applies_to"]) == (
        "count",
        "false",
        "",
        "",
    )


def test_ae_older_header_wording_and_england_row(trusts_dir: Path, no_database: str):
    """2016 wording ("Number of A&E attendances ...", ">12 hours from decision to admit"), no
    booked-appointment columns, period spelled Jan-16, the England row named England."""
    result = convert("ae-monthly", [AE_2016], trusts_dir, no_database)
    assert result.code == 0, result.err
    got = values(trusts_dir)
    # RZ1: 9000 + 0 + 1000 attendances, 900 + 0 + 20 over 4 hours -> 9080 of 10000.
    assert got[("RZ1", "ae_4hr_pct", "2016-01-01")]["value"] == "90.8"
    assert got[("RZ1", "ae_4hr_pct", "2016-01-01")]["numerator"] == "9080"
    assert got[("RZ1", "ae_12hr_waits", "2016-01-01")]["value"] == "3"
    assert got[("RZ3", "ae_4hr_pct", "2016-01-01")]["value"] == "99"  # 35 of 3500
    assert "England total row 1" in result.out
    assert "NZQ01" in result.out and len(got) == 4


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("MSitAE-MARCH-2026", date(2026, 3, 1)),
        ("MSitAE-February-2026", date(2026, 2, 1)),
        ("MSitAE-SEPT-2025", date(2025, 9, 1)),
        ("Jan-16", date(2016, 1, 1)),
        ("March 2026", date(2026, 3, 1)),
        ("2026-03", date(2026, 3, 1)),
        ("15/03/2026", date(2026, 3, 1)),
        (datetime(2026, 3, 31), date(2026, 3, 1)),
    ],
)
def test_month_spellings(text, month: date):
    assert parse_month(text) == month


def test_month_that_is_not_one_is_refused():
    for text in ("MSitAE-2026", "sometime", "MARCH-2026 to APRIL-2026"):
        with pytest.raises(ValueError):
            parse_month(text)


# --------------------------------------------------------------------------------------------
# SHMI


def test_shmi_rolling_window_is_stored_at_its_last_month(trusts_dir: Path, no_database: str):
    result = convert("shmi", SHMI_FILES, trusts_dir, no_database)
    assert result.code == 0, result.err
    got = values(trusts_dir)
    # APR24_MAR25 -> 2025-03-01; a window from 01/10/2023 to 30/09/2024 -> 2024-09-01.
    assert got[("RZ1", "shmi", "2025-03-01")] == {
        "trust_code": "RZ1",
        "metric_id": "shmi",
        "period_start": "2025-03-01",
        "value": "1.0521",
        "numerator": "2150",
        "denominator": "2043.5",
    }
    assert got[("RZ6", "shmi", "2025-03-01")]["value"] == "1.183"
    assert got[("RZ1", "shmi", "2024-09-01")]["value"] == "1.0712"
    assert got[("RZ6", "shmi", "2024-09-01")]["numerator"] == "1822"
    assert len(got) == 4
    assert "shmi: suppressed (*) 1" in result.out  # RZ5
    assert "RZ7 TOLLGATE HOSPITALS NHS TRUST (1 row)" in result.out
    metric = rows(trusts_dir / "metrics.csv")[0]
    assert (metric["metric_id"], metric["unit"], metric["higher_is_better"]) == ("shmi", "ratio", "false")


def test_shmi_period_from_the_file_name_and_from_a_zip(tmp_path: Path, trusts_dir: Path, no_database: str):
    """A trust-level CSV without period columns takes its window from its name, as the
    publication names its files; inside the publication's zip the trust-level file is found."""
    text = "Provider code,Provider name,SHMI value\nRZ1,Northbrook Valley Hospitals NHS Trust,0.9876\n"
    archive = tmp_path / "SHMI_publication.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("SHMI data at trust level, Apr22-Mar23.csv", text)
        z.writestr("SHMI data at site level, Apr22-Mar23.csv", "Site code,SHMI value\nRZ1AB,1.1\n")
    renamed = tmp_path / "shmi_trust_level_jul22_jun23.csv"
    renamed.write_text(text, encoding="utf-8")
    result = convert("shmi", [renamed], trusts_dir, no_database)
    assert result.code == 0, result.err
    assert values(trusts_dir)[("RZ1", "shmi", "2023-06-01")]["value"] == "0.9876"
    assert "period from the file name: window ending June 2023" in result.out
    assert convert("shmi", [archive], trusts_dir, no_database).code == 0
    assert values(trusts_dir)[("RZ1", "shmi", "2023-03-01")]["value"] == "0.9876"


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("APR22_MAR23", date(2023, 3, 1)),
        ("APR22-MAR23", date(2023, 3, 1)),
        ("April 2022 - March 2023", date(2023, 3, 1)),
        ("Oct-23 to Sep-24", date(2024, 9, 1)),
        ("2022-04-01 to 2023-03-31", date(2023, 3, 1)),
    ],
)
def test_rolling_window_spellings(text: str, end: date):
    assert parse_window_end(text) == end


# --------------------------------------------------------------------------------------------
# NOF


def test_nof_metrics_and_segment_rows(trusts_dir: Path, no_database: str):
    result = convert("nof", [NOF_ACUTE], trusts_dir, no_database)
    assert result.code == 0, result.err
    got = {k: v["value"] for k, v in values(trusts_dir).items()}
    assert got == {
        # Segment rows (Metric_ID "Segment"), Sep-25 -> the quarter ending September.
        ("RZ1", "nof_segment", "2025-09-01"): "3",
        ("RZ5", "nof_segment", "2025-09-01"): "1",
        ("RZ6", "nof_segment", "2025-09-01"): "4",
        # Aug-25 is in the same quarter; of RZ1's Jul-25 (73.0) and Aug-25 values the later is kept.
        ("RZ1", "of0005", "2025-09-01"): "76.2",
        ("RZ5", "of0005", "2025-09-01"): "81",
        ("RZ6", "of0005", "2025-09-01"): "74.9",
        ("RZ1", "of0012", "2025-09-01"): "8.1",
        ("RZ5", "of0012", "2025-09-01"): "2",
        ("RZ6", "of0012", "2025-09-01"): "10.2",
        # A plan-year value (2025/26) goes to the file's latest quarter; RZ1's is suppressed (-).
        ("RZ5", "of0031", "2025-09-01"): "0.4",
        ("RZ6", "of0031", "2025-09-01"): "-1.2",
    }
    assert "no Metric_ID (a domain score or heading row) 3" in result.out
    assert "value suppressed (-) 1" in result.out
    assert "value is not a number 2" in result.out  # the Yes/No metric
    assert "RZ7 Tollgate Hospitals NHS Trust (3 rows)" in result.out
    metrics = {r["metric_id"]: r for r in rows(trusts_dir / "metrics.csv")}
    assert set(metrics) == {"nof_segment", "of0005", "of0012", "of0031"}
    segment = metrics["nof_segment"]
    assert (segment["unit"], segment["higher_is_better"], segment["frequency"]) == (
        "score",
        "false",
        "quarterly",
    )
    # Polarity from Rank: the best rank goes with the highest 4-hour value, the lowest 12-hour share.
    assert metrics["of0005"]["higher_is_better"] == "true"
    assert metrics["of0012"]["higher_is_better"] == "false"
    assert metrics["of0005"]["unit"] == "percent" and metrics["of0005"]["frequency"] == "quarterly"
    assert metrics["of0005"]["name"] == "Percentage of patients seen within 4 hours in A&E"
    # No rank, no polarity column: written as higher is better, and said so; "£m" is no §2 unit.
    assert metrics["of0031"]["higher_is_better"] == "true"
    assert metrics["of0031"]["unit"] == "score"
    assert "units '£m' are not a unit of §2, written as score: of0031" in result.out
    assert "written as higher is better: of0031" in result.out


def test_nof_segment_column_and_quarters(trusts_dir: Path, no_database: str):
    result = convert("nof", [NOF_NON_ACUTE], trusts_dir, no_database)
    assert result.code == 0, result.err
    got = {k: v["value"] for k, v in values(trusts_dir).items()}
    assert got == {
        # The segment column gives the segment of the file's latest quarter (Q2 2025/26).
        ("RZ2", "nof_segment", "2025-09-01"): "2",
        ("RZ3", "nof_segment", "2025-09-01"): "4",
        ("RZ2", "of0101", "2025-06-01"): "140",  # Jun-25
        ("RZ3", "of0150", "2025-09-01"): "12",  # Q2 2025/26
    }
    assert "value suppressed (*) 1" in result.out and "value suppressed (-) 1" in result.out
    assert "RZ8 Brindle Hill Mental Health NHS Trust (1 row)" in result.out


def test_nof_keeps_a_polarity_corrected_in_metrics_csv(trusts_dir: Path, no_database: str):
    (trusts_dir / "metrics.csv").write_text(
        "metric_id,name,unit,higher_is_better\nof0031,Planned surplus or deficit,gbp,false\n",
        encoding="utf-8",
    )
    assert convert("nof", [NOF_ACUTE], trusts_dir, no_database).code == 0
    metrics = {r["metric_id"]: r for r in rows(trusts_dir / "metrics.csv")}
    assert metrics["of0031"]["higher_is_better"] == "false"


def test_nof_file_in_windows_1252(tmp_path: Path, trusts_dir: Path, no_database: str):
    path = tmp_path / "nof_acute.csv"
    path.write_bytes(NOF_ACUTE.read_text(encoding="utf-8").encode("cp1252"))
    result = convert("nof", [path], trusts_dir, no_database)
    assert result.code == 0, result.err
    assert "units '£m'" in result.out


def test_csv_saved_as_utf16_unicode_text(tmp_path: Path, trusts_dir: Path, no_database: str):
    path = tmp_path / "shmi.csv"
    path.write_bytes(SHMI_FILES[0].read_text(encoding="utf-8").encode("utf-16"))
    assert convert("shmi", [path], trusts_dir, no_database).code == 0
    assert values(trusts_dir)[("RZ1", "shmi", "2025-03-01")]["value"] == "1.0521"


def test_an_output_file_that_cannot_be_merged(trusts_dir: Path, no_database: str):
    (trusts_dir / "metric_values.csv").write_bytes("trust_code,metric_id\nRZ1,caf\xe9\n".encode("latin-1"))
    result = convert("shmi", SHMI_FILES, trusts_dir, no_database)
    assert result.code == 1
    assert "metric_values.csv: the file already in the output folder is not UTF-8 text" in result.err
    assert not (trusts_dir / "metrics.csv").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Q2 2025/26", date(2025, 9, 1)), ("Q4 2025/26", date(2026, 3, 1)), ("2025-26 Q1", date(2025, 6, 1))],
)
def test_financial_quarters(text: str, expected: date):
    assert parse_fiscal_quarter(text) == expected


def testsegment_values():
    assert [segment_value(v) for v in ("3", "3.0", 4.0, "Segment 2", "5 - intensive support")] == [
        3,
        3,
        4,
        2,
        5,
    ]
    assert [segment_value(v) for v in ("3.5", "35", "6", "", "high")] == [None] * 5


def test_quarters_and_plan_years():
    assert quarter_end(date(2026, 2, 1)) == date(2026, 3, 1)
    assert quarter_end(date(2025, 10, 1)) == date(2025, 12, 1)
    assert parse_plan_year("2025/26") == (2025, 2026)
    assert parse_plan_year("2025-2026") == (2025, 2026)
    assert parse_plan_year("2025/27") is None


# --------------------------------------------------------------------------------------------
# Merging into a folder


def test_rerunning_the_same_files_changes_nothing(out_dir: Path, no_database: str):
    assert convert("cqc-ratings", CQC_FILES, out_dir, no_database).code == 0
    assert convert("ae-monthly", [AE_MARCH, AE_2016], out_dir, no_database).code == 0
    before = snapshot(out_dir)
    again = convert("cqc-ratings", CQC_FILES, out_dir, no_database)
    assert "cqc_ratings.csv: 40 rows (0 new, 0 updated, 40 unchanged)" in again.out
    again = convert("ae-monthly", [AE_MARCH, AE_2016], out_dir, no_database)
    assert "metric_values.csv: 10 rows (0 new, 0 updated, 10 unchanged)" in again.out
    assert snapshot(out_dir) == before


def test_a_later_run_adds_rows(trusts_dir: Path, no_database: str):
    assert convert("ae-monthly", [AE_MARCH], trusts_dir, no_database).code == 0
    march = values(trusts_dir)
    result = convert("ae-monthly", [AE_FEB], trusts_dir, no_database)
    assert result.code == 0, result.err
    both = values(trusts_dir)
    assert {k: v for k, v in both.items() if k[2] == "2026-03-01"} == march
    # February: RZ1 attendances 9500 + 450 + 2900 + 180 + 0 + 250 = 13280, over 2500 + 15 + 90 + 20 + 0 + 40 = 2665.
    assert float(both[("RZ1", "ae_4hr_pct", "2026-02-01")]["value"]) == pytest.approx(100 * 10615 / 13280)
    # RZ6's 12-hour count is "-" in February: skipped, not 0.
    assert ("RZ6", "ae_12hr_waits", "2026-02-01") not in both
    assert "metric_values.csv: 9 rows (3 new, 0 updated, 0 unchanged)" in result.out
    assert "metrics.csv: 2 rows (0 new, 0 updated, 2 unchanged)" in result.out


def test_the_same_month_in_two_files_with_different_counts(
    tmp_path: Path, trusts_dir: Path, no_database: str
):
    revised = tmp_path / "ae_monthly_2026-03_revised.csv"
    revised.write_text(
        AE_MARCH.read_text()
        .replace(",RZ6,", ",RZ6,")
        .replace(",2000,0,0,,,,300,120,", ",1000,0,0,,,,300,120,")
    )
    result = convert("ae-monthly", [AE_MARCH, revised], trusts_dir, no_database)
    assert result.code == 0, result.err
    assert values(trusts_dir)[("RZ6", "ae_4hr_pct", "2026-03-01")]["value"] == "87.5"  # 7000 of 8000
    assert "1 metric_values row(s) differed between files: the later file's row is written" in result.out


# --------------------------------------------------------------------------------------------
# Files that cannot be read


def _drop_column(text: str, heading: str) -> str:
    table = list(csv.reader(io.StringIO(text)))
    header_row = next(i for i, r in enumerate(table) if heading in r)
    index = table[header_row].index(heading)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for r in table:
        writer.writerow(r[:index] + r[index + 1 :] if len(r) > index else r)
    return out.getvalue()


def _set_cell(text: str, line: int, heading: str, value: str) -> str:
    table = list(csv.reader(io.StringIO(text)))
    header_row = next(i for i, r in enumerate(table) if heading in r)
    table[line - 1][table[header_row].index(heading)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def _cqc_text() -> str:
    return CQC_FILES[0].read_text(encoding="utf-8-sig")


BROKEN = {
    # kind: [(file name, content maker, message expected on stderr)]
    "cqc-ratings": [
        (
            "ratings.csv",
            lambda: _drop_column(_cqc_text(), "Provider Type"),
            "ratings.csv:4: -: no column for the provider type (looked for: Provider Type)",
        ),
        (
            "ratings.csv",
            lambda: _set_cell(_cqc_text(), 5, "Publication Date", "31/13/2024"),
            "ratings.csv:5: Publication Date: '31/13/2024' is not a date (dd/mm/yyyy)",
        ),
        (
            "ratings.ods",
            lambda: "<!DOCTYPE html><html><body>Sorry, this page is unavailable</body></html>",
            "ratings.ods: not a spreadsheet or CSV file: it is a web page",
        ),
    ],
    "ae-monthly": [
        (
            "ae.csv",
            lambda: _drop_column(AE_MARCH.read_text(), "Attendances over 4hrs Type 1"),
            "ae.csv:1: -: no column for attendances over 4 hours at type 1 departments "
            "(looked for: Attendances over 4hrs Type 1,",
        ),
        (
            "ae.csv",
            lambda: _set_cell(AE_MARCH.read_text(), 3, "A&E attendances Type 1", "12a"),
            "ae.csv:3: A&E attendances Type 1: '12a' is not a number",
        ),
        (
            "ae.csv",
            lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "ae.csv: not a spreadsheet or CSV file: it is a PDF document",
        ),
    ],
    "shmi": [
        (
            "shmi.csv",
            lambda: _drop_column(SHMI_FILES[0].read_text(), "SHMI_VALUE"),
            "shmi.csv:1: -: no column for the SHMI value (looked for: SHMI value, SHMI, Value, SHMI_VALUE)",
        ),
        (
            "shmi.csv",
            lambda: _set_cell(SHMI_FILES[0].read_text(), 2, "REPORTING_PERIOD", "sometime"),
            "shmi.csv:2: REPORTING_PERIOD: 'sometime' is not a reporting period",
        ),
        (
            "shmi.xls",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "shmi.xls: an old binary Excel (.xls) workbook: open it and save it as .xlsx, .ods or CSV",
        ),
    ],
    "nof": [
        (
            "nof.csv",
            lambda: _drop_column(NOF_ACUTE.read_text(), "Metric_ID"),
            "nof.csv:1: -: no column for the metric ID (looked for: Metric_ID,",
        ),
        (
            "nof.csv",
            lambda: _set_cell(NOF_ACUTE.read_text(), 4, "Reporting_date", "soon"),
            "nof.csv:4: Reporting_date: 'soon' is not a reporting date",
        ),
        (
            "nof.xlsx",
            lambda: NOF_ACUTE.read_text(),
            "nof.xlsx: not a spreadsheet: a .xlsx file must be a zip archive",
        ),
    ],
}
BROKEN_CASES = [
    pytest.param(kind, name, maker, message, id=f"{kind}-{what}")
    for kind, cases in BROKEN.items()
    for (name, maker, message), what in zip(
        cases, ("missing-column", "unreadable-row", "not-a-spreadsheet"), strict=True
    )
]


@pytest.mark.parametrize(("kind", "name", "maker", "message"), BROKEN_CASES)
def test_a_broken_file_is_rejected_with_file_row_and_column(
    kind: str, name: str, maker, message: str, tmp_path: Path, trusts_dir: Path, no_database: str
):
    content = maker()
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = snapshot(trusts_dir)
    good = {"cqc-ratings": CQC_FILES[1], "ae-monthly": AE_MARCH, "shmi": SHMI_FILES[0], "nof": NOF_ACUTE}[
        kind
    ]
    result = convert(kind, [good, path], trusts_dir, no_database)
    assert result.code == 1
    assert message in result.err, result.err
    assert f"nothing was written to {trusts_dir}" in result.err
    assert result.out == ""
    assert snapshot(trusts_dir) == before  # the good file in the same call wrote nothing either


def test_every_problem_of_a_file_is_listed(tmp_path: Path, trusts_dir: Path, no_database: str):
    text = _set_cell(AE_MARCH.read_text(), 3, "A&E attendances Type 1", "12a")
    text = _set_cell(text, 5, "Patients who have waited 12+ hrs from DTA to admission", "lots")
    text = _set_cell(text, 6, "Period", "MSitAE-SMARCH-2026")
    path = tmp_path / "ae.csv"
    path.write_text(text)
    result = convert("ae-monthly", [path], trusts_dir, no_database)
    assert result.code == 1
    assert result.err.splitlines() == [
        "ae.csv:3: A&E attendances Type 1: '12a' is not a number",
        "ae.csv:5: Patients who have waited 12+ hrs from DTA to admission: 'lots' is not a number",
        "ae.csv:6: Period: 'MSitAE-SMARCH-2026' is not a month (e.g. MSitAE-MARCH-2026)",
        f"convert rejected: 3 problem(s); nothing was written to {trusts_dir}",
    ]


def test_a_missing_file_is_rejected(tmp_path: Path, out_dir: Path, no_database: str):
    result = convert("shmi", [tmp_path / "nowhere.csv"], out_dir, no_database)
    assert result.code == 1 and "nowhere.csv: no such file" in result.err


def test_usage_errors(tmp_path: Path, no_database: str):
    assert convert("ratings", [AE_MARCH], tmp_path, no_database).code == 2
    assert convert("shmi", [], tmp_path, no_database).code == 2
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = convert("shmi", SHMI_FILES, a_file, no_database)
    assert result.code == 2 and "is not a folder" in result.err
    assert set(KINDS) == {"cqc-ratings", "ae-monthly", "shmi", "nof"}


def test_without_known_trusts_nothing_is_written_and_the_summary_says_why(out_dir: Path, no_database: str):
    result = convert("ae-monthly", [AE_MARCH], out_dir, no_database)
    assert result.code == 0
    assert "nothing to write" in result.out
    assert "no known trusts: convert the CQC ratings into this folder first" in result.out
    assert not out_dir.exists() or not any(out_dir.iterdir())
    assert not Path(no_database.removeprefix("sqlite:///")).exists()  # an absent database is not created


# --------------------------------------------------------------------------------------------
# The streaming .ods reader

_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _ods(path: Path, content: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", _ODS_HEAD + content + _ODS_TAIL)
    return path


def test_ods_reader_gives_what_pandas_gives():
    raw = CQC_FILES[2].read_bytes()
    assert ods.sheet_names(raw) == ["Locations", "Providers"]
    for sheet in ("Locations", "Providers"):
        frame = pd.read_excel(io.BytesIO(raw), sheet_name=sheet, header=None, dtype=object, engine="odf")
        expected = []
        for cells in frame.itertuples(index=False, name=None):
            row = [None if c != c else (float(c) if isinstance(c, int) else c) for c in cells]
            while row and row[-1] is None:
                row.pop()
            expected.append(row)
        assert ods.sheet_rows(raw, sheet) == expected


def test_ods_reader_repeats_spaces_and_padding(tmp_path: Path):
    path = _ods(
        tmp_path / "t.ods",
        '<table:table table:name="Notes &amp; terms"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>n</text:p></table:table-cell></table:table-row></table:table>"
        '<table:table table:name="Providers">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Latest<text:s text:c="2"/>ratings'
        "</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="5"/>'
        "</table:table-row>"
        '<table:table-row><table:table-cell table:number-columns-repeated="2" office:value-type="float" '
        'office:value="3"><text:p>3</text:p></table:table-cell><table:covered-table-cell/>'
        '<table:table-cell office:value-type="date" office:date-value="2024-08-14T00:00:00"><text:p>14/08/2024'
        "</text:p><office:annotation><text:p>a comment</text:p></office:annotation></table:table-cell>"
        '<table:table-cell office:value-type="string"><text:p>two</text:p><text:p>lines</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
        "</table:table>",
    )
    raw = path.read_bytes()
    assert ods.sheet_names(raw) == ["Notes & terms", "Providers"]
    assert ods.sheet_rows(raw, "Providers") == [
        ["Latest  ratings"],
        [],
        [],
        [3.0, 3.0, None, datetime(2024, 8, 14), "two\nlines"],
    ]
    assert ods.sheet_rows(raw, "Elsewhere") == []


def test_a_damaged_ods_is_rejected(tmp_path: Path, out_dir: Path, no_database: str):
    path = _ods(tmp_path / "ratings.ods", '<table:table table:name="Providers"><table:table-row>')
    result = convert("cqc-ratings", [path], out_dir, no_database)
    assert result.code == 1
    assert "ratings.ods: not a readable OpenDocument spreadsheet" in result.err


# --------------------------------------------------------------------------------------------
# Columns by meaning


def test_headings_compare_by_meaning():
    assert (
        normalise("A&E attendances Type 1") == normalise(" a&e ATTENDANCES type-1 ") == "aeattendancestype1"
    )
    assert normalise("Number of attendances over 4hrs Type 1") == normalise("Attendances over 4 hours Type 1")
    assert normalise("Service / Population Group") == normalise("Service/Population Group")


def test_header_row_is_found_below_banner_rows():
    fields = (Field("code", "the code", ("Provider ID",)), Field("name", "the name", ("Provider Name",)))
    rows_ = [
        ["Latest ratings"],
        ["Published monthly", None],
        [],
        ["Provider ID", "Provider Name"],
        ["RZ1", "A"],
    ]
    header = find_header(rows_, fields, "f.csv")
    assert (header.row, header.index) == (4, {"code": 0, "name": 1})
    with pytest.raises(Rejected) as rejected:
        find_header([["Provider ID", "Something else"]], fields, "f.csv")
    assert [str(p) for p in rejected.value.problems] == [
        "f.csv:1: -: no column for the name (looked for: Provider Name)"
    ]


def test_dates_as_publishers_write_them():
    assert parse_date("14/08/2024") == date(2024, 8, 14)
    assert parse_date("2024-08-14") == date(2024, 8, 14)
    assert parse_date("2024-08-14 00:00:00") == date(2024, 8, 14)
    assert parse_date(datetime(2024, 8, 14, 0, 0)) == date(2024, 8, 14)
    assert parse_date(45292) == date(2024, 1, 1)  # a spreadsheet's serial day number
    for bad in ("31/13/2024", "", "soon", 12):
        with pytest.raises(ValueError):
            parse_date(bad)


# --------------------------------------------------------------------------------------------
# Progress


def test_progress_is_quiet_off_a_terminal():
    stream = io.StringIO()
    assert not is_interactive(stream)
    with progress("reading", total=10, stream=stream) as bar:
        for _ in range(10):
            bar.advance()
    assert list(track(range(5), "checking", stream=stream)) == [0, 1, 2, 3, 4]
    assert stream.getvalue() == ""


def test_progress_on_a_terminal_shows_rows_and_rate():
    stream = io.StringIO()
    with progress("reading ratings.ods", total=2000, stream=stream, enabled=True, transient=False) as bar:
        for _ in range(2000):
            bar.advance()
    shown = stream.getvalue()
    assert "reading ratings.ods" in shown
    assert "2,000/2,000 rows" in shown
    assert "rows/s" in shown


# --------------------------------------------------------------------------------------------
# End to end: converted files load into a fresh database


def test_converted_files_import_into_a_fresh_database(out_dir: Path, database_url: str, engine):
    for kind, files in (
        ("cqc-ratings", CQC_FILES),
        ("ae-monthly", [AE_2016, AE_FEB, AE_MARCH]),
        ("shmi", SHMI_FILES),
        ("nof", [NOF_ACUTE, NOF_NON_ACUTE]),
    ):
        result = convert(kind, files, out_dir, database_url)
        assert result.code == 0, result.err
    loaded = importer.import_directory(out_dir, engine)
    # metric values: A&E 4 + 3 + 6, SHMI 4, NOF 11 + 4; metrics: 2 A&E, shmi, nof_segment and 5 NOF metrics.
    assert loaded.rows == {"trusts": 6, "metrics": 9, "cqc_ratings": 40, "metric_values": 32}
    with engine.connect() as conn:
        four_hour = conn.execute(
            select(models.MetricValue).where(
                models.MetricValue.trust_code == "RZ1",
                models.MetricValue.metric_id == "ae_4hr_pct",
                models.MetricValue.period_start == date(2026, 3, 1),
            )
        ).one()
        assert four_hour.value == pytest.approx(100 * 10800 / 14000)
        assert (four_hour.numerator, four_hour.denominator) == (10800, 14000)
        assert (
            conn.scalar(select(models.Trust.trust_type).where(models.Trust.trust_code == "RZ5"))
            == "specialist"
        )
    # Importing again changes nothing.
    again = importer.import_directory(out_dir, engine)
    assert again.rows == loaded.rows


def test_trusts_in_the_database_are_known(tmp_path: Path, database_url: str, engine):
    first = tmp_path / "first"
    assert convert("cqc-ratings", CQC_FILES, first, database_url).code == 0
    importer.import_directory(first, engine)
    later = tmp_path / "later"  # a month of A&E on its own, no trusts.csv in its folder
    result = convert("ae-monthly", [AE_FEB], later, database_url)
    assert result.code == 0, result.err
    assert "known trusts: 6 (0 in" in result.out and "6 in the database" in result.out
    assert set(values(later)) == {
        ("RZ1", "ae_4hr_pct", "2026-02-01"),
        ("RZ1", "ae_12hr_waits", "2026-02-01"),
        ("RZ6", "ae_4hr_pct", "2026-02-01"),
    }


def test_cqc_trust_of_an_unknown_category_known_to_the_database(tmp_path: Path, database_url: str, engine):
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "trusts.csv").write_text(
        "trust_code,trust_name,trust_type\nRZ9,Orchard Vale Dental NHS Trust,community\n", encoding="utf-8"
    )
    importer.import_directory(seed, engine)
    out = tmp_path / "out"
    result = convert("cqc-ratings", [CQC_FILES[2]], out, database_url)
    assert result.code == 0, result.err
    assert "RZ9" not in {r["trust_code"] for r in rows(out / "trusts.csv")}
    assert len([r for r in rows(out / "cqc_ratings.csv") if r["trust_code"] == "RZ9"]) == 6
    importer.import_directory(out, engine)  # the ratings of a trust the database knows load


def test_a_database_without_tables_counts_as_none(tmp_path: Path, trusts_dir: Path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    result = convert("shmi", SHMI_FILES, trusts_dir, f"sqlite:///{empty}")
    assert result.code == 0, result.err
    assert "could not be read" in result.out and "known trusts: 6" in result.out


# --------------------------------------------------------------------------------------------
# The command


def test_the_console_command(tmp_path: Path):
    command = Path(sys.executable).parent / "smq-monitor"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'absent.sqlite3'}", "PATH": str(command.parent)}
    out = tmp_path / "data"
    done = subprocess.run(
        [command, "convert", "cqc-ratings", *map(str, CQC_FILES), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cqc-ratings: read 3 file(s)\n")
    assert "cqc_latest_ratings_2025-05.ods (sheet Providers, header on row 4): 48 rows" in done.stdout
    assert f"wrote into {out}:\n  trusts.csv: 6 rows (6 new, 0 updated, 0 unchanged)" in done.stdout
    assert "\x1b[" not in done.stdout  # no progress bar drawn into a pipe
    broken = tmp_path / "ae.csv"
    broken.write_text("Period,Org Code\nMSitAE-MARCH-2026,RZ1\n")
    done = subprocess.run(
        [command, "convert", "ae-monthly", str(broken), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "ae.csv:1: -: no column for A&E attendances at type 1 departments" in done.stderr
    done = subprocess.run(
        [command, "convert", "ae-monthly", str(broken)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "--out" in done.stderr
