"""NHS Oversight Framework segments: every trust's quarterly `nof_segment` from 2025/26.

The framework segments every trust each quarter, 1 (highest performing) to 4, and puts the
trusts in intensive support, the RSP, in segment 5. Values are stored as the `nof` converter
stores them (contract §6): at the first day of the quarter's last month, the first quarter of
2025/26 (April to June 2025) at 2025-06-01.

A trust's segment follows its history: 5 exactly while it is in the RSP on the period's date;
mostly 3 or 4 for a trust that left intensive support in the three years before, that is about
to enter it, or that has been on the CP list; mostly 1 or 2 for the others, by their latent
quality (the weakest of them 3).
Segments move little from one quarter to the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from data_access.demo.common import AS_OF, add_months
from data_access.demo.trusts import TrustPlan

SEGMENT = "nof_segment"
FIRST_QUARTER = dt.date(2025, 6, 1)  # Q1 2025/26, the first the framework published (September 2025)
INTENSIVE_SEGMENT = 5

SEGMENT_METRIC: dict[str, object] = {
    "metric_id": SEGMENT,
    "name": "NHS Oversight Framework segment",
    "unit": "score",
    "higher_is_better": "false",
    "frequency": "quarterly",
    "applies_to": None,
    "source": "Synthetic; modelled on the NHS Oversight Framework segmentation",
    "description": (
        "The trust's segment, 1 (highest performing) to 4, and 5 for trusts in intensive support "
        "(the Recovery Support Programme). Stored at the first day of the quarter's last month."
    ),
    "domain": None,
}


def quarters() -> list[dt.date]:
    """Period dates of the quarters from Q1 2025/26 up to the as-of date."""
    out, day = [], FIRST_QUARTER
    while day <= AS_OF:
        out.append(day)
        day = add_months(day, 3)
    return out


def in_rsp(plan: TrustPlan, day: dt.date) -> bool:
    return any(
        e.regime == "rsp" and e.start <= day and (e.end is None or day <= e.end) for e in plan.episodes
    )


def _watched(plan: TrustPlan, day: dt.date) -> bool:
    """Left intensive support in the three years before `day`, enters it within a year, or has been on the CP list."""
    recent = any(s.end is not None and add_months(s.end, 36) >= day and s.end < day for s in plan.spells)
    coming = any(day < s.start <= add_months(day, 12) for s in plan.spells)
    return recent or coming or bool(plan.cp)


def segment_values(rng: np.random.Generator, plans: Sequence[TrustPlan]) -> pd.DataFrame:
    """One `nof_segment` row per trust and quarter (metric_values columns)."""
    periods = quarters()
    rows: list[dict[str, object]] = []
    for plan in plans:
        # Most trusts outside the regimes are in segments 1 and 2; the weakest few are in 3, so a
        # 3 or 4 on its own does not single out the trusts that were on the confidential CP list.
        latent = plan.quality + rng.normal(0, 0.5)
        usual = 1 if latent > 0.6 else 2 if latent > -0.8 else 3
        watched_level = int(rng.choice((3, 4), p=(0.55, 0.45)))
        drift = rng.random(len(periods))
        for j, day in enumerate(periods):
            if in_rsp(plan, day):
                segment = INTENSIVE_SEGMENT
            elif _watched(plan, day):
                segment = watched_level
                if drift[j] < 0.12:  # a quarter a notch better or worse
                    segment = 2 if segment == 3 else 3
            else:
                segment = usual
                if drift[j] < 0.1:  # a quarter a notch better or worse
                    segment = 2 if segment != 2 else 1 + 2 * int(latent < 0)
            rows.append(
                {
                    "trust_code": plan.code,
                    "metric_id": SEGMENT,
                    "period_start": day.isoformat(),
                    "value": float(segment),
                    "numerator": np.nan,
                    "denominator": np.nan,
                }
            )
    return pd.DataFrame(rows)
