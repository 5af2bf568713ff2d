#!/usr/bin/env bash
# The nightly backup of a CallVault vault and its retention window (docs/backups.md).
#
#   callvault-backup.sh DATA_DIR DEST_DIR [--keep-days N]
#
# Run it as the service's user, with the service's environment (CALLVAULT_DATABASE_URL
# for PostgreSQL: the unit reads /etc/callvault/callvault.env), while CallVault runs. It
#   1. writes DEST_DIR/callvault-<UTC time>.cvbak with `callvault backup create`: one
#      consistent snapshot of the database, the blobs, the audit checkpoints and the TLS
#      material, encrypted under a fresh key that the root key wraps (root.key itself is
#      never in it: keep it apart, docs/deploy.md);
#   2. checks the new file with `callvault backup verify` (every member against its hash);
#   3. removes the backups created more than N days ago (default 35) with
#      `callvault backup prune`: shredded data leaves the backup set with the last backup
#      that held it, so N is the window your retention policy states.
# CALLVAULT names the callvault program (default: the install of docs/deploy.md).
set -euo pipefail
umask 077

usage() { echo "usage: $0 DATA_DIR DEST_DIR [--keep-days N]" >&2; exit 2; }
[[ $# -eq 2 || $# -eq 4 ]] || usage
DATA="$1"
DEST="$2"
KEEP_DAYS=35
if [[ $# -eq 4 ]]; then
  [[ "$3" == "--keep-days" ]] || usage
  KEEP_DAYS="$4"
fi
CALLVAULT="${CALLVAULT:-/opt/callvault/venv/bin/callvault}"
[[ -f "$DATA/root.key" ]] || { echo "ERROR: $DATA is not a CallVault data directory" >&2; exit 1; }

mkdir -p "$DEST"
OUT="$DEST/callvault-$(date -u +%Y%m%dT%H%M%SZ).cvbak"
"$CALLVAULT" backup create --data-dir "$DATA" --out "$OUT" >&2
"$CALLVAULT" backup verify "$OUT" --data-dir "$DATA" >&2
"$CALLVAULT" backup prune "$DEST" --keep-days "$KEEP_DAYS" --data-dir "$DATA" >&2
echo "$OUT"
