# Two commands on a fresh machine (Python 3.11+, bash, make):
#   make demo   install the locked runtime into .venv and start the demo
#   make test   install the locked runtime and dev tools and run the quick suite (ruff, layering, mypy --strict, pytest)
# `make test-latest` runs the same suite on the newest versions the registry serves (no lock),
# `make lock` bumps the lock, and `make bench` runs every benchmark in bench/ and prints a table.
#
# Installs go through uv and its lock file (uv.lock): every package, runtime and dev, at one exact
# version with its hashes. uv itself is pinned and installed by pip into .uv/ (nothing by hand).

PYTHON ?= python3
UV_VERSION := 0.13.8
UV     := .uv/bin/uv
VENV   ?= .venv
BIN    := $(VENV)/bin
SHELL  := /bin/bash
# uv never downloads a Python of its own: it uses $(PYTHON).
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install dev demo test lint typecheck pytest test-walks test-reliability bench reliability lock test-latest clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# --locked: fail (rather than re-resolve) when pyproject.toml and uv.lock disagree.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --locked --inexact --python $(PYTHON)
	touch $@

$(VENV)/.installed-dev: pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --locked --extra dev --python $(PYTHON)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/marketsync demo

# What the suite's targets install first; test-latest empties it (its own venv is installed already).
NEEDS ?= dev

lint: $(NEEDS)
	$(BIN)/ruff check agent tui tests bench
	$(BIN)/lint-imports

typecheck: $(NEEDS)
	$(BIN)/mypy --strict agent tui tests bench

# The quick tier on $(WORKERS) processes (pytest-xdist), each test file kept on one worker. The
# language walks (tests/walks) and the reliability suite (tests/reliability) are the next tiers:
# `make test-walks` and `make test-reliability`, run by CI after this.
# pytest exits 5 when it collected no test; make treats every non-zero exit as failure.
WORKERS ?= 2
pytest: $(NEEDS)
	$(BIN)/pytest -q -n $(WORKERS) --dist loadfile --ignore=tests/reliability --ignore=tests/walks

# Whole demo sessions in Polish and in English, every line they print or log checked for the other
# language (subprocesses against the simulator, about a minute on two processes); CI runs them after `make test`.
test-walks: $(NEEDS)
	$(BIN)/pytest -q -n $(WORKERS) --dist loadfile tests/walks

test: lint typecheck pytest

# Re-resolve every dependency to the newest versions pyproject.toml allows, and write uv.lock.
lock: | $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# The same suite on the newest versions the registry serves today, in .venv-latest (uv.lock untouched;
# upgraded on every call, so drift shows here before a user meets it).
test-latest: | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade --resolution highest -e '.[dev]'
	$(MAKE) --no-print-directory VENV=.venv-latest NEEDS= lint typecheck pytest test-walks

bench: dev
	$(BIN)/python bench/run.py

# The reliability suite's quick part (kills at every named point, network faults, races, a shop's
# life): one process at a time, as its subprocesses and timings are sized for; CI runs it after `make test`.
test-reliability: $(NEEDS)
	$(BIN)/pytest -q tests/reliability

# The reliability suite's long part (300 kills, 1,000 lease races, 100,000 mutated answers, ...).
# Figures: docs/reliability.md.
reliability: dev
	$(BIN)/pytest -q -s tests/reliability -m long

clean:
	rm -rf $(VENV) .venv-latest .uv .pytest_cache .mypy_cache .ruff_cache
