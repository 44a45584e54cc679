"""Validate and load the CSV files of the contract.

Validation reads every file first and reports every problem as ``file:line: column: reason``;
only a clean set is loaded, in one transaction, as an upsert on the natural keys. A rejected
import therefore writes nothing, and re-importing the same rows changes nothing.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from data_access import csv_format, db, models, queries, snapshot, vocab
from data_access.csv_format import Column, FileSpec
from data_access.progress import Progress

log = logging.getLogger("smq_monitor.import")

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


@dataclass(frozen=True, order=True)
class Problem:
    filename: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.column}: {self.reason}"


class ImportRejected(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__(f"{len(self.problems)} problem(s) in the import")


_FILE_ORDER = {spec.filename: i for i, spec in enumerate(csv_format.FILES)}


def _problem_order(p: Problem) -> tuple:
    return (_FILE_ORDER.get(p.filename, 99), p.filename, p.line, p.column, p.reason)


@dataclass
class ParsedFile:
    """A validated file: typed columns, plus the source line of each row for messages."""

    spec: FileSpec
    frame: pd.DataFrame
    lines: np.ndarray
    present: tuple[str, ...]


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    data_version: int = 0


# --------------------------------------------------------------------------------------------
# Reading


def _decode(raw: bytes, filename: str, problems: list[Problem]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(filename, line, "-", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})")
        )
        return None


def read_table(raw: bytes, spec: FileSpec, problems: list[Problem]) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Parse CSV bytes into a frame of stripped strings with the source line of each row."""
    text = _decode(raw, spec.filename, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(spec.filename, 1, "-", "the file is empty (a header row is required)"))
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        message = str(exc).strip()
        line = 1
        marker = " line "
        if marker in message:
            digits = message.split(marker, 1)[1].split(",")[0].split(" ")[0]
            if digits.isdigit():
                line = int(digits)
        problems.append(Problem(spec.filename, line, "-", f"not valid CSV ({message})"))
        return None
    headers = [str(h).strip().lstrip("\ufeff").lower() for h in frame.columns]
    seen: set[str] = set()
    for name in headers:
        if name in seen:
            problems.append(Problem(spec.filename, 1, name, "the column appears twice in the header"))
        seen.add(name)
    if len(seen) != len(headers):
        return None
    frame.columns = headers
    lines = np.arange(len(frame), dtype=np.int64) + 2
    for name in headers:
        frame[name] = _strip(frame[name])
    if len(frame):
        blank = np.ones(len(frame), dtype=bool)
        for name in headers:
            blank &= (frame[name] == "").to_numpy()
        if blank.any():
            frame = frame.loc[~blank].reset_index(drop=True)
            lines = lines[~blank]
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    for name in missing:
        problems.append(Problem(spec.filename, 1, name, "required column is missing from the header"))
    if missing:
        return None
    return frame, lines


def _strip(column: pd.Series) -> pd.Series:
    """Strip surrounding spaces, touching only the cells that have any (most have none)."""
    column = column.astype(object)
    values = column.to_numpy()
    needs = np.fromiter((v[:1].isspace() or v[-1:].isspace() for v in values), dtype=bool, count=len(values))
    if needs.any():
        values = values.copy()
        values[needs] = [v.strip() for v in values[needs]]
        return pd.Series(values, index=column.index, dtype=object)
    return column


# --------------------------------------------------------------------------------------------
# Column parsers: each returns the typed series and a boolean mask of bad cells.


def _report(
    problems: list[Problem],
    spec: FileSpec,
    lines: np.ndarray,
    column: str,
    mask: np.ndarray,
    raw: pd.Series,
    reason: str,
) -> None:
    if not mask.any():
        return
    for line, cell in zip(lines[mask], raw.to_numpy()[mask], strict=True):
        problems.append(Problem(spec.filename, int(line), column, reason.format(value=cell)))


# The dates an import accepts: wide enough for any NHS record, and inside what every part of
# the app can hold (pandas' nanosecond timestamps end in 1677 and 2262: a date beyond them, once
# stored, would break the pages that show it).
EARLIEST_DATE = pd.Timestamp("1900-01-01")
LATEST_DATE = pd.Timestamp("2199-12-31")


