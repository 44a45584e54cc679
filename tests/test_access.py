"""The confidentiality rule (contract §5) as pure functions: no database, small frames built here."""

from __future__ import annotations

import pandas as pd

from data_access import access
from data_access.filters import Filters
from data_access.viewer import EVERYTHING, PUBLIC, Viewer

DIRECTOR = Viewer(role="improvement_director", trusts=frozenset({"RCC"}))


def ts(text: str | None):
    return pd.NaT if text is None else pd.Timestamp(text)


EPISODES = pd.DataFrame(
    {
        "trust_code": ["RCC", "RCC", "RDD", "RGG", "RGG", "RGG", "RHH"],
        "regime": ["cp", "smq", "cp", "smq", "cp", "smq", "rsp"],
        "start_date": [
            ts("2014-05-13"),
            ts("2015-02-01"),
            ts("2016-01-11"),
            ts("2013-07-16"),
            ts("2015-03-09"),
            ts("2016-01-01"),
            ts("2022-03-01"),
        ],
        "end_date": [
            ts("2015-01-27"),
            ts("2016-01-31"),
            ts("2017-06-23"),
            ts("2014-07-15"),
            ts("2015-12-17"),
            ts("2016-12-31"),
            None,
        ],
        "notes": [
            "watch list",
            "moved from the Challenged Providers list",
            "watch list",
            None,
            "x",
            None,
            "note",
        ],
    }
)


def test_public_sees_smq_and_rsp_episodes_only_and_no_notes():
    shown = access.visible_episodes(EPISODES, PUBLIC)
    assert set(shown["regime"]) == {"smq", "rsp"}
    assert shown["notes"].isna().all()


def test_everything_is_seen_by_an_analyst():
    shown = access.visible_episodes(EPISODES, EVERYTHING)
    assert len(shown) == len(EPISODES)
    assert shown["notes"].tolist() == EPISODES["notes"].tolist()


def test_a_director_sees_cp_and_notes_of_their_own_trusts_only():
    shown = access.visible_episodes(EPISODES, DIRECTOR)
    assert set(shown.loc[shown["regime"] == "cp", "trust_code"]) == {"RCC"}
    notes = dict(zip(shown["trust_code"] + shown["regime"], shown["notes"], strict=True))
    assert notes["RCCcp"] == "watch list"
    assert pd.isna(notes["RGGsmq"]) and pd.isna(notes["RHHrsp"])


INTERVENTIONS = pd.DataFrame(
    {
        "trust_code": ["RCC", "RCC", "RDD", "RGG", "RGG", "RHH", "RZZ", "RHH"],
        "intervention": [
            "buddying",
            "improvement_director",
            "improvement_director",
            "leadership_change",
            "improvement_director",
            "buddying",
            "buddying",
            "deep_dive",
        ],
        "start_date": [
            ts("2014-06-01"),
            ts("2015-02-15"),
            ts("2016-02-01"),
            ts("2015-06-01"),
            ts("2016-01-20"),
            ts("2022-05-01"),
            None,
            None,
        ],
        "notes": ["during CP", "after entry", "during CP", "during CP", None, None, None, "n"],
    }
)


def test_public_interventions_start_at_first_intensive_entry_and_avoid_cp_episodes():
    shown = access.visible_dated(INTERVENTIONS, "start_date", PUBLIC, EPISODES)
    kept = set(zip(shown["trust_code"], shown["intervention"], strict=True))
    # RCC's buddying was during CP and before SMQ; RDD never entered SMQ; RGG's leadership change
    # sits inside its CP episode between two SMQ episodes: all hidden.
    assert kept == {
        ("RCC", "improvement_director"),
        ("RGG", "improvement_director"),
        ("RHH", "buddying"),
        ("RHH", "deep_dive"),
    }
    assert shown["notes"].isna().all()


def test_an_undated_row_is_public_only_for_a_trust_that_has_been_in_intensive_support():
    shown = access.visible_dated(INTERVENTIONS, "start_date", PUBLIC, EPISODES)
    assert "RZZ" not in set(shown["trust_code"])  # never in SMQ or RSP: its undated row would point at it
    assert ("RHH", "deep_dive") in set(zip(shown["trust_code"], shown["intervention"], strict=True))


def test_a_director_sees_every_intervention_of_their_trust():
    shown = access.visible_dated(INTERVENTIONS, "start_date", DIRECTOR, EPISODES)
    assert len(shown[shown["trust_code"] == "RCC"]) == 2
    assert "RDD" not in set(shown["trust_code"])


def test_groups_follow_the_public_rules_for_those_who_may_not_see_cp():
    full = pd.Series(
        {"RCC": "cp_to_smq", "RDD": "cp_only", "RAA": "prolonged_poor_performer", "RXX": "cp_only"}
    )
    public = pd.Series(
        {"RCC": "other_smq", "RDD": "never", "RAA": "prolonged_poor_performer", "RXX": "other_smq"}
    )
    shown = access.visible_groups(full, public, PUBLIC)
    assert shown.to_dict() == {
        "RCC": "other_smq",
        "RDD": "never",
        "RAA": "prolonged_poor_performer",
        "RXX": "other_smq",
    }
    assert access.visible_groups(full, public, DIRECTOR)["RCC"] == "cp_to_smq"
    assert access.visible_groups(full, public, EVERYTHING).to_dict() == full.to_dict()


def test_cp_filters_are_dropped_with_a_notice_for_the_public_only():
    asked = Filters(groups=("cp_only", "never"), regimes=("cp", "smq"))
    kept, notices = access.allowed_filters(asked, PUBLIC)
    assert kept.groups == ("never",) and kept.regimes == ("smq",) and notices
    assert access.allowed_filters(asked, DIRECTOR) == (asked, [])
    assert access.allowed_filters(Filters(groups=("never",)), PUBLIC) == (Filters(groups=("never",)), [])
