"""Every dataset shape the contract allows works: every download and callback answers, for the
public and for an analyst, on shapes the demo never makes (contract §2, §4).

The whole app runs in process (Flask's test client) on the test's database; the named shapes run
on SQLite and PostgreSQL, and hypothesis builds many more on SQLite.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from data_access import db, importer, queries
from tests import datasets, shapes
from tests.inprocess import CONTRACT_COLUMNS, PAGES, callback_answers, download, sign_in, sign_out


def load(files: dict[str, str], folder: Path) -> None:
    importer.import_directory(datasets.write(folder, files), db.get_engine(), replace=True)
    queries.forget_data_version()


def searches_for(files: dict[str, str]) -> list[str]:
    rows = list(csv.reader(io.StringIO(files["trusts.csv"].lstrip("\ufeff"))))[1:]
    code = rows[0][0].strip().upper() if rows else "RA1"
    return [
        "",
        f"?trust={code}&metric=m_pct&align=support_entry&spc_break=support_entry",
        "?regime=rsp&regime=smq&regime=cp&group=never&group=cp_only&type=acute&align=smq_exit&compare=group"
        "&from=2015-01-01&to=2019-12-31",
    ]


def problems(client, files: dict[str, str]) -> list[str]:
    """What fails on this dataset for the viewer the client is signed in as: any server error, a
    download without its contract columns, a callback answering 5xx."""
    found = []
    searches = searches_for(files)
    first_trust = searches[1].split("=", 2)[1].split("&")[0]
    for view, columns in CONTRACT_COLUMNS.items():
        for search in searches:
            response = download(client, view, search)
            if response.status_code != 200:
                found.append(f"/download/{view}.csv{search}: HTTP {response.status_code}")
                continue
            header = next(csv.reader(io.StringIO(response.get_data(as_text=True))), [])
            missing = [c for c in columns if c not in header]
            if missing:
                found.append(f"/download/{view}.csv{search}: no column {missing}")
    for output, search, status, _ in callback_answers(client, searches, [*PAGES, f"/trust/{first_trust}"]):
        if status >= 500:
            found.append(f"callback {output[:60]} {search}: HTTP {status}")
    for path in PAGES:
        if client.get(path).status_code != 200:
            found.append(f"GET {path}: not 200")
    return found


# PostgreSQL runs the shapes whose handling differs by database (dates, text, empty tables).
ON_POSTGRES = {"saved_by_excel", "nasty_names", "header_only_files", "smq_into_rsp", "only_trusts"}


@pytest.mark.parametrize("shape", sorted(shapes.named_shapes()))
def test_every_named_shape_works_for_the_public_and_an_analyst(client, database_url, tmp_path, shape):
    if not database_url.startswith("sqlite") and shape not in ON_POSTGRES:
        pytest.skip("runs on SQLite; PostgreSQL runs the shapes whose handling differs by database")
    files = shapes.named_shapes()[shape]
    load(files, tmp_path / shape)
    assert problems(client, files) == []
    sign_in(client, "analyst")
    assert problems(client, files) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=shapes.dataset())
def test_generated_shapes_work(client, database_url, tmp_path, files):
    if not database_url.startswith("sqlite"):
        pytest.skip("generated shapes run on SQLite; the named shapes run on both databases")
    try:
        load(files, tmp_path / uuid.uuid4().hex)
    except importer.ImportRejected as rejected:  # the generator made something the contract rejects
        raise AssertionError(f"a valid shape was rejected: {rejected.problems[:3]}") from None
    sign_out(client)
    assert problems(client, files) == []
