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

import calendar
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Calendar of the dataset

AS_OF = dt.date(2024, 3, 31)
FIRST_MONTH = dt.date(2011, 4, 1)  # month index 0; the metric series start here
N_MONTHS = 156  # April 2011 .. March 2024
SMQ_LAUNCH = dt.date(2013, 7, 16)  # the first wave entered special measures on this day
PROLONGED_DAYS = 730

TRUSTS_AT_SCALE_1 = 217
FIRST_WAVE_AT_SCALE_1 = 11

# Shares of trust types among NHS trusts in England (about 10 ambulance trusts at scale 1).
TYPE_SHARES: dict[str, float] = {
    "acute": 0.45,
    "acute_and_community": 0.25,
    "mental_health": 0.13,
    "community": 0.06,
    "ambulance": 0.046,
    "specialist": 0.064,
}

# NHS England regions, weighted roughly by how many trusts each has.
REGION_WEIGHTS: dict[str, float] = {
    "London": 0.17,
    "South East": 0.15,
    "South West": 0.10,
    "Midlands": 0.18,
    "East of England": 0.09,
    "North West": 0.15,
    "North East and Yorkshire": 0.16,
}

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

# Funding caps of the programme, in pounds (kept in step with data_access.vocab).
CAP_SMQ_ENTRY = 500_000
CAP_CP_ENTRY = 200_000
CAP_SMQ_EXIT = 100_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "trusts": ("trust_code", "trust_name", "trust_type", "region", "setting", "teaching", "evaluation_group"),
    "regime_episodes": ("trust_code", "regime", "start_date", "end_date", "notes"),
    "cqc_ratings": ("trust_code", "publication_date", "domain", "rating"),
    "metrics": (
        "metric_id",
        "name",
        "unit",
        "higher_is_better",
        "frequency",
        "applies_to",
        "source",
        "description",
        "domain",
    ),
    "metric_values": ("trust_code", "metric_id", "period_start", "value", "numerator", "denominator"),
    "interventions": (
        "trust_code",
        "intervention",
        "status",
        "start_date",
        "end_date",
        "amount_gbp",
        "partner",
        "notes",
    ),
    "costs": ("trust_code", "period_start", "amount_gbp", "category", "payer", "source", "notes"),
    "dataset": ("name", "synthetic", "as_of", "licence", "notes"),
}

RATING_RANK = {"inadequate": 1, "requires_improvement": 2, "good": 3, "outstanding": 4}
RANK_RATING = {rank: rating for rating, rank in RATING_RANK.items()}
RI = "requires_improvement"

ACUTE_TYPES = ("acute", "acute_and_community")
ALL_BUT_AMBULANCE = ("acute", "acute_and_community", "mental_health", "community", "specialist")


