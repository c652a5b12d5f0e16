#!/bin/sh
# First installation on a Debian/Ubuntu terminal (run as root from the release directory).
# Afterwards the terminal boots straight into the kiosk's provisioning wizard.
set -eu

WHEEL=${1:?usage: install.sh kiosk-VERSION-py3-none-any.whl}
HERE=$(cd "$(dirname "$0")" && pwd)
OPT=/opt/kiosk

apt-get install -y --no-install-recommends cage sqlite3 python3-venv fonts-noto-cjk \
    pcscd cups qtwayland5 espeak-ng

install -m 0644 "$HERE/sysusers.d/kiosk.conf" /etc/sysusers.d/kiosk.conf
install -m 0644 "$HERE/tmpfiles.d/kiosk.conf" /etc/tmpfiles.d/kiosk.conf
install -m 0644 "$HERE/pam.d/kiosk-cage" /etc/pam.d/kiosk-cage
install -D -m 0644 "$HERE/journald.conf.d/kiosk.conf" /etc/systemd/journald.conf.d/kiosk.conf
install -m 0644 "$HERE/udev/70-kiosk-devices.rules" /etc/udev/rules.d/70-kiosk-devices.rules
systemd-sysusers
systemd-tmpfiles --create /etc/tmpfiles.d/kiosk.conf
udevadm control --reload

release="$OPT/releases/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$release"
python3 -m venv "$release/venv"
"$release/venv/bin/pip" install --no-index --find-links "$(dirname "$WHEEL")" "$WHEEL"
cp -r "$HERE" "$release/deploy"
chmod 0755 "$release/deploy/"*.sh
ln -sfn "$release" "$OPT/current"

for unit in kiosk.service kiosk-backup.service kiosk-backup.timer; do
    install -m 0644 "$HERE/systemd/$unit" "/etc/systemd/system/$unit"
done
systemctl daemon-reload
systemctl restart systemd-journald
systemctl set-default graphical.target
systemctl enable kiosk.service kiosk-backup.timer
systemctl disable getty@tty1.service || true
echo "installed; reboot, then follow the provisioning wizard (docs/technician-guide.md)"
