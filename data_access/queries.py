"""Role-aware queries: the only way the rest of the app reads data.

Every public function takes a `Viewer` and a `Filters` and returns a DataFrame that is already
filtered for that viewer, so a page, a hand-made callback request and a download all get the
same answer. The confidentiality rule of the contract (§5) is applied here and nowhere else:

* a viewer who may not see a trust's CP information gets no CP episode of it, its group mapped
  away from `cp_*`, no CP entry date, and its interventions and costs only when dated on or after
  its first SMQ entry and outside every CP episode;
* filters (group, regime) run after that mapping, so they cannot be used to probe the list.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, select

from data_access import models
from data_access.cache import TtlValue, memoized
from data_access.db import connect, database_url, read_frame
from data_access.filters import Filters, KnownValues
from data_access.groups import derive_groups, episode_days, public_group
from data_access.viewer import Viewer
from data_access.vocab import CP_GROUPS

_version_memo = TtlValue(ttl=2.0)

TRUST_COLUMNS = [
    "trust_code",
    "trust_name",
    "trust_type",
    "region",
    "setting",
    "teaching",
    "evaluation_group",
    "current_regime",
    "first_smq_entry",
    "first_smq_exit",
    "first_cp_entry",
    "ever_smq",
    "ever_cp",
]


def _read(statement) -> pd.DataFrame:
    return read_frame(statement)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    return frame


# --------------------------------------------------------------------------------------------
# Dataset metadata and data version


def data_version() -> int:
    """Bumped by every import; part of every cache key. Read at most every 2 s per process."""

    def load() -> int:
        with connect() as conn:
            value = conn.execute(
                select(models.DatasetInfo.data_version).where(models.DatasetInfo.id == 1)
            ).scalar()
        return int(value or 0)

    return int(_version_memo.get(database_url(), load))


def forget_data_version() -> None:
    _version_memo.clear()


@memoized()
def _dataset_info(version: int) -> dict:
    del version
    with connect() as conn:
        info = models.DatasetInfo.__table__
        row = conn.execute(select(info).where(info.c.id == 1)).mappings().first()
        if row is None:
            return {
                "name": None,
                "synthetic": False,
                "as_of": None,
                "licence": None,
                "notes": None,
                "data_version": 0,
                "imported_at": None,
            }
        return {
            "name": row["name"],
            "synthetic": bool(row["synthetic"]),
            "as_of": row["as_of"],
            "licence": row["licence"],
            "notes": row["notes"],
            "data_version": row["data_version"],
            "imported_at": row["imported_at"],
        }


def dataset_info() -> dict:
    info = dict(_dataset_info(data_version()))
    info["as_of_effective"] = info["as_of"] or date.today()
    return info


def as_of() -> date:
    """The date the data describes: "now" in every view (§2), today when not given."""
    return dataset_info()["as_of_effective"]


# --------------------------------------------------------------------------------------------
# Trust-level base tables (not role-filtered: private to this module)


@memoized()
def _trusts_table(version: int) -> pd.DataFrame:
    del version
    t = models.Trust
    return _read(
        select(
            t.trust_code, t.trust_name, t.trust_type, t.region, t.setting, t.teaching, t.evaluation_group
        ).order_by(t.trust_code)
    )


@memoized()
def _episodes_table(version: int) -> pd.DataFrame:
    del version
    e = models.RegimeEpisode
    frame = _read(
        select(e.trust_code, e.regime, e.start_date, e.end_date, e.notes).order_by(
            e.trust_code, e.start_date, e.regime
        )
    )
    return _dates(frame, "start_date", "end_date")


@memoized()
def _overall_ratings(version: int) -> pd.DataFrame:
    del version
    r = models.CqcRating
    frame = _read(select(r.trust_code, r.publication_date, r.domain, r.rating).where(r.domain == "overall"))
    return _dates(frame, "publication_date")


@memoized()
def _full_trust_base(version: int, as_of_date: date) -> pd.DataFrame:
    """Every trust with its true group and first events; role mapping happens afterwards."""
    trusts = _trusts_table(version).copy()
    episodes = _episodes_table(version)
    groups = derive_groups(trusts, episodes, _overall_ratings(version), as_of_date)
    trusts["full_group"] = trusts["trust_code"].map(groups)
    smq = episodes[episodes["regime"] == "smq"]
    cp = episodes[episodes["regime"] == "cp"]
    trusts["first_smq_entry"] = trusts["trust_code"].map(smq.groupby("trust_code")["start_date"].min())
    exits = smq.dropna(subset=["end_date"]).groupby("trust_code")["end_date"].min()
    trusts["first_smq_exit"] = trusts["trust_code"].map(exits)
    trusts["first_cp_entry"] = trusts["trust_code"].map(cp.groupby("trust_code")["start_date"].min())
    return trusts


def _sees_cp_mask(viewer: Viewer, codes: pd.Series) -> np.ndarray:
    if viewer.sees_everything:
        return np.ones(len(codes), dtype=bool)
    if viewer.role == "improvement_director" and viewer.trusts:
        return codes.isin(viewer.trusts).to_numpy()
    return np.zeros(len(codes), dtype=bool)


def _visible_episodes(viewer: Viewer, version: int) -> pd.DataFrame:
    episodes = _episodes_table(version)
    keep = (episodes["regime"] == "smq").to_numpy() | _sees_cp_mask(viewer, episodes["trust_code"])
    return episodes[keep]


def _current_regime(episodes: pd.DataFrame, today: date) -> pd.Series:
    now = pd.Timestamp(today)
    active = episodes[
        (episodes["start_date"] <= now) & (episodes["end_date"].isna() | (episodes["end_date"] > now))
    ]
    current = pd.Series(dtype=object)
    for regime in ("cp", "smq"):  # SMQ wins when a trust is in both
        codes = active.loc[active["regime"] == regime, "trust_code"].unique()
        current = pd.concat([current[~current.index.isin(codes)], pd.Series(regime, index=codes)])
    return current


# --------------------------------------------------------------------------------------------
# Public queries


@memoized()
def _trusts(viewer: Viewer, filters: Filters, version: int, as_of_date: date) -> pd.DataFrame:
    base = _full_trust_base(version, as_of_date).copy()
    sees_cp = _sees_cp_mask(viewer, base["trust_code"])
    ever_smq = base["first_smq_entry"].notna()
    base["ever_smq"] = ever_smq
    base["ever_cp"] = base["first_cp_entry"].notna() & sees_cp
    mapped = [
        group if sees else public_group(group, has_smq)
        for group, sees, has_smq in zip(base["full_group"], sees_cp, ever_smq, strict=True)
    ]
    base["evaluation_group"] = mapped
    base.loc[~sees_cp, "first_cp_entry"] = pd.NaT
    episodes = _visible_episodes(viewer, version)
    base["current_regime"] = base["trust_code"].map(_current_regime(episodes, as_of_date)).fillna("none")
    base = base.drop(columns=["full_group"])

    keep = np.ones(len(base), dtype=bool)
    if filters.types:
        keep &= base["trust_type"].isin(filters.types).to_numpy()
    if filters.groups:
        keep &= base["evaluation_group"].isin(filters.groups).to_numpy()
    if filters.regions:
        keep &= base["region"].isin(filters.regions).to_numpy()
    if filters.trusts:
        keep &= base["trust_code"].isin(filters.trusts).to_numpy()
    if filters.regimes:
        window = episodes
        if filters.date_from is not None:
            window = window[
                window["end_date"].isna() | (window["end_date"] >= pd.Timestamp(filters.date_from))
            ]
        if filters.date_to is not None:
            window = window[window["start_date"] <= pd.Timestamp(filters.date_to)]
        in_regime = np.zeros(len(base), dtype=bool)
        for regime in filters.regimes:
            if regime == "none":
                in_regime |= ~base["trust_code"].isin(window["trust_code"]).to_numpy()
            else:
                codes = window.loc[window["regime"] == regime, "trust_code"]
                in_regime |= base["trust_code"].isin(codes).to_numpy()
        keep &= in_regime
    return base.loc[keep, TRUST_COLUMNS].reset_index(drop=True)


def trusts(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """The filtered trusts, with group and current regime as this viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _trusts(viewer, filters, data_version(), as_of())


