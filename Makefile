# One command runs every check (`make test`), and CI runs that same command.
# `make test-fast` is the quick loop while coding: no server, no subprocess, no browser,
# no whole-site crawl.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pytest-xdist: one worker per core; worksteal evens out the long end-to-end tests.
# (pytest exits 5 when no test was collected: that fails the target too.)
WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist worksteal
FAST := not slow and not process and not browser and not crawl

.PHONY: install test test-fast lint demo bench clean

$(BIN)/segur: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/segur

install: $(BIN)/segur

lint: install
	$(BIN)/ruff check scraper catalogue schedules replica cli tests benchmarks
	$(BIN)/ruff format --check scraper catalogue schedules replica cli tests benchmarks
	$(BIN)/mypy

test: install lint
	$(PYTEST)

test-fast: install
	$(PYTEST) -m "$(FAST)"

demo: install
	$(BIN)/segur demo

bench: install
	$(BIN)/python benchmarks/bench_sync.py
	$(BIN)/python benchmarks/bench_serve.py

clean:
	rm -rf $(VENV) data/demo.db* build *.egg-info
