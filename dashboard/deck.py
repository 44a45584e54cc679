"""The findings deck: the pack's findings as a PowerPoint file with native, editable charts (pure).

`build_deck(content, provenance)` turns the same `PackContent` the HTML pack is made from into
a 16:9 deck (contract §4, ``GET /download/findings.pptx``):

1. a title slide: title, when it was made, the filters in words, the audience, the dataset and
   its as-of date, "Synthetic demo data" when it is, and the protective marking when the deck
   shows CP information;
2. one slide per chart, each a native PowerPoint chart (its numbers live in the chart's own
   workbook, so a reader can restyle it, change its type or copy the numbers): trusts in each
   regime by month; trusts by evaluation group; uptake of each intervention by group (the
   evaluation's Table 3: the share of each group's trusts that received it); costs beside
   consequences by group; and, when the content carries effect estimates, one slide per metric
   with the level and slope changes and their 95% confidence intervals.

Every chart slide has its title, a one-line reading of the numbers in words ("Most SMQ trusts
received an Improvement Director (41 of 52)"), the source line (dataset, as-of date,
synthetic), the marking in the footer of every slide when CP information is shown, and the
table of its numbers in the slide notes (tab-separated, so it pastes into a spreadsheet as
cells). Numbers are written the UK way (`dashboard.formats`), colours are the theme's
colour-blind-safe palettes, and a chart whose data is empty becomes a slide that says why.

Words: a deck made for someone who sees no CP information names no CP anywhere. The group
labels are true for every viewer (the public's `never` group holds the CP-only trusts too, so it
is "Never in SMQ or the RSP", never "... or CP").
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from dashboard import formats, marking, report, theme
from dashboard.labels import GROUP_LABELS, INTERVENTION_LABELS, label
from data_access.vocab import CP_GROUPS, GROUPS, INTERVENTIONS

DECK_TITLE = "smq-monitor findings"
SLIDE_WIDTH = Inches(13.333)  # 16:9
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
FONT = "Arial"
TITLE_LAYOUT = 5  # "Title Only" of python-pptx's default template: a real title placeholder

REGIME_ORDER: tuple[str, ...] = ("smq", "rsp", "cp")
REGIME_SERIES: dict[str, str] = {"smq": "In SMQ", "rsp": "In the RSP", "cp": "On the CP list"}
REGIME_WORDS: dict[str, str] = {"smq": "in SMQ", "rsp": "in the RSP", "cp": "on the CP list"}
REGIME_SHORT: dict[str, str] = {"smq": "SMQ", "rsp": "RSP", "cp": "CP list"}
REGIME_DASHES = {
    "smq": MSO_LINE_DASH_STYLE.SOLID,
    "rsp": MSO_LINE_DASH_STYLE.LONG_DASH,
    "cp": MSO_LINE_DASH_STYLE.DASH,
}
INTERVENTION_PHRASES: dict[str, str] = {
    "improvement_director": "an Improvement Director",
    "buddying": "buddying",
    "central_funding": "central funding",
    "leadership_change": "a leadership change",
    "deep_dive": "a deep dive",
    "oversight_group": "an oversight group",
    "other": "another intervention",
}
NON_SMQ_GROUPS = frozenset({"never", "cp_only"})  # the groups whose trusts have never been in SMQ
ALL_GROUP = "all"
ALL_GROUP_LABEL = "All filtered trusts"
EFFECT_COLUMNS = (
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
)
MAX_EFFECT_SLIDES = 8
CONSEQUENCES: tuple[tuple[str, str, str], ...] = (
    # (label, numerator column, denominator column) of report.group_outcomes
    ("Left SMQ", "exited", "smq_trusts"),
    ("Re-entered SMQ", "re_entered", "smq_trusts"),
    ("Rating better than at SMQ entry", "better", "rated"),
)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def group_label(code: str, show_cp: bool) -> str:
    """A group's name (the labels are true for every viewer; `show_cp` is kept for callers)."""
    del show_cp
    if code == ALL_GROUP:
        return ALL_GROUP_LABEL
    return label(GROUP_LABELS, code)


def regime_colour(regime: str) -> str:
    """The theme's colour for a regime; one the theme's colorway holds for a regime it has none for."""
    if regime in theme.REGIME_COLOURS:
        return theme.REGIME_COLOURS[regime]
    # NHS text black differs in lightness from the SMQ blue and the CP ochre for every colour
    # vision, and the line also has a dash pattern of its own.
    return theme.NHS_BLACK


def _group_colour(code: str) -> str:
    return theme.GROUP_COLOURS.get(code, theme.NHS_DARK_GREY)


# --------------------------------------------------------------------------------------------
# The numbers of each slide (pure, tested on their own)


