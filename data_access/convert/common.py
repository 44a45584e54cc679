"""What every kind of conversion shares: problems, the report of each file, the rows collected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """Why a file could not be read: the file, and where it applies the row and column.

    `row` is the row number a person sees in the spreadsheet or text editor (the header row and any
    banner rows above it count); `column` is the column's heading as the file writes it.
    """

    filename: str
    reason: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.filename}: {self.reason}"
        return f"{self.filename}:{self.row}: {self.column or '-'}: {self.reason}"


class Rejected(Exception):
    """A file cannot be read; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class FileReport:
    """What one input file gave: rows read, rows taken (by what they became), rows skipped (by why)."""

    path: Path
    where: str = ""
    rows: int = 0
    took: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


@dataclass
class Provider:
    """A provider the file names that is not a known trust: reported by code, not written."""

    code: str
    name: str = ""
    rows: int = 0


class Collector:
    """The §2 rows a conversion produces, keyed by each file's natural key.

    A key seen again with the same row is one row (the same rating in two monthly files); with a
    different row the later one wins and the clash is counted, so the summary can say so.
    """

    def __init__(self) -> None:
        self.rows: dict[str, dict[tuple, dict[str, str]]] = {}
        self.clashes: Counter[str] = Counter()
        self.repeats: Counter[str] = Counter()

    def add(self, stem: str, key: tuple, row: dict[str, str]) -> None:
        table = self.rows.setdefault(stem, {})
        before = table.get(key)
        if before is not None:
            if before == row:
                self.repeats[stem] += 1
                return
            self.clashes[stem] += 1
        table[key] = row

    def get(self, stem: str, key: tuple) -> dict[str, str] | None:
        return self.rows.get(stem, {}).get(key)

    def count(self, stem: str) -> int:
        return len(self.rows.get(stem, {}))


@dataclass
class Conversion:
    """The outcome of converting the files of one kind, before anything is written."""

    kind: str
    files: list[FileReport] = field(default_factory=list)
    collected: Collector = field(default_factory=Collector)
    unknown: dict[str, Provider] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def not_a_trust(self, code: str, name: str) -> None:
        """Count a row of a provider that is not a known trust."""
        seen = self.unknown.setdefault(code, Provider(code, name))
        seen.rows += 1
        if not seen.name and name:
            seen.name = name
