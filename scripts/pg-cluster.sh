#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a directory of its own, on a loopback port.
#
#   scripts/pg-cluster.sh start DIR PORT   # initdb (once) and start; returns when it accepts connections
#   scripts/pg-cluster.sh restart DIR      # fast restart (drops every connection), waits until ready again
#   scripts/pg-cluster.sh stop DIR         # fast stop; nothing to do when it is not running
#
# The cluster lives in DIR/data (log in DIR/log, Unix socket in DIR), trusts every local connection as the
# superuser `postgres` (-A trust -U postgres) and listens on 127.0.0.1:PORT only, so the tests connect with
#   postgresql://postgres@127.0.0.1:PORT/DBNAME
# fsync stays on: the durability tests mean what they say. PostgreSQL refuses to run as root, so as root the
# server runs as the `postgres` OS user (Debian's package makes it) and DIR is handed to that user.
# The binaries are Debian's, /usr/lib/postgresql/<newest version>/bin, unless PG_BINDIR names others.
# Every command is idempotent and quiet; on failure it prints why (and the server log's tail) on stderr.
set -euo pipefail

die() {
    echo "pg-cluster: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR PORT | restart DIR | stop DIR" >&2
    exit 2
}

bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        echo "$PG_BINDIR"
        return
    fi
    local d
    d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
        die "no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql)"
    fi
    echo "$d"
}

# Run a server binary as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

log_tail() {
    if [ -f "$DIR/log" ]; then tail -n 30 "$DIR/log" >&2; fi
}

running() {
    as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

# pg_ctl -w already waits for the postmaster; pg_isready confirms that TCP connections are accepted.
wait_ready() {
    local port _
    port=$(cat "$DIR/port")
    for _ in $(seq 1 300); do
        if pg_isready -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1; then return 0; fi
        sleep 0.1
    done
    log_tail
    die "the cluster in $DIR does not accept connections on 127.0.0.1:$port"
}

start() {
    local port=$1
    case "$port" in '' | *[!0-9]*) usage ;; esac
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (apt-get install postgresql)"
        chown postgres: "$DIR"
        chmod 700 "$DIR"
        as_owner test -w "$DIR" || die "user postgres cannot write $DIR (a parent directory is closed to it)"
    fi
    if [ -f "$DIR/port" ] && [ "$(cat "$DIR/port")" != "$port" ] && running; then
        die "the cluster in $DIR already runs on port $(cat "$DIR/port"), not $port"
    fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
            >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed in $DIR/data"; }
    fi
    echo "$port" >"$DIR/port"
    if ! running; then
        # The socket goes into DIR too: /var/run/postgresql may not exist, and it must not meet the system's.
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -k $DIR -p $port" start >/dev/null ||
            { log_tail; die "the cluster in $DIR did not start"; }
    fi
    wait_ready
}

stop() {
    [ -f "$DIR/data/PG_VERSION" ] || return 0
    running || return 0
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null ||
        { log_tail; die "the cluster in $DIR did not stop"; }
}

restart() {
    [ -f "$DIR/data/PG_VERSION" ] || die "no cluster in $DIR (start it first)"
    # pg_ctl restart keeps the options of the last start (postmaster.opts): the same port and socket dir.
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -m fast -w -t 60 restart >/dev/null ||
        { log_tail; die "the cluster in $DIR did not restart"; }
    wait_ready
}

[ $# -ge 2 ] || usage
cmd=$1
DIR=$2
case "$cmd" in start | stop | restart) ;; *) usage ;; esac
BIN=$(bindir)
[ "$cmd" != start ] || mkdir -p "$DIR"
if [ ! -d "$DIR" ]; then
    [ "$cmd" = stop ] && exit 0 # nothing there, nothing running
    die "no directory $DIR"
fi
# An absolute path, and a working directory that the postgres user may read (pg_ctl asks for it).
DIR=$(cd "$DIR" && pwd)
cd /
case "$cmd" in
    start) [ $# -eq 3 ] || usage; start "$3" ;;
    stop) [ $# -eq 2 ] || usage; stop ;;
    restart) [ $# -eq 2 ] || usage; restart ;;
    *) usage ;;
esac
