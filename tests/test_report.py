"""The findings pack: every section, the notices, the filters, no network reference, and a
public pack that names nothing from the CP list. Built from small frames (no database)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard import marking, report, tables, theme, timelines
from dashboard.figures import interventions as intervention_figures
from dashboard.figures import overview as overview_figures
from dashboard.figures import timelines as timeline_figures
from data_access.filters import Filters
from data_access.timeline_queries import monthly_regime_counts
from data_access.viewer import PUBLIC, Viewer
from data_access.vocab import GROUPS, TRUST_TYPES
from smq_monitor.web import report_jobs

AS_OF = date(2024, 3, 31)
CP_WORDS = (
    "Challenged providers only",
    "Challenged providers moved into SMQ",
    "cp_only",
    "cp_to_smq",
    "On the CP list",
    "Trusts on the CP list now",
    "Median time from CP to SMQ",
)
EXTERNAL = [
    re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""<link[^>]+rel=["']?stylesheet""", re.I),
    re.compile(r"https?://", re.I),
    re.compile(r"//cdn", re.I),
]


def _trusts(show_cp: bool) -> pd.DataFrame:
    rows = [
        ("RA1", "Alpha Hospitals NHS Trust", "acute", "prolonged_poor_performer", "smq", "2016-01-01", None),
        (
            "RB2",
            "Bravo Mental Health NHS Trust",
            "mental_health",
            "cp_to_smq" if show_cp else "other_smq",
            "none",
            "2019-05-01",
            "2018-01-01",
        ),
        (
            "RC3",
            "Charlie Community NHS Trust",
            "community",
            "cp_only" if show_cp else "never",
            "cp" if show_cp else "none",
            None,
            "2022-02-01",
        ),
        ("RD4", "Delta Acute NHS Trust", "acute", "never", "none", None, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "trust_code",
            "trust_name",
            "trust_type",
            "evaluation_group",
            "current_regime",
            "first_smq_entry",
            "first_cp_entry",
        ],
    )
    frame["region"] = "North"
    frame["first_smq_entry"] = pd.to_datetime(frame["first_smq_entry"])
    frame["first_cp_entry"] = pd.to_datetime(frame["first_cp_entry"]) if show_cp else pd.NaT
    frame["ever_smq"] = frame["first_smq_entry"].notna()
    frame["first_support_entry"] = frame["first_smq_entry"]
    frame["ever_rsp"] = False
    frame["ever_support"] = frame["ever_smq"]
    frame["ever_cp"] = frame["first_cp_entry"].notna()
    return frame


