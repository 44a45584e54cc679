"""The bare SQL of the two views: on PostgreSQL (`percentile_cont`) and in DuckDB over Parquet.

Both answer what the views draw, for the public viewer (only `smq`/`rsp` episodes):

* trajectories: per month, the median and quartiles of one metric over the filtered trusts and
  the median over all trusts of the filtered types (the national benchmark);
* timelines: the regime episodes of the filtered trusts (the Gantt) and the number of those
  trusts in each regime per month, counted on the month's last day or the as-of date.

The filters are those the benchmark asks of every contender: trust types, regions (empty:
all), a metric, and a from/to window (None: open).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

PUBLIC_REGIMES = ("smq", "rsp")


@dataclass(frozen=True)
class ViewFilters:
    """What a view is asked: the same for the product, the naive app, SQL, DuckDB and Superset."""

    types: tuple[str, ...]
    metric: str = ""
    date_from: date | None = None
    date_to: date | None = None
    regions: tuple[str, ...] = field(default=())

    def search(self, with_metric: bool = True) -> str:
        """The query string the Dash apps read (`?type=…&metric=…&from=…`)."""
        pairs = [("type", ",".join(self.types))]
        if self.regions:
            pairs.append(("region", ",".join(self.regions)))
        if with_metric and self.metric:
            pairs.append(("metric", self.metric))
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        return "?" + "&".join(f"{k}={v}" for k, v in pairs)

    def params(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "types": list(self.types),
            "regions": list(self.regions),
            "date_from": self.date_from,
            "date_to": self.date_to,
            "regimes": list(PUBLIC_REGIMES),
        }


# ---------------------------------------------------------------------------------------------
# PostgreSQL

PG_TRAJECTORIES = """
SELECT mv.period_start,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY mv.value) FILTER (WHERE {picked}) AS median,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY mv.value) FILTER (WHERE {picked}) AS q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY mv.value) FILTER (WHERE {picked}) AS q3,
       count(*) FILTER (WHERE {picked}) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY mv.value) AS national_median
FROM metric_values mv JOIN trusts t ON t.trust_code = mv.trust_code
WHERE mv.metric_id = %(metric)s AND t.trust_type = ANY(%(types)s) AND mv.value IS NOT NULL
  AND (%(date_from)s::date IS NULL OR mv.period_start >= %(date_from)s)
  AND (%(date_to)s::date IS NULL OR mv.period_start <= %(date_to)s)
GROUP BY mv.period_start
ORDER BY mv.period_start
""".format(picked="(cardinality(%(regions)s::text[]) = 0 OR t.region = ANY(%(regions)s))")

PG_EPISODES = """
SELECT e.trust_code, t.trust_name, e.regime, e.start_date, e.end_date
FROM regime_episodes e JOIN trusts t ON t.trust_code = e.trust_code
WHERE e.regime = ANY(%(regimes)s) AND t.trust_type = ANY(%(types)s)
  AND (cardinality(%(regions)s::text[]) = 0 OR t.region = ANY(%(regions)s))
  AND (%(date_from)s::date IS NULL OR e.end_date IS NULL OR e.end_date >= %(date_from)s)
  AND (%(date_to)s::date IS NULL OR e.start_date <= %(date_to)s)
ORDER BY e.trust_code, e.start_date, e.regime
"""

PG_MONTHLY_COUNTS = f"""
WITH eps AS ({PG_EPISODES}),
as_of AS (SELECT coalesce((SELECT as_of FROM dataset_info WHERE id = 1), current_date) AS d),
bounds AS (
  SELECT date_trunc('month', greatest(min(start_date), coalesce(%(date_from)s::date, min(start_date)))) AS first,
         date_trunc('month', least((SELECT d FROM as_of), coalesce(%(date_to)s::date, (SELECT d FROM as_of)))) AS last
  FROM eps),
months AS (
  SELECT m::date AS month,
         least((m + interval '1 month' - interval '1 day')::date, (SELECT d FROM as_of)) AS counted_on
  FROM bounds, generate_series(bounds.first, bounds.last, interval '1 month') AS m),
regimes AS (SELECT DISTINCT regime FROM eps)
SELECT months.month, regimes.regime, count(DISTINCT eps.trust_code) AS trusts
FROM months CROSS JOIN regimes
LEFT JOIN eps ON eps.regime = regimes.regime AND eps.start_date <= months.counted_on
             AND (eps.end_date IS NULL OR eps.end_date > months.counted_on)
