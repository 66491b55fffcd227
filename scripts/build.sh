#!/usr/bin/env bash
# The main job: check the data in seeds/ and build every chart into charts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
.venv/bin/orgmodel --data seeds check
.venv/bin/orgmodel --data seeds build "$@"
