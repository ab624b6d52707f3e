# The one way in: `make run` (demo system on 127.0.0.1:8000) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= auto
DEV_ENV := KOTAN_DEBUG=1

.PHONY: bench-report bench-index-run bench-ingest bench-scoring bench-weight install run setup test test-fast test-sqlite test-postgres check lint format typecheck migrations-check lock messages system-deps clean

$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Set up the SQLite database with regions and demo data.
setup: install
	mkdir -p var
	$(DEV_ENV) $(BIN)/kotan migrate --noinput
	$(DEV_ENV) $(BIN)/kotan load_regions
	$(DEV_ENV) $(BIN)/kotan load_organizations
	$(DEV_ENV) $(BIN)/kotan load_demo

## Everything, then serve the demo on http://127.0.0.1:8000/ with a task worker and the
## scheduler of the periodic jobs (Ctrl+C stops all three).
run: export KOTAN_SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	@echo "SI-KOTAN: http://$(HOST):$(PORT)/ (with a task worker and the scheduler; Ctrl+C stops all)"
	@$(DEV_ENV) $(BIN)/kotan db_worker --no-startup-delay & worker=$$!; \
	  $(DEV_ENV) $(BIN)/kotan scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(DEV_ENV) $(BIN)/kotan runserver $(HOST):$(PORT)

## Whole suite: SQLite, then PostgreSQL (required when KOTAN_REQUIRE_POSTGRES=1).
test: install system-deps test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest -n $(PYTEST_WORKERS)

## SQLite without the browser tests: the quick check while working (about a minute).
test-fast: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser"

## The PostgreSQL run also uses the Redis cache when Redis answers (as in production).
test-postgres: install
	@if $(BIN)/python scripts/pg_ready.py "$(TEST_POSTGRES_URL)"; then \
	  if $(BIN)/python scripts/redis_ready.py "$(TEST_REDIS_URL)"; then redis="$(TEST_REDIS_URL)"; \
	  elif [ "$$KOTAN_REQUIRE_POSTGRES" = "1" ]; then echo "Redis is not reachable at $(TEST_REDIS_URL)" >&2; exit 1; \
	  else redis=""; echo "NOTE: Redis not reachable at $(TEST_REDIS_URL); local memory cache." >&2; fi; \
	  DATABASE_URL="$(TEST_POSTGRES_URL)" KOTAN_REDIS_URL="$$redis" $(BIN)/pytest -n $(PYTEST_WORKERS); \
	elif [ "$$KOTAN_REQUIRE_POSTGRES" = "1" ]; then \
	  echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL)" >&2; exit 1; \
	else \
	  echo "NOTE: PostgreSQL not reachable at $(TEST_POSTGRES_URL); PostgreSQL run not done." >&2; \
	fi

## Chromium for the browser tests (Debian package), installed when missing.
system-deps:
	@bash scripts/system-deps.sh

check: install lint typecheck migrations-check test

lint: install
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

format: install
	$(BIN)/ruff check --fix src tests scripts benchmarks
	$(BIN)/ruff format src tests scripts benchmarks

typecheck: install
	$(DEV_ENV) $(BIN)/mypy

migrations-check: install
	$(DEV_ENV) $(BIN)/kotan makemigrations --check --dry-run

## Regenerate the locked requirements after changing pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

## Extract and compile the English translation (needs GNU gettext).
messages: install
	cd src/kotan && $(DEV_ENV) ../../$(BIN)/kotan makemessages -l en --no-obsolete --ignore 'static/vendor/*'
	cd src/kotan && $(DEV_ENV) ../../$(BIN)/kotan compilemessages -l en

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

## Page weight of the main pages (demo database).
bench-weight: setup
	$(DEV_ENV) $(BIN)/python benchmarks/page_weight.py

## Scoring the national synthetic set: time and memory, against a pandas baseline.
bench-scoring: install
	$(BIN)/python benchmarks/scoring.py

## Index run from PostgreSQL for the national synthetic set (creates and drops kotan_bench).
bench-index-run: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/kotan_bench $(BIN)/python benchmarks/index_run.py

## Submissions per second over HTTP: gunicorn + PostgreSQL, 32 clients, 10 % retries, vs pgbench.
bench-ingest: install
	$(BIN)/python benchmarks/ingest.py

## Enqueue-to-start latency of a task on the database backend, SQLite and PostgreSQL.
.PHONY: bench-tasks
bench-tasks: install
	$(BIN)/python benchmarks/task_latency.py

## Recipients of the reminder job for 514 regencies x 180 expected respondents (< 2 s).
.PHONY: bench-reminders
bench-reminders: install
	$(BIN)/python benchmarks/bench_reminders.py

## Public ranking page and open data for 514 regencies on PostgreSQL: p95 against /health/.
.PHONY: bench-public
bench-public: install
	$(BIN)/python benchmarks/bench_public.py --requests 200

## Time to produce a Monev visit report (6 sessions x 15 points, 30 follow-ups), DOCX and PDF.
bench-report: install
	$(BIN)/pytest tests/monev/bench_report.py -q -s -p no:logging -p no:randomly

## Monev report of a 60-point visit with every text at its limit, against short texts.
.PHONY: bench-monev
bench-monev: install
	$(BIN)/python benchmarks/monev_report.py

## Faults under load on a throw-away PostgreSQL cluster and gunicorn (about 3 minutes, < 6).
.PHONY: fault
fault: install
	$(BIN)/python benchmarks/fault.py
