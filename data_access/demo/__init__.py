"""The synthetic demo dataset: invented trusts whose histories look like the real programme.

The dashboard has to be shown, tested and load-tested without the confidential Challenged
Providers (CP) list or any real trust's data, so this package invents a complete dataset in the
CSV format of the contract (§2) that carries the same signals as the real one, as of 31 March
2026 (the end of the first year of NOF segments):

* about 217 trusts at scale 1 with the real mix of trust types and regions, under codes
  ("Z" + 3 characters) and names (made-up place names) that cannot be mistaken for real trusts
  (`trusts`);
* the regimes in their eras (`docs/regimes.md`; `regimes`): Special Measures for Quality (SMQ)
  entries only from July 2013 (a first wave of 11) to June 2021; the trusts still in SMQ in July
  2021 end it on 13 July and go on in the Recovery Support Programme (RSP) from 14 July, one
  spell; RSP entries from August 2021 and exits from 2022; the confidential CP list from 2014.
  Histories are planned per trust as stories so that the evaluation-group rules of §3 give a
  known mix of groups (all six at every scale);
* CQC ratings every 2-3 years, an inadequate rating just before each SMQ entry and a
  re-inspection about a year later, so the ratings explain the groups (`ratings`);
* interventions and costs dated inside the episodes they belong to (the CP ones inside CP
  episodes, which is what the public view must hide) (`interventions`);
* monthly, quarterly and annual metric values from April 2011 to March 2026 with national
  trends, seasonality, trust effects, noise, gaps, and a decline before entry into intensive
  support followed by a recovery that differs by group, which is what the trajectory views exist
  to show (`metrics`); and every trust's quarterly NHS Oversight Framework segment from Q1
  2025/26, 5 while it is in the RSP (`segments`).

Calibrated at scale 1 to published figures (`docs/regimes.md`, `data/public/README.md`):

* 217 trusts, 62 of them in SMQ or on the CP list by October 2019 (the UCL and Nuffield Trust
  evaluation): 63 here;
* 11 trusts in the first wave of 16 July 2013 (Hansard); later SMQ entries drawn by year in the
  shape of the announced ones (2013: 14, 2014: 4, 2015: 7, 2016: 4, 2017: 6, 2018: 3, 2020: 1,
  a list that says it is incomplete), about 51 SMQ episodes in all;
* 12 trusts in SMQ and 19 exits on 29 March 2017 (CQC), 20 in SMQ in June 2018 (NHS
  Providers): about 15, 19 and 18 here;
* 7 trusts moved from SMQ into the RSP in July 2021, and their RSP exits spread like theirs
  (September 2021 to March 2026, one still in): 7 here;
* 20 providers in the RSP in December 2024 (NHS England board paper, 5 December 2024): about 20
  here; and about 15 trusts at a time in segment 5 of the 2025/26 framework: about 16 on the
  as-of date.

The CP list has no published figure at all; its share of the 62 follows the evaluation's four
groups.

Everything comes from one `numpy.random.default_rng(seed)`, so a seed and scale always give the
same frames. Metric values are built per metric as (trust x period) arrays rather than row by
row, so `scale=10` (about 2,170 trusts and 3 million values) stays fast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.demo.common import AS_OF
from data_access.demo.files import COLUMNS, to_frame, write_csvs
from data_access.demo.interventions import plan_costs, plan_interventions
from data_access.demo.metrics import deterioration_curves, metric_values_frame, metrics_frame
from data_access.demo.ratings import domain_ratings, plan_routine_inspections
from data_access.demo.regimes import assign_groups, plan_history, regime_trusts
from data_access.demo.segments import SEGMENT_METRIC, segment_values
from data_access.demo.trusts import make_trusts

__all__ = ["AS_OF", "COLUMNS", "generate", "write_csvs"]


def generate(seed: int = 42, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """Build the synthetic demo dataset: one frame per CSV file of the contract, keyed by stem.

    Every frame passes the importer's validation as written by `write_csvs`. The same seed and
    scale always give identical frames; `scale` multiplies the number of trusts (scale 1 is
    about 217) and the number of regime trusts in each evaluation group.
    """
    if not scale > 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng(seed)
    plans = make_trusts(rng, scale, at_least=2 * regime_trusts(scale))
    assign_groups(rng, plans, scale)
    for plan in plans:
        if plan.group != "never":
            plan_history(rng, plan)
    for plan in plans:
        plan_routine_inspections(rng, plan)

    trusts = to_frame(
        "trusts",
        [
            {
                "trust_code": p.code,
                "trust_name": p.name,
                "trust_type": p.trust_type,
                "region": p.region,
                "setting": p.setting,
                "teaching": "true" if p.teaching else "false",
                "evaluation_group": p.override,
            }
            for p in plans
        ],
    )
    episodes = to_frame(
        "regime_episodes",
        [
            {
                "trust_code": p.code,
                "regime": e.regime,
                "start_date": e.start,
                "end_date": e.end,
                "notes": e.notes,
            }
            for p in plans
            for e in sorted(p.episodes, key=lambda e: e.start)
        ],
    )
    rating_rows = []
    for p in plans:
        for inspection in p.inspections:
            for domain, rating in domain_ratings(rng, inspection.overall).items():
                rating_rows.append(
                    {
                        "trust_code": p.code,
                        "publication_date": inspection.published,
                        "domain": domain,
                        "rating": rating,
                    }
                )
    ratings = to_frame("cqc_ratings", rating_rows)

    # Buddies are well-rated trusts outside both regimes, of the same type when there is one.
    partners: dict[str, list[str]] = {"any": [p.name for p in plans if p.group == "never"]}
    for p in plans:
        if p.group == "never" and p.quality > 0.3:
            partners.setdefault(p.trust_type, []).append(p.name)
    intervention_rows: list[dict[str, object]] = []
    cost_rows: list[dict[str, object]] = []
    for p in plans:
        if p.group == "never":
            continue
        rows = plan_interventions(rng, p, partners)
        intervention_rows += rows
        cost_rows += plan_costs(rng, p, rows)
    interventions = to_frame("interventions", intervention_rows).drop_duplicates(
        ["trust_code", "intervention", "start_date"], ignore_index=True
    )
    costs = to_frame("costs", cost_rows)

    deterioration = deterioration_curves(rng, plans)
    metric_values = pd.concat(
        [metric_values_frame(rng, plans, deterioration), segment_values(rng, plans)], ignore_index=True
    )
    metrics = pd.concat([metrics_frame(), pd.DataFrame([SEGMENT_METRIC])], ignore_index=True)

    dataset = to_frame(
        "dataset",
        [
            {
                "name": "smq-monitor synthetic demo data",
                "synthetic": "true",
                "as_of": AS_OF,
                "licence": "Synthetic data, CC0 1.0 (public domain dedication)",
                "notes": (
                    f"Invented trusts, codes, names and values; not real NHS data. "
                    f"Generated with seed {seed} and scale {scale:g}."
                ),
            }
        ],
    )
    return {
        "trusts": trusts,
        "regime_episodes": episodes,
        "cqc_ratings": ratings,
        "metrics": metrics,
        "metric_values": metric_values,
        "interventions": interventions,
        "costs": costs,
        "dataset": dataset,
    }
