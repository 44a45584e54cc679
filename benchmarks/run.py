"""Benchmark harness: `make bench` (python -m benchmarks.run [--scales 1,10] [--databases sqlite,postgresql] [--quick]
[--peers | --peers-only]).

For each scale and database: generate and import the demo data, start gunicorn (2 workers),
record the callbacks each page makes in headless Chromium, replay them over HTTP cold and warm,
time the bare queries beneath them, the downloads and full page loads, measure payloads and
memory, run a bounded load test on loopback (scale 1), and write benchmarks/RESULTS.md.
Figures are medians of several runs; the machine is noisy, so read ratios rather than absolutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.helpers import WAIT_IDLE  # noqa: E402
from tests.live import BIN, CHROMIUM, CHROMIUM_ARGS, server_env, start_gunicorn, stop  # noqa: E402

PAGES = {
    "/": "overview-",
    "/trajectories": "trajectories-",
    "/timelines": "timelines-",
    "/interventions": "interventions-",
    "/costs": "costs-",
    "/data": "data-",
}
REDIS_DB = 14  # the PostgreSQL run uses Redis as production does; this database is flushed first
VIEWS = ["trusts", "episodes", "ratings", "trajectories", "uptake", "costs"]
FILTERS = [
    "type=acute",
    "type=mental_health",
    "group=clear_improver",
    "region=London",
    "regime=smq",
    "from=2016-01-01",
]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    return (statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)) * 1000


def content_bodies(base: str) -> dict[str, list[dict]]:
    """Each page's content callbacks, as request bodies built from Dash's own list of callbacks
    (a page load asks for none: its content comes with the page)."""
    dependencies = requests.get(base + "/_dash-dependencies", timeout=60).json()
    out: dict[str, list[dict]] = {path: [] for path in PAGES}
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        inputs = dep.get("inputs", [])
        if [(i["id"], i["property"]) for i in inputs] != [("url", "search")]:
            continue
        ids = [part.split(".")[0] for part in dep["output"].strip(".").split("...")]
        for path, prefix in PAGES.items():
            if ids and ids[0].startswith(prefix):
                outputs = [
                    {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
                    for part in dep["output"].strip(".").split("...")
                ]
                out[path].append(
                    {
                        "output": dep["output"],
                        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
                        "inputs": [{"id": "url", "property": "search", "value": ""}],
                        "state": [],
                        "changedPropIds": ["url.search"],
                    }
                )
    return out


def record_callbacks(base: str) -> dict[str, tuple[list[dict], float]]:
    """Each page's content callback bodies and the median time of a full page load in Chromium."""
    from playwright.sync_api import sync_playwright

    bodies = content_bodies(base)
    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in PAGES:
            page = browser.new_page()
            loads = []
            for _ in range(3):
                started = time.perf_counter()
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_function(WAIT_IDLE, timeout=300_000)
                loads.append(time.perf_counter() - started)
            out[path] = (bodies[path], statistics.median(loads))
            page.close()
        browser.close()
    return out


def call(session: requests.Session, base: str, body: dict, search: str) -> tuple[float, int, int]:
    body = json.loads(json.dumps(body))
    for item in body["inputs"]:
        if item.get("id") == "url" and item.get("property") == "search":
            item["value"] = search
    started = time.perf_counter()
    response = session.post(base + "/_dash-update-component", json=body, timeout=300)
    return time.perf_counter() - started, len(response.content), response.status_code


