"""Apache Superset as a yardstick: set up in its own venv, driven through its chart data API.

Superset never enters the project's venv. `python -m benchmarks.peers.superset install` makes
/tmp/superset-venv (or $SMQ_SUPERSET_VENV) from PyPI; without that venv the benchmark prints
"skipped: …" for Superset and carries on. For a run, `Superset.start` writes a config into a
throwaway SUPERSET_HOME (SQLite metadata, Redis data cache in its own database), creates the
metadata and an admin, and serves Superset with gunicorn; `register` adds a database, a virtual
dataset (metric values joined to trusts) and a saved chart; `query` asks the chart data API the
trajectories question, with the cache forced off (`force=true`) or on.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from benchmarks.peers import servers
from benchmarks.peers.dash_client import Answer
from benchmarks.peers.sql import ViewFilters

VENV = Path(os.environ.get("SMQ_SUPERSET_VENV", "/tmp/superset-venv"))
# 6.1.0 imports rich and cachetools without requiring them, and fails with Flask-Caching 2.5.
PACKAGES = (
    "apache-superset==6.1.0",
    "psycopg2-binary==2.9.13",
    "rich==15.0.0",
    "cachetools==8.0.2",
    "Flask-Caching==2.3.1",
)
ADMIN = ("admin", "peers-benchmark-admin")
DATASET_SQL = (
    "SELECT mv.period_start, mv.value, mv.metric_id, t.trust_type, t.region "
    "FROM metric_values mv JOIN trusts t ON t.trust_code = mv.trust_code"
)
METRICS = {
    "median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY value)",
    "q1": "percentile_cont(0.25) WITHIN GROUP (ORDER BY value)",
    "q3": "percentile_cont(0.75) WITHIN GROUP (ORDER BY value)",
    "n": "count(value)",
}


def install(venv: Path = VENV) -> None:
    """Create the venv and install Superset into it from PyPI (takes a few minutes)."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PACKAGES], check=True)


def unavailable(venv: Path = VENV) -> str | None:
    """Why Superset cannot run here, or None when its venv is in place."""
    for name in ("superset", "gunicorn"):
        if not (venv / "bin" / name).exists():
            return f"no Superset venv at {venv} (python -m benchmarks.peers.superset install makes one)"
    return None


