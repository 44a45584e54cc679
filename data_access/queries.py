"""Role-aware queries: the only way the rest of the app reads data.

Every public function takes a `Viewer` and a `Filters` and returns a DataFrame already limited
to what that viewer may see, so a page, a hand-made callback request and a download all get the
same answer. Each read is "base table per data version → what this class of viewer may see
(`access`) → filter": the first two steps are memoized per process and data version, so a
request's work depends on the filters and on what it shows, never on what it hides. Group and
regime filters apply after the access rule, so they cannot be used to probe the CP list.
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select

from data_access import access, models
from data_access.cache import TtlValue, memoized
from data_access.db import connect, database_url, read_frame, reading_through
from data_access.filters import Filters, KnownValues
from data_access.frames import isin, lookup
from data_access.groups import clip_to_as_of, derive_groups, episode_days, intensive_spells
from data_access.snapshot import snapshotted
from data_access.viewer import Viewer

_version_memo = TtlValue(ttl=2.0)

TRUST_COLUMNS = [
    "trust_code",
    "trust_name",
    "trust_type",
    "region",
    "icb",
    "setting",
    "teaching",
    "evaluation_group",
    "current_regime",
    "first_smq_entry",
    "first_smq_exit",
    "first_rsp_entry",
    "first_rsp_exit",
    "first_support_entry",
    "first_support_exit",
    "first_cp_entry",
    "ever_smq",
    "ever_rsp",
    "ever_support",
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


def data_version() -> str:
    """The data stamp: part of every memo and cache key, re-read at most every 2 s per process.

    It joins the database's identity (a hash of its URL), the version every import bumps and the
    time of that import, so a recreated or different database, whose version starts again at 1,
    never meets another's answers."""

    def load() -> str:
        with connect() as conn:
            return _stamp(conn)

    return str(_version_memo.get(database_url(), load))


def _stamp(conn) -> str:
    row = conn.execute(
        select(models.DatasetInfo.data_version, models.DatasetInfo.imported_at).where(
            models.DatasetInfo.id == 1
        )
    ).first()
    version, imported = (int(row[0] or 0), row[1]) if row else (0, None)
    stamp = imported.isoformat() if imported else "-"
    return f"{_database_identity()}:{version}:{stamp}"


def _database_identity() -> str:
    return hashlib.sha256(database_url().encode()).hexdigest()[:10]


def forget_data_version() -> None:
    _version_memo.clear()


@memoized
def _dataset_info(version: str) -> dict:
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


def dataset_info(viewer: Viewer | None = None) -> dict:
    """The dataset's description. Its `notes` are free text: only for a viewer who may see CP
    information (contract §5); pass the viewer to get them."""
    info = dict(_dataset_info(data_version()))
    info["as_of_effective"] = info["as_of"] or date.today()
    if viewer is None or not viewer.sees_any_cp:
        info["notes"] = None
    return info


def as_of() -> date:
    """The date the data describes: "now" in every view (§2), today when not given."""
    return dataset_info()["as_of_effective"]


# --------------------------------------------------------------------------------------------
# Base tables, once per data version (not role-filtered: private to this module)


@memoized
@snapshotted
def _trusts_table(version: str) -> pd.DataFrame:
    del version
    t = models.Trust
    return _read(
        select(
            t.trust_code,
            t.trust_name,
            t.trust_type,
            t.region,
            t.icb,
            t.setting,
            t.teaching,
            t.evaluation_group,
        ).order_by(t.trust_code)
    )


@memoized
@snapshotted
def _episodes_table(version: str, as_of_date: date) -> pd.DataFrame:
    """Every episode as known on the as-of date (`groups.clip_to_as_of`)."""
    del version
    e = models.RegimeEpisode
    frame = _read(
        select(e.trust_code, e.regime, e.start_date, e.end_date, e.source, e.notes).order_by(
            e.trust_code, e.start_date, e.regime
        )
    )
    return clip_to_as_of(_dates(frame, "start_date", "end_date"), as_of_date).reset_index(drop=True)


@memoized
@snapshotted
def _all_ratings(version: str) -> pd.DataFrame:
    del version
    r = models.CqcRating
    frame = _read(
        select(r.trust_code, r.publication_date, r.domain, r.rating).order_by(
            r.trust_code, r.publication_date, r.domain
        )
    )
    return _dates(frame, "publication_date")


