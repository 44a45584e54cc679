"""What can be checked of the deployment without a Docker engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_runs_as_non_root_and_serves_the_app():
    text = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "gunicorn app:server --config gunicorn.conf.py" in text
    assert "smq-monitor init-db" in text
    for folder in ("dashboard", "data_access", "layouts", "callbacks", "assets"):
        assert f"COPY {folder} ./{folder}" in text


def test_gunicorn_config_loads_and_is_sane():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["workers"] >= 1 and namespace["timeout"] >= 30
    assert namespace["worker_class"] == "gthread"


def test_console_command_is_installed():
    result = subprocess.run(
        [Path(sys.executable).parent / "smq-monitor", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("init-db", "demo", "import", "export", "users", "serve"):
        assert command in result.stdout


def test_every_dependency_is_pinned():
    pins = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text().split()
        if "==" in line
    }
    for name in (
        "dash",
        "plotly",
        "pandas",
        "sqlalchemy",
        "alembic",
        "flask-caching",
        "gunicorn",
        "psycopg",
        "playwright",
    ):
        assert name in pins, name
