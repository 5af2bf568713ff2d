#!/usr/bin/env bash
# An online, consistent backup of a CallVault data directory (docs/deploy.md, "Backups").
#
#   callvault-backup.sh DATA_DIR DEST_DIR [--age-recipients FILE]
#
# Run it as the service's user (runuser -u callvault -- ...), while CallVault runs; it writes
# DEST_DIR/callvault-<UTC time>/ holding, in this order:
#   audit-checkpoints/  first, so the heads `audit verify` accepted never run ahead of the
#                       database copied next
#   callvault.db        SQLite's online backup (`.backup`): one consistent snapshot of the
#                       database and its WAL, taken while writers go on; then integrity-checked.
#                       Skipped when the database is PostgreSQL (back that up with pg_dump or
#                       pg_basebackup); a plain copy of a live WAL database is never taken.
#   blobs/              after the database, so every blob the copied rows name is there (a
#                       blob written since is an orphan the copy can do without); uploads
#                       still in progress (blobs/.tmp) are left out
#   tls/                the listener's certificate and key
#   SHA256SUMS          of every file above
# root.key is never copied: it decrypts everything, so it is kept apart (docs/deploy.md).
#
# With --age-recipients FILE the snapshot is packed and encrypted to those age public keys
# (DEST_DIR/callvault-<time>.tar.age) and the clear copy removed: the backup host then
# holds nothing it can read.
set -euo pipefail
umask 077

usage() { echo "usage: $0 DATA_DIR DEST_DIR [--age-recipients FILE]" >&2; exit 2; }
[[ $# -eq 2 || $# -eq 4 ]] || usage
DATA="$(cd -- "$1" && pwd -P)"
DEST_ROOT="$2"
RECIPIENTS=""
if [[ $# -eq 4 ]]; then
  [[ "$3" == "--age-recipients" ]] || usage
  RECIPIENTS="$4"
  command -v age >/dev/null || { echo "ERROR: age not installed (apt-get install age)" >&2; exit 1; }
fi
[[ -f "$DATA/root.key" ]] || { echo "ERROR: $DATA is not a CallVault data directory" >&2; exit 1; }

NAME="callvault-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$DEST_ROOT"
SNAP="$DEST_ROOT/$NAME.partial"
mkdir "$SNAP"
trap 'rm -rf "$SNAP"' EXIT

# 1. The verified-head checkpoints, before the database.
if [[ -d "$DATA/audit-checkpoints" ]]; then
  cp -a "$DATA/audit-checkpoints" "$SNAP/"
fi

# 2. The database: SQLite's online backup API, never cp.
if [[ -f "$DATA/callvault.db" ]]; then
  command -v sqlite3 >/dev/null || { echo "ERROR: sqlite3 not installed (apt-get install sqlite3)" >&2; exit 1; }
  sqlite3 "$DATA/callvault.db" ".timeout 30000" ".backup '$SNAP/callvault.db'"
  check="$(sqlite3 "$SNAP/callvault.db" "PRAGMA integrity_check;")"
  [[ "$check" == "ok" ]] || { echo "ERROR: the copied database fails integrity_check: $check" >&2; exit 1; }
else
  echo "note: no callvault.db: back up the PostgreSQL database with pg_dump or pg_basebackup" >&2
fi

# 3. Blobs after the database; 4. TLS material.
if [[ -d "$DATA/blobs" ]]; then
  tar -C "$DATA" --exclude=blobs/.tmp -cf - blobs | tar -C "$SNAP" -xf -
fi
if [[ -d "$DATA/tls" ]]; then
  cp -a "$DATA/tls" "$SNAP/"
fi

(cd "$SNAP" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 -r sha256sum >SHA256SUMS)

if [[ -n "$RECIPIENTS" ]]; then
  tar -C "$SNAP" -cf - . | age --encrypt --recipients-file "$RECIPIENTS" \
    >"$DEST_ROOT/$NAME.tar.age.partial"
  mv "$DEST_ROOT/$NAME.tar.age.partial" "$DEST_ROOT/$NAME.tar.age"
  echo "$DEST_ROOT/$NAME.tar.age"
else
  mv "$SNAP" "$DEST_ROOT/$NAME"
  echo "$DEST_ROOT/$NAME"
fi
