"""Regime histories: who enters SMQ, the RSP or the CP list, when, for how long, and the
inspections that explain it, planned as stories so that the evaluation-group rules of §3 give a
known mix of groups and the eras of `docs/regimes.md` hold by construction:

* SMQ entries only from July 2013 (the first wave) to June 2021, weighted by year like the
  published entries (`SMQ_ENTRY_WEIGHTS`);
* the trusts still in SMQ in July 2021 end SMQ on 13 July and start the RSP on 14 July;
* RSP entries only from August 2021, with exits from 2022;
* the confidential CP list from 2014, as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data_access.demo.common import (
    AS_OF,
    LAST_SMQ_ENTRY,
    RI,
    RSP_LAUNCH,
    SMQ_END,
    SMQ_LAUNCH,
    add_days,
    pick,
    rand_date,
    uniform_days,
)
from data_access.demo.trusts import Episode, Inspection, TrustPlan, scaled
from data_access.groups import PROLONGED_DAYS

FIRST_WAVE_AT_SCALE_1 = 11


@dataclass(frozen=True)
class Story:
    """A kind of history, the evaluation group (§3) its rows produce, and how many trusts at scale 1."""

    group: str
    variant: str
    at_scale_1: int
    era: str  # "smq": first entry by October 2019; "rsp": first entry in the RSP era


# The regime trusts at scale 1 (the rest are `never`). The "smq"-era stories are the 63 trusts in
# SMQ or on the CP list by October 2019 (the evaluation counted 62 of 217); the "rsp"-era ones
# are trusts that entered the RSP after July 2021.
STORIES: tuple[Story, ...] = (
    Story("prolonged_poor_performer", "handover", 7, "smq"),  # SMQ 2017-19, then the RSP from July 2021
    Story("prolonged_poor_performer", "reentry", 5, "smq"),  # two SMQ spells, both over by mid-2021
    Story("prolonged_poor_performer", "long", 3, "smq"),  # one SMQ spell of two years or more
    Story("clear_improver", "smq", 16, "smq"),
    Story("other_smq", "smq", 10, "smq"),
    Story("cp_to_smq", "exited", 5, "smq"),  # CP 2014-17, then a short SMQ spell
    Story("cp_to_smq", "rsp", 3, "smq"),  # CP 2016-19 (and again), then the RSP from mid-2024
    Story("cp_only", "", 14, "smq"),
    Story("prolonged_poor_performer", "rsp_long", 10, "rsp"),  # RSP from 2021-23, still in or out in 2025
    Story("prolonged_poor_performer", "rsp_exited", 2, "rsp"),  # RSP for two to three years
    Story("clear_improver", "rsp", 3, "rsp"),  # a short RSP spell and a better rating after it
    Story("other_smq", "rsp", 5, "rsp"),  # entered the RSP from May 2024, still in it
)

# Relative weight of each year for an SMQ entry after the first wave: the shape of the published
# entries (data/public/README.md: 2013: 14 of which 11 in the first wave, 2014: 4, 2015: 7,
# 2016: 4, 2017: 6, 2018: 3, 2020: 1), with 2019-2021 filled in where that list has gaps.
SMQ_ENTRY_WEIGHTS: dict[int, float] = {
    2013: 3.0,
    2014: 4.0,
    2015: 7.0,
    2016: 4.0,
    2017: 6.0,
    2018: 4.0,
    2019: 2.0,
    2020: 1.0,
    2021: 0.5,
}

# RSP exits of the hand-over trusts, by the story's number modulo 7: like the seven trusts that
# moved in July 2021 (data/public: exits in September 2021, March and April 2022, January 2024,
# February 2025 and March 2026, one on a date not found), with one still in the RSP. The first
# comes a little later than September 2021 so that the spell lasts two years.
HANDOVER_EXITS: tuple[tuple[dt.date, dt.date] | None, ...] = (
    (dt.date(2022, 1, 15), dt.date(2022, 2, 28)),
    (dt.date(2022, 3, 1), dt.date(2022, 5, 31)),
    (dt.date(2023, 6, 1), dt.date(2024, 3, 31)),
    (dt.date(2024, 9, 1), dt.date(2025, 3, 31)),
    (dt.date(2025, 6, 1), dt.date(2025, 12, 31)),
    (dt.date(2026, 1, 1), dt.date(2026, 3, 15)),
    None,
)

# How likely each type is to be picked for a regime, relative to an acute trust.
REGIME_TYPE_WEIGHT: dict[str, float] = {
    "acute": 1.0,
    "acute_and_community": 1.0,
    "mental_health": 0.6,
    "community": 0.35,
    "ambulance": 0.4,
    "specialist": 0.12,
}


def story_counts(scale: float) -> list[tuple[Story, int]]:
    """How many trusts each story is given at this scale (at least one each)."""
    return [(story, scaled(story.at_scale_1, scale)) for story in STORIES]


def regime_trusts(scale: float) -> int:
    return sum(count for _, count in story_counts(scale))


def assign_groups(rng: np.random.Generator, plans: list[TrustPlan], scale: float) -> None:
    """Pick the regime trusts, weighted by type, and deal out the stories."""
    counts = story_counts(scale)
    weights = np.array([REGIME_TYPE_WEIGHT[p.trust_type] for p in plans])
    chosen = rng.choice(len(plans), size=regime_trusts(scale), replace=False, p=weights / weights.sum())
    cursor = 0
    for story, count in counts:
        for k in range(count):
            plan = plans[int(chosen[cursor])]
            cursor += 1
            plan.group = story.group
            plan.quality = float(rng.normal(-0.7, 0.6))
            plan.variant = story.variant
            plan.story_number = k
            if story.group == "cp_only":  # deterministic, so that every scale gets each kind
                plan.variant = "ongoing" if k % 7 == 1 else ("two" if k % 3 == 2 else "one")
    # The first wave of July 2013 came from trusts that went straight into SMQ and left it by 2021.
    straight = [
        p
        for p in plans
        if p.variant in ("reentry", "long", "smq")
        and p.group in ("prolonged_poor_performer", "clear_improver", "other_smq")
    ]
    n_wave = min(scaled(FIRST_WAVE_AT_SCALE_1, scale), len(straight))
    for k in rng.choice(len(straight), size=n_wave, replace=False):
        straight[int(k)].first_wave = True
    # One override, to exercise it: a trust that left SMQ without a better rating yet, which the
    # regulator nevertheless judges a clear improver.
    other = [p for p in plans if p.group == "other_smq" and p.variant == "smq"]
    if len(other) >= 2:
        other[-1].override = "clear_improver"


def smq_entry(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    """A day in [lo, hi] (within SMQ's years), its year drawn by `SMQ_ENTRY_WEIGHTS`."""
    hi = min(hi, LAST_SMQ_ENTRY)
    years, weights = [], []
    for year, weight in SMQ_ENTRY_WEIGHTS.items():
        first, last = max(lo, dt.date(year, 1, 1)), min(hi, dt.date(year, 12, 31))
        if first <= last:
            years.append((first, last))
            weights.append(weight * ((last - first).days + 1))
    if not years:
        raise ValueError(f"no SMQ entry possible between {lo} and {hi}")
    first, last = years[int(rng.choice(len(years), p=np.asarray(weights) / sum(weights)))]
    return rand_date(rng, first, last)


def _support_spell(
    rng: np.random.Generator,
    plan: TrustPlan,
    entry: dt.date,
    end: dt.date | None,
    last_rating: str,
    notes: str,
) -> None:
    """Add a spell of intensive support with its trigger rating and yearly re-inspections.

    The spell is SMQ when it starts by June 2021 and the RSP from July 2021; an SMQ spell still
    running on 1 July 2021 ends SMQ on 13 July and goes on in the RSP from 14 July. An end on or
    after as_of means still in it. An exit always follows a re-inspection rated `last_rating`,
    published at least two weeks before the exit, so the "last overall rating before exit" of
    the group rules is known by construction.
    """
    if end is not None and end >= AS_OF:
        end = None
    if entry <= LAST_SMQ_ENTRY:
        if end is None or end >= dt.date(2021, 7, 1):
            plan.episodes.append(Episode("smq", entry, SMQ_END, notes))
            rsp_end = None if end is None else max(end, add_days(RSP_LAUNCH, 90))
            plan.episodes.append(
                Episode("rsp", RSP_LAUNCH, rsp_end, "Moved from SMQ into the Recovery Support Programme")
            )
            end = rsp_end
        else:
            plan.episodes.append(Episode("smq", entry, end, notes))
        trigger = "inadequate"
    else:
        if entry < RSP_LAUNCH:
            raise ValueError(f"no entry into intensive support between SMQ and the RSP: {entry}")
        plan.episodes.append(Episode("rsp", entry, end, notes))
        trigger = pick(rng, ("inadequate", RI), (0.6, 0.4))
    plan.inspections.append(Inspection(add_days(entry, -rng.uniform(7, 90)), trigger, "pre_entry"))
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


def _post_exit(rng: np.random.Generator, plan: TrustPlan, lo: int, hi: int) -> None:
    """A follow-up inspection after the final exit, rated from the group's allowed ratings."""
    exit_day = plan.spells[-1].end if plan.spells else None
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


def _short(rng: np.random.Generator, entry: dt.date) -> dt.date:
    """The end of a spell that is not prolonged.

    Long enough for the re-inspection about a year in to come before the exit, and a month
    short of the 730 days that would make the trust a prolonged poor performer.
    """
    return add_days(entry, uniform_days(rng, 410, PROLONGED_DAYS - 30))


def _days(rng: np.random.Generator, entry: dt.date, lo: float, hi: float) -> dt.date:
    return add_days(entry, uniform_days(rng, lo, hi))


def plan_history(rng: np.random.Generator, plan: TrustPlan) -> None:
    """Episodes and anchor inspections that make the §3 rules give `plan.group`."""
    group, variant = plan.group, plan.variant
    late_first = dt.date(2013, 10, 1)

    def first_entry(hi: dt.date, lo: dt.date = late_first) -> dt.date:
        return SMQ_LAUNCH if plan.first_wave else smq_entry(rng, lo, hi)

    smq_note = "First wave (July 2013)" if plan.first_wave else "Entered SMQ after an inadequate CQC rating"
    rsp_note = "Entered the Recovery Support Programme (NHS Oversight Framework segment 4)"
    before_handover = dt.date(2021, 6, 15)

    if group == "prolonged_poor_performer":
        plan.after_ratings = ((RI, "good"), (0.6, 0.4))
        if variant == "handover":
            # Like the seven of July 2021, who entered SMQ from April 2017 on.
            entry = smq_entry(rng, dt.date(2017, 1, 1), dt.date(2019, 12, 31))
            window = HANDOVER_EXITS[plan.story_number % len(HANDOVER_EXITS)]
            end = None if window is None else rand_date(rng, *window)
            _support_spell(rng, plan, entry, end, RI, smq_note)
        elif variant == "long":
            entry = first_entry(dt.date(2016, 6, 30))
            end = min(_days(rng, entry, PROLONGED_DAYS + 30, 5 * 365), before_handover)
            _support_spell(rng, plan, entry, end, RI, smq_note)
        elif variant == "reentry":
            entry = first_entry(dt.date(2017, 6, 30))
            first_end = _short(rng, entry)
            _support_spell(rng, plan, entry, first_end, RI, smq_note)
            second = min(_days(rng, first_end, 240, 1000), dt.date(2019, 6, 30))
            second = max(second, add_days(first_end, 120))
            end = min(_days(rng, second, 400, 1000), before_handover)
            _support_spell(rng, plan, second, end, RI, "Re-entered SMQ after a further inadequate rating")
        elif variant == "rsp_long":
            entry = rand_date(rng, dt.date(2021, 8, 1), dt.date(2023, 3, 31))
            # A third of them leave in 2025, as the RSP became segment 5 of the new framework.
            end = (
                rand_date(rng, dt.date(2025, 1, 1), dt.date(2026, 2, 28))
                if plan.story_number % 3 == 2
                else None
            )
            _support_spell(rng, plan, entry, end, RI, rsp_note)
        else:  # rsp_exited
            entry = rand_date(rng, dt.date(2021, 8, 1), dt.date(2022, 6, 30))
            _support_spell(rng, plan, entry, _days(rng, entry, PROLONGED_DAYS + 30, 1100), RI, rsp_note)
        _post_exit(rng, plan, 150, 600)
    elif group == "clear_improver":
        plan.after_ratings = (("good", "outstanding"), (0.85, 0.15))
        if variant == "rsp":
            entry = rand_date(rng, dt.date(2021, 9, 1), dt.date(2022, 9, 30))
            _support_spell(rng, plan, entry, _short(rng, entry), RI, rsp_note)
        else:
            entry = first_entry(dt.date(2019, 6, 30))
            _support_spell(rng, plan, entry, _short(rng, entry), RI, smq_note)
        _post_exit(rng, plan, 150, 540)
    elif group == "other_smq":
        if variant == "rsp":
            plan.after_ratings = ((RI,), (1.0,))
            entry = rand_date(rng, dt.date(2024, 5, 1), dt.date(2025, 6, 30))
            _support_spell(rng, plan, entry, None, RI, rsp_note)
        else:
            last = pick(rng, (RI, "good"), (0.7, 0.3))
            plan.after_ratings = ((RI,), (1.0,)) if last == RI else (("good", RI), (0.5, 0.5))
            entry = first_entry(dt.date(2019, 6, 30))
            _support_spell(rng, plan, entry, _short(rng, entry), last, smq_note)
            if rng.random() < 0.7 and not plan.override:  # the override trust: no follow-up yet
                _post_exit(rng, plan, 200, 700)
    elif group == "cp_to_smq":
        if variant == "rsp":
            note = "Moved from the Challenged Providers list into the Recovery Support Programme"
            cp1 = _cp_episode(
                rng,
                plan,
                rand_date(rng, dt.date(2016, 10, 1), dt.date(2019, 9, 30)),
                uniform_days(rng, 180, 730),
            )
            # Less than two years in the RSP by as_of, so not a prolonged poor performer.
            entry = rand_date(rng, dt.date(2024, 5, 1), dt.date(2024, 11, 30))
            assert cp1.end is not None
            cp2_start = max(add_days(entry, -rng.uniform(180, 540)), add_days(cp1.end, 90))
            if cp2_start < add_days(entry, -60):
                plan.episodes.append(Episode("cp", cp2_start, entry - dt.timedelta(days=1), cp1.notes))
            _support_spell(rng, plan, entry, None, RI, note)
        else:
            note = "Moved from the Challenged Providers list into SMQ"
            last = pick(rng, (RI, "good"), (0.75, 0.25))
            plan.after_ratings = ((RI,), (1.0,)) if last == RI else (("good", RI), (0.5, 0.5))
            cp = _cp_episode(
                rng,
                plan,
                rand_date(rng, dt.date(2014, 4, 1), dt.date(2017, 6, 30)),
                uniform_days(rng, 180, 730),
            )
            assert cp.end is not None
            entry = cp.end + dt.timedelta(days=1)
            _support_spell(rng, plan, entry, _short(rng, entry), last, note)
            _post_exit(rng, plan, 200, 700)
    elif group == "cp_only":
        plan.after_ratings = (("good", RI), (0.5, 0.5))
        start = rand_date(rng, dt.date(2014, 4, 1), dt.date(2019, 9, 30))
        cp = _cp_episode(rng, plan, start, uniform_days(rng, 180, 730))
        plan.inspections.append(Inspection(add_days(start, -rng.uniform(20, 150)), RI, "cp_trigger"))
        if variant != "one" and cp.end is not None:
            if variant == "ongoing":
                second = max(rand_date(rng, dt.date(2023, 1, 1), dt.date(2023, 12, 31)), add_days(cp.end, 90))
                if second < AS_OF - dt.timedelta(days=30):
                    _cp_episode(rng, plan, second, None)
            else:
                second = add_days(cp.end, rng.uniform(180, 1100))
                if second < AS_OF - dt.timedelta(days=60):
                    _cp_episode(rng, plan, second, uniform_days(rng, 180, 730))
    plan.episodes.sort(key=lambda e: (e.regime, e.start))