def counts_table(content: report.PackContent) -> pd.DataFrame:
    """Trusts in each regime by month, wide: month, then one column per regime present.

    From `content.monthly_counts`; for content gathered without it, from the counts figure's
    traces (each carries its regime in `meta`). CP only when the viewer may see it.
    """
    frame = content.monthly_counts
    if frame is None:
        rows = []
        for trace in content.counts_figure.data:
            regime = trace.meta.get("regime") if isinstance(trace.meta, dict) else None
            if regime and trace.x is not None:
                rows += [
                    {"month": m, "regime": regime, "trusts": t} for m, t in zip(trace.x, trace.y, strict=True)
                ]
        frame = pd.DataFrame(rows, columns=["month", "regime", "trusts"])
    if frame.empty:
        return pd.DataFrame(columns=["month"])
    if not content.show_cp:
        frame = frame[frame["regime"] != "cp"]
    wide = frame.assign(month=pd.to_datetime(frame["month"])).pivot_table(
        index="month", columns="regime", values="trusts", aggfunc="sum", fill_value=0
    )
    order = [r for r in REGIME_ORDER if r in wide.columns] + sorted(set(wide.columns) - set(REGIME_ORDER))
    return wide[order].astype(int).reset_index().rename_axis(columns=None)


def counts_reading(table: pd.DataFrame) -> str:
    """ "In Mar 2024: 3 trusts in the RSP, 2 on the CP list. SMQ peaked at 20 trusts in Jun 2016." """
    regimes = [c for c in table.columns if c != "month"]
    if table.empty or not regimes:
        return ""
    last = table.iloc[-1]
    first = int(last[regimes[0]])
    parts = [f"{formats.plural(first, 'trust')} {REGIME_WORDS.get(regimes[0], regimes[0])}"]
    parts += [f"{formats.count(last[r])} {REGIME_WORDS.get(r, r)}" for r in regimes[1:]]
    text = f"In {formats.month_year(last['month'])}: {', '.join(parts)}."
    support = [r for r in regimes if r != "cp"] or regimes
    peaks = {r: int(table[r].max()) for r in support}
    top = max(support, key=lambda r: peaks[r])
    if peaks[top] > 0:
        when = table.loc[table[top].idxmax(), "month"]
        text += (
            f" {REGIME_SHORT.get(top, top)} peaked at {formats.plural(peaks[top], 'trust')} "
            f"in {formats.month_year(when)}."
        )
    return text


def groups_reading(group_counts: pd.DataFrame, show_cp: bool) -> str:
    """ "Of the 62 trusts that have been in SMQ, the most are Other SMQ or RSP trusts (30); 155 of all 217 never were." """
    if group_counts.empty:
        return ""
    counts = dict(zip(group_counts["evaluation_group"], group_counts["trusts"].astype(int), strict=True))
    total = sum(counts.values())
    never = counts.get("never", 0)
    where = "SMQ or on the CP list" if show_cp else "SMQ"
    regime = {g: n for g, n in counts.items() if g != "never"}
    if not regime or not sum(regime.values()):
        return f"None of the {formats.plural(total, 'trust')} has been in {where}."
    largest = max(regime, key=lambda g: (regime[g], -GROUPS.index(g) if g in GROUPS else 0))
    text = (
        f"Of the {formats.plural(sum(regime.values()), 'trust')} that have been in {where}, the most are "
        f"{group_label(largest, show_cp)} ({formats.count(regime[largest])})"
    )
    if never:
        text += f"; {formats.count(never)} of all {formats.count(total)} never were"
    return text + "."


def uptake_reading(table: pd.DataFrame) -> str:
    """ "Most SMQ trusts received an Improvement Director (41 of 52)", from `report.uptake_by_group`."""
    if table.empty:
        return ""
    smq = table[~table["evaluation_group"].isin(NON_SMQ_GROUPS)]
    trusts = int(smq.drop_duplicates("evaluation_group")["trusts"].sum())
    if not trusts:
        return "No trust within these filters has been in SMQ."
    delivered = smq.groupby("intervention")["delivered"].sum()
    best = max(INTERVENTIONS, key=lambda i: (int(delivered.get(i, 0)), -INTERVENTIONS.index(i)))
    n = int(delivered.get(best, 0))
    phrase = INTERVENTION_PHRASES.get(best, label(INTERVENTION_LABELS, best).lower())
    share = f"({formats.count(n)} of {formats.count(trusts)})"
    if n == 0:
        return f"No delivered intervention is recorded for the {formats.plural(trusts, 'SMQ trust')}."
    if n == trusts:
        return f"Every SMQ trust received {phrase} {share}."
    if 2 * n > trusts:
        return f"Most SMQ trusts received {phrase} {share}."
    if 2 * n == trusts:
        return f"Half of the SMQ trusts received {phrase} {share}."
    return f"Fewer than half of the SMQ trusts received any one intervention; the most common was {phrase} {share}."


def costs_reading(outcomes: pd.DataFrame, show_cp: bool) -> str:
    """ "Median cost per trust was highest for Prolonged poor performers (£1.2m); 4 of 10 of them have left SMQ." """
    if outcomes.empty:
        return ""
    costs = outcomes["median_total_cost_gbp"].fillna(0)
    if not (costs > 0).any():
        return "No costs are recorded for these trusts."
    row = outcomes.loc[costs.idxmax()]
    text = (
        f"Median cost per trust was highest for {group_label(row['evaluation_group'], show_cp)} "
        f"({formats.money_short(row['median_total_cost_gbp'])})"
    )
    smq, exited = int(row["smq_trusts"]), int(row["exited"])
    if smq == 1:
        text += "; its one SMQ trust has " + ("left SMQ" if exited else "not left SMQ")
    elif smq and exited == smq:
        text += f"; all {formats.count(smq)} of its SMQ trusts have left SMQ"
    elif smq:
        text += f"; {formats.count(exited)} of its {formats.count(smq)} SMQ trusts have left SMQ"
    return text + "."


