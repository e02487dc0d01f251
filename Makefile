# Two commands on a fresh machine (Python 3.11+, bash, make):
#   make demo   install into .venv and start the demo
#   make test   install the dev extras and run the whole suite (ruff, mypy --strict, pytest)
# and `make bench` runs every benchmark in bench/ and prints a table.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHELL  := /bin/bash

.PHONY: install dev demo test lint typecheck pytest bench reliability clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/marketsync demo

lint: dev
	$(BIN)/ruff check agent tui tests bench

typecheck: dev
	$(BIN)/mypy --strict agent tui tests

# pytest exits 5 when it collected no test; make treats every non-zero exit as failure.
pytest: dev
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: dev
	$(BIN)/python bench/run.py

# The reliability suite's long part (300 kills, 1,000 lease races, 100,000 mutated answers, ...);
# its quick part runs in `make test`. Figures: docs/reliability.md.
reliability: dev
	$(BIN)/pytest -q -s tests/reliability -m long

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
