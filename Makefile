# Digiopas: the project's front door. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint format messages setup db fuzz

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

test: lint ## Set up, lint, then run the whole test suite
	$(BIN)/pytest

fuzz: setup ## Thousands of generated bad inputs per public form (hypothesis)
	FUZZ_EXAMPLES=2000 $(BIN)/pytest tests/bookings/test_bad_input.py -q \
	  -k "booking_form or waiting_list_form or private" --hypothesis-show-statistics

format: setup ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