def _metric(label: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": METRICS[label], "label": label}


def query_object(filters: ViewFilters, national: bool) -> dict:
    """One query of the chart: per month, the percentiles of the metric over the filtered trusts
    (national: over every trust of the filtered types)."""
    where = [
        {"col": "metric_id", "op": "==", "val": filters.metric},
        {"col": "trust_type", "op": "IN", "val": list(filters.types)},
        {"col": "value", "op": "IS NOT NULL"},
    ]
    if filters.regions and not national:
        where.append({"col": "region", "op": "IN", "val": list(filters.regions)})
    if filters.date_from:
        where.append({"col": "period_start", "op": ">=", "val": filters.date_from.isoformat()})
    if filters.date_to:
        where.append({"col": "period_start", "op": "<=", "val": filters.date_to.isoformat()})
    return {
        "columns": [
            {
                "columnType": "BASE_AXIS",
                "sqlExpression": "period_start",
                "label": "period_start",
                "expressionType": "SQL",
            }
        ],
        "metrics": [_metric(m) for m in (("median",) if national else ("median", "q1", "q3", "n"))],
        "filters": where,
        "orderby": [["period_start", True]],
        "row_limit": 100_000,
    }


@dataclass(frozen=True)
class Chart:
    database_id: int
    dataset_id: int
    chart_id: int


class Superset:
    """A Superset server started for one benchmark run."""

    def __init__(self, home: Path, port: int, redis_db: int, venv: Path = VENV) -> None:
        self.home, self.port, self.redis_db, self.venv = home, port, redis_db, venv
        self.server: servers.Server | None = None
        self.session = requests.Session()

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "SMQ_"))}
        env.update(SUPERSET_CONFIG_PATH=str(self.home / "superset_config.py"), SUPERSET_HOME=str(self.home))
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '')}"
        return env

    def _superset(self, *args: str, timeout: float = 600) -> None:
        result = subprocess.run(
            [str(self.venv / "bin" / "superset"), *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"superset {args[0]} failed: {(result.stderr or result.stdout)[-1500:]}")

    def start(self) -> None:
        """Write the config, build the metadata database and an admin, and serve on the port."""
        if servers.port_taken(self.port):
            raise RuntimeError(f"port {self.port} is already taken")
        self.home.mkdir(parents=True, exist_ok=True)
        redis_url = f"redis://127.0.0.1:6379/{self.redis_db}"
        (self.home / "superset_config.py").write_text(
            f"""SECRET_KEY = "peers-benchmark-{os.urandom(16).hex()}"
SQLALCHEMY_DATABASE_URI = "sqlite:///{self.home / "superset.db"}"
WTF_CSRF_ENABLED = False
TALISMAN_ENABLED = False
ROW_LIMIT = 100000
DATA_CACHE_CONFIG = {{"CACHE_TYPE": "RedisCache", "CACHE_DEFAULT_TIMEOUT": 86400,
                     "CACHE_KEY_PREFIX": "peers_superset_", "CACHE_REDIS_URL": "{redis_url}"}}
"""
        )
        subprocess.run(["redis-cli", "-n", str(self.redis_db), "flushdb"], check=True, capture_output=True)
        self._superset("db", "upgrade")
        self._superset(
            "fab",
            "create-admin",
            "--username",
            ADMIN[0],
            "--firstname",
            "Bench",
            "--lastname",
            "Mark",
            "--email",
            "bench@example.org",
            "--password",
            ADMIN[1],
        )
        self._superset("init")
        self.server = servers.start_gunicorn(
            "superset",
            self.venv / "bin" / "gunicorn",
            "superset.app:create_app()",
            self.port,
            self.env,
            self.home,
            self.home,
            health="/health",
            boot_seconds=180,
        )
        response = self.session.post(
            self.server.url + "/api/v1/security/login",
            json={"username": ADMIN[0], "password": ADMIN[1], "provider": "db", "refresh": True},
            timeout=60,
        )
        response.raise_for_status()
        self.session.headers["Authorization"] = "Bearer " + response.json()["access_token"]

    def _post(self, path: str, body: dict) -> dict:
        assert self.server is not None
        response = self.session.post(self.server.url + path, json=body, timeout=120)
        if response.status_code >= 300:
            raise RuntimeError(f"Superset {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def register(self, database_url: str, name: str, sample: ViewFilters) -> Chart:
        """Add the PostgreSQL database, the dataset over the metric values and a saved chart."""
        rest = database_url.split("://", 1)[1]
        database = self._post(
            "/api/v1/database/",
            {
                "database_name": name,
                "sqlalchemy_uri": f"postgresql+psycopg2://{rest}",
                "expose_in_sqllab": True,
            },
        )["id"]
        dataset = self._post(
            "/api/v1/dataset/",
            {
                "database": database,
                "schema": "public",
                "table_name": f"{name}_metric_values",
                "sql": DATASET_SQL,
            },
        )["id"]
        chart = self._post(
            "/api/v1/chart/",
            {
                "slice_name": f"{name} trajectories",
                "viz_type": "echarts_timeseries_line",
                "datasource_id": dataset,
                "datasource_type": "table",
                "params": '{"viz_type": "echarts_timeseries_line"}',
            },
        )["id"]
        handle = Chart(database, dataset, chart)
        self.rows(handle, sample)  # fails loudly here if the query does not run
        return handle

    def body(self, chart: Chart, filters: ViewFilters, force: bool) -> dict:
        return {
            "datasource": {"id": chart.dataset_id, "type": "table"},
            "queries": [query_object(filters, national=False), query_object(filters, national=True)],
            "form_data": {
                "slice_id": chart.chart_id,
                "datasource": f"{chart.dataset_id}__table",
                "viz_type": "echarts_timeseries_line",
            },
            "result_format": "json",
            "result_type": "full",
            "force": force,
        }

    def query(self, chart: Chart, filters: ViewFilters, force: bool) -> tuple[Answer, bool]:
        """Ask the chart data API; also say whether Superset answered from its cache."""
        assert self.server is not None
        started = time.perf_counter()
        response = self.session.post(
            self.server.url + "/api/v1/chart/data", json=self.body(chart, filters, force), timeout=600
        )
        elapsed = time.perf_counter() - started
        results = response.json().get("result", []) if response.status_code == 200 else []
        ok = len(results) == 2 and all(not r.get("error") for r in results)
        cached = ok and all(r.get("is_cached") for r in results)
        return Answer(elapsed, len(response.content), response.status_code, ok), cached

    def rows(self, chart: Chart, filters: ViewFilters) -> list[dict]:
        """The filtered query's rows (for checking Superset agrees with the bare SQL)."""
        result = self._post("/api/v1/chart/data", self.body(chart, filters, force=True))["result"]
        if any(r.get("error") for r in result):
            raise RuntimeError(f"Superset query failed: {result}")
        return result[0]["data"]

    def stop(self) -> None:
        if self.server is not None:
            servers.stop(self.server)
            self.server = None


def main() -> None:
    parser = argparse.ArgumentParser(description="Set up the Superset venv the peers benchmark uses.")
    parser.add_argument("command", choices=["install", "check"])
    args = parser.parse_args()
    if args.command == "install":
        install()
    reason = unavailable()
    print(f"Superset: {'ready in ' + str(VENV) if reason is None else 'skipped: ' + reason}")


if __name__ == "__main__":
    main()
