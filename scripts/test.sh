#!/usr/bin/env bash
# CallVault test entry point (also what CI runs through .ci/run).
#
#   ./scripts/test.sh                 # full run: lint, typecheck, tests on SQLite and PostgreSQL
#   ./scripts/test.sh tests/db -q     # extra arguments are passed to both pytest runs
#
# Steps:
#   1. system packages: PostgreSQL server binaries (Debian package `postgresql`) if no pg_ctl
#      exists under /usr/lib/postgresql/*/bin; multimon-ng, sox and espeak-ng for the audio
#      tests; nginx, sqlite3 and age for the deployment tests; poppler-utils (pdftotext) for
#      the risk report's PDF; python3.11-venv if venv can't be created.
#   2. .venv in the repo (Debian's /usr/bin/python3.11 when present), built from
#      requirements.lock (`pip install --require-hashes`: every package pinned and hash-checked,
#      pip, setuptools and wheel included) and requirements-ner.lock (the optional spaCy layer,
#      so its tests run too), then the project itself, editable, with --no-deps
#      --no-build-isolation --no-index, so nothing unpinned is fetched. When the lock (or the
#      Python) changed since the last install, .venv is built anew, so it holds exactly the lock;
#      when only pyproject.toml changed, only the project is reinstalled; else pip is skipped
#      (stamp in .venv). Refresh the lock with ./scripts/lock.sh (`make lock`).
#   3. ruff check src tests; mypy; lint-imports (the layering contracts); config in pyproject.toml.
#   4. pytest with CALLVAULT_TEST_DATABASE=sqlite, then with CALLVAULT_TEST_DATABASE=postgresql.
#      The PostgreSQL pass starts its own throwaway server on a free port (tests/_postgres.py);
#      any PostgreSQL already running on the machine is never used. Its files (the server's
#      data directory among them) go to /dev/shm when that is a tmpfs with 4 GB free and
#      TMPDIR is not set; else, as the SQLite pass's, to $TMPDIR or /tmp.
#
# Environment knobs (all optional):
#   CALLVAULT_SKIP_LINT=1            skip ruff and mypy
#   CALLVAULT_BACKENDS="sqlite"      which pytest passes to run (default "sqlite postgresql")
#   CALLVAULT_TEST_WORKERS=1         pytest-xdist workers (default "auto": one per core)
#   CALLVAULT_BOOTSTRAP_ONLY=1       stop after step 2 (used by `make venv`, scripts/demo.sh)
#   CALLVAULT_NEED_POSTGRES=0        don't install PostgreSQL nor the audio test tools (the demo runs no tests)
#
# Exit status: 0 only if every step passed. pytest's "no tests collected" (exit 5) is a failure
# on a full run (no extra arguments); with extra arguments (a filter) it is reported, not failed.
set -euo pipefail

REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv"
STAMP="$VENV/.callvault-install-stamp"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# Bytecode is kept (in the git-ignored __pycache__ directories): every pytest worker, and
# every server and CLI process a test starts, then loads compiled modules and
# assertion-rewritten tests instead of compiling them anew (about 5 % of the suite's time).
unset PYTHONDONTWRITEBYTECODE
export DEBIAN_FRONTEND=noninteractive

log() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# ---------------------------------------------------------------------------------------------
# 1. System packages
# ---------------------------------------------------------------------------------------------
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  fi
fi
APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    die "need the system package(s) $*, but apt-get is not available; install them by hand"
  fi
  if [[ "$(id -u)" -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    die "need the system package(s) $* but not root and no sudo: run as root: apt-get install -y $*"
  fi
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update -q
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@"
}

have_pg_ctl() { compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }

T_SYS=$(now)
if [[ "${CALLVAULT_NEED_POSTGRES:-1}" == "1" ]] && ! have_pg_ctl; then
  # Debian's package may create and start a cluster on 5432; harmless, the tests use their own.
  apt_install postgresql
  have_pg_ctl || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/pg_ctl exists"
fi

# The audio tests check scrubbed recordings with an independent decoder (multimon-ng, fed
# by sox) and make real speech with espeak-ng; the deployment tests (tests/deploy) run
# deploy/'s nginx site, backup script (sqlite3) and backup encryption (age). Skipped for
# the demo (no tests run there). The dashboard tests drive Debian's chromium through
# chromium-driver (tests/dashboard). The tests start nginx themselves on free loopback ports;
# on a host with an init system the package also starts Debian's default site on port 80
# (systemctl disable --now nginx), in containers policy-rc.d stops that.
if [[ "${CALLVAULT_NEED_POSTGRES:-1}" == "1" ]]; then
  missing=()
  for tool in multimon-ng sox espeak-ng nginx sqlite3 age; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
  done
  # The dashboard's browser tests: Debian's Chromium and its driver, nothing downloaded.
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
  # The risk analysis report's PDF is read back by poppler's pdftotext (tests/safeguards).
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  if [[ ${#missing[@]} -gt 0 ]]; then
    apt_install "${missing[@]}"
  fi
fi

if [[ -x /usr/bin/python3.11 ]]; then
  PYTHON=/usr/bin/python3.11   # readable by a non-root user, unlike pyenv under /root
else
  PYTHON="$(command -v python3.11 || command -v python3 || true)"
  [[ -n "$PYTHON" ]] || die "no python3.11 or python3 found"
fi
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
  || die "$PYTHON is older than Python 3.11"

if [[ ! -x "$VENV/bin/python" ]] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  pyver="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  apt_install "python${pyver}-venv" || apt_install python3-venv
fi
SYS_TIME=$(elapsed "$T_SYS")

# ---------------------------------------------------------------------------------------------
# 2. Virtual environment
# ---------------------------------------------------------------------------------------------
# The installers first (pip, setuptools, wheel and uv: the lock's blocks for them) with the
# venv's own pip, then the whole lock with uv: the same pins and hashes in seconds where pip
# takes a minute. --no-build-isolation, so the one sdist in the lock (`names`) is built by
# the locked setuptools instead of one fetched unpinned into an isolated build environment.
# Hash-checking mode refuses any dependency the lock does not pin (uv as pip), so an
# incomplete lock fails instead of fetching it. UV_NATIVE_TLS: the system's certificate
# store, which pip uses too (a site's TLS-inspecting proxy has its CA there). uv compiles
# no bytecode (pip compiles every file): the modules the suite imports are compiled on first
# use and kept (see PYTHONDONTWRITEBYTECODE above). Should uv fail to fetch, pip installs
# the same lock.
install_from_lock() {
  local installers="$VENV/installers.lock"
  awk '/^[A-Za-z0-9]/ { keep = ($0 ~ /^(pip|setuptools|wheel|uv)==/) } keep' \
    requirements.lock >"$installers"
  "$VENV/bin/python" -m pip install -q --require-hashes --no-deps -r "$installers"
  rm -f "$installers"
  if ! UV_NATIVE_TLS=1 "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" \
      --require-hashes --no-build-isolation -r requirements.lock; then
    log "uv could not install requirements.lock: installing it with pip"
    "$VENV/bin/python" -m pip install -q --require-hashes --no-build-isolation -r requirements.lock
  fi
  # The optional spaCy layer (off by default in CallVault) is tested like the rest.
  "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" --require-hashes -r requirements-ner.lock \
    || "$VENV/bin/python" -m pip install -q --require-hashes -r requirements-ner.lock
}

T_VENV=$(now)
if [[ -x "$VENV/bin/python" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  log "existing .venv is broken (base interpreter gone?): recreating"
  rm -rf "$VENV"
fi
[[ -f requirements.lock ]] || die "requirements.lock is missing: run ./scripts/lock.sh"
lock_digest="$( { sha256sum requirements.lock requirements-ner.lock; "$PYTHON" -VV; } | sha256sum | cut -d' ' -f1)"
project_digest="$(sha256sum pyproject.toml | cut -d' ' -f1)"
have_lock_digest="$(sed -n 1p "$STAMP" 2>/dev/null || true)"
have_project_digest="$(sed -n 2p "$STAMP" 2>/dev/null || true)"
if [[ "$lock_digest" != "$have_lock_digest" ]]; then
  # A fresh venv, so packages the lock dropped do not linger from an earlier install.
  log "creating .venv with $PYTHON from requirements.lock (lock or Python changed, or first install)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  install_from_lock
fi
if [[ "$lock_digest" != "$have_lock_digest" || "$project_digest" != "$have_project_digest" ]]; then
  log "pip install -e . --no-deps (the project itself, built by the locked setuptools)"
  rm -f "$STAMP"
  "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation --no-index -e .
  # Fails when pyproject.toml asks for something the lock does not provide.
  "$VENV/bin/python" -m pip check >/dev/null \
    || { "$VENV/bin/python" -m pip check; die "installed packages do not satisfy pyproject.toml: run ./scripts/lock.sh"; }
  printf '%s\n%s\n' "$lock_digest" "$project_digest" >"$STAMP"
else
  log ".venv is up to date with requirements.lock and pyproject.toml: skipping pip install"
fi
VENV_TIME=$(elapsed "$T_VENV")

if [[ "${CALLVAULT_BOOTSTRAP_ONLY:-0}" == "1" ]]; then
  log "bootstrap done (system ${SYS_TIME}, venv ${VENV_TIME})"
  exit 0
fi

export PATH="$VENV/bin:$PATH"
export VIRTUAL_ENV="$VENV"
export MYPY_CACHE_DIR="$VENV/.cache/mypy" RUFF_CACHE_DIR="$VENV/.cache/ruff"

declare -a SUMMARY=()
FAILED=0
record() {  # record NAME STATUS TIME
  SUMMARY+=("$(printf '  %-22s %-28s %s' "$1" "$2" "$3")")
  [[ "$2" == PASS* || "$2" == SKIP* || "$2" == "NO TESTS (filtered)" ]] || FAILED=1
}
run_step() {  # run_step NAME CMD...; never aborts the script
  local name="$1"; shift
  local t rc=0
  t=$(now)
  log "$name: $*"
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then record "$name" PASS "$(elapsed "$t")"
  else record "$name" "FAIL (exit $rc)" "$(elapsed "$t")"; fi
}

# ---------------------------------------------------------------------------------------------
# 3. Lint and typecheck (failures fail the run, but the tests still run so CI shows everything)
# ---------------------------------------------------------------------------------------------
if [[ "${CALLVAULT_SKIP_LINT:-0}" == "1" ]]; then
  record "ruff check" "SKIP (CALLVAULT_SKIP_LINT)" ""
  record "mypy" "SKIP (CALLVAULT_SKIP_LINT)" ""
else
  run_step "ruff check" ruff check src tests
  run_step "mypy" mypy
  run_step "lint-imports" lint-imports --no-cache  # the layering: docs/architecture.md
fi

# ---------------------------------------------------------------------------------------------
# 4. Tests, once per database backend
# ---------------------------------------------------------------------------------------------
# Where a pass keeps its temporary files: $TMPDIR (default /tmp); for the PostgreSQL pass,
# memory (/dev/shm) when it is a tmpfs with room, unless TMPDIR is set. Every test there
# makes a database from a template, which writes its catalogs (~8 MB) each time; on this
# VM's disk that took 50-450 ms a database, on tmpfs 20-30 ms (bench/RESULTS.md, "suite").
# The server is a throwaway with fsync off: memory loses nothing it needs.
temp_parent() {
  if [[ "$1" == postgresql && -z "${TMPDIR:-}" && -d /dev/shm && -w /dev/shm ]] &&
    [[ "$(stat -f -c %T /dev/shm 2>/dev/null)" == tmpfs ]] &&
    (($(df -Pk /dev/shm | awk 'NR==2 {print $4}') >= 4 * 1024 * 1024)); then
    echo /dev/shm
  else
    echo "${TMPDIR:-/tmp}"
  fi
}

for backend in ${CALLVAULT_BACKENDS:-sqlite postgresql}; do
  case "$backend" in sqlite | postgresql) ;; *) die "unknown backend in CALLVAULT_BACKENDS: $backend" ;; esac
  t=$(now)
  log "pytest (CALLVAULT_TEST_DATABASE=$backend) $*"
  rc=0
  # A private basetemp: pytest prunes old pytest-N dirs under the shared one, and a
  # concurrent run would delete the throwaway PostgreSQL's data directory under us.
  basetemp="$(mktemp -d "$(temp_parent "$backend")/callvault-pytest-$backend.XXXXXX")"
  # pytest-xdist: one worker per core (each starts its own throwaway PostgreSQL); an idle
  # worker takes tests queued for the other, so a long test near the end (schemathesis,
  # the kill -9 runs) does not leave one core waiting. Two per core was tried (2026-12-08):
  # no faster from a fresh clone (629 + 618 s against 619 + 627 s), and the timing-bound
  # tests (audit writer restart, sign-in burst, event-loop probe) have less margin.
  CALLVAULT_TEST_DATABASE="$backend" python -m pytest -p no:cacheprovider \
    -n "${CALLVAULT_TEST_WORKERS:-auto}" --dist worksteal --basetemp="$basetemp" "$@" || rc=$?
  rm -rf "$basetemp"
  case $rc in
    0) status=PASS ;;
    5) if [[ $# -eq 0 ]]; then status="FAIL (no tests collected)"; else status="NO TESTS (filtered)"; fi ;;
    *) status="FAIL (exit $rc)" ;;
  esac
  record "pytest [$backend]" "$status" "$(elapsed "$t")"
done

printf '\n==================== CallVault test summary ====================\n'
printf '  %-22s %-28s %s\n' "system packages" "ok" "$SYS_TIME"
printf '  %-22s %-28s %s\n' "venv + install" "ok" "$VENV_TIME"
printf '%s\n' "${SUMMARY[@]}"
if [[ $FAILED -eq 0 ]]; then
  printf '  RESULT: PASS\n================================================================\n'
else
  printf '  RESULT: FAIL\n================================================================\n'
fi
exit "$FAILED"
