# Two commands for a newcomer: `make demo` and `make test`. Everything else is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANIFEST := dbt_project/target/manifest.json
DBT_FILES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install demo test dev bench manifest clean

install: $(STAMP)

# uv installs the pinned set in seconds; pip alone takes over a minute.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $(STAMP)

# dagster-dbt reads the dbt manifest when the definitions load, so it is built before anything runs.
manifest: $(MANIFEST)

$(MANIFEST): $(STAMP) $(DBT_FILES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .

demo: $(MANIFEST)
	$(BIN)/csdw demo

test: $(MANIFEST)
	$(BIN)/python -m pytest

dev: $(MANIFEST)
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench:
	@echo "make bench arrives with issue 9 (performance at scale): nothing is benchmarked yet."

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs warehouse
