"""The analysis downloads (contract §4: `icons`, `effects`, `cusum`) over real HTTP, on data whose
right answers are known: a level shift after entry, a step in one trust's series, a process
wholly above, around and below its target; and the CP rule (§5) on each.

The dataset, `analysis()` (as_of 2018-12-31, every trust acute unless said):

| trust | story |
| T01–T04 | SMQ 2016-01-01 → 2016-12-31; ae 5 points above their comparators' trend from entry |
| T04 | also CP 2015-03-11 → 2015-09-17 before its SMQ entry (cp_to_smq for an analyst) |
| C01–C05 | never in a regime: the comparators everyone sees |
| P01 | CP 2015-02-10 → 2015-08-20 only: a comparator for the public, not for an analyst; its ae
|       runs 12 points above the other comparators, so the two comparator means differ |
| M01 | mental health, never: another type, never a comparator of an acute trust |

`los` (days, lower is better): C01 alternates 10, 11 for 12 months, then sits at 12.5.
`beds` (percent, higher is better, target 50): C01 around 60, C02 around 50, C03 around 40.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from data_access import db, importer, queries
from tests import datasets
from tests.inprocess import download, sign_in

ENTRY = 24  # month index of 2016-01 from 2014-01
MONTHS = 60  # 2014-01 … 2018-12
LEVEL_SHIFT = 5.0
CP_MARKERS = ["2015-03-11", "2015-09-17", "2015-02-10", "2015-08-20", "cp_to_smq", "cp_only"]


def _month(index: int) -> str:
    return f"{2014 + index // 12}-{index % 12 + 1:02d}-01"


def _wobble(seed: int, t: int) -> float:
    return ((t * 7 + seed * 3) % 5 - 2) * 0.2


def analysis(with_cp: bool = True) -> dict[str, str]:
    treated = ["T01", "T02", "T03", "T04"]
    comparators = ["C01", "C02", "C03", "C04", "C05"]
    trusts = ["trust_code,trust_name,trust_type,region,setting,teaching,evaluation_group"]
    for code in [*treated, *comparators, "P01"]:
        trusts.append(f"{code},{code} Hospitals NHS Trust,acute,London,urban,false,")
    trusts.append("M01,M01 Mental Health NHS Trust,mental_health,London,urban,false,")
    episodes = ["trust_code,regime,start_date,end_date,notes"]
    episodes += [f"{code},smq,2016-01-01,2016-12-31," for code in treated]
    if with_cp:
        episodes += ["T04,cp,2015-03-11,2015-09-17,", "P01,cp,2015-02-10,2015-08-20,"]
    values = ["trust_code,metric_id,period_start,value,numerator,denominator"]
    for t in range(MONTHS):
        for j, code in enumerate(comparators):
            values.append(f"{code},ae,{_month(t)},{70 + 0.05 * t + _wobble(j, t):.4f},,")
        values.append(f"P01,ae,{_month(t)},{82 + 0.05 * t + _wobble(7, t):.4f},,")
        values.append(f"M01,ae,{_month(t)},{40 + _wobble(8, t):.4f},,")
        for i, code in enumerate(treated):
            shift = LEVEL_SHIFT if t >= ENTRY else 0.0
            values.append(
                f"{code},ae,{_month(t)},{72 + 0.05 * t + i * 0.5 + shift + _wobble(i + 10, t):.4f},,"
            )
    for t in range(24):
        los = (10 if t % 2 == 0 else 11) if t < 12 else 12.5
        values.append(f"C01,los,{_month(t)},{los},,")
        for code, level in (("C01", 60), ("C02", 50), ("C03", 40)):
            values.append(f"{code},beds,{_month(t)},{level + (0.5 if t % 2 else -0.5)},,")
    return {
        "trusts.csv": "\n".join(trusts) + "\n",
        "regime_episodes.csv": "\n".join(episodes) + "\n",
        "metrics.csv": (
            "metric_id,name,unit,target,higher_is_better,frequency,applies_to,source,description,domain\n"
            "ae,A&E 4-hour performance,percent,95,true,monthly,,test,,access\n"
            "los,Length of stay,days,,false,monthly,,test,,access\n"
            "beds,Beds open,percent,50,true,monthly,,test,,access\n"
        ),
        "metric_values.csv": "\n".join(values) + "\n",
        "dataset.csv": "name,synthetic,as_of,licence,notes\nanalysis test dataset,true,2018-12-31,CC0,\n",
    }


def load(folder: Path, files: dict[str, str]) -> None:
    importer.import_directory(datasets.write(folder, files), db.get_engine(), replace=True)
    queries.forget_data_version()


@pytest.fixture
def analysis_client(client, engine, tmp_path):
    load(tmp_path / "analysis", analysis())
    return client


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def number(text: str) -> float:
    return float(text) if text != "" else math.nan


# --- effects ---------------------------------------------------------------------------------
EFFECT_COLUMNS = [
    "metric_id",
    "group",
    "trusts",
    "comparators",
    "level_change",
    "level_change_low",
    "level_change_high",
    "slope_change",
    "slope_change_low",
    "slope_change_high",
]


def test_effects_recover_a_known_level_shift_around_support_entry(analysis_client):
    sign_in(analysis_client, "analyst")
    table = rows(download(analysis_client, "effects", "?metric=ae"))
    assert list(table[0])[: len(EFFECT_COLUMNS)] == EFFECT_COLUMNS
    by_group = {r["group"]: r for r in table}
    # T04 came to SMQ from the CP list: for an analyst it is a group of one, too few to estimate.
    assert set(by_group) == {"cp_to_smq", "other_smq", "all"}
    everyone = by_group["all"]
    assert everyone["trusts"] == "4" and everyone["comparators"] == "5"  # P01 was on the CP list
    low, high = number(everyone["level_change_low"]), number(everyone["level_change_high"])
    assert low < LEVEL_SHIFT < high and high - low < 2
    assert abs(number(everyone["level_change"]) - LEVEL_SHIFT) < 0.5
    assert number(everyone["slope_change_low"]) < 0 < number(everyone["slope_change_high"])
    assert by_group["cp_to_smq"]["level_change"] == ""  # below the minimum: no estimate


def test_effects_default_to_support_entry_and_take_the_url_align(analysis_client):
    calendar = rows(download(analysis_client, "effects", "?metric=ae"))
    explicit = rows(download(analysis_client, "effects", "?metric=ae&align=support_entry"))
    assert calendar == explicit
    # Nobody has left the RSP: no treated trust, one `all` row that says so and estimates nothing.
    (none,) = rows(download(analysis_client, "effects", "?metric=ae&align=rsp_exit"))
    assert none["group"] == "all" and none["trusts"] == "0" and none["level_change"] == ""


def test_public_comparators_include_a_cp_only_trust_and_nothing_depends_on_cp_status(
    analysis_client, tmp_path
):
    searches = ["?metric=ae", "?metric=ae&align=smq_entry", "", "?align=cp_entry&metric=ae"]
    public = {s: download(analysis_client, "effects", s).get_data() for s in searches}
    table = {r["group"]: r for r in rows(download(analysis_client, "effects", "?metric=ae"))}
    assert set(table) == {"other_smq", "all"}  # T04's CP past is not the public's to know
    assert table["all"]["comparators"] == "6"  # P01 is a trust never in a regime, as far as they see
    assert abs(number(table["all"]["level_change"]) - LEVEL_SHIFT) < 0.5
    text = b"".join(public.values()).decode()
    assert not [m for m in CP_MARKERS if m in text]

    icons = download(analysis_client, "icons", "?align=cp_entry").get_data()
    cusum = download(analysis_client, "cusum", "?trust=P01&metric=ae&align=cp_entry").get_data()
    load(tmp_path / "without-cp", analysis(with_cp=False))
    assert {s: download(analysis_client, "effects", s).get_data() for s in searches} == public
    assert download(analysis_client, "icons", "?align=cp_entry").get_data() == icons
    assert download(analysis_client, "cusum", "?trust=P01&metric=ae&align=cp_entry").get_data() == cusum


def test_an_analyst_sees_the_cp_story_the_public_does_not(analysis_client):
    public = download(analysis_client, "cusum", "?trust=P01&metric=ae&align=cp_entry").get_data()
    sign_in(analysis_client, "analyst")
    analyst = download(analysis_client, "cusum", "?trust=P01&metric=ae&align=cp_entry").get_data()
    # The analyst's baseline ends at P01's CP entry; the public's is its first 12 months.
    assert public != analyst


# --- cusum -----------------------------------------------------------------------------------
def test_cusum_flags_a_known_step_at_the_right_period(analysis_client):
    table = rows(download(analysis_client, "cusum", "?trust=C01&metric=los"))
    assert list(table[0]) == [
        "period_start",
        "value",
        "baseline_mean",
        "sigma",
        "cusum_up",
        "cusum_down",
        "signal",
    ]
    assert len(table) == 24
    assert all(r["cusum_up"] == "" for r in table[:12])  # the baseline has blank sums
    assert number(table[12]["baseline_mean"]) == pytest.approx(10.5)
    assert number(table[12]["sigma"]) == pytest.approx(1 / 1.128)
    k = 0.5 / 1.128
    assert number(table[12]["cusum_up"]) == pytest.approx(2 - k)
    assert number(table[13]["cusum_up"]) == pytest.approx(2 * (2 - k))
    # h = 4 sigma = 3.546: the third point after the baseline crosses it.
    signals = [(r["period_start"], r["signal"]) for r in table if r["signal"]]
    assert signals[0] == ("2015-03-01", "up")
    assert number(table[15]["cusum_up"]) == pytest.approx(2 - k)  # started again from 0


def test_cusum_k_and_h_from_the_url_and_bad_values_ignored(analysis_client):
    tight = rows(download(analysis_client, "cusum", "?trust=C01&metric=los&cusum_h=2"))
    assert [r["period_start"] for r in tight if r["signal"]][0] == "2015-02-01"
    default = rows(download(analysis_client, "cusum", "?trust=C01&metric=los"))
    for bad in ("cusum_h=abc", "cusum_h=-1", "cusum_h=0", "cusum_k=nan", "cusum_k=-2"):
        assert rows(download(analysis_client, "cusum", f"?trust=C01&metric=los&{bad}")) == default
    no_slack = rows(download(analysis_client, "cusum", "?trust=C01&metric=los&cusum_k=0"))
    assert number(no_slack[12]["cusum_up"]) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("search", "missing"),
    [
        ("", "trust and metric"),
        ("?trust=C01", "metric"),
        ("?metric=los", "trust"),
        ("?trust=ZZZ&metric=los", "trust"),
    ],
)
def test_cusum_without_one_trust_and_a_metric_is_a_clear_400(analysis_client, search, missing):
    response = download(analysis_client, "cusum", search)
    assert response.status_code == 400
    assert f"give {missing}" in response.get_data(as_text=True)


# --- icons -----------------------------------------------------------------------------------
def test_icons_assurance_against_the_target(analysis_client):
    table = rows(download(analysis_client, "icons", "?metric=beds"))
    assert list(table[0])[:6] == [
        "trust_code",
        "metric_id",
        "latest_period",
        "latest_value",
        "variation",
        "assurance",
    ]
    found = {r["trust_code"]: r for r in table}
    assert set(found) == {"C01", "C02", "C03"}
    assert found["C01"]["assurance"] == "pass"  # limits 57.3–62.7, all above 50
    assert found["C02"]["assurance"] == "hit_or_miss"
    assert found["C03"]["assurance"] == "fail"
    assert found["C01"]["latest_period"] == "2015-12-01" and number(found["C01"]["latest_value"]) == 60.5
    assert {r["variation"] for r in table} == {"common_cause"}
    without_target = rows(download(analysis_client, "icons", "?metric=los"))
    assert without_target[0]["assurance"] == ""
    assert without_target[0]["variation"] == "concern"  # a sustained rise in a lower-is-better metric


def test_icons_follow_the_filter_bar(analysis_client):
    table = rows(download(analysis_client, "icons", "?type=mental_health"))
    assert {(r["trust_code"], r["metric_id"]) for r in table} == {("M01", "ae")}
    assert rows(download(analysis_client, "icons", "?trust=C02&metric=beds"))[0]["trust_code"] == "C02"


# --- the pages, through their content callbacks ----------------------------------------------
def content(client, output_prefix: str, search: str) -> dict:
    """The answer of the content callback whose outputs start with `output_prefix`."""

    from tests.test_no_cp_leak import build_body

    for dep in client.get("/_dash-dependencies").get_json():
        if dep["output"].startswith(".." + output_prefix) and dep["inputs"][0]["id"] == "url":
            body = build_body(dep, search, "/", None)
            response = client.post(
                "/_dash-update-component", data=json.dumps(body), content_type="application/json"
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.get_json()["response"]
    raise AssertionError(f"no content callback for {output_prefix}")


def test_the_pages_open_and_are_in_the_navigation(analysis_client):
    for path in ("/impact", "/monitoring"):
        response = analysis_client.get(path)
        assert response.status_code == 200
    shell = analysis_client.get("/_dash-layout").get_data(as_text=True)
    assert shell.index('"nav-costs"') < shell.index('"nav-impact"') < shell.index('"nav-monitoring"')


def test_impact_page_states_the_estimate_with_its_numbers(analysis_client):
    answer = content(analysis_client, "impact-chart", "?metric=ae")
    text = json.dumps(answer)
    assert "higher (better) after entry into intensive support" in text
    assert "From 4 treated trusts against 6 comparator trusts" in text
    figure = answer["impact-chart"]["figure"]
    kinds = {t.get("meta", {}).get("kind") for t in figure["data"]}
    assert {"band", "points", "fitted_pre", "fitted_post"} <= kinds
    assert not [m for m in CP_MARKERS if m in text]
    # One group below the minimum says so instead of estimating.
    few = json.dumps(content(analysis_client, "impact-chart", "?metric=ae&trust=T01&trust=T02"))
    assert "No estimate" in few and "only 2 treated trusts" in few


def test_monitoring_matrix_links_each_cell_to_its_cusum(analysis_client):
    answer = content(analysis_client, "monitoring-matrix", "")
    text = json.dumps(answer)
    assert "/monitoring?trust=C01&metric=los" in text
    assert "Assurance: the process will consistently pass the target" in text  # C01's beds
    chosen = json.dumps(content(analysis_client, "monitoring-matrix", "?trust=C01&metric=los"))
    assert "Mar 2015: upper sum passed h" in chosen and "(concern)" in chosen
    assert "/monitoring?trust=C02&metric=beds" in chosen  # the other trusts stay in the matrix
