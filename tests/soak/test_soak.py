"""Load is held: a bounded soak on loopback (default 10 minutes, 20 users) with no errors, flat
memory and no growth in open database connections. Runs with `make soak` (pytest --run-soak)."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import _PG, _drop_postgres, _fresh_postgres_url
from tests.live import BIN, _run, server_env, start_gunicorn, stop

pytestmark = pytest.mark.soak

SECONDS = int(os.environ.get("SMQ_SOAK_SECONDS", "600"))
USERS = int(os.environ.get("SMQ_SOAK_USERS", "20"))
PATHS = [
    "/download/trusts.csv",
    "/download/episodes.csv",
    "/download/uptake.csv",
    "/download/costs.csv",
    "/download/ratings.csv?type=acute",
    "/download/trajectories.csv?metric=ae_4hr_pct&type=acute",
    "/",
    "/timelines",
    "/_dash-layout",
    "/healthz",
]
FILTERS = [
    "",
    "type=acute",
    "type=mental_health",
    "group=clear_improver",
    "regime=smq",
    "region=London",
    "from=2015-01-01&to=2019-12-31",
]


def rss_kb(pid: int) -> int:
    pids = [pid] + [
        int(p)
        for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def test_soak(tmp_path):
    if _PG is None:
        pytest.skip("the soak runs on PostgreSQL, which is not answering")
    url = _fresh_postgres_url()
    database = make_url(url).database
    try:
        env = server_env(tmp_path, url)
        _run([str(BIN / "smq-monitor"), "demo", "--seed", "3", "--scale", "0.5"], env)
        process, base = start_gunicorn(env, tmp_path, workers=2)
        admin = create_engine(make_url(url).set(database="postgres"))

        def connections() -> int:
            with admin.connect() as conn:
                return conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"), {"d": database}
                ).scalar()

        errors: list[str] = []
        latencies: list[float] = []
        count = 0
        lock = threading.Lock()
        stop_at = time.monotonic() + SECONDS

        def user(seed: int) -> None:
            nonlocal count
            rng = random.Random(seed)
            session = requests.Session()
            while time.monotonic() < stop_at:
                path = rng.choice(PATHS)
                query = rng.choice(FILTERS)
                target = base + path + (("&" if "?" in path else "?") + query if query else "")
                started = time.monotonic()
                try:
                    response = session.get(target, timeout=30)
                    ok = response.status_code == 200
                    detail = f"{response.status_code} {target}"
                except requests.RequestException as exc:
                    ok, detail = False, f"{exc.__class__.__name__} {target}"
                with lock:
                    count += 1
                    latencies.append(time.monotonic() - started)
                    if not ok:
                        errors.append(detail)
                time.sleep(rng.uniform(0.2, 1.0))

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(USERS)]
        for t in threads:
            t.start()
        samples: list[tuple[float, int, int]] = []
        warmup = min(60, SECONDS / 5)
        while time.monotonic() < stop_at:
            time.sleep(min(15, max(1, SECONDS / 20)))
            samples.append((time.monotonic(), rss_kb(process.pid), connections()))
        for t in threads:
            t.join(timeout=60)
        stop(process)
        admin.dispose()

        started_at = samples[0][0] - 15
        steady = [s for s in samples if s[0] - started_at >= warmup] or samples
        memory = [s[1] for s in steady]
        conns = [s[2] for s in steady]
        p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 20 else max(latencies)
        report = (
            f"soak: {SECONDS}s, {USERS} users, {count} requests, {len(errors)} errors, p95 {p95 * 1000:.0f} ms, "
            f"RSS {memory[0] / 1024:.0f}→{memory[-1] / 1024:.0f} MB (max {max(memory) / 1024:.0f}), "
            f"connections {conns[0]}→{conns[-1]} (max {max(conns)})"
        )
        print(report)
        (Path(__file__).resolve().parents[2] / "tests" / "artifacts").mkdir(parents=True, exist_ok=True)
        (Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "soak.txt").write_text(report + "\n")
        assert not errors, errors[:10]
        assert count > USERS * SECONDS / 2
        assert memory[-1] <= memory[0] * 1.25 + 20_000, report  # flat: within 25 % (+20 MB slack)
        assert max(conns) <= 2 * 10 + 2, report  # never past the pools (2 workers × (5 + 5 overflow))
        assert conns[-1] <= conns[0] + 2, report
    finally:
        _drop_postgres(url)
