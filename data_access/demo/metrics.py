"""The metric catalogue and its values: national trends, seasonality, trust effects, noise, gaps,
and the decline before entry and the recovery after it that differ by group."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.demo.common import AS_OF, FIRST_MONTH, N_MONTHS, month_index, month_position, month_start
from data_access.demo.files import COLUMNS
from data_access.demo.trusts import TrustPlan
from data_access.vocab import TRUST_TYPES

ACUTE_TYPES = ("acute", "acute_and_community")
ALL_BUT_AMBULANCE = tuple(t for t in TRUST_TYPES if t != "ambulance")


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


def deterioration_curves(rng: np.random.Generator, plans: Sequence[TrustPlan]) -> np.ndarray:
    """How far each trust is from its usual self, per month: 0 normal, 1 at its worst.

    Regime trusts decline over the 12-24 months before entering intensive support (SMQ or the
    RSP; CP trusts less); after entry clear improvers recover past their old level and stay
    there, other SMQ trusts settle part
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
            start = month_position(ep.start)
            end = month_position(ep.end) if ep.end else math.inf
            peak = 0.5 if plan.group == "cp_only" else 0.6
            cp_curve = ramp(start, peak)
            after = months > end
            cp_curve[after] = peak * np.exp(-(months[after] - end) / rng.uniform(8, 14))
            curve = np.maximum(curve, cp_curve)
        spells = plan.spells
        for n, spell in enumerate(spells):
            entry = month_position(spell.start)
            exit_at = month_position(spell.end) if spell.end else math.inf
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
                if n == len(spells) - 1 and math.isfinite(exit_at):
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
    first = month_index(spec.first)
    first += (-first) % step  # align quarters and years on April
    last = min(month_index(spec.last), N_MONTHS - 1)
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


def metrics_frame() -> pd.DataFrame:
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


def metric_values_frame(
    rng: np.random.Generator, plans: Sequence[TrustPlan], deterioration: np.ndarray
) -> pd.DataFrame:
    month_iso = np.array([month_start(i).isoformat() for i in range(N_MONTHS)], dtype=object)
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
