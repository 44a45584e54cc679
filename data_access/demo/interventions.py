"""Interventions and costs of the regime trusts, each dated inside the episode it belongs to."""

from __future__ import annotations

import datetime as dt

import numpy as np

from data_access.demo.common import AS_OF, add_days, add_months, month_floor, month_starts, pick
from data_access.demo.trusts import TrustPlan
from data_access.vocab import FUNDING_CAP_CP, FUNDING_CAP_SMQ_ENTRY, FUNDING_CAP_SMQ_EXIT, INTENSIVE_REGIMES


def _status(rng: np.random.Generator, p_not: float = 0.06, p_none: float = 0.06) -> str:
    return pick(rng, ("delivered", "not_delivered", "no_data"), (1 - p_not - p_none, p_not, p_none))


def _clip_end(day: dt.date | None) -> dt.date | None:
    """Ends after the as-of date are unknown as of then: blank."""
    return None if day is None or day > AS_OF else day


REGIME_WORDS = {"smq": "SMQ", "rsp": "the RSP", "cp": "the CP list"}
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


def plan_interventions(
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
            return min(add_days(ep_start, rng.uniform(lo, hi)), ep_last)

        if rng.random() < 0.6:
            amount = float(round(rng.uniform(30_000, FUNDING_CAP_CP), -3))
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
                min(add_days(start, rng.uniform(90, 240)), last),
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
                min(add_days(start, rng.uniform(30, 90)), last),
                notes="Deep dive into finances and operational grip",
            )
        if leadership_due and leadership_in_cp and ep is plan.cp[0]:
            add(
                "leadership_change",
                _status(rng, 0.04, 0.04),
                inside(30, 180),
                notes=pick(rng, LEADERSHIP_NOTES, (0.5, 0.3, 0.2)),
            )

    partner_pool = partners.get(plan.trust_type) or partners["any"]
    for n, spell in enumerate(plan.spells):
        entry, exit_day = spell.start, spell.end
        entered, left = REGIME_WORDS[spell.entry_regime], REGIME_WORDS[spell.exit_regime]
        if rng.random() < 0.95:
            start = add_days(entry, rng.uniform(0, 60))
            months = rng.uniform(4, 8) if rng.random() < 0.8 else rng.uniform(9, 18)
            intensive = int(rng.integers(1, 4))
            add(
                "improvement_director",
                _status(rng, 0.02, 0.05),
                start,
                add_days(start, months * 30.4),
                notes=f"Improvement Director: {intensive} month{'s' if intensive > 1 else ''} of intensive support, then maintenance",
            )
        if rng.random() < 0.67:
            start = add_days(entry, rng.uniform(30, 120))
            partner = partner_pool[int(rng.integers(len(partner_pool)))]
            add(
                "buddying",
                _status(rng, 0.05, 0.05),
                start,
                add_days(start, rng.uniform(365, 730)),
                partner=partner,
                notes="Buddying with a well-rated trust",
            )
        if rng.random() < 0.9:
            amount = float(round(rng.uniform(100_000, FUNDING_CAP_SMQ_ENTRY), -3))
            add(
                "central_funding",
                _status(rng, 0.03, 0.12),
                add_days(entry, rng.uniform(0, 90)),
                amount=amount,
                notes=f"Central funding on entry to {entered}",
            )
        if exit_day is not None and rng.random() < 0.6:
            amount = float(round(rng.uniform(20_000, FUNDING_CAP_SMQ_EXIT), -3))
            add(
                "central_funding",
                _status(rng, 0.03, 0.12),
                add_days(exit_day, rng.uniform(0, 60)),
                amount=amount,
                notes=f"Central funding on exit from {left}, to sustain improvement",
            )
        if leadership_due and not leadership_in_cp and (n == 0 or rng.random() < 0.5):
            add(
                "leadership_change",
                _status(rng, 0.04, 0.04),
                add_days(entry, rng.uniform(30, 270)),
                notes=pick(rng, LEADERSHIP_NOTES, (0.5, 0.3, 0.2)),
            )
        if rng.random() < 0.4:
            add(
                "oversight_group",
                _status(rng, 0.02, 0.05),
                add_days(entry, rng.uniform(0, 45)),
                exit_day,
                notes="Quality oversight group",
            )
        if rng.random() < 0.3:
            start = add_days(entry, rng.uniform(14, 120))
            add(
                "deep_dive",
                _status(rng),
                start,
                add_days(start, rng.uniform(30, 90)),
                notes=pick(rng, DEEP_DIVE_NOTES, (0.4, 0.3, 0.3)),
            )
        if rng.random() < 0.12:
            start = add_days(entry, rng.uniform(60, 300))
            add(
                "other",
                _status(rng),
                start,
                add_days(start, rng.uniform(60, 180)),
                notes="Peer review by a national clinical team",
            )
    return rows


MONTHLY_COSTS = frozenset({"improvement_director", "buddying", "reporting_burden"})


def plan_costs(
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
        month = month_floor(month)
        while (category, payer, month) in taken and category not in MONTHLY_COSTS:
            month = add_months(month, 1)
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
            for k, month in enumerate(month_starts(start, end)):
                add(
                    "improvement_director",
                    "nhsi",
                    month,
                    min(rate * (1.2 if k < 3 else 1.0), 25_000),
                    "Improvement Director fees",
                )
        elif kind == "buddying" and status == "delivered":
            rate = rng.uniform(5_000, 20_000)
            for month in month_starts(start, end):
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
        label = {"smq": "SMQ", "rsp": "RSP", "cp": "CP"}[ep.regime]
        for month in month_starts(ep.start, ep.end or AS_OF):
            amount = None if no_reporting_data else float(np.clip(base * rng.uniform(0.8, 1.2), 2_000, 8_000))
            add("reporting_burden", "trust", month, amount, f"Staff time on {label} reporting and assurance")

    for ep in plan.episodes:
        last = ep.end or AS_OF
        span = max((last - ep.start).days, 1)
        if ep.regime in INTENSIVE_REGIMES:
            for _ in range(int(rng.integers(1, 3))):
                add(
                    "consultancy",
                    "trust",
                    add_days(ep.start, rng.uniform(0, span)),
                    rng.uniform(50_000, 400_000),
                    "Improvement consultancy",
                )
            if rng.random() < 0.2:
                add(
                    "other",
                    "other",
                    add_days(ep.start, rng.uniform(0, span)),
                    rng.uniform(10_000, 60_000),
                    "Quality improvement training funded by a partner",
                )
        elif rng.random() < 0.4:
            add(
                "consultancy",
                "trust",
                add_days(ep.start, rng.uniform(0, span)),
                rng.uniform(50_000, 150_000),
                "Financial recovery consultancy",
            )
    return rows
