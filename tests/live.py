"""Live-server fixtures: a real gunicorn serving a dataset, driven over HTTP or by headless Chromium.

Playwright for Python drives Debian's /usr/bin/chromium (never a downloaded browser). The
server runs the demo dataset at scale 0.3 on SQLite with one user per role.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("SMQ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ROLES = ("admin", "analyst", "regulator", "improvement_director")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    url: str
    database_url: str
    folder: Path
    process: subprocess.Popen
    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    director_trusts: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        path = self.folder / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _run(args: list[str], env: dict, stdin: str | None = None) -> None:
    result = subprocess.run(args, env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def start_gunicorn(env: dict, folder: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = (folder / "gunicorn.log").open("ab")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "app:server",
            "--no-control-socket",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited: {(folder / 'gunicorn.log').read_text(errors='replace')[-3000:]}"
            )
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 90 s")


def stop(process: subprocess.Popen) -> None:
    # Longer than gunicorn's graceful_timeout (30 s): a master killed sooner leaves behind any
    # worker it was still waiting for.
    process.terminate()
    try:
        process.wait(timeout=45)
    except subprocess.TimeoutExpired:
        process.kill()


def server_env(folder: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "SMQ_"))}
    env.update(
        DATABASE_URL=database_url,
        SMQ_INSTANCE_DIR=str(folder),
        SECRET_KEY="browser-test-secret-key",
        SMQ_INSECURE_COOKIES="1",
        # Many tests sign in to one shared server from one address; tests of the limit start their own.
        SMQ_LOGIN_RATE_LIMIT="1000 per minute",
        PYTHONPATH=str(ROOT),
    )
    env.pop("CACHE_REDIS_URL", None)
    return env


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> AppServer:
    folder = tmp_path_factory.mktemp("app-server")
    database_url = f"sqlite:///{folder / 'smq.sqlite3'}"
    env = server_env(folder, database_url)
    cli = str(BIN / "smq-monitor")
    _run([cli, "demo", "--seed", "7", "--scale", "0.3"], env)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        director = tuple(
            conn.scalars(
                text(
                    "SELECT DISTINCT trust_code FROM regime_episodes WHERE regime='cp' ORDER BY trust_code LIMIT 2"
                )
            )
        )
    engine.dispose()
    users = {}
    for role in ROLES:
        name, password = f"{role.replace('_', '-')}-user", f"pw-{role}-2026"
        args = [cli, "users", "add", name, "--role", role]
        if role == "improvement_director":
            args += ["--trusts", ",".join(director)]
        _run(args, env, stdin=password + "\n")
        users[role] = (name, password)
    process, url = start_gunicorn(env, folder)
    server = AppServer(url, database_url, folder, process, users, director, env)
    yield server
    stop(process)


@pytest.fixture(scope="session")
def mini_server(tmp_path_factory) -> AppServer:
    """The small named dataset of tests/datasets.py, whose CP rows carry recognisable notes."""
    from tests import datasets

    folder = tmp_path_factory.mktemp("mini-server")
    database_url = f"sqlite:///{folder / 'smq.sqlite3'}"
    env = server_env(folder, database_url)
    cli = str(BIN / "smq-monitor")
    datasets.write(folder / "csv", datasets.mini())
    _run([cli, "import", str(folder / "csv")], env)
    users = {}
    for role in ROLES:
        name, password = f"{role.replace('_', '-')}-user", f"pw-{role}-2026"
        args = [cli, "users", "add", name, "--role", role]
        if role == "improvement_director":
            args += ["--trusts", "RCC"]
        _run(args, env, stdin=password + "\n")
        users[role] = (name, password)
    process, url = start_gunicorn(env, folder, workers=1)
    server = AppServer(url, database_url, folder, process, users, ("RCC",), env)
    yield server
    stop(process)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (make test installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


IGNORED_CONSOLE = (re.compile(r"Failed to load resource: the server responded with a status of 404"),)


@pytest.fixture
def page(browser, app_server, request):
    """A fresh browser context; the test fails if the page logs a console error."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=app_server.url, bypass_csp=False
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.console_errors = errors
    yield page
    shots = ROOT / "tests" / "artifacts"
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()
    unexpected = [e for e in errors if not any(p.search(e) for p in IGNORED_CONSOLE)]
    assert not unexpected, f"browser console errors: {unexpected}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
