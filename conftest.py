"""Fixtures shared by every app's tests: a site with a home page, and a real
browser (Chromium through Playwright) with an axe-core check."""

import os
import shutil
import warnings

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must
# still allow database access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 900}


def _chromium_path():
    candidate = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if os.path.exists(candidate):
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


_BROWSER_SKIPS = []


def pytest_collection_modifyitems(items):
    """Tests on the live server need committed data, and must get back the
    rows that migrations create (Wagtail's root page, the streets) after
    the transactional flush: force serialized rollback for all of them."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


def pytest_terminal_summary(terminalreporter):
    if _BROWSER_SKIPS:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_BROWSER_SKIPS[0], red=True)


@pytest.fixture(scope="session")
def chromium():
    path = _chromium_path()
    if not path:
        reason = (
            "No Chromium found (set CHROMIUM_PATH or install Debian's 'chromium'): "
            "the browser tests did NOT run. They are mandatory in CI."
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        _BROWSER_SKIPS.append(reason)
        warnings.warn(reason)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs the test in a greenlet with its own context
    # variables, where Django would open new connection objects that lack the
    # test database's serialized contents (needed for serialized rollback).
    # Keep using the connections the test database was set up with.
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in before.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(chromium, viewport):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def phone_page(chromium):
    context, page = _new_page(chromium, PHONE)
    yield page
    context.close()


@pytest.fixture
def tablet_page(chromium):
    context, page = _new_page(chromium, TABLET)
    yield page
    context.close()


@pytest.fixture
def desktop_page(chromium):
    context, page = _new_page(chromium, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """Run axe-core on a Playwright page; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
        ]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
            for v in bad
        )
        assert not bad, f"axe-core found serious/critical violations on {page.url}:\n{summary}"

    return check


@pytest.fixture
def home_page(db):
    """A HomePage at the site root, as the demo loader makes it."""
    from home.demo.site import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def demo_site(transactional_db, monkeypatch):
    """The whole launch-day demo content, committed, for browser tests."""
    from django.core.management import call_command

    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=open(os.devnull, "w"))
