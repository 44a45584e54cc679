"""The confidentiality rule of §5, at the data layer where it is enforced."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access import queries
from data_access.filters import Filters
from data_access.viewer import EVERYTHING, PUBLIC, Viewer
from tests.datasets import CP_TRUSTS, EXPECTED_GROUPS

DIRECTOR = Viewer(role="improvement_director", trusts=frozenset({"RCC"}))


def test_full_access_sees_the_true_groups(mini_db):
    frame = queries.trusts(EVERYTHING).set_index("trust_code")
    assert frame["evaluation_group"].to_dict() == EXPECTED_GROUPS
    assert set(queries.episodes(EVERYTHING)["regime"]) == {"smq", "cp"}


def test_public_never_gets_cp_episodes_groups_or_dates(mini_db):
    trusts = queries.trusts(PUBLIC).set_index("trust_code")
    assert not trusts["evaluation_group"].isin(["cp_to_smq", "cp_only"]).any()
    assert trusts.loc["RCC", "evaluation_group"] == "other_smq"
    assert trusts.loc["RDD", "evaluation_group"] == "never"
    assert trusts["first_cp_entry"].isna().all()
    assert not trusts["ever_cp"].any()
    assert (queries.episodes(PUBLIC)["regime"] == "smq").all()


def in_cp(frame: pd.DataFrame, column: str) -> pd.Series:
    episodes = queries.episodes(EVERYTHING)
    cp = episodes[episodes["regime"] == "cp"]
    hit = pd.Series(False, index=frame.index)
    for row in cp.itertuples():
        end = row.end_date if not pd.isna(row.end_date) else pd.Timestamp.max
        hit |= (
            (frame["trust_code"] == row.trust_code)
            & (frame[column] >= row.start_date)
            & (frame[column] <= end)
        )
    return hit


def test_public_gets_no_intervention_or_cost_dated_in_cp_or_before_smq(mini_db):
    interventions = queries.interventions(PUBLIC)
    costs = queries.costs(PUBLIC)
    assert not in_cp(interventions, "start_date").any()
    assert not in_cp(costs, "period_start").any()
    assert "RDD" not in set(interventions["trust_code"]) | set(costs["trust_code"])
    # After SMQ entry and outside CP stays visible: the public sees SMQ support.
    assert ("RCC", "improvement_director") in set(
        zip(interventions["trust_code"], interventions["intervention"], strict=True)
    )
    # Full access sees the CP-dated rows the public does not.
    everything = queries.interventions(EVERYTHING)
    assert in_cp(everything, "start_date").sum() == 4


@pytest.mark.parametrize("query", ["group=cp_only", "group=cp_to_smq", "regime=cp", "trust=RDD&regime=cp"])
def test_public_cannot_probe_the_list_with_filters(mini_db, query):
    filters, _ = Filters.from_query(query)
    assert queries.trusts(PUBLIC, filters).empty
    assert queries.episodes(PUBLIC, filters).empty


def test_improvement_director_sees_cp_only_for_their_trusts(mini_db):
    trusts = queries.trusts(DIRECTOR).set_index("trust_code")
    assert trusts.loc["RCC", "evaluation_group"] == "cp_to_smq"
    assert trusts.loc["RDD", "evaluation_group"] == "never"
    episodes = queries.episodes(DIRECTOR)
    assert set(episodes.loc[episodes["regime"] == "cp", "trust_code"]) == {"RCC"}
    interventions = queries.interventions(DIRECTOR)
    assert ("RCC", "buddying") in set(
        zip(interventions["trust_code"], interventions["intervention"], strict=True)
    )
    assert "RDD" not in set(interventions["trust_code"])


def test_current_regime_respects_the_role(mini_db, tmp_path, engine):
    from data_access import importer
    from tests import datasets

    files = {
        "trusts.csv": datasets.TRUSTS,
        "regime_episodes.csv": "trust_code,regime,start_date,end_date\nRFF,cp,2019-01-01,\n",
    }
    importer.import_directory(datasets.write(tmp_path / "more", files), engine)
    queries.forget_data_version()
    assert queries.trusts(EVERYTHING, Filters(trusts=("RFF",)))["current_regime"].item() == "cp"
    assert queries.trusts(PUBLIC, Filters(trusts=("RFF",)))["current_regime"].item() == "none"
    assert CP_TRUSTS | {"RFF"} >= set(queries.trusts(EVERYTHING, Filters(regimes=("cp",)))["trust_code"])
