#!/usr/bin/env bash
# The whole test suite: unit and integration tests (real PostgreSQL started by the harness, real
# WebSocket clients) and end-to-end tests in Debian's headless Chromium. Screenshots land in
# tests/artifacts/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/setup.sh"

# Gates first: they fail in seconds where the suite takes minutes.
log "cargo fmt --check"
(cd "$ROOT" && "$(native_cargo)" fmt --all --check)
log "cargo clippy (warnings are errors)"
(cd "$ROOT" && "$(native_cargo)" clippy --workspace --all-targets --quiet -- -D warnings)
log "sqlx prepare --check (the offline query metadata in .sqlx/ matches the code)"
bash "$ROOT/scripts/sqlx-prepare.sh" --check
bash "$ROOT/scripts/build.sh"

# The TimescaleDB path is tested wherever the extension is installed for the system PostgreSQL.
include_ignored=()
if compgen -G "/usr/share/postgresql/*/extension/timescaledb.control" >/dev/null; then
    log "TimescaleDB found: running its tests too"
    include_ignored=(-- --include-ignored)
else
    log "TimescaleDB not installed: its test is reported as ignored"
fi

log "cargo test"
(cd "$ROOT" && "$(native_cargo)" test --workspace "${include_ignored[@]}")

log "end-to-end tests in Chromium"
(cd "$ROOT" && IOC_BIN="$ROOT/target/debug/ioc" node --test tests/e2e/)
