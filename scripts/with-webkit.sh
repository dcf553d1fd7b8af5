#!/usr/bin/env bash
# Runs a command with WebKitWebDriver (it drives WebKitGTK's MiniBrowser, Safari's engine) on a
# private Xvfb display, and tells the command where it listens in WEBKIT_WEBDRIVER_URL.
# wasm-bindgen-test-runner has no driver of its own for it, so the in-browser tests reach it as
# a remote WebDriver: `scripts/with-webkit.sh sh -c 'GECKODRIVER_REMOTE=$WEBKIT_WEBDRIVER_URL …'`.
set -euo pipefail
port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
export WEBKIT_WEBDRIVER_PORT="$port" WEBKIT_WEBDRIVER_URL="http://127.0.0.1:$port"
exec xvfb-run -a -s "-screen 0 1400x1000x24 -nolisten tcp" bash -c '
  WebKitWebDriver --port="$WEBKIT_WEBDRIVER_PORT" >/dev/null 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null || true" EXIT
  # Until it listens.
  for _ in $(seq 100); do
    node -e "require(\"net\").connect($WEBKIT_WEBDRIVER_PORT, \"127.0.0.1\").on(\"connect\", () => process.exit(0)).on(\"error\", () => process.exit(1))" && break
    sleep 0.1
  done
  "$@"' bash "$@"
