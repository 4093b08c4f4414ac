"""Shared helpers for the boundary tests: small respondent files written to tmp_path."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any, Callable, Union

import pytest

import doe_democratie as dd

Writer = Callable[[str, Union[str, bytes]], Path]

# Real column names of the built-in 2013 instrument.
SOCIAL = "forms_occurrence.social_entrepreneurship"  # yes_no_dk: 1 Ja, 2 Nee, 9 Weet niet
SEED = "strategy_use.seed_money"  # frequency_4_dk: 1 Vaak … 4 Niet, 9 Weet niet
SUCCESS = "strategy_most_successful"  # multi-select, at most 3 picks
TYPICAL = "forms_most_typical"  # multi-select, at most 2 picks


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Writes text (UTF-8, as given: no newline translation) or bytes to a file in tmp_path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture(scope="session")
def instrument() -> dd.Instrument:
    return dd.Instrument.doe_democratie_2013()


# In CI every test must run: a dependency missing there (openpyxl, nbclient, chromium, …) is a
# failure of the setup, not a reason to skip. Locally a missing optional tool still skips.
_IN_CI = bool(os.environ.get("CI"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if _IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if _IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI, where every test must run: {report.longrepr}"
