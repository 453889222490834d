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

.PHONY: install demo test dev bench profile manifest clean docs

install: $(STAMP)

# uv installs the pinned set in seconds; pip alone takes over a minute. Unlike pip, uv leaves the packages
# uncompiled, and where Python may not write bytecode (PYTHONDONTWRITEBYTECODE, as containers often set, or a
# read-only environment) every process then compiles Dagster, dbt and Great Expectations again: a refresh's
# imports took twice as long (bench/notes.md).
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[test,bench]'
	touch $(STAMP)

# dagster-dbt reads the dbt manifest when the definitions load, so it is built before anything runs.
manifest: $(MANIFEST)

$(MANIFEST): $(STAMP) $(DBT_FILES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .

demo: $(MANIFEST)
	$(BIN)/csdw demo

test: $(MANIFEST)
	$(BIN)/python -m pytest

# The instance (run queue of one warehouse writer) is the project's dagster.yaml, kept in step on every start.
dev: $(MANIFEST)
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# dbt docs of the published warehouse (lineage from extract to measure, exposures, column types), as one static page
# beside it. dbt opens the file for a few seconds to read its catalogue.
WAREHOUSE_FILE := $(abspath $(or $(CSDW_WAREHOUSE),warehouse/csdw.duckdb))
DOCS_DIR := $(dir $(WAREHOUSE_FILE))dbt-docs

docs: $(MANIFEST)
	@test -f $(WAREHOUSE_FILE) || { echo "No published warehouse at $(WAREHOUSE_FILE): run make demo first"; exit 1; }
	cd dbt_project && ../$(BIN)/dbt docs generate --static --quiet --profiles-dir . \
		--vars '{"warehouse_path": "$(WAREHOUSE_FILE)"}' --target-path $(DOCS_DIR)
	@echo "dbt docs: $(DOCS_DIR)/static_index.html (open it in a browser; no server needed)"

# Refresh timings at scale (bench/run.py, issue 9): `make bench SCALES=medium RUNS=1` for a quicker look. The
# extracts are generated once per scale and seed into bench/data/, the runs work in bench/work/ (both git-ignored).
# Then the tests too slow for CI (marked `slow`): the medium acceptance run and a two-LA regional pool.
SCALES ?= medium,large,region
RUNS ?= 3

bench: $(MANIFEST)
	$(BIN)/python -m bench.run --scales $(SCALES) --runs $(RUNS)
	$(BIN)/python -m pytest -m slow

# Where a full refresh's time goes, for the bench's targets not met: one refresh under py-spy and DuckDB's profile of
# the build's SQL (bench/profile.py), into bench/profile.md. `make profile SCALE=medium` for another scale.
SCALE ?= large

profile: $(MANIFEST)
	$(BIN)/python -m bench.profile --scale $(SCALE)

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs warehouse
