# Developer shortcuts. Everything runs from the repo's .venv, which `make venv` (or any
# ./scripts/test.sh run) creates and keeps in sync with requirements.lock and pyproject.toml.
VENV := .venv
BIN  := $(VENV)/bin

.PHONY: test lint typecheck fmt venv lock soak

test:
	./scripts/test.sh

# Cheap when .venv is in sync: scripts/test.sh skips pip unless the lock or pyproject.toml changed.
venv:
	@CALLVAULT_BOOTSTRAP_ONLY=1 ./scripts/test.sh

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: venv
	$(BIN)/mypy

fmt: venv
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

# Re-pin requirements.lock after editing pyproject.toml's dependencies (only what the edit
# requires moves); `make lock ARGS=--upgrade` moves every pin, `ARGS="-P fastapi"` one package.
lock:
	./scripts/lock.sh $(ARGS)

# The soak runs (RELIABILITY.md L1 ingest-steady, L3 webhook flood) on SQLite, then on a
# throwaway PostgreSQL: CALLVAULT_SOAK_MINUTES (default 10) each, CALLVAULT_SOAK_USERS
# (default 20) client threads. Both passes run; the target fails if either did. Skipped by
# the per-commit suite, which runs 20 s smokes.
SOAK_PYTEST = $(BIN)/python -m pytest -p no:cacheprovider -n 0 -s -m soak tests/reliability

soak: venv
	status=0; \
	CALLVAULT_SOAK=1 CALLVAULT_TEST_DATABASE=sqlite $(SOAK_PYTEST) --basetemp="$$(mktemp -d)" || status=1; \
	CALLVAULT_SOAK=1 CALLVAULT_TEST_DATABASE=postgresql $(SOAK_PYTEST) --basetemp="$$(mktemp -d)" || status=1; \
	exit $$status
