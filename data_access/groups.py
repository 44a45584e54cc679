"""Spells of intensive support and the evaluation-group rules of the contract (§2, §3), as pure functions.

Intensive support is SMQ (2013–2021) and the Recovery Support Programme that replaced it: an SMQ
or RSP episode that starts within 31 days after the end of another one of the same trust
continues the same **spell** (in July 2021 trusts moved from SMQ into the RSP without a break).
"SMQ" in the rules below means such spells.

Each trust gets one group, first matching rule wins, unless trusts.csv overrides it:

1. prolonged_poor_performer: two or more spells, or one spell of 730 days or more (an ongoing
   spell counts up to the as-of date);
2. clear_improver: its last spell has ended, it never re-entered, and its latest overall CQC
   rating is better than the last overall rating published before that exit;
3. cp_to_smq: a CP episode started before its first entry into intensive support;
4. cp_only: at least one CP episode and never in intensive support;
5. other_smq: any other trust that has been in intensive support;
6. never: neither.

The public may not learn who is on the CP list: what it sees is these rules applied to public
data only (`access.visible_group`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data_access.frames import isin
from data_access.vocab import GROUPS, INTENSIVE_REGIMES, RATING_RANK, SPELL_GAP_DAYS

PROLONGED_DAYS = 730
SPELL_COLUMNS = ["trust_code", "spell", "start_date", "end_date", "episodes", "regimes"]

GROUP_RULES: tuple[tuple[str, str], ...] = (
    (
        "prolonged_poor_performer",
        "Entered intensive support (SMQ or the RSP) more than once, or spent 730 days or more in one "
        "spell of it (an ongoing spell counts up to the data's as-of date).",
    ),
    (
        "clear_improver",
        "Left intensive support, never re-entered, and its latest overall CQC rating is better than "
        "the last overall rating published before it left.",
    ),
    ("cp_to_smq", "Was on the Challenged Providers list before its first entry into intensive support."),
    ("cp_only", "Was on the Challenged Providers list and never in intensive support."),
    ("other_smq", "Any other trust that has been in intensive support."),
    ("never", "Never in intensive support or on the Challenged Providers list."),
)

SPELL_RULE = (
    "Intensive support means Special Measures for Quality (July 2013 to July 2021) and the Recovery "
    f"Support Programme that replaced it. An SMQ or RSP episode that starts within {SPELL_GAP_DAYS} days "
    "after the end of another one of the same trust continues the same spell: the trusts that moved from "
    "SMQ into the RSP in July 2021 did not leave intensive support. Days in intensive support, exits, "
    "re-entries and ratings at entry are counted by spell."
)


def clip_to_as_of(episodes: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Episodes as known on the as-of date: one that starts after it did not exist yet, and one
    that ends after it was still running (blank end)."""
    when = pd.Timestamp(as_of)
    starts = pd.to_datetime(episodes["start_date"])
    kept = episodes[(starts <= when).to_numpy()].copy()
    ends = pd.to_datetime(kept["end_date"])
    kept["end_date"] = ends.where(~(ends > when), pd.NaT)
    return kept


