#!/usr/bin/env bash
# Sets everything up (first run only) and serves Glossa at http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
exec trunk serve --release --offline --address 127.0.0.1 --port "${PORT:-8080}"
