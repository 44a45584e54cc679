"""The evaluation-group rules of §3 as a pure function, with hand-made cases."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_access.groups import clip_to_as_of, derive_groups, intensive_spells

AS_OF = date(2019, 6, 30)


def frames(episodes: list[tuple], ratings: list[tuple] = (), override: str | None = None):
    trusts = pd.DataFrame({"trust_code": ["T1"], "evaluation_group": [override]})
    ep = pd.DataFrame(episodes, columns=["regime", "start_date", "end_date"])
    ep.insert(0, "trust_code", "T1")
    ra = pd.DataFrame(list(ratings), columns=["publication_date", "rating"])
    ra.insert(0, "trust_code", "T1")
    ra["domain"] = "overall"
    return trusts, ep, ra


def group_of(episodes, ratings=(), override=None, as_of=AS_OF) -> str:
    return derive_groups(*frames(episodes, ratings, override), as_of)["T1"]


def test_never_without_episodes():
    assert group_of([]) == "never"


def test_two_smq_entries_are_prolonged_even_if_short():
    assert group_of([("smq", "2014-01-01", "2014-03-01"), ("smq", "2015-01-01", "2015-02-01")]) == (
        "prolonged_poor_performer"
    )


@pytest.mark.parametrize(
    ("end", "expected"), [("2016-01-01", "prolonged_poor_performer"), ("2015-12-31", "other_smq")]
)
def test_730_days_is_the_boundary(end, expected):
    # 2014-01-01 to 2016-01-01 is exactly 730 days.
    assert group_of([("smq", "2014-01-01", end)]) == expected


def test_ongoing_episode_counts_to_as_of():
    assert group_of([("smq", "2018-01-01", None)], as_of=date(2020, 1, 1)) == "prolonged_poor_performer"
    assert group_of([("smq", "2018-01-01", None)], as_of=date(2019, 12, 31)) == "other_smq"


def test_clear_improver_needs_a_better_latest_rating_than_before_exit():
    episodes = [("smq", "2015-01-01", "2016-01-01")]
    improved = [("2014-12-01", "inadequate"), ("2017-01-01", "good")]
    same = [("2014-12-01", "requires_improvement"), ("2017-01-01", "requires_improvement")]
    assert group_of(episodes, improved) == "clear_improver"
    assert group_of(episodes, same) == "other_smq"
    # The last rating before exit is what counts, not the one at entry.
    later_ri = [("2014-12-01", "inadequate"), ("2015-11-01", "good"), ("2017-01-01", "good")]
    assert group_of(episodes, later_ri) == "other_smq"


def test_still_in_smq_is_not_an_improver():
    assert group_of(
        [("smq", "2018-06-01", None)], [("2018-01-01", "inadequate"), ("2019-01-01", "good")]
    ) == ("other_smq")


def test_cp_before_smq_and_cp_only():
    assert group_of([("cp", "2014-01-01", "2014-06-30"), ("smq", "2014-07-01", "2015-01-01")]) == "cp_to_smq"
    assert group_of([("smq", "2014-07-01", "2015-01-01"), ("cp", "2015-06-01", "2015-09-01")]) == "other_smq"
    assert group_of([("cp", "2014-01-01", None)]) == "cp_only"


def test_first_matching_rule_wins():
    # CP then a long SMQ episode: prolonged beats cp_to_smq.
    assert group_of([("cp", "2013-01-01", "2013-06-30"), ("smq", "2013-07-01", "2016-01-01")]) == (
        "prolonged_poor_performer"
    )
    # CP then SMQ with a clear improvement: clear_improver beats cp_to_smq.
    assert (
        group_of(
            [("cp", "2013-01-01", "2013-06-30"), ("smq", "2013-07-01", "2014-06-30")],
            [("2013-05-01", "inadequate"), ("2015-01-01", "good")],
        )
        == "clear_improver"
    )


def test_override_from_trusts_csv_wins():
    assert group_of([], override="clear_improver") == "clear_improver"


# Spells of intensive support (§2): SMQ and RSP episodes within 31 days of each other are one.


def test_smq_then_rsp_without_a_break_is_one_spell_and_no_exit():
    handover = [("smq", "2019-03-01", "2021-07-13"), ("rsp", "2021-07-14", None)]
    assert (
        group_of(handover, as_of=date(2021, 12, 31)) == "prolonged_poor_performer"
    )  # one spell of 1,036 days
    short = [("smq", "2021-01-04", "2021-07-13"), ("rsp", "2021-07-14", "2021-12-01")]
    improved = [("2020-12-01", "inadequate"), ("2022-06-01", "good")]
    # The spell ended in December, not in July: the rating published in between is "before exit".
    assert group_of(short, improved, as_of=date(2022, 12, 31)) == "clear_improver"
    spells = intensive_spells(frames(handover)[1])
    assert len(spells) == 1 and spells.iloc[0]["regimes"] == "smq+rsp" and pd.isna(spells.iloc[0]["end_date"])


@pytest.mark.parametrize(("gap_days", "spells"), [(31, 1), (32, 2)])
def test_a_gap_of_more_than_31_days_starts_a_second_spell(gap_days, spells):
    end = pd.Timestamp("2016-01-31")
    second_start = (end + pd.Timedelta(days=gap_days)).date().isoformat()
    episodes = [("smq", "2015-06-01", "2016-01-31"), ("smq", second_start, "2016-06-30")]
    assert len(intensive_spells(frames(episodes)[1])) == spells
    expected = "prolonged_poor_performer" if spells == 2 else "other_smq"
    assert group_of(episodes) == expected


def test_an_rsp_only_trust_is_in_intensive_support():
    assert group_of([("rsp", "2022-01-10", None)], as_of=date(2023, 1, 1)) == "other_smq"
    assert group_of([("rsp", "2022-01-10", None)], as_of=date(2024, 1, 10)) == "prolonged_poor_performer"


def test_cp_before_rsp_is_cp_to_smq():
    episodes = [("cp", "2019-05-13", "2021-01-27"), ("rsp", "2022-02-01", "2022-09-01")]
    assert group_of(episodes, as_of=date(2023, 1, 1)) == "cp_to_smq"
    assert group_of(episodes[:1], as_of=date(2023, 1, 1)) == "cp_only"


def test_episodes_are_clipped_to_the_as_of_date():
    episodes = frames([("smq", "2018-01-01", "2020-01-01"), ("smq", "2021-01-01", None)])[1]
    clipped = clip_to_as_of(episodes, date(2019, 6, 30))
    assert len(clipped) == 1 and pd.isna(clipped.iloc[0]["end_date"])
