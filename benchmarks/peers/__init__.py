"""The peers section of the benchmark: the product's views against yardsticks in the same run.

Yardsticks, on the same PostgreSQL data and the same filters: a naive Dash build of the two
views (`naive_app`), the bare SQL of the views on PostgreSQL and DuckDB over a Parquet copy
(`sql`), and Apache Superset's chart data API when a Superset venv exists (`superset`).
`section.run_peers` measures them interleaved and writes the "Peers" section of RESULTS.md;
`python -m benchmarks.peers` (or `python -m benchmarks.run --peers-only`) runs it alone.
"""