def parse_dates(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Dates as YYYY-MM-DD or DD/MM/YYYY, with two masks: cells that are not a date, and dates
    outside EARLIEST_DATE..LATEST_DATE (both left blank in the result)."""
    iso = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    need = iso.isna() & (raw != "")
    if need.any():
        uk = pd.to_datetime(raw[need], format="%d/%m/%Y", errors="coerce")
        iso = iso.copy()
        iso.loc[need] = uk
    bad = (iso.isna() & (raw != "")).to_numpy()
    outside = (iso.notna() & ((iso < EARLIEST_DATE) | (iso > LATEST_DATE))).to_numpy()
    if outside.any():
        iso = iso.where(~outside)
    return iso, bad, outside


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    values = pd.to_numeric(raw.where(raw != "", None), errors="coerce").astype("float64")
    finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    bad = ((raw != "").to_numpy()) & ~finite
    return values.where(finite, np.nan), bad


def parse_bools(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    lower = raw.str.lower()
    truth = lower.isin(TRUE_WORDS)
    falsity = lower.isin(FALSE_WORDS)
    bad = ((raw != "") & ~truth & ~falsity).to_numpy()
    result = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    result[truth] = True
    result[falsity] = False
    return result, bad


def _normalise_codes(raw: pd.Series) -> pd.Series:
    uniques = {value: vocab.normalise_code(value) for value in raw.unique()}
    return raw.map(uniques)


def _parse_column(
    col: Column, raw: pd.Series, spec: FileSpec, lines: np.ndarray, problems: list[Problem]
) -> pd.Series:
    blank = (raw == "").to_numpy()
    if col.nonblank:
        _report(problems, spec, lines, col.name, blank, raw, "a value is required")
    kind = col.kind
    if kind == "date":
        parsed, bad, outside = parse_dates(raw)
        _report(
            problems, spec, lines, col.name, bad, raw, "'{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY)"
        )
        _report(
            problems,
            spec,
            lines,
            col.name,
            outside,
            raw,
            f"'{{value}}' is outside the dates this app holds ({EARLIEST_DATE:%Y-%m-%d} to {LATEST_DATE:%Y-%m-%d})",
        )
        return parsed
    if kind == "number":
        parsed, bad = parse_numbers(raw)
        _report(problems, spec, lines, col.name, bad, raw, "'{value}' is not a number")
        return parsed
    if kind == "bool":
        parsed, bad = parse_bools(raw)
        _report(problems, spec, lines, col.name, bad, raw, "'{value}' is not true or false")
        return parsed
    if kind == "code":
        codes = _normalise_codes(raw)
        bad = ((raw != "") & ~codes.isin(col.codes)).to_numpy()
        allowed = ", ".join(col.codes)
        _report(
            problems,
            spec,
            lines,
            col.name,
            bad,
            raw,
            f"unknown code '{{value}}' (expected one of: {allowed})",
        )
        return codes.where(raw != "", None)
    if kind == "codelist":
        result = []
        for line, cell in zip(lines, raw.to_numpy(), strict=True):
            parts = [vocab.normalise_code(p) for p in str(cell).split(";") if p.strip()]
            unknown = [p for p in parts if p not in col.codes]
            for part in unknown:
                problems.append(
                    Problem(
                        spec.filename,
                        int(line),
                        col.name,
                        f"unknown code '{part}' (expected one of: {', '.join(col.codes)})",
                    )
                )
            result.append(";".join(parts) if parts else None)
        return pd.Series(result, index=raw.index, dtype=object)
    if kind == "trust":
        return raw.str.upper().where(raw != "", None)
    if kind in ("metric", "metric_code"):
        return raw.str.lower().where(raw != "", None)
    return raw.where(raw != "", None)


def parse_file(raw: bytes, spec: FileSpec, problems: list[Problem]) -> ParsedFile | None:
    table = read_table(raw, spec, problems)
    if table is None:
        return None
    frame, lines = table
    typed = pd.DataFrame(index=frame.index)
    present = []
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        present.append(col.name)
        typed[col.name] = _parse_column(col, frame[col.name], spec, lines, problems)
    parsed = ParsedFile(spec, typed, lines, tuple(present))
    _check_duplicate_keys(parsed, problems)
    if spec is csv_format.DATASET and len(typed) > 1:
        problems.append(Problem(spec.filename, int(lines[1]), "-", "dataset.csv must have exactly one row"))
    return parsed


def _check_duplicate_keys(parsed: ParsedFile, problems: list[Problem]) -> None:
    key = [k for k in parsed.spec.key if k in parsed.frame.columns]
    if not key or parsed.frame.empty:
        return
    frame = parsed.frame[key]
    # A blank in a key column that must have a value is reported already; a key column that may
    # be blank (an intervention's start date) makes blank part of the key: two undated rows of
    # one trust and intervention are duplicates.
    required = [k for k in key if parsed.spec.column(k).nonblank]
    if frame[required].isna().any(axis=None):
        frame = frame.dropna(subset=required)
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return
    sub = frame[dup].copy()
    sub["_line"] = parsed.lines[parsed.frame.index.get_indexer(sub.index)]
    first_line = sub.groupby(key, sort=False, dropna=False)["_line"].transform("min")
    for line, first in zip(sub["_line"].to_numpy(), first_line.to_numpy(), strict=True):
        if line != first:
            problems.append(
                Problem(
                    parsed.spec.filename,
                    int(line),
                    ",".join(key),
                    f"duplicate key (same as line {int(first)})",
                )
            )


# --------------------------------------------------------------------------------------------
# Cross-file checks


def _check_references(
    parsed: ParsedFile, column: str, known: set[str], what: str, problems: list[Problem]
) -> None:
    if column not in parsed.frame.columns:
        return
    values = parsed.frame[column]
    bad = (values.notna() & ~values.isin(known)).to_numpy()
    _report(problems, parsed.spec, parsed.lines, column, bad, values, f"unknown {what} '{{value}}'")


def _check_order(parsed: ParsedFile, start: str, end: str, problems: list[Problem]) -> None:
    if start not in parsed.frame.columns or end not in parsed.frame.columns:
        return
    frame = parsed.frame
    bad = (frame[end].notna() & frame[start].notna() & (frame[end] < frame[start])).to_numpy()
    _report(
        problems,
        parsed.spec,
        parsed.lines,
        end,
        bad,
        frame[end].dt.strftime("%Y-%m-%d"),
        f"'{{value}}' is before {start}",
    )


def _check_lengths(parsed: ParsedFile, problems: list[Problem]) -> None:
    """Text longer than its database column is a problem of the file, on every database.

    The limits are read from the models, so they cannot drift from the schema; without this
    SQLite would store the text and PostgreSQL refuse it."""
    table = TABLES.get(parsed.spec.stem, models.DatasetInfo.__table__)
    for name in parsed.present:
        limit = getattr(table.c[name].type, "length", None)
        if not limit or parsed.spec.column(name).kind in ("date", "number", "bool"):
            continue
        series = parsed.frame[name]
        lengths = series.map(lambda v: len(v) if isinstance(v, str) else 0).to_numpy()
        too_long = lengths > limit
        if too_long.any():
            for line, length in zip(parsed.lines[too_long], lengths[too_long], strict=True):
                problems.append(
                    Problem(
                        parsed.spec.filename,
                        int(line),
                        name,
                        f"{int(length)} characters is longer than the {limit} this column holds",
                    )
                )


def _check_undated(parsed: ParsedFile, problems: list[Problem]) -> None:
    """An intervention may lack a start date only when nothing was delivered."""
    frame = parsed.frame
    if "status" not in frame.columns:
        return
    starts = frame["start_date"] if "start_date" in frame.columns else pd.Series(pd.NaT, index=frame.index)
    bad = (
        starts.isna() & frame["status"].notna() & ~frame["status"].isin(csv_format.UNDATED_STATUSES)
    ).to_numpy()
    allowed = " or ".join(csv_format.UNDATED_STATUSES)
    _report(
        problems,
        parsed.spec,
        parsed.lines,
        "start_date",
        bad,
        frame["status"],
        f"a start date is required when status is '{{value}}' (only {allowed} may be undated)",
    )


def _check_overlaps(parsed: ParsedFile, existing: pd.DataFrame, problems: list[Problem]) -> None:
    """Episodes of one regime for one trust must not overlap, after merging with the database."""
    frame = parsed.frame.dropna(subset=["trust_code", "regime", "start_date"]).copy()
    if frame.empty:
        return
    frame["_line"] = parsed.lines[parsed.frame.index.get_indexer(frame.index)]
    if "end_date" not in frame.columns:
        frame["end_date"] = pd.NaT
    old = existing.copy()
    if not old.empty:
        old["_line"] = 0
        keys = ["trust_code", "regime", "start_date"]
        old = old.merge(frame[keys], on=keys, how="left", indicator=True)
        old = old[old["_merge"] == "left_only"].drop(columns="_merge")
        old = old[old["trust_code"].isin(set(frame["trust_code"]))]
    merged = pd.concat(
        [frame[["trust_code", "regime", "start_date", "end_date", "_line"]], old], ignore_index=True
    )
    merged = merged.sort_values(["trust_code", "regime", "start_date"], kind="stable")
    far_future = pd.Timestamp("2262-01-01")
    previous_end = merged.groupby(["trust_code", "regime"])["end_date"].shift(1)
    previous_open = (
        merged.groupby(["trust_code", "regime"])["start_date"].shift(1).notna() & previous_end.isna()
    )
    previous_end = previous_end.fillna(far_future).where(previous_open | previous_end.notna())
    previous_line = merged.groupby(["trust_code", "regime"])["_line"].shift(1)
    clash = previous_end.notna() & (merged["start_date"] <= previous_end)
    previous_start = merged.groupby(["trust_code", "regime"])["start_date"].shift(1)
    previous_stored_end = merged.groupby(["trust_code", "regime"])["end_date"].shift(1)

    def stored(start: pd.Timestamp, end: pd.Timestamp) -> str:
        until = "ongoing" if pd.isna(end) else f"to {end:%Y-%m-%d}"
        return f"the episode already in the database from {start:%Y-%m-%d} {until}"

    for _, row in merged[clash].iterrows():
        prev = int(previous_line.loc[row.name])
        what = f"{row['regime']} episode of {row['trust_code']} overlaps"
        if row["_line"] and prev:  # two rows of the file
            line, other = int(row["_line"]), f"the episode at line {prev}"
        elif row["_line"]:  # the file's row starts during a stored episode
            line = int(row["_line"])
            other = stored(previous_start.loc[row.name], previous_stored_end.loc[row.name])
        else:  # a stored episode starts during the file's row
            line, other = prev, stored(row["start_date"], row["end_date"])
        problems.append(Problem(parsed.spec.filename, line, "start_date", f"{what} {other}"))


# --------------------------------------------------------------------------------------------
# Public API


def _no_database_state() -> tuple[set[str], set[str], pd.DataFrame]:
    return set(), set(), pd.DataFrame(columns=["trust_code", "regime", "start_date", "end_date"])


def _database_state(conn: Connection) -> tuple[set[str], set[str], pd.DataFrame]:
    """What the checks need from the database: its trusts, metrics and episodes."""
    trusts = set(conn.scalars(select(models.Trust.trust_code)))
    metrics = set(conn.scalars(select(models.Metric.metric_id)))
    episodes = pd.DataFrame(
        conn.execute(
            select(
                models.RegimeEpisode.trust_code,
                models.RegimeEpisode.regime,
                models.RegimeEpisode.start_date,
                models.RegimeEpisode.end_date,
            )
        ).all(),
        columns=["trust_code", "regime", "start_date", "end_date"],
    )
    for col in ("start_date", "end_date"):
        episodes[col] = pd.to_datetime(episodes[col])
    return trusts, metrics, episodes


def _parse_all(files: dict[str, bytes], problems: list[Problem]) -> dict[str, ParsedFile]:
    """Every file parsed and checked on its own (no database needed)."""
    parsed: dict[str, ParsedFile] = {}
    for spec in csv_format.FILES:
        if spec.filename in files:
            result = parse_file(files[spec.filename], spec, problems)
            if result is not None:
                _check_lengths(result, problems)
                parsed[spec.stem] = result
    return parsed


def _check_with_database(
    files: dict[str, bytes],
    parsed: dict[str, ParsedFile],
    state: tuple[set[str], set[str], pd.DataFrame],
    problems: list[Problem],
) -> None:
    """The checks across files and against what the database already holds."""
    db_trusts, db_metrics, db_episodes = state
    known_trusts = set(db_trusts)
    if "trusts" in parsed:
        known_trusts |= set(parsed["trusts"].frame["trust_code"].dropna())
    known_metrics = set(db_metrics)
    if "metrics" in parsed:
        known_metrics |= set(parsed["metrics"].frame["metric_id"].dropna())
    # A trusts.csv or metrics.csv that could not be read is already reported; checking references
    # against it would bury that one problem under a false one per row. Without trusts.csv every
    # trust named must already be in the database (a month of new values loads on its own).
    trusts_readable = "trusts" in parsed or csv_format.TRUSTS.filename not in files
    metrics_readable = "metrics" in parsed or csv_format.METRICS.filename not in files
    for stem, item in parsed.items():
        if trusts_readable and stem not in ("trusts", "dataset") and "trust_code" in item.frame.columns:
            _check_references(item, "trust_code", known_trusts, "trust", problems)
    if "metric_values" in parsed and metrics_readable:
        _check_references(parsed["metric_values"], "metric_id", known_metrics, "metric", problems)
    for stem in ("regime_episodes", "interventions"):
        if stem in parsed:
            _check_order(parsed[stem], "start_date", "end_date", problems)
    if "interventions" in parsed:
        _check_undated(parsed["interventions"], problems)
    if "regime_episodes" in parsed:
        _check_overlaps(parsed["regime_episodes"], db_episodes, problems)


def validate(
    files: dict[str, bytes], engine: Engine | None = None, replace: bool = False
) -> dict[str, ParsedFile]:
    """Parse and check a set of CSV files given as {filename: bytes}, writing nothing.

    Raises ImportRejected listing every problem. References may point at rows already in the
    database unless ``replace`` (the import will replace the database's contents). This is
    `--check`: an import runs the same checks again inside its write transaction
    (`import_files`), since the database may change in between."""
    problems: list[Problem] = []
    parsed = _parse_all(files, problems)
    if engine is None or replace:
        state = _no_database_state()
    else:
        with engine.connect() as conn:
            state = _database_state(conn)
    _check_with_database(files, parsed, state, problems)
    if problems:
        raise ImportRejected(problems)
    return parsed


def import_files(
    files: dict[str, bytes],
    engine: Engine,
    replace: bool = False,
    wait_s: float = 600.0,
    statement_timeout_s: float = 3600.0,
    bar: Progress | None = None,
) -> ImportResult:
    """Check and load a set of files in one transaction that holds the write lock.

    The checks against the database run inside that transaction, after the lock is taken: two
    imports at once run one after the other, and the second is checked against what the first
    stored (two files each valid alone can never store overlapping episodes between them)."""
    bar = bar or Progress()
    problems: list[Problem] = []
    bar.set_description("reading the files")
    parsed = _parse_all(files, problems)  # the slow part, before the lock
    bar.set_total(sum(len(p.frame) for p in parsed.values()))
    bar.set_description("waiting for the database")
    with db.exclusive_write(engine, wait_s=wait_s, statement_timeout_s=statement_timeout_s) as conn:
        bar.set_description("checking against the database")
        state = _no_database_state() if replace else _database_state(conn)
        _check_with_database(files, parsed, state, problems)
        if problems:
            raise ImportRejected(problems)
        try:
            result = _load(conn, parsed, replace, bar)
        except IntegrityError as error:
            # The checks above should leave nothing for the database to refuse; if it still does,
            # say so as a rejection (nothing is written) rather than as a traceback.
            reason = str(error.orig or error).strip().splitlines()[0][:300]
            raise ImportRejected(
                [Problem("-", 0, "-", f"the database refused the rows: {reason}")]
            ) from error
        if snapshot.folder() is not None:
            bar.set_description("preparing the first views")
            _prepare_first_views(conn)
        return result


def _prepare_first_views(conn: Connection) -> None:
    """Warm and snapshot the new version's tables before the commit makes it visible; a failure
    here costs the first visitors speed, never the import (it is undone to a savepoint)."""
    try:
        with conn.begin_nested():
            queries.warm_before_commit(conn)
    except Exception:  # noqa: BLE001 - the import stands without its snapshot
        log.warning(
            "could not prepare the new data version's tables; they are read on first use", exc_info=True
        )


def read_directory(directory: Path) -> dict[str, bytes]:
    """The contract's files found in a folder (names matched case-insensitively)."""
    wanted = {spec.filename for spec in csv_format.FILES}
    found: dict[str, bytes] = {}
    for path in sorted(Path(directory).iterdir()):
        if path.is_file() and path.name.lower() in wanted:
            found[path.name.lower()] = path.read_bytes()
    return found


def _columns(parsed: ParsedFile) -> tuple[list[str], list[list]]:
    """Plain Python values per column (dates, floats, bools, str, None) for the database driver."""
    frame = parsed.frame
    names: list[str] = []
    columns: list[list] = []
    for name in parsed.present:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            # Periods repeat a lot (months): convert each distinct date once.
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            lookup = np.array([ts.date() for ts in uniques] + [None], dtype=object)
            values = lookup[codes].tolist()  # code -1 (missing) picks the trailing None
        elif pd.api.types.is_float_dtype(series):
            array = series.to_numpy(dtype="float64")
            values = array.tolist()
            if np.isnan(array).any():
                values = [None if v != v else v for v in values]
        elif isinstance(series.dtype, pd.BooleanDtype):
            values = [None if v is pd.NA else bool(v) for v in series.astype(object)]
        else:
            values = [
                None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else v
                for v in series.astype(object)
            ]
        names.append(name)
        columns.append(values)
    return names, columns


def _records(parsed: ParsedFile) -> list[dict]:
    names, columns = _columns(parsed)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _split_undated(parsed: ParsedFile) -> tuple[ParsedFile, ParsedFile]:
    """Interventions with a start date, and those without (upserted on another key)."""
    frame = parsed.frame
    if "start_date" in frame.columns:
        undated = frame["start_date"].isna().to_numpy()
    else:
        undated = np.ones(len(frame), dtype=bool)

    def part(mask: np.ndarray) -> ParsedFile:
        return ParsedFile(parsed.spec, frame.loc[mask], parsed.lines[mask], parsed.present)

    return part(~undated), part(undated)


# Rows per executemany call or progress update: large enough to cost nothing, small enough for
# the bar to move smoothly.
CHUNK_ROWS = 20_000


def _chunks(rows: list[tuple]) -> Iterator[list[tuple]]:
    for start in range(0, len(rows), CHUNK_ROWS):
        yield rows[start : start + CHUNK_ROWS]


def _write(
    conn: Connection,
    table,
    parsed: ParsedFile,
    upsert: bool,
    was_empty: bool,
    undated: bool = False,
    bar: Progress | None = None,
) -> int:
    """Bulk write: COPY on PostgreSQL, executemany on SQLite; upsert on the natural key.

    `was_empty`: the table held no rows before this import, so it needs no conflict handling:
    PostgreSQL copies straight into it. Its keys and indexes stay in place: dropping them for the
    COPY would take an ACCESS EXCLUSIVE lock that every reader of the dashboard would queue
    behind until the import commits (a plain COPY or INSERT blocks no reader).

    `undated`: interventions without a start date. A unique constraint lets NULLs repeat, so
    these are upserted on the partial unique index of (trust, intervention) where the start is
    NULL instead."""
    bar = bar or Progress()
    names, columns = _columns(parsed)
    rows = list(zip(*columns, strict=True))
    if not rows:
        return 0
    key = [k for k in parsed.spec.key if not (undated and k == "start_date")]
    dialect = conn.dialect.name
    quoted = ", ".join(f'"{n}"' for n in names)
    updates = [n for n in names if n not in key and not (undated and n == "start_date")]
    if was_empty:
        upsert = False  # the fast path applies
    if upsert:
        distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
        action = (
            "DO UPDATE SET "
            + ", ".join(f'"{n}" = excluded."{n}"' for n in updates)
            # Unchanged rows are left alone: a re-import writes nothing.
            + " WHERE "
            + " OR ".join(f'"{table.name}"."{n}" {distinct} excluded."{n}"' for n in updates)
            if updates
            else "DO NOTHING"
        )
        where = " WHERE start_date IS NULL" if undated else ""
        conflict = f" ON CONFLICT ({', '.join(key)}){where} {action}"
    else:
        conflict = ""
    raw = conn.connection.driver_connection
    if dialect == "postgresql":
        with raw.cursor() as cursor:
            if upsert:
                cursor.execute(
                    f'CREATE TEMP TABLE IF NOT EXISTS "_load_{table.name}" (LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP'
                )
                cursor.execute(f'TRUNCATE "_load_{table.name}"')
                target = f'"_load_{table.name}"'
            else:
                target = f'"{table.name}"'
            with cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
                for chunk in _chunks(rows):
                    for row in chunk:
                        copy.write_row(row)
                    bar.advance(len(chunk))
            if upsert:
                cursor.execute(
                    f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM "_load_{table.name}"{conflict}'
                )
    elif dialect == "sqlite":
        placeholders = ", ".join("?" for _ in names)
        cursor = raw.cursor()
        statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders}){conflict}'
        for chunk in _chunks(rows):
            cursor.executemany(statement, chunk)
            bar.advance(len(chunk))
        cursor.close()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database {dialect}")
    return len(rows)


