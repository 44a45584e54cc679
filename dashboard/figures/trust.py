"""Trust profile builders (pure): regime timeline, ratings grid, progress indicators."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go

from dashboard import cca, formats, spc, theme
from dashboard.alignment import month_index
from dashboard.labels import GROUP_LABELS, REGIME_LABELS
from data_access.vocab import DOMAINS

SEGMENT_ROW = "NOF segment"
SEGMENT_METRIC = "nof_segment"


def segment_quarters(values: pd.DataFrame) -> pd.DataFrame:
    """A trust's quarterly NHS Oversight Framework segments (metric `nof_segment`, dated at the
    first day of the quarter's last month, contract §6) as quarters: start, end, segment 1–5."""
    rows = (
        values[values["metric_id"] == SEGMENT_METRIC].dropna(subset=["value"]) if not values.empty else values
    )
    if rows.empty:
        return pd.DataFrame(columns=["start", "end", "segment"])
    last_month = pd.to_datetime(rows["period_start"])
    segment = rows["value"].round().astype(int).clip(1, 5)
    quarters = pd.DataFrame(
        {
            "start": last_month - pd.DateOffset(months=2),
            "end": last_month + pd.DateOffset(months=1),
            "segment": segment.to_numpy(),
        }
    )
    return quarters.sort_values("start").reset_index(drop=True)


def regime_figure(
    episodes: pd.DataFrame, as_of: date, name: str, segments: pd.DataFrame | None = None
) -> go.Figure:
    """The trust's regime episodes as bars, and below them its NOF segment, quarter by quarter,
    when the data has them."""
    segments = segments if segments is not None else pd.DataFrame(columns=["start", "end", "segment"])
    if episodes.empty and segments.empty:
        return theme.empty_figure(f"{name} has no SMQ or RSP episode (or none you may see).")
    figure = theme.base_figure("Regime timeline" if segments.empty else "Regime timeline and NOF segment")
    rows = []
    for regime in ("smq", "rsp", "cp"):
        part = episodes[episodes["regime"] == regime] if not episodes.empty else episodes
        if part.empty:
            continue
        rows.append(REGIME_LABELS[regime])
        ends = part["end_date"].fillna(pd.Timestamp(as_of))
        figure.add_bar(
            y=[REGIME_LABELS[regime]] * len(part),
            x=(ends - part["start_date"]).dt.days * 86_400_000,
            base=part["start_date"],
            orientation="h",
            name=REGIME_LABELS[regime],
            marker={
                "color": theme.REGIME_COLOURS[regime],
                "pattern": {"shape": theme.REGIME_PATTERNS[regime]},
            },
            customdata=list(
                zip(
                    [formats.display_date(s) for s in part["start_date"]],
                    [("ongoing" if pd.isna(e) else formats.display_date(e)) for e in part["end_date"]],
                    part["days"],
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]} – %{customdata[1]} (%{customdata[2]} days)<extra></extra>",
        )
    if not segments.empty:
        rows.append(SEGMENT_ROW)
        for segment in sorted(segments["segment"].unique()):
            part = segments[segments["segment"] == segment]
            figure.add_bar(
                y=[SEGMENT_ROW] * len(part),
                x=(part["end"] - part["start"]).dt.days * 86_400_000,
                base=part["start"],
                orientation="h",
                name=f"Segment {segment}",
                text=[str(segment)] * len(part),
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": theme.SEGMENT_TEXT[int(segment)]},
                marker={
                    "color": theme.SEGMENT_COLOURS[int(segment)],
                    "line": {"color": theme.WHITE, "width": 1},
                },
                customdata=list(
                    zip(part["start"].dt.strftime("%b %Y"), part["end"].dt.strftime("%b %Y"), strict=True)
                ),
                hovertemplate=(
                    f"Segment {segment} (1: least support needed; 5: intensive support)"
                    "<br>%{customdata[0]} – %{customdata[1]}<extra></extra>"
                ),
            )
    figure.update_layout(
        height=120 + 40 * len(rows),
        xaxis={"type": "date"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(rows))},
        showlegend=False,
        barmode="overlay",
        margin={"l": 200, "t": 40, "b": 30},
    )
    return figure


def ratings_grid(ratings: pd.DataFrame) -> pd.DataFrame:
    """Publication date × domain → rating (newest first)."""
    if ratings.empty:
        return pd.DataFrame()
    grid = ratings.pivot_table(index="publication_date", columns="domain", values="rating", aggfunc="first")
    return grid.reindex(columns=[d for d in DOMAINS if d in grid.columns]).sort_index(ascending=False)


SHOWN_DIGITS = 1  # the profile shows values to one decimal: judgements are made on what is shown


