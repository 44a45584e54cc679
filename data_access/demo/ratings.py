"""CQC ratings: routine inspections every few years, kept clear of the anchored ones, and the five
key-question ratings behind each overall rating."""

from __future__ import annotations

import datetime as dt

import numpy as np

from data_access.demo.common import AS_OF, RANK_RATING, RI, add_days, pick, rand_date
from data_access.demo.trusts import Inspection, TrustPlan
from data_access.vocab import RATING_RANK


def _routine_rating(rng: np.random.Generator, plan: TrustPlan, day: dt.date) -> str:
    """Overall rating of a routine inspection, by where the day falls in the trust's history."""
    year = day.year + day.timetuple().tm_yday / 366
    # CQC ratings improved nationally from 2014 to 2019 and slipped after the pandemic.
    era = float(np.interp(year, [2014, 2016, 2019.5, 2021.5, 2024.5], [-0.35, -0.05, 0.2, 0.0, -0.15]))
    if plan.group == "never":
        latent = plan.quality + era + rng.normal(0, 0.45)
        return "outstanding" if latent > 1.45 else "good" if latent > 0.0 else RI
    if any(e.start <= day <= (e.end or AS_OF) for e in plan.cp):
        return pick(rng, (RI, "good"), (0.85, 0.15))
    support_ends = [s.end for s in plan.spells]
    starts = [e.start for e in plan.episodes]
    if support_ends and all(end is not None and day > end for end in support_ends):
        options, p = plan.after_ratings
        return pick(rng, options, p)
    if plan.group == "cp_only" and all(e.end is not None and day > e.end for e in plan.cp):
        options, p = plan.after_ratings
        return pick(rng, options, p)
    if starts and day < min(starts):
        return pick(rng, (RI, "good"), (0.7, 0.3))
    return RI


def plan_routine_inspections(rng: np.random.Generator, plan: TrustPlan) -> None:
    """Inspections every 2-3 years from 2014, kept clear of the anchored ones and of spells of
    intensive support (SMQ or the RSP)."""
    anchors = sorted(i.published for i in plan.inspections)
    blocked = [
        (s.start - dt.timedelta(days=270), (s.end or AS_OF) + dt.timedelta(days=120)) for s in plan.spells
    ]
    day = rand_date(rng, dt.date(2014, 3, 1), dt.date(2016, 6, 30))
    last_allowed = AS_OF - dt.timedelta(days=14)
    while day <= last_allowed:
        near = [a for a in anchors if abs((a - day).days) < 270]
        inside = [hi for lo, hi in blocked if lo <= day <= hi]
        if near or inside:
            day = add_days(max(near + inside), rng.uniform(600, 1000))
            continue
        plan.inspections.append(Inspection(day, _routine_rating(rng, plan, day), "routine"))
        anchors.append(day)
        day = add_days(day, rng.uniform(730, 1100))
    plan.inspections.sort(key=lambda i: i.published)


def domain_ratings(rng: np.random.Generator, overall: str) -> dict[str, str]:
    """The five key-question ratings behind an overall rating, loosely following CQC's rules.

    Well-led is inadequate whenever the overall rating is (SMQ entry follows both); caring is
    usually the strongest domain and safe the weakest.
    """
    rank = RATING_RANK[overall]
    out = {"overall": overall}
    bias = {"safe": -0.25, "effective": 0.0, "caring": 0.35, "responsive": -0.05, "well_led": 0.0}
    for domain, b in bias.items():
        value = int(np.clip(round(rank + b + rng.normal(0, 0.45)), 1, 4))
        if overall == "inadequate":
            value = min(value, 2) if domain in ("effective", "responsive") else value
            value = 1 if domain == "well_led" else value
            value = min(value, 3) if domain == "caring" else value
        if overall == "outstanding":
            value = max(value, 3)
        if overall != "inadequate" and domain == "well_led":
            value = max(value, 2)
        out[domain] = RANK_RATING[value]
    return out
