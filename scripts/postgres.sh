#!/usr/bin/env bash
# A throw-away PostgreSQL server on 127.0.0.1 for the test suite.
#   scripts/postgres.sh start DIR PORT   -> initialises DIR, starts the server, prints DATABASE_URL
#   scripts/postgres.sh stop DIR
# Installs Debian's postgresql when missing. Debian's server refuses to run as root, so as root
# it runs as the 'postgres' user.
set -euo pipefail

find_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir; return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd="${1:?usage: postgres.sh start DIR PORT | stop DIR}"
dir="${2:?data directory}"
case "$cmd" in
start)
    port="${3:?port}"
    bindir="$(find_bindir || true)"
    if [ -z "$bindir" ]; then
        echo "PostgreSQL not found; installing Debian's postgresql…" >&2
        if [ "$(id -u)" != 0 ]; then echo "error: need root to apt-get install postgresql" >&2; exit 1; fi
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bindir="$(find_bindir)"
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-instructions >/dev/null
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c full_page_writes=off" \
        start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/vcf"
    ;;
stop)
    bindir="$(find_bindir)"
    if [ -d "$dir/data" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
