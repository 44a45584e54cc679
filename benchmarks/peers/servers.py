"""Servers the peers section starts: gunicorn on a port it refuses to share, stopped by its pid file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests


@dataclass
class Server:
    """A gunicorn the harness started, with the pid file it is stopped by."""

    name: str
    url: str
    pid_file: Path
    log_file: Path
    process: subprocess.Popen

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_file.read_text(errors="replace")[-characters:] if self.log_file.exists() else ""


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on (or holds) the port."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def start_gunicorn(
    name: str,
    gunicorn: Path,
    app: str,
    port: int,
    env: dict[str, str],
    cwd: Path,
    folder: Path,
    workers: int = 2,
    health: str = "/",
    boot_seconds: float = 120,
) -> Server:
    """Start `gunicorn app` on 127.0.0.1:port (2 gthread workers, 4 threads, as the product's
    live tests run it) and wait until `health` answers 200. A port already taken is refused."""
    if port_taken(port):
        raise RuntimeError(f"port {port} is already taken; refusing to start {name} there (--port-base)")
    folder.mkdir(parents=True, exist_ok=True)
    pid_file = folder / f"{name}.pid"
    log_file = folder / f"{name}.log"
    log = log_file.open("ab")
    process = subprocess.Popen(
        [
            str(gunicorn),
            app,
            "--no-control-socket",
            "--pid",
            str(pid_file),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--timeout",
            "300",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = Server(name, f"http://127.0.0.1:{port}", pid_file, log_file, process)
    deadline = time.monotonic() + boot_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited while starting:\n{server.log_tail()}")
        try:
            if requests.get(server.url + health, timeout=5).status_code == 200 and pid_file.exists():
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop(server)
    raise RuntimeError(f"{name} did not answer {health} within {boot_seconds:.0f} s:\n{server.log_tail()}")


def stop(server: Server, timeout: float = 45) -> None:
    """Stop the server through the pid its pid file names (the master we started), then wait:
    longer than gunicorn's graceful_timeout (30 s), since a master killed sooner leaves behind any
    worker it was still waiting for."""
    pid = None
    if server.pid_file.exists():
        text = server.pid_file.read_text().strip()
        pid = int(text) if text.isdigit() else None
    if pid is None or pid != server.process.pid:
        # no pid file (it never got that far) or a stranger's: only ever signal our own child
        pid = server.process.pid
    if server.process.poll() is None:
        os.kill(pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(pid, signal.SIGKILL)
        server.process.wait(timeout=timeout)
    # gunicorn removes its pid file on a clean exit; wait for it so the port and file are free
    deadline = time.monotonic() + 5
    while server.pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
