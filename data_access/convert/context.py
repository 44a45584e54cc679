"""What a conversion of one kind is given: the output folder, the database, where progress goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TextIO

from data_access.convert.known import KnownTrusts, folder_trusts, known_trusts
from data_access.convert.output import read_existing


@dataclass
class Context:
    out_dir: Path
    database_url: str | None = None
    stream: TextIO | None = None
    _known: KnownTrusts | None = field(default=None, repr=False)

    @property
    def known(self) -> KnownTrusts:
        """The trusts values may be written for (read once, on first use)."""
        if self._known is None:
            self._known = known_trusts(self.out_dir, self.database_url)
        return self._known

    @cached_property
    def folder_trusts(self) -> dict[str, dict[str, str]]:
        return folder_trusts(self.out_dir)

    @cached_property
    def folder_metrics(self) -> dict[str, dict[str, str]]:
        """The rows of the output folder's metrics.csv, by lower-case metric id."""
        _, rows = read_existing(self.out_dir / "metrics.csv")
        return {row["metric_id"].strip().lower(): row for row in rows if row.get("metric_id", "").strip()}
