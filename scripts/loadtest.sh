#!/usr/bin/env bash
# Load test of POST /api/chat with oha, on loopback only.
#
# Without --url it starts its own `twin serve` on a free 127.0.0.1 port, fully
# offline (embedded index, extractive answers: Upstash and Groq variables are
# removed and it runs outside the repository so no .env is read), waits for
# /api/health, drives it at a constant request rate for a fixed time, and
# stops it on exit. With --url it drives a twin already running on loopback.
#
# It prints p50/p95/p99 latency, the achieved request rate, the error count,
# the status distribution and the server's resident memory (VmRSS) before and
# after the run, and exits non-zero when any request failed (a transport
# error or a non-2xx status) or p99 is above --max-p99-ms.
#
# Usage: scripts/loadtest.sh [options]
#   --url URL             a twin already running on 127.0.0.1/localhost
#   --bin PATH            the twin binary to start [default: $TWIN_BIN, else
#                         `cargo build --release` and target/release/twin]
#   --duration D          how long to send, e.g. 5s, 2m [default: 60s]
#   --rate N              requests per second [default: 1000]
#   --connections N       concurrent connections (keep-alive) [default: 64]
#   --max-p99-ms MS       fail above this p99 latency [default: 10]
#   --question TEXT       the question [default: about the first company in
#                         data/digitaltwin.json]
#   --json-out FILE       also keep oha's full JSON report there
#   --no-cache            start the server with its answer cache off
#                         (TWIN_CACHE_CAPACITY=0): every request is answered
#                         in full, as a new question would be
# Environment: OHA (the oha binary; installed with `cargo install --locked
# oha` when missing), TWIN_BIN, TWIN_PROFILE.
#
# A short run for CI:  scripts/loadtest.sh --duration 5s --rate 200
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

url=""
bin="${TWIN_BIN:-}"
duration="60s"
rate=1000
connections=64
max_p99_ms=10
question=""
json_out=""
cache_capacity="${TWIN_CACHE_CAPACITY:-}"

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "loadtest: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --url) url="${2:?--url needs a value}"; shift 2 ;;
        --bin) bin="${2:?--bin needs a value}"; shift 2 ;;
        --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
        --rate) rate="${2:?--rate needs a value}"; shift 2 ;;
        --connections) connections="${2:?--connections needs a value}"; shift 2 ;;
        --max-p99-ms) max_p99_ms="${2:?--max-p99-ms needs a value}"; shift 2 ;;
        --question) question="${2:?--question needs a value}"; shift 2 ;;
        --json-out) json_out="${2:?--json-out needs a value}"; shift 2 ;;
        --no-cache) cache_capacity=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

# Bounded in time: oha gets the duration plus a grace period to finish the
# requests in flight (each has a 10 s timeout), then it is stopped.
[[ "$duration" =~ ^([0-9]+)(s|m|h)?$ ]] || die "--duration: expected e.g. 30s or 2m, got '$duration'"
case "${BASH_REMATCH[2]}" in
    m) seconds=$((BASH_REMATCH[1] * 60)) ;;
    h) seconds=$((BASH_REMATCH[1] * 3600)) ;;
    *) seconds=$((BASH_REMATCH[1])) ;;
esac
{ [ "$seconds" -ge 1 ] && [ "$seconds" -le 3600 ]; } || die "--duration: from 1s to 1h, got '$duration'"
[[ "$rate" =~ ^[1-9][0-9]*$ ]] || die "--rate: expected a whole number > 0, got '$rate'"
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || die "--connections: expected a whole number > 0, got '$connections'"
[[ "$max_p99_ms" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--max-p99-ms: expected a number, got '$max_p99_ms'"
if [ -n "$url" ]; then
    url="${url%/}"
    [[ "$url" =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])(:[0-9]+)?$ ]] ||
        die "--url: only a twin on loopback may be load tested (http://127.0.0.1:PORT), got '$url'"
fi

oha="${OHA:-oha}"
if ! command -v "$oha" >/dev/null 2>&1; then
    echo "installing oha (cargo install --locked oha)" >&2
    cargo install --locked --quiet oha
    oha="${CARGO_HOME:-$HOME/.cargo}/bin/oha"
fi

profile="${TWIN_PROFILE:-}"
if [ -z "$profile" ] && [ -f "$root/data/digitaltwin.json" ]; then
    profile="$root/data/digitaltwin.json"
fi
if [ -z "$question" ]; then
    company="$(python3 - "$profile" <<'PY' || true
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        print(json.load(f)["experience"][0]["company"])
except Exception:
    pass
PY
)"
    if [ -n "$company" ]; then
        question="What did you do at $company?"
    else
        question="What do you do now?"
    fi
fi
body="$(python3 -c 'import json, sys; print(json.dumps({"message": sys.argv[1]}))' "$question")"

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$url" ]; then
    if [ -z "$bin" ]; then
        echo "building twin (cargo build --release)" >&2
        (cd "$root" && cargo build --release --locked --quiet --bin twin)
        bin="${CARGO_TARGET_DIR:-$root/target}/release/twin"
    fi
    [ -x "$bin" ] || die "no twin binary at $bin"
    bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
    # From an empty directory, so that no .env turns a backend on, and without
    # any backend variable: a load test must never reach Upstash or Groq.
    # TWIN_RATE_LIMIT_PER_MIN=0 turns the per-client limiter off (every request
    # comes from 127.0.0.1), unless the caller sets it.
    server_env=()
    [ -z "$profile" ] || server_env+=("TWIN_PROFILE=$profile")
    [ -z "$cache_capacity" ] || server_env+=("TWIN_CACHE_CAPACITY=$cache_capacity")
    (
        cd "$work"
        exec env -u UPSTASH_VECTOR_REST_URL -u UPSTASH_VECTOR_REST_TOKEN \
            -u GROQ_API_KEY -u GROQ_BASE_URL -u GROQ_MODEL -u GROQ_FALLBACK_MODELS \
            -u TWIN_REINDEX_SECRET -u TWIN_PROFILE -u TWIN_CACHE_CAPACITY \
            "${server_env[@]}" \
            TWIN_RATE_LIMIT_PER_MIN="${TWIN_RATE_LIMIT_PER_MIN:-0}" \
            TWIN_LOG="${TWIN_LOG:-warn}" \
            "$bin" serve --host 127.0.0.1 --port 0
    ) >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 200); do
        url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n 1 || true)"
        [ -n "$url" ] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$url" ]; then
        echo "loadtest: twin serve did not start; its output:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