# --------------------------------------------------------------------------------------------
# Date helpers


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _add_days(day: dt.date, days: float) -> dt.date:
    return day + dt.timedelta(days=int(round(days)))


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _month_floor(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_index(day: dt.date) -> int:
    """Months since April 2011 (the first metric month)."""
    return (day.year - FIRST_MONTH.year) * 12 + day.month - FIRST_MONTH.month


def _month_position(day: dt.date) -> float:
    """Month index with the day as a fraction, so curves can start mid-month."""
    return _month_index(day) + (day.day - 1) / calendar.monthrange(day.year, day.month)[1]


def _month_start(index: int) -> dt.date:
    return _add_months(FIRST_MONTH, index)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from `first`'s month to `last`'s month, inclusive."""
    out, month = [], _month_floor(first)
    while month <= last:
        out.append(month)
        month = _add_months(month, 1)
    return out


def _rand_date(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    """A uniformly random day in [lo, hi]."""
    return lo + dt.timedelta(days=int(rng.integers(0, max((hi - lo).days, 0) + 1)))


def _uniform_days(rng: np.random.Generator, lo: float, hi: float) -> int:
    return int(round(rng.uniform(lo, hi)))


# --------------------------------------------------------------------------------------------
# Plans: what happens to each trust, decided before any row is written


@dataclass
class Episode:
    regime: str
    start: dt.date
    end: dt.date | None
    notes: str


@dataclass
class Inspection:
    published: dt.date
    overall: str
    kind: str  # pre_entry, reinspection, post_exit, cp_trigger, routine


@dataclass
class TrustPlan:
    """One trust and the history it is given; `group` is the §3 group its rows must produce."""

    index: int
    code: str
    name: str
    trust_type: str
    region: str
    setting: str
    teaching: bool
    quality: float  # latent quality: drives ratings and the trust's metric levels
    size: float  # relative size: drives counts and denominators
    group: str = "never"
    variant: str = ""
    first_wave: bool = False
    override: str | None = None
    episodes: list[Episode] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    # Overall ratings allowed after the final SMQ exit (or after CP for cp_only), and weights.
    after_ratings: tuple[tuple[str, ...], tuple[float, ...]] = ((RI, "good"), (0.5, 0.5))

    @property
    def smq(self) -> list[Episode]:
        return [e for e in self.episodes if e.regime == "smq"]

    @property
    def cp(self) -> list[Episode]:
        return [e for e in self.episodes if e.regime == "cp"]


def _trust_code(i: int) -> str:
    """Codes that no real trust has: real ODS trust codes start with R or T.

    Z001..Z999, then Z + letter + two digits (ZA00..ZZ99), then Z + two letters + digit.
    """
    if i < 1:
        raise ValueError("trust numbers start at 1")
    if i <= 999:
        return f"Z{i:03d}"
    j = i - 1000
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if j < 26 * 100:
        return f"Z{letters[j // 100]}{j % 100:02d}"
    j -= 26 * 100
    if j < 26 * 26 * 10:
        return f"Z{letters[j // 260]}{letters[(j // 10) % 26]}{j % 10}"
    raise ValueError("too many trusts for the demo code scheme (scale above about 47)")


# fmt: off
_ROOTS = (
    "Brack", "Wex", "Quen", "Thrim", "Vard", "Skel", "Oster", "Grend", "Morv", "Calv", "Yarn", "Hask",
    "Lorn", "Pell", "Rusk", "Sorr", "Tarn", "Vell", "Wynd", "Zell", "Dask", "Fald", "Glim", "Harro",
    "Jess", "Kell", "Lusk", "Mirr", "Nolv", "Orm", "Pask", "Quill", "Rav", "Stren", "Tull", "Ulve",
    "Wend", "Brisk", "Cresk", "Drel", "Emb", "Fenn", "Gorse", "Hob", "Ild", "Kest", "Marr", "Nest",
    "Pim", "Rell", "Treg", "Umber", "Varr", "Wisk", "Yell", "Brem", "Cogg", "Druv", "Elder", "Frith",
    "Garth", "Heth", "Ivel", "Kirr", "Lom", "Mab",
)
_ENDINGS = (
    "moor", "ley", "ford", "bury", "wick", "stead", "mere", "thwaite", "combe", "holm", "by", "hurst",
    "den", "well", "gate", "field", "ton", "worth", "dale", "brook", "ham", "ridge",
)
# fmt: on
_QUALIFIERS = ("Vale", "Valley", "Downs", "Coast", "Forest", "Marches", "Wolds", "Fens", "Moors", "Heath")

_NAME_FORMS: dict[str, tuple[str, ...]] = {
    "acute": (
        "{p} Hospitals NHS Foundation Trust",
        "{p} Hospitals NHS Trust",
        "{p} General Hospital NHS Trust",
        "{p} and District Hospitals NHS Foundation Trust",
    ),
    "acute_and_community": (
        "{p} Healthcare NHS Foundation Trust",
        "{p} Health and Care NHS Foundation Trust",
        "{p} Integrated Care NHS Trust",
        "{p} Hospitals and Community NHS Trust",
    ),
    "mental_health": (
        "{p} Mental Health NHS Foundation Trust",
        "{p} Mental Health NHS Trust",
        "{p} Mental Health and Wellbeing NHS Foundation Trust",
    ),
    "community": ("{p} Community Health NHS Trust", "{p} Community Healthcare NHS Trust"),
    "ambulance": ("{p} Ambulance Service NHS Trust", "{p} Ambulance Service NHS Foundation Trust"),
    "specialist": (
        "{p} Children's Hospital NHS Foundation Trust",
        "{p} Heart and Chest Hospital NHS Foundation Trust",
        "{p} Orthopaedic Hospital NHS Foundation Trust",
        "{p} Eye Hospital NHS Foundation Trust",
        "{p} Cancer Centre NHS Foundation Trust",
    ),
}
_TEACHING_FORMS = ("University Hospitals of {p} NHS Foundation Trust", "{p} University Hospitals NHS Trust")


def _place(rng: np.random.Generator) -> str:
    """A made-up English-sounding place: root + ending, sometimes with a qualifier or a pair."""

    def word() -> str:
        root = _ROOTS[rng.integers(len(_ROOTS))]
        ending = _ENDINGS[rng.integers(len(_ENDINGS))]
        if root[-1] == ending[0]:  # "Pell" + "ley" reads badly
            ending = ending[1:]
        return root + ending

    draw = rng.random()
    if draw < 0.25:
        return f"{word()} {_QUALIFIERS[rng.integers(len(_QUALIFIERS))]}"
    if draw < 0.37:
        return f"{word()} and {word()}"
    return word()


def _trust_names(rng: np.random.Generator, types: Sequence[str], teaching: Sequence[bool]) -> list[str]:
    """Unique invented names whose suffix matches the trust type; places are unique too."""
    places: set[str] = set()
    names = []
    for trust_type, is_teaching in zip(types, teaching, strict=True):
        place = _place(rng)
        while place in places:
            place = _place(rng)
        places.add(place)
        forms = _TEACHING_FORMS if is_teaching and trust_type == "acute" else _NAME_FORMS[trust_type]
        names.append(forms[rng.integers(len(forms))].format(p=place))
    return names


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split `total` by `shares` (largest remainder), giving every key at least one if possible."""
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    counts = {k: int(math.floor(v)) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[k] += 1
    if total >= len(shares):
        for k in counts:
            if counts[k] == 0:
                largest = max(counts, key=lambda c: counts[c])
                counts[largest] -= 1
                counts[k] = 1
    return counts


def _scaled(count: int, scale: float) -> int:
    return max(1, int(round(count * scale)))


def _make_trusts(rng: np.random.Generator, scale: float) -> list[TrustPlan]:
    group_counts = {g: _scaled(c, scale) for g, c in GROUP_TARGETS.items()}
    n = max(int(round(TRUSTS_AT_SCALE_1 * scale)), 2 * sum(group_counts.values()))
    type_counts = _allocate(n, TYPE_SHARES)
    types = np.array([t for t, c in type_counts.items() for _ in range(c)], dtype=object)
    rng.shuffle(types)

    regions = list(REGION_WEIGHTS)
    region_p = np.array(list(REGION_WEIGHTS.values()))
    region = rng.choice(len(regions), size=n, p=region_p / region_p.sum())
    teaching_p = {"acute": 0.35, "acute_and_community": 0.2, "specialist": 0.5, "mental_health": 0.08}
    teaching = [bool(rng.random() < teaching_p.get(t, 0.0)) for t in types]
    names = _trust_names(rng, list(types), teaching)
    size_base = {
        "acute": 1.0,
        "acute_and_community": 1.2,
        "mental_health": 0.6,
        "community": 0.5,
        "ambulance": 2.0,
        "specialist": 0.4,
    }

    plans = []
    for i in range(n):
        region_name = regions[region[i]]
        if region_name == "London":
            setting = "urban" if rng.random() < 0.92 else "semi_urban"
        elif types[i] == "ambulance":
            setting = "semi_urban" if rng.random() < 0.6 else "rural"
        else:
            setting = ("urban", "semi_urban", "rural")[rng.choice(3, p=[0.45, 0.35, 0.20])]
        plans.append(
            TrustPlan(
                index=i,
                code=_trust_code(i + 1),
                name=names[i],
                trust_type=str(types[i]),
                region=region_name,
                setting=setting,
                teaching=teaching[i],
                quality=float(rng.normal(0.3, 0.8)),
                size=float(size_base[str(types[i])] * rng.lognormal(0.0, 0.3)),
            )
        )

    # Pick the regime trusts, weighted by type, and deal out the groups.
    weights = np.array([REGIME_TYPE_WEIGHT[p.trust_type] for p in plans])
    chosen = rng.choice(n, size=sum(group_counts.values()), replace=False, p=weights / weights.sum())
    cursor = 0
    for group, count in group_counts.items():
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
    n_wave = min(_scaled(FIRST_WAVE_AT_SCALE_1, scale), len(straight))
    for k in rng.choice(len(straight), size=n_wave, replace=False):
        straight[int(k)].first_wave = True
    # One override, to exercise it: a trust that left SMQ without a better rating yet, which the
    # regulator nevertheless judges a clear improver.
    other = [p for p in plans if p.group == "other_smq"]
    if len(other) >= 2:
        other[-1].override = "clear_improver"
    return plans


# --------------------------------------------------------------------------------------------
# Episodes and the inspections that explain them


def _pick(rng: np.random.Generator, options: Sequence[str], p: Sequence[float]) -> str:
    return options[int(rng.choice(len(options), p=np.asarray(p) / np.sum(p)))]


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
    end = None if days is None else _add_days(entry, days)
    if end is not None and end >= AS_OF:
        end = None
    plan.episodes.append(Episode("smq", entry, end, notes))
    plan.inspections.append(Inspection(_add_days(entry, -rng.uniform(7, 90)), "inadequate", "pre_entry"))
    limit = AS_OF - dt.timedelta(days=1) if end is None else end - dt.timedelta(days=14)
    visits = []
    k = 1
    while True:
        visit = _add_days(entry, 365 * k + rng.uniform(-30, 30))
        if visit > limit:
            break
        visits.append(visit)
        k += 1
    for j, visit in enumerate(visits):
        if end is not None and j == len(visits) - 1:
            rating = last_rating
        else:
            rating = _pick(rng, ("inadequate", RI), (0.55, 0.45) if j == 0 else (0.4, 0.6))
        plan.inspections.append(Inspection(visit, rating, "reinspection"))
    return plan.episodes[-1]


def _post_exit(rng: np.random.Generator, plan: TrustPlan, exit_day: dt.date | None, lo: int, hi: int) -> None:
    """A follow-up inspection after the final exit, rated from the group's allowed ratings."""
    if exit_day is None:
        return
    day = _add_days(exit_day, rng.uniform(lo, hi))
    if day < AS_OF - dt.timedelta(days=30):
        options, p = plan.after_ratings
        plan.inspections.append(Inspection(day, _pick(rng, options, p), "post_exit"))


def _cp_episode(rng: np.random.Generator, plan: TrustPlan, start: dt.date, days: int | None) -> Episode:
    end = None if days is None else _add_days(start, days)
    if end is not None and end >= AS_OF:
        end = None
    plan.episodes.append(Episode("cp", start, end, "Challenged Providers list (confidential)"))
    return plan.episodes[-1]


def _short_episode(rng: np.random.Generator) -> int:
    """Days of a single SMQ spell that is not prolonged.

    Long enough for the re-inspection about a year in to come before the exit, and a month
    short of the 730 days that would make the trust a prolonged poor performer.
    """
    return _uniform_days(rng, 410, PROLONGED_DAYS - 30)


def _plan_history(rng: np.random.Generator, plan: TrustPlan) -> None:
    """Episodes and anchor inspections that make the §3 rules give `plan.group`."""
    group = plan.group
    wave_entry = SMQ_LAUNCH
    late_first = dt.date(2013, 10, 1)

    def entry_between(hi: dt.date) -> dt.date:
        return wave_entry if plan.first_wave else _rand_date(rng, late_first, hi)

    wave_note = "First wave (July 2013)" if plan.first_wave else "Entered SMQ after an inadequate CQC rating"

    if group == "prolonged_poor_performer":
        plan.after_ratings = ((RI, "good"), (0.6, 0.4))
        if plan.variant == "long":
            entry = entry_between(dt.date(2018, 12, 31))
            ep = _smq_episode(
                rng, plan, entry, _uniform_days(rng, PROLONGED_DAYS + 30, 5 * 365), RI, wave_note
            )
            _post_exit(rng, plan, ep.end, 150, 600)
        else:
            entry = entry_between(dt.date(2017, 6, 30))
            first = _smq_episode(rng, plan, entry, _short_episode(rng), RI, wave_note)
            assert first.end is not None
            second_entry = _add_days(first.end, rng.uniform(240, 1000))
            ep = _smq_episode(
                rng,
                plan,
                second_entry,
                _uniform_days(rng, 400, 1000),
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
        last = _pick(rng, (RI, "good"), (0.7, 0.3))
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
                _rand_date(rng, dt.date(2016, 10, 1), dt.date(2019, 9, 30)),
                _uniform_days(rng, 180, 730),
            )
            entry = _rand_date(rng, dt.date(2022, 6, 1), dt.date(2023, 10, 31))
            assert cp1.end is not None
            cp2_start = max(_add_days(entry, -rng.uniform(180, 540)), _add_days(cp1.end, 90))
            if cp2_start < _add_days(entry, -60):
                plan.episodes.append(Episode("cp", cp2_start, entry - dt.timedelta(days=1), cp1.notes))
            _smq_episode(rng, plan, entry, None, RI, note)
        else:
            last = _pick(rng, (RI, "good"), (0.75, 0.25))
            plan.after_ratings = ((RI,), (1.0,)) if last == RI else (("good", RI), (0.5, 0.5))
            cp = _cp_episode(
                rng,
                plan,
                _rand_date(rng, dt.date(2014, 4, 1), dt.date(2017, 6, 30)),
                _uniform_days(rng, 180, 730),
            )
            assert cp.end is not None
            ep = _smq_episode(rng, plan, cp.end + dt.timedelta(days=1), _short_episode(rng), last, note)
            _post_exit(rng, plan, ep.end, 200, 700)
    elif group == "cp_only":
        plan.after_ratings = (("good", RI), (0.5, 0.5))
        start = _rand_date(rng, dt.date(2014, 4, 1), dt.date(2019, 9, 30))
        cp = _cp_episode(rng, plan, start, _uniform_days(rng, 180, 730))
        plan.inspections.append(Inspection(_add_days(start, -rng.uniform(20, 150)), RI, "cp_trigger"))
        if plan.variant != "one" and cp.end is not None:
            if plan.variant == "ongoing":
                second = max(
                    _rand_date(rng, dt.date(2023, 1, 1), dt.date(2023, 12, 31)), _add_days(cp.end, 90)
                )
                if second < AS_OF - dt.timedelta(days=30):
                    _cp_episode(rng, plan, second, None)
            else:
                second = _add_days(cp.end, rng.uniform(180, 1100))
                if second < AS_OF - dt.timedelta(days=60):
                    _cp_episode(rng, plan, second, _uniform_days(rng, 180, 730))
    plan.episodes.sort(key=lambda e: (e.regime, e.start))


def _routine_rating(rng: np.random.Generator, plan: TrustPlan, day: dt.date) -> str:
    """Overall rating of a routine inspection, by where the day falls in the trust's history."""
    year = day.year + day.timetuple().tm_yday / 366
    # CQC ratings improved nationally from 2014 to 2019 and slipped after the pandemic.
    era = float(np.interp(year, [2014, 2016, 2019.5, 2021.5, 2024.5], [-0.35, -0.05, 0.2, 0.0, -0.15]))
    if plan.group == "never":
        latent = plan.quality + era + rng.normal(0, 0.45)
        return "outstanding" if latent > 1.45 else "good" if latent > 0.0 else RI
    if any(e.start <= day <= (e.end or AS_OF) for e in plan.cp):
        return _pick(rng, (RI, "good"), (0.85, 0.15))
    smq_ends = [e.end for e in plan.smq]
    starts = [e.start for e in plan.episodes]
    if smq_ends and all(end is not None and day > end for end in smq_ends):
        options, p = plan.after_ratings
        return _pick(rng, options, p)
    if plan.group == "cp_only" and all(e.end is not None and day > e.end for e in plan.cp):
        options, p = plan.after_ratings
        return _pick(rng, options, p)
    if starts and day < min(starts):
        return _pick(rng, (RI, "good"), (0.7, 0.3))
    return RI


def _plan_routine_inspections(rng: np.random.Generator, plan: TrustPlan) -> None:
    """Inspections every 2-3 years from 2014, kept clear of the anchored ones and of SMQ spells."""
    anchors = sorted(i.published for i in plan.inspections)
    blocked = [
        (e.start - dt.timedelta(days=270), (e.end or AS_OF) + dt.timedelta(days=120)) for e in plan.smq
    ]
    day = _rand_date(rng, dt.date(2014, 3, 1), dt.date(2016, 6, 30))
    last_allowed = AS_OF - dt.timedelta(days=14)
    while day <= last_allowed:
        near = [a for a in anchors if abs((a - day).days) < 270]
        inside = [hi for lo, hi in blocked if lo <= day <= hi]
        if near or inside:
            day = _add_days(max(near + inside), rng.uniform(600, 1000))
            continue
        plan.inspections.append(Inspection(day, _routine_rating(rng, plan, day), "routine"))
        anchors.append(day)
        day = _add_days(day, rng.uniform(730, 1100))
    plan.inspections.sort(key=lambda i: i.published)


def _domain_ratings(rng: np.random.Generator, overall: str) -> dict[str, str]:
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


# --------------------------------------------------------------------------------------------
# Interventions and costs


def _status(rng: np.random.Generator, p_not: float = 0.06, p_none: float = 0.06) -> str:
    return _pick(rng, ("delivered", "not_delivered", "no_data"), (1 - p_not - p_none, p_not, p_none))


def _clip_end(day: dt.date | None) -> dt.date | None:
    """Ends after the as-of date are unknown as of then: blank."""
    return None if day is None or day > AS_OF else day


LEADERSHIP_NOTES = (
    "New chief executive appointed",
    "New chair appointed",
    "New chief executive and chair appointed",
)
DEEP_DIVE_NOTES = (
    "Deep dive into governance and board assurance",
    "Deep dive into urgent and emergency care",
    "Deep dive into patient safety and incident reporting",
)


def _plan_interventions(
    rng: np.random.Generator, plan: TrustPlan, partners: dict[str, list[str]]
) -> list[dict[str, object]]:
    """Interventions of one regime trust, each dated inside the episode it belongs to."""
    rows: list[dict[str, object]] = []

    def add(
        kind: str,
        status: str,
        start: dt.date,
        end: dt.date | None = None,
        amount: float | None = None,
        partner: str | None = None,
        notes: str | None = None,
    ) -> None:
        if start > AS_OF:
            return
        end = _clip_end(end)
        if end is not None and end < start:
            end = start
        rows.append(
            {
                "trust_code": plan.code,
                "intervention": kind,
                "status": status,
                "start_date": start,
                "end_date": end,
                "amount_gbp": amount if status != "no_data" else None,
                "partner": partner,
                "notes": notes,
            }
        )

    leadership_due = rng.random() < 0.75
    leadership_in_cp = plan.group == "cp_only" or (plan.group == "cp_to_smq" and rng.random() < 0.5)

    for ep in plan.cp:
        last = ep.end or AS_OF

        def inside(lo: float, hi: float, ep_start: dt.date = ep.start, ep_last: dt.date = last) -> dt.date:
            return min(_add_days(ep_start, rng.uniform(lo, hi)), ep_last)

        if rng.random() < 0.6:
            amount = float(round(rng.uniform(30_000, CAP_CP_ENTRY), -3))
            add(
                "central_funding",
                _status(rng, 0.03, 0.12),
                inside(0, 90),
                amount=amount,
                notes="Central funding on joining the Challenged Providers list",
            )
        if rng.random() < 0.3:
            start = inside(0, 60)
            add(
                "improvement_director",
                _status(rng, 0.03, 0.05),
                start,
                min(_add_days(start, rng.uniform(90, 240)), last),
                notes="Improvement Director (CP support)",
            )
        if rng.random() < 0.45:
            add(
                "oversight_group",
                _status(rng, 0.02, 0.05),
                inside(0, 30),
                ep.end,
                notes="Provider oversight group chaired by the regulator",
            )
        if rng.random() < 0.3:
            start = inside(20, 150)
            add(
                "deep_dive",
                _status(rng),
                start,
                min(_add_days(start, rng.uniform(30, 90)), last),
                notes="Deep dive into finances and operational grip",
            )
        if leadership_due and leadership_in_cp and ep is plan.cp[0]:
            add(
                "leadership_change",
                _status(rng, 0.04, 0.04),
                inside(30, 180),
                notes=_pick(rng, LEADERSHIP_NOTES, (0.5, 0.3, 0.2)),
            )

    partner_pool = partners.get(plan.trust_type) or partners["any"]
    for n, ep in enumerate(plan.smq):
        entry, exit_day = ep.start, ep.end
        if rng.random() < 0.95:
            start = _add_days(entry, rng.uniform(0, 60))
            months = rng.uniform(4, 8) if rng.random() < 0.8 else rng.uniform(9, 18)
            intensive = int(rng.integers(1, 4))
            add(
                "improvement_director",
                _status(rng, 0.02, 0.05),
                start,
                _add_days(start, months * 30.4),
                notes=f"Improvement Director: {intensive} month{'s' if intensive > 1 else ''} of intensive support, then maintenance",
            )
        if rng.random() < 0.67:
            start = _add_days(entry, rng.uniform(30, 120))
            partner = partner_pool[int(rng.integers(len(partner_pool)))]
            add(
                "buddying",
                _status(rng, 0.05, 0.05),
                start,
                _add_days(start, rng.uniform(365, 730)),
                partner=partner,
                notes="Buddying with a well-rated trust",
            )
        if rng.random() < 0.9:
            amount = float(round(rng.uniform(100_000, CAP_SMQ_ENTRY), -3))
            add(
                "central_funding",
                _status(rng, 0.03, 0.12),
                _add_days(entry, rng.uniform(0, 90)),
                amount=amount,
                notes="Central funding on entry to SMQ",
            )
        if exit_day is not None and rng.random() < 0.6:
            amount = float(round(rng.uniform(20_000, CAP_SMQ_EXIT), -3))
            add(
                "central_funding",
                _status(rng, 0.03, 0.12),
                _add_days(exit_day, rng.uniform(0, 60)),
                amount=amount,
                notes="Central funding on exit from SMQ, to sustain improvement",
            )
        if leadership_due and not leadership_in_cp and (n == 0 or rng.random() < 0.5):
            add(
                "leadership_change",
                _status(rng, 0.04, 0.04),
                _add_days(entry, rng.uniform(30, 270)),
                notes=_pick(rng, LEADERSHIP_NOTES, (0.5, 0.3, 0.2)),
            )
        if rng.random() < 0.4:
            add(
                "oversight_group",
                _status(rng, 0.02, 0.05),
                _add_days(entry, rng.uniform(0, 45)),
                exit_day,
                notes="Quality oversight group",
            )
        if rng.random() < 0.3:
            start = _add_days(entry, rng.uniform(14, 120))
            add(
                "deep_dive",
                _status(rng),
                start,
                _add_days(start, rng.uniform(30, 90)),
                notes=_pick(rng, DEEP_DIVE_NOTES, (0.4, 0.3, 0.3)),
            )
        if rng.random() < 0.12:
            start = _add_days(entry, rng.uniform(60, 300))
            add(
                "other",
                _status(rng),
                start,
                _add_days(start, rng.uniform(60, 180)),
                notes="Peer review by a national clinical team",
            )
    return rows


MONTHLY_COSTS = frozenset({"improvement_director", "buddying", "reporting_burden"})


def _plan_costs(
    rng: np.random.Generator, plan: TrustPlan, interventions: list[dict[str, object]]
) -> list[dict[str, object]]:
    """Monthly and one-off costs that follow the trust's interventions and regime months.

    The file allows one row per trust, category, month and payer. A monthly charge already
    recorded for a month is not charged twice (two overlapping buddying spells are one fee);
    a one-off payment that lands on a taken month moves to the next free month.
    """
    rows: list[dict[str, object]] = []
    taken: set[tuple[str, str, dt.date]] = set()

    def add(
        category: str, payer: str, month: dt.date, amount: float | None, notes: str | None = None
    ) -> None:
        month = _month_floor(month)
        while (category, payer, month) in taken and category not in MONTHLY_COSTS:
            month = _add_months(month, 1)
        if month > AS_OF or (category, payer, month) in taken:
            return
        taken.add((category, payer, month))
        rows.append(
            {
                "trust_code": plan.code,
                "period_start": month,
                "amount_gbp": None if amount is None else float(round(amount, -1)),
                "category": category,
                "payer": payer,
                "source": "synthetic",
                "notes": notes,
            }
        )

    for row in interventions:
        kind, status = row["intervention"], row["status"]
        start = row["start_date"]
        assert isinstance(start, dt.date)
        end = row["end_date"] if isinstance(row["end_date"], dt.date) else AS_OF
        if status == "not_delivered":
            continue
        if kind == "improvement_director" and status == "delivered":
            rate = rng.uniform(15_000, 20_000)
            for k, month in enumerate(_months(start, end)):
                add(
                    "improvement_director",
                    "nhsi",
                    month,
                    min(rate * (1.2 if k < 3 else 1.0), 25_000),
                    "Improvement Director fees",
                )
        elif kind == "buddying" and status == "delivered":
            rate = rng.uniform(5_000, 20_000)
            for month in _months(start, end):
                add(
                    "buddying", "nhsi", month, rate * rng.uniform(0.9, 1.1), f"Buddying with {row['partner']}"
                )
        elif kind == "central_funding":
            amount = row["amount_gbp"]
            add(
                "central_funding",
                "nhsi",
                start,
                float(amount) if isinstance(amount, float) and status == "delivered" else None,
                "Amount not supplied" if status == "no_data" else str(row["notes"]),
            )
        elif kind == "leadership_change" and status == "delivered":
            add(
                "leadership_recruitment",
                "trust",
                start,
                rng.uniform(25_000, 90_000),
                "Executive search and interim cover",
            )

    base = rng.uniform(2_000, 8_000)
    no_reporting_data = rng.random() < 0.07
    for ep in sorted(plan.episodes, key=lambda e: e.start):
        label = "SMQ" if ep.regime == "smq" else "CP"
        for month in _months(ep.start, ep.end or AS_OF):
            amount = None if no_reporting_data else float(np.clip(base * rng.uniform(0.8, 1.2), 2_000, 8_000))
            add("reporting_burden", "trust", month, amount, f"Staff time on {label} reporting and assurance")

    for ep in plan.episodes:
        last = ep.end or AS_OF
        span = max((last - ep.start).days, 1)
        if ep.regime == "smq":
            for _ in range(int(rng.integers(1, 3))):
                add(
                    "consultancy",
                    "trust",
                    _add_days(ep.start, rng.uniform(0, span)),
                    rng.uniform(50_000, 400_000),
                    "Improvement consultancy",
                )
            if rng.random() < 0.2:
                add(
                    "other",
                    "other",
                    _add_days(ep.start, rng.uniform(0, span)),
                    rng.uniform(10_000, 60_000),
                    "Quality improvement training funded by a partner",
                )
        elif rng.random() < 0.4:
            add(
                "consultancy",
                "trust",
                _add_days(ep.start, rng.uniform(0, span)),
                rng.uniform(50_000, 150_000),
                "Financial recovery consultancy",
            )
    return rows


# --------------------------------------------------------------------------------------------
# Metrics


@dataclass(frozen=True)
class MetricSpec:
    """A metric's definition (the metrics.csv row) and how its synthetic values are made.

    The national trend interpolates linearly between (`years`, `levels`). With `log_scale`
    the level is per unit of trust size and every effect is on the log scale (a count grows
    with the trust). `regime_effect` is the shift at full deterioration, in the worse direction.
    """

    metric_id: str
    name: str
    unit: str
    higher_is_better: bool
    frequency: str
    applies_to: tuple[str, ...]
    source: str
    description: str
    domain: str
    years: tuple[float, ...]  # decimal years of the national trend's turning points
    levels: tuple[float, ...]  # national level at those years
    trust_sd: float
    noise_sd: float
    regime_effect: float
    decimals: int
    clip: tuple[float | None, float | None] = (None, None)
    season: tuple[float, ...] = (0.0,) * 12  # January .. December
    type_offsets: tuple[tuple[str, float], ...] = ()
    log_scale: bool = False
    autocorrelation: float = 0.4
    denominator: float | None = None  # per unit of trust size, for numerator/denominator rows
    first: dt.date = FIRST_MONTH
    last: dt.date = AS_OF


PCT = (0.0, 100.0)
WINTER = (1.0, 0.6, 0.25, -0.1, -0.3, -0.4, -0.35, -0.35, -0.15, 0.05, 0.3, 0.9)

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        metric_id="ae_4hr_pct",
        name="A&E: seen within 4 hours",
        unit="percent",
        higher_is_better=True,
        frequency="monthly",
        applies_to=ACUTE_TYPES,
        source="Synthetic; modelled on NHS England A&E attendances and emergency admissions",
        description="Share of A&E attendances admitted, transferred or discharged within four hours of arrival.",
        domain="access",
        years=(2011.25, 2013.5, 2015.0, 2017.0, 2019.5, 2020.3, 2021.5, 2023.0, 2024.2),
        levels=(95.5, 94.5, 92.0, 89.0, 85.0, 91.0, 80.0, 71.5, 73.5),
        trust_sd=3.5,
        noise_sd=1.4,
        regime_effect=7.0,
        decimals=1,
        clip=(30.0, 100.0),
        season=(-4.0, -3.0, -1.5, 0.0, 0.8, 1.0, 1.0, 1.0, 0.6, 0.2, -1.0, -3.0),
        denominator=9000,
    ),
    MetricSpec(
        metric_id="rtt_18wk_pct",
        name="Referral to treatment: waiting under 18 weeks",
        unit="percent",
        higher_is_better=True,
        frequency="monthly",
        applies_to=("acute", "acute_and_community", "specialist"),
        source="Synthetic; modelled on NHS England consultant-led referral to treatment waiting times",
        description="Share of patients on an incomplete referral-to-treatment pathway waiting under 18 weeks.",
        domain="access",
        years=(2011.25, 2015.5, 2016.5, 2019.0, 2020.2, 2020.5, 2021.5, 2022.5, 2024.2),
        levels=(91.0, 92.0, 90.5, 87.0, 82.0, 48.0, 68.0, 61.0, 58.0),
        trust_sd=4.0,
        noise_sd=0.9,
        regime_effect=5.0,
        decimals=1,
        clip=(20.0, 100.0),
        autocorrelation=0.7,
        denominator=30000,
    ),
    MetricSpec(
        metric_id="cancer_62day_pct",
        name="Cancer: treated within 62 days of urgent referral",
        unit="percent",
        higher_is_better=True,
        frequency="monthly",
        applies_to=ACUTE_TYPES,
        source="Synthetic; modelled on NHS England cancer waiting times",
        description="Share of patients starting a first cancer treatment within 62 days of an urgent referral.",
        domain="access",
        years=(2011.25, 2014.5, 2017.0, 2019.5, 2020.5, 2022.5, 2024.2),
        levels=(87.0, 85.0, 82.0, 77.0, 72.0, 62.0, 67.0),
        trust_sd=5.0,
        noise_sd=3.0,
        regime_effect=5.0,
        decimals=1,
        clip=PCT,
        autocorrelation=0.2,
        denominator=80,
    ),
    MetricSpec(
        metric_id="ae_12hr_waits",
        name="A&E: 12-hour waits from decision to admit",
        unit="count",
        higher_is_better=False,
        frequency="monthly",
        applies_to=ACUTE_TYPES,
        source="Synthetic; modelled on NHS England A&E attendances and emergency admissions",
        description="Patients waiting more than 12 hours in A&E from a decision to admit to admission.",
        domain="access",
        years=(2011.25, 2015.0, 2018.0, 2020.3, 2022.0, 2023.0, 2024.2),
        levels=(2.0, 5.0, 30.0, 10.0, 300.0, 500.0, 450.0),
        trust_sd=0.6,
        noise_sd=0.35,
        regime_effect=0.6,
        decimals=0,
        clip=(0.0, None),
        season=(0.5, 0.35, 0.1, -0.1, -0.2, -0.25, -0.25, -0.25, -0.15, 0.0, 0.2, 0.45),
        log_scale=True,
    ),
    MetricSpec(
        metric_id="amb_cat1_mean_minutes",
        name="Ambulance: Category 1 mean response time",
        unit="minutes",
        higher_is_better=False,
        frequency="monthly",
        applies_to=("ambulance",),
        source="Synthetic; modelled on NHS England ambulance quality indicators",
        description="Mean time from call to arrival for life-threatening (Category 1) calls, in minutes.",
        domain="access",
        years=(2017.6, 2019.5, 2020.3, 2021.5, 2022.9, 2023.5, 2024.2),
        levels=(7.2, 7.0, 6.5, 8.0, 10.5, 8.3, 8.2),
        trust_sd=0.6,
        noise_sd=0.3,
        regime_effect=1.0,
        decimals=2,
        clip=(4.0, 20.0),
        season=tuple(0.8 * s for s in WINTER),
        first=dt.date(2017, 8, 1),
    ),
    MetricSpec(
        metric_id="community_waiting_list",
        name="Community services waiting list",
        unit="count",
        higher_is_better=False,
        frequency="monthly",
        applies_to=("community", "acute_and_community"),
        source="Synthetic; modelled on NHS England community health services waiting lists",
        description="Patients waiting for community health services at the end of the month.",
        domain="access",
        years=(2016.25, 2019.0, 2020.5, 2022.0, 2024.2),
        levels=(2500.0, 2800.0, 3200.0, 4200.0, 4600.0),
        trust_sd=0.4,
        noise_sd=0.05,
        regime_effect=0.2,
        decimals=0,
        clip=(0.0, None),
        log_scale=True,
        autocorrelation=0.9,
        first=dt.date(2016, 4, 1),
    ),
    MetricSpec(
        metric_id="delayed_transfers_days",
        name="Delayed transfers of care",
        unit="days",
        higher_is_better=False,
        frequency="monthly",
        applies_to=("acute", "acute_and_community", "community", "mental_health"),
        source="Synthetic; modelled on NHS England delayed transfers of care (collection paused March 2020)",
        description="Bed days lost to patients ready to leave but delayed, in the month.",
        domain="access",
        years=(2011.25, 2014.0, 2017.0, 2019.0, 2020.1),
        levels=(450.0, 500.0, 750.0, 520.0, 500.0),
        trust_sd=0.5,
        noise_sd=0.15,
        regime_effect=0.25,
        decimals=0,
        clip=(0.0, None),
        season=tuple(0.1 * s for s in WINTER),
        log_scale=True,
        last=dt.date(2020, 2, 29),
    ),
    MetricSpec(
        metric_id="shmi",
        name="Summary Hospital-level Mortality Indicator",
        unit="ratio",
        higher_is_better=False,
        frequency="quarterly",
        applies_to=ACUTE_TYPES,
        source="Synthetic; modelled on NHS Digital SHMI",
        description="Observed deaths over expected deaths, in hospital or within 30 days of discharge (rolling year).",
        domain="safety_outcomes",
        years=(2011.25, 2024.2),
        levels=(1.0, 1.0),
        trust_sd=0.07,
        noise_sd=0.02,
        regime_effect=0.08,
        decimals=3,
        clip=(0.6, 1.4),
        autocorrelation=0.7,
    ),
    MetricSpec(
        metric_id="cdiff_rate",
        name="C. difficile infection rate",
        unit="rate",
        higher_is_better=False,
        frequency="monthly",
        applies_to=ACUTE_TYPES,
        source="Synthetic; modelled on UKHSA healthcare-associated infection surveillance",
        description="Healthcare-associated C. difficile cases per 100,000 bed days.",
        domain="safety_outcomes",
        years=(2011.25, 2013.0, 2016.0, 2019.0, 2021.0, 2024.2),
        levels=(25.0, 17.0, 13.0, 13.0, 15.0, 17.0),
        trust_sd=3.5,
        noise_sd=4.0,
        regime_effect=4.0,
        decimals=1,
        clip=(0.0, None),
        autocorrelation=0.1,
    ),
    MetricSpec(
        metric_id="falls_harm_rate",
        name="Inpatient falls with harm",
        unit="rate",
        higher_is_better=False,
        frequency="monthly",
        applies_to=ALL_BUT_AMBULANCE,
        source="Synthetic; modelled on the National Audit of Inpatient Falls",
        description="Inpatient falls causing moderate or severe harm or death, per 1,000 occupied bed days.",
        domain="safety_outcomes",
        years=(2011.25, 2024.2),
        levels=(0.25, 0.2),
        trust_sd=0.05,
        noise_sd=0.06,
        regime_effect=0.06,
        decimals=2,
        clip=(0.0, None),
        autocorrelation=0.1,
    ),
    MetricSpec(
        metric_id="mh_7day_followup_pct",
        name="Mental health: follow-up within 7 days of discharge",
        unit="percent",
        higher_is_better=True,
        frequency="quarterly",
        applies_to=("mental_health",),
        source="Synthetic; modelled on the NHS England mental health dashboard",
        description="Share of patients on the Care Programme Approach followed up within 7 days of leaving inpatient care.",
        domain="safety_outcomes",
        years=(2011.25, 2016.0, 2020.0, 2024.2),
        levels=(97.0, 96.0, 93.0, 92.0),
        trust_sd=2.0,
        noise_sd=1.5,
        regime_effect=5.0,
        decimals=1,
        clip=PCT,
    ),
    MetricSpec(
        metric_id="sickness_absence_pct",
        name="Staff sickness absence",
        unit="percent",
        higher_is_better=False,
        frequency="monthly",
        applies_to=(),
        source="Synthetic; modelled on NHS Digital NHS sickness absence rates",
        description="Full-time equivalent days lost to sickness as a share of days available.",
        domain="workforce_culture",
        years=(2011.25, 2015.0, 2019.0, 2020.3, 2020.7, 2022.0, 2023.0, 2024.2),
        levels=(4.2, 4.2, 4.3, 6.2, 4.6, 6.0, 5.3, 5.1),
        trust_sd=0.45,
        noise_sd=0.22,
        regime_effect=0.8,
        decimals=2,
        clip=PCT,
        season=tuple(0.7 * s for s in WINTER),
        type_offsets=(("ambulance", 1.2), ("mental_health", 0.6), ("community", 0.4), ("specialist", -0.6)),
    ),
    MetricSpec(
        metric_id="staff_turnover_pct",
        name="Staff turnover",
        unit="percent",
        higher_is_better=False,
        frequency="quarterly",
        applies_to=(),
        source="Synthetic; modelled on NHS Digital NHS workforce statistics",
        description="Staff leaving the trust in the past 12 months as a share of average headcount.",
        domain="workforce_culture",
        years=(2011.25, 2016.0, 2020.5, 2022.5, 2024.2),
        levels=(12.0, 13.5, 11.0, 14.5, 12.5),
        trust_sd=1.5,
        noise_sd=0.5,
        regime_effect=2.5,
        decimals=1,
        clip=PCT,
        type_offsets=(("mental_health", 1.5), ("community", 1.0), ("ambulance", -1.0)),
        autocorrelation=0.7,
    ),
    MetricSpec(
        metric_id="vacancy_rate_pct",
        name="Staff vacancy rate",
        unit="percent",
        higher_is_better=False,
        frequency="quarterly",
        applies_to=(),
        source="Synthetic; modelled on NHS Digital NHS vacancy statistics",
        description="Vacant full-time equivalent posts as a share of planned workforce.",
        domain="workforce_culture",
        years=(2011.25, 2017.0, 2019.5, 2020.5, 2022.5, 2024.2),
        levels=(6.5, 9.0, 8.5, 7.0, 10.5, 8.0),
        trust_sd=2.0,
        noise_sd=0.7,
        regime_effect=2.5,
        decimals=1,
        clip=PCT,
        autocorrelation=0.7,
    ),
    MetricSpec(
        metric_id="staff_engagement_score",
        name="Staff engagement",
        unit="score",
        higher_is_better=True,
        frequency="annual",
        applies_to=(),
        source="Synthetic; modelled on the NHS Staff Survey",
        description="Staff engagement theme score of the NHS Staff Survey, 0 to 10.",
        domain="workforce_culture",
        years=(2011.25, 2016.0, 2020.0, 2022.0, 2024.0),
        levels=(6.8, 7.0, 7.05, 6.8, 6.85),
        trust_sd=0.22,
        noise_sd=0.07,
        regime_effect=0.45,
        decimals=2,
        clip=(0.0, 10.0),
        autocorrelation=0.3,
    ),
    MetricSpec(
        metric_id="bullying_harassment_pct",
        name="Staff experiencing bullying or harassment",
        unit="percent",
        higher_is_better=False,
        frequency="annual",
        applies_to=(),
        source="Synthetic; modelled on the NHS Staff Survey",
        description="Staff reporting harassment, bullying or abuse from managers or colleagues in the past year.",
        domain="workforce_culture",
        years=(2011.25, 2016.0, 2019.0, 2021.0, 2024.0),
        levels=(24.0, 25.0, 26.0, 25.0, 24.0),
        trust_sd=2.5,
        noise_sd=1.0,
        regime_effect=4.0,
        decimals=1,
        clip=PCT,
        type_offsets=(("ambulance", 8.0),),
        autocorrelation=0.3,
    ),
    MetricSpec(
        metric_id="agency_spend_pct",
        name="Agency spend",
        unit="percent",
        higher_is_better=False,
        frequency="monthly",
        applies_to=(),
        source="Synthetic; modelled on NHS England agency spend returns",
        description="Spend on agency staff as a share of the total pay bill.",
        domain="finance",
        years=(2011.25, 2015.5, 2017.0, 2020.0, 2022.5, 2024.2),
        levels=(4.0, 7.5, 5.0, 4.5, 4.8, 3.7),
        trust_sd=1.5,
        noise_sd=0.45,
        regime_effect=2.5,
        decimals=1,
        clip=PCT,
        type_offsets=(("mental_health", 1.5),),
        autocorrelation=0.6,
    ),
    MetricSpec(
        metric_id="surplus_deficit_pct",
        name="Financial surplus or deficit",
        unit="percent",
        higher_is_better=True,
        frequency="quarterly",
        applies_to=(),
        source="Synthetic; modelled on NHS provider annual accounts",
        description="Surplus (positive) or deficit (negative) as a share of operating income, year to date.",
        domain="finance",
        years=(2011.25, 2014.0, 2016.0, 2018.5, 2020.5, 2022.5, 2024.2),
        levels=(1.5, 0.2, -2.0, -0.8, 0.6, 0.0, -1.2),
        trust_sd=1.5,
        noise_sd=0.8,
        regime_effect=3.0,
        decimals=1,
        clip=(-25.0, 25.0),
        autocorrelation=0.6,
    ),
    MetricSpec(
        metric_id="cip_delivery_pct",
        name="Cost improvement plan delivered",
        unit="percent",
        higher_is_better=True,
        frequency="quarterly",
        applies_to=(),
        source="Synthetic; modelled on NHS provider financial returns",
        description="Savings delivered as a share of the trust's cost improvement plan, year to date.",
        domain="finance",
        years=(2011.25, 2016.0, 2020.5, 2024.2),
        levels=(90.0, 80.0, 75.0, 78.0),
        trust_sd=6.0,
        noise_sd=4.0,
        regime_effect=10.0,
        decimals=1,
        clip=PCT,
    ),
    MetricSpec(
        metric_id="fft_positive_pct",
        name="Friends and Family Test: positive",
        unit="percent",
        higher_is_better=True,
        frequency="monthly",
        applies_to=ALL_BUT_AMBULANCE,
        source="Synthetic; modelled on the NHS England Friends and Family Test",
        description="Share of responses rating the service good or very good.",
        domain="patient_experience",
        years=(2013.25, 2018.0, 2020.5, 2024.2),
        levels=(93.5, 95.0, 94.0, 93.0),
        trust_sd=1.8,
        noise_sd=0.9,
        regime_effect=3.0,
        decimals=1,
        clip=PCT,
        type_offsets=(("mental_health", -4.0), ("community", 2.0)),
        denominator=900,
        first=dt.date(2013, 4, 1),
    ),
    MetricSpec(
        metric_id="inpatient_survey_score",
        name="Adult inpatient survey: overall experience",
        unit="score",
        higher_is_better=True,
        frequency="annual",
        applies_to=("acute", "acute_and_community", "specialist"),
        source="Synthetic; modelled on the CQC adult inpatient survey",
        description="Mean answer to 'Overall, how was your experience while you were in hospital?', 0 to 10.",
        domain="patient_experience",
        years=(2011.25, 2019.0, 2021.0, 2023.0, 2024.2),
        levels=(8.0, 8.1, 8.0, 7.8, 7.8),
        trust_sd=0.2,
        noise_sd=0.08,
        regime_effect=0.35,
        decimals=2,
        clip=(0.0, 10.0),
        type_offsets=(("specialist", 0.4),),
        autocorrelation=0.3,
    ),
)

