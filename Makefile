# Two commands: `make run` and `make test`.  Both create or refresh .venv first; with nothing changed
# the refresh is a timestamp check and takes no time.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv clean

run: $(STAMP)
	$(BIN)/linlab tour

test: $(STAMP)
	$(BIN)/python -m pytest

venv: $(STAMP)

# Reinstall only when the project's metadata changes; the package itself is installed editable.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"linlab needs Python 3.11, found {sys.version.split()[0]} at {sys.executable}"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info
