"""The findings deck, opened again with python-pptx: slides and titles, native charts holding the
numbers passed in, the readings in words, the marking exactly when CP content is shown, no CP
word in a public deck, and slides that say why when there is nothing to draw."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu

from dashboard import deck, marking, report, theme
from data_access.filters import Filters
from data_access.viewer import PUBLIC, Viewer
from data_access.vocab import GROUPS, INTERVENTIONS, TRUST_TYPES

AS_OF = date(2024, 3, 31)
CP_WORDS = ("Challenged", "CP ", "cp_")
# Trusts per group; the two CP groups only for a viewer who sees CP.
PUBLIC_GROUPS = {"prolonged_poor_performer": 10, "clear_improver": 12, "other_smq": 30, "never": 100}
CP_GROUPS = {"cp_to_smq": 6, "cp_only": 8}


def _trusts(show_cp: bool) -> pd.DataFrame:
    sizes = {**PUBLIC_GROUPS, **(CP_GROUPS if show_cp else {})}
    rows = []
    for group in GROUPS:
        for i in range(sizes.get(group, 0)):
            rows.append(
                {
                    "trust_code": f"{group[:2].upper()}{i:03d}",
                    "trust_name": f"Trust {group} {i}",
                    "trust_type": "acute",
                    "evaluation_group": group,
                }
            )
    return pd.DataFrame(rows)


def _uptake(trusts: pd.DataFrame) -> pd.DataFrame:
    """An uptake_view table: of the 52 public SMQ trusts, 41 had an Improvement Director and 20
    buddying; every CP-only trust had central funding; nothing else was delivered."""
    population = trusts[trusts["evaluation_group"] != "never"].reset_index(drop=True)
    frame = population[["trust_code", "trust_name", "trust_type", "evaluation_group"]].copy()
    for intervention in INTERVENTIONS:
        frame[intervention] = ""
    smq = frame.index[frame["evaluation_group"].isin(PUBLIC_GROUPS)]
    frame.loc[smq[:41], "improvement_director"] = "delivered"
    frame.loc[smq[41:], "improvement_director"] = "not_delivered"
    frame.loc[smq[:20], "buddying"] = "delivered"
    frame.loc[frame["evaluation_group"] == "cp_only", "central_funding"] = "delivered"
    return frame


def _costs(trusts: pd.DataFrame) -> pd.DataFrame:
    """A costs_view table with round medians: prolonged poor performers £1.2m, the rest less."""
    population = trusts[trusts["evaluation_group"] != "never"].reset_index(drop=True)
    medians = {
        "prolonged_poor_performer": 1_234_567.0,
        "clear_improver": 450_000.0,
        "other_smq": 300_000.0,
        "cp_to_smq": 800_000.0,
        "cp_only": 200_000.0,
    }
    frame = population[["trust_code", "trust_name", "trust_type", "evaluation_group"]].copy()
    frame["total_cost_gbp"] = frame["evaluation_group"].map(medians).astype(float)
    frame["cost_per_month_in_regime_gbp"] = frame["total_cost_gbp"] / 24
    frame["smq_days"] = (frame["evaluation_group"] != "cp_only").astype(int) * 400
    # Prolonged poor performers: 4 of 10 left SMQ, 6 re-entered; ratings better for 3 of the 8 rated.
    order = frame.groupby("evaluation_group").cumcount()
    ppp = frame["evaluation_group"] == "prolonged_poor_performer"
    frame["exited_smq"] = ~ppp | (order < 4)
    frame["re_entered_smq"] = ppp & (order < 6)
    frame["rating_change"] = "same"
    frame.loc[ppp & (order < 3), "rating_change"] = "better"
    frame.loc[ppp & (order >= 8), "rating_change"] = ""
    frame.loc[frame["evaluation_group"] == "cp_only", ["exited_smq", "re_entered_smq"]] = False
    return frame


def _monthly(show_cp: bool) -> pd.DataFrame:
    months = pd.date_range("2021-01-01", "2021-12-01", freq="MS")
    smq = [20, 20, 19, 19, 18, 18, 0, 0, 0, 0, 0, 0]
    rsp = [0, 0, 0, 0, 0, 0, 18, 18, 17, 16, 16, 15]
    cp = [5, 5, 6, 6, 6, 7, 7, 7, 6, 6, 5, 5]
    frames = [
        pd.DataFrame({"month": months, "regime": regime, "trusts": values})
        for regime, values in (("smq", smq), ("rsp", rsp), ("cp", cp))
        if regime != "cp" or show_cp
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame["counted_on"] = frame["month"] + pd.offsets.MonthEnd(0)
    return frame


def effects_frame() -> pd.DataFrame:
    rows = [
        ("ae_4hr", "all", 40, 60, 2.1, 1.4, 2.8, -0.05, -0.2, 0.1),
        ("ae_4hr", "prolonged_poor_performer", 10, 60, -1.5, -3.0, -0.1, 0.3, 0.1, 0.5),
        ("ae_4hr", "clear_improver", 2, 60, None, None, None, None, None, None),
        ("shmi", "all", 40, 60, -0.02, -0.05, 0.01, 0.001, -0.002, 0.004),
    ]
    frame = pd.DataFrame(rows, columns=list(deck.EFFECT_COLUMNS))
    frame["note"] = ["", "", "fewer than 3 treated trusts", ""]
    return frame


def make_content(
    show_cp: bool,
    *,
    filters: Filters | None = None,
    effects: pd.DataFrame | None = None,
    empty: bool = False,
    synthetic: bool = True,
) -> report.PackContent:
    trusts = _trusts(show_cp)
    if empty:
        trusts = trusts.iloc[0:0]
    monthly = _monthly(show_cp).iloc[0:0] if empty else _monthly(show_cp)
    filters = filters or Filters(types=("acute",))
    return report.PackContent(
        generated_at=datetime(2024, 4, 2, 9, 30),
        as_of=AS_OF,
        dataset_name="Test data",
        synthetic=synthetic,
        licence="CC0",
        imported_at=None,
        audience="Analyst" if show_cp else "Public view",
        show_cp=show_cp,
        filter_words=report.filters_in_words(filters),
        headlines=[],
        counts_figure=theme.empty_figure("unused"),
        counts_note="",
        groups_figure=theme.empty_figure("unused"),
        types_figure=theme.empty_figure("unused"),
        group_counts=report.category_counts(trusts, "evaluation_group", GROUPS),
        type_counts=report.category_counts(trusts, "trust_type", TRUST_TYPES),
        timeline_kpis=[],
        uptake_figure=theme.empty_figure("unused"),
        uptake_counts=pd.DataFrame(),
        uptake_trusts=0,
        cost_medians=pd.DataFrame(columns=["evaluation_group"]),
        data_notes=["A note about the data."],
        filters=filters,
        monthly_counts=monthly,
        uptake=_uptake(trusts),
        costs=_costs(trusts),
        effects=effects,
    )


def open_deck(data: bytes):
    return Presentation(io.BytesIO(data))


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def named(slide, name: str) -> str | None:
    found = [shape.text_frame.text for shape in slide.shapes if shape.name == name and shape.has_text_frame]
    return found[0] if found else None


def every_text(data: bytes) -> str:
    """All the text of the file: every XML part (slides, notes, charts, their workbooks' shared
    strings, document properties)."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                parts.append(archive.read(name).decode("utf-8"))
            elif name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(archive.read(name))) as book:
                    parts += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def analyst_deck() -> bytes:
    return deck.build_deck(make_content(True, effects=effects_frame()))


