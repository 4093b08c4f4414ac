#!/usr/bin/env bash
# Runs every test: Rust unit, integration and doc tests (README examples included; with the
# `png` and `xlsx` features), then the Python module's tests (README examples included), the stub
# check and mypy (strict) on the package and the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# `png` (resvg and the bundled font) and `xlsx` (rust_xlsxwriter) are pure Rust, so one build
# tests them with everything else (tests/xlsx.rs needs `xlsx`).
cargo test --features png,xlsx
source scripts/setup.sh
python -m pytest -q
python -m mypy.stubtest doe_democratie._core --allowlist tests/python/stubtest-allowlist.txt
python -m mypy
