# triglot: `make demo` sets up and runs the equivalence check; `make test` runs the suite.
# `make setup` is idempotent: it installs only what is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup guile demo test bench clean

setup: guile $(VENV)/.installed

guile:
	@command -v guile >/dev/null 2>&1 || { \
	  echo "triglot: installing GNU Guile 3.0 (Debian package guile-3.0)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq guile-3.0 >/dev/null; }
	@command -v guile >/dev/null 2>&1 || { echo "triglot: guile is still missing; install guile-3.0 by hand" >&2; exit 1; }

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1 || { \
	  echo "triglot: installing python3-venv"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv >/dev/null; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

demo: setup
	$(BIN)/triglot check
	$(BIN)/triglot table

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m triglot.bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