@memoized
def _overall_ratings(version: str) -> pd.DataFrame:
    ratings = _all_ratings(version)
    return ratings[ratings["domain"] == "overall"].reset_index(drop=True)


@memoized
@snapshotted
def _interventions_table(version: str) -> pd.DataFrame:
    del version
    i = models.Intervention
    frame = _read(
        select(
            i.trust_code,
            i.intervention,
            i.status,
            i.start_date,
            i.end_date,
            i.amount_gbp,
            i.partner,
            i.notes,
        ).order_by(i.trust_code, i.start_date, i.intervention)
    )
    return _dates(frame, "start_date", "end_date")


@memoized
@snapshotted
def _costs_table(version: str) -> pd.DataFrame:
    del version
    c = models.Cost
    frame = _read(
        select(c.trust_code, c.category, c.period_start, c.payer, c.amount_gbp, c.source, c.notes).order_by(
            c.trust_code, c.period_start, c.category, c.payer
        )
    )
    return _dates(frame, "period_start")


def _first(episodes: pd.DataFrame, regime: str, column: str, codes: pd.Series) -> pd.Series:
    """Each trust's first `column` date of its `regime` episodes (NaT without one)."""
    part = episodes[episodes["regime"] == regime].dropna(subset=[column])
    firsts = part.groupby("trust_code")[column].min()
    return pd.to_datetime(lookup(codes, firsts)).astype("datetime64[ns]")


@memoized
@snapshotted
def _full_trust_base(version: str, as_of_date: date) -> pd.DataFrame:
    """Every trust with its true and its public group and its first events."""
    trusts = _trusts_table(version).copy()
    episodes = _episodes_table(version, as_of_date)
    ratings = _overall_ratings(version)
    trusts["full_group"] = trusts["trust_code"].map(derive_groups(trusts, episodes, ratings, as_of_date))
    public_episodes = access.visible_episodes(episodes, Viewer())
    public = derive_groups(trusts.drop(columns=["evaluation_group"]), public_episodes, ratings, as_of_date)
    trusts["public_group"] = trusts["trust_code"].map(public)
    codes = trusts["trust_code"]
    for regime in ("smq", "rsp"):
        trusts[f"first_{regime}_entry"] = _first(episodes, regime, "start_date", codes)
        trusts[f"first_{regime}_exit"] = _first(episodes, regime, "end_date", codes)
    trusts["first_cp_entry"] = _first(episodes, "cp", "start_date", codes)
    spells = intensive_spells(episodes)
    first_spell = spells[spells["spell"] == 1].set_index("trust_code")
    trusts["first_support_entry"] = pd.to_datetime(lookup(codes, first_spell["start_date"])).astype(
        "datetime64[ns]"
    )
    trusts["first_support_exit"] = pd.to_datetime(lookup(codes, first_spell["end_date"])).astype(
        "datetime64[ns]"
    )
    return trusts


def _current_regime(episodes: pd.DataFrame, today: date) -> pd.Series:
    now = pd.Timestamp(today)
    active = episodes[
        (episodes["start_date"] <= now) & (episodes["end_date"].isna() | (episodes["end_date"] > now))
    ]
    current = pd.Series(dtype=object)
    for regime in ("cp", "smq", "rsp"):  # intensive support wins over the CP list
        codes = active.loc[active["regime"] == regime, "trust_code"].unique()
        current = pd.concat([current[~current.index.isin(codes)], pd.Series(regime, index=codes)])
    return current


# --------------------------------------------------------------------------------------------
# What each class of viewer may see, once per data version


@memoized
def _visible_episodes(viewer: Viewer, version: str, as_of_date: date) -> pd.DataFrame:
    return access.visible_episodes(_episodes_table(version, as_of_date), viewer).reset_index(drop=True)


