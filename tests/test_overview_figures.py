"""Builders of the overview and data pages, and the pure parts of their aggregates (no database)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import theme
from dashboard.figures import data_quality, overview
from data_access.csv_format import FILES, METRIC_VALUES, TRUSTS
from data_access.overview_queries import coverage_from_counts, expected_periods, trusts_without_ratings_from

AS_OF = date(2024, 3, 31)


def _trusts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trust_code": ["RA1", "RB2", "RC3"],
            "trust_name": ["Alpha", "Bravo", "Charlie"],
            "trust_type": ["acute", "acute", "mental_health"],
            "region": ["North", "North", "South"],
            "evaluation_group": ["prolonged_poor_performer", "other_smq", "never"],
            "current_regime": ["smq", "none", "none"],
        }
    )


def _episodes() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "trust_code": ["RA1", "RA1", "RB2"],
            "regime": ["smq", "smq", "smq"],
            "start_date": pd.to_datetime(["2018-01-01", "2023-06-01", "2022-01-01"]),
            "end_date": pd.to_datetime(["2019-01-01", None, "2023-09-30"]),
        }
    )
    frame["days"] = (frame["end_date"].fillna(pd.Timestamp(AS_OF)) - frame["start_date"]).dt.days
    return frame


def test_headlines_count_on_the_as_of_date_and_link_with_the_filters():
    items = {h.key: h for h in overview.headlines(_trusts(), _episodes(), AS_OF, False, "type=acute")}
    assert "cp-now" not in items
    assert items["smq-now"].value == "1"
    assert items["entries"].value == "1"  # RA1 re-entered in June 2023
    assert items["exits"].value == "1"  # RB2 left in September 2023
    assert items["re-entry"].value == "50%"
    assert all(h.href.endswith("?type=acute") for h in items.values())
    with_cp = [h.key for h in overview.headlines(_trusts(), _episodes(), AS_OF, True, "")]
    assert "cp-now" in with_cp


def test_distribution_uses_group_colours_and_words():
    figure = overview.distribution_figure(_trusts(), "group")
    bar = figure.data[0]
    assert list(bar.y) == ["Prolonged poor performers", "Other SMQ or RSP trusts", "Never in SMQ or the RSP"]
    assert list(bar.marker.color) == [
        theme.GROUP_COLOURS[g] for g in ("prolonged_poor_performer", "other_smq", "never")
    ]
    assert figure.layout.xaxis.title.text == "Trusts"
    empty = overview.distribution_figure(_trusts().iloc[0:0], "type")
    assert empty.layout.meta == {"empty": True}


def test_recent_changes_keep_the_latest_of_each_kind_up_to_the_as_of_date():
    ratings = pd.DataFrame(
        {
            "trust_code": ["RA1", "RB2", "RC3"],
            "publication_date": pd.to_datetime(["2023-01-01", "2024-02-01", "2024-05-01"]),
            "domain": ["overall", "overall", "overall"],
            "rating": ["inadequate", "good", "good"],
        }
    )
    frame = overview.recent_changes(_episodes(), ratings, _trusts(), AS_OF, limit=2)
    entries = frame[frame["kind"] == "entry"]
    assert list(entries["trust_code"]) == ["RA1", "RB2"] and entries["date"].is_monotonic_decreasing
    assert len(frame[frame["kind"] == "exit"]) == 2
    ratings_shown = frame[frame["kind"] == "rating"]
    assert list(ratings_shown["trust_code"]) == ["RB2", "RA1"]  # the May 2024 rating is after the as-of date
    assert ratings_shown.iloc[0]["href"] == "/trust/RB2"


def test_expected_periods_follow_the_frequency_from_the_first_period():
    annual = expected_periods(date(2020, 4, 1), date(2023, 4, 1), "annual")
    assert [d.strftime("%Y-%m") for d in annual] == ["2020-04", "2021-04", "2022-04", "2023-04"]
    assert len(expected_periods(date(2023, 1, 1), date(2023, 12, 1), "monthly")) == 12
    assert len(expected_periods(date(2023, 1, 1), date(2023, 10, 1), "quarterly")) == 4


def test_coverage_counts_trusts_the_metric_applies_to_times_periods():
    metrics = pd.DataFrame(
        {
            "metric_id": ["ae", "staff", "mh"],
            "name": ["A&E", "Staff", "MH"],
            "frequency": ["quarterly", "annual", "monthly"],
            "applies_to_types": [("acute",), (), ("ambulance",)],
        }
    )
    spans = pd.DataFrame(
        {
            "metric_id": ["ae", "staff", "mh"],
            "first_period": pd.to_datetime(["2023-01-01", "2023-04-01", "2023-01-01"]),
            "last_period": pd.to_datetime(["2024-01-01", "2023-04-01", "2023-12-01"]),
        }
    )
    counts = pd.DataFrame(
        {
            "metric_id": ["ae", "ae", "ae", "staff", "staff"],
            "trust_code": ["RA1", "RB2", "RC3", "RA1", "RC3"],
            "year": [2023, 2023, 2023, 2023, 2023],
            "observed": [4, 3, 4, 1, 1],
        }
    )
    table = coverage_from_counts(counts, spans, metrics, _trusts()).set_index(["metric_id", "year"])
    ae_2023 = table.loc[("ae", 2023)]
    assert (ae_2023["trusts"], ae_2023["periods"], ae_2023["expected"], ae_2023["observed"]) == (2, 4, 8, 7)
    assert table.loc[("ae", 2024), "share"] == 0  # one quarter expected, none observed
    assert table.loc[("staff", 2023), "share"] == 2 / 3
    assert "mh" not in table.index.get_level_values(0)  # applies to no filtered trust

    figure = data_quality.coverage_figure(table.reset_index(), metrics)
    heatmap = figure.data[0]
    assert list(heatmap.y) == ["A&E", "Staff"] and list(heatmap.x) == ["2023", "2024"]
    assert heatmap.text[0][0] == "88%"
    assert "Coverage" in heatmap.colorbar.title.text
    assert "87.5%" not in data_quality.coverage_summary(table.reset_index())
    assert data_quality.coverage_figure(table.reset_index().iloc[0:0], metrics).layout.meta == {"empty": True}


def test_trusts_without_an_overall_rating():
    ratings = pd.DataFrame({"trust_code": ["RA1", "RB2"], "domain": ["overall", "safe"]})
    frame = trusts_without_ratings_from(_trusts(), ratings)
    assert list(frame["trust_code"]) == ["RB2", "RC3"]
    assert list(frame["any_domain_rating"]) == [True, False]


def test_csv_specs_become_rows_in_words():
    rows = data_quality.file_spec_rows(TRUSTS)
    assert [r.name for r in rows] == list(TRUSTS.column_names)
    assert rows[0].key and rows[0].required == "Required"
    assert data_quality.key_words(METRIC_VALUES) == "trust_code + metric_id + period_start"
    value = next(r for r in data_quality.file_spec_rows(METRIC_VALUES) if r.name == "value")
    assert "blank cell" in value.required
    assert sum(len(spec.columns) for spec in FILES) == sum(len(data_quality.file_spec_rows(s)) for s in FILES)


def test_metric_rows_say_polarity_and_types_in_words():
    metrics = pd.DataFrame(
        {
            "metric_id": ["ae"],
            "name": ["A&E"],
            "unit": ["percent"],
            "higher_is_better": [True],
            "frequency": ["monthly"],
            "applies_to_types": [("acute", "mental_health")],
            "source": [None],
            "description": ["Seen in 4 hours"],
            "domain": ["access"],
        }
    )
    row = data_quality.metric_rows(metrics)[0]
    assert row["polarity"] == "Higher is better"
    assert row["applies_to"] == "Acute, Mental health"
    assert row["unit"] == "Percentage (%)"
    assert row["source"] == "Not stated"


def test_public_csv_format_does_not_spell_out_the_cp_group_codes():
    public = next(
        r for r in data_quality.file_spec_rows(TRUSTS, show_cp=False) if r.name == "evaluation_group"
    )
    signed_in = next(
        r for r in data_quality.file_spec_rows(TRUSTS, show_cp=True) if r.name == "evaluation_group"
    )
    assert "cp_only" in signed_in.accepts and "cp_to_smq" in signed_in.accepts
    assert "cp_only" not in public.accepts and "cp_to_smq" not in public.accepts
    assert "clear_improver" in public.accepts and "Challenged Providers groups" in public.accepts