@pytest.fixture(scope="module")
def public_deck() -> bytes:
    return deck.build_deck(make_content(False, effects=effects_frame()))


def test_a_title_slide_then_one_slide_per_chart(analyst_deck, public_deck):
    expected = [
        "smq-monitor findings",
        "Trusts in SMQ, in the RSP and on the CP list, month by month",
        "Trusts by evaluation group",
        "Uptake of each intervention, by evaluation group",
        "Costs beside consequences, by evaluation group",
        "Effect estimates: ae_4hr",
        "Effect estimates: shmi",
    ]
    assert [s.shapes.title.text for s in open_deck(analyst_deck).slides] == expected
    public = [s.shapes.title.text for s in open_deck(public_deck).slides]
    assert public[1] == "Trusts in SMQ and in the RSP, month by month"
    assert public[2:] == expected[2:]


def test_the_deck_is_16_by_9(analyst_deck):
    prs = open_deck(analyst_deck)
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)
    assert Emu(prs.slide_width).inches == pytest.approx(13.333, abs=0.001)


def test_the_title_slide_says_what_when_and_for_whom(analyst_deck):
    slide = open_deck(analyst_deck).slides[0]
    details = named(slide, "Details")
    assert "Generated: 2 Apr 2024 at 10:30 BST" in details
    assert "Filters applied: Trust type: Acute" in details
    assert "Prepared for: Analyst" in details
    assert "Dataset: Test data" in details
    assert named(slide, "Subtitle") == "Data as of 31 Mar 2024 · Test data"
    assert named(slide, "Synthetic").startswith("Synthetic demo data")
    assert named(slide, "Marking notice") == marking.MARKING_CP
    assert "A note about the data." in slide.notes_slide.notes_text_frame.text
    assert charts(slide) == []


