#!/usr/bin/env bash
# Creates Temporal's two databases on the private PostgreSQL and sets up their schema with
# Temporal's own SQL tool and the schema files of the same module version the server was built from.
# Usage: temporal-schema.sh <server-cache-dir> <postgres-port>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
cache=${1:?server cache dir}; port=${2:?postgres port}

# `go install` left the module's source (schema files included) in the module cache.
modcache=$(GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN" go env GOMODCACHE)
schema="$modcache/go.temporal.io/server@$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
[ -d "$schema/temporal/versioned" ] || { echo "temporal-schema: no schema files at $schema" >&2; exit 1; }

for db in temporal temporal_visibility; do
  dir=temporal; [ "$db" = temporal_visibility ] && dir=visibility
  sql=("$cache/bin/temporal-sql-tool" --plugin postgres12 --endpoint 127.0.0.1 --port "$port" --user temporal --password temporal --database "$db")
  "${sql[@]}" create-database >&2
  "${sql[@]}" setup-schema -v 0.0 >&2
  "${sql[@]}" update-schema -d "$schema/$dir/versioned" >&2
done
