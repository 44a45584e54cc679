"""Per-data-version snapshots, on local disk, of the tables every first visit needs.

Reading a whole metric, or deriving every trust's groups, takes seconds at the largest scales:
too long for the first visitor after a worker starts or after an import. So the frames that
`queries` memoizes per data version are also kept as Parquet files under
`<folder>/<data version>/`, written by whoever computes one first: an import, before it commits
(its new tables are known then, `importer.import_files`), or a worker that had to read SQL. A
worker that starts, or meets a new data version, loads them in milliseconds instead.

The database stays the system of record: a file is only ever read for the data version it was
computed from (the folder is named after the whole data stamp, `queries.data_version`), a file
that is missing or unreadable is computed again from SQL, and old versions' folders are
removed. Files are written to a temporary name and renamed, so a reader never meets half a file.
Only DataFrames are kept, as Parquet, with each column's dtype restored on reading, so a loaded
frame equals the computed one (tests/test_snapshot.py); nothing is ever unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd

from data_access.cache import _key_part  # the memo's own idea of what decides an answer

log = logging.getLogger("smq_monitor.snapshot")
P = ParamSpec("P")
R = TypeVar("R")
KEEP_VERSIONS = 3  # the current data version's folder and the two before it

_folder: Path | None = None
_lock = threading.Lock()
_pruned: set[str] = set()


def configure(folder: Path | str | None) -> None:
    """Keep snapshots under `folder` (None: none are kept, everything is read from SQL)."""
    global _folder
    _folder = Path(folder) if folder else None
    _pruned.clear()
    if _folder is not None:
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:  # an install without pyarrow: slower first answers, same answers
            log.warning("pyarrow is not installed: no table snapshots are kept")
            _folder = None


def folder() -> Path | None:
    return _folder


def _version_dir(version: str) -> Path | None:
    if _folder is None:
        return None
    return _folder / hashlib.sha256(version.encode()).hexdigest()[:20]


def _file(version: str, name: str, key: tuple) -> Path | None:
    base = _version_dir(version)
    if base is None:
        return None
    digest = hashlib.sha256(repr((name, key)).encode()).hexdigest()[:20]
    return base / f"{name.rsplit('.', 1)[-1].lstrip('_')}-{digest}.parquet"


_DTYPES_KEY = b"smq_dtypes"


def save(path: Path, frame: pd.DataFrame) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    stored = frame.reset_index(drop=True)
    table = pa.Table.from_pandas(stored, preserve_index=False)
    dtypes = {str(c): str(t) for c, t in stored.dtypes.items()}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _DTYPES_KEY: json.dumps(dtypes).encode()}
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    pq.write_table(table, temporary, compression="zstd")
    os.replace(temporary, path)


def load(path: Path) -> pd.DataFrame | None:
    """The frame saved at `path`, with its columns' dtypes as they were; None when missing."""
    import pyarrow.parquet as pq

    if not path.exists():
        return None
    table = pq.read_table(path)
    dtypes = json.loads((table.schema.metadata or {}).get(_DTYPES_KEY, b"{}"))
    frame = table.to_pandas()
    for column, dtype in dtypes.items():
        if str(frame[column].dtype) == dtype:
            continue
        if dtype == "object":
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every missing value of a text (object) column as None, as Parquet keeps it
    (a computed column may hold NaN and None side by side): the same frame whether it was just
    computed or read from disk."""
    for column in [c for c, dtype in frame.dtypes.items() if dtype == np.dtype(object)]:
        values = frame[column]
        missing = values.isna()
        if missing.any() and not values[missing].map(lambda v: v is None).all():
            frame = frame.copy(deep=False)
            frame[column] = values.where(~missing, None)
    return frame


def _prune(current: Path) -> None:
    """Remove all but the newest `KEEP_VERSIONS` version folders (once per version per process)."""
    if str(current) in _pruned or _folder is None:
        return
    _pruned.add(str(current))
    folders = sorted(
        (p for p in _folder.iterdir() if p.is_dir() and p != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[KEEP_VERSIONS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def snapshotted(fn: Callable[P, R]) -> Callable[P, R]:
    """Keep `fn`'s DataFrame on disk per data version: its argument named `version` (the data
    stamp) decides the folder, all its arguments the file. Put it under `@memoized`."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    position = list(inspect.signature(fn).parameters).index("version")

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        version = kwargs.get("version", args[position] if position < len(args) else None)
        key = (tuple(_key_part(a) for a in args), tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())))
        path = _file(version, name, key) if isinstance(version, str) else None
        if path is None:
            computed = fn(*args, **kwargs)
            return normalised(computed) if isinstance(computed, pd.DataFrame) else computed  # type: ignore[return-value]
        try:
            found = load(path)
        except Exception:  # noqa: BLE001 - an unreadable file is computed again
            log.warning("snapshot %s is unreadable; reading the database instead", path.name, exc_info=True)
            found = None
        if found is not None:
            return found  # type: ignore[return-value]
        value = fn(*args, **kwargs)
        if isinstance(value, pd.DataFrame):
            value = normalised(value)  # type: ignore[assignment]
            try:
                save(path, value)
                with _lock:
                    _prune(path.parent)
            except Exception:  # noqa: BLE001 - a full or read-only disk costs speed, not answers
                log.warning("could not keep snapshot %s", path, exc_info=True)
        return value

    return wrapper
