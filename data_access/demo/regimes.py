"""Regime histories: who enters SMQ or the CP list, when, for how long, and the inspections that
explain it, planned so that the evaluation-group rules of §3 give a known mix of groups."""

from __future__ import annotations

import datetime as dt

import numpy as np

from data_access.demo.common import AS_OF, RI, SMQ_LAUNCH, add_days, pick, rand_date, uniform_days
from data_access.demo.trusts import Episode, Inspection, TrustPlan, scaled
from data_access.groups import PROLONGED_DAYS

FIRST_WAVE_AT_SCALE_1 = 11

# Intended number of trusts per evaluation group at scale 1 (the rest are `never`). About 62
# trusts (28.5%) had been in SMQ or on the CP list by October 2019.
GROUP_TARGETS: dict[str, int] = {
    "prolonged_poor_performer": 12,
    "clear_improver": 18,
    "cp_to_smq": 8,
    "cp_only": 14,
    "other_smq": 10,
}

# How likely each type is to be picked for a regime, relative to an acute trust.
REGIME_TYPE_WEIGHT: dict[str, float] = {
    "acute": 1.0,
    "acute_and_community": 1.0,
    "mental_health": 0.6,
    "community": 0.35,
    "ambulance": 0.4,
    "specialist": 0.12,
}


def group_counts(scale: float) -> dict[str, int]:
    """How many trusts each evaluation group is planned to have at this scale."""
    return {g: scaled(c, scale) for g, c in GROUP_TARGETS.items()}


def assign_groups(rng: np.random.Generator, plans: list[TrustPlan], scale: float) -> None:
    """Pick the regime trusts, weighted by type, and deal out the groups and story variants."""
    n = len(plans)
    counts = group_counts(scale)
    # Pick the regime trusts, weighted by type, and deal out the groups.
    weights = np.array([REGIME_TYPE_WEIGHT[p.trust_type] for p in plans])
    chosen = rng.choice(n, size=sum(counts.values()), replace=False, p=weights / weights.sum())
    cursor = 0
    for group, count in counts.items():
        for k in range(count):
            plan = plans[int(chosen[cursor])]
            cursor += 1
            plan.group = group
            plan.quality = float(rng.normal(-0.7, 0.6))
            # Deterministic variants so that every scale gets each kind of story.
            if group == "prolonged_poor_performer":
                plan.variant = "reentry" if k % 2 == 0 else "long"
            elif group == "cp_to_smq":
                plan.variant = "ongoing" if k % 8 in (1, 4, 6) else "exited"
            elif group == "cp_only":
                plan.variant = "ongoing" if k % 7 == 1 else ("two" if k % 3 == 2 else "one")
    # The first wave of July 2013 came from trusts that went straight into SMQ.
    straight = [p for p in plans if p.group in ("prolonged_poor_performer", "clear_improver", "other_smq")]
    n_wave = min(scaled(FIRST_WAVE_AT_SCALE_1, scale), len(straight))
    for k in rng.choice(len(straight), size=n_wave, replace=False):
        straight[int(k)].first_wave = True
    # One override, to exercise it: a trust that left SMQ without a better rating yet, which the
    # regulator nevertheless judges a clear improver.
    other = [p for p in plans if p.group == "other_smq"]
    if len(other) >= 2:
        other[-1].override = "clear_improver"


def _smq_episode(
    rng: np.random.Generator,
    plan: TrustPlan,
    entry: dt.date,
    days: int | None,
    last_rating: str,
    notes: str,
) -> Episode:
    """Add an SMQ episode with its trigger rating and yearly re-inspections.

    days None, or an end on or after as_of, means still in SMQ. An exit always follows a
    re-inspection rated `last_rating`, published at least two weeks before the exit, so the
    "last overall rating before exit" of the group rules is known by construction.
    """
    end = None if days is None else add_days(entry, days)
    if end is not None and end >= AS_OF:
        end = None
    plan.episodes.append(Episode("smq", entry, end, notes))
    plan.inspections.append(Inspection(add_days(entry, -rng.uniform(7, 90)), "inadequate", "pre_entry"))
    limit = AS_OF - dt.timedelta(days=1) if end is None else end - dt.timedelta(days=14)
    visits = []
    k = 1
    while True:
        visit = add_days(entry, 365 * k + rng.uniform(-30, 30))
        if visit > limit:
            break
        visits.append(visit)
        k += 1
    for j, visit in enumerate(visits):
        if end is not None and j == len(visits) - 1:
            rating = last_rating
        else:
            rating = pick(rng, ("inadequate", RI), (0.55, 0.45) if j == 0 else (0.4, 0.6))
        plan.inspections.append(Inspection(visit, rating, "reinspection"))
    return plan.episodes[-1]


def _post_exit(rng: np.random.Generator, plan: TrustPlan, exit_day: dt.date | None, lo: int, hi: int) -> None:
    """A follow-up inspection after the final exit, rated from the group's allowed ratings."""
    if exit_day is None:
        return
    day = add_days(exit_day, rng.uniform(lo, hi))
    if day < AS_OF - dt.timedelta(days=30):
        options, p = plan.after_ratings
        plan.inspections.append(Inspection(day, pick(rng, options, p), "post_exit"))