_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def _deterioration(rng: np.random.Generator, plans: Sequence[TrustPlan]) -> np.ndarray:
    """How far each trust is from its usual self, per month: 0 normal, 1 at its worst.

    Regime trusts decline over the 12-24 months before SMQ entry (CP trusts less); after entry
    clear improvers recover past their old level and stay there, other SMQ trusts settle part
    way, and prolonged poor performers improve for a few months and then slip back. Negative
    values mean better than usual.
    """
    months = np.arange(N_MONTHS, dtype=float)
    out = np.zeros((len(plans), N_MONTHS))

    def ramp(at: float, peak: float) -> np.ndarray:
        lead = rng.uniform(12, 24)
        return peak * np.clip((months - (at - lead)) / lead, 0.0, 1.0)

    for plan in plans:
        if plan.group == "never":
            continue
        curve = np.zeros(N_MONTHS)
        for ep in plan.cp:
            start = _month_position(ep.start)
            end = _month_position(ep.end) if ep.end else math.inf
            peak = 0.5 if plan.group == "cp_only" else 0.6
            cp_curve = ramp(start, peak)
            after = months > end
            cp_curve[after] = peak * np.exp(-(months[after] - end) / rng.uniform(8, 14))
            curve = np.maximum(curve, cp_curve)
        for n, ep in enumerate(plan.smq):
            entry = _month_position(ep.start)
            exit_at = _month_position(ep.end) if ep.end else math.inf
            t = np.maximum(months - entry, 0.0)
            if plan.group == "clear_improver":
                beyond = rng.uniform(0.2, 0.5)
                post = -beyond + (1 + beyond) * np.exp(-t / rng.uniform(6, 10))
            elif plan.group == "prolonged_poor_performer":
                floor = rng.uniform(0.25, 0.45)
                post = (
                    floor
                    + (1 - floor) * np.exp(-t / 5)
                    + rng.uniform(0.45, 0.65) * np.clip((t - 10) / 14, 0, 1)
                )
                if n == len(plan.smq) - 1 and math.isfinite(exit_at):
                    settle = np.exp(-np.maximum(months - exit_at, 0) / 30)
                    at_exit = np.interp(exit_at, months, post)
                    post = np.where(months > exit_at, at_exit * settle + 0.3 * (1 - settle), post)
            else:  # other_smq, cp_to_smq: partial recovery, no better than before
                floor = rng.uniform(0.25, 0.55)
                post = floor + (1 - floor) * np.exp(-t / rng.uniform(6, 10))
            smq_curve = np.where(months <= entry, ramp(entry, 1.0), post)
            curve = smq_curve if not plan.cp and n == 0 else np.maximum(curve, smq_curve)
        out[plan.index] = curve
    return out


