#!/usr/bin/env bash
# A private PostgreSQL cluster for the topology run, from Debian's packages.
#   postgres.sh start <data-dir> <port>   installs PostgreSQL if missing, initdb, starts it on
#                                         127.0.0.1:<port>, creates role/password temporal
#   postgres.sh stop <data-dir>           fast shutdown (no-op when not running)
#   postgres.sh version                   the server's version line
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user that
# Debian's package creates; the data folder is handed to that user.
set -euo pipefail

say() { echo "postgres: $*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

ensure_installed() {
  pg_bin >/dev/null && return 0
  [ "$(id -u)" = 0 ] || { say "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"; exit 1; }
  say "installing PostgreSQL from Debian's packages ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # The package would start a system cluster on 5432; the run needs only the binaries.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  pg_bin >/dev/null || { say "apt-get installed no PostgreSQL server binaries"; exit 1; }
}

# Runs a PostgreSQL binary as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    data=${2:?data dir}; port=${3:?port}
    ensure_installed
    bin=$(pg_bin)
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
      pwfile=$(mktemp); echo temporal > "$pwfile"; chmod 644 "$pwfile"
      # The superuser is `temporal` with password auth on loopback, as Temporal's sample configs expect.
      as_owner "$bin/initdb" -D "$data" -U temporal --pwfile="$pwfile" -A scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
        || { rm -f "$pwfile"; say "initdb failed; see $data.initdb.log"; exit 1; }
      rm -f "$pwfile"
    fi
    # Sockets in the data folder, no system-wide paths; loopback TCP only. fsync=off: the run never
    # crashes PostgreSQL (only a worker), so it changes speed, not what the run shows.
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >&2
    ;;
  stop)
    data=${2:?data dir}
    bin=$(pg_bin) || exit 0
    [ -f "$data/postmaster.pid" ] || exit 0
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2 || true
    ;;
  version)
    bin=$(pg_bin) || { echo "not installed"; exit 0; }
    "$bin/postgres" --version
    ;;
  *)
    echo "usage: postgres.sh start <data-dir> <port> | stop <data-dir> | version" >&2; exit 2 ;;
esac
