"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live server.

Outside CI they are skipped when Chromium is not installed; under CI_REQUIRE_SERVICES=1
(`.ci/run`, which installs it) a missing browser fails them instead.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database
# work happens in its own thread, and the test only reads through the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Flags that keep Chromium from reaching out to Google's services on start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.environ.get("CI_REQUIRE_SERVICES"):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation in any document of the page (frames and the
# <object> map included) to the test. Playwright adds it through the DevTools protocol, so the
# page's own policy does not stop it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`
    + (e.sample ? `: ${e.sample}` : ""));
});
"""


class PageWatch:
    """What a page did that it should not: requests off this machine, console errors, CSP violations."""

    def __init__(self):
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []

    def console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(msg.text)
        # Chromium logs what the policy refused ("Refused to execute inline script …", "Refused to apply
        # inline style …", "Refused to load …", "Refused to frame …"), at error level or as a warning.
        if "Content Security Policy" in msg.text or msg.text.startswith("Refused to"):
            self.csp.append(msg.text)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    watch = PageWatch()

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    context.expose_binding("__cspViolation", lambda source, text: watch.csp.append(text))
    context.add_init_script(CSP_LISTENER)
    page.on("console", watch.console)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.watch = watch
    yield page
    context.close()
    # A backstop for reports that arrived after the test's own check (pytest_runtest_call below).
    assert watch.csp == [], "Content-Security-Policy violations:\n" + "\n".join(watch.csp)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Any test that met a Content-Security-Policy violation fails, whatever it asserted."""
    result = yield
    page = item.funcargs.get("page")
    if page is not None and not page.is_closed():
        page.wait_for_timeout(50)  # let reports still on their way arrive
        if page.watch.csp:
            violations, page.watch.csp = page.watch.csp, []
            raise AssertionError("Content-Security-Policy violations:\n" + "\n".join(violations))
    return result


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