TABLES = {
    "trusts": models.Trust.__table__,
    "metrics": models.Metric.__table__,
    "regime_episodes": models.RegimeEpisode.__table__,
    "cqc_ratings": models.CqcRating.__table__,
    "metric_values": models.MetricValue.__table__,
    "interventions": models.Intervention.__table__,
    "costs": models.Cost.__table__,
}


def clear_data(conn: Connection) -> None:
    """Delete every data row (not users), children first."""
    for stem in reversed(list(TABLES)):
        conn.execute(delete(TABLES[stem]))


def _load(
    conn: Connection, parsed: dict[str, ParsedFile], replace: bool = False, bar: Progress | None = None
) -> ImportResult:
    """Write validated files in the caller's transaction; bump the data version for cache keys."""
    bar = bar or Progress()
    result = ImportResult()
    # An empty table needs no conflict handling: its rows are copied straight in.
    empty = {
        stem: conn.execute(select(table).limit(1)).first() is None
        for stem, table in TABLES.items()
        if stem in parsed
    }
    if replace:
        clear_data(conn)
    for stem, table in TABLES.items():
        if stem not in parsed:
            continue
        bar.set_description(f"writing {parsed[stem].spec.filename}")
        parts = [(parsed[stem], False)]
        if stem == "interventions":
            dated, undated = _split_undated(parsed[stem])
            parts = [(dated, False), (undated, True)]
        result.rows[stem] = sum(
            _write(conn, table, part, upsert=not replace, was_empty=empty[stem], undated=is_undated, bar=bar)
            for part, is_undated in parts
        )
    result.data_version = _bump_dataset(conn, parsed.get("dataset"), replace)
    return result


