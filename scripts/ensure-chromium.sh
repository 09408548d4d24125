#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/browser drive it with Playwright; Playwright's own
# browser download is never used).  Installed with apt-get when missing and running as root; otherwise
# the browser tests skip and say why.  Always exits 0: a missing browser is a skip, not a failure.
set -uo pipefail
chromium=${LINLAB_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] && exit 0

skip() { echo "*** browser tests will be SKIPPED: $* ***" >&2; exit 0; }
[ "$(id -u)" = 0 ] || skip "$chromium is missing and installing Debian's chromium needs root"
command -v apt-get >/dev/null || skip "$chromium is missing and there is no apt-get to install it"

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
stamp=${TMPDIR:-/tmp}/linlab-apt-update.stamp  # one `apt-get update` an hour, shared with postgres_tests.py
echo "installing Debian's chromium with apt-get (for the browser tests)"
if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
  apt-get update -qq >"$log" 2>&1 || skip "apt-get update failed: $(tail -3 "$log")"
  touch "$stamp"
fi
apt-get install -y -qq chromium >"$log" 2>&1 || skip "apt-get install chromium failed: $(tail -3 "$log")"
rm -f "$log"
[ -x "$chromium" ] || skip "chromium was installed but $chromium does not exist"
echo "installed $("$chromium" --version 2>/dev/null)"