def trust_codes(viewer: Viewer, filters: Filters | None = None) -> list[str]:
    return trusts(viewer, filters)["trust_code"].tolist()


@memoized()
def _episodes(viewer: Viewer, filters: Filters, version: int, as_of_date: date) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    episodes = _visible_episodes(viewer, version)
    episodes = episodes[episodes["trust_code"].isin(codes)].copy()
    if filters.date_from is not None:
        episodes = episodes[
            episodes["end_date"].isna() | (episodes["end_date"] >= pd.Timestamp(filters.date_from))
        ]
    if filters.date_to is not None:
        episodes = episodes[episodes["start_date"] <= pd.Timestamp(filters.date_to)]
    episodes["days"] = episode_days(episodes["start_date"], episodes["end_date"], as_of_date)
    episodes["ongoing"] = episodes["end_date"].isna()
    return episodes.reset_index(drop=True)


def episodes(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Regime episodes of the filtered trusts: trust_code, regime, start_date, end_date, days,
    ongoing, notes. CP episodes only where the viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _episodes(viewer, filters, data_version(), as_of())


@memoized()
def _ratings(
    viewer: Viewer, filters: Filters, domains: tuple[str, ...], version: int, as_of_date: date
) -> pd.DataFrame:
    codes = _trusts(viewer, filters, version, as_of_date)["trust_code"].tolist()
    r = models.CqcRating
    stmt = select(r.trust_code, r.publication_date, r.domain, r.rating)
    if domains:
        stmt = stmt.where(r.domain.in_(domains))
    if filters.date_from is not None:
        stmt = stmt.where(r.publication_date >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(r.publication_date <= filters.date_to)
    frame = _dates(_read(stmt.order_by(r.trust_code, r.publication_date, r.domain)), "publication_date")
    return frame[frame["trust_code"].isin(codes)].reset_index(drop=True)


def ratings(viewer: Viewer, filters: Filters | None = None, domains: tuple[str, ...] = ()) -> pd.DataFrame:
    """CQC ratings of the filtered trusts (public information)."""
    filters = (filters or Filters()).trust_filters()
    return _ratings(viewer, filters, tuple(domains), data_version(), as_of())


@memoized()
def _metrics(version: int) -> pd.DataFrame:
    del version
    m = models.Metric
    frame = _read(
        select(
            m.metric_id,
            m.name,
            m.unit,
            m.higher_is_better,
            m.frequency,
            m.applies_to,
            m.source,
            m.description,
            m.domain,
        ).order_by(m.metric_id)
    )
    frame["applies_to_types"] = [
        tuple(a.split(";")) if isinstance(a, str) and a else () for a in frame["applies_to"]
    ]
    return frame


def metrics(types: tuple[str, ...] = ()) -> pd.DataFrame:
    """Metric definitions; with `types`, only those that apply to at least one of them."""
    frame = _metrics(data_version())
    if types:
        applies = [not a or bool(set(a) & set(types)) for a in frame["applies_to_types"]]
        frame = frame[applies]
    return frame.reset_index(drop=True)


@memoized()
def _known_values(version: int) -> KnownValues:
    trusts_frame = _trusts_table(version)
    return KnownValues(
        regions=frozenset(r for r in trusts_frame["region"].dropna().unique()),
        trusts=frozenset(trusts_frame["trust_code"]),
        metrics=frozenset(_metrics(version)["metric_id"]),
    )


def known_values() -> KnownValues:
    return _known_values(data_version())


def parse_filters(query: str | None, viewer: Viewer | None = None) -> tuple[Filters, list[str]]:
    """Read a URL query string against the values present in the data and the viewer's rights.

    For a viewer who may see no CP information, CP groups and the CP regime are unknown values:
    dropped with a notice, as any unknown value is, so pages and downloads answer alike.
    """
    filters, notices = Filters.from_query(query or "", known_values())
    if viewer is not None and not viewer.sees_everything and not viewer.trusts:
        hidden_groups = [g for g in filters.groups if g in CP_GROUPS]
        if hidden_groups or "cp" in filters.regimes:
            notices.append("Ignored filters on the Challenged Providers list: they need signing in.")
            filters = filters.with_(
                groups=tuple(g for g in filters.groups if g not in CP_GROUPS),
                regimes=tuple(r for r in filters.regimes if r != "cp"),
            )
    return filters, notices


@memoized()
def _metric_table(metric_id: str, version: int) -> pd.DataFrame:
    """Every value of one metric, for every trust: read once per data version, then filtered in
    memory for each filter change (a view's filters change far more often than the data)."""
    del version  # part of the cache key
    v = models.MetricValue
    frame = _read(
        select(v.trust_code, v.metric_id, v.period_start, v.value, v.numerator, v.denominator)
        .where(v.metric_id == metric_id)
        .order_by(v.trust_code, v.period_start)
    )
    return _dates(frame, "period_start")


# A selection this large reads whole metrics (memoized) rather than asking SQL per trust list.
WHOLE_METRIC_FROM = 200


@memoized()
def _metric_values(
    viewer: Viewer, filters: Filters, metric_ids: tuple[str, ...], version: int, as_of_date: date
) -> pd.DataFrame:
    selected = _trusts(viewer, filters, version, as_of_date)["trust_code"]
    all_trusts = len(selected) == len(_trusts_table(version))
    if metric_ids and len(metric_ids) <= 3 and len(selected) >= WHOLE_METRIC_FROM:
        frame = pd.concat([_metric_table(m, version) for m in sorted(metric_ids)], ignore_index=True)
        keep = np.ones(len(frame), dtype=bool)
        if filters.date_from is not None:
            keep &= (frame["period_start"] >= pd.Timestamp(filters.date_from)).to_numpy()
        if filters.date_to is not None:
            keep &= (frame["period_start"] <= pd.Timestamp(filters.date_to)).to_numpy()
        if not all_trusts:
            keep &= frame["trust_code"].isin(set(selected)).to_numpy()
        frame = frame[keep]
        if len(metric_ids) > 1:
            frame = frame.sort_values(["trust_code", "metric_id", "period_start"], kind="stable")
        return frame.reset_index(drop=True)
    v = models.MetricValue
    stmt = select(v.trust_code, v.metric_id, v.period_start, v.value, v.numerator, v.denominator)
    conditions = []
    if metric_ids:
        conditions.append(v.metric_id.in_(metric_ids))
    if filters.date_from is not None:
        conditions.append(v.period_start >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(v.period_start <= filters.date_to)
    if not all_trusts and len(selected) <= 500:
        conditions.append(v.trust_code.in_(selected.tolist()))
    if conditions:
        stmt = stmt.where(and_(*conditions))
    frame = _dates(_read(stmt.order_by(v.trust_code, v.metric_id, v.period_start)), "period_start")
    if not all_trusts and len(selected) > 500:
        frame = frame[frame["trust_code"].isin(set(selected))]
    return frame.reset_index(drop=True)


def metric_values(
    viewer: Viewer, filters: Filters | None = None, metric_ids: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Metric values (public information) of the filtered trusts for the given metrics."""
    filters = (filters or Filters()).trust_filters()
    return _metric_values(viewer, filters, tuple(metric_ids), data_version(), as_of())


def _public_dated(frame: pd.DataFrame, date_column: str, viewer: Viewer, version: int) -> pd.DataFrame:
    """Keep rows this viewer may see: for trusts whose CP status is hidden from them, only rows
    dated on or after the first SMQ entry and outside every CP episode."""
    if frame.empty:
        return frame
    sees = _sees_cp_mask(viewer, frame["trust_code"])
    if sees.all():
        return frame
    episodes = _episodes_table(version)
    first_smq = episodes[episodes["regime"] == "smq"].groupby("trust_code")["start_date"].min()
    dated = frame[date_column]
    after_entry = (dated >= frame["trust_code"].map(first_smq)).fillna(False).to_numpy()
    in_cp = np.zeros(len(frame), dtype=bool)
    cp = episodes[episodes["regime"] == "cp"]
    cp = cp[cp["trust_code"].isin(set(frame["trust_code"]))]
    for row in cp.itertuples(index=False):
        end = row.end_date if not pd.isna(row.end_date) else pd.Timestamp.max
        in_cp |= (
            (frame["trust_code"] == row.trust_code) & (dated >= row.start_date) & (dated <= end)
        ).to_numpy()
    keep = sees | (after_entry & ~in_cp & dated.notna().to_numpy())
    return frame[keep]


@memoized()
def _interventions(viewer: Viewer, filters: Filters, version: int, as_of_date: date) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    i = models.Intervention
    frame = _read(
        select(
            i.trust_code, i.intervention, i.status, i.start_date, i.end_date, i.amount_gbp, i.partner, i.notes
        ).order_by(i.trust_code, i.start_date, i.intervention)
    )
    frame = _dates(frame, "start_date", "end_date")
    frame = frame[frame["trust_code"].isin(codes)]
    frame = _public_dated(frame, "start_date", viewer, version)
    if filters.date_from is not None:
        frame = frame[
            frame["end_date"].isna()
            | (frame["end_date"] >= pd.Timestamp(filters.date_from))
            | (frame["start_date"] >= pd.Timestamp(filters.date_from))
        ]
    if filters.date_to is not None:
        frame = frame[frame["start_date"] <= pd.Timestamp(filters.date_to)]
    return frame.reset_index(drop=True)


def interventions(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Interventions of the filtered trusts, as this viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _interventions(viewer, filters, data_version(), as_of())


@memoized()
def _costs(viewer: Viewer, filters: Filters, version: int, as_of_date: date) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    c = models.Cost
    stmt = select(c.trust_code, c.category, c.period_start, c.payer, c.amount_gbp, c.source, c.notes)
    if filters.date_from is not None:
        stmt = stmt.where(c.period_start >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(c.period_start <= filters.date_to)
    frame = _dates(_read(stmt.order_by(c.trust_code, c.period_start, c.category, c.payer)), "period_start")
    frame = frame[frame["trust_code"].isin(codes)]
    return _public_dated(frame, "period_start", viewer, version).reset_index(drop=True)


def costs(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Cost rows of the filtered trusts, as this viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _costs(viewer, filters, data_version(), as_of())


@memoized()
def _all_ratings(version: int) -> pd.DataFrame:
    del version
    r = models.CqcRating
    return _dates(_read(select(r.trust_code, r.publication_date, r.domain, r.rating)), "publication_date")
