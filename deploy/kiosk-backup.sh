#!/bin/sh
# Consistent backup of the kiosk's data: database (sqlite3 .backup), data key, platform
# secret and settings. Without data.key the encrypted database is useless: they are
# always backed up together. Prints the backup directory on success.
#
# Usage: kiosk-backup.sh [DATA_DIR [BACKUP_ROOT]]
set -eu

DATA=${1:-/var/lib/kiosk}
ROOT=${2:-/var/backups/kiosk}
KIOSK_USER=${KIOSK_USER:-kiosk}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DEST="$ROOT/$STAMP"

as_kiosk() {
    # The database must only ever be opened as its owner: a root-owned -wal/-shm file
    # would stop the kiosk from opening its own database.
    if [ "$(id -un)" = "$KIOSK_USER" ]; then "$@"; else runuser -u "$KIOSK_USER" -- "$@"; fi
}

[ -f "$DATA/kiosk.sqlite3" ] || { echo "kiosk-backup: no database in $DATA" >&2; exit 1; }
umask 077
mkdir -p "$DEST"
is_root() { [ "$(id -u)" = 0 ]; }
if is_root; then chown "$KIOSK_USER" "$DEST"; fi

as_kiosk sqlite3 "$DATA/kiosk.sqlite3" ".backup '$DEST/kiosk.sqlite3'"
result=$(as_kiosk sqlite3 "$DEST/kiosk.sqlite3" "PRAGMA integrity_check;")
if [ "$result" != "ok" ]; then
    echo "kiosk-backup: the backup failed its integrity check: $result" >&2
    exit 1
fi
for file in data.key platform.secret terminal.toml; do
    [ -f "$DATA/$file" ] && cp -p "$DATA/$file" "$DEST/$file"
done
# Attachments are content-addressed and encrypted; copy new ones only.
if [ -d "$DATA/attachments" ]; then
    mkdir -p "$ROOT/attachments"
    cp -rpn "$DATA/attachments/." "$ROOT/attachments/"
fi
if is_root; then chown -R root:root "$DEST"; fi
chmod -R go-rwx "$DEST"
# Keep the newest 14 backups.
ls -1d "$ROOT"/20* 2>/dev/null | sort | head -n -14 | xargs -r rm -rf
echo "$DEST"
