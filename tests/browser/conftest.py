"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

One browser for this folder's tests, a fresh context (cookies) per test.  Without /usr/bin/chromium
(``make test`` installs it with apt-get as root) or without the playwright package, every test here
skips and says why; Playwright's own browser download is never used.

Screenshots of every page type go to ``$LINLAB_SCREENSHOTS`` (default ``/tmp/linlab-screens``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("LINLAB_CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "a-long-passphrase-7"


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """The one Chromium of these tests (headless, no sandbox: CI runs as root)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (`make test` installs it with apt-get as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    # Playwright's sync API keeps an event loop in this thread; Django would refuse database calls
    # from the test code (reading attempts, syncing the course) while it exists.  Only while it does.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            yield chromium
            chromium.close()


@pytest.fixture(scope="session")
def screens() -> Path:
    """The folder of screenshots (one PNG per page type)."""
    folder = Path(os.environ.get("LINLAB_SCREENSHOTS", "/tmp/linlab-screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(live_server, settings) -> str:
    """The live server's URL, with the course index synced into the (fresh) test database."""
    from linlab.web.learning.sync import sync_course

    # Sign-ups and sign-ins hash passwords; the real hasher costs seconds here and is tested in tests/web.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync_course()
    return live_server.url


@pytest.fixture
def page(browser, site) -> Iterator[Any]:
    """A fresh tab (own cookies) at 1280×900; fails the test on a JavaScript error or a failed load (but 400s)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    errors: list[str] = []

    def on_console(message: Any) -> None:
        url = message.location.get("url", "")
        # A 400 answers bad input on purpose (the form comes back with its message); no favicon exists.
        expected = "status of 400" in message.text or url.endswith("/favicon.ico")
        if message.type == "error" and not expected:
            errors.append(f"console: {message.text} ({url})")

    tab.on("pageerror", lambda err: errors.append(f"uncaught: {err}"))
    tab.on("console", on_console)
    yield tab
    context.close()
    assert not errors, "JavaScript errors in the page:\n" + "\n".join(errors)


def shoot(page: Any, screens: Path, name: str) -> None:
    """Save a full-page screenshot as ``<screens>/<name>.png``."""
    page.screenshot(path=str(screens / f"{name}.png"), full_page=True)


def sign_up(page: Any, site: str, username: str, password: str = PASSWORD) -> None:
    """Create an account through the sign-up form; the learner is signed in afterwards."""
    page.goto(f"{site}/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{site}/")