def test_real_data_are_not_called_synthetic():
    data = deck.build_deck(make_content(False, synthetic=False))
    assert named(open_deck(data).slides[0], "Synthetic") is None
    assert "Synthetic" not in every_text(data)


def test_every_chart_slide_has_a_native_chart_a_reading_and_a_source(analyst_deck):
    prs = open_deck(analyst_deck)
    for slide in list(prs.slides)[1:]:
        shapes = [s for s in slide.shapes if s.has_chart]
        assert shapes, slide.shapes.title.text
        assert all(s.chart.plots and len(s.chart.plots[0].series) for s in shapes)
        assert all(s._element.xpath("./p:nvGraphicFramePr/p:cNvPr/@descr") for s in shapes)
        assert named(slide, "Reading")
        assert (
            named(slide, "Source")
            == "Source: smq-monitor, Test data, data as of 31 Mar 2024. Synthetic demo data."
        )
    assert not any(shape.shape_type == 13 for slide in prs.slides for shape in slide.shapes)  # no pictures


def test_the_counts_chart_holds_each_regime_month_by_month(analyst_deck):
    slide = open_deck(analyst_deck).slides[1]
    (chart,) = charts(slide)
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    monthly = _monthly(True)
    assert list(series) == ["In SMQ", "In the RSP", "On the CP list"]
    for name, regime in (("In SMQ", "smq"), ("In the RSP", "rsp"), ("On the CP list", "cp")):
        assert series[name] == list(monthly.loc[monthly["regime"] == regime, "trusts"].astype(float))
    assert len(chart.plots[0].categories) == 12
    colours = [str(s.format.line.color.rgb) for s in chart.plots[0].series]
    assert colours == [theme.REGIME_COLOURS[r][1:] for r in ("smq", "rsp", "cp")]
    assert named(slide, "Reading") == (
        "In Dec 2021: 0 trusts in SMQ, 15 in the RSP, 5 on the CP list. SMQ peaked at 20 trusts in Jan 2021."
    )


def test_the_groups_chart_holds_each_groups_trusts_in_its_colour(analyst_deck):
    slide = open_deck(analyst_deck).slides[2]
    (chart,) = charts(slide)
    sizes = {**PUBLIC_GROUPS, **CP_GROUPS}
    codes = [g for g in GROUPS if g in sizes]
    assert list(chart.plots[0].categories) == [deck.group_label(g, True) for g in codes]
    assert list(chart.plots[0].series[0].values) == [float(sizes[g]) for g in codes]
    points = chart.plots[0].series[0].points
    assert [str(points[i].format.fill.fore_color.rgb) for i in range(len(codes))] == [
        theme.GROUP_COLOURS[g][1:] for g in codes
    ]
    assert named(slide, "Reading") == (
        "Of the 66 trusts that have been in SMQ or on the CP list, the most are Other SMQ or RSP trusts (30); "
        "100 of all 166 never were."
    )


