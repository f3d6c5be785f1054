# Aviary: `make run` starts the site with demo data; `make test` runs lint and every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
AVIARY_PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aviary

.PHONY: run test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

run: $(VENV)/.installed
	@$(BIN)/python manage.py check_services
	@$(BIN)/python manage.py migrate --no-input -v 0
	@$(BIN)/python manage.py ensure_admin --url http://127.0.0.1:$(AVIARY_PORT)/
	@$(BIN)/python manage.py load_demo
	AVIARY_PORT=$(AVIARY_PORT) SANDBOX_BASE_URL=http://127.0.0.1:$(AVIARY_PORT)/xsandbox \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

test: $(VENV)/.installed-dev tests/js/node_modules/.installed /usr/bin/chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} ENV_FILE=var/test.env DB_CONN_MAX_AGE=0 \
		CELERY_BROKER_URL=$${TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) tests/js/node_modules
