"""The timelines page's builders: month counts, headline figures, sort orders and the Gantt."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import timelines as tl
from dashboard import words
from dashboard.figures import timelines as tlf
from data_access.timeline_queries import month_snapshots, monthly_regime_counts

AS_OF = date(2024, 3, 31)


def make_episodes(rows: list[tuple[str, str, str, str | None]], as_of: date = AS_OF) -> pd.DataFrame:
    """(trust_code, regime, start, end or None) → the frame queries.episodes returns."""
    frame = pd.DataFrame(rows, columns=["trust_code", "regime", "start_date", "end_date"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["days"] = (frame["end_date"].fillna(pd.Timestamp(as_of)) - frame["start_date"]).dt.days
    frame["ongoing"] = frame["end_date"].isna()
    frame["notes"] = None
    return frame


def make_trusts(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(trust_code, trust_name, trust_type, evaluation_group)."""
    frame = pd.DataFrame(rows, columns=["trust_code", "trust_name", "trust_type", "evaluation_group"])
    frame["current_regime"] = "none"
    return frame


EPISODES = make_episodes(
    [
        ("AAA", "smq", "2016-03-14", "2017-10-02"),  # 567 days
        ("BBB", "cp", "2015-01-10", "2016-06-30"),
        ("BBB", "smq", "2016-07-01", None),  # ongoing
        ("CCC", "smq", "2014-01-01", "2014-12-31"),
        ("CCC", "smq", "2018-05-01", "2019-05-01"),  # re-entry
        ("DDD", "cp", "2020-01-15", "2021-01-15"),  # CP only
    ]
)
TRUSTS = make_trusts(
    [
        ("AAA", "Alder Hospital NHS Trust", "acute", "clear_improver"),
        ("BBB", "Birch Mental Health NHS Trust", "mental_health", "cp_to_smq"),
        ("CCC", "Cedar Community NHS Trust", "community", "prolonged_poor_performer"),
        ("DDD", "Damson Ambulance NHS Trust", "ambulance", "cp_only"),
        ("EEE", "Elm Hospital NHS Trust", "acute", "never"),
    ]
)
RATINGS = pd.DataFrame(
    {
        "trust_code": ["AAA", "AAA", "BBB", "EEE"],
        "publication_date": pd.to_datetime(["2016-01-05", "2018-02-01", "2016-05-01", "2017-01-01"]),
        "domain": "overall",
        "rating": ["inadequate", "good", "inadequate", "good"],
    }
)
INTERVENTIONS = pd.DataFrame(
    {
        "trust_code": ["AAA", "BBB"],
        "intervention": ["improvement_director", "buddying"],
        "status": ["delivered", "no_data"],
        "start_date": pd.to_datetime(["2016-04-01", "2016-09-01"]),
        "end_date": pd.to_datetime([None, None]),
    }
)


def count(counts: pd.DataFrame, regime: str, month: str) -> int:
    row = counts[(counts["regime"] == regime) & (counts["month"] == pd.Timestamp(month))]
    assert len(row) == 1, (regime, month)
    return int(row["trusts"].iloc[0])


# --------------------------------------------------------------------------------------------
# Month counts