def test_uptake_is_the_share_of_each_groups_trusts_like_table_3(analyst_deck, public_deck):
    slide = open_deck(public_deck).slides[3]
    (chart,) = charts(slide)
    assert named(slide, "Reading") == "Most SMQ trusts received an Improvement Director (41 of 52)."
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    assert list(series) == [
        "Prolonged poor performers (10)",
        "Clear performance improvers (12)",
        "Other SMQ or RSP trusts (30)",
    ]
    director = INTERVENTIONS.index("improvement_director")
    # 41 directors over the first 41 SMQ trusts in group order: all 10, all 12, then 19 of 30.
    assert [values[director] for values in series.values()] == pytest.approx([1.0, 1.0, 19 / 30])
    assert all(values[INTERVENTIONS.index("deep_dive")] == 0 for values in series.values())
    notes = slide.notes_slide.notes_text_frame.text
    assert "Improvement Director\t10 of 10 (100%)\t12 of 12 (100%)\t19 of 30 (63%)" in notes
    analyst = {s.name: list(s.values) for s in charts(open_deck(analyst_deck).slides[3])[0].plots[0].series}
    assert analyst["Challenged providers only (8)"][INTERVENTIONS.index("central_funding")] == 1.0


def test_costs_sit_beside_consequences(analyst_deck):
    slide = open_deck(analyst_deck).slides[4]
    money, shares = charts(slide)
    assert list(money.plots[0].categories)[0] == "Prolonged poor performers"
    assert list(money.plots[0].series[0].values) == [1_234_567.0, 800_000.0, 200_000.0, 450_000.0, 300_000.0]
    consequences = {s.name: list(s.values) for s in shares.plots[0].series}
    assert consequences["Left SMQ"][0] == pytest.approx(0.4)
    assert consequences["Re-entered SMQ"][0] == pytest.approx(0.6)
    assert consequences["Rating better than at SMQ entry"][0] == pytest.approx(3 / 8)
    assert consequences["Left SMQ"][2] is None  # CP-only trusts have never been in SMQ
    assert named(slide, "Reading") == (
        "Median cost per trust was highest for Prolonged poor performers (£1.2m); 4 of its 10 SMQ trusts have left SMQ."
    )
    notes = slide.notes_slide.notes_text_frame.text
    assert (
        "Prolonged poor performers\t10\t£1,234,567\t£12,345,670\t4 of 10 (40%)\t6 of 10 (60%)\t3 of 8 (38%)"
        in notes
    )


def test_effect_estimates_get_a_slide_per_metric_with_error_bars(analyst_deck):
    slide = open_deck(analyst_deck).slides[5]
    level, slope = charts(slide)
    assert list(level.plots[0].categories) == ["All filtered trusts", "Prolonged poor performers"]
    assert list(level.plots[0].series[0].values) == [2.1, -1.5]
    assert list(slope.plots[0].series[0].values) == [-0.05, 0.3]
    bars = level.plots[0].series[0]._element.findall("{*}errBars")
    assert len(bars) == 1
    plus = [float(v.text) for v in bars[0].findall("{*}plus//{*}v")]
    minus = [float(v.text) for v in bars[0].findall("{*}minus//{*}v")]
    assert plus == pytest.approx([0.7, 1.4]) and minus == pytest.approx([0.7, 1.5])
    assert named(slide, "Reading") == (
        "All filtered trusts: level higher by 2.1 (95% CI 1.4 to 2.8) after the event; "
        "no clear change in trend (-0.1 a month, 95% CI -0.2 to 0.1)."
    )
    notes = slide.notes_slide.notes_text_frame.text
    assert "Clear performance improvers\t2\t60\t–\t–\t–\t–\tfewer than 3 treated trusts" in notes


def test_effects_without_the_contract_columns_are_refused():
    with pytest.raises(ValueError, match="level_change"):
        deck.build_deck(make_content(True, effects=effects_frame().drop(columns=["level_change"])))


def test_no_effects_means_no_effect_slide():
    titles = [s.shapes.title.text for s in open_deck(deck.build_deck(make_content(True))).slides]
    assert not any(t.startswith("Effect") for t in titles)


