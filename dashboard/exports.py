"""What a CSV download says about itself: its provenance and, on request, words for codes (pure).

`?provenance=1` puts one comment line (``# ...``, `marking.Provenance.csv_comment`) before the
header; without it the header comes first, as scripts reading the contract's CSV expect. The file
name always carries the view, the main filters and the as-of date. `?labels=1` turns codes into
the words the pages use and column names into headings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd

from dashboard import labels, marking
from data_access.filters import Filters

# Columns whose codes have words, and where the words are.
CODE_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "evaluation_group": labels.GROUP_LABELS,
    "group": labels.GROUP_LABELS,
    "trust_type": labels.TYPE_LABELS,
    "regime": labels.REGIME_LABELS,
    "current_regime": {**labels.REGIME_LABELS, "none": "None"},
    "rating": labels.RATING_LABELS,
    "rating_at_smq_entry": labels.RATING_LABELS,
    "latest_rating": labels.RATING_LABELS,
    "domain": labels.DOMAIN_LABELS,
    "intervention": labels.INTERVENTION_LABELS,
    "status": labels.STATUS_LABELS,
    "category": labels.COST_CATEGORY_LABELS,
    "payer": labels.PAYER_LABELS,
    "variation": labels.VARIATION_LABELS,
    **{code: labels.STATUS_LABELS for code in labels.INTERVENTION_LABELS},  # uptake's columns
}
HEADINGS: Mapping[str, str] = {
    "trust_code": "Trust code",
    "trust_name": "Trust",
    "trust_type": "Trust type",
    "evaluation_group": "Evaluation group",
    "current_regime": "Current regime",
    "start_date": "Start date",
    "end_date": "End date",
    "publication_date": "Published",
    "period_start": "Period starting",
    "metric_id": "Metric",
    "months_from_event": "Months from the event",
    "total_cost_gbp": "Total cost (£)",
    "smq_days": "Days in intensive support",
    "exited_smq": "Exited intensive support",
    "re_entered_smq": "Re-entered intensive support",
    "rating_at_smq_entry": "Overall rating at entry",
    "latest_rating": "Latest overall rating",
    "lower_limit": "Lower process limit",
    "upper_limit": "Upper process limit",
    **{code: words for code, words in labels.INTERVENTION_LABELS.items()},
    **{f"cost_{code}_gbp": f"{words} (£)" for code, words in labels.COST_CATEGORY_LABELS.items()},
}


def heading(column: str) -> str:
    return HEADINGS.get(column) or column.replace("_", " ").capitalize()


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with words for codes and headings for column names (the numbers unchanged)."""
    out = frame.copy()
    for column, words in CODE_COLUMNS.items():
        if column in out.columns:
            codes = out[column]
            out[column] = codes.map(lambda c, words=words: words.get(c, c) if isinstance(c, str) else c)
    return out.rename(columns={c: heading(str(c)) for c in out.columns})


def csv_provenance(
    view: str,
    *,
    info: Mapping,
    as_of: date,
    filters: Filters,
    filter_words: list[str],
    audience: str,
    includes_cp: bool,
    now: datetime,
) -> marking.Provenance:
    return marking.Provenance(
        dataset_name=info.get("name"),
        as_of=as_of,
        synthetic=bool(info.get("synthetic")),
        filter_words=tuple(filter_words),
        audience=audience,
        includes_cp=includes_cp,
        generated_at=now,
        view=view,
        filter_tokens=marking.filter_tokens(filters, includes_cp),
        licence=info.get("licence"),
    )
