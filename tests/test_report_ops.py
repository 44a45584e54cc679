"""Findings-pack jobs in operation, through a real gunicorn: private files, quotas per client, a
bounded queue, a full disk, and workers that leave (stopped, or killed) while packs are made."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.ops import PASSWORD, client, database, serve
from tests.signin import signed_in_session

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("security-live")]


def start(session, server, query: str = ""):
    return session.post(server.url + "/reports" + (f"?{query}" if query else ""), timeout=60)


def wait_done(session, server, job_id: str, timeout: float = 90.0) -> tuple[dict, float]:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            response = session.get(f"{server.url}/reports/{job_id}", timeout=30)
        except requests.ConnectionError:  # the worker holding the connection was killed: poll again
            time.sleep(0.2)
            continue
        assert response.status_code == 200, response.text
        status = response.json()
        if status["state"] in ("done", "failed"):
            return status, time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {status} after {timeout} s")


def status_file(server, job_id: str) -> dict:
    return json.loads((Path(server.env["SMQ_INSTANCE_DIR"]) / "reports" / job_id / "status.json").read_text())


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_packs_are_private_files_and_each_client_has_a_quota(tmp_path):
    settings = {"SMQ_PACK_QUOTA_PUBLIC": "2 per hour", "SMQ_PACK_QUOTA_SIGNED_IN": "3 per hour"}
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, settings) as server:
        visitor = client("127.0.0.2")
        first, second, third = (start(visitor, server) for _ in range(3))
        assert first.status_code == second.status_code == 202
        assert third.status_code == 429 and int(third.headers["Retry-After"]) > 0
        assert third.json()["reason"] == "quota"
        assert start(client("127.0.0.3"), server).status_code == 202  # another address, its own quota
        analyst = signed_in_session(server.url, server.users["analyst"], PASSWORD)
        assert [start(analyst, server).status_code for _ in range(4)] == [202, 202, 202, 429]
        job_id = first.json()["job_id"]
        status, _ = wait_done(visitor, server, job_id)
        assert status["state"] == "done"
        pack = visitor.get(server.url + status["download_url"], timeout=60)
        assert pack.status_code == 200 and pack.headers["Cache-Control"] == "private, no-store"
        reports = Path(server.env["SMQ_INSTANCE_DIR"]) / "reports"
        assert mode(reports) == 0o700 and mode(reports / job_id) == 0o700
        assert {p.name: mode(p) for p in (reports / job_id).iterdir() if not p.name.startswith(".")} == {
            "status.json": 0o600,
            "pack.html": 0o600,
        }


def test_the_queue_is_bounded(tmp_path):
    settings = {"SMQ_PACK_THREADS": "1", "SMQ_PACK_QUEUE": "1", "SMQ_PACK_QUOTA_PUBLIC": "100 per hour"}
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, settings, workers=1) as server:
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda i: start(client(f"127.0.1.{i + 1}"), server), range(6)))
        codes = sorted(a.status_code for a in answers)
        assert codes.count(202) >= 1 and codes.count(429) >= 1, codes
        assert codes.count(202) <= 2  # one making, one waiting
        refused = [a for a in answers if a.status_code == 429]
        assert all(a.json()["reason"] == "busy" and a.headers["Retry-After"] == "30" for a in refused)
        for answer in answers:
            if answer.status_code == 202:
                status, _ = wait_done(client(), server, answer.json()["job_id"])
                assert status["state"] == "done"


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB filesystem of the test's own (tmpfs), for the instance folder."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {result.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_pack_cleanly(tmp_path, small_disk):
    settings = {"SMQ_INSTANCE_DIR": str(small_disk), "SMQ_PACK_QUOTA_PUBLIC": "100 per hour"}
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, settings) as server:
        visitor = client()
        # Leave about 200 kB: a job's folder and status fit, the pack does not.
        free = os.statvfs(small_disk)
        filler = small_disk / "filler"
        filler.write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 200_000))
        started = start(visitor, server)
        assert started.status_code == 202
        status, _ = wait_done(visitor, server, started.json()["job_id"])
        assert status["state"] == "failed" and "no room" in status["error"]
        assert not list((small_disk / "reports" / started.json()["job_id"]).glob("*pack.html*"))
        # Quite full: not even a job's folder fits. A clean refusal, not a 500.
        try:
            with (small_disk / "filler2").open("wb") as handle:
                while True:
                    handle.write(b"\0" * 4096)
                    handle.flush()
        except OSError:
            pass  # full
        refused = start(visitor, server)
        assert refused.status_code == 503 and refused.json()["reason"] == "disk", refused.text
        assert "Retry-After" in refused.headers
        assert visitor.get(server.url + "/livez", timeout=30).status_code == 200


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_packs_survive_their_worker_leaving(tmp_path, how):
    settings = {
        "SMQ_PACK_THREADS": "1",
        "SMQ_PACK_QUEUE": "4",
        "SMQ_PACK_QUOTA_PUBLIC": "100 per hour",
        "SMQ_PACK_EXIT_GRACE_S": "0",
    }
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, settings, workers=1) as server:
        visitor = client()
        jobs = [start(visitor, server).json()["job_id"] for _ in range(3)]
        runner = status_file(server, jobs[-1])["runner"]
        pid = int(runner.rsplit(":", 1)[1])
        os.kill(pid, signal.SIGTERM if how == "stopped" else signal.SIGKILL)
        left = time.monotonic()
        results = [wait_done(visitor, server, job_id, timeout=120) for job_id in jobs]
        resolved = time.monotonic() - left
        assert [status["state"] for status, _ in results] == ["done"] * 3, results
        attempts = [status_file(server, job_id).get("attempts") for job_id in jobs]
        assert max(attempts) == 2, attempts  # at least one was made again by the new worker
        assert all(
            status_file(server, job_id)["runner"] != runner
            for job_id in jobs
            if attempts[jobs.index(job_id)] == 2
        )
        print(
            f"\n[worker {how} while making 3 packs] {attempts.count(2)} taken over; all done {resolved:.1f} s after it left"
        )
