#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on 127.0.0.1.
#
#   scripts/with-postgres.sh COMMAND [ARG...]
#       Starts a new cluster in a temporary folder, runs COMMAND with
#       CALLBACK_TEST_POSTGRES_URL (its superuser's URL, database
#       `postgres`), CALLBACK_TEST_POSTGRES_REQUIRED=1 (a test that needs
#       PostgreSQL then fails rather than skips) and CALLBACK_TEST_POSTGRES_BIN
#       (the server's programs: pg_dump, pg_ctl, ...), then stops the cluster
#       and removes the folder, whatever COMMAND did. Exits with COMMAND's
#       status. E.g. `scripts/with-postgres.sh cargo test -p callback-store`.
#
#   scripts/with-postgres.sh --start DIR
#       Creates a cluster in DIR (an empty or missing folder) or starts the
#       one already there, on the port it had, and prints its URL. For tests
#       that stop and start a server of their own.
#
#   scripts/with-postgres.sh --stop DIR [MODE]
#       Stops the cluster in DIR: pg_ctl's shutdown MODE, `fast` by default
#       (`immediate` is a crash: no checkpoint, clients cut off).
#
# The server's programs are taken from $PG_BIN, else the newest
# /usr/lib/postgresql/*/bin, else `pg_config --bindir`. Run as root (as CI
# is), the cluster belongs to the system user `postgres` (initdb refuses
# root); otherwise to the user running it. Authentication is `trust`, the
# server listens on 127.0.0.1 only, and fsync is off: a crash of the server
# (`--stop DIR immediate`) loses no committed transaction, a crash of the
# machine would, which a throwaway cluster does not mind.
set -euo pipefail

die() { printf 'with-postgres.sh: %s\n' "$*" >&2; exit 2; }

pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        printf '%s\n' "$PG_BIN"
        return
    fi
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
        printf '%s\n' "$newest"
    elif command -v pg_config >/dev/null 2>&1; then
        pg_config --bindir
    else
        die "no PostgreSQL server found (set PG_BIN, or install postgresql: apt-get install postgresql)"
    fi
}

BIN=$(pg_bin)
[ -x "$BIN/initdb" ] || die "$BIN/initdb is missing (set PG_BIN to the folder of initdb and pg_ctl)"

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Whether something accepts connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
    local dir=$1
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
            --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
    fi
    local port tries=0
    while :; do
        if [ -f "$dir/port" ]; then
            port=$(cat "$dir/port")
        else
            port=$((20000 + RANDOM % 30000))
            if port_in_use "$port"; then continue; fi
        fi
        if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" \
            start >/dev/null; then
            as_owner sh -c "echo $port > '$dir/port'"
            break
        fi
        tries=$((tries + 1))
        # A port taken between the check and the start: try another, unless
        # the cluster already has one (a restart must keep its URL).
        if [ -f "$dir/port" ] || [ "$tries" -ge 5 ]; then
            tail -20 "$dir/server.log" >&2 || true
            die "the PostgreSQL server in $dir did not start"
        fi
    done
    printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$port"
}

stop() {
    local dir=$1 mode=${2:-fast}
    [ -f "$dir/data/postmaster.pid" ] || return 0
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null
}

case "${1:-}" in
    --start)
        [ $# -eq 2 ] || die "usage: $0 --start DIR"
        start "$2"
        ;;
    --stop)
        [ $# -ge 2 ] && [ $# -le 3 ] || die "usage: $0 --stop DIR [MODE]"
        stop "$2" "${3:-fast}"
        ;;
    "" | -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
        [ -n "${1:-}" ] || exit 2
        ;;
    *)
        dir=$(mktemp -d "${TMPDIR:-/tmp}/callback-postgres.XXXXXX")
        trap 'stop "$dir" fast || true; rm -rf "$dir"' EXIT
        url=$(start "$dir")
        echo "with-postgres.sh: PostgreSQL at $url (from $BIN)" >&2
        export CALLBACK_TEST_POSTGRES_URL="$url"
        export CALLBACK_TEST_POSTGRES_REQUIRED=1
        export CALLBACK_TEST_POSTGRES_BIN="$BIN"
        status=0
        "$@" || status=$?
        exit "$status"
        ;;
esac
