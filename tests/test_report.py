"""The findings pack: every section, the notices, the filters, no network reference, and a
public pack that names nothing from the CP list. Built from small frames (no database)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import pytest

from dashboard import report, tables, timelines
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


def content(show_cp: bool, filters: Filters | None = None, synthetic: bool = True) -> report.PackContent:
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
        counts_figure=timeline_figures.counts_figure(monthly_regime_counts(episodes, AS_OF), AS_OF, show_cp),
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
    for _, title in report.SECTIONS:
        assert title in public_pack
    assert "Headline figures" in public_pack and "Cost-consequence summary" in public_pack
    assert "Generated</dt><dd>02 April 2024 at 09:30 UTC" in public_pack
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
        assert pack.count("<script") == 1 + 4  # plotly.js once, then one small script per chart
        assert pack.count("Plotly.newPlot") == 4
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


def test_an_analyst_pack_has_the_cp_figures_and_says_it_is_confidential(analyst_pack):
    assert 'id="confidential-notice"' in analyst_pack
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
