#!/usr/bin/env bash
# pg_ctl wrapper for the test suite's throwaway PostgreSQL (STACK_NOTES section 1, workaround B).
#
# pg_ctl refuses to run as root ("pg_ctl: cannot be run as root"), but the tests run as root in
# CI. pytest-postgresql is pointed at this script instead of pg_ctl (tests/_postgres.py). When
# the caller is root it:
#   1. creates the system user `pgtest` if missing,
#   2. finds the data directory (-D DIR, -DDIR, --pgdata DIR, --pgdata=DIR) and chowns its
#      parent (pytest's per-fixture temp dir, which also holds the server log) to pgtest,
#   3. adds o+x to every ancestor of that parent (pytest makes its basetemp dirs 0700),
#   4. execs the real pg_ctl as pgtest via runuser.
# As any other user it just execs the real pg_ctl.
#
# The real pg_ctl is $CALLVAULT_REAL_PG_CTL, else the highest /usr/lib/postgresql/*/bin/pg_ctl.
set -euo pipefail

real="${CALLVAULT_REAL_PG_CTL:-}"
if [[ -z "$real" ]]; then
  real="$(compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' | sort -V | tail -n 1 || true)"
fi
if [[ -z "$real" || ! -x "$real" ]]; then
  echo "pg_ctl_as_pgtest.sh: no pg_ctl found under /usr/lib/postgresql/*/bin;" \
    "run ./scripts/test.sh (it installs the Debian package postgresql)" >&2
  exit 127
fi

if [[ "$(id -u)" -ne 0 ]]; then
  exec "$real" "$@"
fi

PGUSER_NAME=pgtest
if ! id -u "$PGUSER_NAME" >/dev/null 2>&1; then
  useradd --system --create-home --shell /usr/sbin/nologin "$PGUSER_NAME" 2>/dev/null \
    || id -u "$PGUSER_NAME" >/dev/null 2>&1 \
    || { echo "pg_ctl_as_pgtest.sh: could not create user $PGUSER_NAME" >&2; exit 1; }
fi

datadir=""
prev=""
keep_cwd=0
for arg in "$@"; do
  case "$prev" in
    -D | --pgdata) datadir="$arg" ;;
  esac
  case "$arg" in
    --pgdata=*) datadir="${arg#--pgdata=}" ;;
    -D?*) datadir="${arg#-D}" ;;
  esac
  prev="$arg"
done

if [[ -n "$datadir" ]]; then
  if [[ "$datadir" != /* ]]; then datadir="$PWD/$datadir"; keep_cwd=1; fi
  parent="$(dirname -- "$datadir")"
  if [[ -d "$parent" ]]; then
    if [[ "$(stat -c %U -- "$parent")" != "$PGUSER_NAME" ]]; then
      chown "$PGUSER_NAME" -- "$parent"
    fi
    # Let pgtest traverse to the parent: add o+x wherever it is missing, up to /.
    dir="$parent"
    while :; do
      dir="$(dirname -- "$dir")"
      mode="$(stat -c %a -- "$dir")"
      if (( (8#$mode & 1) == 0 )); then
        chmod o+x -- "$dir"
      fi
      [[ "$dir" == / ]] && break
    done
  fi
fi

# pgtest may not be able to read root's cwd (e.g. a checkout under /root); pytest-postgresql passes
# absolute paths, so leave the cwd unless a relative data directory was given.
[[ "$keep_cwd" -eq 1 ]] || cd /
exec runuser -u "$PGUSER_NAME" -- "$real" "$@"