def _period_grid(spec: MetricSpec) -> np.ndarray:
    """Month indices of the periods' first months: months, April-based quarters or years."""
    step = _PERIOD_MONTHS[spec.frequency]
    first = _month_index(spec.first)
    first += (-first) % step  # align quarters and years on April
    last = min(_month_index(spec.last), N_MONTHS - 1)
    return np.arange(first, last + 1, step)


def _metric_rows(
    rng: np.random.Generator,
    spec: MetricSpec,
    plans: Sequence[TrustPlan],
    deterioration: np.ndarray,
    month_iso: np.ndarray,
) -> dict[str, np.ndarray]:
    """Long-format arrays (trust index, period, value, numerator, denominator) for one metric."""
    trust_idx = np.array(
        [p.index for p in plans if not spec.applies_to or p.trust_type in spec.applies_to], dtype=np.int64
    )
    periods = _period_grid(spec)
    n_t, n_p = len(trust_idx), len(periods)
    step = _PERIOD_MONTHS[spec.frequency]
    mid = np.minimum(periods + step // 2, N_MONTHS - 1)

    years = 2011.25 + (periods + step / 2) / 12
    national = np.interp(years, spec.years, np.log(spec.levels) if spec.log_scale else spec.levels)
    calendar_month = (periods + 3) % 12  # 0 = January
    seasonal = np.asarray(spec.season)[calendar_month] if step == 1 else np.zeros(n_p)

    better = 1.0 if spec.higher_is_better else -1.0
    quality = np.array([plans[i].quality for i in trust_idx])
    types = [plans[i].trust_type for i in trust_idx]
    offsets = dict(spec.type_offsets)
    type_shift = np.array([offsets.get(t, 0.0) for t in types])
    trust_level = spec.trust_sd * (0.5 * quality + math.sqrt(0.75) * rng.standard_normal(n_t))
    trust_slope = spec.trust_sd * 0.08 * rng.standard_normal(n_t)
    sensitivity = rng.uniform(0.7, 1.3, n_t)

    phi = spec.autocorrelation if step == 1 else spec.autocorrelation / 2
    shocks = rng.standard_normal((n_t, n_p)) * spec.noise_sd
    noise = np.empty_like(shocks)
    noise[:, 0] = shocks[:, 0]
    scale_ar = math.sqrt(1 - phi * phi)
    for j in range(1, n_p):
        noise[:, j] = phi * noise[:, j - 1] + scale_ar * shocks[:, j]

    level = (
        national[None, :]
        + seasonal[None, :]
        + type_shift[:, None]
        + better * trust_level[:, None]
        + trust_slope[:, None] * (years[None, :] - 2017.5)
        - better * spec.regime_effect * sensitivity[:, None] * deterioration[trust_idx][:, mid]
        + noise
    )
    if spec.log_scale:
        size = np.array([plans[i].size for i in trust_idx])
        values = size[:, None] * np.exp(level)
    else:
        values = level
    lo, hi = spec.clip
    values = np.clip(values, -np.inf if lo is None else lo, np.inf if hi is None else hi)

    numerator = denominator = np.full((n_t, n_p), np.nan)
    if spec.denominator is not None:
        size = np.array([plans[i].size for i in trust_idx])
        denominator = np.maximum(
            np.round(size[:, None] * spec.denominator * rng.uniform(0.9, 1.1, (n_t, n_p))), 1.0
        )
        numerator = np.round(values / 100 * denominator)
        values = 100 * numerator / denominator
    values = np.round(values, spec.decimals)

    keep = rng.random((n_t, n_p)) >= 0.02  # about 2% of values never arrived
    rows_t = np.broadcast_to(trust_idx[:, None], (n_t, n_p))[keep]
    rows_p = np.broadcast_to(periods[None, :], (n_t, n_p))[keep]
    return {
        "trust": rows_t,
        "period": month_iso[rows_p],
        "value": values[keep],
        "numerator": numerator[keep],
        "denominator": denominator[keep],
    }


def _metrics_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric_id": [m.metric_id for m in METRICS],
            "name": [m.name for m in METRICS],
            "unit": [m.unit for m in METRICS],
            "higher_is_better": ["true" if m.higher_is_better else "false" for m in METRICS],
            "frequency": [m.frequency for m in METRICS],
            "applies_to": [";".join(m.applies_to) or None for m in METRICS],
            "source": [m.source for m in METRICS],
            "description": [m.description for m in METRICS],
            "domain": [m.domain for m in METRICS],
        },
        columns=list(COLUMNS["metrics"]),
    )


