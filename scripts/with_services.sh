#!/usr/bin/env bash
# Run a command next to a throwaway PostgreSQL and Redis, e.g. a benchmark:
#   bash scripts/with_services.sh .venv/bin/python bench/thresholds.py --students 20000
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
ensure_venv test
. scripts/_services.sh
start_services
"$@"
