"""Does the time of an anonymous answer reveal the CP list? A differential timing check.

Two servers hold the same public data: one with the hidden rows (CP episodes, and interventions and
costs dated in them), one without. Anonymous requests that nobody asked before (a fresh `from=`
date each time) ask each trust's uptake and costs, in random order. If hidden rows cost time, the
CP trusts' answers are slower on the first server only: the ranking of their times against the
other trusts' (the area under the ROC curve, 0.5 = no difference) moves away from 0.5 there.

Run on demand: `python -m benchmarks.timing_leak [--requests N]`. It prints each server's AUC
with a 95% interval (bootstrap) and whether the first is distinguishable from the control. The
machine is shared and noisy: the check compares the two servers measured interleaved, never a
wall-clock figure.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import requests

from tests import datasets
from tests.live import BIN, _run, server_env, start_gunicorn, stop
from tests.test_hidden_rows_cost_nothing import without_hidden_rows

CP_TRUSTS = sorted(datasets.CP_TRUSTS)
TRUSTS = sorted(datasets.EXPECTED_GROUPS)


def auc(scores_positive: list[float], scores_negative: list[float]) -> float:
    """P(a positive's score > a negative's), ties counted half (Mann–Whitney U / n1 n2)."""
    pos, neg = np.asarray(scores_positive), np.asarray(scores_negative)
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def bootstrap(pos: list[float], neg: list[float], rounds: int = 500, seed: int = 1) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    values = [auc(list(rng.choice(pos, len(pos))), list(rng.choice(neg, len(neg)))) for _ in range(rounds)]
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def serve(folder: Path, files: dict[str, str]):
    env = server_env(folder, f"sqlite:///{folder / 'smq.sqlite3'}")
    _run([str(BIN / "smq-monitor"), "import", str(datasets.write(folder / "csv", files))], env)
    return start_gunicorn(env, folder, workers=1)


def measure(urls: dict[str, str], per_trust: int) -> dict[str, dict[str, list[float]]]:
    """Seconds per answer, by server and trust; servers and trusts interleaved at random."""
    plan = [(name, trust, i) for name in urls for trust in TRUSTS for i in range(per_trust)]
    random.Random(7).shuffle(plan)
    times: dict[str, dict[str, list[float]]] = {name: {t: [] for t in TRUSTS} for name in urls}
    sessions = {name: requests.Session() for name in urls}
    start = date(2000, 1, 1)
    for n, (name, trust, _) in enumerate(plan):
        view = "uptake" if n % 2 else "costs"
        fresh = (start + timedelta(days=n)).isoformat()
        began = time.perf_counter()
        response = sessions[name].get(
            f"{urls[name]}/download/{view}.csv?trust={trust}&from={fresh}", timeout=60
        )
        times[name][trust].append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=120, help="requests per trust and server")
    parser.add_argument("--threshold", type=float, default=0.1, help="largest |AUC - control AUC| accepted")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smq-timing-") as tmp:
        root = Path(tmp)
        (root / "with").mkdir()
        (root / "without").mkdir()
        servers = {
            "with hidden rows": serve(root / "with", datasets.mini()),
            "without (control)": serve(root / "without", without_hidden_rows(datasets.mini())),
        }
        try:
            times = measure({name: url for name, (_, url) in servers.items()}, args.requests)
        finally:
            for process, _ in servers.values():
                stop(process)
    figures = {}
    for name, by_trust in times.items():
        pos = [t for trust in CP_TRUSTS for t in by_trust[trust]]
        neg = [t for trust in TRUSTS if trust not in CP_TRUSTS for t in by_trust[trust]]
        figures[name] = (auc(pos, neg), *bootstrap(pos, neg), float(np.median(pos)), float(np.median(neg)))
        value, low, high, med_pos, med_neg = figures[name]
        print(
            f"{name:>18}: AUC {value:.3f} (95% {low:.3f} to {high:.3f}); median CP trust {med_pos * 1000:.1f} ms, "
            f"other {med_neg * 1000:.1f} ms"
        )
    gap = abs(figures["with hidden rows"][0] - figures["without (control)"][0])
    verdict = "no distinguishable difference" if gap <= args.threshold else "DISTINGUISHABLE"
    print(f"|AUC - control| = {gap:.3f} (threshold {args.threshold}): {verdict}")
    return 0 if gap <= args.threshold else 1


if __name__ == "__main__":
    raise SystemExit(main())
