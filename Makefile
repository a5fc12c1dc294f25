# Two entry points; each creates the virtual environment and installs what is missing.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: run test lint bench catalogs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m bot

test: $(VENV)/.installed
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

bench: $(VENV)/.installed
	$(PY) -m bench

# After changing user-visible strings: refresh the template and the catalogs, then translate.
# Nothing is compiled here: the bot compiles the catalogs into a cache at start (README).
catalogs: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -k N_ -k _ -k ngettext:1,2 --no-location --sort-output \
		--project="AIMF dossier assistant" -o locales/messages.pot bot handlers
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
