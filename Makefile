# The two commands in the README: `make run` starts the product, `make test` runs every check.
# Both create .venv and install what they need first; running them again installs nothing new.

PYTHON ?= $(shell for p in python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest pytest-postgres bench bench-relay bench-watch eval clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "confide needs Python 3.12 or newer (python3.12 not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/confide run --init

test: lint typecheck pytest pytest-postgres

lint: $(STAMP)
	$(BIN)/ruff check scanner gateway tests bench
	$(BIN)/ruff format --check scanner gateway tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# Tests run in $(TEST_WORKERS) processes (pytest-xdist), a test module's tests together in
# one of them, so that a module's shared relay or scanner starts once. The 20 slowest are
# listed at the end: the whole of make test must stay under 15 minutes on 2 cores.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=20

# Every test, with the database tests on SQLite (whatever DATABASE_URL the shell has).
pytest: $(STAMP)
	env -u DATABASE_URL $(PYTEST)

# The database tests (marked django_db) again on PostgreSQL when CONFIDE_TEST_POSTGRES_URL
# names one, e.g. postgres://postgres@127.0.0.1:5432/test: pytest-django creates and drops
# test_<name>_gw<n> (test_test_gw0, one per test process) beside that database, which it
# leaves alone. Only the tests marked both_backends (most by their module's pytestmark): those
# whose outcome can depend on the backend (claims and SKIP LOCKED, row locks, transactions
# rolled back, constraints, connections and outages, backups, restores and startup checks,
# migrations, two nodes, concurrent decisions). Pages, the watcher's files and the scanner's
# verdicts are the same on either, and run on SQLite only. tests/test_backend_markers.py
# fails for a database test module that names such things but is neither marked nor said
# to be neutral, with the reason.
pytest-postgres: $(STAMP)
	@if [ -n "$$CONFIDE_TEST_POSTGRES_URL" ]; then \
		echo "database tests on PostgreSQL"; \
		DATABASE_URL="$$CONFIDE_TEST_POSTGRES_URL" \
			$(PYTEST) -m "django_db and both_backends"; \
	else \
		echo "CONFIDE_TEST_POSTGRES_URL is not set: database tests ran on SQLite only"; \
	fi

bench: $(STAMP)
	$(BIN)/python bench/bench_scan.py

bench-relay: $(STAMP)
	$(BIN)/python bench/bench_relay.py

bench-watch: $(STAMP)
	$(BIN)/python bench/bench_watch.py

eval: $(STAMP)
	$(BIN)/python bench/eval_detection.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