def bare_queries(env: dict) -> dict[str, float]:
    """The queries under each page, uncached, in a separate process (median of 5)."""
    script = """
import json, statistics, time
from data_access import cache, overview_queries, queries as q, timeline_queries
from data_access.filters import Filters
from data_access.viewer import EVERYTHING
metric = q.metrics()['metric_id'].tolist()
metric = tuple([m for m in metric if m.startswith('ae_4hr')][:1] or metric[:1])
f = Filters(types=('acute',))
def t(fn):
    runs = []
    for _ in range(5):
        q.data_version()
        cache.clear_memo()  # nothing read before: every table from the database again
        s = time.perf_counter(); fn(); runs.append(time.perf_counter() - s)
    return statistics.median(runs)
out = {
  '/': t(lambda: (q.trusts(EVERYTHING, f), q.episodes(EVERYTHING, f))),
  '/trajectories': t(lambda: (q.trusts(EVERYTHING, f), q.metric_values(EVERYTHING, f, metric))),
  '/timelines': t(lambda: (q.trusts(EVERYTHING, f), q.episodes(EVERYTHING, f), timeline_queries.monthly_counts(EVERYTHING, f),
                           q.ratings(EVERYTHING, f, ('overall',)), q.interventions(EVERYTHING, f))),
  '/interventions': t(lambda: (q.trusts(EVERYTHING, f), q.interventions(EVERYTHING, f), q.episodes(EVERYTHING, f))),
  '/costs': t(lambda: (q.trusts(EVERYTHING, f), q.episodes(EVERYTHING, f), q.costs(EVERYTHING, f),
                       q.ratings(EVERYTHING, f, ('overall',)), q.metric_values(EVERYTHING, f, metric))),
}
print(json.dumps(out))
"""
    result = subprocess.run(
        [str(BIN / "python"), "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    return json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else {}


def rss_mb(pid: int) -> float:
    pids = [pid] + [
        int(p)
        for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    total = 0
    for p in pids:
        with contextlib.suppress(FileNotFoundError, StopIteration):
            total += next(
                int(line.split()[1])
                for line in Path(f"/proc/{p}/status").read_text().splitlines()
                if line.startswith("VmRSS")
            )
    return total / 1024


def load_test(base: str, recorded: dict, users: int, seconds: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        session = requests.Session()
        while time.monotonic() < stop_at:
            path = rng.choice([p for p in recorded if recorded[p][0]])
            for body in recorded[path][0]:
                elapsed, _, code = call(session, base, body, "?" + rng.choice(FILTERS))
                with lock:
                    latencies.append(elapsed)
                    errors += code != 200
            time.sleep(rng.uniform(0.5, 2.0))

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return {
        "requests": len(latencies),
        "throughput": len(latencies) / seconds,
        "p50": median_ms(latencies),
        "p95": p95_ms(latencies),
        "p99": (statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 100 else max(latencies))
        * 1000,
        "errors": errors,
    }


def database_url(kind: str, folder: Path, scale: float) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    name = f"smq_bench_s{str(scale).replace('.', '_')}"
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        ],
        check=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True
    )
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def bench(kind: str, scale: float, quick: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"smq-bench-{kind}-{scale}-"))
    url = database_url(kind, folder, scale)
    env = server_env(folder, url)
    if kind == "postgresql":
        redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True)
        env["CACHE_REDIS_URL"] = redis_url
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "smq-monitor"), "demo", "--seed", "42", "--scale", str(scale)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    demo_seconds = time.perf_counter() - started
    line = [x for x in result.stdout.splitlines() if x.startswith("imported in")][0]
    import_seconds = float(line.split()[2])
    values = int(line.split("metric_values ")[1].split(", ")[0].replace(",", ""))
    out: dict = {
        "db": kind,
        "scale": scale,
        "demo_s": demo_seconds,
        "import_rows_per_s": values / import_seconds,
        "values": values,
    }
    process, base = start_gunicorn(env, folder, workers=2)
    try:
        recorded = record_callbacks(base)
        bare = bare_queries(env)
        session = requests.Session()
        pages = {}
        for path, (bodies, load_s) in recorded.items():
            if not bodies:
                continue
            per_callback = []
            for number, body in enumerate(bodies):
                # cold: filters not asked for before, so no cached query answers them
                cold = [
                    call(session, base, body, f"?from=201{i}-0{number % 9 + 1}-01&type=acute")[0]
                    for i in range(1, 4)
                ]
                # each gunicorn worker has its own in-process cache under SQLite: ask every worker
                # once (untimed) so that "warm" means warm wherever the request lands
                for _ in range(4):
                    call(session, base, body, "?type=acute")
                warm = [call(session, base, body, "?type=acute") for _ in range(5 if quick else 15)]
                per_callback.append(
                    {
                        "cold_ms": median_ms(cold),
                        "warm_ms": median_ms([w[0] for w in warm]),
                        "warm_p95_ms": p95_ms([w[0] for w in warm]),
                        "payload_kb": max(w[1] for w in warm) / 1024,
                        "status": max(w[2] for w in warm),
                    }
                )
            slowest = max(per_callback, key=lambda c: c["warm_ms"])
            pages[path] = {
                "callbacks": len(bodies),
                "load_s": load_s,
                "cold_ms": max(c["cold_ms"] for c in per_callback),
                "warm_ms": slowest["warm_ms"],
                "warm_p95_ms": max(c["warm_p95_ms"] for c in per_callback),
                "payload_kb": max(c["payload_kb"] for c in per_callback),
                "errors": sum(c["status"] != 200 for c in per_callback),
                "bare_ms": bare.get(path, float("nan")) * 1000,
            }
        out["pages"] = pages
        downloads = {}
        for view in VIEWS:
            runs, size = [], 0
            for _ in range(3):
                started = time.perf_counter()
                response = session.get(f"{base}/download/{view}.csv?type=acute&metric=ae_4hr_pct")
                runs.append(time.perf_counter() - started)
                size = len(response.content)
            downloads[view] = {"ms": median_ms(runs), "kb": size / 1024}
        out["downloads"] = downloads
        if scale <= 1:
            out["load"] = load_test(base, recorded, users=50, seconds=15 if quick else 60)
        out["rss_mb"] = rss_mb(process.pid)
    finally:
        stop(process)
    return out


