"""A request's work must not depend on what it hides (timing would reveal the CP list).

The public's queries filter tables built once per data version for the public. So the same public
data with and without the hidden rows (CP episodes, and interventions and costs dated in them) must
give the public exactly the same tables to filter: then no request can take longer because of a
row it drops. `benchmarks/timing_leak.py` measures the same over HTTP with a statistical test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

from data_access import db, importer, queries
from data_access.viewer import PUBLIC
from tests import datasets


def without_hidden_rows(files: dict[str, str]) -> dict[str, str]:
    """The mini dataset as the public knows it: no CP episode, no row dated in one."""
    out = dict(files)
    out["regime_episodes.csv"] = (
        "\n".join(line for line in files["regime_episodes.csv"].splitlines() if ",cp," not in line) + "\n"
    )
    for name in ("interventions.csv", "costs.csv"):
        out[name] = "\n".join(line for line in files[name].splitlines() if "during CP" not in line) + "\n"
    return out


def public_tables(folder: Path, files: dict[str, str]) -> dict[str, pd.DataFrame]:
    importer.import_directory(datasets.write(folder, files), db.get_engine(), replace=True)
    queries.forget_data_version()
    version, as_of = queries.data_version(), queries.as_of()
    return {
        "trusts": queries._visible_trusts(PUBLIC, version, as_of),
        "episodes": queries._visible_episodes(PUBLIC, version, as_of),
        "interventions": queries._visible_interventions(PUBLIC, version, as_of),
        "costs": queries._visible_costs(PUBLIC, version, as_of),
    }


def test_the_public_filters_the_same_tables_with_or_without_the_hidden_rows(engine, tmp_path):
    files = datasets.mini()
    with_hidden = public_tables(tmp_path / "with", files)
    without = public_tables(tmp_path / "without", without_hidden_rows(files))
    assert (
        len(with_hidden["interventions"]) < len(datasets.INTERVENTIONS.splitlines()) - 1
    )  # rows were hidden
    for name, frame in with_hidden.items():
        assert_frame_equal(frame.reset_index(drop=True), without[name].reset_index(drop=True), obj=name)
