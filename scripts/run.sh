#!/usr/bin/env bash
# Sets everything up, builds in release mode and runs the server with its defaults: a private
# PostgreSQL cluster in the data directory, the demo feed on, the wall at http://127.0.0.1:3000/wall.
# Extra arguments go to `ioc serve` (see `--help`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build.sh" --release
log "starting: open http://${IOC_ADDR:-127.0.0.1:3000}/wall"
cd "$ROOT"
exec "$ROOT/target/release/ioc" serve "$@"
