"""bench/compare.py, the side-by-side benchmark, at smoke size: every implementation (pandas,
polars, the library from a pandas frame, from Parquet and from CSV) agrees on every row, the
pandas one with the literal transcription of WORKLOAD.md, and the table prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT.parent / "shared" / "bench" / "gen.py"

pytest.importorskip("pandas")
pytest.importorskip("polars")
pytest.importorskip("pyarrow")


def test_every_implementation_agrees_on_every_row_at_smoke_size(tmp_path: Path) -> None:
    if not GEN.exists():
        pytest.skip(f"benchmark generator not found at {GEN}")
    only = "pandas,polars,polars-read-csv,library-pandas,library-parquet,library-csv"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "compare.py"), "3000", "--data", str(tmp_path), "--only", only],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| 3,000 |")]
    lines = [line for line in rows if line.count("|") == 9]
    assert len(lines) == 6, done.stdout
    csv = [line for line in rows if line.count("|") == 6]
    assert len(csv) == 1 and "library-csv" in csv[0], done.stdout
    for line in lines:
        impl, agree = line.split("|")[2].strip(), line.split("|")[8].strip()
        assert agree in {"yes", "reference", "—"}, line
        if impl.startswith("library"):
            assert agree == "yes", line
