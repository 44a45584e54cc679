"""Helpers for the security and operations tests: a gunicorn of the test's own (any database,
any settings), clients from distinct loopback addresses, and a database of each kind."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests import datasets
from tests.conftest import _PG, _drop_postgres, _fresh_postgres_url
from tests.live import BIN, ROOT, _run, free_port, server_env, stop

STRONG_KEY = secrets.token_hex(32)
PASSWORD = "a-long-test-password-2026"


class SourceAddress(HTTPAdapter):
    """Connect from a given loopback address (127.0.0.2, …): on Linux the whole 127/8 is local,
    so each address is a distinct client to the server, with no proxy headers involved."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddress(address, pool_maxsize=64))
    return session


@dataclass
class Server:
    url: str
    database_url: str
    folder: Path
    env: dict[str, str]
    process: subprocess.Popen
    users: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        path = self.folder / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "smq-monitor"), *args],
            env=self.env,
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


def start(
    env: dict[str, str], folder: Path, workers: int = 2, threads: int = 4, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    """gunicorn with the repository's gunicorn.conf.py (as production runs it) on a free port."""
    port = free_port()
    log = (folder / "gunicorn.log").open("ab")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "app:server",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            *extra,
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
            if requests.get(url + "/livez", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer /livez within 90 s")


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database of the kind: `sqlite` or `postgresql` (skipped when absent)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'smq.sqlite3'}"
        return
    if _PG is None:
        pytest.skip("PostgreSQL is not answering")
    url = _fresh_postgres_url()
    try:
        yield url
    finally:
        _drop_postgres(url)


@contextlib.contextmanager
def serve(
    folder: Path,
    database_url: str,
    settings: dict[str, str] | None = None,
    users: tuple[str, ...] = ("analyst",),
    workers: int = 2,
    threads: int = 4,
    extra: tuple[str, ...] = (),
    data: bool = True,
) -> Iterator[Server]:
    """The mini dataset, one user per role named (`<role>-user`, password `PASSWORD`), served by
    gunicorn with these extra settings; stopped at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    env = server_env(folder, database_url)
    env.update(SECRET_KEY=STRONG_KEY, **(settings or {}))
    cli = str(BIN / "smq-monitor")
    if data:
        _run([cli, "import", str(datasets.write(folder / "csv", datasets.mini()))], env)
    else:
        _run([cli, "init-db"], env)
    names = {}
    for role in users:
        name = f"{role.replace('_', '-')}-user"
        args = [cli, "users", "add", name, "--role", role]
        if role == "improvement_director":
            args += ["--trusts", "RCC"]
        _run(args, env, stdin=PASSWORD + "\n")
        names[role] = name
    process, url = start(env, folder, workers, threads, extra)
    try:
        yield Server(url, database_url, folder, env, process, names)
    finally:
        stop(process)


class FreezableProxy:
    """Forwards 127.0.0.1:<port> to a database; `freeze()` stops passing bytes either way while
    keeping every connection open (the database hangs: no error, no answer), `thaw()` resumes."""

    def __init__(self, target_port: int):
        import socket
        import threading

        self.target = ("127.0.0.1", target_port)
        self._flowing = threading.Event()
        self._flowing.set()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        import socket
        import threading

        while not self._closed:
            try:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()
