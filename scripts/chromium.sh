#!/usr/bin/env bash
# Prints the path of a working Chromium on stdout (for the console's browser test); progress goes to stderr.
# Order: $CHROMIUM_PATH, Debian's /usr/bin/chromium, then `apt-get install chromium` (as root, or
# through passwordless sudo). Debian's package, not a browser download: playwright-core drives it.
set -euo pipefail

say() { echo "chromium: $*" >&2; }

# Debian's /usr/bin/chromium is a shell wrapper that prints a harmless warning on some shells; the version line decides.
works() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q 'Chromium'; }

if [ -n "${CHROMIUM_PATH:-}" ]; then
  works "$CHROMIUM_PATH" || { say "CHROMIUM_PATH=$CHROMIUM_PATH does not run."; exit 1; }
  echo "$CHROMIUM_PATH"; exit 0
fi
if works /usr/bin/chromium; then echo /usr/bin/chromium; exit 0; fi

if [ "$(id -u)" -eq 0 ]; then as_root=(); elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else
  say "/usr/bin/chromium is missing and this user can neither run apt-get nor sudo without a password: install Debian's chromium package, or set CHROMIUM_PATH."
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || { say "no apt-get here: install Chromium and set CHROMIUM_PATH."; exit 1; }

# Two test files may ask at once (jest runs two workers): one installs, the other waits and finds it.
exec 9>"${TMPDIR:-/tmp}/campus-bridge-chromium.lock"
flock 9
if works /usr/bin/chromium; then echo /usr/bin/chromium; exit 0; fi

say "installing Debian's chromium package with apt-get ..."
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >&2
works /usr/bin/chromium || { say "apt-get installed chromium, but /usr/bin/chromium does not run."; exit 1; }
echo /usr/bin/chromium
