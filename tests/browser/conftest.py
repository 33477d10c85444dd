"""Fixtures for the browser tests: the harness server and a headless Chromium per test.

The tests skip when Chromium is missing, unless ARGONAUT_REQUIRE_BROWSER=1 (CI sets it), in
which case they fail: `scripts/install_chromium.sh` installs Debian's package.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest

from tests.browser.chromium import find_chromium, launch_chromium
from tests.browser.harness_server import HarnessServer, serve_harness
from tests.browser.page import HarnessPage, open_harness_page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is not None:
        return path
    if os.environ.get("ARGONAUT_REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium is missing and ARGONAUT_REQUIRE_BROWSER=1: run scripts/install_chromium.sh")
    pytest.skip("Chromium is not installed (scripts/install_chromium.sh installs it)")


@pytest.fixture
def harness() -> Iterator[HarnessServer]:
    with serve_harness() as server:
        yield server


@pytest.fixture
async def harness_page(chromium_path: str) -> AsyncIterator[HarnessPage]:
    async with launch_chromium(chromium_path) as connection, anyio.create_task_group() as tasks:
        with anyio.fail_after(30):
            page = await open_harness_page(connection, tasks)
        yield page
        tasks.cancel_scope.cancel()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
