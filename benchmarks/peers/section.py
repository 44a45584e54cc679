"""The peers section: the product's trajectories and timelines against yardsticks, side by side.

For each demo scale: a throwaway PostgreSQL database filled by `smq-monitor demo`, a Parquet
copy of the tables the views read, the product and the naive Dash build each under gunicorn
(2 workers, Redis as the product's cache as in production), and Superset when its venv exists.
Then, interleaved (A, B, A, B…) and repeated, medians of the rounds:

(a) a filter change nobody asked before (a fresh `from=` date each round), server side: the
    product's and the naive app's Dash callbacks over HTTP, the bare SQL on PostgreSQL, DuckDB
    over the Parquet copy, Superset's chart data API with `force=true`;
(b) a cache hit: the same filter again, for the product and Superset;
(c) time to a drawn chart in headless Chromium, and (d) the callback requests made by then;
(e) the product's first answer after a start (the server restarted, each view the first asked)
    and after an import (a one-value `metric_values.csv` loaded with `smq-monitor import`, which
    changes the data version, then the view asked at once), against the 1.5 s target.

The product's callbacks are found in `/_dash-dependencies` by the ids of the charts they draw
(`PRODUCT_CHARTS`), so whatever its server does today is what is measured.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

from benchmarks.peers import dash_client, servers, sql
from benchmarks.peers import superset as superset_peer
from benchmarks.peers.naive_app import COUNTS_CHART, GANTT_CHART, TRAJECTORIES_CHART

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("SMQ_CHROMIUM", "/usr/bin/chromium")
RESULTS = ROOT / "benchmarks" / "RESULTS.md"

METRIC = "ae_4hr_pct"
TYPES = ("acute",)
VIEWS = ("trajectories", "timelines")
# The charts each view draws, by component id: the product's callbacks are the ones writing them.
PRODUCT_CHARTS = {
    "trajectories": ["trajectories-chart"],
    "timelines": ["timelines-gantt", "timelines-counts"],
}
PRODUCT_PAGE = "page-content"  # the product's page container, should a chart come with its page
NAIVE_CHARTS = {"trajectories": [TRAJECTORIES_CHART], "timelines": [GANTT_CHART, COUNTS_CHART]}
PRODUCT_REDIS_DB = 13  # flushed before each scale; benchmarks/run.py uses 14
SUPERSET_REDIS_DB = 12
DEFAULT_PORT_BASE = 8760  # product, naive app, Superset on base, base+1, base+2

PRODUCT, NAIVE, SQL, DUCKDB, SUPERSET = (
    "product",
    "naive Dash",
    "bare SQL (PostgreSQL)",
    "DuckDB (Parquet)",
    "Superset",
)
ORDER = (PRODUCT, NAIVE, SQL, DUCKDB, SUPERSET)
say = functools.partial(print, flush=True)  # progress lines show up at once in a log


@dataclass
class Options:
    scales: list[float]
    rounds: int = 7
    browser_rounds: int = 5
    first_rounds: int = 3
    port_base: int = DEFAULT_PORT_BASE
    superset: bool = True


@dataclass
class ScaleResult:
    scale: float
    trusts: int = 0
    values_read: int = 0
    demo_s: float = 0.0
    parquet_s: float = 0.0
    # samples[(view, contender, measure)] = seconds; measure: change, hit, drawn
    samples: dict[tuple[str, str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    posts: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    sizes: dict[tuple[str, str], int] = field(default_factory=dict)
    errors: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    callbacks: dict[str, list[str]] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    superset_note: str = ""

    def median_ms(self, view: str, contender: str, measure: str) -> float | None:
        runs = self.samples.get((view, contender, measure))
        return statistics.median(runs) * 1000 if runs else None


def fresh_dates(start: date = date(2012, 1, 2)) -> Iterator[date]:
    """A `from=` date nobody asked before, one day later each time (about the same work)."""
    day = start
    while True:
        yield day
        day += timedelta(days=1)


def rotated(items: list, turn: int) -> list:
    """Round `turn` starts one place further along, so no contender always goes first."""
    if not items:
        return items
    turn %= len(items)
    return items[turn:] + items[:turn]


def _psql(statement: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement], check=True)


def _filters(day: date) -> sql.ViewFilters:
    return sql.ViewFilters(types=TYPES, metric=METRIC, date_from=day)


def _search(view: str, filters: sql.ViewFilters) -> str:
    return filters.search(with_metric=view == "trajectories")


class DashSite:
    """A Dash app under gunicorn and the callbacks that draw each view's charts.

    A chart no callback writes is drawn with its page: then the callback writing the page
    container (`container`, the product's router) is the one timed, and `notes` says so."""

    def __init__(
        self, name: str, server: servers.Server, charts: dict[str, list[str]], container: str | None = None
    ) -> None:
        self.name, self.server, self.charts = name, server, charts
        self.session = requests.Session()
        response = self.session.get(server.url + "/_dash-dependencies", timeout=60)
        response.raise_for_status()
        dependencies = response.json()
        self.callbacks: dict[str, list[dash_client.Callback]] = {}
        self.notes: list[str] = []
        for view, ids in charts.items():
            found: list[dash_client.Callback] = []
            for component in ids:
                try:
                    callback = dash_client.find_callback(dependencies, component)
                except LookupError:
                    if container is None:
                        raise
                    callback = dash_client.find_callback(dependencies, container)
                    self.notes.append(f"no callback writes `{component}`: timed `{container}`'s instead")
                if callback not in found:
                    found.append(callback)
            self.callbacks[view] = found

    def answer(self, view: str, search: str) -> dash_client.Answer:
        """Every callback drawing the view's charts, one after another: the server's whole work."""
        answers = [
            dash_client.call(
                self.session,
                self.server.url,
                dash_client.request_body(c, self.server.url, "/" + view, search),
            )
            for c in self.callbacks[view]
        ]
        return dash_client.Answer(
            sum(a.seconds for a in answers),
            sum(a.size for a in answers),
            max(a.status for a in answers),
            all(a.ok for a in answers),
        )


def _record(result: ScaleResult, view: str, contender: str, measure: str, run: Callable) -> None:
    answer = run()
    if isinstance(answer, dash_client.Answer):
        result.samples[(view, contender, measure)].append(answer.seconds)
        result.sizes[(view, contender)] = answer.size
        if not answer.ok:
            result.errors[(view, contender)] += 1
    else:
        result.samples[(view, contender, measure)].append(answer)


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _check_agreement(result: ScaleResult, pg: sql.PostgresViews, duck: sql.DuckDbViews, filters) -> None:
    """The yardsticks must answer the same question: compare DuckDB with PostgreSQL."""
    a, b = pg.trajectories(filters), duck.trajectories(filters)
    same = len(a) == len(b) and all(
        x[0] == y[0] and all(abs(p - q) < 1e-9 for p, q in zip(x[1:], y[1:], strict=True))
        for x, y in zip(a, b, strict=True)
    )
    (e1, c1), (e2, c2) = pg.timelines(filters), duck.timelines(filters)
    same_tl = [tuple(r) for r in e1] == [tuple(r) for r in e2] and [tuple(r) for r in c1] == [
        tuple(r) for r in c2
    ]
    result.checks.append(
        f"DuckDB {'agrees' if same else 'DISAGREES'} with PostgreSQL on trajectories ({len(a)} months), "
        f"{'agrees' if same_tl else 'DISAGREES'} on timelines ({len(e1)} episodes, {len(c1)} month counts)"
    )


def measure_scale(
    scale: float,
    options: Options,
    browser,
    superset: superset_peer.Superset | None,
    log: Callable[[str], None],
) -> ScaleResult:
    """Everything the section measures at one demo scale, in a database made for it and dropped after."""
    from tests.live import server_env  # the product's own live-server environment

    result = ScaleResult(scale)
    name = f"smq_peers_s{str(scale).replace('.', '_')}"
    folder = Path(tempfile.mkdtemp(prefix=f"smq-peers-{scale:g}-"))
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    env = server_env(folder, url)
    env["CACHE_REDIS_URL"] = f"redis://127.0.0.1:6379/{PRODUCT_REDIS_DB}"
    subprocess.run(["redis-cli", "-n", str(PRODUCT_REDIS_DB), "flushdb"], check=True, capture_output=True)
    started: list[servers.Server] = []
    pg = duck = None
    try:
        log(f"  scale {scale:g}: demo data")
        result.demo_s = _timed(
            lambda: subprocess.run(
                [str(BIN / "smq-monitor"), "demo", "--seed", "42", "--scale", str(scale)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=1800,
            )
        )
        paths: dict[str, Path] = {}
        result.parquet_s = _timed(lambda: paths.update(sql.export_parquet(url, folder / "parquet")))
        pg = sql.PostgresViews(sql.libpq_conninfo(url))
        duck = sql.DuckDbViews(paths)
        with pg.connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM trusts WHERE trust_type = ANY(%s)", (list(TYPES),))
            result.trusts = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM metric_values mv JOIN trusts t USING (trust_code) "
                "WHERE mv.metric_id = %s AND t.trust_type = ANY(%s)",
                (METRIC, list(TYPES)),
            )
            result.values_read = cursor.fetchone()[0]

        log(f"  scale {scale:g}: starting servers")
        product_server = servers.start_gunicorn(
            "product", BIN / "gunicorn", "app:server", options.port_base, env, ROOT, folder, health="/healthz"
        )
        started.append(product_server)
        naive_env = {**env, "PYTHONPATH": str(ROOT)}
        naive_server = servers.start_gunicorn(
            "naive",
            BIN / "gunicorn",
            "benchmarks.peers.naive_app:server",
            options.port_base + 1,
            naive_env,
            ROOT,
            folder,
        )
        started.append(naive_server)
        product = DashSite(PRODUCT, product_server, PRODUCT_CHARTS, PRODUCT_PAGE)
        result.checks.extend(product.notes)
        naive = DashSite(NAIVE, naive_server, NAIVE_CHARTS)
        result.callbacks = {view: [c.output for c in product.callbacks[view]] for view in VIEWS}
        chart = None
        if superset is not None:
            try:
                chart = superset.register(url, name, _filters(date(2011, 6, 1)))
            except Exception as exc:  # noqa: BLE001  (a yardstick failing must not end the run)
                result.superset_note = f"skipped: {exc}"[:300]
        dates = fresh_dates()

        def server_side(view: str) -> dict[str, Callable[[sql.ViewFilters], object]]:
            runs: dict[str, Callable[[sql.ViewFilters], object]] = {
                PRODUCT: lambda f: product.answer(view, _search(view, f)),
                NAIVE: lambda f: naive.answer(view, _search(view, f)),
                SQL: lambda f: _timed(lambda: getattr(pg, view)(f)),
                DUCKDB: lambda f: _timed(lambda: getattr(duck, view)(f)),
            }
            if chart is not None and view == "trajectories":
                runs[SUPERSET] = lambda f: superset.query(chart, f, force=True)[0]
            return runs

        # Warm-up, untimed: connections, per-import tables, DuckDB's and PostgreSQL's buffers.
        for view in VIEWS:
            for run in server_side(view).values():
                for _ in range(4):
                    run(_filters(next(dates)))
        if chart is not None:
            _check_superset(result, superset, chart, pg)
        _check_agreement(result, pg, duck, _filters(date(2015, 1, 1)))

        log(f"  scale {scale:g}: filter changes ({options.rounds} rounds)")
        for turn in range(options.rounds):
            for view in VIEWS:
                filters = _filters(next(dates))
                runs = server_side(view)
                for contender in rotated(list(runs), turn):
                    _record(result, view, contender, "change", lambda r=runs[contender], f=filters: r(f))

        log(f"  scale {scale:g}: cache hits")
        hit = _filters(next(dates))
        hits: dict[str, dict[str, Callable[[], object]]] = {
            view: {PRODUCT: lambda v=view: product.answer(v, _search(v, hit))} for view in VIEWS
        }
        if chart is not None:
            hits["trajectories"][SUPERSET] = lambda: superset.query(chart, hit, force=False)[0]
        for view in VIEWS:  # ask every worker once, so a hit is a hit wherever the request lands
            for run in hits[view].values():
                for _ in range(4):
                    run()
        if chart is not None and not superset.query(chart, hit, force=False)[1]:
            result.checks.append("Superset did not report its repeated answer as cached")
        for turn in range(options.rounds):
            for view in VIEWS:
                for contender in rotated(list(hits[view]), turn):
                    _record(result, view, contender, "hit", hits[view][contender])

        log(f"  scale {scale:g}: page loads in Chromium ({options.browser_rounds} rounds)")
        sites = [(PRODUCT, product_server.url, PRODUCT_CHARTS), (NAIVE, naive_server.url, NAIVE_CHARTS)]
        by_site = {PRODUCT: product_server, NAIVE: naive_server}

        def load(site: str, url: str, charts: list[str]):
            try:
                return browser.load(site, url, charts)
            except RuntimeError as error:
                raise RuntimeError(f"{error}\n--- {site} server log:\n{by_site[site].log_tail()}") from error

        for view in VIEWS:
            for site, base, charts in sites:  # first load per site untimed: scripts into the cache
                load(site, f"{base}/{view}{_search(view, _filters(next(dates)))}", charts[view])
        for turn in range(options.browser_rounds):
            for view in VIEWS:
                filters = _filters(next(dates))
                for site, base, charts in rotated(sites, turn):
                    load_ = load(site, f"{base}/{view}{_search(view, filters)}", charts[view])
                    result.samples[(view, site, "drawn")].append(load_.seconds)
                    result.posts[(view, site)].append(load_.posts)

        log(
            f"  scale {scale:g}: first answers after a start and after an import ({options.first_rounds} rounds)"
        )
        first_answers(result, started, options, env, folder, dates)
    finally:
        for server in reversed(started):
            servers.stop(server)
        for views in (pg, duck):
            if views is not None:
                views.close()
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _one_value_import(folder: Path, env: dict[str, str], turn: int) -> None:
    """Load one value of the benchmark's metric, different each turn: the data version changes
    as with a month of new values, and the dataset stays the same size."""
    with psycopg_connection(env["DATABASE_URL"]) as conn:
        trust, period = conn.execute(
            "SELECT trust_code, period_start FROM metric_values WHERE metric_id = %s "
            "ORDER BY trust_code, period_start LIMIT 1",
            (METRIC,),
        ).fetchone()
    batch = folder / "one-value"
    batch.mkdir(exist_ok=True)
    (batch / "metric_values.csv").write_text(
        f"trust_code,metric_id,period_start,value\n{trust},{METRIC},{period:%Y-%m-%d},{80 + turn % 10}\n"
    )
    subprocess.run(
        [str(BIN / "smq-monitor"), "import", str(batch)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )


def psycopg_connection(url: str):
    import psycopg

    return psycopg.connect(sql.libpq_conninfo(url))


def first_answers(
    result: ScaleResult,
    started: list[servers.Server],
    options: Options,
    env: dict[str, str],
    folder: Path,
    dates: Iterator[date],
) -> None:
    """(e): each view as the first question after a restart (Redis flushed, so nothing is
    remembered anywhere) and as the first after an import. `started[0]`, the product's server,
    is replaced by each restart, so that whatever runs at the end is stopped by the caller."""
    turn = 0
    server = started[0]
    for _ in range(options.first_rounds):
        for view in VIEWS:
            servers.stop(server)
            started.remove(server)
            subprocess.run(
                ["redis-cli", "-n", str(PRODUCT_REDIS_DB), "flushdb"], check=True, capture_output=True
            )
            server = servers.start_gunicorn(
                "product",
                BIN / "gunicorn",
                "app:server",
                options.port_base,
                env,
                ROOT,
                folder,
                health="/healthz",
            )
            started.insert(0, server)
            site = DashSite(PRODUCT, server, PRODUCT_CHARTS, PRODUCT_PAGE)
            _record(
                result,
                view,
                PRODUCT,
                "start",
                lambda s=site, v=view: s.answer(v, _search(v, _filters(next(dates)))),
            )
    site = DashSite(PRODUCT, server, PRODUCT_CHARTS, PRODUCT_PAGE)
    for view in VIEWS:  # settle: both workers up and warm before the imports
        for _ in range(4):
            site.answer(view, _search(view, _filters(next(dates))))
    for _ in range(options.first_rounds):
        for view in VIEWS:
            turn += 1
            _one_value_import(folder, env, turn)
            _record(
                result,
                view,
                PRODUCT,
                "import",
                lambda v=view: site.answer(v, _search(v, _filters(next(dates)))),
            )


def first_table(results: list[ScaleResult]) -> list[str]:
    """The product's first answers against the 1.5 s target, with its ordinary filter change beside."""
    lines = [
        "| scale | view | first answer after a start ms | after an import ms | worst of either ms "
        "| ≤ 1.5 s? | filter change ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for view in VIEWS:
            start, after, change = (r.median_ms(view, PRODUCT, m) for m in ("start", "import", "change"))
            runs = r.samples.get((view, PRODUCT, "start"), []) + r.samples.get((view, PRODUCT, "import"), [])
            worst = max(runs) * 1000 if runs else None
            verdict = "—" if worst is None else ("met" if worst <= 1500 else "not met")
            lines.append(
                f"| {r.scale:g} | {view} | {_cell(start)} | {_cell(after)} | {_cell(worst)} | {verdict} "
                f"| {_cell(change)} |"
            )
    return lines


def _check_superset(result: ScaleResult, superset, chart, pg: sql.PostgresViews) -> None:
    filters = _filters(date(2015, 1, 1))
    rows = superset.rows(chart, filters)
    bare = pg.trajectories(filters)
    same = len(rows) == len(bare) and all(
        abs(r["median"] - b[1]) < 1e-9 and abs(r["q1"] - b[2]) < 1e-9 and r["n"] == b[4]
        for r, b in zip(rows, bare, strict=True)
    )
    result.checks.append(f"Superset {'agrees' if same else 'DISAGREES'} with PostgreSQL on trajectories")


# ---------------------------------------------------------------------------------------------
# Report


def _cell(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _ratio(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return "—"
    ratio = value / floor
    return f"{ratio:,.1f}×" if ratio < 100 else f"{ratio:,.0f}×"


def table(results: list[ScaleResult]) -> list[str]:
    """One row per scale, view and contender: medians in ms and their ratio to the bare SQL."""
    lines = [
        "| scale | view | contender | filter change ms | ÷ SQL | cache hit ms | ÷ SQL | drawn chart ms | ÷ SQL "
        "| POSTs to first paint | answer KB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for view in VIEWS:
            floor = r.median_ms(view, SQL, "change")
            for contender in ORDER:
                change, hit, drawn = (r.median_ms(view, contender, m) for m in ("change", "hit", "drawn"))
                if change is None and hit is None and drawn is None:
                    continue
                posts = r.posts.get((view, contender))
                size = r.sizes.get((view, contender))
                errors = r.errors.get((view, contender), 0)
                name = contender + (f" ({errors} errors)" if errors else "")
                lines.append(
                    f"| {r.scale:g} | {view} | {name} | {_cell(change, 1)} | {_ratio(change, floor)} | "
                    f"{_cell(hit, 1)} | {_ratio(hit, floor)} | {_cell(drawn)} | {_ratio(drawn, floor)} | "
                    f"{_cell(statistics.median(posts)) if posts else '—'} | "
                    f"{_cell(size / 1024) if size is not None else '—'} |"
                )
    return lines


def section(
    results: list[ScaleResult],
    options: Options,
    superset_note: str,
    seconds: float,
    load: list[float] | None = None,
) -> str:
    """The "Peers" section of RESULTS.md; `load`: the 1-minute load average sampled during the run."""
    busy = (
        f" The 1-minute load average during the run: median {statistics.median(load):.1f}, "
        f"highest {max(load):.1f} (other work on the box shares the cores too)."
        if load
        else ""
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "## Peers",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit}; Python {platform.python_version()}; "
        f"a shared {os.cpu_count()}-core box, so the other contenders and the browser compete for the same two "
        "cores: read ratios rather than absolutes. PostgreSQL, one throwaway database per demo scale; "
        f"{options.rounds} rounds server side and {options.browser_rounds} in the browser, interleaved (each round "
        f"starts one contender further along); medians. The section took {seconds / 60:.1f} min.{busy}",
        "",
        f"Question asked: trust type `{','.join(TYPES)}`, metric `{METRIC}`, and a `from=` date new in every round "
        "(a filter nobody asked before). Trajectories: per month the median and middle half of the filtered trusts' "
        "values and the median of all trusts of those types. Timelines: the public (`smq`/`rsp`) episodes of the "
        "filtered trusts and the trusts in each regime per month.",
        "",
        "- **product**: the dashboard under gunicorn (2 workers, Redis cache), its callbacks found in "
        "`/_dash-dependencies` by the charts they draw ("
        + ", ".join(f"{v}: `{'`, `'.join(ids)}`" for v, ids in PRODUCT_CHARTS.items())
        + f"; should no callback write a chart, the one writing `{PRODUCT_PAGE}`), posted as its browser posts "
        "them; a view's figure is all those callbacks one after another.",
        "- **naive Dash**: `benchmarks/peers/naive_app.py`, the same views built plainly: `pd.read_sql` in every "
        "callback, no cache, a router plus one callback per page.",
        "- **bare SQL**: the views' aggregation in PostgreSQL (`percentile_cont` per month) and the Gantt and "
        "monthly counts, over one open connection; **DuckDB**: the same queries over a Parquet copy of the tables.",
        f"- **Superset**: {superset_note or 'its chart data API over a virtual dataset of the same tables'}; the "
        "filter change is `force=true`, the cache hit the same query again (Redis cache). Trajectories only.",
        "- Filter change and cache hit: server side over loopback HTTP (or in-process for SQL and DuckDB). "
        "Drawn chart: navigation to every chart of the view drawn in headless Chromium, scripts already cached "
        "from an untimed first visit. POSTs: requests to `/_dash-update-component` by then.",
        "",
        *table(results),
        "",
        "First answers (product only; medians, and the worst single run against the target): the server "
        "restarted with Redis flushed and each view asked first, then, with the server running, a one-value "
        "import and the view asked at once.",
        "",
        *first_table(results),
        "",
    ]
    for r in results:
        notes = [
            f"{r.trusts} trusts of the type, {r.values_read:,} values of the metric",
            f"demo import {r.demo_s:.0f} s, Parquet copy {r.parquet_s:.1f} s",
            *r.checks,
        ]
        if r.superset_note:
            notes.append(f"Superset {r.superset_note}")
        lines.append(f"- Scale {r.scale:g}: " + "; ".join(notes) + ".")
    return "\n".join(lines) + "\n"


def write_section(text: str, path: Path = RESULTS) -> None:
    """Put the section into RESULTS.md in place of an earlier one (or at the end)."""
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "## Peers"), None)
    if start is None:
        path.write_text(old.rstrip("\n") + "\n\n" + text)
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    path.write_text("".join(lines[:start]) + text + ("\n" + tail if tail else ""))


def run_peers(options: Options, log: Callable[[str], None] = say) -> str:
    """Measure every scale, print the table, write the section into RESULTS.md; return it."""
    from benchmarks.peers.browser import Browser
    from tests.live import CHROMIUM_ARGS

    begun = time.perf_counter()
    load: list[float] = []
    done = threading.Event()

    def sample_load() -> None:
        while not done.wait(10):
            load.append(os.getloadavg()[0])

    threading.Thread(target=sample_load, daemon=True).start()
    for port in (options.port_base, options.port_base + 1, options.port_base + 2):
        if servers.port_taken(port):
            raise SystemExit(f"port {port} is already taken: choose another --port-base")
    reason = superset_peer.unavailable() if options.superset else "left out (--no-superset)"
    superset = None
    home = Path(tempfile.mkdtemp(prefix="smq-peers-superset-"))
    if reason is None:
        log("peers: setting up Superset")
        superset = superset_peer.Superset(home, options.port_base + 2, SUPERSET_REDIS_DB)
        try:
            superset.start()
        except Exception as exc:  # noqa: BLE001  (skip the yardstick, carry on)
            reason = f"{exc}"[:300]
            superset.stop()
            superset = None
    if reason is not None:
        log(f"Superset: skipped: {reason}")
    browser = Browser(CHROMIUM, CHROMIUM_ARGS)
    results = []
    try:
        for scale in options.scales:
            log(f"peers: scale {scale:g}")
            results.append(measure_scale(scale, options, browser, superset, log))
    finally:
        browser.close()
        if superset is not None:
            superset.stop()
        shutil.rmtree(home, ignore_errors=True)
    done.set()
    text = section(
        results, options, f"skipped: {reason}" if reason else "", time.perf_counter() - begun, load
    )
    write_section(text)
    return text
