"""Timings of the pure analytics behind /impact and /monitoring: `python -m benchmarks.analysis`.

Synthetic frames built in code (no database): the summary icon matrix for T trusts x 30 monthly
metrics x 120 months, the effect estimates of one metric, and one trust's CUSUM. Prints wall and
CPU seconds; the CPU figure is the steadier one on a shared machine. Options: --trusts 217,2000.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import cusum, effects, icons  # noqa: E402

METRICS, MONTHS = 30, 120


def frames(trusts: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2014-01-01", periods=MONTHS, freq="MS").to_numpy()
    codes = np.array([f"R{i:04d}" for i in range(trusts)])
    metric_ids = np.array([f"m{j:02d}" for j in range(METRICS)])
    values = pd.DataFrame(
        {
            "trust_code": np.repeat(codes, METRICS * MONTHS),
            "metric_id": np.tile(np.repeat(metric_ids, MONTHS), trusts),
            "period_start": np.tile(periods, trusts * METRICS),
            "value": rng.normal(50, 5, trusts * METRICS * MONTHS),
        }
    )
    metrics = pd.DataFrame(
        {"metric_id": metric_ids, "higher_is_better": [True, False] * (METRICS // 2), "target": 50.0}
    )
    # Half the trusts have an event (and an SPC break) somewhere in 2016-2019.
    events = pd.Series(
        pd.Timestamp("2016-01-15") + pd.to_timedelta(rng.integers(0, 1400, len(codes[::2])), unit="D"),
        index=codes[::2],
    )
    return values, metrics, events


def timed(label: str, function, *args, **kwargs) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    print(f"{label}: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trusts", default="217,2000")
    args = parser.parse_args()
    for trusts in (int(t) for t in args.trusts.split(",")):
        values, metrics, events = frames(trusts)
        print(f"{trusts} trusts x {METRICS} metrics x {MONTHS} months = {len(values):,} values")
        table = timed("  icon matrix", icons.icon_matrix, values, metrics, breaks=events, events=events)
        assert len(table) == trusts * METRICS
        one = values[values["metric_id"] == "m00"]
        kinds = pd.DataFrame(
            {
                "trust_code": one["trust_code"].unique(),
                "trust_type": "acute",
                "evaluation_group": np.where(one["trust_code"].unique() < "R0100", "other_smq", "never"),
            }
        )
        kinds.loc[kinds["trust_code"].isin(events.index), "evaluation_group"] = "other_smq"
        comparators = kinds.loc[~kinds["trust_code"].isin(events.index), "trust_code"]
        timed("  effects of one metric", effects.effects, one, kinds, events, comparators, "m00")
        first = one[one["trust_code"] == one["trust_code"].iloc[0]]
        timed(
            "  CUSUM of one trust", cusum.cusum, first["period_start"], first["value"], event=events.iloc[0]
        )


if __name__ == "__main__":
    main()
