# Versus: `make run` serves the site with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n auto

.PHONY: run serve bench test lint format migrations-check install bench-import audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock file changes.
$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

# axe-core for the browser tests' accessibility checks, pinned in
# tests/browser/package-lock.json; left out where npm is absent (those checks skip).
AXE := tests/browser/node_modules/axe-core/axe.min.js
NPM := $(shell command -v npm 2>/dev/null)

# npm keeps the package's 1985 timestamps: touch, or make reinstalls every time.
$(AXE): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(if $(NPM),$(AXE))

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py bootstrap
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: static files, migrations, then gunicorn (config/gunicorn.conf.py).
serve: install
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/gunicorn -c config/gunicorn.conf.py

# The production stack on PostgreSQL and Redis, 1,000 generated models, loaded with wrk.
bench: install
	bash bench/run.sh

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

bench-import: install
	$(BIN)/python bench/import_bench.py

# Known vulnerabilities in the pinned dependencies. pip-audit asks an online
# advisory database, so neither CI nor `make test` depends on it; run it where the
# network allows (docs/security.md, "Dependencies"). It lives in its own venv so it
# never changes the locked set.
audit:
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/python -m pip install --quiet --upgrade pip-audit
	.venv-audit/bin/pip-audit --strict --no-deps --disable-pip --requirement requirements.lock

clean:
	rm -rf $(VENV) .venv-audit staticfiles var
