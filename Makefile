# One command runs every check (`make test`), and CI runs that same command.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint demo bench clean

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
	$(BIN)/python -m pytest

demo: install
	$(BIN)/segur demo

bench: install
	$(BIN)/python benchmarks/bench_sync.py
	$(BIN)/python benchmarks/bench_serve.py

clean:
	rm -rf $(VENV) data/demo.db* build *.egg-info
