#!/bin/sh
# Set up (idempotently) and run the test suite: the README's test command, and what CI runs.
# Needs Python >= 3.11 and git. Extra pytest arguments are passed through.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    for cand in python3.11 python3.12 python3.13 python3; do
        if command -v "$cand" >/dev/null 2>&1; then PY="$cand"; break; fi
    done
fi
if [ -z "$PY" ] || ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "scripts/test.sh: Python >= 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
    exit 2
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
set +e
.venv/bin/python -m pytest -n auto -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    # pytest's "no tests collected": a filter that matched nothing, or a broken test layout.
    echo "scripts/test.sh: pytest collected no tests (check the -k/-m filter or the tests/ layout)" >&2
    exit 1
fi
exit "$rc"
