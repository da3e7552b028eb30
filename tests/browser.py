"""Pages in a real headless Chromium (the distribution's `chromium`, driven by Playwright;
nothing downloads a browser). The `browser` fixture is in tests/conftest.py: without a
Chromium it skips and says how to install one, except in CI (`CI=true`), where `.ci/run`
installs it and a missing browser is a failure."""

from __future__ import annotations

import os
import shutil

import pytest


def _chromium() -> str:
    found = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if found is None:
        message = "no Chromium: install the distribution's (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must have one (.ci/run installs it)")
        pytest.skip(message)
    return found


def launched_browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page with its console errors, uncaught exceptions and requests recorded."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def outside(self, *allowed: str) -> list[str]:
        return [u for u in self.requests if not u.startswith(allowed)]
