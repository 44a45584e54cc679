"""Bad input loses nothing: random damage to valid CSV files gives either a clean import or a
rejection that lists `file:line: column: reason` problems and leaves the database unchanged."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access import db, importer
from data_access.exporter import export_directory
from data_access.schema import init_db
from tests import datasets

PROBLEM = re.compile(r"^[a-z_]+\.csv:\d+: [\w,\-]+: .+$")
NASTY = [
    "",
    " ",
    "abc",
    "-1",
    "1e309",
    "NaN",
    "2019-02-30",
    "31/12/2019",
    "=cmd|' /C calc'!A0",
    "ACUTE",
    "cp",
    "smq",
    "\u00e9",
    "RZZ",
    "2020-01-01",
    "true",
    "maybe",
    ",",
    '"',
    "\n",
    "9" * 40,
]


@st.composite
def damaged_dataset(draw) -> dict[str, bytes]:
    files = {name: text.encode() for name, text in datasets.mini().items()}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        lines = files[name].decode("utf-8", "replace").splitlines()
        action = draw(
            st.sampled_from(["cell", "drop_line", "duplicate_line", "drop_column", "bytes", "swap"])
        )
        if action == "cell" and len(lines) > 1:
            row = draw(st.integers(1, len(lines) - 1))
            cells = lines[row].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(NASTY) | st.text(max_size=8))
            lines[row] = ",".join(cells)
        elif action == "drop_line" and len(lines) > 1:
            del lines[draw(st.integers(1, len(lines) - 1))]
        elif action == "duplicate_line" and len(lines) > 1:
            row = draw(st.integers(1, len(lines) - 1))
            lines.insert(row, lines[row])
        elif action == "drop_column":
            header = lines[0].split(",")
            column = draw(st.integers(0, len(header) - 1))
            lines = [",".join(c for i, c in enumerate(line.split(",")) if i != column) for line in lines]
        elif action == "swap" and len(lines) > 2:
            a, b = draw(st.integers(1, len(lines) - 1)), draw(st.integers(1, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
        data = ("\n".join(lines) + "\n").encode()
        if action == "bytes":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
        files[name] = data
    return files


def snapshot(engine, folder: Path) -> dict[str, bytes]:
    export_directory(folder, engine)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "dataset.csv"}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=damaged_dataset())
def test_damaged_csv_is_imported_cleanly_or_rejected_with_nothing_written(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'db.sqlite3'}"
    init_db(url)
    engine = db.get_engine(url)
    importer.import_directory(datasets.write(folder / "base", datasets.mini()), engine)
    before = snapshot(engine, folder / "before")
    incoming = folder / "incoming"
    incoming.mkdir()
    for name, data in files.items():
        (incoming / name).write_bytes(data)
    try:
        importer.import_directory(incoming, engine)
    except importer.ImportRejected as rejected:
        assert rejected.problems
        for problem in rejected.problems:
            assert PROBLEM.match(str(problem).replace("\n", " ")), str(problem)
        assert snapshot(engine, folder / "after") == before
    else:
        # Accepted: what is stored exports and re-validates cleanly.
        out = folder / "accepted"
        export_directory(out, engine)
        importer.validate(importer.read_directory(out), None)
    finally:
        engine.dispose()
