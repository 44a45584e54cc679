"""NHS England monthly A&E attendances and emergency admissions CSVs -> metrics.csv and
metric_values.csv (contract §6).

`ae_4hr_pct` is computed over every department type, booked appointments included:
100 × (1 − attendances over 4 hours ÷ all attendances), with numerator (attendances within
4 hours) and denominator (all attendances) kept. `ae_12hr_waits` is the count of patients who
waited 12 hours or more from the decision to admit. A department type left blank (or `-`)
counts as none of that type; a `*` in any of them leaves the month's 4-hour value unknown.
"""

from __future__ import annotations

from pathlib import Path

from data_access.convert.columns import Field, normalise
from data_access.convert.common import Conversion, FileReport, Problem, Rejected
from data_access.convert.context import Context
from data_access.convert.reading import load_table
from data_access.convert.values import (
    SUPPRESSED,
    cell_text,
    format_number,
    is_suppressed,
    parse_month,
    parse_number,
)

KIND = "ae-monthly"
FOUR_HOUR = "ae_4hr_pct"
TWELVE_HOUR = "ae_12hr_waits"

METRICS: dict[str, dict[str, str]] = {
    FOUR_HOUR: {
        "metric_id": FOUR_HOUR,
        "name": "A&E 4-hour performance (all department types)",
        "unit": "percent",
        "target": "95",
        "higher_is_better": "true",
        "frequency": "monthly",
        "applies_to": "",
        "source": "NHS England, A&E Attendances and Emergency Admissions (monthly)",
        "description": (
            "Percentage of A&E attendances, over every department type and booked appointments "
            "included, that were admitted, transferred or discharged within 4 hours of arrival: "
            "100 x (1 - attendances over 4 hours / all attendances). Numerator: attendances within "
            "4 hours; denominator: all attendances. The standard is 95%."
        ),
        "domain": "access",
    },
    TWELVE_HOUR: {
        "metric_id": TWELVE_HOUR,
        "name": "A&E 12-hour waits from decision to admit",
        "unit": "count",
        "target": "",
        "higher_is_better": "false",
        "frequency": "monthly",
        "applies_to": "",
        "source": "NHS England, A&E Attendances and Emergency Admissions (monthly)",
        "description": "Patients who waited 12 hours or more from the decision to admit to admission.",
        "domain": "access",
    },
}


def _f(key: str, meaning: str, *names: str, required: bool = True) -> Field:
    return Field(key, meaning, names, required)


ATTENDANCES = (
    _f(
        "att_t1",
        "A&E attendances at type 1 departments",
        "A&E attendances Type 1",
        "A&E attendances Type 1 Departments - Major A&E",
        "Type 1 Departments - Major A&E",
    ),
    _f(
        "att_t2",
        "A&E attendances at type 2 departments",
        "A&E attendances Type 2",
        "A&E attendances Type 2 Departments - Single Specialty",
        "Type 2 Departments - Single Specialty",
    ),
    _f(
        "att_other",
        "A&E attendances at other departments",
        "A&E attendances Other A&E Department",
        "A&E attendances Other Department",
        "A&E attendances Type 3",
        "A&E attendances Type 3 Departments - Other A&E/Minor Injury Unit",
        "Type 3 Departments - Other A&E/Minor Injury Unit",
    ),
    _f(
        "att_booked_t1",
        "booked-appointment attendances at type 1 departments",
        "A&E attendances Booked Appointments Type 1",
        required=False,
    ),
    _f(
        "att_booked_t2",
        "booked-appointment attendances at type 2 departments",
        "A&E attendances Booked Appointments Type 2",
        required=False,
    ),
    _f(
        "att_booked_other",
        "booked-appointment attendances at other departments",
        "A&E attendances Booked Appointments Other Department",
        "A&E attendances Booked Appointments Other A&E Department",
        required=False,
    ),
)
OVER_FOUR = (
    _f(
        "over_t1",
        "attendances over 4 hours at type 1 departments",
        "Attendances over 4hrs Type 1",
        "A&E attendances over 4hrs Type 1",
        "Attendances over 4hrs Type 1 Departments - Major A&E",
    ),
    _f(
        "over_t2",
        "attendances over 4 hours at type 2 departments",
        "Attendances over 4hrs Type 2",
        "A&E attendances over 4hrs Type 2",
        "Attendances over 4hrs Type 2 Departments - Single Specialty",
    ),
    _f(
        "over_other",
        "attendances over 4 hours at other departments",
        "Attendances over 4hrs Other Department",
        "Attendances over 4hrs Other A&E Department",
        "A&E attendances over 4hrs Other A&E Department",
        "Attendances over 4hrs Type 3",
        "Attendances over 4hrs Type 3 Departments - Other A&E/Minor Injury Unit",
    ),
    _f(
        "over_booked_t1",
        "booked-appointment attendances over 4 hours at type 1 departments",
        "Attendances over 4hrs Booked Appointments Type 1",
        required=False,
    ),
    _f(
        "over_booked_t2",
        "booked-appointment attendances over 4 hours at type 2 departments",
        "Attendances over 4hrs Booked Appointments Type 2",
        required=False,
    ),
    _f(
        "over_booked_other",
        "booked-appointment attendances over 4 hours at other departments",
        "Attendances over 4hrs Booked Appointments Other Department",
        "Attendances over 4hrs Booked Appointments Other A&E Department",
        required=False,
    ),
)
FIELDS = (
    _f("period", "the period", "Period", "Month", "Reporting Period"),
    _f("code", "the provider code", "Org Code", "Organisation Code", "Provider Code", "Code"),
    _f("name", "the provider name", "Org name", "Organisation Name", "Provider Name", "Name", required=False),
    *ATTENDANCES,
    *OVER_FOUR,
    _f(
        "dta12",
        "12+ hour waits from decision to admit",
        "Patients who have waited 12+ hrs from DTA to admission",
        "Patients who have waited 12+ hours from decision to admit to admission",
        "Patients spending >12 hours from decision to admit to admission",
        "12+ hrs from DTA to admission",
    ),
)

