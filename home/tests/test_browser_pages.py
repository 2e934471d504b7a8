"""The launch-day home page and plain pages in a real browser, at phone width."""

import pytest

pytestmark = [pytest.mark.browser]


def test_home_page_on_a_phone(demo_site, live_server, phone_page, assert_accessible):
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text()
    register = page.get_by_role("link", name="登记").first
    assert register.is_visible()
    # no horizontal scrolling at phone width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)

    # skip link moves focus to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    page.get_by_role("link", name="通知公告").first.click()
    page.wait_for_url("**/notices/")
    assert_accessible(page)
    page.locator(".item-list a").first.click()
    assert page.locator("article h1").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/faq/", "/privacy/", "/about/", "/search/?q=登记", "/no-such-page/"])
def test_plain_pages_are_accessible(demo_site, live_server, phone_page, assert_accessible, path):
    phone_page.goto(live_server.url + path)
    assert_accessible(phone_page)
