# The whole set-up on a fresh machine with only Python 3.11+: `make run` and `make test`.
# Every target installs exactly the versions in uv.lock (uv itself comes from pip, pinned here).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9
UV := $(BIN)/uv
# The extras a developer and CI get: sensor formats, PostgreSQL, a Dask cluster for batch
# analysis, tests and linters.
EXTRAS := --extra sensors --extra postgres --extra lab --extra dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench upgrade clean

$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"

# Every locked package at its locked version; --inexact keeps pip and uv in the venv; compiled
# to bytecode at install time (as pip does), so start-up is fast even where Python may not
# write .pyc files (PYTHONDONTWRITEBYTECODE).
SYNC := $(UV) sync --locked --inexact --compile-bytecode $(EXTRAS)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(SYNC)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mindmuscle serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src

# The benchmarks also compare against reference libraries (the bench extra).
bench: $(STAMP)
	$(SYNC) --extra bench
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

# Newest versions allowed by pyproject.toml, written to uv.lock and installed.
upgrade: | $(UV)
	$(UV) lock --upgrade
	$(SYNC)
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
