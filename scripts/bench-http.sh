#!/usr/bin/env bash
# Load benchmark of POST /api/chat in embedded mode on loopback.
#
# Starts a release `twin serve` on a free port, then drives it with wrk:
# 64 connections (2 threads) for DURATION seconds (default 15), JSON answers
# to a realistic question. Prints wrk's latency distribution and req/s.
# Bounded in time, loopback only; the server is stopped on exit.
#
# The per-address rate limit is off (every request comes from 127.0.0.1);
# the answer cache is on unless TWIN_CACHE_CAPACITY=0 is in the environment.
# TWIN_BIN runs another build instead of this checkout's release binary
# (e.g. an older commit's, to measure side by side).
#
# BENCH_LOG sets the log filter (default warn; `info` writes a line per
# request, to /dev/null). BENCH_QUESTION asks another question (plain text,
# no quotes or backslashes).
#
# Usage: scripts/bench-http.sh [DURATION_SECONDS]
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

env -u TWIN_LOG TWIN_LOG="${BENCH_LOG:-warn}" TWIN_RATE_LIMIT_PER_MIN=0 "$bin" serve --port 0 >"$log" 2>/dev/null &
server=$!
for _ in $(seq 100); do
    url="$(grep -o 'http://127.0.0.1:[0-9]*' "$log" || true)"
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || { echo "twin serve did not start" >&2; exit 1; }

question="${BENCH_QUESTION:-What did you achieve on the payments platform?}"
case "$question" in
    *[\\\"\']*) echo "BENCH_QUESTION must not contain quotes or backslashes" >&2; exit 2 ;;
esac
cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"message":"$question"}'
LUA

echo "POST $url/api/chat, $connections connections, ${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$script" "$url/api/chat"
