#!/usr/bin/env bash
# Writes the offline metadata of the compile-time checked queries (`sqlx::query!` and friends) into
# `.sqlx/`, or with --check verifies that `.sqlx/` matches the code. Run it after changing any
# checked query or migration, and commit `.sqlx/`.
#
# The queries are prepared against a throwaway PostgreSQL cluster started here from the system's
# server binaries (found like the server's embedded cluster: IOC_PG_BIN, Debian's newest
# /usr/lib/postgresql/<N>/bin, or PATH), listening on a unix socket in a temporary directory only,
# with the project's migrations applied by sqlx-cli (the same sqlx migrator the server embeds).
# TimescaleDB is never preloaded: the time-series tables have the same columns either way, and the
# metadata must not depend on what this machine has installed. The cluster is stopped and the
# directory removed on every exit.
#
# Usage: sqlx-prepare.sh [--check]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHECK=()
case "${1:-}" in
    "") ;;
    --check) CHECK=(--check) ;;
    *) die "usage: $0 [--check]" ;;
esac

SQLX_BIN="$(sqlx_cli_root)/bin"
[ -x "$SQLX_BIN/cargo-sqlx" ] || die "sqlx-cli $(sqlx_version) missing: run scripts/setup.sh"
export PATH="$SQLX_BIN:$PATH"

find_pg_bin() {
    if [ -n "${IOC_PG_BIN:-}" ] && [ -x "$IOC_PG_BIN/initdb" ]; then echo "$IOC_PG_BIN"; return; fi
    local newest
    newest=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null |
        awk -F/ '$5 ~ /^[0-9]+$/ { print $5, $0 }' | sort -n | tail -1 | cut -d' ' -f2)
    if [ -n "$newest" ]; then dirname "$newest"; return; fi
    local initdb
    initdb=$(command -v initdb) || die "PostgreSQL server binaries (initdb, pg_ctl) not found: install the postgresql package"
    dirname "$initdb"
}
PG_BIN="$(find_pg_bin)"

# PostgreSQL refuses to run as root: then the cluster runs as `postgres` (or `nobody`), like the
# embedded cluster.
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    PG_USER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
    as_pg() { runuser -u "$PG_USER" -- "$@"; }
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/ioc-sqlx.XXXXXX")"
DATA="$TMP/pgdata"
SOCK="$TMP/socket"
stop_cluster() {
    if [ -f "$DATA/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" stop -D "$DATA" -m immediate -s >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM
mkdir -p "$SOCK"
chmod 755 "$TMP"
[ "$(id -u)" = 0 ] && chown "$PG_USER" "$TMP" "$SOCK"

log "starting a throwaway PostgreSQL ($PG_BIN) in $TMP"
as_pg "$PG_BIN/initdb" --pgdata "$DATA" --username ioc --auth=trust --encoding=UTF8 --no-locale \
    >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }
as_pg "$PG_BIN/pg_ctl" start -D "$DATA" -w -s -l "$TMP/postgres.log" \
    -o "-c listen_addresses='' -c unix_socket_directories='$SOCK' -c port=5432 -c fsync=off" ||
    { cat "$TMP/postgres.log" >&2; die "postgres did not start"; }

export DATABASE_URL="postgres://ioc@localhost:5432/ioc?host=$SOCK"
(cd "$ROOT" && cargo sqlx database create && cargo sqlx migrate run --source migrations >/dev/null)

# SQLX_OFFLINE=false overrides the `true` of .cargo/config.toml (which never overrides the
# environment) so that the macros ask the database.
if [ ${#CHECK[@]} -eq 0 ]; then
    log "cargo sqlx prepare --workspace (writes .sqlx/)"
else
    log "cargo sqlx prepare --check --workspace (is .sqlx/ up to date?)"
fi
(cd "$ROOT" && SQLX_OFFLINE=false "$(native_cargo)" sqlx prepare --workspace "${CHECK[@]}")