def test_every_slide_carries_the_marking_when_cp_content_is_shown(analyst_deck):
    slides = list(open_deck(analyst_deck).slides)
    assert all(named(s, "Marking") == marking.MARKING_CP for s in slides)
    assert [named(s, "Slide number") for s in slides] == [
        f"{i} of {len(slides)}" for i in range(1, len(slides) + 1)
    ]
    assert open_deck(analyst_deck).core_properties.category == marking.MARKING_CP


def test_a_public_deck_has_no_marking_and_no_cp_word(public_deck):
    slides = list(open_deck(public_deck).slides)
    assert all(named(s, "Marking") is None for s in slides)
    text = every_text(public_deck)
    assert "OFFICIAL-SENSITIVE" not in text
    for word in CP_WORDS:
        assert word not in text, word
    assert re.search(r"\bCP\b", text) is None
    assert "Never in SMQ" in text


def test_a_deck_for_a_cp_viewer_without_cp_content_is_not_marked():
    # An analyst's view of trusts none of which was ever on the CP list shows nothing from it.
    content = make_content(True)
    content = replace(
        content,
        monthly_counts=content.monthly_counts[content.monthly_counts["regime"] != "cp"],
        group_counts=content.group_counts[~content.group_counts["evaluation_group"].str.startswith("cp")],
        uptake=content.uptake[~content.uptake["evaluation_group"].str.startswith("cp")],
        costs=content.costs[~content.costs["evaluation_group"].str.startswith("cp")],
    )
    assert not deck.deck_provenance(content).includes_cp
    data = deck.build_deck(content)
    assert "OFFICIAL-SENSITIVE" not in every_text(data)


def test_a_caller_cannot_leave_the_marking_off():
    content = make_content(True)
    unmarked = replace(deck.deck_provenance(content), includes_cp=False)
    data = deck.build_deck(content, unmarked)
    assert all(named(s, "Marking") == marking.MARKING_CP for s in open_deck(data).slides)


def test_cp_rows_found_by_the_gathering_mark_the_deck():
    # Nothing in the frames names CP, but the gathering found an intervention dated in a CP episode.
    content = replace(make_content(False), cp_reasons=("interventions: rows dated inside a CP episode",))
    assert deck.deck_provenance(content).includes_cp
    assert named(open_deck(deck.build_deck(content)).slides[0], "Marking") == marking.MARKING_CP


def test_empty_data_give_slides_that_say_why():
    data = deck.build_deck(make_content(False, empty=True, effects=effects_frame().iloc[0:0]))
    prs = open_deck(data)
    messages = {s.shapes.title.text: named(s, "No data") for s in list(prs.slides)[1:]}
    assert messages == {
        "Trusts in SMQ, month by month": "No trust within these filters was in SMQ.",
        "Trusts by evaluation group": "No trusts match the filters.",
        "Uptake of each intervention, by evaluation group": "No trusts with a regime episode or intervention match the filters.",
        "Costs beside consequences, by evaluation group": "No trusts with costs or a regime episode match the filters.",
        "Effect estimates": "No effect could be estimated for these filters.",
    }
    assert not any(charts(s) for s in prs.slides)


def test_a_metric_with_no_estimate_says_so():
    effects = effects_frame()
    effects = effects[effects["group"] == "clear_improver"]
    slide = open_deck(deck.build_deck(make_content(True, effects=effects))).slides[5]
    assert named(slide, "No data") == "Too little data to estimate an effect for any group."
    assert "fewer than 3 treated trusts" in slide.notes_slide.notes_text_frame.text


def test_content_from_an_older_gathering_still_makes_a_deck():
    # Without monthly_counts the counts come from the figure; without uptake and costs their slides say so.
    from dashboard.figures import timelines as timeline_figures

    content = replace(
        make_content(True),
        monthly_counts=None,
        uptake=None,
        costs=None,
        counts_figure=timeline_figures.counts_figure(_monthly(True), AS_OF, True),
    )
    prs = open_deck(deck.build_deck(content))
    (chart,) = charts(prs.slides[1])
    assert [s.name for s in chart.plots[0].series] == ["In SMQ", "In the RSP", "On the CP list"]
    assert named(prs.slides[3], "No data") == "Uptake by evaluation group was not gathered for this deck."


