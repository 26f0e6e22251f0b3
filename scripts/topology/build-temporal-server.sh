#!/usr/bin/env bash
# Builds the Temporal server and its SQL tool once into the per-user cache and prints the folder.
# Both come from the same pinned module version, so the schema files in that module's source
# (in the Go module cache) match the tool and the server exactly.
# Usage: build-temporal-server.sh            -> prints the cache folder on stdout, progress on stderr
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"

dest="$TOPOLOGY_CACHE/temporal-server-$TEMPORAL_SERVER_VERSION"
say() { echo "build-temporal-server: $*" >&2; }

if [ -x "$dest/bin/temporal-server" ] && [ -x "$dest/bin/temporal-sql-tool" ]; then
  echo "$dest"; exit 0
fi
command -v go >/dev/null || { say "Go is not installed; the topology test needs Go $TEMPORAL_GO_TOOLCHAIN or newer."; exit 1; }

mkdir -p "$TOPOLOGY_CACHE"
# Build into a private folder and rename into place: a killed build never leaves half a cache.
work=$(mktemp -d "$TOPOLOGY_CACHE/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN"   # the server's go.mod asks for a newer Go than the machine's
export GOBIN="$work/bin"
export GOFLAGS="-buildvcs=false"
started=$(date +%s)
say "go install go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION (takes 10-20 min the first time) ..."
go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" >&2
say "go install go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION ..."
go install "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" >&2
mv "$work/bin/server" "$work/bin/temporal-server"
mv "$work/bin/sql" "$work/bin/temporal-sql-tool"
echo $(( $(date +%s) - started )) > "$work/build-seconds"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
say "built in $(cat "$dest/build-seconds") s into $dest"
echo "$dest"
