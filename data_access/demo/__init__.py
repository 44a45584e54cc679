"""The synthetic demo dataset: invented trusts whose histories look like the real programme.

The dashboard has to be shown, tested and load-tested without the confidential Challenged
Providers (CP) list or any real trust's data, so this module invents a complete dataset in the
CSV format of the contract (§2) that carries the same signals as the real one:

* about 217 trusts at scale 1 with the real mix of trust types and regions, under codes
  ("Z" + 3 characters) and names (made-up place names) that cannot be mistaken for real trusts;
* Special Measures for Quality (SMQ) from July 2013 (a first wave of 11 trusts) and CP episodes,
  planned per trust so that the evaluation-group rules of §3 give a known mix of groups;
* CQC ratings every 2-3 years, an inadequate rating just before each SMQ entry and a
  re-inspection about a year later, so the ratings explain the groups;
* interventions and costs dated inside the episodes they belong to (the CP ones inside CP
  episodes, which is what the public view must hide);
* monthly, quarterly and annual metric values from April 2011 to March 2024 with national
  trends, seasonality, trust effects, noise, gaps, and a decline before SMQ entry followed by a
  recovery that differs by group, which is what the trajectory views exist to show.

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
from data_access.demo.regimes import assign_groups, group_counts, plan_history
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
    counts = group_counts(scale)
    plans = make_trusts(rng, scale, at_least=2 * sum(counts.values()))
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
    metric_values = metric_values_frame(rng, plans, deterioration)

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
        "metrics": metrics_frame(),
        "metric_values": metric_values,
        "interventions": interventions,
        "costs": costs,
        "dataset": dataset,
    }
