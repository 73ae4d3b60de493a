#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suites: its own data folder, 127.0.0.1 only, trust
# authentication, a free port. Used by scripts/test.mjs (developer runs) and .ci/run (CI).
#
#   scripts/pg-test-server.sh start DIR   # DIR must not exist; prints the admin URL on stdout
#   scripts/pg-test-server.sh stop DIR    # stops the server and deletes DIR
#   scripts/pg-test-server.sh bindir      # prints where initdb/pg_ctl were found, or fails
#
# Binaries: $PG_BIN if set, else the newest /usr/lib/postgresql/*/bin (Debian/Ubuntu), else PATH.
# As root, PostgreSQL refuses to run, so the server runs as the `postgres` user.
set -euo pipefail

die() { echo "pg-test-server: $*" >&2; exit 1; }

find_bindir() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
    echo "$PG_BIN"
    return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$newest" && -x "$newest/initdb" && -x "$newest/pg_ctl" ]]; then
    echo "$newest"
    return
  fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return
  fi
  die "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PATH; install the postgresql package or set PG_BIN"
}

# Runs a command as the user that owns the server: postgres when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' user to own the server (apt-get install postgresql creates it)"
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  # The kernel picks an unused port; the tiny window before PostgreSQL binds it is acceptable for tests.
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local dir=$1 bin port
  [[ -e "$dir" ]] && die "$dir already exists; give a fresh path"
  bin=$(find_bindir)
  mkdir -p "$dir"
  # The data folder is a child of $dir so that $dir can hold the log and the socket too.
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  as_owner test -w "$dir" || die "the server user cannot write $dir (is its parent folder private to root?)"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null ||
    { cat "$dir/server.log" >&2; die "pg_ctl start failed"; }
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1 bin
  [[ -d "$dir" ]] || return 0
  bin=$(find_bindir)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      echo "pg-test-server: pg_ctl stop failed; see $dir/server.log" >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) [[ $# -eq 2 ]] || die "usage: $0 start DIR"; start "$2" ;;
  stop) [[ $# -eq 2 ]] || die "usage: $0 stop DIR"; stop "$2" ;;
  bindir) find_bindir ;;
  *) die "usage: $0 start DIR | stop DIR | bindir" ;;
esac