def effect_digits(*values: float) -> int:
    """Decimals that show an estimate and its limits: one for changes of 1 or more, enough for
    the largest of them to keep a significant figure below that (0.05 → 2, 0.004 → 3; at most 4)."""
    largest = max((abs(float(v)) for v in values if not formats.is_missing(v)), default=0.0)
    if largest == 0 or not np.isfinite(largest):
        return 1
    return int(min(4, max(1, -np.floor(np.log10(largest)))))


def _interval(low: float, high: float, digits: int) -> str:
    return f"{formats.number(low, digits, trim=False)} to {formats.number(high, digits, trim=False)}"


def change_words(value: float, low: float, high: float, what: str, up: str, down: str, per: str = "") -> str:
    """ "level higher by 2.1 (95% CI 1.4 to 2.8)"; "no clear change in trend (...)" when the
    interval covers zero. Better or worse is not said: that needs the metric's direction."""
    digits = effect_digits(value, low, high)
    interval = f"95% CI {_interval(low, high, digits)}"
    if low <= 0 <= high:
        return f"no clear change in {what} ({formats.signed(value, digits)}{per}, {interval})"
    words = up if value > 0 else down
    return f"{what} {words} {formats.number(abs(value), digits, trim=False)}{per} ({interval})"


def effects_reading(rows: pd.DataFrame, show_cp: bool) -> str:
    """ "All filtered trusts: level higher by 2.1 (95% CI 1.4 to 2.8) after the event; no clear
    change in trend (-0.1 a month, 95% CI -0.2 to 0.1)." From the `all` row when it has estimates."""
    estimated = rows.dropna(subset=["level_change", "slope_change"])
    if estimated.empty:
        return ""
    chosen = estimated[estimated["group"] == ALL_GROUP]
    row = (chosen if not chosen.empty else estimated).iloc[0]
    level = change_words(
        row["level_change"],
        row["level_change_low"],
        row["level_change_high"],
        "level",
        "higher by",
        "lower by",
    )
    trend = change_words(
        row["slope_change"],
        row["slope_change_low"],
        row["slope_change_high"],
        "trend",
        "up",
        "down",
        " a month",
    )
    return f"{group_label(row['group'], show_cp)}: {level} after the event; {trend}."


def _signed_format(digits: int) -> str:
    """A spreadsheet format for signed changes with `digits` decimals: +2.1, -0.4, 0."""
    number = "#,##0" + ("." + "0" * digits if digits else "")
    return f"+{number};-{number};0"


# --------------------------------------------------------------------------------------------
# Notes tables


def _tsv(headers: list[str], rows: list[list[str]]) -> str:
    return "\n".join("\t".join(str(c) for c in line) for line in [headers, *rows])


# --------------------------------------------------------------------------------------------
# Drawing


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class SlidePlan:
    """One chart slide: what it says and how its chart is drawn (None: the slide says why not)."""

    title: str
    reading: str
    notes: str
    draw: Callable[[Slide, Box], None] | None
    empty_message: str = ""


CHART_BOX = Box(MARGIN, Inches(1.85), SLIDE_WIDTH - 2 * MARGIN, Inches(4.65))


def _text(
    slide: Slide,
    box: Box,
    lines: list[str] | str,
    size: int,
    colour: str = theme.TEXT_COLOUR,
    bold: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    name: str | None = None,
):
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    if name:
        shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.name = FONT
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)
    return shape


def _title(slide: Slide, text: str, size: int = 28) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        MARGIN,
        Inches(0.3),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(0.8),
    )
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.text = text
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = True
        run.font.name = FONT
        run.font.color.rgb = _rgb(theme.NHS_BLUE)


def _footer(slide: Slide, prov: marking.Provenance, number: int, total: int, source: bool) -> None:
    """The source line (chart slides), the marking when due, and the slide number."""
    width = SLIDE_WIDTH - 2 * MARGIN
    if source:
        _text(
            slide,
            Box(MARGIN, Inches(6.55), width, Inches(0.35)),
            prov.source_line(),
            11,
            theme.MUTED_TEXT_COLOUR,
            name="Source",
        )
    if prov.marking:
        _text(
            slide,
            Box(MARGIN, Inches(6.95), width - Inches(1.2), Inches(0.4)),
            prov.marking,
            12,
            theme.DARK_RED,
            bold=True,
            name="Marking",
        )
    _text(
        slide,
        Box(SLIDE_WIDTH - MARGIN - Inches(1.2), Inches(6.95), Inches(1.2), Inches(0.4)),
        f"{number} of {total}",
        11,
        theme.MUTED_TEXT_COLOUR,
        align=PP_ALIGN.RIGHT,
        name="Slide number",
    )