fi

for _ in $(seq 50); do
    curl -fsS --max-time 2 -o /dev/null "$url/api/health" 2>/dev/null && break
    sleep 0.2
done
curl -fsS --max-time 2 -o /dev/null "$url/api/health" || die "$url/api/health does not answer"

# One request first: a twin that refuses the question (or the client) would
# make a fast but meaningless load test.
status="$(curl -sS --max-time 10 -o "$work/first.json" -w '%{http_code}' \
    -H 'content-type: application/json' -H 'accept: application/json' \
    -d "$body" "$url/api/chat")"
if [ "$status" != 200 ]; then
    echo "loadtest: the first POST /api/chat answered $status:" >&2
    cat "$work/first.json" >&2
    exit 1
fi

# Resident memory of the server we started, in kB, from /proc (Linux).
rss() {
    if [ -n "$server" ]; then
        awk -v key="$1:" '$1 == key { print $2 }' "/proc/$server/status" 2>/dev/null || true
    fi
}
rss_start="$(rss VmRSS)"

echo "POST $url/api/chat: $rate req/s for $duration, $connections connections (keep-alive)"
if [ -n "$server" ]; then
    echo "  server:   $bin, answer cache $([ "$cache_capacity" = 0 ] && echo off || echo on)"
fi
echo "  question: $question"
timeout --signal=INT --kill-after=10 "$((seconds + 60))" \
    "$oha" --no-tui --output-format json -o "$work/oha.json" \
    -z "$duration" -q "$rate" --latency-correction -w -c "$connections" -t 10s \
    -m POST -T application/json -A application/json -d "$body" \
    "$url/api/chat"

rss_end="$(rss VmRSS)"
rss_peak="$(rss VmHWM)"
[ -z "$json_out" ] || cp "$work/oha.json" "$json_out"

python3 - "$work/oha.json" "$rate" "$max_p99_ms" "$rss_start" "$rss_end" "$rss_peak" "$work/first.json" <<'PY'
import json
import sys

path, rate, max_p99, rss_start, rss_end, rss_peak, first = sys.argv[1:8]
rate, max_p99 = float(rate), float(max_p99)
with open(path, encoding="utf-8") as f:
    report = json.load(f)
with open(first, encoding="utf-8") as f:
    answer = json.load(f)

statuses = {str(k): int(v) for k, v in (report.get("statusCodeDistribution") or {}).items()}
transport = {str(k): int(v) for k, v in (report.get("errorDistribution") or {}).items()}
non_2xx = sum(n for code, n in statuses.items() if not code.startswith("2"))
errors = non_2xx + sum(transport.values())
total = sum(statuses.values()) + sum(transport.values())
achieved = float((report.get("summary") or {}).get("requestsPerSec") or 0.0)
pcts = report.get("latencyPercentiles") or {}


def ms(key):
    value = pcts.get(key)
    return None if value is None else value * 1000.0


def fmt(value):
    return "n/a" if value is None else f"{value:.2f} ms"


def mib(kb):
    return f"{int(kb) / 1024:.1f} MiB" if kb else "n/a"


p50, p95, p99 = ms("p50"), ms("p95"), ms("p99")
slowest = (report.get("summary") or {}).get("slowest")
print(f"  answer:   mode {answer.get('mode')}, covered {json.dumps(answer.get('covered'))}")
print(f"  requests: {total} ({achieved:.0f} req/s achieved, {rate:.0f} req/s asked)")
print(f"  latency:  p50 {fmt(p50)}  p95 {fmt(p95)}  p99 {fmt(p99)}  max {fmt(None if slowest is None else slowest * 1000.0)}")
print("  status:   " + (", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())) or "none"))
print(f"  errors:   {errors}" + (f" ({', '.join(f'{k}: {v}' for k, v in transport.items())})" if transport else ""))
if rss_start and rss_end:
    growth = (int(rss_end) - int(rss_start)) / 1024
    print(f"  memory:   VmRSS {mib(rss_start)} before, {mib(rss_end)} after ({growth:+.1f} MiB), peak {mib(rss_peak)}")
else:
    print("  memory:   n/a (not our server)")
if achieved < 0.9 * rate:
    print(f"  warning:  only {achieved:.0f} of {rate:.0f} req/s were sent: the load generator or the machine is the limit")

failures = []
if total == 0:
    failures.append("no request was sent")
if errors:
    failures.append(f"{errors} failed requests")
if p99 is None or p99 > max_p99:
    failures.append(f"p99 {fmt(p99)} above {max_p99:g} ms")
if failures:
    print("FAIL: " + "; ".join(failures))
    sys.exit(1)
print(f"PASS: no errors, p99 {fmt(p99)} <= {max_p99:g} ms")
PY
