"""The bundled reconstruction is exactly what its committed, seeded generator writes, and the
generator's own independent check of the published numbers passes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generator_reproduces_the_bundled_csv_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "reconstructed.csv"
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "reconstruct_2013.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "published numbers reproduced: 356/356" in run.stdout
    assert out.read_bytes() == (ROOT / "data" / "doe_democratie_2013_reconstructed.csv").read_bytes()


def test_published_numbers_file_is_up_to_date() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_published_numbers.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
