"""The evaluation-group rules of the contract (§3), as a pure function.

Each trust gets one group, first matching rule wins, unless trusts.csv overrides it:

1. prolonged_poor_performer: entered SMQ more than once, or one SMQ episode of 730 days or
   more (an ongoing episode counts up to the as-of date);
2. clear_improver: has exited SMQ, never re-entered, and its latest overall CQC rating is better
   than the last overall rating published before its SMQ exit;
3. cp_to_smq: a CP episode started before its first SMQ entry;
4. cp_only: at least one CP episode and never SMQ;
5. other_smq: any other trust that has been in SMQ;
6. never: neither regime.

The public may not learn who is on the CP list: what it sees is these rules applied to public
data only (`access.visible_group`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_access.vocab import GROUPS, RATING_RANK

PROLONGED_DAYS = 730

GROUP_RULES: tuple[tuple[str, str], ...] = (
    (
        "prolonged_poor_performer",
        "Entered SMQ more than once, or spent 730 days or more in one SMQ episode "
        "(an ongoing episode counts up to the data's as-of date).",
    ),
    (
        "clear_improver",
        "Left SMQ, never re-entered, and its latest overall CQC rating is better than the last "
        "overall rating published before it left.",
    ),
    ("cp_to_smq", "Was on the Challenged Providers list before its first entry into SMQ."),
    ("cp_only", "Was on the Challenged Providers list and never entered SMQ."),
    ("other_smq", "Any other trust that has been in SMQ."),
    ("never", "Never in SMQ or on the Challenged Providers list."),
)


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
    smq = ep[ep["regime"] == "smq"].copy()
    cp = ep[ep["regime"] == "cp"]
    smq["days"] = episode_days(smq["start_date"], smq["end_date"], as_of)
    smq["exited"] = smq["end_date"].notna()

    smq_count = smq.groupby("trust_code").size()
    longest = smq.groupby("trust_code")["days"].max()
    first_smq = smq.groupby("trust_code")["start_date"].min()
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

    single = smq[smq["trust_code"].map(smq_count) == 1]
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
