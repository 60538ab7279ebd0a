#!/usr/bin/env bash
# Checks the monitoring files in ops/:
#   * promtool check rules  ops/prometheus/alerts.yml   (syntax, PromQL)
#   * promtool test rules   ops/prometheus/alerts_test.yml   (unit tests)
#   * promtool check config ops/prometheus/scrape.example.yml
#   * ops/grafana/digital-twin.json: well-formed JSON, importable shape, and
#     every panel query parses as PromQL and uses only the twin's metrics
#   * amtool check-config ops/alertmanager/alertmanager.example.yml, when
#     amtool is installed (Debian package prometheus-alertmanager)
# Installs promtool (Debian package prometheus) when it is missing.
#
# Usage: scripts/check-alerts.sh      (from any directory)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v promtool >/dev/null 2>&1; then
    step "installing promtool (Debian package prometheus)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
fi
promtool --version 2>&1 | head -n 1

step "alert rules"
promtool check rules ops/prometheus/alerts.yml

step "alert rule unit tests"
promtool test rules ops/prometheus/alerts_test.yml

step "example scrape configuration"
promtool check config ops/prometheus/scrape.example.yml

step "Grafana dashboard"
queries="$(mktemp --suffix .yml)"
trap 'rm -f "$queries"' EXIT
python3 - ops/grafana/digital-twin.json "$queries" <<'PY'
import json
import re
import sys

path, out = sys.argv[1], sys.argv[2]
with open(path) as f:
    dashboard = json.load(f)  # fails on malformed JSON

problems = []
for key in ("uid", "title", "panels", "templating", "schemaVersion"):
    if key not in dashboard:
        problems.append(f"missing top-level {key!r}")
variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
ds = variables.get("datasource", {})
if ds.get("type") != "datasource" or ds.get("query") != "prometheus":
    problems.append("templating needs a Prometheus data source variable named 'datasource'")

# The metric contract of GET /api/metrics (see ops/README.md).
contract = {
    "twin_http_requests_total", "twin_http_request_duration_seconds_bucket",
    "twin_http_requests_in_flight", "twin_streams_in_flight",
    "twin_retrieval_duration_seconds_bucket", "twin_llm_time_to_first_token_seconds_bucket",
    "twin_llm_tokens_total", "twin_cache_requests_total", "twin_answers_degraded_total",
    "twin_rate_limited_total", "twin_upstream_errors_total", "twin_dependency_up",
    "twin_memory_limit_bytes",
}

ids, exprs = set(), []
for panel in dashboard.get("panels", []):
    pid = panel.get("id")
    if pid in ids:
        problems.append(f"duplicate panel id {pid}")
    ids.add(pid)
    if panel.get("type") == "row":
        continue
    if panel.get("datasource", {}).get("uid") != "${datasource}":
        problems.append(f"panel {panel.get('title')!r} does not use the datasource variable")
    if not panel.get("targets"):
        problems.append(f"panel {panel.get('title')!r} has no queries")
    for target in panel.get("targets", []):
        expr = target.get("expr", "")
        if not expr:
            problems.append(f"panel {panel.get('title')!r} has an empty query")
        for name in re.findall(r"\btwin_[a-z_]+\b", expr):
            if name not in contract:
                problems.append(f"panel {panel.get('title')!r} uses {name}, not in the metric contract")
        exprs.append(expr)

if problems:
    sys.exit("dashboard: " + "\n  ".join(["problems:"] + problems))

# Replace Grafana's variables with concrete values so promtool can parse the
# queries; recording rules are the cheapest way to have promtool do that.
def concrete(expr):
    return (expr.replace("$__rate_interval", "5m").replace("$job", "digital-twin")
            .replace("$instance", ".*"))

rules = [{"record": f"dashboard:query_{i}", "expr": concrete(e)} for i, e in enumerate(exprs)]
with open(out, "w") as f:
    json.dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, f)
print(f"{path}: well-formed, uid {dashboard['uid']!r}, "
      f"{len(dashboard['panels'])} panels, {len(exprs)} queries")
PY
promtool check rules "$queries" | sed 's/^/  queries: /'

step "example Alertmanager configuration"
if command -v amtool >/dev/null 2>&1; then
    amtool check-config ops/alertmanager/alertmanager.example.yml
else
    echo "amtool not installed (Debian package prometheus-alertmanager): skipped"
fi

step "done"
