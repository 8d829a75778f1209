# triglot: `make demo` sets up and runs the equivalence check; `make test` runs the suite.
# `make setup` is idempotent: it installs only what is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test guile schemes chromium demo test test-pythons site screenshots fuzz bench clean

# The six Scheme implementations of the portability matrix (Debian packages), by command.
# command:package; gcc is what Gambit's gsc and CHICKEN's csc compile the concept files with
SCHEMES := guile:guile-3.0 chezscheme:chezscheme gsi:gambc csi:chicken-bin mit-scheme:mit-scheme racket:racket gcc:gcc

setup: guile $(VENV)/.installed

# `make test` checks every implementation: a missing one is a failure, never a skip.
setup-test: setup schemes chromium

# The browser test drives Debian's Chromium; `make demo` and `make site` do not need it.
schemes:
	@missing=""; for pair in $(SCHEMES); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -e /usr/include/stdio.h ] || missing="$$missing libc6-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "triglot: installing the Scheme implementations:$$missing (Debian packages)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
	@for pair in $(SCHEMES); do command -v $${pair%%:*} >/dev/null 2>&1 || { \
	  echo "triglot: $${pair%%:*} is still missing; install $${pair#*:} by hand" >&2; exit 1; }; done

guile:
	@command -v guile >/dev/null 2>&1 || { \
	  echo "triglot: installing GNU Guile 3.0 (Debian package guile-3.0)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq guile-3.0 >/dev/null; }
	@command -v guile >/dev/null 2>&1 || { echo "triglot: guile is still missing; install guile-3.0 by hand" >&2; exit 1; }

chromium:
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || { \
	  echo "triglot: installing Chromium for the browser test (Debian packages chromium, chromium-driver)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "triglot: chromium is still missing; install chromium and chromium-driver by hand" >&2; exit 1; }

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

test: setup-test
	$(BIN)/python -m pytest

# The suite under each CPython of PYTHONS (from pyenv, else pythonX.Y on the PATH), each in a
# venv of its own (.venv-X.Y): `sum()`'s rounding changed in 3.12, and the suite must say so.
PYTHONS ?= 3.10 3.11 3.12 3.13
test-pythons: setup-test
	@for v in $(PYTHONS); do \
	  py=$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python 2>/dev/null | sort -V | tail -1); \
	  [ -n "$$py" ] || py=$$(command -v python$$v || true); \
	  [ -n "$$py" ] || { echo "triglot: CPython $$v is missing (pyenv install $$v)" >&2; exit 1; }; \
	  echo "triglot: the suite under CPython $$v ($$py)"; \
	  [ -x .venv-$$v/bin/python ] || $$py -m venv .venv-$$v || exit 1; \
	  .venv-$$v/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' || exit 1; \
	  .venv-$$v/bin/python -m pytest -q -p no:cacheprovider || exit 1; \
	done

# The differential fuzzer for minutes (make test runs it with a small fixed budget and seed).
fuzz: setup
	$(BIN)/triglot fuzz --seconds 300

# The reference site, for readers: site/index.html opens from disk.
site: setup
	$(BIN)/triglot site site

# The README's screenshots of the site (committed), taken in headless Chromium.
screenshots: setup-test site
	$(BIN)/python -m triglot.site.browser site docs/screenshots

bench: setup
	$(BIN)/python -m triglot.bench --save docs/bench.json

clean:
	rm -rf $(VENV) .venv-3.* build site test-artifacts *.egg-info .pytest_cache .hypothesis
