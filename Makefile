# Two commands: `make run` and `make test`.  Both create or refresh .venv first; with nothing changed
# the refresh is a timestamp check and takes no time.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv clean

# The course site: migrate the database (SQLite in var/ unless DATABASE_URL is set), load or update the
# course from content/, then serve at http://$(HOST):$(PORT)/ until Ctrl+C.
run: $(STAMP)
	$(BIN)/linlab serve --host $(HOST) --port $(PORT)

# Every test on SQLite, then the database tests again on a real PostgreSQL server (scripts/postgres_tests.py
# finds or starts one).  Both runs always happen; the status is non-zero if either failed.
test: $(STAMP)
	@bash scripts/ensure-chromium.sh
	@status=0; \
	$(BIN)/python -m pytest || status=$$?; \
	$(BIN)/python scripts/postgres_tests.py || status=$$?; \
	exit $$status

venv: $(STAMP)

# Reinstall only when the project's metadata changes; the package itself is installed editable.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"linlab needs Python 3.11, found {sys.version.split()[0]} at {sys.executable}"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info
