#!/usr/bin/env bash
# Refresh requirements.lock: every package scripts/test.sh installs, pinned (==) with hashes.
#
#   ./scripts/lock.sh                    # after editing pyproject.toml: add, drop or move only
#                                        # what the edit requires; every other pin stays
#   ./scripts/lock.sh --upgrade          # move every pin to the newest release allowed
#   ./scripts/lock.sh -P fastapi         # move one package (repeatable); any pip-compile option works
#   ./scripts/lock.sh --tools            # refresh scripts/lock-tools.txt (pip-tools itself)
#   ./scripts/lock.sh --ner              # refresh requirements-ner.lock (the optional spaCy
#                                        # layer, scripts/lock-ner.in), within requirements.lock
#
# What goes in: pyproject.toml's dependencies and its `test` extra, plus scripts/lock-extra.in:
# the build backend from [build-system] (so test.sh can install the project with
# --no-build-isolation) and pip itself (test.sh upgrades the venv's pip from the lock). pip-compile resolves
# for the Python that runs it: Python 3.11 on Linux x86_64, as on the developers' machines and CI.
# The hashes cover every file of each pinned release, so the lock also installs elsewhere.
#
# pip-compile runs in a throwaway venv holding the pip-tools release pinned, with hashes, in
# scripts/lock-tools.txt, so refreshing the lock never depends on what happens to be installed.
# Commit requirements.lock together with the pyproject.toml change it follows;
# tests/test_lockfile.py fails while the two disagree.
set -euo pipefail

REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO_ROOT"

PIP_TOOLS_VERSION=7.7.0   # what --tools pins; bump it here, then run ./scripts/lock.sh --tools
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

if [[ -x /usr/bin/python3.11 ]]; then
  PYTHON=/usr/bin/python3.11   # the interpreter scripts/test.sh uses
else
  PYTHON="$(command -v python3.11 || true)"
  [[ -n "$PYTHON" ]] || { echo "ERROR: python3.11 not found: the lock is for Python 3.11" >&2; exit 1; }
fi

TOOLS_VENV="$(mktemp -d "${TMPDIR:-/tmp}/callvault-lock.XXXXXX")"
trap 'rm -rf "$TOOLS_VENV"' EXIT
"$PYTHON" -m venv "$TOOLS_VENV"

# Options shared by both locks: hashes, pip and setuptools pinned too, no machine-specific
# index or find-links lines, and a header that names this script as the way to regenerate.
COMPILE_OPTS=(--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url
  --no-emit-find-links --newline lf --quiet)

if [[ "${1:-}" == "--tools" ]]; then
  shift
  echo "==> locking pip-tools==$PIP_TOOLS_VERSION into scripts/lock-tools.txt"
  "$TOOLS_VENV/bin/pip" install -q "pip-tools==$PIP_TOOLS_VERSION"
  printf 'pip-tools==%s\n' "$PIP_TOOLS_VERSION" >"$TOOLS_VENV/lock-tools.in"
  (cd "$TOOLS_VENV" && CUSTOM_COMPILE_COMMAND="./scripts/lock.sh --tools" \
    "$TOOLS_VENV/bin/pip-compile" "${COMPILE_OPTS[@]}" --upgrade \
    --output-file "$REPO_ROOT/scripts/lock-tools.txt" lock-tools.in "$@")
  exit 0
fi

echo "==> installing pip-tools from scripts/lock-tools.txt (hash-checked)"
"$TOOLS_VENV/bin/pip" install -q --require-hashes --no-deps -r scripts/lock-tools.txt

if [[ "${1:-}" == "--ner" ]]; then
  shift
  echo "==> pip-compile scripts/lock-ner.in -c requirements.lock -> requirements-ner.lock"
  CUSTOM_COMPILE_COMMAND="./scripts/lock.sh --ner" \
    "$TOOLS_VENV/bin/pip-compile" "${COMPILE_OPTS[@]}" \
    --constraint requirements.lock \
    --output-file requirements-ner.lock scripts/lock-ner.in "$@"
  exit 0
fi

echo "==> pip-compile pyproject.toml [test] + build backend + pip -> requirements.lock"
CUSTOM_COMPILE_COMMAND="./scripts/lock.sh" \
  "$TOOLS_VENV/bin/pip-compile" "${COMPILE_OPTS[@]}" \
  --extra test \
  --output-file requirements.lock \
  pyproject.toml scripts/lock-extra.in "$@"

pins="$(grep -c '^[A-Za-z0-9]' requirements.lock)"
echo "==> requirements.lock: $pins packages pinned; review 'git diff requirements.lock' and commit it"