GROUP BY months.month, regimes.regime
ORDER BY months.month, regimes.regime
"""


class PostgresViews:
    """The views as bare SQL on one open psycopg connection (as an app's pool would hold it)."""

    def __init__(self, conninfo: str) -> None:
        import psycopg

        self.connection = psycopg.connect(conninfo, autocommit=True)

    def trajectories(self, filters: ViewFilters) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(PG_TRAJECTORIES, filters.params())
            return cursor.fetchall()

    def timelines(self, filters: ViewFilters) -> tuple[list[tuple], list[tuple]]:
        with self.connection.cursor() as cursor:
            cursor.execute(PG_EPISODES, filters.params())
            episodes = cursor.fetchall()
            cursor.execute(PG_MONTHLY_COUNTS, filters.params())
            return episodes, cursor.fetchall()

    def close(self) -> None:
        self.connection.close()


def libpq_conninfo(database_url: str) -> str:
    """postgresql+psycopg://… (SQLAlchemy) as a libpq URL."""
    scheme, rest = database_url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else database_url


# ---------------------------------------------------------------------------------------------
# DuckDB over Parquet

PARQUET_TABLES = {
    "metric_values": "SELECT metric_id, trust_code, period_start, value FROM metric_values",
    "trusts": "SELECT trust_code, trust_name, trust_type, region FROM trusts",
    "regime_episodes": "SELECT trust_code, regime, start_date, end_date FROM regime_episodes",
    "dataset_info": "SELECT as_of FROM dataset_info WHERE id = 1",
}


def export_parquet(database_url: str, folder: Path) -> dict[str, Path]:
    """Copy the tables the views read from PostgreSQL to Parquet files (one per table)."""
    import pandas as pd
    from sqlalchemy import create_engine

    folder.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url)
    paths = {}
    try:
        for name, statement in PARQUET_TABLES.items():
            with engine.connect() as conn:
                frame = pd.read_sql_query(statement, conn)
            path = folder / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            paths[name] = path
    finally:
        engine.dispose()
    return paths


DUCK_PICKED = "(len($regions) = 0 OR list_contains($regions, t.region))"

DUCK_TRAJECTORIES = f"""
SELECT mv.period_start,
       quantile_cont(mv.value, 0.5) FILTER (WHERE {DUCK_PICKED}) AS median,
       quantile_cont(mv.value, 0.25) FILTER (WHERE {DUCK_PICKED}) AS q1,
       quantile_cont(mv.value, 0.75) FILTER (WHERE {DUCK_PICKED}) AS q3,
       count(*) FILTER (WHERE {DUCK_PICKED}) AS n,
       quantile_cont(mv.value, 0.5) AS national_median
FROM metric_values mv JOIN trusts t ON t.trust_code = mv.trust_code
WHERE mv.metric_id = $metric AND list_contains($types, t.trust_type) AND mv.value IS NOT NULL
  AND ($date_from::DATE IS NULL OR mv.period_start >= $date_from::DATE)
  AND ($date_to::DATE IS NULL OR mv.period_start <= $date_to::DATE)
GROUP BY mv.period_start
ORDER BY mv.period_start
"""

DUCK_EPISODES = f"""
SELECT e.trust_code, t.trust_name, e.regime, e.start_date, e.end_date
FROM regime_episodes e JOIN trusts t ON t.trust_code = e.trust_code
WHERE list_contains($regimes, e.regime) AND list_contains($types, t.trust_type) AND {DUCK_PICKED}
  AND ($date_from::DATE IS NULL OR e.end_date IS NULL OR e.end_date >= $date_from::DATE)
  AND ($date_to::DATE IS NULL OR e.start_date <= $date_to::DATE)
ORDER BY e.trust_code, e.start_date, e.regime
"""

DUCK_MONTHLY_COUNTS = f"""
WITH eps AS ({DUCK_EPISODES}),
as_of AS (SELECT coalesce((SELECT max(as_of) FROM dataset_info), current_date) AS d),
bounds AS (
  SELECT date_trunc('month', greatest(min(start_date), coalesce($date_from::DATE, min(start_date)))) AS first,
         date_trunc('month', least((SELECT d FROM as_of), coalesce($date_to::DATE, (SELECT d FROM as_of)))) AS last
  FROM eps),
months AS (
  SELECT m::DATE AS month,
         least((m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE, (SELECT d FROM as_of)) AS counted_on
  FROM bounds, generate_series(bounds.first::TIMESTAMP, bounds.last::TIMESTAMP, INTERVAL 1 MONTH) AS g(m)),
regimes AS (SELECT DISTINCT regime FROM eps)
SELECT months.month, regimes.regime, count(DISTINCT eps.trust_code) AS trusts
FROM months CROSS JOIN regimes
LEFT JOIN eps ON eps.regime = regimes.regime AND eps.start_date <= months.counted_on
             AND (eps.end_date IS NULL OR eps.end_date > months.counted_on)
GROUP BY months.month, regimes.regime
ORDER BY months.month, regimes.regime
"""


class DuckDbViews:
    """The views in an in-process DuckDB whose tables are views over the Parquet files, so every
    query reads Parquet (nothing is loaded into DuckDB's own storage first)."""

    def __init__(self, paths: dict[str, Path]) -> None:
        import duckdb

        self.connection = duckdb.connect()
        for name, path in paths.items():
            self.connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")

    def _params(self, sql: str, filters: ViewFilters) -> dict[str, Any]:
        return {k: v for k, v in filters.params().items() if f"${k}" in sql}

    def trajectories(self, filters: ViewFilters) -> list[tuple]:
        return self.connection.execute(DUCK_TRAJECTORIES, self._params(DUCK_TRAJECTORIES, filters)).fetchall()

    def timelines(self, filters: ViewFilters) -> tuple[list[tuple], list[tuple]]:
        episodes = self.connection.execute(DUCK_EPISODES, self._params(DUCK_EPISODES, filters)).fetchall()
        counts = self.connection.execute(
            DUCK_MONTHLY_COUNTS, self._params(DUCK_MONTHLY_COUNTS, filters)
        ).fetchall()
        return episodes, counts

    def close(self) -> None:
        self.connection.close()
