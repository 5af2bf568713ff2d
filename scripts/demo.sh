#!/usr/bin/env bash
# README command 1: set up CallVault on the embedded default (SQLite + local files),
# ingest the bundled synthetic spoken demo calls, run the recording pipeline and the
# alert watcher over them once, and serve the API over HTTPS.
#
#   ./scripts/demo.sh                    # serves on https://127.0.0.1:8443/
#   ./scripts/demo.sh --port 9443        # extra arguments go to `callvault demo`
set -euo pipefail
REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO_ROOT"
# .venv is installed from requirements.lock, every package hash-checked (see scripts/test.sh).
echo "==> setting up .venv (the first run installs packages: about a minute)"
CALLVAULT_NEED_POSTGRES=0 CALLVAULT_BOOTSTRAP_ONLY=1 ./scripts/test.sh
exec "$REPO_ROOT/.venv/bin/callvault" demo --data-dir "$REPO_ROOT/callvault-demo-data" "$@"
