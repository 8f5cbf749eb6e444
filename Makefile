# Digiopas: the project's front door. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help run test lint format messages setup db fuzz browser lighthouse reliability bench clock

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The first Python >= 3.12 found: pyenv's `python3` reads .python-version (3.13).
$(PY):
	@for candidate in python3.13 python3.12 python3 python; do \
	  if command -v $$candidate >/dev/null 2>&1 && \
	     $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "Creating $(VENV) with $$($$candidate --version)"; \
	    $$candidate -m venv $(VENV) && exit 0; \
	  fi; \
	done; \
	echo "Digiopas needs Python 3.12 or newer (Django 6). Install it, e.g. 'pyenv install 3.13'." >&2; \
	exit 1

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv, install the pinned dependencies, compile translations
	@$(PY) manage.py compilemessages --ignore=.venv -v0

messages: setup ## Update the .po files from the code (fi, sv, en)
	$(PY) manage.py makemessages --locale=fi --locale=sv --locale=en --ignore=.venv --ignore=staticfiles --no-location --no-obsolete

db: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

run: db ## Set up, load demo data and serve on http://127.0.0.1:8000
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver 127.0.0.1:8000

lint: setup ## ruff check, ruff format --check, missing migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint ## Set up, lint, then run the whole test suite (the browser tests too, with Chromium)
	@if [ -x $(CHROMIUM) ]; then echo "Browser tests: on, with $(CHROMIUM)."; \
	elif [ "$$CI" = true ]; then echo "Browser tests: CI=true but $(CHROMIUM) is missing: they fail."; \
	else echo "Browser tests: SKIPPED, $(CHROMIUM) is missing (apt-get install chromium)."; fi
	@if [ -f node_modules/vnu-jar/build/dist/vnu.jar ]; then echo "HTML validation: on."; \
	elif [ "$$CI" = true ]; then echo "HTML validation: CI=true but node_modules is missing: it fails."; \
	else echo "HTML validation: SKIPPED, node_modules is missing (npm ci, or make browser)."; fi
	$(BIN)/pytest

# The suite (all but the browser and reliability tests) as if it were another day, with the
# clock running on from there: Easter Monday 2027 (a holiday the day after the clocks go
# forward) and New Year's Eve 2027. Tests must not depend on the real date (CI runs this).
# Not FAKETIME_DONT_FAKE_MONOTONIC: with it, Python 3.13's time.sleep fails with EINVAL.
CLOCK_DAYS ?= 2027-03-29 09:30:00|2027-12-31 09:30:00
clock: setup ## The suite with the clock moved to other dates (Debian's faketime)
	@command -v faketime >/dev/null || { echo "make clock needs faketime: apt-get install faketime" >&2; exit 1; }
	@echo "$(CLOCK_DAYS)" | tr '|' '\n' | while read -r day; do \
	  echo "== the suite on $$day =="; \
	  faketime -f "@$$day" $(BIN)/pytest -q -m "not browser and not reliability" -p no:cacheprovider </dev/null || exit 1; \
	done

# vnu-jar and lighthouse, pinned in package-lock.json (npm skips vnu-jar's Java download).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

browser: setup $(NODE_STAMP) ## Browser checks: keyboard flows, axe, Nu HTML Checker, Lighthouse
	$(BIN)/pytest -m browser
	$(PY) tests/browser/lighthouse.py

lighthouse: setup $(NODE_STAMP) ## Lighthouse on the main patron pages, against the demo data
	$(PY) tests/browser/lighthouse.py

fuzz: setup ## Thousands of generated bad inputs per public form (hypothesis)
	FUZZ_EXAMPLES=2000 $(BIN)/pytest tests/bookings/test_bad_input.py -q \
	  -k "booking_form or waiting_list_form or private" --hypothesis-show-statistics

# Two gunicorn servers (4 workers each) on one PostgreSQL database, 64 requests racing for each of
# 20 times per scenario; fails (never skips) without PostgreSQL. CI passes its throwaway database.
reliability: setup ## Races across two app servers on PostgreSQL (default 127.0.0.1:5432)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/digiopas_reliability} \
	  $(BIN)/pytest -m reliability tests/reliability -q -s -p no:cacheprovider

# Not in CI (minutes, and noisy): builds the national-size database digiopas_bench once (about
# five minutes; `BENCH_ARGS=--rebuild` builds it again). See bench/README.md.
bench: setup ## Speed per page under gunicorn + wrk, demo and national-size data (PostgreSQL)
	$(PY) bench/run.py $(BENCH_ARGS)

format: setup ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
