#!/usr/bin/env bash
# PostgreSQL for the tests: a throw-away cluster on 127.0.0.1:55432, trust auth, database
# bridge_test owned by role bridge_test. Verbs: packages | start DIR | env DIR | stop DIR (see README.md).
# When 55432 is taken (a developer's cluster, another test run) start takes the next free port up
# to 55531, unless CPAN_BRIDGE_TEST_PG_PORT asks for one; DIR/port remembers it for env.
set -euo pipefail

PORT=${CPAN_BRIDGE_TEST_PG_PORT:-55432}
DB=bridge_test
ROLE=bridge_test

verb=${1:-}
dir=${2:-}

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "postgresql.sh: no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)" >&2; exit 1; }
  echo "$d"
}

# Run as the cluster owner: postgres when we are root (PostgreSQL refuses to run as root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && setpriv --reuid=postgres --regid=postgres --init-groups -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_env() {
  [ -z "${CPAN_BRIDGE_TEST_PG_PORT:-}" ] && [ -f "$dir/port" ] && PORT=$(cat "$dir/port")
  cat <<EOF
export PGHOST=127.0.0.1
export PGPORT=$PORT
export PGUSER=$ROLE
export PGDATABASE=$DB
export CPAN_BRIDGE_TEST_PG_USER=$ROLE
export CPAN_BRIDGE_TEST_PG_DSN='dbi:Pg:dbname=$DB;host=127.0.0.1;port=$PORT'
EOF
}

need_dir() {
  [ -n "$dir" ] || { echo "usage: $0 $verb DIR" >&2; exit 2; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
}

case "$verb" in
  packages)
    echo postgresql
    ;;
  start)
    need_dir
    bin=$(pg_bindir)
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      chmod 0755 "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      cat >>"$dir/data/postgresql.conf" <<EOF
# cpanbridge test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 32MB
EOF
      cat >"$dir/data/pg_hba.conf" <<EOF
local all all              trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128      trust
EOF
    fi
    # The port is given at start (-p), not in postgresql.conf, so a restart may take another one.
    # Two runs probing at once may pick the same port: the loser's start fails and it moves on.
    last=$PORT
    [ -n "${CPAN_BRIDGE_TEST_PG_PORT:-}" ] || last=$((PORT + 99))
    started=0
    for ((p = PORT; p <= last; p++)); do
      port_busy "$p" && continue
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-p $p" -w -t 30 start >/dev/null 2>"$dir/pg_ctl.err"; then
        started=1
        PORT=$p
        break
      fi
      # A failure that is not about the port would fail on every port.
      grep -qiE 'could not (bind|create listen)|address already in use' "$dir/postgres.log" 2>/dev/null || break
    done
    if [ $started = 0 ]; then
      echo "postgresql.sh: could not start on 127.0.0.1 ports $PORT..$last" >&2
      cat "$dir/pg_ctl.err" "$dir/postgres.log" >&2 2>/dev/null || true
      exit 1
    fi
    echo "$PORT" >"$dir/port"
    psql() { as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
    if [ "$(psql -d postgres -tAc "select 1 from pg_roles where rolname = '$ROLE'")" != 1 ]; then
      psql -d postgres -c "create role $ROLE login createdb"
    fi
    if [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$DB'")" != 1 ]; then
      psql -d postgres -c "create database $DB owner $ROLE"
    fi
    echo "postgresql: listening on 127.0.0.1:$PORT, data in $dir/data" >&2
    print_env
    ;;
  env)
    need_dir
    print_env
    ;;
  stop)
    need_dir
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    bin=$(pg_bindir)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    ;;
  *)
    echo "usage: $0 packages | start DIR | env DIR | stop DIR" >&2
    exit 2
    ;;
esac
