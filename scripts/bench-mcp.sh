#!/usr/bin/env bash
# Load benchmark of MCP `tools/call search_profile` in embedded mode on
# loopback.
#
# Starts a release `twin serve` on a free port (per-address rate limit off),
# then drives POST /api/mcp with wrk: 64 connections (2 threads) for
# DURATION seconds (default 15), closed loop. Prints wrk's latency
# distribution and req/s, and checks one answer by hand first. Bounded in
# time, loopback only; the server is stopped on exit.
#
# Usage: scripts/bench-mcp.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-15}"
connections="${CONNECTIONS:-64}"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

bin="${TWIN_BIN:-./target/release/twin}"
if [ -z "${TWIN_BIN:-}" ]; then
    cargo build --release --quiet --bin twin
fi

log="$(mktemp)"
script="$(mktemp --suffix .lua)"
trap 'kill "$server" 2>/dev/null || true; rm -f "$log" "$script"' EXIT

env -u TWIN_LOG TWIN_LOG=warn TWIN_RATE_LIMIT_PER_MIN=0 "$bin" serve --port 0 >"$log" 2>/dev/null &
server=$!
for _ in $(seq 100); do
    url="$(grep -o 'http://127.0.0.1:[0-9]*' "$log" || true)"
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || { echo "twin serve did not start" >&2; exit 1; }

body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_profile","arguments":{"query":"payments platform latency","top_k":5}}}'
answer="$(curl -sS "$url/api/mcp" -H 'content-type: application/json' \
    -H 'accept: application/json, text/event-stream' -H 'mcp-protocol-version: 2025-11-25' \
    -d "$body")"
case "$answer" in
    *'"results"'*'"section"'*) ;;
    *) echo "unexpected answer: $answer" >&2; exit 1 ;;
esac

cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
wrk.body = '$body'
LUA

echo "POST $url/api/mcp tools/call search_profile, $connections connections, ${duration}s"
threads=$(( connections < 2 ? 1 : 2 ))
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$url/api/mcp"