def test_months_are_counted_on_their_last_day_and_the_last_month_on_the_as_of_date():
    months = month_snapshots(date(2024, 1, 10), date(2024, 3, 15), date(2024, 3, 15))
    assert months["month"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert months["counted_on"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-31", "2024-02-29", "2024-03-15"]


def test_monthly_counts_follow_entries_exits_and_ongoing_episodes():
    counts = monthly_regime_counts(EPISODES, AS_OF)
    assert counts["month"].min() == pd.Timestamp("2014-01-01")
    assert counts["month"].max() == pd.Timestamp("2024-03-01")
    assert count(counts, "smq", "2014-06-01") == 1  # CCC
    assert count(counts, "smq", "2014-12-01") == 0  # CCC left on 31 Dec: not in SMQ on its exit day
    assert count(counts, "smq", "2016-03-01") == 1  # AAA entered 14 Mar
    assert count(counts, "smq", "2016-06-01") == 1  # BBB still in CP on 30 Jun
    assert count(counts, "smq", "2016-07-01") == 2
    assert count(counts, "smq", "2018-06-01") == 2  # BBB (ongoing) and CCC again
    assert count(counts, "smq", "2024-03-01") == 1  # BBB, to the as-of date
    assert count(counts, "cp", "2015-06-01") == 1
    assert count(counts, "cp", "2020-06-01") == 1
    assert count(counts, "cp", "2024-03-01") == 0


def test_monthly_counts_have_no_cp_line_without_cp_episodes():
    counts = monthly_regime_counts(EPISODES[EPISODES["regime"] == "smq"], AS_OF)
    assert set(counts["regime"]) == {"smq"}
    assert monthly_regime_counts(EPISODES.iloc[0:0], AS_OF).empty


def test_monthly_counts_keep_to_the_date_filters_and_count_trusts_not_episodes():
    counts = monthly_regime_counts(EPISODES, AS_OF, date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))
    assert counts["month"].min() == pd.Timestamp("2016-01-01")
    assert counts["month"].max() == pd.Timestamp("2016-12-01")
    doubled = pd.concat([EPISODES, EPISODES.iloc[[0]]])
    assert count(monthly_regime_counts(doubled, AS_OF), "smq", "2016-06-01") == 1


# --------------------------------------------------------------------------------------------
# Words and headline figures


def test_durations_and_periods_in_words():
    assert words.date_words(pd.Timestamp("2016-03-14")) == "14 Mar 2016"
    assert words.period_words(pd.Timestamp("2016-03-14"), pd.Timestamp("2017-10-02"), 567, AS_OF) == (
        "14 Mar 2016 – 2 Oct 2017, 19 months"
    )
    assert words.period_words(pd.Timestamp("2022-01-01"), None, 820, AS_OF).startswith(
        "1 Jan 2022 – ongoing on 31 Mar 2024"
    )
    assert words.duration_words(20) == "20 days"
    assert words.duration_words(1) == "1 day"
    assert words.duration_words(3 * 365 + 62) == "3 years 2 months"


def test_kpis_count_trusts_time_re_entries_and_exits():
    kpis = {k.key: k for k in tl.timeline_kpis(EPISODES, AS_OF, show_cp=True)}
    assert kpis["ever_smq"].value == "3"
    assert "1 still in SMQ" in kpis["ever_smq"].note
    smq_days = {"AAA": 567, "BBB": (pd.Timestamp(AS_OF) - pd.Timestamp("2016-07-01")).days, "CCC": 364 + 365}
    median = sorted(smq_days.values())[1] / words.DAYS_PER_MONTH
    assert kpis["median_smq"].value == f"{median:.0f} months"
    assert kpis["longest_smq"].value == f"{smq_days['BBB'] / words.DAYS_PER_MONTH:.0f} months"
    assert "BBB" in kpis["longest_smq"].note
    assert kpis["re_entries"].value == "1"
    assert kpis["exits"].value == "3" and "2 trusts" in kpis["exits"].note
    # BBB: CP from 10 Jan 2015, SMQ from 1 Jul 2016; DDD never entered SMQ.
    gap = (pd.Timestamp("2016-07-01") - pd.Timestamp("2015-01-10")).days / words.DAYS_PER_MONTH
    assert kpis["cp_to_smq"].value == f"{gap:.0f} months"
    assert "1 trust" in kpis["cp_to_smq"].note


def test_kpis_for_the_public_have_no_cp_card_and_empty_sets_say_so():
    public = tl.timeline_kpis(EPISODES[EPISODES["regime"] == "smq"], AS_OF, show_cp=False)
    assert [k.key for k in public] == ["ever_smq", "median_smq", "longest_smq", "re_entries", "exits"]
    assert not any("CP" in k.label or "CP" in k.note for k in public)
    empty = {k.key: k for k in tl.timeline_kpis(EPISODES.iloc[0:0], AS_OF, show_cp=True)}
    assert (
        empty["ever_smq"].value == "0"
        and empty["median_smq"].value == "–"
        and empty["cp_to_smq"].value == "–"
    )


# --------------------------------------------------------------------------------------------
# Sorting and rows


@pytest.fixture
def table() -> pd.DataFrame:
    return tl.trust_timeline_table(TRUSTS, EPISODES)


def test_timeline_table_has_one_row_per_trust_with_an_episode(table):
    assert sorted(table["trust_code"]) == ["AAA", "BBB", "CCC", "DDD"]
    bbb = table.set_index("trust_code").loc["BBB"]
    assert bbb["smq_episodes"] == 1 and bbb["cp_episodes"] == 1 and bool(bbb["ongoing"])
    assert bbb["first_entry"] == pd.Timestamp("2015-01-10")
    assert table.set_index("trust_code").loc["CCC", "smq_days"] == 364 + 365


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("first_entry", ["CCC", "BBB", "AAA", "DDD"]),
        ("time_in_regime", ["BBB", "CCC", "AAA", "DDD"]),
        ("group", ["CCC", "BBB", "DDD", "AAA"]),
        ("name", ["AAA", "BBB", "CCC", "DDD"]),
    ],
)
def test_sort_orders(table, sort, expected):
    assert tl.sort_trusts(table, sort)["trust_code"].tolist() == expected