def test_notes_hold_the_table_of_numbers_as_tab_separated_cells(analyst_deck):
    notes = open_deck(analyst_deck).slides[1].notes_slide.notes_text_frame.text
    lines = notes.splitlines()
    assert "Month\tIn SMQ\tIn the RSP\tOn the CP list" in lines
    assert "Jul 2021\t0\t18\t7" in lines


def test_the_file_name_carries_view_filters_and_date():
    prov = deck.deck_provenance(
        make_content(False, filters=Filters(types=("acute",), regions=("North East",)))
    )
    assert deck.deck_filename(prov) == "smq-monitor-findings-acute-north-east-2024-03-31.pptx"


def test_reading_words_for_edge_cases():
    table = report.uptake_by_group(_uptake(_trusts(False)))
    assert deck.uptake_reading(table.assign(delivered=table["trusts"])) == (
        "Every SMQ trust received an Improvement Director (52 of 52)."
    )
    assert (
        deck.uptake_reading(table.assign(delivered=0))
        == "No delivered intervention is recorded for the 52 SMQ trusts."
    )
    few = table.assign(delivered=table["trusts"] // 3)
    assert deck.uptake_reading(few).startswith(
        "Fewer than half of the SMQ trusts received any one intervention"
    )
    only_never = pd.DataFrame({"evaluation_group": ["never"], "trusts": [3]})
    assert deck.groups_reading(only_never, False) == "None of the 3 trusts has been in SMQ."


# --------------------------------------------------------------------------------------------
# End to end: the pages' own queries on the mini dataset, for the public and for an analyst


def test_decks_from_the_database_follow_the_role_rule(mini_db):
    from smq_monitor.web import report_jobs

    public = report_jobs.gather(PUBLIC, Filters())
    analyst = report_jobs.gather(Viewer(role="analyst"), Filters())
    public_data, analyst_data = deck.build_deck(public), deck.build_deck(analyst)
    text = every_text(public_data)
    for word in CP_WORDS:
        assert word not in text
    assert "OFFICIAL-SENSITIVE" not in text
    assert marking.MARKING_CP in every_text(analyst_data)
    assert "On the CP list" in every_text(analyst_data)
    groups = charts(open_deck(analyst_data).slides[2])[0]
    assert "Challenged providers only" in list(groups.plots[0].categories)
    assert "episodes: CP episodes or counts" in analyst.cp_reasons
    assert public.cp_reasons == ()


def test_small_effects_keep_a_significant_figure():
    assert deck.effect_digits(2.1, 1.4, 2.8) == 1
    assert deck.effect_digits(-0.02, -0.05, 0.01) == 2
    assert deck.effect_digits(float("nan"), None) == 1
    assert deck.change_words(0.001, -0.002, 0.004, "trend", "up", "down", " a month") == (
        "no clear change in trend (+0.001 a month, 95% CI -0.002 to 0.004)"
    )
    assert deck.change_words(-1.5, -3.0, -0.1, "level", "higher by", "lower by") == (
        "level lower by 1.5 (95% CI -3.0 to -0.1)"
    )
    shmi = open_deck(deck.build_deck(make_content(True, effects=effects_frame()))).slides[6]
    assert named(shmi, "Reading") == (
        "All filtered trusts: no clear change in level (-0.02, 95% CI -0.05 to 0.01) after the event; "
        "no clear change in trend (+0.001 a month, 95% CI -0.002 to 0.004)."
    )


def test_half_width_charts_keep_their_axis_labels_apart(analyst_deck):
    """The costs slide's two charts share the slide's width: their value axes step in round
    units (at most five steps), so the labels never run into each other."""
    slide = next(s for s in open_deck(analyst_deck).slides if "Costs beside" in s.shapes.title.text)
    money, shares = charts(slide)
    assert shares.value_axis.major_unit == 0.25
    largest = max(max(v for v in s.values if v is not None) for s in money.plots[0].series)
    assert money.value_axis.major_unit and largest / money.value_axis.major_unit <= 5
    assert deck.nice_step(1_495_000) == 500_000 and deck.nice_step(998_200) == 250_000
    assert deck.nice_step(7) == 2 and deck.nice_step(0) is None
