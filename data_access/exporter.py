"""Write the whole database back out as the CSV files of the contract.

The output is canonical (fixed column order, rows sorted by key, dates ISO, numbers in their
shortest exact form), so export → import → export gives the same bytes.
"""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from data_access import csv_format, models
from data_access.importer import TABLES


def format_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_directory(directory: Path, engine: Engine) -> dict[str, int]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with engine.connect() as conn:
        for spec in csv_format.FILES:
            if spec.stem == "dataset":
                info = models.DatasetInfo.__table__
                rows = conn.execute(
                    select(*(info.c[name] for name in spec.column_names)).where(info.c.id == 1)
                ).all()
                rows = [r for r in rows if any(v is not None for v in r)]
                if not rows:
                    continue
            else:
                table = TABLES[spec.stem]
                # Blank keys (an undated intervention) first on every database: the files are
                # the same bytes from SQLite and PostgreSQL.
                order = [table.c[k].asc().nulls_first() for k in spec.key]
                rows = conn.execute(select(*(table.c[n] for n in spec.column_names)).order_by(*order)).all()
            path = directory / spec.filename
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(spec.column_names)
                for row in rows:
                    writer.writerow([format_cell(v) for v in row])
            written[spec.stem] = len(rows)
    return written