def test_rows_grouped_by_group_have_headings_in_group_order(table):
    rows = tl.gantt_rows(table, "name", "group")
    assert rows["kind"].tolist() == [
        "heading",
        "trust",
        "heading",
        "trust",
        "heading",
        "trust",
        "heading",
        "trust",
    ]
    assert rows.loc[rows["kind"] == "trust", "trust_code"].tolist() == ["CCC", "BBB", "DDD", "AAA"]
    assert "Prolonged poor performers · 1 trust" in rows["label"].iloc[0]
    assert rows["y"].tolist() == list(range(8))


def test_rows_grouped_by_type_and_ungrouped(table):
    by_type = tl.gantt_rows(table, "first_entry", "type")
    headings = by_type.loc[by_type["kind"] == "heading", "section"].tolist()
    assert headings == ["acute", "mental_health", "community", "ambulance"]
    flat = tl.gantt_rows(table, "first_entry", "none")
    assert (flat["kind"] == "trust").all() and flat["trust_code"].tolist() == ["CCC", "BBB", "AAA", "DDD"]


def test_first_rows_keep_the_first_trusts_with_their_headings(table):
    rows = tl.gantt_rows(table, "name", "group")
    two = tl.first_rows(rows, 2)
    assert two["kind"].tolist() == ["heading", "trust", "heading", "trust"]
    assert two["trust_code"].tolist()[1::2] == ["CCC", "BBB"]
    assert two["y"].tolist() == [0, 1, 2, 3]
    assert tl.first_rows(rows, 4).equals(rows), "nothing is cut when all trusts fit"
    flat = tl.first_rows(tl.gantt_rows(table, "first_entry", "none"), 3)
    assert flat["trust_code"].tolist() == ["CCC", "BBB", "AAA"]


def test_gantt_height_grows_with_rows():
    assert tl.gantt_height(100) - tl.gantt_height(50) == 50 * tl.ROW_HEIGHT_PX


# --------------------------------------------------------------------------------------------
# Figures


def trace(fig, **meta):
    found = [t for t in fig.data if t.meta and all(t.meta.get(k) == v for k, v in meta.items())]
    return found[0] if found else None


