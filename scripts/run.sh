#!/usr/bin/env bash
# The main job: set up (.venv, Python tools, the extension module), then validate and summarise
# the bundled (synthetic, reconstructed) 2013 data and reproduce the 2013 report's tables into
# out/report/ (one CSV per figure, report.json, index.html).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck disable=SC1091
source scripts/setup.sh
python -m doe_democratie report --out out/report