def _metric_values_frame(
    rng: np.random.Generator, plans: Sequence[TrustPlan], deterioration: np.ndarray
) -> pd.DataFrame:
    month_iso = np.array([_month_start(i).isoformat() for i in range(N_MONTHS)], dtype=object)
    codes = np.array([p.code for p in plans], dtype=object)
    parts = [_metric_rows(rng, spec, plans, deterioration, month_iso) for spec in METRICS]
    sizes = [len(p["value"]) for p in parts]
    metric_ids = np.repeat(np.array([m.metric_id for m in METRICS], dtype=object), sizes)
    return pd.DataFrame(
        {
            "trust_code": codes[np.concatenate([p["trust"] for p in parts])],
            "metric_id": metric_ids,
            "period_start": np.concatenate([p["period"] for p in parts]),
            "value": np.concatenate([p["value"] for p in parts]),
            "numerator": np.concatenate([p["numerator"] for p in parts]),
            "denominator": np.concatenate([p["denominator"] for p in parts]),
        }
    )


# --------------------------------------------------------------------------------------------
# Public interface


def _frame(stem: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A frame with exactly the file's columns, dates written as ISO strings."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS[stem]))
    for column in frame.columns:
        if column.endswith("_date") or column in ("period_start", "publication_date", "as_of"):
            frame[column] = frame[column].map(lambda d: _iso(d) if isinstance(d, dt.date) else d)
    return frame


def generate(seed: int = 42, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """Build the synthetic demo dataset: one frame per CSV file of the contract, keyed by stem.

    Every frame passes the importer's validation as written by `write_csvs`. The same seed and
    scale always give identical frames; `scale` multiplies the number of trusts (scale 1 is
    about 217) and the number of regime trusts in each evaluation group.
    """
    if not scale > 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng(seed)
    plans = _make_trusts(rng, scale)
    for plan in plans:
        if plan.group != "never":
            _plan_history(rng, plan)
    for plan in plans:
        _plan_routine_inspections(rng, plan)

    trusts = _frame(
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
    episodes = _frame(
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
            for domain, rating in _domain_ratings(rng, inspection.overall).items():
                rating_rows.append(
                    {
                        "trust_code": p.code,
                        "publication_date": inspection.published,
                        "domain": domain,
                        "rating": rating,
                    }
                )
    ratings = _frame("cqc_ratings", rating_rows)

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
        rows = _plan_interventions(rng, p, partners)
        intervention_rows += rows
        cost_rows += _plan_costs(rng, p, rows)
    interventions = _frame("interventions", intervention_rows).drop_duplicates(
        ["trust_code", "intervention", "start_date"], ignore_index=True
    )
    costs = _frame("costs", cost_rows)

    deterioration = _deterioration(rng, plans)
    metric_values = _metric_values_frame(rng, plans, deterioration)

    dataset = _frame(
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
        "metrics": _metrics_frame(),
        "metric_values": metric_values,
        "interventions": interventions,
        "costs": costs,
        "dataset": dataset,
    }


def write_csvs(frames: dict[str, pd.DataFrame], directory: Path) -> None:
    """Write each frame as `<stem>.csv` (UTF-8, no index), ready for `smq-monitor import`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stem, frame in frames.items():
        frame.to_csv(directory / f"{stem}.csv", index=False, encoding="utf-8")