def test_gantt_draws_bars_markers_and_ongoing_arrows_in_few_traces(table):
    rows = tl.gantt_rows(table, "first_entry", "group")
    # a plain dict, which Plotly must read as a valid figure
    fig = go.Figure(tlf.gantt_figure(rows, EPISODES, RATINGS, INTERVENTIONS, AS_OF, show_cp=True))
    assert len(fig.data) <= 9
    smq = trace(fig, kind="episode", regime="smq")
    cp = trace(fig, kind="episode", regime="cp")
    assert len(smq.y) == 4 and len(cp.y) == 2
    assert smq.marker.pattern.shape != cp.marker.pattern.shape  # a cue besides colour
    y = rows.dropna(subset=["trust_code"]).set_index("trust_code")["y"]
    ongoing = trace(fig, kind="ongoing")
    assert list(ongoing.y) == [y["BBB"]]
    assert "ongoing" in ongoing.hovertext[0]
    hover = [h for h in smq.hovertext if "Alder" in h][0]
    assert "14 Mar 2016 – 2 Oct 2017, 19 months" in hover
    assert (
        trace(fig, kind="rating", rating="inadequate").marker.symbol
        != trace(fig, kind="rating", rating="good").marker.symbol
    )
    assert len(trace(fig, kind="rating", rating="good").x) == 1  # EEE has no episode: no row, no marker
    assert len(trace(fig, kind="intervention").x) == 2
    assert fig.layout.height == tl.gantt_height(len(rows))
    assert list(fig.layout.yaxis.ticktext)[1] == "Cedar Community NHS Trust"
    assert all(t.customdata is not None for t in fig.data)  # every mark opens its trust


def test_gantt_without_cp_names_no_cp():
    public = EPISODES[EPISODES["regime"] == "smq"]
    rows = tl.gantt_rows(tl.trust_timeline_table(TRUSTS, public), "first_entry", "group")
    fig = go.Figure(tlf.gantt_figure(rows, public, RATINGS, INTERVENTIONS, AS_OF, show_cp=False))
    assert trace(fig, kind="episode", regime="cp") is None
    assert "CP" not in fig.layout.title.text
    assert not any("Challenged" in (t.name or "") for t in fig.data)


def test_empty_gantt_and_counts_explain_themselves():
    rows = tl.gantt_rows(tl.trust_timeline_table(TRUSTS, EPISODES.iloc[0:0]), "first_entry", "group")
    fig = go.Figure(tlf.gantt_figure(rows, EPISODES.iloc[0:0], RATINGS, INTERVENTIONS, AS_OF, show_cp=False))
    assert fig.layout.meta["empty"] and "No trust" in fig.layout.annotations[0].text
    assert "CP" not in fig.layout.annotations[0].text
    empty_counts = tlf.counts_figure(monthly_regime_counts(EPISODES.iloc[0:0], AS_OF), AS_OF, show_cp=True)
    assert "No trust" in empty_counts.layout.annotations[0].text


def test_counts_figure_has_a_line_per_visible_regime():
    counts = monthly_regime_counts(EPISODES, AS_OF)
    fig = tlf.counts_figure(counts, AS_OF, show_cp=True)
    assert [t.meta["regime"] for t in fig.data] == ["smq", "cp"]
    assert fig.data[0].line.dash != fig.data[1].line.dash
    assert fig.layout.yaxis.title.text == "Trusts (number)"
    public = tlf.counts_figure(
        monthly_regime_counts(EPISODES[EPISODES["regime"] == "smq"], AS_OF), AS_OF, show_cp=False
    )
    assert [t.meta["regime"] for t in public.data] == ["smq"]
    assert "CP" not in public.layout.title.text
    assert "CP" not in tlf.counts_note(AS_OF, show_cp=False, partial_cp=True)


def test_table_rows_link_every_trust_and_hide_cp_columns_from_the_public(table):
    rows = tl.gantt_rows(table, "name", "none")
    records = tl.timeline_table_rows(table, rows, show_cp=True)
    assert [r["trust_code"] for r in records] == ["AAA", "BBB", "CCC", "DDD"]
    assert records[0]["trust"] == "[Alder Hospital NHS Trust](/trust/AAA)"
    assert records[1]["cp_episodes"] == 1
    assert "cp_episodes" not in tl.timeline_table_rows(table, rows, show_cp=False)[0]


def test_a_trust_link_escapes_markdown_in_the_name():
    from dashboard.labels import trust_link_markdown

    assert (
        trust_link_markdown("ZZZ", "St. Mary's [Acute] *Trust*")
        == "[St\\. Mary's \\[Acute\\] \\*Trust\\*](/trust/ZZZ)"
    )
