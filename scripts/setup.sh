#!/usr/bin/env bash
# Installs everything that building Glossa needs on a fresh machine, and skips whatever is
# already there, so a second run takes seconds. Source it to get the PATH it sets up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# Trunk 0.22 needs a newer Rust than this machine has; 0.21.14 is the last that builds.
if ! trunk --version 2>/dev/null | grep -q '0\.21\.14'; then
  step "Installing trunk 0.21.14 (about 12 minutes on 2 cores)"
  cargo install --locked trunk --version 0.21.14
fi

# wasm-bindgen-cli must be exactly the version Cargo.lock pins.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$bindgen_version"; then
  step "Installing wasm-bindgen-cli $bindgen_version"
  cargo install wasm-bindgen-cli --version "=$bindgen_version"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  step "Installing Node.js"
  as_root apt-get update -qq
  as_root apt-get install -y -qq nodejs npm
fi

# npm packages: binaryen's wasm-opt (Debian's v108 breaks the wasm), playwright-core, puppeteer-core
# (drives Firefox), axe-core.
# Reinstalled only when package-lock.json changed.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.glossa-lock 2>/dev/null)" != "$lock_hash" ]; then
  step "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.glossa-lock
fi

# Trunk builds offline, so every crate must be fetched first.
cargo fetch --quiet
