"""Fixtures of the browser tests: a live server per test module and one headless chromium per session.

Without chromium, chromedriver or selenium every browser test skips with the reason shown (``-ra``);
``.ci/run`` installs Debian's chromium and chromium-driver when they are missing. Deselect the browser
tests with ``-m "not browser"``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import console_errors, make_driver, missing_browser
from tests.browser.live import LiveServer

HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in a real browser (Debian's chromium); skipped without it")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    """The one headless chromium of the session (1280×900, Finnish preferred), quit at the end."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium):
    """The session's chromium for one test: no cookies (so no one is signed in), the console read empty."""
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console_errors(chromium)
    return chromium


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """tva-flow serving a fresh database with bpmn/ dmn/ forms/ deployed and a simulated clock at Mon 5.1.2026
    9:00 (Finnish time), at ``live_server.url``; one per test module, so a module may move its clock."""
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()
