"""The HTML report in a real browser: headless Chromium opens the ``index.html`` that
``python -m doe_democratie report`` writes, at a phone's and a desktop's width, logs no console
or JavaScript error, attempts no network request, and paints a screenshot that is not blank.

Needs Debian's ``chromium``; without it the tests skip locally and fail under CI (``.ci/run``
installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

#: Requests Chromium makes for itself (clock, updates, accounts) whatever page it shows; every
#: other request in the log comes from the page.
BROWSER_HOSTS = re.compile(r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)[:/]")
REQUEST = re.compile(r"NotifyBeforeURLRequest: (\S+)")
CONSOLE = re.compile(r":CONSOLE[:(]")


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium not installed; .ci/run installs it when CI is set")
        pytest.skip("chromium not installed; CI installs it")
    return path


@dataclass
class Visit:
    screenshot: Path
    console: list[str]
    requests: list[str]


def visit(page: Path, width: int, height: int, work: Path) -> Visit:
    """Opens ``page`` in headless Chromium at ``width`` × ``height`` with verbose logging and
    returns the screenshot, the console lines and the page's network requests."""
    shot = work / f"shot-{width}.png"
    done = subprocess.run(
        [
            chromium(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={work / f'profile-{width}'}",
            "--enable-logging=stderr",
            "--v=1",
            f"--screenshot={shot}",
            f"--window-size={width},{height}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    log = done.stderr.splitlines()
    return Visit(
        screenshot=shot,
        console=[line for line in log if CONSOLE.search(line)],
        requests=[
            m.group(1)
            for line in log
            if (m := REQUEST.search(line)) and not BROWSER_HOSTS.match(m.group(1))
        ],
    )


def assert_not_blank(png: Path, width: int, height: int) -> None:
    with Image.open(png) as image:
        assert image.size == (width, height)
        rgb = image.convert("RGB")
    pixels = np.asarray(rgb)
    inked = int((pixels.min(axis=2) < 230).sum())
    total = pixels.shape[0] * pixels.shape[1]
    colours = rgb.getcolors(maxcolors=1 << 21) or []
    # Text, rules and table shading: a rendered page inks several per cent of its pixels in many
    # shades (anti-aliased text alone gives dozens); a blank or failed page is one colour.
    assert inked > 0.02 * total, f"only {inked} of {total} pixels are not white"
    assert len(colours) >= 16, f"only {len(colours)} colours"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chromium()
    out = tmp_path_factory.mktemp("report")
    done = subprocess.run(
        [sys.executable, "-m", "doe_democratie", "report", "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out / "index.html"


@pytest.mark.parametrize(("width", "height"), [(390, 2400), (1280, 1600)], ids=["phone", "desktop"])
def test_report_renders_without_errors_or_requests(
    index: Path, tmp_path: Path, width: int, height: int
) -> None:
    seen = visit(index, width, height, tmp_path)
    assert seen.console == []
    assert seen.requests == []
    assert_not_blank(seen.screenshot, width, height)


def test_the_checks_catch_errors_requests_and_blank_pages(tmp_path: Path) -> None:
    """The same checks on a page that does what the report must not: a script error and an
    image from the network; and on an empty page, which is blank."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
        "<script>undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    seen = visit(bad, 390, 600, tmp_path)
    assert any("undefinedFunction" in line for line in seen.console), seen.console
    assert seen.requests == ["http://127.0.0.1:9/x.png"]
    with pytest.raises(AssertionError, match="pixels are not white"):
        assert_not_blank(seen.screenshot, 390, 600)
