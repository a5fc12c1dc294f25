# Two entry points; each creates the virtual environment and installs what is missing.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: run test lint bench catalogs diagrams lock upgrade

# Every version comes from constraints.txt (pip, the build backend and the project's packages,
# the dev extras included): a fresh install gets what the project was last tested with.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt pip setuptools
	$(PY) -m pip install --quiet --no-build-isolation -c constraints.txt -e '.[dev]'
	touch $@

# constraints.txt is made by uv (itself pinned there) from pyproject.toml and constraints.in,
# for Python 3.11 and later on every platform. `make lock` after editing pyproject.toml: what is
# new gets pinned, the rest stays. `make upgrade`: the newest versions pyproject.toml allows.
LOCK = $(VENV)/bin/uv pip compile pyproject.toml constraints.in --extra dev --universal \
	--python-version 3.11 --quiet -o constraints.txt

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt uv
	$(LOCK)

upgrade: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt uv
	$(LOCK) --upgrade

run: $(VENV)/.installed
	$(PY) -m bot

test: $(VENV)/.installed
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

bench: $(VENV)/.installed
	$(PY) -m bench

# After changing a status table (bot/domain/machine.py's tables): redraw docs/status-machines.md.
diagrams: $(VENV)/.installed
	$(PY) -m bot.domain.diagrams

# After changing user-visible strings: refresh the template and the catalogs, then translate.
# Nothing is compiled here: the bot compiles the catalogs into a cache at start (README).
catalogs: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -k N_ -k _ -k ngettext:1,2 --no-location --sort-output \
		--project="AIMF dossier assistant" -o locales/messages.pot bot handlers
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