@memoized
@snapshotted
def _visible_trusts(viewer: Viewer, version: str, as_of_date: date) -> pd.DataFrame:
    base = _full_trust_base(version, as_of_date).copy()
    sees = access.sees_cp(viewer, base["trust_code"])
    base["ever_smq"] = base["first_smq_entry"].notna()
    base["ever_rsp"] = base["first_rsp_entry"].notna()
    base["ever_support"] = base["first_support_entry"].notna()
    base["ever_cp"] = base["first_cp_entry"].notna() & sees
    indexed = base.set_index("trust_code")
    base["evaluation_group"] = access.visible_groups(
        indexed["full_group"], indexed["public_group"], viewer
    ).to_numpy()
    base.loc[~sees, "first_cp_entry"] = pd.NaT
    episodes = _visible_episodes(viewer, version, as_of_date)
    base["current_regime"] = base["trust_code"].map(_current_regime(episodes, as_of_date)).astype(object)
    base["current_regime"] = base["current_regime"].where(base["current_regime"].notna(), "none")
    return base[TRUST_COLUMNS]


@memoized
@snapshotted
def _visible_interventions(viewer: Viewer, version: str, as_of_date: date) -> pd.DataFrame:
    episodes = _episodes_table(version, as_of_date)
    frame = access.visible_dated(_interventions_table(version), "start_date", viewer, episodes)
    return frame.reset_index(drop=True)


@memoized
@snapshotted
def _visible_costs(viewer: Viewer, version: str, as_of_date: date) -> pd.DataFrame:
    episodes = _episodes_table(version, as_of_date)
    return access.visible_dated(_costs_table(version), "period_start", viewer, episodes).reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# Public queries