def write_results(results: list[dict]) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.python_version()}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit}. Medians of several runs; server-side times over loopback HTTP.",
        "",
        "## Callbacks (every content callback of each page; the slowest is shown; filter change with `type=acute`)",
        "",
        "Cold: a filter never asked for before, so no cached answer serves it (per-import tables such as a whole metric may already be read). "
        "Warm: the same filter again, after every worker has answered it once. "
        "Bare queries: the reads the page's callbacks make, uncached, in-process, one after another (the floor a callback cannot beat; "
        "figure building and JSON encoding come on top). "
        "Page load: navigation to every chart drawn in headless Chromium, median of 3 (the first is cold).",
        "",
        "| db | scale | page | callbacks | cold ms | warm ms (median) | warm p95 ms | bare queries ms | cold ÷ bare | payload KB | page load s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for path, p in r["pages"].items():
            ratio = (
                p["cold_ms"] / p["bare_ms"]
                if p["bare_ms"] == p["bare_ms"] and p["bare_ms"] > 0
                else float("nan")
            )
            lines.append(
                f"| {r['db']} | {r['scale']:g} | {path} | {p['callbacks']} | {p['cold_ms']:.0f} | {p['warm_ms']:.0f} | {p['warm_p95_ms']:.0f} | "
                f"{p['bare_ms']:.0f} | {ratio:.1f} | {p['payload_kb']:.0f} | {p['load_s']:.1f} |"
            )
    lines += ["", "## Downloads", "", "| db | scale | view | ms | KB |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        for view, d in r["downloads"].items():
            lines.append(f"| {r['db']} | {r['scale']:g} | {view} | {d['ms']:.0f} | {d['kb']:.0f} |")
    lines += [
        "",
        "## Data and memory",
        "",
        "| db | scale | demo generate + import s | import values/s | gunicorn RSS MB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['db']} | {r['scale']:g} | {r['demo_s']:.0f} | {r['import_rows_per_s']:,.0f} | {r['rss_mb']:.0f} |"
        )
    loads = [r for r in results if "load" in r]
    if loads:
        lines += [
            "",
            "## Load test (50 users on loopback, 2 gunicorn workers)",
            "",
            "| db | scale | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in loads:
            lo = r["load"]
            lines.append(
                f"| {r['db']} | {r['scale']:g} | {lo['requests']} | {lo['throughput']:.1f} | {lo['p50']:.0f} | {lo['p95']:.0f} | {lo['p99']:.0f} | {lo['errors']} |"
            )
    lines += ["", "## Targets", "", "| target | met? | figure |", "| --- | --- | --- |"]
    for r in results:
        warm_p95 = max(p["warm_p95_ms"] for p in r["pages"].values())
        limit = 150 if r["scale"] <= 1 else 400
        lines.append(
            f"| warm filter change p95 < {limit} ms ({r['db']}, scale {r['scale']:g}) | {'met' if warm_p95 < limit else 'not met'} | worst {warm_p95:.0f} ms |"
        )
        biggest = max(p["payload_kb"] for p in r["pages"].values())
        lines.append(
            f"| no payload > 1 MB ({r['db']}, scale {r['scale']:g}) | {'met' if biggest < 1024 else 'not met'} | largest {biggest:.0f} KB |"
        )
        lines.append(
            f"| import ≥ 100k values/s ({r['db']}, scale {r['scale']:g}) | {'met' if r['import_rows_per_s'] >= 100_000 else 'not met'} | {r['import_rows_per_s']:,.0f}/s |"
        )
        ratios = {
            path: p["cold_ms"] / p["bare_ms"]
            for path, p in r["pages"].items()
            if p["bare_ms"] == p["bare_ms"] and p["bare_ms"] > 0
        }
        if ratios:
            worst = max(ratios, key=ratios.get)
            lines.append(
                f"| cold within 2× of its bare queries ({r['db']}, scale {r['scale']:g}) | {'met' if ratios[worst] <= 2 else 'not met'} | "
                f"worst {worst} {ratios[worst]:.1f}× |"
            )
        if r["scale"] >= 10:
            cold = max(p["cold_ms"] for p in r["pages"].values())
            lines.append(
                f"| cold < 1.5 s ({r['db']}, scale 10) | {'met' if cold < 1500 else 'not met'} | worst {cold:.0f} ms |"
            )
            lines.append(
                f"| demo --scale 10 < 5 min ({r['db']}) | {'met' if r['demo_s'] < 300 else 'not met'} | {r['demo_s']:.0f} s |"
            )
        if "load" in r:
            lo = r["load"]
            lines.append(
                f"| load test p95 < 1 s, no errors ({r['db']}) | {'met' if lo['p95'] < 1000 and not lo['errors'] else 'not met'} | p95 {lo['p95']:.0f} ms, {lo['errors']} errors |"
            )
    by_key = {(r["db"], r["scale"]): r for r in results}
    for r in results:
        small = by_key.get((r["db"], 1.0))
        if r["scale"] >= 10 and small:
            ratios = {
                path: p["warm_ms"] / small["pages"][path]["warm_ms"]
                for path, p in r["pages"].items()
                if path in small["pages"]
            }
            worst = max(ratios, key=ratios.get)
            lines.append(
                f"| scale 10 ≤ 2.5× scale 1, warm ({r['db']}) | {'met' if ratios[worst] <= 2.5 else 'not met'} | "
                f"worst {worst} {ratios[worst]:.1f}× |"
            )
            loads = {
                path: p["load_s"] / small["pages"][path]["load_s"]
                for path, p in r["pages"].items()
                if path in small["pages"]
            }
            worst = max(loads, key=loads.get)
            lines.append(
                f"| scale 10 ≤ 2.5× scale 1, page load ({r['db']}) | {'met' if loads[worst] <= 2.5 else 'not met'} | "
                f"worst {worst} {loads[worst]:.1f}× |"
            )
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "RESULTS.md").write_text(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--peers", action="store_true", help="then the peers section (benchmarks/peers)")
    parser.add_argument("--peers-only", action="store_true", help="only the peers section, into RESULTS.md")
    args = parser.parse_args()
    if not args.peers_only:
        results = []
        for kind in args.databases.split(","):
            for scale in (float(s) for s in args.scales.split(",")):
                print(f"benchmarking {kind} at scale {scale:g}…", flush=True)
                results.append(bench(kind, scale, args.quick))
        print(write_results(results))
    if args.peers or args.peers_only:
        from benchmarks.peers.section import Options, run_peers

        scales = [float(s) for s in args.scales.split(",")]
        rounds = 3 if args.quick else 7
        print(run_peers(Options(scales=scales, rounds=rounds, browser_rounds=min(rounds, 5))))


if __name__ == "__main__":
    main()
