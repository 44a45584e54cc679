"""The benchmark's yardsticks (benchmarks/peers) must answer the question the product's views answer:
the bare SQL, DuckDB over Parquet and the naive Dash build are compared with the product's own
queries on the mini dataset, and the harness's Dash client drives the naive app as a browser would."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from benchmarks.peers import dash_client, naive_app, section, sql
from dashboard.figures.trajectories import bands, with_x
from data_access import queries, timeline_queries
from data_access.filters import Filters
from data_access.viewer import PUBLIC

POSTGRES_ONLY = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
TRAJECTORY_CASES = [
    sql.ViewFilters(types=("acute", "acute_and_community"), metric="ae_4hr", date_from=date(2015, 3, 1)),
    sql.ViewFilters(
        types=("acute", "acute_and_community", "mental_health"),
        metric="sickness",
        date_to=date(2015, 10, 1),
        regions=("London",),
    ),
]
TIMELINE_CASES = [
    sql.ViewFilters(types=("acute", "acute_and_community", "mental_health", "community")),
    sql.ViewFilters(
        types=("acute", "acute_and_community"), date_from=date(2015, 1, 1), date_to=date(2016, 6, 30)
    ),
    sql.ViewFilters(types=("acute",), regions=("London",), date_from=date(2016, 1, 1)),
]


def product_trajectories(case: sql.ViewFilters) -> pd.DataFrame:
    """What the product's trajectories page draws: the filtered trusts' bands and the national median."""
    picked = Filters(types=case.types, regions=case.regions, date_from=case.date_from, date_to=case.date_to)
    national = Filters(types=case.types, date_from=case.date_from, date_to=case.date_to)

    def banded(filters: Filters) -> pd.DataFrame:
        values = queries.metric_values(PUBLIC, filters, (case.metric,))
        return bands(with_x(values, queries.trusts(PUBLIC, filters), "calendar"))

    mine, everyone = banded(picked), banded(national)
    return mine.merge(
        everyone[["x", "median"]].rename(columns={"median": "national_median"}), on="x", how="right"
    )


def as_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["x", "median", "q1", "q3", "n", "national_median"])
    frame["x"] = pd.to_datetime(frame["x"])
    return frame


def assert_same_trajectories(rows: list[tuple], expected: pd.DataFrame) -> None:
    got = as_frame(rows)
    assert got["x"].tolist() == expected["x"].tolist()
    for column in ("median", "q1", "q3", "national_median"):
        np.testing.assert_allclose(
            got[column].to_numpy(float), expected[column].to_numpy(float), equal_nan=True
        )
    assert got["n"].fillna(0).astype(int).tolist() == expected["n"].fillna(0).astype(int).tolist()


def product_timelines(case: sql.ViewFilters) -> tuple[list[tuple], list[tuple]]:
    filters = Filters(types=case.types, regions=case.regions, date_from=case.date_from, date_to=case.date_to)
    episodes = queries.episodes(PUBLIC, filters)
    names = queries.trusts(PUBLIC, filters).set_index("trust_code")["trust_name"]
    gantt = [
        (
            r.trust_code,
            names[r.trust_code],
            r.regime,
            r.start_date.date(),
            None if pd.isna(r.end_date) else r.end_date.date(),
        )
        for r in episodes.itertuples()
    ]
    counts = timeline_queries.monthly_counts(PUBLIC, filters).sort_values(["month", "regime"])
    return gantt, [
        (m.date(), regime, int(n))
        for m, regime, n in counts[["month", "regime", "trusts"]].itertuples(index=False)
    ]


@POSTGRES_ONLY
@pytest.mark.parametrize("case", TRAJECTORY_CASES)
def test_the_bare_sql_of_trajectories_matches_the_products_bands(mini_db, database_url, case):
    views = sql.PostgresViews(sql.libpq_conninfo(database_url))
    try:
        assert_same_trajectories(views.trajectories(case), product_trajectories(case))
    finally:
        views.close()


@POSTGRES_ONLY
@pytest.mark.parametrize("case", TIMELINE_CASES)
def test_the_bare_sql_of_timelines_matches_the_products_public_view(mini_db, database_url, case):
    views = sql.PostgresViews(sql.libpq_conninfo(database_url))
    try:
        episodes, counts = views.timelines(case)
    finally:
        views.close()
    gantt, expected_counts = product_timelines(case)
    assert [tuple(r) for r in episodes] == gantt
    assert {r[2] for r in episodes} <= {"smq"}  # the public view: no CP episode
    assert [tuple(r) for r in counts] == expected_counts


@POSTGRES_ONLY
def test_duckdb_over_parquet_answers_as_postgresql_does(mini_db, database_url, tmp_path):
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    pg = sql.PostgresViews(sql.libpq_conninfo(database_url))
    duck = sql.DuckDbViews(sql.export_parquet(database_url, tmp_path / "parquet"))
    try:
        for case in TRAJECTORY_CASES:
            assert_same_trajectories(duck.trajectories(case), as_frame(pg.trajectories(case)))
        for case in TIMELINE_CASES:
            (e1, c1), (e2, c2) = pg.timelines(case), duck.timelines(case)
            assert [tuple(r) for r in e2] == [tuple(r) for r in e1]
            assert [tuple(r) for r in c2] == [tuple(r) for r in c1]
            assert c1, "every case counts some months"
    finally:
        pg.close()
        duck.close()


@pytest.mark.parametrize("case", TRAJECTORY_CASES)
def test_the_naive_apps_trajectories_match_the_products(mini_db, database_url, case):
    picked, national = naive_app.trajectory_frames(mini_db, case)
    frame = picked.rename(columns={"period_start": "x"}).merge(
        national.rename(columns={"period_start": "x", "median": "national_median"})[["x", "national_median"]],
        on="x",
        how="right",
    )
    rows = list(frame[["x", "median", "q1", "q3", "n", "national_median"]].itertuples(index=False, name=None))
    assert_same_trajectories(rows, product_trajectories(case))


@pytest.mark.parametrize("case", TIMELINE_CASES)
def test_the_naive_apps_timelines_match_the_products(mini_db, database_url, case):
    episodes = naive_app.read_episodes(mini_db, case)
    counts = naive_app.monthly_counts(episodes, naive_app.as_of_date(mini_db), case)
    gantt, expected_counts = product_timelines(case)
    got = [
        (
            r.trust_code,
            r.trust_name,
            r.regime,
            r.start_date.date(),
            None if pd.isna(r.end_date) else r.end_date.date(),
        )
        for r in episodes.itertuples()
    ]
    assert got == gantt
    assert [(m.date(), regime, int(n)) for m, regime, n in counts.itertuples(index=False)] == expected_counts


def test_the_dash_client_drives_the_naive_app_by_output_id(mini_db, database_url):
    """The harness finds a callback by a chart's id and posts what the browser would post."""
    app = naive_app.create_app(database_url)
    client = app.server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    timelines = dash_client.find_callback(dependencies, naive_app.COUNTS_CHART)
    assert timelines.writes(naive_app.GANTT_CHART) and timelines.multi
    assert dash_client.find_callback(dependencies, naive_app.TRAJECTORIES_CHART).inputs == (
        ("url", "search"),
    )

    body = dash_client.request_body(timelines, "http://x", "/timelines", "?type=acute&from=2015-01-01")
    assert body["changedPropIds"] == ["url.search"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    answer = json.loads(response.data)["response"]
    gantt = answer[naive_app.GANTT_CHART]["figure"]
    drawn = {name for trace in gantt["data"] for name in trace["y"]}
    # acute trusts with an SMQ episode still running on or after 2015-01-01 (RAA, RBB, REE)
    assert drawn == {
        "Alderbrook Hospitals NHS Trust",
        "Birchwell Hospitals NHS Foundation Trust",
        "Elmstead Hospitals NHS Trust",
    }
    counts = answer[naive_app.COUNTS_CHART]["figure"]["data"]
    assert [trace["name"] for trace in counts] == ["smq"]


def test_output_keys_of_one_and_of_several_outputs_are_read():
    single, multi = dash_client.parse_output("timelines-gantt.figure")
    assert single == (("timelines-gantt", "figure"),) and not multi
    pairs, multi = dash_client.parse_output(
        '..a.figure...{"index":1,"type":"row"}.children...url.search@1a2b..'
    )
    assert multi
    assert pairs == (("a", "figure"), ({"index": 1, "type": "row"}, "children"), ("url", "search"))


def test_the_peers_section_replaces_its_earlier_self_and_nothing_else(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Callbacks\n\nkept\n")
    section.write_section("## Peers\n\nfirst\n", results)
    assert results.read_text() == "# Benchmark results\n\n## Callbacks\n\nkept\n\n## Peers\n\nfirst\n"
    results.write_text(results.read_text() + "\n## Later\n\nalso kept\n")
    section.write_section("## Peers\n\nsecond\n", results)
    text = results.read_text()
    assert "first" not in text and "second" in text
    assert text.index("## Callbacks") < text.index("## Peers") < text.index("## Later")
    assert "kept" in text and "also kept" in text


def test_rounds_rotate_so_no_contender_always_goes_first():
    contenders = ["product", "naive", "sql"]
    firsts = [section.rotated(contenders, turn)[0] for turn in range(6)]
    assert firsts == ["product", "naive", "sql", "product", "naive", "sql"]
    assert all(sorted(section.rotated(contenders, t)) == sorted(contenders) for t in range(6))
