#!/usr/bin/env bash
# Sets up and runs every test layer: formatting and lints, native core tests, in-browser
# wasm-bindgen tests (in headless Chromium, Firefox and WebKit), and end-to-end tests that drive the
# release build in headless Chromium (and, for the core flows, Firefox and WebKit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

# Browsers: Chromium, Firefox ESR, and WebKitGTK (Safari's engine: its MiniBrowser, driven by
# WebKitWebDriver on a virtual X display).
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ] || ! [ -x /usr/bin/firefox-esr ] \
  || ! command -v WebKitWebDriver >/dev/null || ! command -v xvfb-run >/dev/null || ! command -v xauth >/dev/null \
  || ! [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  step "Installing Chromium, ChromeDriver, Firefox ESR, WebKitGTK's driver, Xvfb and an emoji font"
  as_root apt-get update -qq
  # xauth is only recommended by xvfb, and xvfb-run needs it. The emoji font is on every
  # desktop: without it the screenshots show boxes, and Chromium, looking for emoji glyphs
  # again, took 3.4-4.2 ms rather than 2.6 to lay out a tag on the 3 kB text (traces).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver firefox-esr \
    webkit2gtk-driver xvfb xauth fonts-noto-color-emoji
fi

# geckodriver runs the in-browser tests in Firefox (it is a Rust crate: no download of its own).
if ! geckodriver --version 2>/dev/null | grep -q '0\.37\.1'; then
  step "Installing geckodriver 0.37.1 (about 2 minutes on 2 cores)"
  cargo install --locked geckodriver --version 0.37.1
fi

step "Formatting and lints"
cargo fmt --all -- --check
cargo clippy -p glossa-core --all-targets -- -D warnings
cargo clippy -p glossa --target wasm32-unknown-unknown --all-targets -- -D warnings

step "Layer 1: native tests of the core"
cargo test -p glossa-core

step "Layer 2: in-browser tests (wasm-bindgen-test in headless Chromium, then Firefox, then WebKit)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test -p glossa --target wasm32-unknown-unknown
GECKODRIVER="$(command -v geckodriver)" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver-firefox.json" \
  cargo test -p glossa --target wasm32-unknown-unknown
# The runner has no WebKit driver of its own: it reaches WebKitWebDriver as a remote W3C driver
# (its log then says "Firefox", the name of that code path; the browser is WebKitGTK's).
bash scripts/with-webkit.sh sh -c 'GECKODRIVER_REMOTE="$WEBKIT_WEBDRIVER_URL" \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver-webkit.json" cargo test -p glossa --target wasm32-unknown-unknown'

step "Layer 3: end-to-end tests of the release build"
trunk build --release --offline
# One self-contained HTML file for file:// (dist/glossa.html), then the bundle's size and budget.
node scripts/single-file.mjs dist
# Over budget fails the run, but only after the end-to-end tests have had their say.
over_budget=0
node scripts/size-report.mjs dist || over_budget=1
node --test --test-concurrency=1 tests/e2e/
if [ "$over_budget" = 1 ]; then echo "The wasm is over its size budget (see the size report above)." >&2; exit 1; fi
