#!/usr/bin/env bash
# Builds the site (the two wasm bundles + assets) into target/site and the server.
# Usage: build.sh [--release]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PROFILE_ARGS=()
[ "${1:-}" = "--release" ] && PROFILE_ARGS=(--release)

route=$(cat "$CACHE/wasm-route" 2>/dev/null || true)
[ -n "$route" ] || die "run scripts/setup.sh first"

# Two bundles from the same crate and target dir (only ioc-frontend differs between them, so the
# dependencies are built once): the wall bundle `ioc` for walls, kiosks and phones, and the office
# bundle `ioc-office` (feature `office`: admin and data entry too). The server picks one per page.
case "$route" in
    rustup) TARGET_DIR="$CACHE/wasm-target-rustup" ;;
    debian*) TARGET_DIR="$CACHE/wasm-target-debian-$(/usr/bin/rustc --version | cut -d' ' -f2)" ;;
    *) die "unknown wasm route '$route'" ;;
esac
build_wasm() { # features
    case "$route" in
        rustup)
            (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build --quiet --lib -p ioc-frontend \
                --target wasm32-unknown-unknown --profile wasm-release --features "$1")
            ;;
        debian*)
            local llvm=${route#debian }
            # Debian's compiler and cargo by full path (rustup's proxies come first on PATH); the
            # build-std flags are given here only, never in a config file the native build would see.
            (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET_DIR" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
                RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="wasm-ld-$llvm" \
                /usr/bin/cargo build --quiet --lib -p ioc-frontend --target wasm32-unknown-unknown \
                --profile wasm-release --features "$1" -Zbuild-std=std,panic_abort)
            ;;
    esac
}

WBG="$CACHE/tools/wasm-bindgen-$(wasm_bindgen_version)/bin/wasm-bindgen"
[ -x "$WBG" ] || die "wasm-bindgen-cli missing: run scripts/setup.sh"
rm -rf "$SITE.tmp" && mkdir -p "$SITE.tmp/pkg" "$SITE.tmp/assets/fonts"
sizes=()
for bundle in "ioc hydrate" "ioc-office hydrate,office"; do
    read -r name features <<<"$bundle"
    log "building the wasm bundle $name ($route)"
    build_wasm "$features"
    # Both builds write ioc_frontend.wasm: bind each one before the next build replaces it.
    "$WBG" --target web --no-typescript --out-dir "$SITE.tmp/pkg" --out-name "$name" \
        "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/ioc_frontend.wasm"
    # binaryen from npm: Debian's older wasm-opt produces modules Chromium refuses.
    "$ROOT/frontend/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$SITE.tmp/pkg/${name}_bg.wasm" -o "$SITE.tmp/pkg/${name}_bg.wasm"
    gzip -9 -k "$SITE.tmp/pkg/${name}_bg.wasm" "$SITE.tmp/pkg/$name.js"
    sizes+=("$name $(du -sh "$SITE.tmp/pkg/${name}_bg.wasm" | cut -f1) wasm, $(du -sh "$SITE.tmp/pkg/${name}_bg.wasm.gz" | cut -f1) gzipped")
done

cp -r "$ROOT/assets/." "$SITE.tmp/assets/"
FONT="$ROOT/frontend/node_modules/@fontsource/be-vietnam-pro"
mkdir -p "$SITE.tmp/assets/fonts/files"
: > "$SITE.tmp/assets/fonts/be-vietnam-pro.css"
for w in 400 600 700 800; do
    cat "$FONT/$w.css" >> "$SITE.tmp/assets/fonts/be-vietnam-pro.css"
    cp "$FONT"/files/be-vietnam-pro-{vietnamese,latin,latin-ext}-"$w"-normal.woff2 "$SITE.tmp/assets/fonts/files/"
done
# ECharts for the indicator chart page only (loaded there by a <script src> from 'self').
mkdir -p "$SITE.tmp/assets/vendor"
cp "$ROOT/frontend/node_modules/echarts/dist/echarts.min.js" "$SITE.tmp/assets/vendor/"
# Served precompressed like the bundle: 1 MB of script is ~330 KB on the wire.
gzip -9 -k "$SITE.tmp/assets/vendor/echarts.min.js"
rm -rf "$SITE" && mv "$SITE.tmp" "$SITE"
log "site: ${sizes[0]}; ${sizes[1]}"

log "building the server"
(cd "$ROOT" && "$(native_cargo)" build --quiet -p ioc-server --bin ioc "${PROFILE_ARGS[@]}")
