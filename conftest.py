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
        warnings.warn(reason, stacklevel=2)
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


def _new_page(chromium, viewport, **options):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    # Anything the Content-Security-Policy blocked fails the test (see _close).
    context.csp_violations = []
    context.on(
        "console",
        lambda message: "Content Security Policy" in message.text and context.csp_violations.append(message.text),
    )
    return context, context.new_page()


def _close(context):
    violations = context.csp_violations
    context.close()
    assert not violations, "blocked by the Content-Security-Policy:\n" + "\n".join(violations[:5])


@pytest.fixture
def phone_page(chromium):
    context, page = _new_page(chromium, PHONE)
    yield page
    _close(context)


@pytest.fixture
def located_phone_page(chromium):
    """A phone that gives its position (in Huli) when a page asks for it."""
    context, page = _new_page(
        chromium,
        PHONE,
        geolocation={"latitude": 24.5102, "longitude": 118.1461, "accuracy": 15},
        permissions=["geolocation"],
    )
    yield page
    _close(context)


@pytest.fixture
def tablet_page(chromium):
    context, page = _new_page(chromium, TABLET)
    yield page
    _close(context)


@pytest.fixture
def desktop_page(chromium):
    context, page = _new_page(chromium, DESKTOP)
    yield page
    _close(context)


@pytest.fixture
def assert_accessible():
    """Run axe-core on a Playwright page; fail on serious or critical violations.

    Running animations (Wagtail's flash messages fade in) are let finish first:
    axe would otherwise read their colours mid-fade."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        page.evaluate("() => Promise.all(document.getAnimations().map((animation) => animation.finished))")
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
            for v in bad
        )
        assert not bad, f"axe-core found serious/critical violations on {page.url}:\n{summary}"

    return check


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the site data kept there until a
    purge (portal/page_cache.py) must not outlive the rows rolled back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def home_page(db):
    """A HomePage at the site root, as the demo loader makes it."""
    from home.demo.site import ensure_home_page

    return ensure_home_page()


# One copy of the demo database per test process (SQLite only), taken right
# after the first load: later browser tests copy it back table by table in a
# fraction of a second instead of running the loader again for seconds.
_DEMO_SNAPSHOT = {}


def _copy_tables(cursor, source, target, tables):
    for table in tables:
        cursor.execute(f'DELETE FROM {target}."{table}"')
        cursor.execute(f'INSERT INTO {target}."{table}" SELECT * FROM {source}."{table}"')


def _plain_tables(cursor, schema):
    """Every ordinary table, the full-text index's shadow tables included;
    the virtual tables themselves hold no rows of their own."""
    cursor.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite_%'"
    )
    return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def demo_site(transactional_db, monkeypatch):
    """The whole launch-day demo content, committed, for browser tests."""
    from django.core.management import call_command
    from django.db import connection, transaction

    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    if connection.vendor != "sqlite":
        call_command("load_demo", stdout=open(os.devnull, "w"))
        return
    with connection.cursor() as cursor:
        if "tables" in _DEMO_SNAPSHOT:
            with transaction.atomic():
                _copy_tables(cursor, "demo_snapshot", "main", _DEMO_SNAPSHOT["tables"])
                cursor.execute("DELETE FROM main.sqlite_sequence")
                cursor.execute("INSERT INTO main.sqlite_sequence SELECT * FROM demo_snapshot.demo_sequences")
            return
        call_command("load_demo", stdout=open(os.devnull, "w"))
        # A named in-memory database that lives as long as this connection.
        cursor.execute("ATTACH DATABASE 'file:demo_snapshot?mode=memory&cache=shared' AS demo_snapshot")
        tables = _plain_tables(cursor, "main")
        for table in tables:
            cursor.execute(f'CREATE TABLE demo_snapshot."{table}" AS SELECT * FROM main."{table}"')
        cursor.execute("CREATE TABLE demo_snapshot.demo_sequences AS SELECT * FROM main.sqlite_sequence")
        _DEMO_SNAPSHOT["tables"] = tables