@memoized
def _trusts(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    base = _visible_trusts(viewer, version, as_of_date)
    keep = np.ones(len(base), dtype=bool)
    if filters.types:
        keep &= isin(base["trust_type"], filters.types)
    if filters.groups:
        keep &= isin(base["evaluation_group"], filters.groups)
    if filters.regions:
        keep &= isin(base["region"], filters.regions)
    if filters.icbs:
        keep &= isin(base["icb"], filters.icbs)
    if filters.entered or filters.exited:
        keep &= _in_cohort(viewer, base, filters, version, as_of_date)
    if filters.trusts:
        keep &= isin(base["trust_code"], filters.trusts)
    if filters.regimes:
        window = _visible_episodes(viewer, version, as_of_date)
        if filters.date_from is not None:
            window = window[
                window["end_date"].isna() | (window["end_date"] >= pd.Timestamp(filters.date_from))
            ]
        if filters.date_to is not None:
            window = window[window["start_date"] <= pd.Timestamp(filters.date_to)]
        in_regime = np.zeros(len(base), dtype=bool)
        for regime in filters.regimes:
            if regime == "none":
                in_regime |= ~isin(base["trust_code"], window["trust_code"])
            else:
                codes = window.loc[window["regime"] == regime, "trust_code"]
                in_regime |= isin(base["trust_code"], codes)
        keep &= in_regime
    return base.loc[keep].reset_index(drop=True)


def _in_cohort(
    viewer: Viewer, base: pd.DataFrame, filters: Filters, version: str, as_of_date: date
) -> np.ndarray:
    """Trusts whose first entry into (and first exit from) the cohort's event fell in the named
    years. CP dates come from what the viewer may see, so a CP cohort never reaches the public."""
    event = filters.cohort_event
    if event == "cp":
        cp = _visible_episodes(viewer, version, as_of_date)
        cp = cp[cp["regime"] == "cp"]
        entry = pd.to_datetime(lookup(base["trust_code"], cp.groupby("trust_code")["start_date"].min()))
        exit_ = pd.to_datetime(
            lookup(base["trust_code"], cp.dropna(subset=["end_date"]).groupby("trust_code")["end_date"].min())
        )
    else:
        entry, exit_ = base[f"first_{event}_entry"], base[f"first_{event}_exit"]
    keep = np.ones(len(base), dtype=bool)
    for years, dates in ((filters.entered, entry), (filters.exited, exit_)):
        if years:
            wanted = {int(y) for y in years}
            found = pd.DatetimeIndex(dates).year
            keep &= np.asarray([y in wanted for y in found], dtype=bool)
    return keep


def trusts(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """The filtered trusts, with group and current regime as this viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _trusts(viewer, filters, data_version(), as_of())


def trust_codes(viewer: Viewer, filters: Filters | None = None) -> list[str]:
    return trusts(viewer, filters)["trust_code"].tolist()


def named_trust_names(viewer: Viewer, filters: Filters) -> dict[str, str]:
    """Code → name of the trusts the filter names (`trust=`), for the filters in words; empty
    when it names none."""
    if not filters.trusts:
        return {}
    found = trusts(viewer, filters)
    return dict(zip(found["trust_code"], found["trust_name"], strict=True))


def _in_window(frame: pd.DataFrame, start: str, end: str | None, filters: Filters) -> pd.DataFrame:
    """Rows whose [start, end] (end blank: still running) meets the filters' date window; an
    undated row (an intervention recorded as not delivered, with no date) belongs to every window."""
    keep = np.ones(len(frame), dtype=bool)
    if filters.date_from is not None:
        since = pd.Timestamp(filters.date_from)
        reaches = frame[start] >= since
        if end is not None:
            reaches |= frame[end].isna() | (frame[end] >= since)
        keep &= reaches.to_numpy(dtype=bool)
    if filters.date_to is not None:
        keep &= (frame[start] <= pd.Timestamp(filters.date_to)).to_numpy(dtype=bool)
    return frame[keep | frame[start].isna().to_numpy()]


@memoized
def _episodes(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    episodes = _visible_episodes(viewer, version, as_of_date)
    episodes = _in_window(episodes[isin(episodes["trust_code"], codes)], "start_date", "end_date", filters)
    episodes = episodes.copy()
    episodes["days"] = episode_days(episodes["start_date"], episodes["end_date"], as_of_date)
    episodes["ongoing"] = episodes["end_date"].isna()
    return episodes.reset_index(drop=True)


def episodes(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Regime episodes of the filtered trusts as known on the as-of date: trust_code, regime,
    start_date, end_date, source, notes, days, ongoing. CP episodes, and notes, only where the
    viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _episodes(viewer, filters, data_version(), as_of())


@memoized
def _ratings(
    viewer: Viewer, filters: Filters, domains: tuple[str, ...], version: str, as_of_date: date
) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    frame = _all_ratings(version)
    keep = isin(frame["trust_code"], codes)
    if domains:
        keep &= isin(frame["domain"], domains)
    if filters.date_from is not None:
        keep &= (frame["publication_date"] >= pd.Timestamp(filters.date_from)).to_numpy()
    if filters.date_to is not None:
        keep &= (frame["publication_date"] <= pd.Timestamp(filters.date_to)).to_numpy()
    return frame[keep].reset_index(drop=True)


def ratings(viewer: Viewer, filters: Filters | None = None, domains: tuple[str, ...] = ()) -> pd.DataFrame:
    """CQC ratings of the filtered trusts (public information)."""
    filters = (filters or Filters()).trust_filters()
    return _ratings(viewer, filters, tuple(domains), data_version(), as_of())


@memoized
def _metrics(version: str) -> pd.DataFrame:
    del version
    m = models.Metric
    frame = _read(
        select(
            m.metric_id,
            m.name,
            m.unit,
            m.target,
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
        frame = frame[np.asarray(applies, dtype=bool)]  # a plain empty list would select columns
    return frame.reset_index(drop=True)


@memoized
def _known_values(version: str) -> KnownValues:
    trusts_frame = _trusts_table(version)
    return KnownValues(
        regions=frozenset(r for r in trusts_frame["region"].dropna().unique()),
        icbs=frozenset(r for r in trusts_frame["icb"].dropna().unique()),
        first_date=_first_date(version),
        trusts=frozenset(trusts_frame["trust_code"]),
        metrics=frozenset(_metrics(version)["metric_id"]),
    )


def _first_date(version: str) -> date | None:
    """The earliest date the data holds: a public episode's start (never a CP one: the date is
    shown in notices to everyone), a rating, a metric period."""
    firsts = _firsts(version).iloc[0].tolist()
    found = [pd.Timestamp(f).date() for f in firsts if f is not None and not pd.isna(f)]
    return min(found) if found else None


@memoized
@snapshotted
def _firsts(version: str) -> pd.DataFrame:
    """The first public episode start, rating and metric period, as one row (a scan of every
    metric value: kept per data version)."""
    del version
    e = models.RegimeEpisode
    statements = [
        select(func.min(e.start_date)).where(e.regime != "cp"),
        select(func.min(models.CqcRating.publication_date)),
        select(func.min(models.MetricValue.period_start)),
    ]
    firsts = [_read(statement).iloc[0, 0] for statement in statements]
    return pd.DataFrame(
        {
            column: pd.Series([pd.NaT if value is None else pd.Timestamp(value)], dtype="datetime64[ns]")
            for column, value in zip(("episode", "rating", "metric"), firsts, strict=True)
        }
    )


def known_values() -> KnownValues:
    return _known_values(data_version())


def parse_filters(query: str | None, viewer: Viewer | None = None) -> tuple[Filters, list[str]]:
    """Read a URL query string against the values present in the data and the viewer's rights.

    For a viewer who may see no CP information, CP groups and the CP regime are unknown values:
    dropped with a notice, as any unknown value is, so pages and downloads answer alike.
    """
    filters, notices = Filters.from_query(query if isinstance(query, str) else "", known_values())
    if viewer is not None:
        filters, hidden = access.allowed_filters(filters, viewer)
        notices += hidden
    return filters, notices


@memoized
@snapshotted
def _metric_table(metric_id: str, version: str) -> pd.DataFrame:
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


# A selection this large reads whole metrics (memoized, and warmed for the first views) rather
# than asking SQL per trust list: filtering a metric's frame in memory takes a millisecond or
# two where the SQL read of the same rows takes tens. A few trusts (a trust's own page) ask SQL.
WHOLE_METRIC_FROM = 20


@memoized
def _metric_values(
    viewer: Viewer, filters: Filters, metric_ids: tuple[str, ...], version: str, as_of_date: date
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
            keep &= isin(frame["trust_code"], set(selected))
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
        frame = frame[isin(frame["trust_code"], set(selected))]
    return frame.reset_index(drop=True)


def metric_values(
    viewer: Viewer, filters: Filters | None = None, metric_ids: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Metric values (public information) of the filtered trusts for the given metrics."""
    filters = (filters or Filters()).trust_filters()
    return _metric_values(viewer, filters, tuple(metric_ids), data_version(), as_of())


@memoized
def _interventions(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    frame = _visible_interventions(viewer, version, as_of_date)
    frame = frame[isin(frame["trust_code"], codes)]
    return _in_window(frame, "start_date", "end_date", filters).reset_index(drop=True)


def interventions(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Interventions of the filtered trusts, as this viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _interventions(viewer, filters, data_version(), as_of())


@memoized
def _costs(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    codes = set(_trusts(viewer, filters, version, as_of_date)["trust_code"])
    frame = _visible_costs(viewer, version, as_of_date)
    frame = frame[isin(frame["trust_code"], codes)]
    return _in_window(frame, "period_start", None, filters).reset_index(drop=True)


def costs(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Cost rows of the filtered trusts, as this viewer may see them."""
    filters = (filters or Filters()).trust_filters()
    return _costs(viewer, filters, data_version(), as_of())


# --------------------------------------------------------------------------------------------
# Warming


def warm(viewers: tuple[Viewer, ...] = (), version: str | None = None, as_of_date: date | None = None) -> str:
    """Read and derive, for the current data version (or the one given, as an import does before
    it commits), the tables every first visit needs: the public's and everyone-who-sees-all's
    visible tables, ratings, the metric catalogue and the metrics of the first views. The first
    visitor after a start or an import then does not wait for them; with snapshots on, they are
    also kept on disk for every worker (`data_access.snapshot`). Returns the version warmed."""
    from data_access.viewer import EVERYTHING, PUBLIC

    version = version or data_version()
    today = as_of_date or as_of()
    catalogue = _metrics(version)
    _known_values(version)
    _all_ratings(version)
    _overall_ratings(version)
    for viewer in (PUBLIC, EVERYTHING, *viewers):
        _visible_trusts(viewer, version, today)
        _visible_interventions(viewer, version, today)
        _visible_costs(viewer, version, today)
    # The first views open on a percentage metric: read those whole-metric tables too.
    for metric_id in catalogue.loc[catalogue["unit"] == "percent", "metric_id"].head(3):
        _metric_table(str(metric_id), version)
    return version


def warm_before_commit(conn) -> str:
    """Within an import's transaction, after its writes: warm (and snapshot) the tables of the
    data version it is about to commit, reading them through its own connection, so that every
    worker finds them ready the moment the new version is visible. Returns that version."""
    with reading_through(conn):
        version = _stamp(conn)
        today = _dataset_info(version)["as_of"] or date.today()
        return warm(version=version, as_of_date=today)