def _bump_dataset(conn: Connection, dataset: ParsedFile | None, replace: bool) -> int:
    """Add one to the data version in one statement (never read, then write: two writers would
    both write the same number and caches would go on serving the older data)."""
    info = models.DatasetInfo.__table__
    now = datetime.now(UTC).replace(tzinfo=None)
    values: dict = {"imported_at": now}
    if replace:
        values.update(name=None, synthetic=None, as_of=None, licence=None, notes=None)
    if dataset is not None and len(dataset.frame):
        row = _records(dataset)[0]
        values.update(row)
    bumped = conn.execute(
        update(info)
        .where(info.c.id == 1)
        .values(data_version=info.c.data_version + 1, **values)
        .returning(info.c.data_version)
    ).scalar()
    if bumped is None:
        conn.execute(insert(info).values(id=1, data_version=1, **values))
        return 1
    return int(bumped)


def bump_data_version(engine: Engine) -> int:
    with db.exclusive_write(engine) as conn:
        return _bump_dataset(conn, None, replace=False)


def import_directory(
    directory: Path,
    engine: Engine,
    check_only: bool = False,
    replace: bool = False,
    wait_s: float = 600.0,
    statement_timeout_s: float = 3600.0,
    bar: Progress | None = None,
) -> ImportResult:
    """Check, then load, the contract's files in `directory` (see `import_files`); `bar` counts
    the rows written (data_access.progress)."""
    files = read_directory(directory)
    if check_only:
        parsed = validate(files, engine, replace=replace)
        return ImportResult(rows={stem: len(p.frame) for stem, p in parsed.items()})
    return import_files(
        files, engine, replace=replace, wait_s=wait_s, statement_timeout_s=statement_timeout_s, bar=bar
    )


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            stem: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
            for stem, t in TABLES.items()
        }
