"""Headless Chromium (Debian's ``chromium``) for looking at transcripts the way a person would.

Outside CI a machine without Chromium skips these tests with the reason; with
``GOALBOT_REQUIRE_CHROMIUM=1`` (set by ``.ci/run``, which installs it) a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REQUIRE = os.environ.get("GOALBOT_REQUIRE_CHROMIUM") == "1"
NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 90


def chromium() -> str:
    """The browser's path; skips (fails in CI) when there is none."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    reason = (
        f"headless Chromium not found (looked for {', '.join(NAMES)}); apt-get install chromium"
    )
    if REQUIRE:
        pytest.fail(reason + " (GOALBOT_REQUIRE_CHROMIUM=1)")
    pytest.skip(reason)


def _run(page: Path, *args: str) -> str:
    with tempfile.TemporaryDirectory(prefix="goalbot-chromium-") as profile:
        done = subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *args,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path, image: Path, *, width: int, height: int) -> Path:
    """A PNG of the page's first `width` x `height` pixels."""
    _run(page, f"--window-size={width},{height}", f"--screenshot={image}")
    assert image.exists(), f"Chromium wrote no screenshot to {image}"
    return image


def rendered_dom(page: Path) -> str:
    """The DOM after Chromium parsed and laid out the page, serialized."""
    return _run(page, "--dump-dom")
