#!/usr/bin/env bash
# Creates .venv (if missing), installs the Python tools and builds the extension module into it.
# Idempotent: rerunning only rebuilds what changed. Source it to keep the venv active.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check --upgrade pip
python -m pip install --quiet --disable-pip-version-check \
  "maturin>=1.9.4,<2" "pytest>=8" "pandas>=2" "numpy>=1.24" "mypy>=1.10" "pyarrow>=14" \
  "scipy>=1.10" "statsmodels>=0.14" "polars>=1" "pillow>=10" "openpyxl>=3.1" \
  "nbclient>=0.10" "nbformat>=5.10" "ipykernel>=6.29" \
  "pyreadstat>=1.2; python_version >= '3.10'"
# maturin develop builds the abi3 module in release mode and installs it in editable form.
maturin develop --release --quiet
