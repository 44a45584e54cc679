"""Count axes tick at whole numbers only: small counts never read "0.2 trusts" or "1, 1, 1"."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.figures import interventions, overview, timelines


def test_a_few_trusts_tick_one_by_one_and_many_trusts_keep_plotlys_steps():
    few = pd.DataFrame({"evaluation_group": ["never", "never", "clear_improver"], "trust_type": "acute"})
    axis = overview.distribution_figure(few, "group").layout.xaxis
    assert (axis.dtick, axis.tick0, axis.tickformat) == (1, 0, ",d")
    many = pd.DataFrame({"evaluation_group": ["never"] * 120, "trust_type": "acute"})
    axis = overview.distribution_figure(many, "group").layout.xaxis
    assert axis.dtick is None and axis.tickformat == ",d"


def test_monthly_counts_axis_follows_only_the_regimes_shown():
    months = pd.to_datetime(["2016-01-01", "2016-02-01"])
    counts = pd.DataFrame(
        {
            "month": list(months) * 2,
            "regime": ["smq", "smq", "cp", "cp"],
            "trusts": [2, 3, 40, 41],
            "counted_on": list(months) * 2,
        }
    )
    public = timelines.counts_figure(counts, date(2016, 3, 1), show_cp=False).layout.yaxis
    assert public.dtick == 1  # the CP counts a public chart leaves out do not set its scale
    everything = timelines.counts_figure(counts, date(2016, 3, 1), show_cp=True).layout.yaxis
    assert everything.dtick is None and everything.tickformat == ",d"


def test_uptake_counts_tick_whole_trusts():
    uptake = pd.DataFrame(
        {
            "trust_code": ["RAA", "RBB"],
            "evaluation_group": ["never", "never"],
            "improvement_director": ["delivered", ""],
        }
    )
    for column in (
        "buddying",
        "central_funding",
        "leadership_change",
        "deep_dive",
        "oversight_group",
        "other",
    ):
        uptake[column] = ""
    axis = interventions.counts_figure(uptake).layout.xaxis
    assert axis.dtick == 1 and axis.tickformat == ",d"
