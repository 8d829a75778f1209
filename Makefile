# triglot: `make demo` sets up and runs the equivalence check; `make test` runs the suite.
# `make setup` is idempotent: it installs only what is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test guile chromium demo test site screenshots fuzz bench clean

setup: guile $(VENV)/.installed

# The browser test drives Debian's Chromium; `make demo` and `make site` do not need it.
setup-test: setup chromium

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
	rm -rf $(VENV) build site test-artifacts *.egg-info .pytest_cache .hypothesis
