"""Who may see what (contract §5), as pure functions of frames and a viewer.

The one place the confidentiality rule is written. `queries` applies it to the base tables once
per data version and class of viewer, then filters what is left, so the work a request does never
depends on what it hides. For a viewer who may not see a trust's CP information:

* no CP episode of it;
* its evaluation group as the published rules give it from public data (`groups.derive_groups`
  without CP episodes and without a hand-made override): never a `cp_*` group;
* its interventions and costs only when dated on or after its first SMQ or RSP entry and outside
  every CP episode, and an undated one only when it has been in SMQ or RSP;
* no free text written by people (`notes`), for any trust: a note can name the list, and
  withholding notes for some trusts only would point at them;
* no filter on a CP group or the CP regime (dropped with a notice, as any unknown value is).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.filters import Filters
from data_access.frames import isin, lookup
from data_access.viewer import Viewer
from data_access.vocab import CP_GROUPS, PUBLIC_REGIMES

FREE_TEXT_COLUMNS: tuple[str, ...] = ("notes",)
HIDDEN_FILTER_NOTICE = "Ignored filters on the Challenged Providers list: they need signing in."


def sees_cp(viewer: Viewer, codes: pd.Series) -> np.ndarray:
    """For each trust code, whether the viewer may see that trust's CP information."""
    if viewer.sees_everything:
        return np.ones(len(codes), dtype=bool)
    if viewer.role == "improvement_director" and viewer.trusts:
        return codes.isin(viewer.trusts).to_numpy()
    return np.zeros(len(codes), dtype=bool)


def without_free_text(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Blank people's notes on the rows of trusts whose CP information the viewer may not see."""
    columns = [c for c in FREE_TEXT_COLUMNS if c in frame.columns]
    if not columns or frame.empty or viewer.sees_everything:
        return frame
    hidden = ~sees_cp(viewer, frame["trust_code"])
    if not hidden.any():
        return frame
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype(object).where(~hidden, None)
    return frame


def visible_episodes(episodes: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """The regime episodes the viewer may see: SMQ and RSP for everyone, CP for those allowed."""
    keep = isin(episodes["regime"], PUBLIC_REGIMES) | sees_cp(viewer, episodes["trust_code"])
    return without_free_text(episodes[keep], viewer)


def visible_dated(
    frame: pd.DataFrame, date_column: str, viewer: Viewer, episodes: pd.DataFrame
) -> pd.DataFrame:
    """Interventions or costs the viewer may see (`episodes`: every episode, CP included).

    Where the viewer may not see a trust's CP information, a row is kept only when it is dated on
    or after the trust's first SMQ or RSP entry and outside every CP episode of the trust, or is
    undated and the trust has been in SMQ or RSP."""
    if frame.empty:
        return frame
    sees = sees_cp(viewer, frame["trust_code"])
    if sees.all():
        return frame
    intensive = episodes[isin(episodes["regime"], PUBLIC_REGIMES)]
    first_entry = intensive.groupby("trust_code")["start_date"].min()
    entry = lookup(frame["trust_code"], first_entry)
    dated = frame[date_column]
    has_date = dated.notna().to_numpy()
    after_entry = (dated >= entry).fillna(False).to_numpy(dtype=bool)
    undated_ok = ~has_date & entry.notna().to_numpy()
    in_cp = np.zeros(len(frame), dtype=bool)
    cp = episodes[(episodes["regime"] == "cp") & isin(episodes["trust_code"], frame["trust_code"].unique())]
    if not cp.empty:
        # One comparison per CP episode, vectorised over the rows of that trust.
        codes = frame["trust_code"].to_numpy()
        when = dated.to_numpy(dtype="datetime64[ns]")
        for row in cp.itertuples(index=False):
            end = np.datetime64("2262-01-01") if pd.isna(row.end_date) else np.datetime64(row.end_date)
            in_cp |= (codes == row.trust_code) & (when >= np.datetime64(row.start_date)) & (when <= end)
    keep = sees | (after_entry & ~in_cp & has_date) | undated_ok
    return without_free_text(frame[keep], viewer)


def visible_group(full_group: str, public_group: str, sees: bool) -> str:
    """The evaluation group shown: the true one to those who may see the trust's CP information,
    the one the published rules give from public data to everyone else."""
    if sees:
        return full_group
    return public_group if public_group not in CP_GROUPS else "never"


def visible_groups(full: pd.Series, public: pd.Series, viewer: Viewer) -> pd.Series:
    """`visible_group` for every trust (both series indexed by trust_code)."""
    sees = pd.Series(sees_cp(viewer, full.index.to_series()), index=full.index)
    shown = full.where(sees, public.reindex(full.index))
    return shown.where(sees | ~shown.isin(CP_GROUPS), "never")


def allowed_filters(filters: Filters, viewer: Viewer) -> tuple[Filters, list[str]]:
    """Drop filters on the CP list for a viewer who may see no CP information, with a notice."""
    if viewer.sees_any_cp:
        return filters, []
    hidden_groups = [g for g in filters.groups if g in CP_GROUPS]
    if not hidden_groups and "cp" not in filters.regimes and "cp" not in filters.cohort:
        return filters, []
    kept = filters.with_(
        groups=tuple(g for g in filters.groups if g not in CP_GROUPS),
        regimes=tuple(r for r in filters.regimes if r != "cp"),
        cohort=tuple(c for c in filters.cohort if c != "cp"),
    )
    return kept, [HIDDEN_FILTER_NOTICE]
