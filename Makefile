# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo/kroniek.db

.PHONY: demo test install lint clean

$(BIN)/kroniek: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/kroniek

## Analyse and store the example articles, then print the report of the first one.
demo: install
	$(BIN)/kroniek ingest examples/ --db $(DEMO_DB)
	$(BIN)/kroniek documents --db $(DEMO_DB)
	$(BIN)/kroniek analyse examples/html/mosul-troepen-naderen-moskee.html

## Run the test suite.
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) demo build dist
