"""The real-browser tests' fixtures and helpers: Debian's Chromium, driven by Playwright, on 127.0.0.1 servers.

Run with `make browser-test`, never part of `make test`: the test files here are named browser_*.py,
which pytest collects only when they are named on the command line. They import the fixtures from here.
Chromium comes from apt (`apt-get install chromium`); Playwright's own browser download is never used.
Every page records its console errors, uncaught exceptions, failed responses and any request that
tries to leave this machine (those are blocked). A failing test leaves a screenshot in
build/browser-screenshots/.
"""
from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "browser-screenshots"
# Headless, no sandbox (CI runs as root), and none of Chromium's own calls home: the network is closed.
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = ("127.0.0.1", "localhost")


# Module scope: each test module imports its own copy of the fixture, and Playwright's sync API
# runs one instance at a time.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(executable):
        pytest.fail(f"no Chromium at {executable}: `apt-get install chromium` (or set CHROMIUM=/path/to/chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def record():
    return Record()


@pytest.fixture
def page(browser, record, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def keep_local(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            record.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", keep_local)
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            record.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: record.page_errors.append(str(e)))

    def on_response(response):
        record.responses.append((response.status, response.url))
        if response.status >= 400:
            record.failed_responses.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    failures_before = request.session.testsfailed
    yield page
    # The test's own report is counted before its fixtures are torn down: a rise means it failed.
    if request.session.testsfailed > failures_before:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Record:
    """What a page did besides rendering: the evidence the tests assert on."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    responses: list[tuple[int, str]] = field(default_factory=list)

    def assert_clean(self):
        """Nothing failed to load, nothing left this machine, nothing logged an error."""
        assert not self.failed_responses, f"responses >= 400: {self.failed_responses}"
        assert not self.external_requests, f"requests to other hosts: {self.external_requests}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.page_errors, f"uncaught exceptions: {self.page_errors}"
