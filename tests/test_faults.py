"""Faults are survived: database outage and recovery, Redis outage, a worker killed, an import
killed half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests import datasets
from tests.conftest import _PG, _drop_postgres, _fresh_postgres_url
from tests.faults import PrivateRedis, TcpProxy
from tests.live import BIN, ROOT, _run, server_env, start_gunicorn, stop

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]


def wait_for(predicate, timeout: float = 30.0, step: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def status(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0


@pytest.mark.postgres
def test_database_outage_shows_503_and_recovers_without_restart(tmp_path):
    if _PG is None:
        pytest.skip("PostgreSQL is not answering")
    real_url = _fresh_postgres_url()
    try:
        port = make_url(real_url).port or 5432
        proxy = TcpProxy(port)
        proxied = make_url(real_url).set(port=proxy.port).render_as_string(hide_password=False)
        env = server_env(tmp_path, proxied)
        _run(
            [str(BIN / "smq-monitor"), "import", str(datasets.write(tmp_path / "csv", datasets.mini()))], env
        )
        process, url = start_gunicorn(env, tmp_path, workers=2)
        try:
            assert requests.get(url + "/download/trusts.csv").status_code == 200
            question = "/download/ratings.csv?type=community&to=2030-01-01"
            reference = requests.get(url + question).text
            proxy.cut()
            assert wait_for(lambda: status(url + "/healthz") == 503, timeout=20)
            page = requests.get(url + "/timelines", timeout=10)
            assert page.status_code == 200 and "Traceback" not in page.text
            layout = requests.get(url + "/_dash-layout", timeout=10)
            assert layout.status_code == 200 and "not answering" in layout.text
            # Once the data stamp cannot be read, downloads say the database is not answering; a
            # worker that read the stamp a moment before may still answer from what it holds in
            # memory, and then with exactly what the database held. Never a 500, never other data.
            assert wait_for(lambda: status(url + question) == 503, timeout=20)
            for _ in range(10):
                download = requests.get(url + question, timeout=10)
                assert download.status_code in (200, 503), download.status_code
                if download.status_code == 503:
                    assert "not answering" in download.text
                else:
                    assert download.text == reference
            proxy.restore()
            assert wait_for(lambda: status(url + "/healthz") == 200, timeout=30), (
                "no recovery without restart"
            )
            assert wait_for(lambda: status(url + "/download/trusts.csv") == 200, timeout=30)
            assert "RAA" in requests.get(url + "/download/trusts.csv").text
        finally:
            stop(process)
            proxy.cut()
    finally:
        _drop_postgres(real_url)


def _callback_answers(url: str) -> dict[str, object]:
    """Every content callback of the overview and timelines, answered for the public."""
    from tests.test_no_cp_leak import build_body, dependencies

    answers = {}
    for dep in dependencies(type("S", (), {"url": url})):
        if dep.get("clientside_function") or not dep["output"].startswith(("..overview", "..timelines")):
            continue
        body = build_body(dep, "", "/", None)
        if body is not None:
            response = requests.post(url + "/_dash-update-component", json=body, timeout=30)
            assert response.status_code == 200, (dep["output"], response.status_code)
            answers[dep["output"]] = response.json()
    assert answers
    return answers


def test_redis_outage_costs_speed_not_answers(tmp_path):
    """Answers shared through Redis stay right when Redis dies, and the log says so once, not per
    request (the cache falls back to the process and tries Redis again later)."""
    redis = PrivateRedis(tmp_path)
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["CACHE_REDIS_URL"] = redis.url
    _run([str(BIN / "smq-monitor"), "import", str(datasets.write(tmp_path / "csv", datasets.mini()))], env)
    process, url = start_gunicorn(env, tmp_path, workers=2)
    try:
        views = ["trusts", "episodes", "uptake", "costs"]
        before = {v: requests.get(f"{url}/download/{v}.csv").text for v in views}
        answers = _callback_answers(url)
        import redis as redis_client

        keys = redis_client.Redis(port=redis.port).keys("*")
        assert keys, "the answer cache was not used"
        assert all(redis_client.Redis(port=redis.port).get(k)[:1] in (b"[", b"{") for k in keys), "not JSON"
        redis.stop()
        log_before = (tmp_path / "gunicorn.log").read_text(errors="replace")
        for _ in range(5):
            assert _callback_answers(url) == answers
        after = {v: requests.get(f"{url}/download/{v}.csv", timeout=30) for v in views}
        assert all(r.status_code == 200 for r in after.values())
        assert {v: r.text for v, r in after.items()} == before
        assert requests.get(url + "/healthz").status_code == 200
        new_log = (tmp_path / "gunicorn.log").read_text(errors="replace")[len(log_before) :]
        assert "Traceback" not in new_log
        assert new_log.count("Redis is not answering") <= 2, new_log[-2000:]  # once per worker at most
    finally:
        stop(process)
        if redis.process.poll() is None:
            redis.stop()


def test_a_worker_killed_under_load_fails_no_more_than_the_requests_in_flight(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    _run([str(BIN / "smq-monitor"), "import", str(datasets.write(tmp_path / "csv", datasets.mini()))], env)
    process, url = start_gunicorn(env, tmp_path, workers=2)
    users = 4
    results: list[int] = []
    done = threading.Event()

    def user() -> None:
        session = requests.Session()
        while not done.is_set():
            try:
                results.append(session.get(url + "/download/costs.csv", timeout=10).status_code)
            except requests.RequestException:
                results.append(0)

    def wait_for(count: int) -> None:
        # Counted in requests, not seconds: a loaded machine serves fewer per second.
        deadline = time.monotonic() + 180
        while len(results) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    try:
        threads = [threading.Thread(target=user) for _ in range(users)]
        for t in threads:
            t.start()
        wait_for(20)
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children, "no gunicorn workers found"
        at_kill = len(results)
        os.kill(int(children[0]), signal.SIGKILL)
        wait_for(at_kill + 40)
        done.set()
        for t in threads:
            t.join()
        served_after = [r for r in results[at_kill:] if r == 200]
        assert len(served_after) >= 30, f"only {len(served_after)} served after the kill: {results[at_kill:]}"
        failures = sum(1 for r in results if r != 200)
        assert failures <= users, f"{failures} failed of {len(results)}"
        assert requests.get(url + "/healthz").status_code == 200
    finally:
        done.set()
        stop(process)


def big_dataset(folder: Path, trusts: int = 800, months: int = 150) -> Path:
    files = {
        "trusts.csv": "trust_code,trust_name,trust_type\n"
        + "".join(f"Z{i:03d},Trust {i},acute\n" for i in range(trusts)),
        "metrics.csv": "metric_id,name,unit,higher_is_better\nm1,M1,percent,true\nm2,M2,percent,false\n",
    }
    lines = ["trust_code,metric_id,period_start,value"]
    for i in range(trusts):
        for metric in ("m1", "m2"):
            for m in range(months):
                lines.append(f"Z{i:03d},{metric},{2010 + m // 12}-{m % 12 + 1:02d}-01,{(i * 7 + m) % 100}")
    files["metric_values.csv"] = "\n".join(lines) + "\n"
    return datasets.write(folder, files)


def writing_started(url: str, monitor) -> bool:
    """True once the import is writing rows inside its transaction (not just validating)."""
    if url.startswith("sqlite"):
        wal = Path(make_url(url).database + "-wal")
        return wal.exists() and wal.stat().st_size > 256 * 1024
    with monitor.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND state = 'active' "
                    "AND (query ILIKE 'COPY%' OR query ILIKE 'INSERT%')"
                ),
                {"d": make_url(url).database},
            ).scalar()
        )


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_an_import_killed_half_way_leaves_the_database_as_it_was(tmp_path, backend):
    if backend == "postgresql" and _PG is None:
        pytest.skip("PostgreSQL is not answering")
    url = f"sqlite:///{tmp_path / 'target.sqlite3'}" if backend == "sqlite" else _fresh_postgres_url()
    cli = str(BIN / "smq-monitor")
    folder = big_dataset(tmp_path / "big")
    monitor = create_engine(make_url(url).set(database="postgres")) if backend == "postgresql" else None
    try:
        env = server_env(tmp_path, url)
        _run([cli, "import", str(datasets.write(tmp_path / "mini", datasets.mini()))], env)
        engine = create_engine(url)

        def counts() -> dict:
            with engine.connect() as conn:
                return {
                    t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("trusts", "metrics", "metric_values")
                }

        before = counts()
        engine.dispose()
        for attempt in range(3):
            importer = subprocess.Popen(
                [cli, "import", str(folder)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            caught = wait_for(
                lambda p=importer: p.poll() is not None or writing_started(url, monitor),
                timeout=120,
                step=0.02,
            )
            assert caught and importer.poll() is None, "the import finished before it was seen writing"
            time.sleep(0.05 * attempt)  # a little further into the writes each time
            importer.send_signal(signal.SIGKILL)
            importer.wait()
            assert counts() == before, f"attempt {attempt}: rows of a killed import were kept"
    finally:
        if monitor is not None:
            monitor.dispose()
        if backend == "postgresql":
            _drop_postgres(url)