def _notes(slide: Slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _describe(shape, text: str) -> None:
    """Alternative text for a chart, read out by screen readers."""
    shape._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].set("descr", text)


def _style_chart(chart: Chart, legend: bool) -> None:
    chart.font.name = FONT
    chart.font.size = Pt(12)
    chart.font.color.rgb = _rgb(theme.TEXT_COLOUR)
    chart.has_title = False
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(12)


def nice_step(largest: float, intervals: int = 4) -> float | None:
    """A round gridline step (1, 2, 2.5 or 5 times a power of ten) giving at most `intervals`
    steps up to `largest`, so a half-width chart's axis labels do not run into each other."""
    if not largest or largest <= 0 or not math.isfinite(largest):
        return None
    power = 10 ** math.floor(math.log10(largest / intervals))
    for factor in (1, 2, 2.5, 5, 10):
        if largest / (factor * power) <= intervals:
            return factor * power
    return 10 * power


def _style_value_axis(
    chart: Chart,
    number_format: str,
    minimum: float | None = None,
    maximum=None,
    major_unit: float | None = None,
) -> None:
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(theme.GRID_COLOUR)
    axis.format.line.fill.background()
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.color.rgb = _rgb(theme.MUTED_TEXT_COLOUR)
    if minimum is not None:
        axis.minimum_scale = minimum
    if maximum is not None:
        axis.maximum_scale = maximum
    if major_unit is not None:
        axis.major_unit = major_unit


def _style_category_axis(chart: Chart, reverse: bool = False) -> None:
    axis = chart.category_axis
    axis.format.line.color.rgb = _rgb(theme.AXIS_LINE_COLOUR)
    axis.tick_labels.font.color.rgb = _rgb(theme.TEXT_COLOUR)
    axis.has_major_gridlines = False
    if reverse:  # bar charts draw their first category at the bottom; readers expect it on top
        axis.reverse_order = True
        # ...and the value axis would follow the first category to the top: it crosses the
        # category axis at its last category instead, the bottom. (python-pptx's `crosses`
        # setter leaves "autoZero" in place, so the element is set directly.)
        for crosses in chart._chartSpace.findall(".//" + qn("c:valAx") + "/" + qn("c:crosses")):
            crosses.set("val", "max")


def _add_chart(slide: Slide, kind, data: CategoryChartData, box: Box, description: str) -> Chart:
    frame = slide.shapes.add_chart(kind, box.left, box.top, box.width, box.height, data)
    frame.name = "Chart"
    _describe(frame, description)
    return frame.chart


def _colour_points(chart: Chart, colours: list[str]) -> None:
    series = chart.plots[0].series[0]
    for i, colour in enumerate(colours):
        fill = series.points[i].format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(colour)


def _fill_series(series, colour: str) -> None:
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = _rgb(colour)
    series.invert_if_negative = False


def _data_labels(
    chart: Chart, number_format: str, position=XL_LABEL_POSITION.OUTSIDE_END, size: int = 11
) -> None:
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.position = position
    labels.font.size = Pt(size)
    labels.font.color.rgb = _rgb(theme.TEXT_COLOUR)


