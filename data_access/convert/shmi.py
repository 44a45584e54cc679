"""SHMI trust-level CSV -> metrics.csv and metric_values.csv (contract §6).

A SHMI value belongs to its rolling 12-month window: it is stored at the first day of the
window's last month (`APR22_MAR23` -> 2023-03-01). The window comes from a period column, from
separate start and end date columns, or failing both from the file's name (the publication
names its files by the window). Observed and expected deaths, when given, are kept as the
numerator and denominator; a `*` (suppressed) value is skipped and counted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from data_access.convert.ae import is_total
from data_access.convert.columns import Field
from data_access.convert.common import Conversion, FileReport, Problem, Rejected
from data_access.convert.context import Context
from data_access.convert.reading import load_table
from data_access.convert.values import (
    cell_text,
    format_number,
    is_suppressed,
    parse_month,
    parse_number,
    parse_window_end,
)

KIND = "shmi"
METRIC = "shmi"

METRICS: dict[str, dict[str, str]] = {
    METRIC: {
        "metric_id": METRIC,
        "name": "Summary Hospital-level Mortality Indicator (SHMI)",
        "unit": "ratio",
        "target": "",
        "higher_is_better": "false",
        "frequency": "monthly",
        "applies_to": "",
        "source": "NHS England (formerly NHS Digital), SHMI trust-level data",
        "description": (
            "Deaths in hospital or within 30 days of discharge, observed / expected, over a rolling "
            "12 months. Stored at the first day of the window's last month (APR22_MAR23 -> "
            "2023-03-01). Numerator: observed deaths; denominator: expected deaths."
        ),
        "domain": "safety_outcomes",
    }
}

FIELDS = (
    Field(
        "code",
        "the provider code",
        ("Provider code", "Provider_code", "Trust code", "Org code", "Organisation code", "Code"),
    ),
    Field(
        "name", "the provider name", ("Provider name", "Trust name", "Org name", "Organisation name"), False
    ),
    Field("value", "the SHMI value", ("SHMI value", "SHMI", "Value", "SHMI_VALUE")),
    Field(
        "period",
        "the reporting period",
        ("Reporting period", "Period", "Time period", "Data period", "Reporting_period"),
        False,
    ),
    Field(
        "start",
        "the start of the reporting period",
        (
            "Reporting period start",
            "Period start",
            "Period start date",
            "Start date",
            "Reporting_period_start",
        ),
        False,
    ),
    Field(
        "end",
        "the end of the reporting period",
        ("Reporting period end", "Period end", "Period end date", "End date", "Reporting_period_end"),
        False,
    ),
    Field("observed", "observed deaths", ("Observed deaths", "Number of observed deaths"), False),
    Field("expected", "expected deaths", ("Expected deaths", "Number of expected deaths"), False),
)


def convert(paths: list[Path], ctx: Context) -> Conversion:
    result = Conversion(KIND)
    for path in paths:
        report = FileReport(path)
        result.files.append(report)
        try:
            _convert_file(path, ctx, result, report)
        except Rejected as rejected:
            result.problems.extend(rejected.problems)
    if result.collected.count("metric_values"):
        result.collected.add("metrics", (METRIC,), dict(METRICS[METRIC]))
    return result


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _convert_file(path: Path, ctx: Context, result: Conversion, report: FileReport) -> None:
    table = load_table(path, FIELDS, zip_hints=("trust",), stream=ctx.stream)
    col, labels = table.header.index, table.header.labels
    report.where = table.where()
    from_name: date | None = None
    if not any(k in col for k in ("period", "start", "end")):
        # The CSV's own name first (inside a zip, the member's), then the name it came in.
        names = [Path(table.sheet).stem] if table.in_zip and table.sheet else []
        for name in [*names, path.stem]:
            try:
                from_name = parse_window_end(name)
                break
            except ValueError:
                continue
        if from_name is None:
            period_fields = [f for f in FIELDS if f.key in ("period", "start", "end")]
            looked = ", ".join(n for f in period_fields for n in f.names)
            raise Rejected(
                [
                    Problem(
                        table.label,
                        f"no column for the reporting period (looked for: {looked}), and the file "
                        "name has no period such as APR22_MAR23",
                        table.header.row,
                        "-",
                    )
                ]
            ) from None
        report.notes.append(f"period from the file name: window ending {from_name:%B %Y}")
    problems: list[Problem] = []
    windows: set[str] = set()

    def cell(cells: list[object], key: str) -> object:
        i = col.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in table.data_rows(ctx.stream):
        report.rows += 1
        code = cell_text(cell(cells, "code")).upper()
        name = cell_text(cell(cells, "name"))
        if is_total(code, name):
            report.skipped["England row"] += 1
            continue
        if not code:
            report.skipped["no provider code"] += 1
            continue
        try:
            if from_name is not None:
                month = from_name
            elif "period" in col:
                key = "period"
                month = parse_window_end(cell(cells, "period"))
            elif "end" in col:
                key = "end"
                month = parse_month(cell(cells, "end"))
            else:
                key = "start"
                month = _add_months(parse_month(cell(cells, "start")), 11)
        except ValueError:
            problems.append(
                Problem(
                    table.label,
                    f"'{cell_text(cell(cells, key))}' is not a reporting period (e.g. APR22_MAR23 or a date)",
                    number,
                    labels[key],
                )
            )
            continue
        period = month.isoformat()
        raw = cell(cells, "value")
        value: float | None = None
        if not is_suppressed(raw):
            try:
                value = parse_number(raw)
            except ValueError:
                problems.append(
                    Problem(table.label, f"'{cell_text(raw)}' is not a number", number, labels["value"])
                )
                continue
        if code not in ctx.known:
            result.not_a_trust(code, name)
            report.skipped["not a known trust (listed below)"] += 1
            continue
        if value is None:
            report.skipped[f"{METRIC}: suppressed ({cell_text(raw) or 'blank'})"] += 1
            continue
        row = {"trust_code": code, "metric_id": METRIC, "period_start": period, "value": format_number(value)}
        deaths = [cell(cells, k) for k in ("observed", "expected")]
        if all(k in col for k in ("observed", "expected")) and not any(is_suppressed(d) for d in deaths):
            try:
                observed, expected = (parse_number(d) for d in deaths)
            except ValueError:
                pass  # the deaths are extra detail: a value without them is still the value
            else:
                row["numerator"], row["denominator"] = format_number(observed), format_number(expected)
        result.collected.add("metric_values", (code, METRIC, period), row)
        windows.add(period)
        report.took[METRIC] += 1
    if problems:
        raise Rejected(problems)
    if windows:
        report.where += f", stored at {', '.join(sorted(windows))}"
