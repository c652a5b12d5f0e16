#!/bin/sh
# Update the kiosk software without ever losing the queue.
#
#   1. count what is in the database (applications, queue depth);
#   2. stop the kiosk (the store finishes its transaction; nothing is half-written);
#   3. back up database + key + secret + settings with kiosk-backup.sh (integrity-checked);
#   4. install the new version into a NEW directory /opt/kiosk/releases/<version>;
#   5. switch the /opt/kiosk/current symlink atomically;
#   6. start the kiosk: schema migrations run at start, each in one transaction;
#   7. verify: service active, database check ok, no application missing;
#   8. on any failure: switch the symlink back, restore nothing (the database was never
#      deleted), start the old version, and say so.
#
# Usage: kiosk-update.sh WHEEL_OR_DIRECTORY
set -eu

SOURCE=${1:?usage: kiosk-update.sh kiosk-VERSION-py3-none-any.whl}
DATA=/var/lib/kiosk
OPT=/opt/kiosk
KIOSK_USER=kiosk
HERE=$(cd "$(dirname "$0")" && pwd)

count() {
    runuser -u "$KIOSK_USER" -- sqlite3 "$DATA/kiosk.sqlite3" "$1"
}

doctor_database() {
    runuser -u "$KIOSK_USER" -- env KIOSK_HOME="$DATA" "$OPT/current/venv/bin/kiosk" \
        doctor --json --skip-devices > /tmp/kiosk-doctor.json || true
    python3 -c 'import json,sys; d=json.load(open("/tmp/kiosk-doctor.json")); \
c=[x for x in d["checks"] if x["key"]=="database"]; sys.exit(0 if c and c[0]["status"]=="ok" else 1)'
}

before_apps=$(count "SELECT COUNT(*) FROM applications;")
before_queue=$(count "SELECT COUNT(*) FROM outbox;")
echo "before: $before_apps applications, $before_queue waiting to be sent"

systemctl stop kiosk.service
backup=$("$HERE/kiosk-backup.sh" "$DATA")
echo "backup: $backup"

previous=$(readlink -f "$OPT/current")
release="$OPT/releases/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$release"
python3 -m venv "$release/venv"
"$release/venv/bin/pip" install --no-index --find-links "$(dirname "$SOURCE")" "$SOURCE"
cp -r "$HERE" "$release/deploy"
ln -sfn "$release" "$OPT/current.new"
mv -T "$OPT/current.new" "$OPT/current"

rollback() {
    echo "kiosk-update: $1; rolling back to $previous" >&2
    ln -sfn "$previous" "$OPT/current.new"
    mv -T "$OPT/current.new" "$OPT/current"
    systemctl restart kiosk.service
    echo "kiosk-update: old version running again; database untouched; backup in $backup" >&2
    exit 1
}

systemctl start kiosk.service || rollback "the new version did not start"
# Wait for the app's READY (Type=notify) and then some watchdog pings.
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
    systemctl is-active --quiet kiosk.service && break
    sleep 5
done
systemctl is-active --quiet kiosk.service || rollback "the new version is not running"
doctor_database || rollback "database check failed after migrations"
after_apps=$(count "SELECT COUNT(*) FROM applications;")
[ "$after_apps" -ge "$before_apps" ] || rollback "applications missing ($after_apps < $before_apps)"
echo "updated: $after_apps applications, $(count 'SELECT COUNT(*) FROM outbox;') waiting to be sent"
