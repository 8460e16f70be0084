# The two commands: `make run` (the app with demo data) and `make test` (the whole suite).
# Both create .venv and install the locked dependencies first; devtools/devstack.py finds or starts
# PostgreSQL and Redis (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint fmt bench install clean-data

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m devtools.devstack run

test: $(STAMP)
	$(PY) -m devtools.devstack test $(ARGS)

# The edit loop: everything but the browser, real-worker and real-Tryton tests (make test stays the whole suite).
test-fast: $(STAMP)
	$(PY) -m devtools.devstack test -m "not browser and not worker and not erp" $(ARGS)

bench: $(STAMP)
	$(PY) -m devtools.devstack bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=wms.settings.test $(VENV)/bin/mypy .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-data:
	rm -rf .data
