"""Headless Chromium against the five service processes on the real servers.

The services run as processes (as in `make run`) on ports of their own; the
browser is Debian's Chromium driven by Playwright. Staff sign in through the
sign-in form with the local accounts. Residents sign in with their NIK and
the code that notify sends to the local mail server.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    sync_playwright,
)

from shared.devstack import Endpoints
from tests.conftest import TEST_BASE_PORT
from tools.accounts import LOCAL_PASSWORD, ensure_local_accounts
from tools.deployment import (
    LOCAL_SIGN_IN_LIMITS,
    SERVICES,
    LocalDeployment,
    service_url,
)

# Service ports apart from `make run` and other test runs: 29001-29005 for
# the default DOMPAK_TEST_BASE_PORT of 24000.
PORTS = {
    f"DOMPAK_{name.upper()}_PORT": str(TEST_BASE_PORT + 5001 + index)
    for index, name in enumerate(SERVICES)
}
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def url(service: str, path: str = "") -> str:
    return f"{service_url(service, PORTS)}{path}"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "Chromium is not installed; install Debian's package with "
            "`apt-get install chromium` (.ci/run does this) and run again"
        )
    return found


@pytest.fixture(scope="module")
def deployment(
    endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalDeployment]:
    environ = {
        **PORTS,
        **LOCAL_SIGN_IN_LIMITS,
        "DOMPAK_CONSUMER_RETRY_BASE_SECONDS": "0.05",
    }
    running = LocalDeployment(
        tmp_path_factory.mktemp("browser"), endpoints=endpoints, environ=environ
    )
    try:
        running.start()
        asyncio.run(ensure_local_accounts(running.settings()))
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


def new_context(browser: Browser, viewport: ViewportSize) -> BrowserContext:
    context = browser.new_context(viewport=viewport, locale="id-ID")
    context.set_default_timeout(20_000)
    return context


def sign_in_staff(page: Page, username: str, service: str = "intake") -> None:
    """Sign in through the staff form with a local account."""
    page.goto(url(service, "/petugas/masuk"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", LOCAL_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/petugas/masuk" not in page.url, page.content()[:2000]
