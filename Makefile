# DOMPAK developer commands. `make run` and `make test` work on a fresh
# machine: they create the virtual environment and fetch or build the
# servers on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := shared services tools tests bench

.DEFAULT_GOAL := help
.PHONY: help install servers run demo screenshots test unit lint format typecheck servers-up servers-down clean

help:
	@echo "make run        start the servers and all services (Ctrl-C stops)"
	@echo "make demo       drive one synthetic application of every service end to end"
	@echo "make screenshots  save the main pages at phone and desktop widths in docs/screenshots"
	@echo "make test       lint, type-check and run every test on real servers"
	@echo "make unit       run only the tests that need no server"
	@echo "make format     apply ruff format"
	@echo "make servers-up / servers-down   the Kafka, MongoDB, S3 and SMTP servers alone"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

servers: $(STAMP)
	$(BIN)/python -m shared.devstack install

run: servers
	$(BIN)/python -m tools.run

demo: servers
	$(BIN)/python -m tools.demo

screenshots: servers
	$(BIN)/python -m tools.screenshots

lint: $(STAMP)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/ruff check $(SOURCES)

format: $(STAMP)
	$(BIN)/ruff format $(SOURCES)
	$(BIN)/ruff check --fix $(SOURCES)

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck servers
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration"

servers-up: servers
	$(BIN)/python -m shared.devstack up

servers-down: $(STAMP)
	$(BIN)/python -m shared.devstack down

clean:
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