def intensive_spells(episodes: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """The spells of intensive support: SMQ and RSP episodes of a trust joined where one starts
    within `SPELL_GAP_DAYS` days after the end of the one before (or overlaps it).

    One row per spell: trust_code, spell (1, 2, ... in order), start_date, end_date (blank while
    any of its episodes is ongoing), episodes (how many), regimes (e.g. "smq+rsp"); with `as_of`,
    also days (an ongoing spell counted to the as-of date).
    """
    spells = _spells(episodes)
    if as_of is not None:
        spells["days"] = episode_days(spells["start_date"], spells["end_date"], as_of)
    return spells


def _spells(episodes: pd.DataFrame) -> pd.DataFrame:
    part = episodes[isin(episodes["regime"], INTENSIVE_REGIMES)]
    if part.empty:
        return pd.DataFrame(
            {
                "trust_code": pd.Series(dtype=object),
                "spell": pd.Series(dtype="int64"),
                "start_date": pd.Series(dtype="datetime64[ns]"),
                "end_date": pd.Series(dtype="datetime64[ns]"),
                "episodes": pd.Series(dtype="int64"),
                "regimes": pd.Series(dtype=object),
            }
        )
    part = part.assign(
        start_date=pd.to_datetime(part["start_date"]).astype("datetime64[ns]"),
        end_date=pd.to_datetime(part["end_date"]).astype("datetime64[ns]"),
    ).sort_values(["trust_code", "start_date", "regime"], kind="stable")
    far = np.datetime64("2262-01-01", "ns")
    gap = np.timedelta64(SPELL_GAP_DAYS, "D")
    # A spell runs on while the next episode starts within the gap after the latest end so far
    # (an ongoing episode ends "never"); vectorised over all trusts at once.
    ends = part["end_date"].fillna(pd.Timestamp(far))
    latest_before = ends.groupby(part["trust_code"]).cummax().groupby(part["trust_code"]).shift()
    new_spell = latest_before.isna() | (part["start_date"] > latest_before + gap)
    number = new_spell.cumsum().to_numpy()
    # grouped by a column: grouping by an array makes pandas look it up as a label first, and
    # print it into the KeyError it then discards (a third of the time here)
    grouped = part.assign(end_or_far=ends, spell_number=number).groupby("spell_number", sort=False)
    spells = pd.DataFrame(
        {
            "trust_code": grouped["trust_code"].first(),
            "start_date": grouped["start_date"].first(),
            "end": grouped["end_or_far"].max(),
            "episodes": grouped.size(),
            "regimes": _regimes_in_order(part["regime"], number),
        }
    )
    spells["spell"] = spells.groupby("trust_code").cumcount() + 1
    spells["end_date"] = spells["end"].where(spells["end"] != pd.Timestamp(far), pd.NaT)
    return spells[SPELL_COLUMNS].reset_index(drop=True)


def _regimes_in_order(regimes: pd.Series, spell: np.ndarray) -> pd.Series:
    """Per spell number, its regimes in the order first met, joined with "+" ("smq+rsp")."""
    joined: dict[int, list[str]] = {}
    for number, regime in zip(spell.tolist(), regimes.tolist(), strict=True):
        seen = joined.setdefault(number, [])
        if regime not in seen:
            seen.append(regime)
    return pd.Series({number: "+".join(names) for number, names in joined.items()}, dtype="str")


def episode_days(start: pd.Series, end: pd.Series, as_of: date) -> pd.Series:
    """Length in days (end minus start); an ongoing episode runs to the as-of date."""
    effective_end = pd.to_datetime(end).fillna(pd.Timestamp(as_of))
    return (effective_end - pd.to_datetime(start)).dt.days


def derive_groups(
    trusts: pd.DataFrame,
    episodes: pd.DataFrame,
    ratings: pd.DataFrame,
    as_of: date,
) -> pd.Series:
    """Evaluation group of every trust in `trusts`, indexed by trust_code.

    trusts: trust_code, optional evaluation_group (override). episodes: trust_code, regime,
    start_date, end_date. ratings: trust_code, publication_date, domain, rating.
    """
    codes = pd.Index(trusts["trust_code"], name="trust_code")
    groups = pd.Series("never", index=codes, dtype=object, name="evaluation_group")
    if len(codes) == 0:
        return groups
    ep = episodes.copy()
    ep["start_date"] = pd.to_datetime(ep["start_date"])
    ep["end_date"] = pd.to_datetime(ep["end_date"])
    spells = intensive_spells(ep, as_of)
    cp = ep[ep["regime"] == "cp"]
    spells["exited"] = spells["end_date"].notna()

    smq_count = spells.groupby("trust_code").size()
    longest = spells.groupby("trust_code")["days"].max()
    first_smq = spells.groupby("trust_code")["start_date"].min()
    first_cp = cp.groupby("trust_code")["start_date"].min()

    overall = ratings[ratings["domain"] == "overall"].copy()
    overall["publication_date"] = pd.to_datetime(overall["publication_date"])
    overall["rank"] = overall["rating"].map(RATING_RANK)
    overall = overall.dropna(subset=["rank"]).sort_values(["trust_code", "publication_date"])
    latest_rank = overall.groupby("trust_code")["rank"].last()

    assigned = pd.Series(False, index=codes)

    def assign(mask: pd.Series, group: str) -> None:
        nonlocal assigned
        mask = mask.reindex(codes, fill_value=False) & ~assigned
        groups[mask] = group
        assigned = assigned | mask

    prolonged = (smq_count > 1) | (longest >= PROLONGED_DAYS)
    assign(prolonged, "prolonged_poor_performer")

    single = spells[spells["trust_code"].map(smq_count) == 1]
    exited = single[single["exited"]].set_index("trust_code")["end_date"]
    improver = pd.Series(False, index=exited.index)
    for trust_code, exit_date in exited.items():
        history = overall[overall["trust_code"] == trust_code]
        before = history[history["publication_date"] < exit_date]
        if before.empty or trust_code not in latest_rank.index:
            continue
        improver[trust_code] = latest_rank[trust_code] > before["rank"].iloc[-1]
    assign(improver, "clear_improver")

    both = first_cp.index.intersection(first_smq.index)
    cp_first = pd.Series(first_cp[both] < first_smq[both], index=both)
    assign(cp_first, "cp_to_smq")
    assign(pd.Series(True, index=first_cp.index.difference(first_smq.index)), "cp_only")
    assign(pd.Series(True, index=first_smq.index), "other_smq")

    if "evaluation_group" in trusts.columns:
        override = trusts.set_index("trust_code")["evaluation_group"]
        override = override[override.notna() & override.isin(GROUPS)]
        groups.loc[override.index] = override
    return groups
