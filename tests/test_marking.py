"""Provenance and protective marking: the marking exactly when CP content is shown, the source
line, the CSV comment line, safe file names, and the rules that decide CP content."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import marking
from data_access.filters import Filters

AS_OF = date(2024, 3, 31)


def provenance(**changes) -> marking.Provenance:
    values = {
        "dataset_name": "Test data",
        "as_of": AS_OF,
        "synthetic": True,
        "filter_words": ("Trust type: Acute", "Dates: from 1 Jan 2015"),
        "audience": "Public view",
        "includes_cp": False,
        "generated_at": datetime(2024, 4, 2, 9, 30),
        "view": "findings",
    }
    return marking.Provenance(**{**values, **changes})


def test_the_marking_is_there_exactly_when_cp_content_is():
    assert provenance(includes_cp=True).marking == marking.MARKING_CP
    assert marking.MARKING_CP == "OFFICIAL-SENSITIVE: contains the confidential Challenged Providers list"
    public = provenance(includes_cp=False)
    assert public.marking is None
    assert marking.MARKING_CP not in public.csv_comment()
    assert all("Challenged" not in line for line in public.footer_lines())
    assert public.footer_lines() == [public.source_line()]
    assert provenance(includes_cp=True).footer_lines()[0] == marking.MARKING_CP


def test_synthetic_data_say_so():
    assert provenance().synthetic_words == "Synthetic demo data"
    assert provenance(synthetic=False).synthetic_words is None
    assert "Synthetic" not in provenance(synthetic=False).source_line()


def test_the_source_line_names_dataset_date_and_synthetic():
    assert provenance().source_line() == (
        "Source: smq-monitor, Test data, data as of 31 Mar 2024. Synthetic demo data."
    )
    assert provenance(dataset_name=None, synthetic=False).source_line() == (
        "Source: smq-monitor, an unnamed dataset, data as of 31 Mar 2024."
    )


def test_details_for_a_title_page_are_in_uk_time_and_words():
    details = dict(provenance(licence="CC0").details())
    assert details["Generated"] == "2 Apr 2024 at 10:30 BST"
    assert details["Data as of"] == "31 Mar 2024"
    assert details["Licence"] == "CC0"
    assert details["Filters applied"] == "Trust type: Acute; Dates: from 1 Jan 2015"
    assert dict(provenance(filter_words=()).details())["Filters applied"] == "None: every trust"
    assert dict(provenance().details())["Licence"] == "Not stated"


def test_the_csv_comment_is_one_line_starting_with_a_hash():
    line = provenance(
        includes_cp=True, dataset_name="Two\nlines", audience="Analyst", view="trusts"
    ).csv_comment()
    assert line.startswith("# OFFICIAL-SENSITIVE: contains the confidential Challenged Providers list · ")
    assert "\n" not in line and "\r" not in line
    for words in (
        "smq-monitor trusts",
        "dataset: Two lines",
        "data as of 31 Mar 2024",
        "Synthetic demo data",
        "filters: Trust type: Acute; Dates: from 1 Jan 2015",
        "prepared for: Analyst",
        "generated 2 Apr 2024 at 10:30 BST",
    ):
        assert words in line
    assert provenance().csv_comment().startswith("# smq-monitor findings · ")


def test_file_stems_carry_view_filters_and_date():
    filters = Filters(types=("acute", "mental_health"), regions=("North East",), date_from=date(2015, 1, 1))
    tokens = marking.filter_tokens(filters, includes_cp=False)
    assert tokens == ("acute", "mental-health", "north-east", "from-2015-01-01")
    stem = provenance(filter_tokens=tokens).file_stem()
    assert stem == "smq-monitor-findings-acute-mental-health-north-east-from-2015-01-01-2024-03-31"
    assert provenance().file_stem() == "smq-monitor-findings-2024-03-31"
    assert provenance(view="trusts").file_name("csv") == "smq-monitor-trusts-2024-03-31.csv"


def test_many_values_of_one_filter_become_a_count():
    filters = Filters(trusts=("RA1", "RB2", "RC3", "RD4"), groups=("never",))
    assert marking.filter_tokens(filters, includes_cp=False) == ("never", "4-trusts")
    assert marking.filter_tokens(Filters(trusts=("RA1",)), False) == ("ra1",)


def test_a_file_name_without_cp_content_names_no_cp_filter():
    filters = Filters(groups=("cp_only", "other_smq"), regimes=("cp", "smq"))
    assert marking.filter_tokens(filters, includes_cp=False) == ("other-smq", "ever-smq")
    assert marking.filter_tokens(filters, includes_cp=True) == ("cp-only", "other-smq", "ever-cp", "ever-smq")


def test_a_long_stem_is_cut_at_a_word_and_keeps_its_date():
    tokens = tuple(f"region-number-{i}" for i in range(20))
    stem = marking.file_stem("findings", tokens, AS_OF)
    assert len(stem) <= marking.STEM_MAX_LENGTH
    assert stem.endswith("-more-2024-03-31")
    assert stem.startswith("smq-monitor-findings-region-number-0-")
    assert "--" not in stem


@given(
    view=st.text(max_size=40),
    tokens=st.lists(st.text(max_size=60), max_size=12),
    max_length=st.integers(min_value=24, max_value=200),
)
def test_any_stem_is_safe_and_bounded(view, tokens, max_length):
    stem = marking.file_stem(view, tuple(tokens), AS_OF, max_length)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", stem)
    assert len(stem) <= max_length
    assert stem.startswith("smq-monitor")
    assert stem.endswith("2024-03-31")


# --------------------------------------------------------------------------------------------
# What counts as CP content


def episodes(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["trust_code", "regime", "start_date", "end_date"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def test_public_frames_give_no_reason():
    trusts = pd.DataFrame(
        {
            "trust_code": ["RA1", "RB2"],
            "evaluation_group": ["other_smq", "never"],
            "first_cp_entry": pd.to_datetime([None, None]),
            "ever_cp": [False, False],
        }
    )
    smq = episodes([("RA1", "smq", "2016-01-01", None)])
    counts = pd.DataFrame({"month": ["2016-01-01"], "regime": ["smq"], "trusts": [1]})
    interventions = pd.DataFrame({"trust_code": ["RA1"], "start_date": pd.to_datetime(["2016-02-01"])})
    assert (
        marking.cp_reasons(
            {"trusts": trusts, "episodes": smq, "counts": counts},
            cp_episodes=smq,
            cp_dated={"interventions": interventions},
        )
        == []
    )
    assert not marking.includes_cp({"nothing": None, "empty": pd.DataFrame()})


def test_a_cp_episode_or_cp_count_is_cp_content():
    cp = episodes([("RC3", "cp", "2022-02-01", None)])
    assert marking.cp_reasons({"episodes": cp}) == ["episodes: CP episodes or counts"]
    zero = pd.DataFrame({"month": ["2016-01-01"], "regime": ["cp"], "trusts": [0]})
    assert marking.includes_cp({"counts": zero})  # "none of these trusts is on the list" is CP information


def test_a_cp_group_is_cp_content_under_either_column_name():
    assert marking.includes_cp({"groups": pd.DataFrame({"evaluation_group": ["cp_only"], "trusts": [3]})})
    assert marking.includes_cp({"effects": pd.DataFrame({"group": ["all", "cp_to_smq"]})})
    assert not marking.includes_cp({"effects": pd.DataFrame({"group": ["all", "other_smq"]})})


def test_cp_columns_count_only_when_they_hold_something():
    assert marking.includes_cp({"trusts": pd.DataFrame({"first_cp_entry": pd.to_datetime(["2019-01-01"])})})
    assert marking.includes_cp({"trusts": pd.DataFrame({"ever_cp": [False, True]})})
    assert marking.includes_cp({"kpis": pd.DataFrame({"cp_to_smq_days": [120.0]})})
    assert not marking.includes_cp({"trusts": pd.DataFrame({"ever_cp": [False], "cp_count": [0]})})
    assert not marking.includes_cp({"trusts": pd.DataFrame({"notes_cp": ["", None]})})
    # "cp" inside another word is not a CP column
    assert not marking.includes_cp({"costs": pd.DataFrame({"cpu_seconds": [3], "mcp": [1]})})


def test_an_intervention_dated_inside_a_cp_episode_is_cp_content():
    cp = episodes([("RB2", "cp", "2018-01-01", "2019-04-30"), ("RB2", "smq", "2019-05-01", None)])
    inside = pd.DataFrame({"trust_code": ["RB2"], "start_date": pd.to_datetime(["2019-04-30"])})  # last day
    after = pd.DataFrame({"trust_code": ["RB2"], "start_date": pd.to_datetime(["2019-05-01"])})
    other_trust = pd.DataFrame({"trust_code": ["RA1"], "start_date": pd.to_datetime(["2018-06-01"])})
    undated = pd.DataFrame({"trust_code": ["RB2"], "start_date": pd.to_datetime([None])})
    assert marking.cp_reasons({}, cp_episodes=cp, cp_dated={"interventions": inside}) == [
        "interventions: rows dated inside a CP episode"
    ]
    for frame in (after, other_trust, undated):
        assert not marking.includes_cp({}, cp_episodes=cp, cp_dated={"interventions": frame})


def test_a_cost_dated_in_an_ongoing_cp_episode_is_cp_content():
    cp = episodes([("RC3", "cp", "2022-02-01", None)])
    costs = pd.DataFrame({"trust_code": ["RC3"], "period_start": pd.to_datetime(["2030-01-01"])})
    before = pd.DataFrame({"trust_code": ["RC3"], "period_start": pd.to_datetime(["2022-01-31"])})
    assert marking.includes_cp({}, cp_episodes=cp, cp_dated={"costs": costs})
    assert not marking.includes_cp({}, cp_episodes=cp, cp_dated={"costs": before})


def test_smq_episodes_and_ratings_dated_inside_cp_are_not_cp_content_on_their_own():
    # The public sees SMQ episodes and ratings whenever they fall; only interventions and
    # costs are withheld inside CP episodes, so only they are checked by date.
    cp = episodes([("RB2", "cp", "2018-01-01", "2019-04-30")])
    ratings = pd.DataFrame(
        {"trust_code": ["RB2"], "publication_date": pd.to_datetime(["2018-06-01"]), "rating": ["inadequate"]}
    )
    assert not marking.includes_cp({"ratings": ratings}, cp_episodes=cp)


@pytest.mark.parametrize("dtype", ["object", "str"])
def test_group_codes_are_found_in_either_string_dtype(dtype):
    frame = pd.DataFrame({"evaluation_group": pd.Series(["never", "cp_only"], dtype=dtype)})
    assert marking.includes_cp({"groups": frame})
