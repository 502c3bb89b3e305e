#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the test suite. `--slow` runs only the slow tests (training, long renders).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
marker="not slow"
if [ "${1:-}" = "--slow" ]; then marker="slow"; shift; fi
exec .venv/bin/python -m pytest -m "$marker" -n 2 "$@"