def _error_bars(series, lows: list[float], highs: list[float], values: list[float]) -> None:
    """Custom error bars from each value down to its low and up to its high (95% limits).

    python-pptx has no API for error bars; this writes the DrawingML ``c:errBars`` element in
    the place the schema gives it (after the data labels, before the categories).
    """
    ser = series._element
    bars = etree.SubElement(ser, qn("c:errBars"))
    etree.SubElement(bars, qn("c:errBarType")).set("val", "both")
    etree.SubElement(bars, qn("c:errValType")).set("val", "cust")
    etree.SubElement(bars, qn("c:noEndCap")).set("val", "0")
    for tag, amounts in (("c:plus", np.subtract(highs, values)), ("c:minus", np.subtract(values, lows))):
        source = etree.SubElement(bars, qn(tag))
        literal = etree.SubElement(source, qn("c:numLit"))
        etree.SubElement(literal, qn("c:formatCode")).text = "General"
        etree.SubElement(literal, qn("c:ptCount")).set("val", str(len(amounts)))
        for i, amount in enumerate(amounts):
            point = etree.SubElement(literal, qn("c:pt"))
            point.set("idx", str(i))
            etree.SubElement(point, qn("c:v")).text = repr(float(amount))
    line = etree.SubElement(etree.SubElement(bars, qn("c:spPr")), qn("a:ln"))
    line.set("w", str(Pt(1.5)))
    fill = etree.SubElement(line, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", theme.NHS_BLACK.lstrip("#"))
    # Move it before c:cat, where the schema puts it.
    anchor = ser.find(qn("c:cat"))
    if anchor is not None:
        anchor.addprevious(bars)


def _date_axis_by_year(chart: Chart) -> None:
    axis = chart._chartSpace.find(".//" + qn("c:dateAx"))
    if axis is None:
        return
    base = axis.find(qn("c:baseTimeUnit"))
    if base is None:
        base = etree.SubElement(axis, qn("c:baseTimeUnit"))
    base.set("val", "months")
    major = etree.Element(qn("c:majorUnit"))
    major.set("val", "12")
    unit = etree.Element(qn("c:majorTimeUnit"))
    unit.set("val", "months")
    base.addnext(major)
    major.addnext(unit)


# --------------------------------------------------------------------------------------------
# Slide plans


def _counts_plan(content: report.PackContent) -> SlidePlan:
    table = counts_table(content)
    regimes = [c for c in table.columns if c != "month"]
    words = [REGIME_WORDS.get(r, r) for r in regimes] or [REGIME_WORDS["smq"]]
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    title = f"Trusts {joined}, month by month"
    if table.empty or not regimes:
        return SlidePlan(
            "Trusts in SMQ, month by month",
            "",
            "No months to count.",
            None,
            "No trust within these filters was in SMQ" + (" or on the CP list." if content.show_cp else "."),
        )
    headers = ["Month"] + [REGIME_SERIES.get(r, r) for r in regimes]
    rows = [
        [formats.month_year(r["month"])] + [formats.count(r[g]) for g in regimes] for _, r in table.iterrows()
    ]
    notes = (
        "Trusts in each regime, counted on the last day of each month (the last month on the data's as-of date).\n"
        + _tsv(headers, rows)
    )
    reading = counts_reading(table)

    def draw(slide: Slide, box: Box) -> None:
        data = CategoryChartData(number_format=formats.EXCEL_FORMATS["count"])
        data.categories = [m.date() for m in table["month"]]
        for regime in regimes:
            data.add_series(REGIME_SERIES.get(regime, regime), [int(v) for v in table[regime]])
        chart = _add_chart(slide, XL_CHART_TYPE.LINE, data, box, f"{title}. {reading}")
        _style_chart(chart, legend=True)
        for series, regime in zip(chart.plots[0].series, regimes, strict=True):
            series.smooth = False
            series.marker.style = XL_MARKER_STYLE.NONE
            line = series.format.line
            line.color.rgb = _rgb(regime_colour(regime))
            line.width = Pt(2.5)
            line.dash_style = REGIME_DASHES.get(regime, MSO_LINE_DASH_STYLE.SOLID)
        axis = chart.category_axis
        axis.tick_labels.number_format = formats.EXCEL_FORMATS["month"]
        axis.tick_labels.number_format_is_linked = False
        _style_category_axis(chart)
        _date_axis_by_year(chart)
        _style_value_axis(chart, formats.EXCEL_FORMATS["count"], minimum=0)

    return SlidePlan(title, reading, notes, draw)


def _groups_plan(content: report.PackContent) -> SlidePlan:
    title = "Trusts by evaluation group"
    counts = content.group_counts[content.group_counts["trusts"] > 0]
    if not content.show_cp:
        counts = counts[~counts["evaluation_group"].isin(CP_GROUPS)]
    if counts.empty:
        return SlidePlan(title, "", "No trusts.", None, "No trusts match the filters.")
    codes = list(counts["evaluation_group"])
    values = [int(v) for v in counts["trusts"]]
    labels = [group_label(c, content.show_cp) for c in codes]
    total = sum(values)
    notes = (
        "Trusts in each evaluation group (first matching rule; the trusts file may override it).\n"
        + _tsv(
            ["Evaluation group", "Trusts", "Share"],
            [[n, formats.count(v), formats.percent(v / total)] for n, v in zip(labels, values, strict=True)]
            + [["All", formats.count(total), "100%"]],
        )
    )
    reading = groups_reading(counts, content.show_cp)

    def draw(slide: Slide, box: Box) -> None:
        data = CategoryChartData(number_format=formats.EXCEL_FORMATS["count"])
        data.categories = labels
        data.add_series("Trusts", values)
        chart = _add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, box, f"{title}. {reading}")
        _style_chart(chart, legend=False)
        chart.plots[0].gap_width = 60
        _colour_points(chart, [_group_colour(c) for c in codes])
        _data_labels(chart, formats.EXCEL_FORMATS["count"], size=12)
        _style_category_axis(chart, reverse=True)
        _style_value_axis(chart, formats.EXCEL_FORMATS["count"], minimum=0)

    return SlidePlan(title, reading, notes, draw)


