"""Packaging: the wheel works outside the source tree, the image is built the way it should be,
and everything is pinned."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import requests

from tests.live import free_port

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_dockerfile_installs_dependencies_first_and_the_code_once_as_non_root():
    lines = [line.strip() for line in DOCKERFILE.splitlines()]
    froms = re.findall(r"^ARG PYTHON_IMAGE=(\S+)", DOCKERFILE, re.MULTILINE)
    assert froms and re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", froms[0]), froms
    final = DOCKERFILE[DOCKERFILE.rindex("\nFROM ") :]
    deps = final.index("-r /tmp/deps/requirements.txt -c /tmp/deps/constraints.txt")
    code = final.index("pip install --no-deps /tmp/wheels/")
    assert deps < code  # a code change does not rebuild the dependency layer
    # The final stage copies in no source folder: the code is in site-packages once.
    for folder in ("smq_monitor", "dashboard", "data_access", "layouts", "callbacks", "assets"):
        assert not re.search(rf"^COPY {folder}\b", final, re.MULTILINE), folder
    assert final.count("pip install") == 2
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "gunicorn app:server --config gunicorn.conf.py" in DOCKERFILE
    assert "smq-monitor init-db" in DOCKERFILE


def test_dockerignore_keeps_local_state_and_secrets_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "instance", "**/secret_key", "**/*.sqlite3", "tests"):
        assert entry in ignored, entry


def test_gunicorn_config_loads_and_is_sane():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["workers"] >= 1 and namespace["timeout"] >= 30
    assert namespace["worker_class"] == "gthread"
    assert namespace["forwarded_allow_ips"] == ""  # proxies are believed in the app only
    assert namespace["logconfig_dict"]["loggers"]["gunicorn.error"]["handlers"] == ["console"]
    assert callable(namespace["worker_exit"])


def test_console_command_is_installed():
    result = subprocess.run(
        [Path(sys.executable).parent / "smq-monitor", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("init-db", "demo", "import", "export", "users", "serve"):
        assert command in result.stdout
    version = subprocess.run(
        [Path(sys.executable).parent / "smq-monitor", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("smq-monitor ")


def test_every_package_folder_is_listed_for_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {
        str(path.parent.relative_to(ROOT)).replace("/", ".")
        for layer in ("smq_monitor", "dashboard", "data_access", "layouts", "callbacks")
        for path in (ROOT / layer).rglob("__init__.py")
    }
    assert found <= listed, found - listed
    assert PYPROJECT["tool"]["setuptools"]["package-dir"]["smq_monitor.assets"] == "assets"


def test_every_dependency_is_pinned():
    pins = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text().split()
        if "==" in line
    }
    for requirement in (
        PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    ):
        name = re.split(r"[<>=\[;! ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, name


@pytest.mark.slow
@pytest.mark.xdist_group("packaging")
def test_the_wheel_works_outside_the_source_tree(tmp_path):
    """Build the wheel, install it into a fresh venv, and run it from another folder, with the
    instance folder in the user's data folder: commands, pages and assets."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("smq_monitor-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "-c", str(ROOT / "constraints.txt"), str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMQ_", "PYTEST", "DATABASE_URL", "PYTHON"))
    }
    env.pop("CACHE_REDIS_URL", None)
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")
    env.pop("XDG_DATA_HOME", None)

    def run(*args: str) -> str:
        result = subprocess.run(
            [str(venv / "bin" / args[0]), *args[1:]],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, (args, result.stdout[-1000:], result.stderr[-2000:])
        return result.stdout

    where = run("python", "-c", "import smq_monitor, app; print(smq_monitor.__file__); print(app.__file__)")
    assert all(str(venv) in line for line in where.split()), where
    assert run("smq-monitor", "--version").strip() == f"smq-monitor {PYPROJECT['project']['version']}"
    run("smq-monitor", "init-db")
    run("smq-monitor", "demo", "--scale", "0.1")
    data_dir = home / ".local/share/smq-monitor"
    assert (data_dir / "smq-monitor.sqlite3").is_file() and (data_dir / "secret_key").is_file()
    assert not list((venv / "lib").rglob("smq-monitor.sqlite3")), (
        "the instance folder must not be in site-packages"
    )
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            str(venv / "bin/gunicorn"),
            "app:server",
            "-b",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
        ],
        cwd=elsewhere,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(url + "/livez", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (
                tmp_path / "gunicorn.log"
            ).read_text()[-3000:]
            time.sleep(0.3)
        page = requests.get(url + "/", timeout=30)
        assert page.status_code == 200 and "/assets/zz-house/smq.css" in page.text
        for asset in re.findall(r'href="(/assets/[^"?]+)', page.text) + re.findall(
            r'src="(/assets/[^"?]+)', page.text
        ):
            assert requests.get(url + asset, timeout=30).status_code == 200, asset
        assert requests.get(url + "/_dash-layout", timeout=30).status_code == 200
        # The charts' plotly.js, which the page names in a meta tag, comes from the installed assets.
        (bundle,) = re.findall(r'<meta name="smq-plotly-bundle" content="([^"]+)"', page.text)
        plotly = requests.get(url + bundle, timeout=30)
        assert plotly.status_code == 200 and plotly.content.startswith(b"/**\n* plotly.js (cartesian")
        assert requests.get(url + "/healthz", timeout=30).text.strip() == "ok"
        trusts = requests.get(url + "/download/trusts.csv", timeout=30)
        assert trusts.status_code == 200 and trusts.text.count("\n") > 10
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.xdist_group("packaging")
def test_the_image_builds_and_serves(tmp_path):
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    engine = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=60)
    if engine.returncode != 0:
        pytest.skip("no Docker engine answers here (only the client is installed): the image cannot be built")
    tag = f"smq-monitor-test:{os.getpid()}"
    build = subprocess.run(
        [docker, "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800
    )
    assert build.returncode == 0, build.stderr[-3000:]
    port = free_port()
    name = f"smq-monitor-test-{os.getpid()}"
    run = subprocess.run(
        [
            docker,
            "run",
            "-d",
            "--name",
            name,
            "-p",
            f"127.0.0.1:{port}:8050",
            "-e",
            "SMQ_INSECURE_COOKIES=1",
            tag,
            "sh",
            "-c",
            "smq-monitor init-db && smq-monitor demo --scale 0.1 && exec gunicorn app:server --config gunicorn.conf.py",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, subprocess.run(
                [docker, "logs", name], capture_output=True, text=True
            ).stdout
            time.sleep(1)
        user = subprocess.run([docker, "exec", name, "id", "-u"], capture_output=True, text=True, timeout=60)
        assert user.stdout.strip() not in ("", "0")
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
    finally:
        subprocess.run([docker, "rm", "-f", name], capture_output=True, timeout=120)
        subprocess.run([docker, "rmi", "-f", tag], capture_output=True, timeout=120)
