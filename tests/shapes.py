"""Dataset shapes the contract allows and the demo never makes, built in code (contract §2).

Real data has no CP episode at all (the list was never published), nothing ended, one trust,
suppressed values, files saved by Excel. `named_shapes()` lists the shapes people meet;
`dataset()` is a hypothesis strategy that builds more of them. Each shape is a dict of file name
to CSV text, ready for `tests.datasets.write` and an import.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from hypothesis import strategies as st

from data_access.vocab import (
    COST_CATEGORIES,
    DOMAINS,
    INTERVENTION_STATUSES,
    INTERVENTIONS,
    PAYERS,
    RATINGS,
    TRUST_TYPES,
    UNITS,
)

NASTY_NAMES = (
    'The "Quoted" Hospitals NHS Trust',
    "Comma, Dash – and Ampersand & NHS Trust",
    "Line\nBreak NHS Foundation Trust",
    "<script>alert(1)</script> NHS Trust",
    "Ysbyty Gwynedd — Ŵ ŷ NHS Trust",
    "Больница NHS Trust",
    "病院 NHS Trust",
    "=SUM(A1:A9) NHS Trust",
    "  Spaced   Out  NHS Trust  ",
)
TRUST_HEADER = ["trust_code", "trust_name", "trust_type", "region"]
EPISODE_HEADER = ["trust_code", "regime", "start_date", "end_date", "notes"]


def table(header: list[str], rows: list[list[object]], *, excel: bool = False) -> str:
    """CSV text; `excel` writes it as Excel saves it: byte-order mark, CRLF, dd/mm/yyyy dates."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(header)
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, date):
                cells.append(cell.strftime("%d/%m/%Y") if excel else cell.isoformat())
            else:
                cells.append("" if cell is None else cell)
        writer.writerow(cells)
    return ("\ufeff" if excel else "") + buffer.getvalue()


def trusts_file(codes: list[str], names: list[str] | None = None, types: list[str] | None = None) -> str:
    names = names or [f"Trust {code} NHS Trust" for code in codes]
    types = types or [TRUST_TYPES[i % len(TRUST_TYPES)] for i in range(len(codes))]
    return table(TRUST_HEADER, [[c, n, t, "Midlands"] for c, n, t in zip(codes, names, types, strict=True)])


def metric_files(
    codes: list[str], values: dict[str, list[float | None]], start: date = date(2018, 1, 1)
) -> dict:
    metrics = table(
        ["metric_id", "name", "unit", "higher_is_better", "frequency", "target"],
        [
            ["m_pct", "A percentage", "percent", "true", "monthly", "95"],
            ["m_count", "A count", "count", "false", "monthly", ""],
        ],
    )
    rows = []
    for code in codes:
        for metric, series in values.items():
            for month, value in enumerate(series):
                period = date(
                    start.year + (start.month - 1 + month) // 12, (start.month - 1 + month) % 12 + 1, 1
                )
                rows.append([code, metric, period, "" if value is None else value])
    return {
        "metrics.csv": metrics,
        "metric_values.csv": table(["trust_code", "metric_id", "period_start", "value"], rows),
    }


def dataset_file(as_of: date | None, synthetic: bool = False) -> str:
    return table(["name", "synthetic", "as_of"], [["shape test", "true" if synthetic else "false", as_of]])


def named_shapes() -> dict[str, dict[str, str]]:
    """The shapes named in the data's own terms: each one a new user could bring."""
    two = ["RA1", "RB2"]
    public_episodes = table(
        EPISODE_HEADER,
        [["RA1", "smq", date(2014, 1, 6), date(2016, 2, 1), ""], ["RB2", "smq", date(2017, 3, 1), None, ""]],
    )
    handover = table(
        EPISODE_HEADER,
        [
            ["RA1", "smq", date(2019, 5, 1), date(2021, 7, 13), ""],
            ["RA1", "rsp", date(2021, 7, 14), None, ""],
            ["RB2", "rsp", date(2022, 2, 1), date(2023, 6, 30), ""],
        ],
    )
    many = [f"Z{i:04d}" for i in range(1500)]
    twenty = table(
        EPISODE_HEADER,
        [
            [
                "RA1",
                "smq" if i % 2 == 0 else "cp",
                date(2013, 8, 1) + timedelta(days=100 * i),
                date(2013, 8, 1) + timedelta(days=100 * i + 60),
                "",
            ]
            for i in range(20)
        ],
    )
    return {
        "only_trusts": {"trusts.csv": trusts_file(two)},
        "one_trust": {
            "trusts.csv": trusts_file(["RA1"]),
            **metric_files(["RA1"], {"m_pct": [90, 91, 88, 93]}),
        },
        "no_episodes": {
            "trusts.csv": trusts_file(two),
            **metric_files(two, {"m_pct": [80 + i for i in range(30)]}),
        },
        "only_smq_public": {"trusts.csv": trusts_file(two), "regime_episodes.csv": public_episodes},
        "only_cp": {
            "trusts.csv": trusts_file(two),
            "regime_episodes.csv": table(
                EPISODE_HEADER, [["RA1", "cp", date(2015, 5, 13), None, "watch list"]]
            ),
        },
        "nothing_ended": {
            "trusts.csv": trusts_file(two),
            "regime_episodes.csv": table(
                EPISODE_HEADER,
                [["RA1", "smq", date(2016, 1, 1), None, ""], ["RB2", "cp", date(2016, 6, 1), None, ""]],
            ),
        },
        "smq_into_rsp": {"trusts.csv": trusts_file(two), "regime_episodes.csv": handover},
        "twenty_episodes_of_one_trust": {"trusts.csv": trusts_file(["RA1"]), "regime_episodes.csv": twenty},
        "thousands_of_trusts_no_metrics": {"trusts.csv": trusts_file(many)},
        "header_only_files": {
            "trusts.csv": trusts_file(two),
            "regime_episodes.csv": table(EPISODE_HEADER, []),
            "cqc_ratings.csv": table(["trust_code", "publication_date", "domain", "rating"], []),
            "metrics.csv": table(["metric_id", "name", "unit", "higher_is_better"], []),
            "interventions.csv": table(["trust_code", "intervention", "status", "start_date"], []),
            "costs.csv": table(["trust_code", "category", "period_start", "payer", "amount_gbp"], []),
        },
        "saved_by_excel": {
            "trusts.csv": table(
                TRUST_HEADER, [["RA1", "Excel Hospitals NHS Trust", "acute", "London"]], excel=True
            ),
            "regime_episodes.csv": table(
                EPISODE_HEADER, [["RA1", "smq", date(2015, 3, 17), date(2016, 11, 30), ""]], excel=True
            ),
            "cqc_ratings.csv": table(
                ["trust_code", "publication_date", "domain", "rating"],
                [["RA1", date(2015, 2, 1), "Well-led", "Requires improvement"]],
                excel=True,
            ),
        },
        "constant_and_single_values": {
            "trusts.csv": trusts_file(two),
            **metric_files(two, {"m_pct": [75.0] * 24, "m_count": [3]}),
        },
        "suppressed_values": {
            "trusts.csv": trusts_file(two),
            **metric_files(two, {"m_pct": [None, 80, None, None, 82, None, 85]}),
        },
        "as_of_before_every_event": {
            "trusts.csv": trusts_file(two),
            "regime_episodes.csv": public_episodes,
            "dataset.csv": dataset_file(date(2012, 1, 1)),
        },
        "nasty_names": {
            "trusts.csv": trusts_file([f"N{i:02d}" for i in range(len(NASTY_NAMES))], list(NASTY_NAMES))
        },
    }