# The England row: the code or the name says total.
_TOTAL_CODES = frozenset({"TOTAL", "ENGLAND", "ENG", "E92000001"})
_TOTAL_NAMES = frozenset({"total", "england", "englandtotal", "totalengland"})


def is_total(code: str, name: str) -> bool:
    """The England total row of a publication (not a trust)."""
    return code.upper() in _TOTAL_CODES or normalise(name) in _TOTAL_NAMES


class _Sum:
    """Adds up department-type counts: blank or '-' is none of that type, '*' makes it unknown."""

    def __init__(self) -> None:
        self.total = 0.0
        self.given = 0
        self.suppressed = False

    def add(self, value: object, label: str, where: tuple[str, int], problems: list[Problem]) -> None:
        text = cell_text(value)
        if text in SUPPRESSED:
            if text.startswith("*"):
                self.suppressed = True
            return
        try:
            number = parse_number(value)
        except ValueError:
            problems.append(Problem(where[0], f"'{text}' is not a number", where[1], label))
            return
        if number < 0:
            problems.append(Problem(where[0], f"'{text}' is a negative count", where[1], label))
            return
        self.total += number
        self.given += 1


def convert(paths: list[Path], ctx: Context) -> Conversion:
    result = Conversion(KIND)
    for path in paths:
        report = FileReport(path)
        result.files.append(report)
        try:
            _convert_file(path, ctx, result, report)
        except Rejected as rejected:
            result.problems.extend(rejected.problems)
    values = result.collected.rows.get("metric_values", {})
    for metric_id, row in METRICS.items():
        if any(key[1] == metric_id for key in values):
            result.collected.add("metrics", (metric_id,), dict(row))
    return result


def _convert_file(path: Path, ctx: Context, result: Conversion, report: FileReport) -> None:
    table = load_table(path, FIELDS, stream=ctx.stream)
    col, labels = table.header.index, table.header.labels
    report.where = table.where()
    problems: list[Problem] = []
    periods: set[str] = set()

    def cell(cells: list[object], key: str) -> object:
        i = col.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in table.data_rows(ctx.stream):
        report.rows += 1
        code = cell_text(cell(cells, "code")).upper()
        name = cell_text(cell(cells, "name"))
        if is_total(code, name):
            report.skipped["England total row"] += 1
            continue
        if not code:
            report.skipped["no provider code"] += 1
            continue
        raw_period = cell(cells, "period")
        try:
            period = parse_month(raw_period).isoformat()
        except ValueError:
            problems.append(
                Problem(
                    table.label,
                    f"'{cell_text(raw_period)}' is not a month (e.g. MSitAE-MARCH-2026)",
                    number,
                    labels["period"],
                )
            )
            continue
        periods.add(period)
        where = (table.label, number)
        attendances, over = _Sum(), _Sum()
        for f in ATTENDANCES:
            if f.key in col:
                attendances.add(cell(cells, f.key), labels[f.key], where, problems)
        for f in OVER_FOUR:
            if f.key in col:
                over.add(cell(cells, f.key), labels[f.key], where, problems)
        raw_12 = cell(cells, "dta12")
        twelve: float | None = None
        if not is_suppressed(raw_12):
            try:
                twelve = parse_number(raw_12)
            except ValueError:
                problems.append(
                    Problem(table.label, f"'{cell_text(raw_12)}' is not a number", number, labels["dta12"])
                )
        if code not in ctx.known:
            result.not_a_trust(code, name)
            report.skipped["not a known trust (listed below)"] += 1
            continue
        if attendances.suppressed or over.suppressed:
            report.skipped[f"{FOUR_HOUR}: suppressed (*)"] += 1
        elif not attendances.given or attendances.total == 0:
            report.skipped[f"{FOUR_HOUR}: no attendances given"] += 1
        elif over.total > attendances.total:
            problems.append(
                Problem(
                    table.label,
                    f"more attendances over 4 hours ({format_number(over.total)}) than attendances "
                    f"({format_number(attendances.total)})",
                    number,
                    labels["over_t1"],
                )
            )
            continue
        else:
            within = attendances.total - over.total
            result.collected.add(
                "metric_values",
                (code, FOUR_HOUR, period),
                {
                    "trust_code": code,
                    "metric_id": FOUR_HOUR,
                    "period_start": period,
                    "value": format_number(100 * within / attendances.total),
                    "numerator": format_number(within),
                    "denominator": format_number(attendances.total),
                },
            )
            report.took[FOUR_HOUR] += 1
        if twelve is None:
            report.skipped[f"{TWELVE_HOUR}: suppressed or blank"] += 1
        else:
            result.collected.add(
                "metric_values",
                (code, TWELVE_HOUR, period),
                {
                    "trust_code": code,
                    "metric_id": TWELVE_HOUR,
                    "period_start": period,
                    "value": format_number(twelve),
                },
            )
            report.took[TWELVE_HOUR] += 1
    if problems:
        raise Rejected(problems)
    if periods:
        report.where += f", period {', '.join(sorted(periods))}"
