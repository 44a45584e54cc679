# smq-monitor: `make run` serves the dashboard, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test lint bench bench-peers soak demo clean chromium

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	@touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

$(BENCH_STAMP): $(DEV_STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench]'
	@touch $@

run: $(STAMP)
	$(BIN)/smq-monitor init-db
	$(BIN)/smq-monitor demo --if-empty
	$(BIN)/gunicorn app:server --config gunicorn.conf.py --bind $(HOST):$(PORT)

# Browser tests need Debian's Chromium; installed here when missing (needs root).
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and chromium-driver"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; }

test: $(DEV_STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BENCH_STAMP) chromium
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# The product against yardsticks (naive Dash, bare SQL, DuckDB, Superset when /tmp/superset-venv
# exists: python -m benchmarks.peers.superset install), into the Peers section of RESULTS.md.
bench-peers: $(BENCH_STAMP) chromium
	$(BIN)/python -m benchmarks.run --peers-only $(BENCH_ARGS)

soak: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/soak --run-soak -s $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/smq-monitor demo

clean:
	rm -rf $(VENV) instance .pytest_cache