def _uptake_plan(content: report.PackContent) -> SlidePlan:
    title = "Uptake of each intervention, by evaluation group"
    uptake = content.uptake
    if uptake is None:
        return SlidePlan(
            title, "", "Not gathered.", None, "Uptake by evaluation group was not gathered for this deck."
        )
    table = report.uptake_by_group(uptake)
    if not content.show_cp:
        table = table[~table["evaluation_group"].isin(CP_GROUPS)]
    if table.empty:
        return SlidePlan(
            title,
            "",
            "No trusts.",
            None,
            "No trusts with a regime episode or intervention match the filters.",
        )
    groups = [g for g in GROUPS if g in set(table["evaluation_group"])]
    sizes = table.drop_duplicates("evaluation_group").set_index("evaluation_group")["trusts"]
    cell = table.set_index(["intervention", "evaluation_group"])
    rows = [
        [label(INTERVENTION_LABELS, i)]
        + [
            formats.share_of(int(cell.loc[(i, g), "delivered"]), int(cell.loc[(i, g), "trusts"]))
            for g in groups
        ]
        for i in INTERVENTIONS
    ]
    headers = ["Intervention"] + [
        f"{group_label(g, content.show_cp)} ({formats.count(sizes[g])} trusts)" for g in groups
    ]
    notes = (
        "Trusts with each intervention delivered, of each evaluation group's trusts (those that have been in a "
        "regime or had an intervention recorded), as in the evaluation's Table 3.\n" + _tsv(headers, rows)
    )
    reading = uptake_reading(table)

    def draw(slide: Slide, box: Box) -> None:
        data = CategoryChartData(number_format=formats.EXCEL_FORMATS["percent"])
        data.categories = [label(INTERVENTION_LABELS, i) for i in INTERVENTIONS]
        for group in groups:
            shares = [float(cell.loc[(i, group), "share"]) for i in INTERVENTIONS]
            data.add_series(f"{group_label(group, content.show_cp)} ({formats.count(sizes[group])})", shares)
        chart = _add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, data, box, f"{title}. {reading}")
        _style_chart(chart, legend=True)
        chart.plots[0].gap_width = 50
        chart.plots[0].overlap = 0
        for series, group in zip(chart.plots[0].series, groups, strict=True):
            _fill_series(series, _group_colour(group))
        _style_category_axis(chart)
        _style_value_axis(chart, formats.EXCEL_FORMATS["percent"], minimum=0, maximum=1)

    return SlidePlan(title, reading, notes, draw)


def _costs_plan(content: report.PackContent) -> SlidePlan:
    title = "Costs beside consequences, by evaluation group"
    if content.costs is None:
        return SlidePlan(
            title, "", "Not gathered.", None, "Costs by evaluation group were not gathered for this deck."
        )
    outcomes = report.group_outcomes(content.costs)
    if not content.show_cp:
        outcomes = outcomes[~outcomes["evaluation_group"].isin(CP_GROUPS)]
    if outcomes.empty:
        return SlidePlan(
            title, "", "No trusts.", None, "No trusts with costs or a regime episode match the filters."
        )
    codes = list(outcomes["evaluation_group"])
    labels = [group_label(c, content.show_cp) for c in codes]
    records = outcomes.to_dict("records")
    rows = [
        [
            name,
            formats.count(r["trusts"]),
            formats.money(r["median_total_cost_gbp"]),
            formats.money(r["total_cost_gbp"]),
            formats.share_of(r["exited"], r["smq_trusts"]),
            formats.share_of(r["re_entered"], r["smq_trusts"]),
            formats.share_of(r["better"], r["rated"]),
        ]
        for name, r in zip(labels, records, strict=True)
    ]
    notes = (
        "Costs: every recorded cost row of each trust (all categories and payers). Left SMQ and re-entered SMQ are of "
        "the group's trusts that have been in SMQ; rating better compares the latest overall CQC rating with the one "
        "at first SMQ entry, of the trusts that have both.\n"
        + _tsv(
            [
                "Evaluation group",
                "Trusts",
                "Median cost per trust",
                "Total cost",
                "Left SMQ",
                "Re-entered SMQ",
                "Rating better than at SMQ entry",
            ],
            rows,
        )
    )
    reading = costs_reading(outcomes, content.show_cp)

    def share(r: dict, numerator: str, denominator: str) -> float | None:
        return r[numerator] / r[denominator] if r[denominator] else None

    def draw(slide: Slide, box: Box) -> None:
        half = (box.width - Inches(0.3)) // 2
        left = Box(box.left, box.top + Inches(0.35), half, box.height - Inches(0.35))
        right = Box(box.left + half + Inches(0.3), box.top + Inches(0.35), half, box.height - Inches(0.35))
        _text(slide, Box(left.left, box.top, half, Inches(0.35)), "Median cost per trust", 14, bold=True)
        _text(
            slide,
            Box(right.left, box.top, half, Inches(0.35)),
            "Consequences: share of the group's trusts",
            14,
            bold=True,
        )

        money = CategoryChartData(number_format=formats.EXCEL_FORMATS["gbp"])
        money.categories = labels
        money.add_series("Median cost per trust", [float(r["median_total_cost_gbp"]) for r in records])
        chart = _add_chart(
            slide, XL_CHART_TYPE.BAR_CLUSTERED, money, left, f"Median cost per trust by group. {reading}"
        )
        _style_chart(chart, legend=False)
        chart.plots[0].gap_width = 60
        _colour_points(chart, [_group_colour(c) for c in codes])
        _data_labels(chart, formats.EXCEL_FORMATS["gbp_short"])
        _style_category_axis(chart, reverse=True)
        largest = max((float(r["median_total_cost_gbp"]) for r in records), default=0.0)
        _style_value_axis(
            chart, formats.EXCEL_FORMATS["gbp_short"], minimum=0, major_unit=nice_step(largest * 1.15)
        )

        shares = CategoryChartData(number_format=formats.EXCEL_FORMATS["percent"])
        shares.categories = labels
        for name, numerator, denominator in CONSEQUENCES:
            shares.add_series(name, [share(r, numerator, denominator) for r in records])
        chart = _add_chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            shares,
            right,
            "Share of each group's trusts that left SMQ, re-entered SMQ, and whose rating is better than at SMQ entry.",
        )
        _style_chart(chart, legend=True)
        chart.plots[0].gap_width = 40
        for series, colour in zip(chart.plots[0].series, theme.COLORWAY, strict=False):
            _fill_series(series, colour)
        _data_labels(chart, formats.EXCEL_FORMATS["percent"], size=10)
        _style_category_axis(chart, reverse=True)
        _style_value_axis(chart, formats.EXCEL_FORMATS["percent"], minimum=0, maximum=1, major_unit=0.25)

    return SlidePlan(title, reading, notes, draw)


