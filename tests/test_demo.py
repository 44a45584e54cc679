"""The synthetic demo dataset: valid by the contract, deterministic, and carrying the signals.

The group mix is checked with a small reference implementation of the §3 rules kept in this
file, so these tests pin the generator to the contract rather than to the project's own
derivation (which is tested on its own).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_access import demo
from data_access.demo.trusts import trust_code
from data_access.groups import derive_groups, intensive_spells

AS_OF = date(2026, 3, 31)
SMALL = 0.25

# The vocabularies of the contract (§2), written out here on purpose.
TRUST_TYPES = {"acute", "acute_and_community", "mental_health", "community", "ambulance", "specialist"}
SETTINGS = {"urban", "semi_urban", "rural"}
REGIMES = {"smq", "rsp", "cp"}
DOMAINS = {"overall", "safe", "effective", "caring", "responsive", "well_led"}
RATINGS = {"outstanding", "good", "requires_improvement", "inadequate"}
UNITS = {"percent", "rate", "count", "score", "gbp", "days", "minutes", "ratio"}
FREQUENCIES = {"monthly", "quarterly", "annual"}
INTERVENTIONS = {
    "improvement_director",
    "buddying",
    "central_funding",
    "leadership_change",
    "deep_dive",
    "oversight_group",
    "other",
}
STATUSES = {"delivered", "not_delivered", "no_data"}
COST_CATEGORIES = {
    "improvement_director",
    "buddying",
    "central_funding",
    "consultancy",
    "reporting_burden",
    "leadership_recruitment",
    "other",
}
PAYERS = {"nhsi", "trust", "other"}
GROUPS = {"prolonged_poor_performer", "clear_improver", "cp_to_smq", "cp_only", "other_smq", "never"}
METRIC_DOMAINS = {"access", "safety_outcomes", "workforce_culture", "finance", "patient_experience"}

COLUMNS = {
    "trusts": ["trust_code", "trust_name", "trust_type", "region", "setting", "teaching", "evaluation_group"],
    "regime_episodes": ["trust_code", "regime", "start_date", "end_date", "notes"],
    "cqc_ratings": ["trust_code", "publication_date", "domain", "rating"],
    "metrics": [
        "metric_id",
        "name",
        "unit",
        "higher_is_better",
        "frequency",
        "applies_to",
        "source",
        "description",
        "domain",
    ],
    "metric_values": ["trust_code", "metric_id", "period_start", "value", "numerator", "denominator"],
    "interventions": [
        "trust_code",
        "intervention",
        "status",
        "start_date",
        "end_date",
        "amount_gbp",
        "partner",
        "notes",
    ],
    "costs": ["trust_code", "period_start", "amount_gbp", "category", "payer", "source", "notes"],
    "dataset": ["name", "synthetic", "as_of", "licence", "notes"],
}
KEYS = {
    "trusts": ["trust_code"],
    "regime_episodes": ["trust_code", "regime", "start_date"],
    "cqc_ratings": ["trust_code", "publication_date", "domain"],
    "metrics": ["metric_id"],
    "metric_values": ["trust_code", "metric_id", "period_start"],
    "interventions": ["trust_code", "intervention", "start_date"],
    "costs": ["trust_code", "category", "period_start", "payer"],
}
DATE_COLUMNS = {
    "regime_episodes": ["start_date", "end_date"],
    "cqc_ratings": ["publication_date"],
    "metric_values": ["period_start"],
    "interventions": ["start_date", "end_date"],
    "costs": ["period_start"],
    "dataset": ["as_of"],
}


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    return full_or_new(42, 1.0)


_GENERATED: dict[tuple[int, float], dict[str, pd.DataFrame]] = {}


def full_or_new(seed: int, scale: float) -> dict[str, pd.DataFrame]:
    """The frames for a seed and scale, generated once per test run."""
    if (seed, scale) not in _GENERATED:
        _GENERATED[(seed, scale)] = demo.generate(seed=seed, scale=scale)
    return _GENERATED[(seed, scale)]


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return demo.generate(seed=7, scale=SMALL)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%Y-%m-%d")


# --------------------------------------------------------------------------------------------
# Reference implementation of the evaluation-group rules (§3), independent of the project's.


def _reference_spells(episodes: pd.DataFrame) -> list[tuple[date, date | None]]:
    """SMQ and RSP episodes joined where one starts within 31 days after the last one's end (§2)."""
    rows = sorted(
        (date.fromisoformat(s), date.fromisoformat(e) if isinstance(e, str) else None)
        for s, e in episodes.loc[
            episodes["regime"].isin(["smq", "rsp"]), ["start_date", "end_date"]
        ].itertuples(index=False)
    )
    spells: list[tuple[date, date | None]] = []
    for start, end in rows:
        if spells and (spells[-1][1] is None or (start - spells[-1][1]).days <= 31):
            last_start, last_end = spells[-1]
            spells[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            spells.append((start, end))
    return spells


def _reference_groups(frames: dict[str, pd.DataFrame], as_of: date = AS_OF) -> dict[str, str]:
    rank = {"inadequate": 1, "requires_improvement": 2, "good": 3, "outstanding": 4}
    episodes = frames["regime_episodes"]
    overall = frames["cqc_ratings"][frames["cqc_ratings"]["domain"] == "overall"]
    out = {}
    for trust in frames["trusts"].itertuples():
        mine = episodes[episodes["trust_code"] == trust.trust_code]
        smq = _reference_spells(mine)
        cp_starts = sorted(date.fromisoformat(s) for s in mine.loc[mine["regime"] == "cp", "start_date"])
        history = sorted(
            (date.fromisoformat(p), rank[r])
            for p, r in overall.loc[
                overall["trust_code"] == trust.trust_code, ["publication_date", "rating"]
            ].itertuples(index=False)
        )
        group = "never"
        if len(smq) > 1 or any(((e or as_of) - s).days >= 730 for s, e in smq):
            group = "prolonged_poor_performer"
        elif len(smq) == 1 and smq[0][1] is not None and history:
            before = [r for p, r in history if p < smq[0][1]]
            if before and history[-1][1] > before[-1]:
                group = "clear_improver"
        if group == "never":
            if smq and cp_starts and cp_starts[0] < min(s for s, _ in smq):
                group = "cp_to_smq"
            elif cp_starts and not smq:
                group = "cp_only"
            elif smq:
                group = "other_smq"
        override = trust.evaluation_group
        out[trust.trust_code] = override if isinstance(override, str) and override else group
    return out


# --------------------------------------------------------------------------------------------
# Shape and determinism


def test_one_frame_per_file_with_the_contract_columns_in_order(small):
    assert set(small) == set(COLUMNS)
    for stem, columns in COLUMNS.items():
        assert list(small[stem].columns) == columns, stem
        assert len(small[stem]) > 0, stem


def test_same_seed_gives_identical_frames():
    first, second = demo.generate(seed=3, scale=0.2), demo.generate(seed=3, scale=0.2)
    for stem in COLUMNS:
        pd.testing.assert_frame_equal(first[stem], second[stem], obj=stem)


def test_different_seeds_give_different_data():
    first, second = demo.generate(seed=3, scale=0.2), demo.generate(seed=4, scale=0.2)
    assert not first["trusts"]["trust_name"].equals(second["trusts"]["trust_name"])
    assert not first["regime_episodes"].equals(second["regime_episodes"])
    assert not first["metric_values"]["value"].equals(second["metric_values"]["value"])


def test_dataset_row_says_synthetic_and_as_of(small):
    dataset = small["dataset"]
    assert len(dataset) == 1
    row = dataset.iloc[0]
    assert row["synthetic"] == "true"
    assert row["as_of"] == "2026-03-31"
    assert "seed 7" in row["notes"] and "scale 0.25" in row["notes"]
    assert row["licence"] and row["name"]


def test_scale_one_has_about_217_trusts_with_the_real_type_mix(full):
    trusts = full["trusts"]
    assert 205 <= len(trusts) <= 230
    share = trusts["trust_type"].value_counts(normalize=True)
    expected = {
        "acute": 0.45,
        "acute_and_community": 0.25,
        "mental_health": 0.13,
        "community": 0.06,
        "ambulance": 0.05,
        "specialist": 0.06,
    }
    for trust_type, target in expected.items():
        assert abs(share.get(trust_type, 0) - target) < 0.03, trust_type
    assert 8 <= (trusts["trust_type"] == "ambulance").sum() <= 12
    assert trusts["region"].nunique() == 7
    # Teaching trusts are mostly acute.
    teaching = trusts[trusts["teaching"] == "true"]
    assert teaching["trust_type"].isin(["acute", "acute_and_community"]).mean() > 0.6


def test_about_62_trusts_in_a_regime_by_october_2019(full):
    episodes = full["regime_episodes"]
    by_2019 = episodes.loc[_dates(episodes["start_date"]) <= "2019-10-31", "trust_code"].nunique()
    assert 55 <= by_2019 <= 70
    assert abs(by_2019 / len(full["trusts"]) - 0.285) < 0.03
    smq = episodes[episodes["regime"] == "smq"]
    first_wave = smq[smq["start_date"] == "2013-07-16"]
    assert 9 <= len(first_wave) <= 13
    assert smq["start_date"].min() == "2013-07-16"
    assert episodes["end_date"].isna().any(), "some episodes are still open at as_of"


def test_scale_multiplies_the_number_of_trusts():
    assert len(demo.generate(seed=1, scale=0.5)["trusts"]) == pytest.approx(108, abs=2)


def test_scale_two_doubles_the_trusts_and_the_regime_trusts():
    one, two = demo.generate(seed=5, scale=1.0), demo.generate(seed=5, scale=2.0)
    assert len(two["trusts"]) == 2 * len(one["trusts"])
    in_regime = [frames["regime_episodes"]["trust_code"].nunique() for frames in (one, two)]
    assert in_regime[1] == 2 * in_regime[0]


# --------------------------------------------------------------------------------------------
# Eras of the regimes (docs/regimes.md): SMQ 2013-2021, the RSP from July 2021, CP confidential

HANDOVER = pd.Timestamp("2021-07-01")


def _episodes(frames: dict[str, pd.DataFrame], regime: str) -> pd.DataFrame:
    episodes = frames["regime_episodes"]
    mine = episodes[episodes["regime"] == regime]
    return mine.assign(start=_dates(mine["start_date"]), end=_dates(mine["end_date"]))


def _in_regime_on(frames: dict[str, pd.DataFrame], regime: str, day: str) -> set[str]:
    """Trusts with an episode of `regime` that covers `day` (an open episode runs to as_of)."""
    mine, when = _episodes(frames, regime), pd.Timestamp(day)
    covering = (mine["start"] <= when) & (mine["end"].isna() | (mine["end"] >= when))
    return set(mine.loc[covering, "trust_code"])


@pytest.mark.parametrize(("seed", "scale"), [(0, 1.0), (8, 0.3), (9, 2.0)])
def test_smq_episodes_start_only_between_july_2013_and_july_2021(seed, scale):
    smq = _episodes(demo.generate(seed=seed, scale=scale), "smq")
    assert len(smq) > 0
    assert (smq["start"] >= pd.Timestamp("2013-07-01")).all()
    assert (smq["start"] <= pd.Timestamp("2021-07-31")).all()
    # None entered after mid-2021, and none is still open: SMQ ended in July 2021.
    assert (smq["start"] < HANDOVER).all()
    assert smq["end"].notna().all() and (smq["end"] <= pd.Timestamp("2021-07-31")).all()


@pytest.mark.parametrize(("seed", "scale"), [(0, 1.0), (8, 0.3), (9, 2.0)])
def test_trusts_in_smq_on_1_july_2021_continue_in_the_rsp_in_one_spell(seed, scale):
    frames = demo.generate(seed=seed, scale=scale)
    smq, rsp = _episodes(frames, "smq"), _episodes(frames, "rsp")
    open_then = smq[(smq["start"] <= HANDOVER) & (smq["end"].isna() | (smq["end"] >= HANDOVER))]
    assert len(open_then) >= 2
    spells = intensive_spells(frames["regime_episodes"], AS_OF)
    for row in open_then.itertuples():
        after = rsp[(rsp["trust_code"] == row.trust_code) & (rsp["start"] > row.end)]
        assert ((after["start"] - row.end).dt.days <= 31).any(), row.trust_code
        follow = after.sort_values("start").iloc[0]
        mine = spells[spells["trust_code"] == row.trust_code]
        spell = mine[mine["start_date"] <= row.start][-1:]
        assert len(spell) == 1 and spell["start_date"].iloc[0] == row.start, row.trust_code
        assert spell["regimes"].iloc[0] == "smq+rsp", row.trust_code
        # The spell runs on to the RSP episode's end: no exit at the hand-over.
        if pd.isna(follow["end"]):
            assert pd.isna(spell["end_date"].iloc[0])
        else:
            assert spell["end_date"].iloc[0] >= follow["end"]
    # No RSP before the programme began; every RSP episode that does not continue SMQ starts later.
    assert (rsp["start"] >= pd.Timestamp("2021-07-01")).all()
    continuing = set(open_then["trust_code"])
    new = rsp[~rsp["trust_code"].isin(continuing) | (rsp["start"] > pd.Timestamp("2021-07-31"))]
    assert (new["start"] > pd.Timestamp("2021-07-31")).all() and len(new) > 0


def test_seven_trusts_move_from_smq_into_the_rsp_at_scale_one(full):
    # The seven trusts then in SMQ moved in July 2021 (data/public/README.md).
    assert len(_in_regime_on(full, "smq", "2021-07-01")) == 7
    assert _in_regime_on(full, "smq", "2021-07-01") == _in_regime_on(full, "rsp", "2021-07-31")


@pytest.mark.parametrize("seed", [0, 42, 3])
def test_about_20_trusts_in_the_rsp_in_december_2024_and_some_leave_it(seed):
    # NHS England counted 20 providers in the RSP on 5 December 2024 (docs/regimes.md).
    frames = demo.generate(seed=seed, scale=1.0)
    assert 16 <= len(_in_regime_on(frames, "rsp", "2024-12-05")) <= 24
    rsp = _episodes(frames, "rsp")
    exits = rsp.dropna(subset=["end"])
    assert len(exits) >= 5 and (exits["end"] > pd.Timestamp("2021-08-01")).all()
    # New entries after the hand-over, year after year.
    assert rsp.loc[rsp["start"] > pd.Timestamp("2021-07-31"), "start"].dt.year.nunique() >= 3
    # About 15 at a time in segment 5 of the 2025/26 framework.
    assert 11 <= len(_in_regime_on(frames, "rsp", AS_OF.isoformat())) <= 20


def test_the_cp_list_carries_on_confidential(full):
    cp = _episodes(full, "cp")
    assert cp["trust_code"].nunique() >= 15
    assert cp["start"].min() >= pd.Timestamp("2014-01-01")
    assert cp["notes"].str.contains("confidential").all()
    # Some CP trusts later entered the RSP, which is what makes them cp_to_smq.
    rsp = _episodes(full, "rsp")
    first_cp = cp.groupby("trust_code")["start"].min()
    first_rsp = rsp.groupby("trust_code")["start"].min()
    both = first_cp.index.intersection(first_rsp.index)
    assert (first_cp[both] < first_rsp[both]).sum() >= 2


def test_the_project_groups_by_spell_give_all_six_at_scale_one(full):
    groups = derive_groups(full["trusts"], full["regime_episodes"], full["cqc_ratings"], AS_OF)
    assert set(groups) == GROUPS
    assert groups.to_dict() == _reference_groups(full)


# --------------------------------------------------------------------------------------------
# NOF segments (contract §6: nof_segment, quarterly, at the first day of the quarter's last month)

QUARTERS = ["2025-06-01", "2025-09-01", "2025-12-01", "2026-03-01"]


def test_nof_segment_is_defined_as_the_converter_writes_it(full):
    row = full["metrics"].set_index("metric_id").loc["nof_segment"]
    assert (row["unit"], row["higher_is_better"], row["frequency"]) == ("score", "false", "quarterly")
    assert pd.isna(row["applies_to"])


@pytest.mark.parametrize(("seed", "scale"), [(42, 1.0), (8, 0.3)])
def test_every_trust_has_a_segment_each_quarter_from_mid_2025_and_5_exactly_in_the_rsp(seed, scale):
    frames = full_or_new(seed, scale)
    segments = frames["metric_values"].query("metric_id == 'nof_segment'")
    assert sorted(segments["period_start"].unique()) == QUARTERS
    assert len(segments) == len(frames["trusts"]) * len(QUARTERS)
    assert not segments.duplicated(["trust_code", "period_start"]).any()
    assert segments["value"].isin([1.0, 2.0, 3.0, 4.0, 5.0]).all()
    for quarter in QUARTERS:
        in_rsp = _in_regime_on(frames, "rsp", quarter)
        these = segments[segments["period_start"] == quarter].set_index("trust_code")["value"]
        assert set(these.index[these == 5]) == in_rsp, quarter
        assert len(in_rsp) >= 2


def test_segments_follow_each_trusts_history(full):
    segments = full["metric_values"].query("metric_id == 'nof_segment' and value < 5")
    ever = set(full["regime_episodes"]["trust_code"])
    cp = set(_episodes(full, "cp")["trust_code"])
    never = segments[~segments["trust_code"].isin(ever)]
    assert never["value"].isin([1.0, 2.0]).mean() > 0.75
    # Some of them are in segment 3 too, so a 3 does not point at the CP list.
    assert (never["value"] == 3.0).any()
    on_the_list = segments[segments["trust_code"].isin(cp)]
    assert on_the_list["value"].isin([3.0, 4.0]).mean() > 0.7
    # Segments move little from one quarter to the next.
    by_trust = (
        full["metric_values"]
        .query("metric_id == 'nof_segment'")
        .pivot(index="trust_code", columns="period_start", values="value")
    )
    assert (by_trust.diff(axis=1).abs().iloc[:, 1:] <= 1).mean(axis=None) > 0.95


# --------------------------------------------------------------------------------------------
# Validity by the contract


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_keys_unique_dates_ordered_and_episodes_do_not_overlap(seed):
    frames = demo.generate(seed=seed, scale=0.3)
    for stem, key in KEYS.items():
        assert not frames[stem].duplicated(key).any(), stem
        assert frames[stem][key].notna().all(axis=None), stem
    for stem in ("regime_episodes", "interventions"):
        frame = frames[stem].dropna(subset=["end_date"])
        assert (_dates(frame["end_date"]) >= _dates(frame["start_date"])).all(), stem
    episodes = frames["regime_episodes"].assign(
        start=lambda f: _dates(f["start_date"]),
        end=lambda f: _dates(f["end_date"]).fillna(pd.Timestamp("2262-01-01")),
    )
    for _, group in episodes.sort_values("start").groupby(["trust_code", "regime"]):
        assert (group["start"].to_numpy()[1:] > group["end"].to_numpy()[:-1]).all()
        assert group["end_date"].iloc[:-1].notna().all(), "only the latest episode may be open"


def test_codes_and_references_are_valid(small):
    trusts = small["trusts"]
    assert trusts["trust_code"].str.fullmatch(r"Z[0-9A-Z]{3}").all()
    assert not trusts["trust_code"].str[0].isin(["R", "T"]).any()
    assert trusts["trust_type"].isin(TRUST_TYPES).all()
    assert trusts["setting"].isin(SETTINGS).all()
    assert trusts["teaching"].isin(["true", "false"]).all()
    overrides = trusts["evaluation_group"].dropna()
    assert overrides.isin(GROUPS).all() and len(overrides) <= 2
    assert small["regime_episodes"]["regime"].isin(REGIMES).all()
    assert small["cqc_ratings"]["domain"].isin(DOMAINS).all()
    assert small["cqc_ratings"]["rating"].isin(RATINGS).all()
    assert small["interventions"]["intervention"].isin(INTERVENTIONS).all()
    assert small["interventions"]["status"].isin(STATUSES).all()
    assert small["costs"]["category"].isin(COST_CATEGORIES).all()
    assert small["costs"]["payer"].isin(PAYERS).all()
    known = set(trusts["trust_code"])
    for stem in ("regime_episodes", "cqc_ratings", "metric_values", "interventions", "costs"):
        assert small[stem]["trust_code"].isin(known).all(), stem
    assert small["metric_values"]["metric_id"].isin(set(small["metrics"]["metric_id"])).all()


def test_dates_are_iso_and_not_after_as_of(small):
    for stem, columns in DATE_COLUMNS.items():
        for column in columns:
            values = small[stem][column].dropna()
            assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (stem, column)
            assert (_dates(values) <= pd.Timestamp(AS_OF)).all(), (stem, column)
    assert (small["costs"]["period_start"].str[-2:] == "01").all()


def test_names_are_unique_invented_and_match_the_type(full):
    trusts = full["trusts"]
    assert trusts["trust_name"].is_unique
    assert trusts["trust_name"].str.contains("NHS").all()
    suffix = {
        "mental_health": "Mental Health",
        "community": "Community",
        "ambulance": "Ambulance Service",
    }
    for trust_type, word in suffix.items():
        names = trusts.loc[trusts["trust_type"] == trust_type, "trust_name"]
        assert names.str.contains(word).all(), trust_type
    acute = trusts.loc[trusts["trust_type"] == "acute", "trust_name"]
    assert acute.str.contains("Hospital").all()


def test_csvs_pass_the_project_importer(tmp_path: Path, small):
    importer = pytest.importorskip("data_access.importer")
    demo.write_csvs(small, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{stem}.csv" for stem in COLUMNS)
    importer.validate(importer.read_directory(tmp_path))


def test_write_csvs_round_trips(tmp_path: Path, small):
    demo.write_csvs(small, tmp_path / "out")
    for stem, frame in small.items():
        back = pd.read_csv(tmp_path / "out" / f"{stem}.csv", dtype=str, keep_default_na=False)
        assert list(back.columns) == list(frame.columns)
        assert len(back) == len(frame)


# --------------------------------------------------------------------------------------------
# Groups, episodes and ratings


def test_group_mix_matches_the_targets_at_scale_one(full):
    counts = pd.Series(_reference_groups(full)).value_counts()
    targets = {
        "prolonged_poor_performer": 27,
        "clear_improver": 20,
        "cp_to_smq": 8,
        "cp_only": 14,
        "other_smq": 14,
    }
    for group, target in targets.items():
        assert abs(counts.get(group, 0) - target) <= 3, (group, counts.to_dict())
    assert set(counts.index) == GROUPS


@pytest.mark.parametrize(("seed", "scale"), [(11, 0.2), (12, 0.25), (13, 0.3)])
def test_every_group_appears_at_small_scales(seed, scale):
    groups = set(_reference_groups(demo.generate(seed=seed, scale=scale)).values())
    assert groups == GROUPS


def test_group_mix_without_the_override_is_the_plan(full):
    # The override moves one trust; with it removed the rules alone give every group too.
    frames = dict(full, trusts=full["trusts"].assign(evaluation_group=None))
    assert set(_reference_groups(frames).values()) == GROUPS


def test_smq_entry_follows_an_inadequate_rating(full):
    ratings = full["cqc_ratings"].assign(published=lambda f: _dates(f["publication_date"]))
    smq = full["regime_episodes"].query("regime == 'smq'")
    for trust, start in smq[["trust_code", "start_date"]].itertuples(index=False):
        entry = pd.Timestamp(start)
        window = ratings[
            (ratings["trust_code"] == trust)
            & (ratings["published"] < entry)
            & (ratings["published"] >= entry - pd.Timedelta(days=92))
        ]
        domains = dict(zip(window["domain"], window["rating"], strict=True))
        assert domains.get("overall") == "inadequate", (trust, start)
        assert domains.get("well_led") == "inadequate", (trust, start)


def test_every_inspection_rates_all_six_domains(full):
    ratings = full["cqc_ratings"]
    per_inspection = ratings.groupby(["trust_code", "publication_date"])["domain"].nunique()
    assert (per_inspection == 6).all()
    # Every trust is inspected every few years from about 2014.
    inspections = per_inspection.reset_index().groupby("trust_code").size()
    assert inspections.reindex(full["trusts"]["trust_code"]).min() >= 2
    overall = ratings.loc[ratings["domain"] == "overall", "rating"].value_counts(normalize=True)
    assert overall["good"] + overall["requires_improvement"] > 0.75
    assert 0.02 < overall["outstanding"] < 0.15


# --------------------------------------------------------------------------------------------
# Interventions and costs


def _in_any(day: pd.Timestamp, spans: pd.DataFrame) -> bool:
    return bool(((spans["start"] <= day) & (day <= spans["end"])).any())


def _spans(frames: dict[str, pd.DataFrame], *regimes: str) -> pd.DataFrame:
    episodes = frames["regime_episodes"][frames["regime_episodes"]["regime"].isin(regimes)]
    return episodes.assign(
        start=_dates(episodes["start_date"]), end=_dates(episodes["end_date"]).fillna(pd.Timestamp(AS_OF))
    )


def _inside(frame: pd.DataFrame, column: str, spans: pd.DataFrame) -> pd.Series:
    """For each row of `frame`, whether its date falls in one of its trust's spans."""
    rows = frame[["trust_code"]].assign(day=_dates(frame[column]), row=np.arange(len(frame)))
    pairs = rows.merge(spans[["trust_code", "start", "end"]], on="trust_code")
    hit = pairs.loc[(pairs["start"] <= pairs["day"]) & (pairs["day"] <= pairs["end"]), "row"]
    return pd.Series(np.isin(np.arange(len(frame)), hit.to_numpy()), index=frame.index)


def test_cp_trusts_have_interventions_and_costs_dated_inside_cp_episodes(full):
    cp, smq = _spans(full, "cp"), _spans(full, "smq", "rsp")
    interventions, costs = full["interventions"], full["costs"]
    in_cp = _inside(interventions, "start_date", cp)
    assert in_cp.sum() >= 10
    assert _inside(costs, "period_start", cp).sum() >= 20
    # A trust only on the CP list has nothing outside its CP episodes.
    cp_only = interventions["trust_code"].isin(set(cp["trust_code"]) - set(smq["trust_code"]))
    assert cp_only.any()
    assert in_cp[cp_only].all()


def test_nearly_every_smq_trust_gets_an_improvement_director_and_most_a_leadership_change(full):
    interventions = full["interventions"]
    smq_trusts = set(full["regime_episodes"].query("regime in ('smq', 'rsp')")["trust_code"])
    regime_trusts = set(full["regime_episodes"]["trust_code"])
    with_id = set(interventions.query("intervention == 'improvement_director'")["trust_code"])
    assert len(with_id & smq_trusts) / len(smq_trusts) > 0.85
    buddied = set(interventions.query("intervention == 'buddying'")["trust_code"]) & smq_trusts
    assert 0.45 < len(buddied) / len(smq_trusts) < 0.9
    leaders = set(interventions.query("intervention == 'leadership_change'")["trust_code"])
    assert 0.55 < len(leaders & regime_trusts) / len(regime_trusts) < 0.92
    assert set(interventions["trust_code"]) <= regime_trusts
    partners = interventions.query("intervention == 'buddying'")["partner"]
    assert partners.isin(set(full["trusts"]["trust_name"])).all()
    assert set(interventions["status"]) == STATUSES


def test_central_funding_stays_within_the_caps(full):
    funding = full["interventions"].query("intervention == 'central_funding'")
    amounts = funding["amount_gbp"].astype(float)
    assert (amounts.dropna() > 0).all()
    assert (amounts.dropna() <= 500_000).all()
    no_data = funding["status"] == "no_data"
    assert amounts[no_data].isna().all()
    assert 0.05 < no_data.mean() < 0.25
    # SMQ and RSP entries alike bring up to £500,000; anything else is an exit payment.
    cp, smq = _spans(full, "cp"), _spans(full, "smq", "rsp")
    for row in funding.dropna(subset=["amount_gbp"]).itertuples():
        day = pd.Timestamp(row.start_date)
        mine_cp, mine_smq = cp[cp["trust_code"] == row.trust_code], smq[smq["trust_code"] == row.trust_code]
        if _in_any(day, mine_cp):
            assert row.amount_gbp <= 200_000, row
        elif not _in_any(day, mine_smq) or (day - mine_smq["start"]).dt.days.between(0, 92).sum() == 0:
            assert row.amount_gbp <= 100_000, row  # paid on (or just after) an exit


def test_costs_are_plausible(full):
    costs = full["costs"]
    assert costs["source"].eq("synthetic").all()
    director = costs.query("category == 'improvement_director'")
    assert director["payer"].eq("nhsi").all()
    assert director["amount_gbp"].between(15_000, 25_000).all()
    consultancy = costs.query("category == 'consultancy'")
    assert consultancy["payer"].eq("trust").all()
    assert consultancy["amount_gbp"].between(50_000, 400_000).all()
    reporting = costs.query("category == 'reporting_burden'")["amount_gbp"].dropna()
    assert reporting.between(2_000, 8_000).all()
    assert set(costs["category"]) == COST_CATEGORIES
    assert set(costs["trust_code"]) <= set(full["regime_episodes"]["trust_code"])


# --------------------------------------------------------------------------------------------
# Metrics


def test_metric_definitions(full):
    metrics = full["metrics"]
    assert len(metrics) >= 16
    assert metrics["metric_id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert metrics["unit"].isin(UNITS).all()
    assert metrics["higher_is_better"].isin(["true", "false"]).all()
    assert metrics["frequency"].isin(FREQUENCIES).all()
    # The NOF segment sums up every domain, so it has none (as the nof converter writes it).
    framework = metrics["metric_id"] == "nof_segment"
    assert metrics.loc[~framework, "domain"].isin(METRIC_DOMAINS).all()
    assert metrics.loc[framework, "domain"].isna().all()
    assert set(metrics["domain"].dropna()) == METRIC_DOMAINS
    for applies in metrics["applies_to"].dropna():
        assert set(applies.split(";")) <= TRUST_TYPES
    assert metrics["source"].str.startswith("Synthetic").all()
    by_id = metrics.set_index("metric_id")
    expected = {
        "ae_4hr_pct": ("percent", "true", "monthly"),
        "rtt_18wk_pct": ("percent", "true", "monthly"),
        "cancer_62day_pct": ("percent", "true", "monthly"),
        "shmi": ("ratio", "false", "quarterly"),
        "sickness_absence_pct": ("percent", "false", "monthly"),
        "staff_turnover_pct": ("percent", "false", "quarterly"),
        "vacancy_rate_pct": ("percent", "false", "quarterly"),
        "agency_spend_pct": ("percent", "false", "monthly"),
        "staff_engagement_score": ("score", "true", "annual"),
        "bullying_harassment_pct": ("percent", "false", "annual"),
        "surplus_deficit_pct": ("percent", "true", "quarterly"),
        "amb_cat1_mean_minutes": ("minutes", "false", "monthly"),
        "mh_7day_followup_pct": ("percent", "true", "quarterly"),
        "cdiff_rate": ("rate", "false", "monthly"),
    }
    for metric_id, (unit, better, frequency) in expected.items():
        assert tuple(by_id.loc[metric_id, ["unit", "higher_is_better", "frequency"]]) == (
            unit,
            better,
            frequency,
        )
    assert by_id.loc["amb_cat1_mean_minutes", "applies_to"] == "ambulance"
    assert "ambulance" not in by_id.loc["ae_4hr_pct", "applies_to"]


def test_values_are_in_range(full):
    values = full["metric_values"].merge(full["metrics"][["metric_id", "unit"]], on="metric_id")
    assert values["value"].notna().all()
    percent = values[(values["unit"] == "percent") & (values["metric_id"] != "surplus_deficit_pct")]
    assert percent["value"].between(0, 100).all()
    assert values.loc[values["metric_id"] == "surplus_deficit_pct", "value"].between(-100, 100).all()
    assert (values.loc[values["metric_id"] == "surplus_deficit_pct", "value"] < 0).any()
    assert values.loc[values["unit"] == "score", "value"].between(0, 10).all()
    counts = values.loc[values["unit"].isin(["count", "days"]), "value"]
    assert (counts >= 0).all() and (counts == counts.round()).all()
    assert (values.loc[values["unit"].isin(["rate", "ratio", "minutes"]), "value"] >= 0).all()
    with_ratio = values.dropna(subset=["denominator"])
    assert len(with_ratio) > 0
    assert (with_ratio["numerator"] <= with_ratio["denominator"]).all()
    recomputed = 100 * with_ratio["numerator"] / with_ratio["denominator"]
    assert np.allclose(recomputed, with_ratio["value"], atol=0.051)


def test_values_only_for_the_trust_types_a_metric_applies_to(full):
    types = full["trusts"].set_index("trust_code")["trust_type"]
    values = full["metric_values"][["trust_code", "metric_id"]].drop_duplicates()
    applies = full["metrics"].set_index("metric_id")["applies_to"]
    for metric_id, codes in values.groupby("metric_id")["trust_code"]:
        allowed = applies[metric_id]
        if isinstance(allowed, str):
            assert types[codes].isin(allowed.split(";")).all(), metric_id


def test_periods_span_2011_to_2026_on_period_starts_with_about_2pct_missing(full):
    values = full["metric_values"]
    frequency = full["metrics"].set_index("metric_id")["frequency"]
    assert values["period_start"].min() == "2011-04-01"
    assert values["period_start"].max() == "2026-03-01"
    starts = _dates(values["period_start"])
    assert (starts.dt.day == 1).all()
    freq = values["metric_id"].map(frequency)
    # Quarters start in April, July, October and January; NOF segments sit at the quarter's last
    # month, as the nof converter stores them (§6).
    framework = values["metric_id"] == "nof_segment"
    assert starts[(freq == "quarterly") & ~framework].dt.month.isin([1, 4, 7, 10]).all()
    assert starts[framework].dt.month.isin([3, 6, 9, 12]).all()
    assert (starts[freq == "annual"].dt.month == 4).all()
    ae = values[values["metric_id"] == "ae_4hr_pct"]
    trusts = full["trusts"]
    expected = trusts["trust_type"].isin(["acute", "acute_and_community"]).sum() * 180
    assert 0.01 < 1 - len(ae) / expected < 0.03


def test_metric_value_rows_in_the_expected_range(full):
    assert 300_000 <= len(full["metric_values"]) <= 500_000


def _ae_by_month_from_entry(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A&E 4-hour values of SMQ trusts by months from their first SMQ entry, with the group."""
    groups = _reference_groups(frames)
    smq = frames["regime_episodes"].query("regime == 'smq'")
    entry = _dates(smq.groupby("trust_code")["start_date"].min())
    ae = frames["metric_values"].query("metric_id == 'ae_4hr_pct'")
    ae = ae[ae["trust_code"].isin(entry.index)].copy()
    period = _dates(ae["period_start"])
    first = ae["trust_code"].map(entry)
    ae["months"] = (period.dt.year - first.dt.year) * 12 + (period.dt.month - first.dt.month)
    ae["group"] = ae["trust_code"].map(groups)
    return ae


def test_ae_declines_in_the_year_before_smq_entry(full):
    ae = _ae_by_month_from_entry(full)
    year_before = ae[ae["months"].between(-12, -1)].groupby("trust_code")["value"].mean()
    year_earlier = ae[ae["months"].between(-24, -13)].groupby("trust_code")["value"].mean()
    change = (year_before - year_earlier).dropna()
    assert len(change) >= 20
    assert change.mean() < -1.0
    assert (change < 0).mean() > 0.65


def test_clear_improvers_beat_prolonged_poor_performers_two_years_after_entry(full):
    ae = _ae_by_month_from_entry(full)
    at_24 = ae[ae["months"].between(21, 27)].groupby(["group", "trust_code"])["value"].mean()
    improvers = at_24["clear_improver"].mean()
    prolonged = at_24["prolonged_poor_performer"].mean()
    assert improvers > prolonged + 2.0
    # Relative to their own level before the decline, improvers recover and prolonged do not.
    before = ae[ae["months"].between(-30, -25)].groupby("trust_code")["value"].mean()
    gain = (at_24.droplevel("group") - before).dropna()
    groups = ae.drop_duplicates("trust_code").set_index("trust_code")["group"]
    by_group = gain.groupby(groups).mean()
    assert by_group["clear_improver"] > by_group["prolonged_poor_performer"] + 2.0


def test_seasonality_winter_dip_in_ae_and_peak_in_sickness(full):
    values = full["metric_values"].assign(month=lambda f: f["period_start"].str[5:7])
    ae = values.query("metric_id == 'ae_4hr_pct'").groupby("month")["value"].mean()
    assert ae["01"] < ae["07"] - 2
    sickness = values.query("metric_id == 'sickness_absence_pct'").groupby("month")["value"].mean()
    assert sickness["01"] > sickness["07"] + 0.3


def test_regime_trusts_are_worse_than_never_trusts_on_average(full):
    groups = pd.Series(_reference_groups(full))
    values = full["metric_values"].query("metric_id == 'ae_4hr_pct'")
    in_regime = values["trust_code"].map(groups).ne("never")
    assert values.loc[in_regime, "value"].mean() < values.loc[~in_regime, "value"].mean()


def test_trust_codes_extend_past_999():
    codes = [trust_code(i) for i in (1, 999, 1000, 1099, 3599, 3600)]
    assert codes == ["Z001", "Z999", "ZA00", "ZA99", "ZZ99", "ZAA0"]
    assert all(re.fullmatch(r"Z[0-9A-Z]{3}", c) for c in codes)