def _episodes(show_cp: bool) -> pd.DataFrame:
    rows = [
        ("RA1", "smq", "2016-01-01", "2018-06-30"),
        ("RA1", "smq", "2021-01-01", None),
        ("RB2", "smq", "2019-05-01", "2020-05-01"),
    ]
    if show_cp:
        rows += [("RB2", "cp", "2018-01-01", "2019-04-30"), ("RC3", "cp", "2022-02-01", None)]
    frame = pd.DataFrame(rows, columns=["trust_code", "regime", "start_date", "end_date"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["days"] = (frame["end_date"].fillna(pd.Timestamp(AS_OF)) - frame["start_date"]).dt.days
    frame["ongoing"] = frame["end_date"].isna()
    return frame


def content(
    show_cp: bool, filters: Filters | None = None, synthetic: bool = True, older: bool = False
) -> report.PackContent:
    """The pack's content for these frames; `older` leaves out the fields added for the deck and
    the group sections, as a gathering written before them would."""
    filters = filters or Filters()
    trusts, episodes = _trusts(show_cp), _episodes(show_cp)
    interventions = pd.DataFrame(
        [("RA1", "improvement_director", "delivered"), ("RB2", "buddying", "not_delivered")],
        columns=["trust_code", "intervention", "status"],
    )
    costs = pd.DataFrame(
        [
            ("RA1", "improvement_director", "2016-02-01", "nhsi", 120_000.0),
            ("RB2", "buddying", "2019-06-01", "trust", 40_000.0),
        ],
        columns=["trust_code", "category", "period_start", "payer", "amount_gbp"],
    )
    ratings = pd.DataFrame(
        [
            ("RA1", "2015-06-01", "overall", "inadequate"),
            ("RA1", "2023-06-01", "overall", "requires_improvement"),
        ],
        columns=["trust_code", "publication_date", "domain", "rating"],
    )
    ratings["publication_date"] = pd.to_datetime(ratings["publication_date"])
    uptake = tables.uptake_view(trusts, interventions)
    cost_table = tables.costs_view(trusts, episodes, costs, ratings, AS_OF)
    monthly = monthly_regime_counts(episodes, AS_OF)
    added = (
        {}
        if older
        else {"filters": filters, "monthly_counts": monthly, "uptake": uptake, "costs": cost_table}
    )
    return report.PackContent(
        generated_at=datetime(2024, 4, 2, 9, 30),
        as_of=AS_OF,
        dataset_name="Test data",
        synthetic=synthetic,
        licence="CC0",
        imported_at=None,
        audience="Analyst" if show_cp else "Public view",
        show_cp=show_cp,
        filter_words=report.filters_in_words(
            filters, dict(zip(trusts["trust_code"], trusts["trust_name"], strict=True))
        ),
        headlines=overview_figures.headlines(trusts, episodes, AS_OF, show_cp, filters.to_query()),
        counts_figure=timeline_figures.counts_figure(monthly, AS_OF, show_cp),
        counts_note=timeline_figures.counts_note(AS_OF, show_cp, partial_cp=False),
        groups_figure=overview_figures.distribution_figure(trusts, "group"),
        types_figure=overview_figures.distribution_figure(trusts, "type"),
        group_counts=report.category_counts(trusts, "evaluation_group", GROUPS),
        type_counts=report.category_counts(trusts, "trust_type", TRUST_TYPES),
        timeline_kpis=timelines.timeline_kpis(episodes, AS_OF, show_cp),
        uptake_figure=intervention_figures.counts_figure(uptake),
        uptake_counts=intervention_figures.status_counts(uptake),
        uptake_trusts=len(uptake),
        cost_medians=report.cost_group_medians(cost_table),
        data_notes=["A note about the data."],
        **added,
    )


@pytest.fixture(scope="module")
def public_pack() -> str:
    return report.build_html(
        content(False, Filters(types=("acute", "mental_health"), date_from=date(2015, 1, 1)))
    )


@pytest.fixture(scope="module")
def analyst_pack() -> str:
    return report.build_html(content(True))


def test_the_pack_holds_every_section_in_order(public_pack):
    positions = [public_pack.index(f'<section id="{anchor}"') for anchor, _ in report.SECTIONS]
    assert positions == sorted(positions)
    for anchor, _ in report.SECTIONS:
        assert report.section_title(anchor, False) in public_pack
    assert "Headline figures" in public_pack and "Cost-consequence summary" in public_pack
    assert "Intervention uptake by evaluation group" in public_pack
    assert "Outcomes by evaluation group" in public_pack
    assert "Generated</dt><dd>2 Apr 2024 at 10:30 BST" in public_pack  # 09:30 UTC in summer time
    assert "Data as of</dt><dd>31 Mar 2024" in public_pack


def test_the_pack_says_what_was_filtered_and_that_the_data_are_synthetic(public_pack):
    assert "Trust type: Acute, Mental health; Dates: from 1 Jan 2015" in public_pack
    assert 'id="synthetic-notice"' in public_pack
    assert 'id="synthetic-notice"' not in report.build_html(content(False, synthetic=False))
    assert "None: every trust" in report.build_html(content(False))


def test_the_pack_makes_no_network_reference(public_pack, analyst_pack):
    for pack in (public_pack, analyst_pack):
        for pattern in EXTERNAL:
            assert not pattern.search(pack), pattern.pattern
        assert pack.count("<script") == 1 + 5  # plotly.js once, then one small script per chart
        assert pack.count("Plotly.newPlot") == 5
        assert "@page { size: A4 landscape" in pack
        assert "break-before: page" in pack


def test_plotly_is_inlined_once_and_still_means_the_same():
    bundle = report.plotly_bundle()
    assert "://" not in bundle
    assert len(bundle) > 1_000_000
    assert "window.Plotly = Plotly" in bundle


def test_a_public_pack_names_nothing_from_the_cp_list(public_pack):
    for words in CP_WORDS:
        assert words not in public_pack
    assert 'id="confidential-notice"' not in public_pack
    assert "OFFICIAL-SENSITIVE" not in public_pack
    assert "SMQ and CP counts" not in public_pack


def test_an_analyst_pack_has_the_cp_figures_and_says_it_is_confidential(analyst_pack):
    assert 'id="confidential-notice"' in analyst_pack
    assert f'id="confidential-notice">{marking.MARKING_CP}.' in analyst_pack
    assert "Trusts on the CP list now" in analyst_pack
    assert "Challenged providers only" in analyst_pack


def test_cost_group_medians_are_per_group():
    medians = content(True).cost_medians.set_index("evaluation_group")
    assert medians.loc["prolonged_poor_performer", "median_total_cost_gbp"] == 120_000
    assert medians.loc["prolonged_poor_performer", "rating_better_share"] == 1.0
    assert medians.loc["cp_to_smq", "exited_share"] == 1.0


def test_pack_file_name_carries_the_as_of_date():
    assert report.pack_filename(AS_OF) == "smq-monitor-findings-2024-03-31.html"


def test_a_job_is_only_visible_to_the_access_it_was_made_for(tmp_path, monkeypatch):
    monkeypatch.setenv("SMQ_INSTANCE_DIR", str(tmp_path))
    analyst = Viewer(role="analyst", username="a")
    job_id = "k" * 22
    folder = report_jobs.reports_dir() / job_id
    folder.mkdir()
    report_jobs._write_status(
        folder,
        job_id=job_id,
        state="done",
        progress=100,
        owner=analyst.cache_key(),
        filename="smq-monitor-findings-2024-03-31.html",
    )
    (folder / report_jobs.PACK_FILE).write_text("<html></html>")
    assert report_jobs.job_status(job_id, Viewer(role="regulator"))["state"] == "done"
    assert report_jobs.pack_path(job_id, analyst)[1] == "smq-monitor-findings-2024-03-31.html"
    assert report_jobs.job_status(job_id, PUBLIC) is None
    assert report_jobs.pack_path(job_id, PUBLIC) is None
    assert (
        report_jobs.job_status(job_id, Viewer(role="improvement_director", trusts=frozenset({"RB2"}))) is None
    )
    assert report_jobs.job_status("../" + job_id, analyst) is None
    assert report_jobs.job_status("nope", analyst) is None


def test_a_job_whose_worker_died_reads_as_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("SMQ_INSTANCE_DIR", str(tmp_path))
    job_id = "s" * 22
    folder = report_jobs.reports_dir() / job_id
    folder.mkdir()
    report_jobs._write_status(folder, job_id=job_id, state="running", progress=40, owner="public")
    monkeypatch.setattr(report_jobs.time, "time", lambda: 10**12)
    assert report_jobs.job_status(job_id, PUBLIC)["state"] == "failed"


# --------------------------------------------------------------------------------------------
# Uptake and outcomes by group


def test_uptake_by_group_counts_each_groups_trusts_like_table_3():
    table = report.uptake_by_group(content(True).uptake).set_index(["intervention", "evaluation_group"])
    # RA1 (prolonged poor performer) had an Improvement Director; RB2 (CP to SMQ) was offered buddying.
    assert table.loc[
        ("improvement_director", "prolonged_poor_performer"), ["trusts", "delivered"]
    ].tolist() == [1, 1]
    assert table.loc[("buddying", "cp_to_smq"), "delivered"] == 0
    assert table.loc[("improvement_director", "cp_only"), "share"] == 0.0
    assert set(table.index.get_level_values("evaluation_group")) == {
        "prolonged_poor_performer",
        "cp_to_smq",
        "cp_only",
    }
    assert report.uptake_by_group(None).empty


def test_group_outcomes_count_exits_re_entries_and_rating_change():
    outcomes = report.group_outcomes(content(True).costs).set_index("evaluation_group")
    ppp = outcomes.loc["prolonged_poor_performer"]
    assert (ppp["smq_trusts"], ppp["exited"], ppp["re_entered"]) == (1, 1, 1)
    assert (ppp["rated"], ppp["better"], ppp["worse"]) == (1, 1, 0)
    assert ppp["median_total_cost_gbp"] == 120_000
    cp_only = outcomes.loc["cp_only"]
    assert (cp_only["smq_trusts"], cp_only["exited"]) == (0, 0)  # never in SMQ: no exit to count
    assert report.group_outcomes(None).empty


def test_the_pack_shows_uptake_and_outcomes_by_group(analyst_pack):
    uptake = analyst_pack[analyst_pack.index('id="uptake-groups"') : analyst_pack.index('id="costs"')]
    assert "Prolonged poor performers (1)" in uptake
    assert '<td class="num">1 of 1 (100%)</td>' in uptake
    outcomes = analyst_pack[analyst_pack.index('id="outcomes"') : analyst_pack.index('id="data-notes"')]
    assert "Re-entered SMQ" in outcomes and "Rating better" in outcomes
    assert '<td class="num">1 of 1 (100%)</td>' in outcomes
    assert '<td class="num">£120,000</td>' in outcomes


def test_an_older_gathering_still_makes_a_pack():
    pack = report.build_html(content(False, older=True))
    assert "Uptake by evaluation group was not gathered for this pack." in pack
    assert "Outcomes by evaluation group were not gathered for this pack." in pack


# --------------------------------------------------------------------------------------------
# Provenance and marking on every printed page


def test_every_printed_page_gets_the_provenance_and_a_page_number(public_pack):
    head = public_pack[public_pack.index('id="print-head"') : public_pack.index('id="print-foot"')]
    assert "Test data, data as of 31 Mar 2024" in head
    assert "Synthetic demo data" in head and "Prepared for: Public view" in head
    foot = public_pack[public_pack.index('id="print-foot"') : public_pack.index('class="print-frame"')]
    assert "Source: smq-monitor, Test data, data as of 31 Mar 2024. Synthetic demo data." in foot
    assert "Filters: Trust type: Acute, Mental health; Dates: from 1 Jan 2015" in foot
    # Fixed header and footer repeat on every printed page, over space the frame's head and
    # foot keep free on every page; the page number is a margin box.
    assert ".print-head, .print-foot { position: fixed;" in public_pack
    assert '<thead><tr><td><div class="print-only print-head-space">' in public_pack
    assert '<tfoot><tr><td><div class="print-only print-foot-space">' in public_pack
    assert 'content: "Page " counter(page) " of " counter(pages)' in public_pack
    assert public_pack.index("<main>") > public_pack.index("<tbody><tr><td>")


def test_the_marking_heads_and_foots_every_page_exactly_when_cp_content_is_shown(public_pack, analyst_pack):
    head = analyst_pack[analyst_pack.index('id="print-head"') : analyst_pack.index('id="print-foot"')]
    foot = analyst_pack[analyst_pack.index('id="print-foot"') : analyst_pack.index('class="print-frame"')]
    assert f'<p class="marking">{marking.MARKING_CP}</p>' in head
    assert f'<p class="marking">{marking.MARKING_CP}</p>' in foot
    assert marking.MARKING_CP not in public_pack
    assert report.pack_provenance(content(True)).includes_cp
    assert not report.pack_provenance(content(False)).includes_cp


def test_a_given_provenance_is_used_but_cannot_drop_the_marking():
    prov = replace(report.pack_provenance(content(True)), audience="Regulator: board pack", includes_cp=False)
    pack = report.build_html(content(True), prov)
    assert "Prepared for</dt><dd>Regulator: board pack" in pack
    assert marking.MARKING_CP in pack  # the content shows CP, whatever the caller said


def test_pack_colours_come_from_the_theme(public_pack):
    assert f"--blue: {theme.NHS_BLUE};" in public_pack
    assert f"--red: {theme.DARK_RED};" in public_pack
    css = report.CSS.split(":root", 1)[1].split("}", 1)[1]
    assert not re.findall(r"#[0-9A-Fa-f]{6}\b", css.replace(theme.NHS_DARK_GREY, ""))


# --------------------------------------------------------------------------------------------
# The smaller plotly.js


def test_the_pack_inlines_the_basic_bundle_when_its_charts_allow(public_pack):
    assert "plotly.js (basic - minified) v" in public_pack
    assert len(public_pack.encode("utf-8")) < 2_000_000
    assert len(report.plotly_bundle("full")) > 4_000_000


def test_a_chart_the_basic_bundle_cannot_draw_brings_the_full_one():
    heatmap = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    assert report.bundle_for([go.Figure(go.Bar(x=[1])), go.Figure(go.Scatter(x=[1]))]) == "basic"
    assert report.bundle_for([go.Figure(go.Bar(x=[1])), heatmap]) == "full"
    pack = report.build_html(replace(content(False), types_figure=heatmap))
    assert "plotly.js (basic" not in pack and "plotly.js v" in pack


def test_the_vendored_bundle_matches_the_plotly_js_that_plotly_py_writes_for():
    basic = report.plotly_bundle("basic")
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in basic[:200]
    assert "window.Plotly = Plotly" in basic
    assert "://" not in basic
    licence = (report.BASIC_BUNDLE.parent / "LICENSE").read_text()
    assert "MIT License" in licence and "Plotly" in licence
    with pytest.raises(ValueError):
        report.plotly_bundle("gl3d")


def test_dash_never_links_the_vendored_bundle_into_a_page():
    # Dash links every file under assets/ whose name ends in "js"; this one must not replace the
    # pages' full plotly.js.
    vendored = [p.name for p in report.BASIC_BUNDLE.parent.iterdir()]
    assert not [name for name in vendored if name.endswith(("js", "css"))]