ISO_DAYS = st.integers(0, 365 * 12).map(lambda d: date(2013, 7, 1) + timedelta(days=d))


@st.composite
def dataset(draw) -> dict[str, str]:
    """A random dataset the contract allows: any subset of the optional files, any mix of regimes,
    ended or not, with or without metrics, ratings, interventions, costs and an as-of date."""
    count = draw(st.integers(1, 6))
    codes = [f"R{chr(65 + i)}{i}" for i in range(count)]
    names = [draw(st.sampled_from(NASTY_NAMES)) + f" {i}" for i in range(count)]
    types = [draw(st.sampled_from(TRUST_TYPES)) for _ in codes]
    files = {"trusts.csv": trusts_file(codes, names, types)}
    episodes = []
    for code in codes:
        for regime in draw(st.lists(st.sampled_from(["smq", "rsp", "cp"]), max_size=3, unique=True)):
            start = draw(ISO_DAYS)
            ended = draw(st.booleans())
            end = start + timedelta(days=draw(st.integers(1, 1500))) if ended else None
            episodes.append([code, regime, start, end, draw(st.sampled_from(["", "a note", "during CP"]))])
    if episodes or draw(st.booleans()):
        files["regime_episodes.csv"] = table(EPISODE_HEADER, episodes)
    if draw(st.booleans()):
        rows = [
            [code, draw(ISO_DAYS), draw(st.sampled_from(DOMAINS)), draw(st.sampled_from(RATINGS))]
            for code in codes
            for _ in range(draw(st.integers(0, 3)))
        ]
        unique = {tuple(r[:3]): r for r in rows}
        files["cqc_ratings.csv"] = table(
            ["trust_code", "publication_date", "domain", "rating"], list(unique.values())
        )
    if draw(st.booleans()):
        length = draw(st.integers(1, 30))
        series = draw(
            st.lists(
                st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=length, max_size=length
            )
        )
        files.update(metric_files(codes, {"m_pct": series, "m_count": [draw(st.integers(0, 9))] * length}))
        if draw(st.booleans()):
            files["metrics.csv"] = files["metrics.csv"].replace("percent", draw(st.sampled_from(UNITS)))
    if draw(st.booleans()):
        rows = {}
        for code in codes:
            for _ in range(draw(st.integers(0, 2))):
                kind = draw(st.sampled_from(INTERVENTIONS))
                start = draw(ISO_DAYS)
                rows[(code, kind, start)] = [
                    code,
                    kind,
                    draw(st.sampled_from(INTERVENTION_STATUSES)),
                    start,
                    "",
                    "note",
                ]
        files["interventions.csv"] = table(
            ["trust_code", "intervention", "status", "start_date", "amount_gbp", "notes"], list(rows.values())
        )
    if draw(st.booleans()):
        rows = {}
        for code in codes:
            for _ in range(draw(st.integers(0, 2))):
                key = (
                    code,
                    draw(st.sampled_from(COST_CATEGORIES)),
                    draw(ISO_DAYS),
                    draw(st.sampled_from(PAYERS)),
                )
                rows[key] = [*key, draw(st.one_of(st.none(), st.integers(0, 900_000)))]
        files["costs.csv"] = table(
            ["trust_code", "category", "period_start", "payer", "amount_gbp"], list(rows.values())
        )
    if draw(st.booleans()):
        files["dataset.csv"] = dataset_file(draw(st.one_of(st.none(), ISO_DAYS)), draw(st.booleans()))
    return files