def _effects_plans(content: report.PackContent) -> list[SlidePlan]:
    effects = content.effects
    if effects is None:
        return []
    missing = [c for c in EFFECT_COLUMNS if c not in effects.columns]
    if missing:
        raise ValueError(f"effect estimates lack the columns {missing}")
    if not content.show_cp:
        effects = effects[~effects["group"].isin(CP_GROUPS)]
    if effects.empty:
        return [
            SlidePlan(
                "Effect estimates",
                "",
                "No estimates.",
                None,
                "No effect could be estimated for these filters.",
            )
        ]
    plans = []
    for metric_id in list(dict.fromkeys(effects["metric_id"]))[:MAX_EFFECT_SLIDES]:
        rows = effects[effects["metric_id"] == metric_id]
        plans.append(_effect_plan(metric_id, rows, content.show_cp))
    return plans


def _effect_plan(metric_id: str, rows: pd.DataFrame, show_cp: bool) -> SlidePlan:
    name = rows["metric_name"].iloc[0] if "metric_name" in rows.columns else metric_id
    title = f"Effect estimates: {name}"
    order = {g: i for i, g in enumerate((ALL_GROUP, *GROUPS))}
    rows = rows.assign(_order=rows["group"].map(order).fillna(len(order))).sort_values("_order")
    estimated = rows.dropna(subset=["level_change", "slope_change"])

    def limits(r: dict, column: str) -> str:
        if formats.is_missing(r[column]):
            return formats.MISSING
        digits = effect_digits(r[column], r[f"{column}_low"], r[f"{column}_high"])
        return _interval(r[f"{column}_low"], r[f"{column}_high"], digits)

    def estimate(r: dict, column: str) -> str:
        return formats.signed(r[column], effect_digits(r[column], r[f"{column}_low"], r[f"{column}_high"]))

    notes_rows = [
        [
            group_label(r["group"], show_cp),
            formats.count(r["trusts"]),
            formats.count(r["comparators"]),
            estimate(r, "level_change"),
            limits(r, "level_change"),
            estimate(r, "slope_change"),
            limits(r, "slope_change"),
            "" if formats.is_missing(r.get("note")) else str(r.get("note")),
        ]
        for r in rows.to_dict("records")
    ]
    notes = (
        f"Comparative interrupted time series for {metric_id}, 24 months either side of each trust's event: the "
        "change in level (post) and in slope (per month) of the difference from comparator trusts, with 95% "
        "confidence limits clustered by trust. A blank estimate had too little data.\n"
        + _tsv(
            [
                "Group",
                "Trusts",
                "Comparators",
                "Level change",
                "95% CI",
                "Slope change a month",
                "95% CI",
                "Note",
            ],
            notes_rows,
        )
    )
    if estimated.empty:
        return SlidePlan(title, "", notes, None, "Too little data to estimate an effect for any group.")
    reading = effects_reading(estimated, show_cp)
    codes = list(estimated["group"])
    labels = [group_label(c, show_cp) for c in codes]
    colours = [theme.NHS_DARK_GREY if c == ALL_GROUP else _group_colour(c) for c in codes]

    def draw(slide: Slide, box: Box) -> None:
        half = (box.width - Inches(0.3)) // 2
        boxes = (
            Box(box.left, box.top + Inches(0.35), half, box.height - Inches(0.35)),
            Box(box.left + half + Inches(0.3), box.top + Inches(0.35), half, box.height - Inches(0.35)),
        )
        for part, heading, (value, low, high) in zip(
            boxes,
            ("Change in level after the event", "Change in slope, a month"),
            (
                ("level_change", "level_change_low", "level_change_high"),
                ("slope_change", "slope_change_low", "slope_change_high"),
            ),
            strict=True,
        ):
            _text(slide, Box(part.left, box.top, half, Inches(0.35)), heading + " (95% CI)", 14, bold=True)
            values = [float(v) for v in estimated[value]]
            number_format = _signed_format(effect_digits(*values, *estimated[low], *estimated[high]))
            data = CategoryChartData(number_format=number_format)
            data.categories = labels
            data.add_series(heading, values)
            chart = _add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, part, f"{heading}. {reading}")
            _style_chart(chart, legend=False)
            chart.plots[0].gap_width = 80
            _colour_points(chart, colours)
            _error_bars(
                chart.plots[0].series[0],
                [float(v) for v in estimated[low]],
                [float(v) for v in estimated[high]],
                values,
            )
            _style_category_axis(chart, reverse=True)
            # Group names at the low end of the value axis, clear of bars that go below zero.
            chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
            _style_value_axis(chart, number_format)

    return SlidePlan(title, reading, notes, draw)


