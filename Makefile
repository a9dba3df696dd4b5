# The two commands in the README: `make run` starts the product, `make test` runs every check.
# Both create .venv and install what they need first; running them again installs nothing new.

PYTHON ?= $(shell for p in python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench eval clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "confide needs Python 3.12 or newer (python3.12 not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/confide scan examples/referral.eml examples/case-notes.docx examples/newsletter.txt

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check scanner gateway tests bench
	$(BIN)/ruff format --check scanner gateway tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_scan.py

eval: $(STAMP)
	$(BIN)/python bench/eval_detection.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
