# Developer shortcuts. Everything runs from the repo's .venv, which `make venv` (or any
# ./scripts/test.sh run) creates and keeps in sync with requirements.lock and pyproject.toml.
VENV := .venv
BIN  := $(VENV)/bin

.PHONY: test lint typecheck fmt venv lock

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
