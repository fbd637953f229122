"""A real browser on the real pages: Debian's Chromium driven by Playwright.

The app is served on the test's own database (werkzeug in a thread, 127.0.0.1, a free
port); one browser serves the whole run and each test gets a fresh page. Pages are
checked with axe-core and photographed under ``tests/e2e/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import Login

ARTIFACTS = Path(__file__).parent / "artifacts"
# Debian's package puts the browser here; /usr/bin/chromium is a shell wrapper.
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
WIDTHS = {"wide": 1280, "phone": 360}
SERIOUS = ("serious", "critical")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PATHWAYS_CHROMIUM"), *CHROMIUM):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        message = "the browser tests need Debian's chromium (make test installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@dataclass
class Site:
    """The served app: its address, and a way to sign a browser page in."""

    base: str
    app: Flask

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site(app: Flask) -> Iterator[Site]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> int:
    return WIDTHS[request.param]


@pytest.fixture
def page(browser: Any, width: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def sign_in_browser(site: Site) -> Callable[[Any, Login], None]:
    """Sign a page in through the form, as a person does."""

    def go(page: Any, login: Login, lang: str = "en") -> None:
        page.goto(site.url(f"/?lang={lang}"))
        page.fill("input[name=username]", login.username)
        page.fill("input[name=password]", login.password)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_load_state()

    return go


def assert_accessible(page: Any) -> None:
    """axe-core finds no serious or critical violation on the page as it is."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )


def assert_fits(page: Any, width: int) -> None:
    """Nothing scrolls sideways: the page is no wider than the screen."""
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide on a {width} px screen"


def photograph(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page: Any, width: int, name: str) -> None:
    """What every page must pass: it fits the screen, axe finds nothing serious, and a
    photograph is kept."""
    photograph(page, f"{name}-{width}")
    assert_fits(page, width)
    assert_accessible(page)
