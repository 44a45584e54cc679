"""The CSV files the demo writes: their columns in order, frames of them, and writing them out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from data_access.demo.common import iso

COLUMNS: dict[str, tuple[str, ...]] = {
    "trusts": ("trust_code", "trust_name", "trust_type", "region", "setting", "teaching", "evaluation_group"),
    "regime_episodes": ("trust_code", "regime", "start_date", "end_date", "notes"),
    "cqc_ratings": ("trust_code", "publication_date", "domain", "rating"),
    "metrics": (
        "metric_id",
        "name",
        "unit",
        "higher_is_better",
        "frequency",
        "applies_to",
        "source",
        "description",
        "domain",
    ),
    "metric_values": ("trust_code", "metric_id", "period_start", "value", "numerator", "denominator"),
    "interventions": (
        "trust_code",
        "intervention",
        "status",
        "start_date",
        "end_date",
        "amount_gbp",
        "partner",
        "notes",
    ),
    "costs": ("trust_code", "period_start", "amount_gbp", "category", "payer", "source", "notes"),
    "dataset": ("name", "synthetic", "as_of", "licence", "notes"),
}


def to_frame(stem: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A frame with exactly the file's columns, dates written as ISO strings."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS[stem]))
    for column in frame.columns:
        if column.endswith("_date") or column in ("period_start", "publication_date", "as_of"):
            frame[column] = frame[column].map(lambda d: iso(d) if isinstance(d, dt.date) else d)
    return frame


def write_csvs(frames: dict[str, pd.DataFrame], directory: Path) -> None:
    """Write each frame as `<stem>.csv` (UTF-8, no index), ready for `smq-monitor import`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stem, frame in frames.items():
        frame.to_csv(directory / f"{stem}.csv", index=False, encoding="utf-8")
