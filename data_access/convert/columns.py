"""Find a file's columns by what they mean, whatever the publisher's wording that year.

Headings are compared after `normalise`: case, spaces and punctuation do not matter, "hours" and
"hrs" are the same word, and a leading "Number of" (older NHS England files) is dropped. Each
`Field` lists the wordings seen across releases; a new wording is one more name in that list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from data_access.convert.common import Problem, Rejected
from data_access.convert.values import cell_text

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

# How far down a sheet the header row may sit, below banner rows and notes.
HEADER_SCAN_ROWS = 40


def normalise(heading: object) -> str:
    """The comparable form of a heading: 'A&E attendances Type 1' -> 'aeattendancestype1'."""
    if type(heading) is str:
        return _normalise_text(heading)
    return _normalise_text(cell_text(heading))


# Row values repeat a great deal (a provider type, a domain, a metric id on every row): each
# distinct text is normalised once.
@functools.lru_cache(maxsize=65_536)
def _normalise_text(heading: str) -> str:
    text = _NOT_ALNUM.sub("", heading.strip().lower())
    text = text.replace("hours", "hrs")
    if text.startswith("numberof"):
        text = text[len("numberof") :]
    return text


@dataclass(frozen=True)
class Field:
    """A column by its meaning: `meaning` names it in messages, `names` are the wordings to accept."""

    key: str
    meaning: str
    names: tuple[str, ...]
    required: bool = True

    def normalised(self) -> frozenset[str]:
        return frozenset(normalise(n) for n in self.names)

    def missing_message(self) -> str:
        return f"no column for {self.meaning} (looked for: {', '.join(self.names)})"


@dataclass(frozen=True)
class Header:
    """Where the header row is (1-based row number) and which column holds each field."""

    row: int
    index: dict[str, int]
    labels: dict[str, str]

    def has(self, key: str) -> bool:
        return key in self.index


def match(cells: Sequence[object], fields: Sequence[Field]) -> tuple[dict[str, int], dict[str, str]]:
    """The fields found among one row's cells: {field key: column index}, {field key: heading}."""
    position: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = normalise(cell)
        if name and name not in position:
            position[name] = i
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for f in fields:
        for name in f.names:
            i = position.get(normalise(name))
            if i is not None:
                index[f.key] = i
                labels[f.key] = cell_text(cells[i])
                break
    return index, labels


def find_header(
    rows: Sequence[Sequence[object]], fields: Sequence[Field], filename: str, scan: int = HEADER_SCAN_ROWS
) -> Header:
    """The first row, among the first `scan`, that has a column for every required field.

    Banner rows above the header are passed over. When no row has them all, the rejection names
    each missing column by its meaning, measured against the row that came closest.
    """
    required = [f for f in fields if f.required]
    best: tuple[int, int, dict[str, int]] | None = None
    for number, cells in enumerate(rows[:scan], start=1):
        index, labels = match(cells, fields)
        found = sum(1 for f in required if f.key in index)
        if found == len(required) and index:
            return Header(number, index, labels)
        if found and (best is None or found > best[0]):
            best = (found, number, index)
    if best is None:
        problems = [Problem(filename, f.missing_message(), 1, "-") for f in required]
        if rows:
            problems.insert(
                0,
                Problem(filename, f"no header row found in the first {min(scan, len(rows))} rows", 1, "-"),
            )
        else:
            problems = [Problem(filename, "the file has no rows")]
        raise Rejected(problems)
    _, number, index = best
    raise Rejected(
        [Problem(filename, f.missing_message(), number, "-") for f in required if f.key not in index]
    )
