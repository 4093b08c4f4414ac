"""The hostile-input catalogue from Python, in a child process whose address space is capped, so
that a case that blows up memory fails this test instead of taking the machine down."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).with_name("hostile_runner.py")
MEMORY_CAP = 6 << 30  # address space, not resident memory: numpy and threads reserve plenty


def cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def test_hostile_inputs_get_a_typed_error_or_the_exact_result() -> None:
    done = subprocess.run(
        [sys.executable, str(RUNNER)],
        capture_output=True,
        text=True,
        timeout=900,
        preexec_fn=cap_memory,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    handled, total = last.removeprefix("hostile inputs handled: ").split("/")
    assert handled == total and int(total) >= 50, last
