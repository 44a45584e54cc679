"""NHS Oversight Framework segmentation CSVs -> metrics.csv and metric_values.csv (contract §6).

The files are long: one row per trust, metric and reporting date. Each `Metric_ID` becomes a
metric of its own (quarterly), and the trust's segment becomes `nof_segment` (1-4, and 5 for
intensive support; lower is better). Values are stored at the first day of the last month of
their quarter (`Mar-26` -> 2026-03-01, `Nov-25` -> 2025-12-01). A value given for a plan year
(`2025/26`) is stored at the file's latest quarter, the one it was assessed in.

The segment is read from either shape the publisher uses: rows of their own (a `Metric_ID`,
description or domain that says "segment"), or a segment column on the trust's rows (stored at
the file's latest quarter). Suppressed values (`*`, `-`, blank) are skipped and counted, never 0;
a value that is text (such as "Met") is skipped and counted too, since a framework metric may
be a yes/no. A metric's polarity comes from a polarity column when there is one, else from the
`Rank` column (rank 1 is the best), else from the output folder's metrics.csv; failing all
three it is written as higher-is-better and the summary says so.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from data_access.convert.ae import is_total
from data_access.convert.columns import Field, normalise
from data_access.convert.common import Conversion, FileReport, Problem, Rejected
from data_access.convert.context import Context
from data_access.convert.reading import load_table
from data_access.convert.values import (
    cell_text,
    format_number,
    is_suppressed,
    parse_fiscal_quarter,
    parse_month,
    parse_number,
    parse_plan_year,
    quarter_end,
)

KIND = "nof"
SEGMENT = "nof_segment"
SOURCE = "NHS England, NHS Oversight Framework segmentation"

SEGMENT_METRIC: dict[str, str] = {
    "metric_id": SEGMENT,
    "name": "NHS Oversight Framework segment",
    "unit": "score",
    "target": "",
    "higher_is_better": "false",
    "frequency": "quarterly",
    "applies_to": "",
    "source": SOURCE,
    "description": (
        "The trust's segment, 1 (highest performing) to 4, and 5 for trusts in intensive support "
        "(the Recovery Support Programme). Stored at the first day of the quarter's last month."
    ),
    "domain": "",
}

FIELDS = (
    Field(
        "code",
        "the trust code",
        ("Trust_code", "Trust code", "Provider code", "Org code", "Organisation code"),
    ),
    Field("name", "the trust name", ("Trust_name", "Trust name", "Provider name", "Org name"), False),
    Field(
        "metric", "the metric ID", ("Metric_ID", "Metric ID", "Metric code", "Indicator ID", "Indicator code")
    ),
    Field(
        "description",
        "the metric description",
        ("Metric_description", "Metric description", "Metric name", "Indicator name", "Indicator"),
        False,
    ),
    Field("date", "the reporting date", ("Reporting_date", "Reporting date", "Reporting period", "Period")),
    Field("value", "the value", ("Value", "Metric_value", "Metric value")),
    Field("units", "the units", ("Units", "Unit"), False),
    Field("domain", "the domain", ("Domain",), False),
    Field("subdomain", "the sub-domain", ("Sub-domain", "Sub_domain", "Subdomain"), False),
    Field(
        "segment",
        "the segment",
        ("Segment", "NOF segment", "NOF_segment", "Oversight segment", "Segmentation", "Trust segment"),
        False,
    ),
    Field("polarity", "the polarity", ("Polarity", "Direction", "Higher is better", "Good is"), False),
    Field("rank", "the rank", ("Rank",), False),
)

# How many metrics a note names before it says "and N more".
_LIST_METRICS = 12

# Words that mark a segment row (in its Metric_ID, description, domain or sub-domain).
_SEGMENT_WORDS = frozenset(
    {
        "segment",
        "segmentation",
        "nofsegment",
        "ofsegment",
        "oversightsegment",
        "overallsegment",
        "trustsegment",
    }
)
# "3", "3.0", "Segment 3", "3 - some words"; not "3.5" or "35".
_SEGMENT_NUMBER = re.compile(r"^(?:segment)?\s*([1-5])(?:\.0+)?(?:[^\d.].*)?$", re.IGNORECASE)

# Published units -> §2 units (compared after `normalise`); anything else is written as score.
UNITS: dict[str, str] = {
    "%": "percent",
    "percent": "percent",
    "percentage": "percent",
    "proportion": "percent",
    "rate": "rate",
    "ratio": "ratio",
    "number": "count",
    "count": "count",
    "score": "score",
    "index": "score",
    "£": "gbp",
    "gbp": "gbp",
    "pounds": "gbp",
    "days": "days",
    "minutes": "minutes",
    "mins": "minutes",
}
_UNIT_LOOKUP = {normalise(k) or k: v for k, v in UNITS.items()}

# Framework domain -> the dashboard's metric domain, by the first keyword found in this order.
_DOMAIN_WORDS = (
    ("safety", "safety_outcomes"),
    ("access", "access"),
    ("finance", "finance"),
    ("productivity", "finance"),
    ("people", "workforce_culture"),
    ("workforce", "workforce_culture"),
    ("leadership", "workforce_culture"),
    ("experience", "patient_experience"),
    ("effective", "safety_outcomes"),
    ("outcome", "safety_outcomes"),
)


def unit_of(units: str) -> str | None:
    """The §2 unit for a published unit ('%', 'Rate per 1,000', 'Number'); None when unknown."""
    key = normalise(units) or units.strip()
    if key in _UNIT_LOOKUP:
        return _UNIT_LOOKUP[key]
    if "per" in key or key.startswith("rate"):
        return "rate"
    if "percent" in key:
        return "percent"
    return None


def _domain_of(*texts: str) -> str:
    words = normalise(" ".join(texts))
    for word, domain in _DOMAIN_WORDS:
        if word in words:
            return domain
    return ""


def _polarity(text: str) -> bool | None:
    words = normalise(text)
    if not words:
        return None
    if words in ("true", "yes", "y") or any(w in words for w in ("high", "up", "increase")):
        return True
    if words in ("false", "no", "n") or any(w in words for w in ("low", "down", "decrease")):
        return False
    return None


@functools.lru_cache(maxsize=65_536)
def _is_segment_row(*texts: str) -> bool:
    return any(normalise(t) in _SEGMENT_WORDS for t in texts if t)


def segment_value(value: object) -> int | None:
    """The segment (1-5) a cell gives, or None when it gives none."""
    match = _SEGMENT_NUMBER.match(cell_text(value))
    return int(match.group(1)) if match else None


class _Metric:
    """What the files say about one metric."""

    def __init__(self) -> None:
        self.name = ""
        self.units = ""
        self.domain = ""
        self.subdomain = ""
        self.polarity: bool | None = None
        self.ranks: dict[str, list[tuple[float, float]]] = defaultdict(list)

    def rank_polarity(self) -> bool | None:
        """Higher is better when the best rank (1) goes with the higher values, and vice versa."""
        scores = []
        for pairs in self.ranks.values():
            if len(pairs) < 3:
                continue
            values, ranks = (pd.Series(x).rank() for x in zip(*pairs, strict=True))
            if values.nunique() < 2 or ranks.nunique() < 2:
                continue
            scores.append(float(np.corrcoef(values, ranks)[0, 1]))
        if not scores:
            return None
        mean = sum(scores) / len(scores)
        if mean <= -0.5:
            return True
        if mean >= 0.5:
            return False
        return None


def convert(paths: list[Path], ctx: Context) -> Conversion:
    result = Conversion(KIND)
    metrics: dict[str, _Metric] = defaultdict(_Metric)
    # (trust, metric, quarter) -> (month the value is for, row): the latest month of a quarter wins.
    values: dict[tuple[str, str, str], tuple[date, dict[str, str]]] = {}
    for path in paths:
        report = FileReport(path)
        result.files.append(report)
        try:
            _convert_file(path, ctx, result, report, metrics, values)
        except Rejected as rejected:
            result.problems.extend(rejected.problems)
    for key, (_, row) in sorted(values.items()):
        result.collected.add("metric_values", key, row)
    written = {key[1] for key in values}
    guessed: list[str] = []
    odd_units: dict[str, list[str]] = {}
    for metric_id in sorted(written):
        if metric_id == SEGMENT:
            result.collected.add("metrics", (SEGMENT,), dict(SEGMENT_METRIC))
            continue
        about = metrics[metric_id]
        higher = about.polarity
        if higher is None:
            higher = about.rank_polarity()
        if higher is None:
            before = ctx.folder_metrics.get(metric_id, {}).get("higher_is_better", "").strip().lower()
            higher = {"true": True, "false": False}.get(before)
        if higher is None:
            guessed.append(metric_id)
            higher = True
        unit = unit_of(about.units)
        if unit is None:
            odd_units.setdefault(about.units or "blank", []).append(metric_id)
            unit = "score"
        place = " / ".join(t for t in (about.domain, about.subdomain) if t)
        result.collected.add(
            "metrics",
            (metric_id,),
            {
                "metric_id": metric_id,
                "name": about.name or metric_id.upper(),
                "unit": unit,
                "higher_is_better": "true" if higher else "false",
                "frequency": "quarterly",
                "applies_to": "",
                "source": SOURCE,
                "description": f"{about.name or metric_id.upper()}"
                + (f" (framework: {place})" if place else ""),
                "domain": _domain_of(about.domain, about.subdomain),
            },
        )
    for units, ids in odd_units.items():
        listed = ", ".join(ids[:_LIST_METRICS]) + (
            f" and {len(ids) - _LIST_METRICS} more" if len(ids) > _LIST_METRICS else ""
        )
        result.notes.append(f"units '{units}' are not a unit of §2, written as score: {listed}")
    if guessed:
        shown = ", ".join(guessed[:_LIST_METRICS]) + (
            f" and {len(guessed) - _LIST_METRICS} more" if len(guessed) > _LIST_METRICS else ""
        )
        result.notes.append(
            f"polarity not in the files for {len(guessed)} metric(s), written as higher is better: "
            f"{shown}; correct it in metrics.csv (a later conversion keeps it)"
        )
    return result


@functools.lru_cache(maxsize=4096)
def _period(raw: object) -> tuple[str, date | None] | None:
    """('month', first day of the month), ('quarter', last month) or ('plan', None); None if unreadable.

    Cached: a file has a handful of distinct reporting dates over thousands of rows."""
    quarter = parse_fiscal_quarter(raw)
    if quarter is not None:
        return "quarter", quarter
    if parse_plan_year(raw) is not None:
        return "plan", None
    try:
        return "month", parse_month(raw)
    except ValueError:
        return None


def _convert_file(
    path: Path,
    ctx: Context,
    result: Conversion,
    report: FileReport,
    metrics: dict[str, _Metric],
    values: dict[tuple[str, str, str], tuple[date, dict[str, str]]],
) -> None:
    table = load_table(path, FIELDS, stream=ctx.stream)
    col, labels = table.header.index, table.header.labels
    report.where = table.where()
    problems: list[Problem] = []

    def cell(cells: list[object], key: str) -> object:
        i = col.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    def text(cells: list[object], key: str) -> str:
        return cell_text(cell(cells, key))

    # First pass: read every row; the file's latest quarter is known only at the end.
    pending: list[tuple[int, str, str, date | None, date | None, str, bool, list[object]]] = []
    latest: date | None = None
    for number, cells in table.data_rows(ctx.stream):
        report.rows += 1
        code = text(cells, "code").upper()
        name = text(cells, "name")
        if is_total(code, name):
            report.skipped["England row"] += 1
            continue
        if not code:
            report.skipped["no trust code (a national or regional row)"] += 1
            continue
        raw_date = cell(cells, "date")
        period = _period(raw_date)
        if period is None:
            problems.append(
                Problem(
                    table.label,
                    f"'{cell_text(raw_date)}' is not a reporting date (e.g. Mar-26, or a plan year such as 2025/26)",
                    number,
                    labels["date"],
                )
            )
            continue
        _, when = period
        quarter = quarter_end(when) if when is not None else None
        if quarter is not None and (latest is None or quarter > latest):
            latest = quarter
        metric_text = text(cells, "metric")
        is_segment = _is_segment_row(
            metric_text, text(cells, "description"), text(cells, "domain"), text(cells, "subdomain")
        )
        pending.append((number, code, name, when, quarter, metric_text, is_segment, cells))
    if problems:
        raise Rejected(problems)
    if latest is None:
        plan = next((parse_plan_year(cell(c, "date")) for *_, c in pending), None)
        latest = date(plan[1], 3, 1) if plan else None
    segments: dict[tuple[str, str], tuple[int, int, str]] = {}  # (trust, quarter) -> (segment, row, name)
    names = {code: name for _, code, name, *_ in pending if name}

    def record_segment(code: str, quarter: date, segment: int, number: int, label: str) -> bool:
        key = (code, quarter.isoformat())
        before = segments.get(key)
        if before is not None and before[0] != segment:
            problems.append(
                Problem(
                    table.label,
                    f"segment {segment} differs from segment {before[0]} on row {before[1]}",
                    number,
                    label,
                )
            )
            return False
        if before is None:
            segments[key] = (segment, number, names.get(code, ""))
        return True

    for number, code, name, when, quarter, metric_text, is_segment, cells in pending:
        stored = quarter or latest
        if "segment" in col and not is_suppressed(cell(cells, "segment")):
            segment = segment_value(cell(cells, "segment"))
            if segment is None:
                problems.append(
                    Problem(
                        table.label,
                        f"'{text(cells, 'segment')}' is not a segment (1 to 5)",
                        number,
                        labels["segment"],
                    )
                )
                continue
            # A segment column repeats the trust's segment on each of its rows: the segment of the
            # file's latest quarter, whatever period the row's own value is for.
            if latest is not None:
                record_segment(code, latest, segment, number, labels["segment"])
        if is_segment:
            raw = cell(cells, "value")
            if is_suppressed(raw):
                if "segment" not in col or is_suppressed(cell(cells, "segment")):
                    report.skipped[f"{SEGMENT}: suppressed or blank"] += 1
                continue
            segment = segment_value(raw)
            if segment is None:
                problems.append(
                    Problem(
                        table.label, f"'{cell_text(raw)}' is not a segment (1 to 5)", number, labels["value"]
                    )
                )
                continue
            record_segment(code, stored, segment, number, labels["value"])
            continue
        metric_id = metric_text.strip().lower()
        if not metric_id:
            report.skipped["no Metric_ID (a domain score or heading row)"] += 1
            continue
        if code not in ctx.known:
            result.not_a_trust(code, name)
            report.skipped["not a known trust (listed below)"] += 1
            continue
        about = metrics[metric_id]
        about.name = about.name or text(cells, "description")
        about.units = about.units or text(cells, "units")
        about.domain = about.domain or text(cells, "domain")
        about.subdomain = about.subdomain or text(cells, "subdomain")
        if about.polarity is None and "polarity" in col:
            about.polarity = _polarity(text(cells, "polarity"))
        raw = cell(cells, "value")
        if is_suppressed(raw):
            report.skipped[f"value suppressed ({cell_text(raw) or 'blank'})"] += 1
            continue
        try:
            value = parse_number(raw)
        except ValueError:
            report.skipped["value is not a number"] += 1
            continue
        if "rank" in col and not is_suppressed(cell(cells, "rank")):
            with contextlib.suppress(ValueError):  # a rank is only a hint to the polarity
                about.ranks[stored.isoformat()].append((value, parse_number(cell(cells, "rank"))))
        key = (code, metric_id, stored.isoformat())
        month = when or stored
        before = values.get(key)
        if before is None or month >= before[0]:
            values[key] = (
                month,
                {
                    "trust_code": code,
                    "metric_id": metric_id,
                    "period_start": stored.isoformat(),
                    "value": format_number(value),
                },
            )
        report.took["metric values"] += 1
    if problems:
        raise Rejected(problems)
    written = 0
    for (code, quarter), (segment, _, name) in sorted(segments.items()):
        if code not in ctx.known:
            if "segment" in col:  # its rows were already counted as a provider that is not a trust
                continue
            result.not_a_trust(code, name)
            report.skipped["not a known trust (listed below)"] += 1
            continue
        values[(code, SEGMENT, quarter)] = (
            date.fromisoformat(quarter),
            {"trust_code": code, "metric_id": SEGMENT, "period_start": quarter, "value": str(segment)},
        )
        written += 1
    if written:
        report.took[SEGMENT] = written
    if latest is not None:
        report.where += f", latest quarter {latest.isoformat()}"