def change_words(before: float, after: float, higher_is_better: bool) -> tuple[str, str]:
    """(direction, judgement) of a change, each on its own: the direction says which way the
    value moved ("rose", "fell", "no change" once both are rounded as shown) and the judgement
    whether that is better ("improved", "worsened", or "no material change" when the rounded
    values are equal or the change is under `cca.LITTLE_CHANGE` of the baseline)."""
    if pd.isna(before) or pd.isna(after):
        return "", ""
    shown_before, shown_after = round(float(before), SHOWN_DIGITS), round(float(after), SHOWN_DIGITS)
    if shown_before == shown_after:
        return "no change", "no material change"
    direction = "rose" if shown_after > shown_before else "fell"
    judgement = cca.direction_words(shown_before, shown_after - shown_before, higher_is_better)
    return direction, "no material change" if judgement == "little change" else judgement


WINDOW_MONTHS = 12
"""Each like period is 12 months: a year, so every season is in it once."""
YEAR_ON = 12
"""The period after entry starts 12 months on (months 12–23): the same calendar months as the 12
before entry, two years later, once support has had a year to work."""
POINTS_A_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1}


def min_points(frequency: str | None) -> int:
    """Values a 12-month period needs before its mean is compared: half of those a metric of this
    frequency has in a year (6 monthly, 2 quarterly, the 1 annual), never a mean of one stray month."""
    return max(1, -(-POINTS_A_YEAR.get(str(frequency or "monthly"), 12) // 2))


def like_periods(series: pd.DataFrame, entry, exit_date, needed: int = 6) -> dict[str, float]:
    """Means of one trust's metric over like periods around its entry and its exit (contract
    `support_entry`/`support_exit` dates, or blank).

    ``before_entry``: the 12 months before the month of entry (months −12…−1 from it);
    ``year_on``: months 12…23 from it; ``before_exit``: the 12 months before the month of exit;
    ``after_exit``: the 12 from it (months 0…11). A period with fewer than ``needed`` values
    (:func:`min_points`), or with no event, is NaN."""
    out = dict.fromkeys(("before_entry", "year_on", "before_exit", "after_exit"), float("nan"))
    present = series.dropna(subset=["value"])
    if present.empty:
        return out
    months = month_index(present["period_start"]).to_numpy()
    values = present["value"].astype(float).to_numpy()

    def mean(event, first: int, last: int) -> float:
        if event is None or pd.isna(event):
            return float("nan")
        m = months - int(month_index(pd.Series([pd.Timestamp(event)])).iloc[0])
        chosen = values[(m >= first) & (m <= last)]
        return float(chosen.mean()) if len(chosen) >= needed else float("nan")

    out["before_entry"] = mean(entry, -WINDOW_MONTHS, -1)
    out["year_on"] = mean(entry, YEAR_ON, YEAR_ON + WINDOW_MONTHS - 1)
    out["before_exit"] = mean(exit_date, -WINDOW_MONTHS, -1)
    out["after_exit"] = mean(exit_date, 0, WINDOW_MONTHS - 1)
    return out


def entry_basis(trust: pd.Series) -> str:
    """What "entry" means on this trust's profile: its first SMQ entry when its first spell of
    intensive support began in SMQ, else entry into intensive support (a spell that began in the
    RSP); "" when it has never been in either."""
    support = trust.get("first_support_entry")
    if support is None or pd.isna(support):
        return ""
    smq = trust.get("first_smq_entry")
    return (
        "smq"
        if smq is not None and not pd.isna(smq) and pd.Timestamp(smq) == pd.Timestamp(support)
        else "support"
    )


def missing_words(event, last_month: int, as_of: date, no_event: str, later_missing: bool = True) -> str:
    """Why a like-period comparison is blank: no such event, the later period (ending
    `last_month` months from the event's month) missing and not yet over on `as_of`, or too few
    values."""
    if event is None or pd.isna(event):
        return no_event
    ends = pd.Timestamp(event).to_period("M") + last_month
    if later_missing and ends.to_timestamp(how="end") > pd.Timestamp(as_of):
        return f"Too soon: that period ends {ends.to_timestamp():%b %Y}"
    return "Too few values"


def exit_verdict(since_entry: str, after_exit: str) -> str:
    """The judgement after exit, read against the one since entry: whether a gain lasted."""
    if not after_exit:
        return ""
    if since_entry == "improved":
        return {
            "improved": "kept improving after exit",
            "worsened": "slipped back after exit",
        }.get(after_exit, "the gain held after exit")
    return f"{after_exit} after exit"


def sparkline_svg(chart: pd.DataFrame, width: int = 120, height: int = 32) -> str:
    """An XmR chart in miniature as an SVG data URI: the values as a line, the mean dashed, and
    each special-cause point in its SPC colour (as on the full chart)."""
    present = chart.dropna(subset=["value"]).reset_index(drop=True)
    if len(present) < 2:
        return ""
    values = present["value"].astype(float)
    limits = pd.concat([values, present["upper_limit"], present["lower_limit"]]).dropna().astype(float)
    low, high = float(limits.min()), float(limits.max())
    span = (high - low) or 1.0
    pad = 3

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + i * (width - 2 * pad) / (len(present) - 1)
        y = height - pad - (v - low) / span * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    points = " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in enumerate(values)))
    mean = present["mean"].dropna()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    if not mean.empty:
        _, y = xy(0, float(mean.iloc[-1]))
        parts.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{y}" y2="{y}" stroke="{theme.SPC_LINE_COLOURS["mean"]}" '
            'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    parts.append(
        f'<polyline fill="none" stroke="{theme.SPC_LINE_COLOURS["value"]}" stroke-width="1.5" points="{points}"/>'
    )
    for i, row in present.iterrows():
        if row["variation"] != "common_cause":
            x, y = xy(int(i), float(row["value"]))
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="2.5" fill="{theme.VARIATION_COLOURS[row["variation"]]}"/>'
            )
    parts.append("</svg>")
    return "data:image/svg+xml;utf8," + quote("".join(parts))


