# Kyoso Desk. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kyoso
HOST ?= 127.0.0.1
PORT ?= 8000
# The development targets switch DEBUG on themselves (the settings fail closed without it);
# production sets its environment and runs gunicorn and celery directly (README).
DEV := DJANGO_DEBUG=1

# make test runs on every core (pytest-xdist); PYTEST_ARGS adds to or overrides that.
# The SQLite pass runs the tests in a random order (pytest-randomly prints the seed; repeat
# an order with PYTEST_ARGS="-p randomly_seed=N"), so no test can lean on another having
# run first; the PostgreSQL pass keeps the file order.
PYTEST_ARGS ?=
XDIST ?= -n auto --dist loadfile

.PHONY: run test test-sqlite test-postgres test-gap lint lock worker bench migrate seed diagram messages clean

# The exact versions, with hashes, from requirements-dev.lock (runtime + test + dev tools);
# production installs requirements.lock (runtime only). `make lock` regenerates both.
$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

migrate: $(STAMP)
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py createcachetable

## Serve the app with demo data on SQLite, tasks inline: http://$(HOST):$(PORT)
run: migrate
	$(DEV) $(PY) manage.py seed_demo --if-empty
	$(DEV) SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

## The whole suite: everything on SQLite, then everything but the browser tests on PostgreSQL.
test: $(STAMP)
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(PY) -m pytest -m "not postgres and not gap" $(XDIST) $(PYTEST_ARGS)

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m "not e2e and not gap" -p no:randomly $(XDIST) $(PYTEST_ARGS)

## The SQLite suite once more with the clock in the UTC/JST gap: today (UTC) at $(GAP_TIME) UTC,
## which is already tomorrow in Japan, so a date taken in UTC instead of Japan time fails here
## whatever the hour CI runs (.ci/run calls it after `make test`; needs faketime).
## The shift is an offset from the real clock, not faketime's absolute "@date": Django sets
## TZ=Asia/Tokyo in the process and the xdist workers inherit it, and libfaketime reads an
## absolute time in the process's zone, which would land 9 hours off (outside the gap).
## The monotonic clock is shifted too: FAKETIME_DONT_FAKE_MONOTONIC=1 makes Python's
## time.sleep fail with EINVAL (its absolute deadlines mix the two clocks).
GAP_TIME ?= 16:30:00
test-gap: $(STAMP)
	@command -v faketime >/dev/null || { echo "test-gap needs faketime: apt-get install -y faketime"; exit 2; }
	@target=$$(date -u -d "$$(date -u +%F) $(GAP_TIME)" +%s); \
	offset=$$(printf '%+ds' $$(( target - $$(date -u +%s) ))); \
	echo "test-gap: clock moved by $$offset to $$(date -u -d @$$target '+%F %T') UTC = $$(TZ=Asia/Tokyo date -d @$$target '+%F %T') JST"; \
	KYOSO_CLOCK_GAP=1 TZ=UTC faketime -f "$$offset" \
		env -u DATABASE_URL $(PY) -m pytest -m "not e2e and not postgres" -p no:randomly $(XDIST) -q $(PYTEST_ARGS)

## Style and structure: ruff (lint and format) and the import-linter layer contracts.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## Pin every dependency (with hashes) from pyproject.toml; commit both files.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --universal --extra test --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

## A Celery worker with beat on the broker in CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0),
## consuming every queue (default, mail, exports); production runs one worker per queue (README).
## DEBUG is on unless the environment says DJANGO_DEBUG=0.
worker: $(STAMP)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/celery -A config worker --beat -Q default,mail,exports --loglevel=INFO --concurrency=2

## Benchmarks: on PostgreSQL when one answers at 127.0.0.1:5432 (database kyoso_bench), else SQLite.
## The desk pages, then the public list under gunicorn beside a static file (needs wrk:
## apt-get install -y wrk). BENCH_ONLY=desk or BENCH_ONLY=public runs one part; docs/benchmarks.md.
bench: $(STAMP)
	@command -v wrk >/dev/null || echo "NOTE: wrk is missing, the public-list bench will not run: apt-get install -y wrk"
	if $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)' 2>/dev/null; then BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kyoso_bench} $(PY) bench/run.py; else $(PY) bench/run.py; fi

seed: migrate
	$(DEV) $(PY) manage.py seed_demo

## Regenerate docs/lifecycle.dot (and .svg when Graphviz's dot is installed) from the code.
diagram: $(STAMP)
	$(DEV) $(PY) manage.py lifecycle_diagram

## Extract and compile translations (needs GNU gettext).
messages: $(STAMP)
	$(DEV) $(PY) manage.py makemessages -l ja --no-location --no-obsolete -i '.venv/*' -i 'staticfiles/*' -i 'tests/*' -i 'bench/*'
	$(DEV) $(PY) manage.py compilemessages -l ja -i .venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
