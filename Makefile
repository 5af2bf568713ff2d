# Developer shortcuts. Everything runs from the repo's .venv, which `make venv` (or any
# ./scripts/test.sh run) creates and keeps in sync with pyproject.toml.
VENV := .venv
BIN  := $(VENV)/bin

.PHONY: test lint typecheck fmt venv

test:
	./scripts/test.sh

# Cheap when .venv is in sync: scripts/test.sh skips pip unless pyproject.toml changed.
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
