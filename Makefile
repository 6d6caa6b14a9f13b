# Linia: the two commands are `make run` and `make test`; everything else is a helper.
#
# Environment knobs: PORT (8000), DATABASE_URL (SQLite in var/ when unset), REDIS_URL (Huey on
# SQLite when unset), PYTHON (python3), TEST_WORKERS (auto), PYTEST_ARGS (extra pytest options).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LINIA := $(BIN)/linia
# Written after a successful install; pyproject.toml newer than it means "install again".
STAMP := $(VENV)/.linia-installed

PORT ?= 8000
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
export PORT

.PHONY: help run test lint setup system-deps browser-deps demo serve bench

help:
	@echo "make run    install, migrate, load the demo data and start Linia on http://127.0.0.1:$(PORT)"
	@echo "make test   install and run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint   ruff format --check, ruff check, mypy, lint-imports, makemigrations --check, catalogs complete"
	@echo "make bench  run the benchmarks in bench/"

# --- installation -------------------------------------------------------------------------

system-deps:
	@scripts/install-system-deps.sh

browser-deps:
	@scripts/install-system-deps.sh --browser

$(BIN)/python:
	@scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing Linia and its development tools into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" \
		> $(VENV)/pip-install.log 2>&1 || { cat $(VENV)/pip-install.log; exit 1; }
	@touch $@

setup: $(STAMP)

# --- the two commands -----------------------------------------------------------------------

run: export LINIA_BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(LINIA) migrate --noinput -v 0
	$(LINIA) collectstatic --noinput -v 0
	$(LINIA) demo --if-fresh --no-table
	exec $(LINIA) serve

# pytest exits 5 when it collects nothing: that is not a failure.
test: setup browser-deps
	@if [ -n "$$DATABASE_URL" ]; then echo "Tests on the database in DATABASE_URL"; \
	else echo "Tests on SQLite (set DATABASE_URL for PostgreSQL)"; fi
	@$(BIN)/pytest -n $(TEST_WORKERS) --durations=15 $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests were collected"; status=0; fi; \
	exit $$status

# Every check runs even when an earlier one fails; the target fails if any did.
LINT_STEPS := \
	"$(BIN)/ruff format --check ." \
	"$(BIN)/ruff check ." \
	"$(BIN)/mypy linia bench" \
	"$(BIN)/lint-imports" \
	"$(LINIA) makemigrations --check --dry-run" \
	"scripts/check-messages.sh"

lint: setup
	@failed=(); for step in $(LINT_STEPS); do echo "--- $$step"; \
		$$step || failed+=("$$step"); done; \
	if [ $${#failed[@]} -gt 0 ]; then printf 'make lint: failed: %s\n' "$${failed[@]}"; exit 1; fi; \
	echo "make lint: all clean"

# --- helpers --------------------------------------------------------------------------------

demo: setup
	$(LINIA) migrate --noinput -v 0
	$(LINIA) demo

serve: setup
	exec $(LINIA) serve

bench: setup
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench $(BENCH_ARGS); \
	else echo "make bench: no benchmarks yet (bench/)"; fi

# Refresh the translation catalogs in linia/locale (ru, uk, pl) from the code and templates,
# then compile them. Translate every new or fuzzy entry before committing (docs/i18n.md).
.PHONY: messages
messages: setup
	cd linia && $(CURDIR)/$(LINIA) makemessages -l ru -l uk -l pl --no-obsolete \
		--ignore "*/tests/*" --ignore "bench/*"
	cd linia && $(CURDIR)/$(LINIA) compilemessages
