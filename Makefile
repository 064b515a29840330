# Versus: `make run` serves the site with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVE_STAMP := $(VENV)/.installed-serve
PYTEST_ARGS ?= -n auto

.PHONY: run serve serve-stack bench test lint format migrations-check install install-serve lock bench-import audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Two hashed locks, both made from pyproject.toml by `make lock`: requirements.lock
# is what production runs; requirements-test.lock adds the test tools (pytest,
# Playwright, schemathesis, Hypothesis, ruff, import-linter) at the same pins.
# --require-hashes: a package whose file differs from the one locked is refused.
# Reinstall only when a lock file changes.
$(STAMP): requirements.lock requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $(STAMP)

$(SERVE_STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(SERVE_STAMP)

install-serve: $(SERVE_STAMP)

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
	@# The task worker runs beside the server (the admin's Sync now and Import
	@# need it) and stops with it.
	$(BIN)/python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000 & server=$$!; \
	trap 'kill $$worker $$server 2>/dev/null; wait' EXIT INT TERM; \
	wait $$server

# Production: static files, migrations, then gunicorn (config/gunicorn.conf.py).
serve: install-serve
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/gunicorn -c config/gunicorn.conf.py

# nginx (deploy/nginx/), gunicorn, PostgreSQL and Redis together on this machine.
serve-stack: install-serve
	bash deploy/serve-stack.sh

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

# Re-resolve both locks from pyproject.toml, keeping every pin that still fits
# (uv prefers the versions already in the output file); --upgrade-package NAME
# in UV_ARGS moves one. uv lives in its own venv, outside the locked set.
UV := .venv-lock/bin/uv
UV_COMPILE := $(UV) pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header --quiet $(UV_ARGS)
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet uv==0.13.9
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra test -c requirements.lock -o requirements-test.lock

clean:
	rm -rf $(VENV) .venv-audit .venv-lock staticfiles var