def comparator_words(others: int, group: str) -> str:
    """The comparator set named with its size: the viewer's role decides the groups it sees, so a
    verdict against "its group" must say which group, and how many trusts it holds."""
    name = GROUP_LABELS.get(group, group)
    if others == 0:
        return f"the other trusts in “{name}”, as your access shows that group"
    return (
        f"the {others} other trust{'s' if others != 1 else ''} in “{name}”, as your access shows that group"
    )


def indicators(
    values: pd.DataFrame, metrics: pd.DataFrame, trust: pd.Series, group_values: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """One row per metric: latest value, SPC icon, the change from the year before entry to the
    same months two years on and from the year before exit to the year after (`like_periods`),
    position against the group."""
    rows = []
    for metric in metrics.itertuples(index=False):
        series = (
            values[values["metric_id"] == metric.metric_id]
            .dropna(subset=["value"])
            .sort_values("period_start")
        )
        if series.empty:
            continue
        direction = spc.direction_from_polarity(bool(metric.higher_is_better))
        chart = spc.xmr(series["period_start"], series["value"], improvement_direction=direction)
        target = pd.to_numeric(getattr(metric, "target", None), errors="coerce")
        summary = spc.summarise(
            chart, improvement_direction=direction, target=None if pd.isna(target) else float(target)
        )
        entry, exit_date = trust.get("first_support_entry"), trust.get("first_support_exit")
        periods = like_periods(series, entry, exit_date, min_points(getattr(metric, "frequency", None)))
        latest_period = series["period_start"].iloc[-1]
        peers = group_values[
            (group_values["metric_id"] == metric.metric_id) & (group_values["period_start"] == latest_period)
        ]["value"].dropna()
        others = peers.drop(
            index=peers.index[group_values.loc[peers.index, "trust_code"] == trust["trust_code"]]
        )
        median = others.median() if len(others) else float("nan")
        latest = series["value"].iloc[-1]
        comparators = comparator_words(len(others), trust["evaluation_group"])
        if pd.isna(median):
            position = f"No comparison: none of {comparators} has a value for {latest_period:%b %Y}."
        elif abs(latest - median) < cca.LITTLE_CHANGE * max(abs(median), 1e-9):
            position = f"About the median of {comparators} ({formats.number(median, 1)})."
        else:
            better = latest > median if metric.higher_is_better else latest < median
            position = f"{'Better' if better else 'Worse'} than the median of {comparators} ({formats.number(median, 1)})."
        moved, judged = change_words(
            periods["before_entry"], periods["year_on"], bool(metric.higher_is_better)
        )
        exit_moved, exit_judged = change_words(
            periods["before_exit"], periods["after_exit"], bool(metric.higher_is_better)
        )
        rows.append(
            {
                "metric_id": metric.metric_id,
                "name": metric.name,
                "unit": metric.unit,
                "higher_is_better": bool(metric.higher_is_better),
                "latest_period": latest_period,
                "latest": latest,
                "variation_icon": summary.variation_icon,
                "assurance_icon": summary.assurance_icon or "",
                "sparkline": sparkline_svg(chart),
                "direction": moved,
                "change": judged,
                "before": periods["before_entry"],
                "after": periods["year_on"],
                "entry_note": ""
                if moved
                else missing_words(
                    entry,
                    YEAR_ON + WINDOW_MONTHS - 1,
                    as_of,
                    "Never in SMQ or the RSP",
                    bool(pd.isna(periods["year_on"])),
                ),
                "exit_note": ""
                if exit_moved
                else missing_words(
                    exit_date,
                    WINDOW_MONTHS - 1,
                    as_of,
                    "Has not left intensive support" if entry is not None and not pd.isna(entry) else "–",
                    bool(pd.isna(periods["after_exit"])),
                ),
                "exit_direction": exit_moved,
                "exit_change": exit_verdict(judged, exit_judged),
                "exit_judgement": exit_judged,
                "before_exit": periods["before_exit"],
                "after_exit": periods["after_exit"],
                "group_median": median,
                "position": position,
            }
        )
    return pd.DataFrame(rows)