def _cp_episode(rng: np.random.Generator, plan: TrustPlan, start: dt.date, days: int | None) -> Episode:
    end = None if days is None else add_days(start, days)
    if end is not None and end >= AS_OF:
        end = None
    plan.episodes.append(Episode("cp", start, end, "Challenged Providers list (confidential)"))
    return plan.episodes[-1]


def _short_episode(rng: np.random.Generator) -> int:
    """Days of a single SMQ spell that is not prolonged.

    Long enough for the re-inspection about a year in to come before the exit, and a month
    short of the 730 days that would make the trust a prolonged poor performer.
    """
    return uniform_days(rng, 410, PROLONGED_DAYS - 30)


def plan_history(rng: np.random.Generator, plan: TrustPlan) -> None:
    """Episodes and anchor inspections that make the §3 rules give `plan.group`."""
    group = plan.group
    wave_entry = SMQ_LAUNCH
    late_first = dt.date(2013, 10, 1)

    def entry_between(hi: dt.date) -> dt.date:
        return wave_entry if plan.first_wave else rand_date(rng, late_first, hi)

    wave_note = "First wave (July 2013)" if plan.first_wave else "Entered SMQ after an inadequate CQC rating"

    if group == "prolonged_poor_performer":
        plan.after_ratings = ((RI, "good"), (0.6, 0.4))
        if plan.variant == "long":
            entry = entry_between(dt.date(2018, 12, 31))
            ep = _smq_episode(
                rng, plan, entry, uniform_days(rng, PROLONGED_DAYS + 30, 5 * 365), RI, wave_note
            )
            _post_exit(rng, plan, ep.end, 150, 600)
        else:
            entry = entry_between(dt.date(2017, 6, 30))
            first = _smq_episode(rng, plan, entry, _short_episode(rng), RI, wave_note)
            assert first.end is not None
            second_entry = add_days(first.end, rng.uniform(240, 1000))
            ep = _smq_episode(
                rng,
                plan,
                second_entry,
                uniform_days(rng, 400, 1000),
                RI,
                "Re-entered SMQ after a further inadequate rating",
            )
            _post_exit(rng, plan, ep.end, 150, 600)
    elif group == "clear_improver":
        plan.after_ratings = (("good", "outstanding"), (0.85, 0.15))
        entry = entry_between(dt.date(2019, 6, 30))
        ep = _smq_episode(rng, plan, entry, _short_episode(rng), RI, wave_note)
        _post_exit(rng, plan, ep.end, 150, 540)
    elif group == "other_smq":
        last = pick(rng, (RI, "good"), (0.7, 0.3))
        plan.after_ratings = ((RI,), (1.0,)) if last == RI else (("good", RI), (0.5, 0.5))
        entry = entry_between(dt.date(2019, 6, 30))
        ep = _smq_episode(rng, plan, entry, _short_episode(rng), last, wave_note)
        if rng.random() < 0.7 and not plan.override:  # the override trust: no follow-up yet
            _post_exit(rng, plan, ep.end, 200, 700)
    elif group == "cp_to_smq":
        note = "Moved from the Challenged Providers list into SMQ"
        if plan.variant == "ongoing":
            cp1 = _cp_episode(
                rng,
                plan,
                rand_date(rng, dt.date(2016, 10, 1), dt.date(2019, 9, 30)),
                uniform_days(rng, 180, 730),
            )
            entry = rand_date(rng, dt.date(2022, 6, 1), dt.date(2023, 10, 31))
            assert cp1.end is not None
            cp2_start = max(add_days(entry, -rng.uniform(180, 540)), add_days(cp1.end, 90))
            if cp2_start < add_days(entry, -60):
                plan.episodes.append(Episode("cp", cp2_start, entry - dt.timedelta(days=1), cp1.notes))
            _smq_episode(rng, plan, entry, None, RI, note)
        else:
            last = pick(rng, (RI, "good"), (0.75, 0.25))
            plan.after_ratings = ((RI,), (1.0,)) if last == RI else (("good", RI), (0.5, 0.5))
            cp = _cp_episode(
                rng,
                plan,
                rand_date(rng, dt.date(2014, 4, 1), dt.date(2017, 6, 30)),
                uniform_days(rng, 180, 730),
            )
            assert cp.end is not None
            ep = _smq_episode(rng, plan, cp.end + dt.timedelta(days=1), _short_episode(rng), last, note)
            _post_exit(rng, plan, ep.end, 200, 700)
    elif group == "cp_only":
        plan.after_ratings = (("good", RI), (0.5, 0.5))
        start = rand_date(rng, dt.date(2014, 4, 1), dt.date(2019, 9, 30))
        cp = _cp_episode(rng, plan, start, uniform_days(rng, 180, 730))
        plan.inspections.append(Inspection(add_days(start, -rng.uniform(20, 150)), RI, "cp_trigger"))
        if plan.variant != "one" and cp.end is not None:
            if plan.variant == "ongoing":
                second = max(rand_date(rng, dt.date(2023, 1, 1), dt.date(2023, 12, 31)), add_days(cp.end, 90))
                if second < AS_OF - dt.timedelta(days=30):
                    _cp_episode(rng, plan, second, None)
            else:
                second = add_days(cp.end, rng.uniform(180, 1100))
                if second < AS_OF - dt.timedelta(days=60):
                    _cp_episode(rng, plan, second, uniform_days(rng, 180, 730))
    plan.episodes.sort(key=lambda e: (e.regime, e.start))
