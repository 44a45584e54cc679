"""Write converted rows into a folder of §2 CSV files, merging with the files already there.

The merge is an upsert on each file's natural key (`csv_format`): a row with a new key is added,
a row with a known key replaces the columns the converter writes and keeps any others (a
`region` typed into trusts.csv survives a new CQC file). Rows are sorted by key and written in
one canonical form, so converting the same files again leaves every byte as it was.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from data_access import csv_format, vocab
from data_access.convert.common import Problem, Rejected
from data_access.convert.values import parse_date

# Column order of each file as the contract lists it; a file already in the folder keeps its own
# order, and columns it lacks are added after its own.
COLUMNS: dict[str, tuple[str, ...]] = {
    "trusts": (
        "trust_code",
        "trust_name",
        "trust_type",
        "region",
        "setting",
        "teaching",
        "icb",
        "evaluation_group",
    ),
    "cqc_ratings": ("trust_code", "publication_date", "domain", "rating"),
    "metrics": (
        "metric_id",
        "name",
        "unit",
        "target",
        "higher_is_better",
        "frequency",
        "applies_to",
        "source",
        "description",
        "domain",
    ),
    "metric_values": ("trust_code", "metric_id", "period_start", "value", "numerator", "denominator"),
}
# Parents before children, as the importer loads them.
ORDER = ("trusts", "metrics", "cqc_ratings", "metric_values")


def key_of(stem: str, row: dict[str, str]) -> tuple[str, ...]:
    """A row's natural key in canonical form: codes as stored, dates in ISO."""
    return tuple(canonical(stem, column, row.get(column, "")) for column in csv_format.BY_STEM[stem].key)


def canonical(stem: str, column: str, value: str) -> str:
    value = value.strip()
    kind = csv_format.BY_STEM[stem].column(column).kind
    if kind == "trust":
        return value.upper()
    if kind in ("metric", "metric_code"):
        return value.lower()
    if kind == "code":
        return vocab.normalise_code(value) if value else ""
    if kind == "date" and value:
        try:
            return parse_date(value).isoformat()
        except ValueError:
            return value
    return value


@dataclass
class Merged:
    """One file after the merge: its new text and what changed."""

    stem: str
    path: Path
    text: str
    rows: int
    new: int
    updated: int
    unchanged: int
    existed: bool


def read_existing(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a §2 file already in the folder (none when it is absent)."""
    if not path.exists():
        return [], []
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(
            [
                Problem(
                    path.name, "the file already in the output folder is not UTF-8 text: it cannot be merged"
                )
            ]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        rows = [dict(zip(header, (c.strip() for c in cells), strict=False)) for cells in reader if any(cells)]
    except csv.Error as exc:
        raise Rejected(
            [Problem(path.name, f"the file already in the output folder is not valid CSV ({exc})")]
        ) from exc
    return header, rows


def merge(out_dir: Path, stem: str, rows: dict[tuple, dict[str, str]]) -> Merged:
    """Upsert `rows` (keyed by `key_of`) into `out_dir`/`stem`.csv, without writing it yet."""
    path = out_dir / csv_format.BY_STEM[stem].filename
    header, existing = read_existing(path)
    key_columns = csv_format.BY_STEM[stem].key
    table: dict[tuple, dict[str, str]] = {}
    for row in existing:
        key = key_of(stem, row)
        for column, value in zip(key_columns, key, strict=True):
            row[column] = value
        table[key] = row
    new = updated = unchanged = 0
    for key, row in rows.items():
        before = table.get(key)
        if before is None:
            table[key] = dict(row)
            new += 1
            continue
        after = {**before, **row}
        if after == before:
            unchanged += 1
        else:
            table[key] = after
            updated += 1
    written = {c for r in rows.values() for c in r}
    if header:
        columns = header + [c for c in COLUMNS[stem] if c in written and c not in header]
    else:
        columns = [c for c in COLUMNS[stem] if c in written or c in key_columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for key in sorted(table):
        row = table[key]
        writer.writerow([row.get(c, "") for c in columns])
    return Merged(stem, path, out.getvalue(), len(table), new, updated, unchanged, bool(header))


def write(merged: Merged) -> None:
    """Replace the file in one step, so an interrupted run never leaves half a file."""
    merged.path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{merged.stem}-", suffix=".csv", dir=merged.path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(merged.text)
        os.replace(tmp, merged.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