def slide_plans(content: report.PackContent) -> list[SlidePlan]:
    """The chart slides of the deck for this content, in order."""
    return [
        _counts_plan(content),
        _groups_plan(content),
        _uptake_plan(content),
        _costs_plan(content),
        *_effects_plans(content),
    ]


# --------------------------------------------------------------------------------------------
# The deck


def deck_provenance(content: report.PackContent) -> marking.Provenance:
    """The provenance of a deck made from this content: CP information is what its charts show."""
    return report.export_provenance(content, "findings", summaries=False)


def deck_filename(provenance: marking.Provenance) -> str:
    """``smq-monitor-findings-<filters>-<as-of>.pptx``."""
    return provenance.file_name("pptx")


def _title_slide(prs, content: report.PackContent, prov: marking.Provenance) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    _title(slide, DECK_TITLE, 40)
    slide.shapes.title.top = Inches(0.9)
    slide.shapes.title.height = Inches(1.0)
    width = SLIDE_WIDTH - 2 * MARGIN
    _text(
        slide,
        Box(MARGIN, Inches(1.9), width, Inches(0.6)),
        f"Data as of {prov.as_of_words} · {prov.dataset_words}",
        22,
        theme.NHS_DARK_BLUE,
        name="Subtitle",
    )
    lines = [f"{name}: {value}" for name, value in prov.details() if name != "Data as of"]
    _text(slide, Box(MARGIN, Inches(2.7), width, Inches(2.2)), lines, 16, name="Details")
    top = Inches(5.0)
    for words, colour, name in (
        (
            prov.synthetic_words and f"{prov.synthetic_words}: trusts, names and numbers are invented.",
            theme.NHS_BLACK,
            "Synthetic",
        ),
        (prov.marking, theme.DARK_RED, "Marking notice"),
    ):
        if not words:
            continue
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, top, Inches(0.12), Inches(0.55))
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(theme.NHS_WARM_YELLOW if name == "Synthetic" else theme.DARK_RED)
        bar.line.fill.background()
        _text(
            slide,
            Box(MARGIN + Inches(0.25), top, width - Inches(0.25), Inches(0.55)),
            words,
            16,
            colour,
            bold=True,
            anchor=MSO_ANCHOR.MIDDLE,
            name=name,
        )
        top += Inches(0.7)
    _notes(
        slide,
        "\n".join(
            [f"{k}: {v}" for k, v in prov.details()]
            + (["", "Data notes:"] + [f"- {n}" for n in content.data_notes])
        ),
    )
    return slide


def _chart_slide(prs, plan: SlidePlan) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    _title(slide, plan.title)
    width = SLIDE_WIDTH - 2 * MARGIN
    if plan.draw is None:
        _text(
            slide,
            Box(MARGIN, Inches(2.5), width, Inches(1.5)),
            plan.empty_message,
            22,
            theme.MUTED_TEXT_COLOUR,
            align=PP_ALIGN.CENTER,
            anchor=MSO_ANCHOR.MIDDLE,
            name="No data",
        )
        _notes(slide, plan.empty_message + ("\n" + plan.notes if plan.notes else ""))
        return slide
    _text(slide, Box(MARGIN, Inches(1.05), width, Inches(0.75)), plan.reading, 16, name="Reading")
    plan.draw(slide, CHART_BOX)
    _notes(slide, plan.reading + "\n\n" + plan.notes)
    return slide


def build_deck(content: report.PackContent, provenance: marking.Provenance | None = None) -> bytes:
    """The findings deck as the bytes of a .pptx file (see the module notes).

    `provenance` defaults to `deck_provenance(content)`. Whatever it says, a deck whose charts
    show CP information carries the marking: a caller cannot leave it off.
    """
    prov = provenance or deck_provenance(content)
    if not prov.includes_cp and report.content_cp_reasons(content, summaries=False):
        prov = replace(prov, includes_cp=True)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    properties = prs.core_properties
    properties.title = f"{DECK_TITLE}: data as of {prov.as_of_words}"
    properties.author = marking.PRODUCT
    properties.last_modified_by = marking.PRODUCT
    properties.subject = prov.filters_words
    properties.keywords = "; ".join(w for w in (prov.marking, prov.synthetic_words) if w)
    properties.category = prov.marking or ""
    properties.comments = prov.source_line()
    properties.created = properties.modified = prov.generated_at.replace(tzinfo=None)
    properties.language = "en-GB"
    properties.revision = 1

    plans = slide_plans(content)
    total = 1 + len(plans)
    title = _title_slide(prs, content, prov)
    _footer(title, prov, 1, total, source=False)
    for number, plan in enumerate(plans, start=2):
        _footer(_chart_slide(prs, plan), prov, number, total, source=True)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
