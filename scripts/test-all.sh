#!/usr/bin/env bash
# Runs every test: Rust unit, integration and doc tests (README examples included), then the
# Python module's tests (README examples included), the stub check and mypy (strict) on the
# package and the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo test
source scripts/setup.sh
python -m pytest -q
python -m mypy.stubtest doe_democratie._core --allowlist tests/python/stubtest-allowlist.txt
python -m mypy
