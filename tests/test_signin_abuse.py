"""Sign-in under attack, through a real gunicorn, on SQLite and PostgreSQL.

Parallel wrong guesses are all counted (atomically, in SQL) and lock the guessing client out of
the account, never the owner elsewhere; a flood of guesses from one address is cut off by the
rate limit while the app keeps answering everyone else. Each test prints its figures (requests,
answers by status, lockouts, how long the others waited) for docs/operating.md.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from data_access import db, users
from tests.faults import PrivateRedis
from tests.ops import PASSWORD, client, database, serve
from tests.signin import form_token, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("security-live")]
KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _guess(url: str, address: str, username: str, password: str, barrier: threading.Barrier | None):
    session = client(address)
    token = form_token(session, url)
    if barrier is not None:
        barrier.wait(timeout=60)
    started = time.perf_counter()
    response = session.post(
        url + "/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    return response, time.perf_counter() - started


def _failures(database_url: str, username: str) -> dict[str, int]:
    engine = db.get_engine(database_url)
    try:
        return users.failures(username, engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_parallel_wrong_guesses_are_all_counted_and_lock_only_that_client(tmp_path, kind):
    attempts = 24
    with (
        database(kind, tmp_path) as url,
        serve(
            tmp_path / "server",
            url,
            # A high rate limit and enough password-check slots, so that what is tested here is
            # the lockout's counting alone.
            {"SMQ_LOGIN_RATE_LIMIT": "1000 per minute", "SMQ_SIGNIN_CONCURRENCY": "32"},
            workers=2,
            threads=12,
        ) as server,
    ):
        name = server.users["analyst"]
        barrier = threading.Barrier(attempts)
        with ThreadPoolExecutor(attempts) as pool:
            results = list(
                pool.map(
                    lambda i: _guess(server.url, "127.0.0.2", name, f"wrong-{i}", barrier), range(attempts)
                )
            )
        assert all(
            r.status_code == 303 and r.headers["Location"].startswith("/login?error=1") for r, _ in results
        )
        # Every one of the parallel failures was counted: no lost update.
        assert _failures(url, name) == {"127.0.0.2": attempts}
        # The right password from the guessing client is refused now ...
        locked, _ = _guess(server.url, "127.0.0.2", name, PASSWORD, None)
        assert locked.headers["Location"].startswith("/login?error=1")
        # ... and the account's owner, elsewhere, signs in.
        owner, _ = _guess(server.url, "127.0.0.3", name, PASSWORD, None)
        assert owner.status_code == 303 and owner.headers["Location"] == "/"
        print(
            f"\n[lockout race {kind}] {attempts} parallel wrong guesses: {attempts} counted, "
            f"guessing client locked, owner from another address signed in"
        )


def _timed_get(session, url: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = session.get(url, timeout=30)
    return response.status_code, time.perf_counter() - started


@pytest.mark.parametrize("kind", KINDS)
def test_a_flood_of_guesses_is_cut_off_and_everyone_else_is_still_served(tmp_path, kind):
    redis = PrivateRedis(tmp_path) if kind == "postgresql" else None  # the Redis store, and memory
    settings = {"CACHE_REDIS_URL": redis.url} if redis else {}
    try:
        with (
            database(kind, tmp_path) as url,
            serve(tmp_path / "server", url, settings, users=("analyst", "regulator"), workers=2) as server,
        ):
            victim, other = server.users["analyst"], server.users["regulator"]
            bystander = client("127.0.0.4")
            baseline = [_timed_get(bystander, server.url + "/download/trusts.csv")[1] for _ in range(5)]
            attack_done = threading.Event()
            served: list[tuple[int, float]] = []

            def keep_browsing() -> None:
                while not attack_done.is_set():
                    served.append(_timed_get(bystander, server.url + "/download/trusts.csv"))
                    served.append(_timed_get(bystander, server.url + "/_dash-layout"))

            watcher = threading.Thread(target=keep_browsing)
            watcher.start()
            attacker = client("127.0.0.2")
            token = form_token(attacker, server.url)
            started = time.perf_counter()

            def attempt(i: int):
                return attacker.post(
                    server.url + "/login",
                    data={"username": victim, "password": f"guess-{i}", "csrf_token": token},
                    allow_redirects=False,
                    timeout=60,
                )

            with ThreadPoolExecutor(32) as pool:
                answers = list(pool.map(attempt, range(300)))
            attack_seconds = time.perf_counter() - started
            # The owner signs in from their own address while the attacker is locked out.
            owner = sign_in(client("127.0.0.3"), server.url, victim, PASSWORD)
            someone_else = sign_in(client("127.0.0.4"), server.url, other, PASSWORD)
            attack_done.set()
            watcher.join(timeout=60)

        statuses = Counter(r.status_code for r in answers)
        assert set(statuses) <= {303, 429}, statuses
        assert statuses[429] >= 200, statuses  # the flood is cut off, not slowed per thread
        assert all(r.headers.get("Retry-After", "").isdigit() for r in answers if r.status_code == 429)
        assert owner.status_code == 303 and owner.headers["Location"] == "/"
        assert someone_else.status_code == 303 and someone_else.headers["Location"] == "/"
        assert served and all(code == 200 for code, _ in served), Counter(code for code, _ in served)
        waits = sorted(t for _, t in served)
        print(
            f"\n[flood {kind}, limiter store {'redis' if redis else 'memory'}] 300 guesses from one address "
            f"in {attack_seconds:.1f} s: {statuses[303]} tried (wrong password), {statuses[429]} refused "
            f"with 429; lockouts: the guessing address only; bystander {len(served)} requests all 200, "
            f"median {statistics.median(waits) * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms "
            f"(before the attack {statistics.median(baseline) * 1000:.0f} ms); owner and another user signed in"
        )
    finally:
        if redis:
            redis.stop()
