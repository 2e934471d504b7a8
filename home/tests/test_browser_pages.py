"""The launch-day home page and plain pages in a real browser, at phone width."""

import pytest

pytestmark = [pytest.mark.browser]


def test_every_asset_comes_from_the_site_itself(demo_site, live_server, phone_page):
    """No CDN, no external fonts: every request a page makes goes to our own host."""
    from urllib.parse import urlsplit

    own = urlsplit(live_server.url).netloc
    hosts = set()
    phone_page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    for path in ["/", "/policies/", "/leaflet/", "/videos/", "/notices/", "/search/?q=施工"]:
        phone_page.goto(live_server.url + path)
        phone_page.wait_for_load_state("networkidle")
    video = phone_page.locator("a[href^='/videos/']").last.get_attribute("href")
    phone_page.goto(live_server.url + video)
    phone_page.wait_for_load_state("networkidle")
    assert hosts == {own}


def test_home_page_on_a_phone(demo_site, live_server, phone_page, assert_accessible):
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text()
    register = page.get_by_role("link", name="登记").first
    assert register.is_visible()
    # no horizontal scrolling at phone width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)

    # every menu entry, 工程登记 and 登记查询 among them, is on screen: the menu wraps, nothing is cut off
    menu = page.get_by_role("navigation", name="主菜单")
    for name in ("工程登记", "登记查询"):
        assert menu.get_by_role("link", name=name, exact=True).is_visible()
    boxes = [link.bounding_box() for link in menu.get_by_role("link").all()]
    assert len(boxes) >= 6
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1 for box in boxes)
    menu.get_by_role("link", name="登记查询", exact=True).click()
    page.wait_for_url("**/register/status/")
    assert menu.get_by_role("link", name="登记查询", exact=True).get_attribute("aria-current") == "page"
    assert menu.get_by_role("link", name="工程登记", exact=True).get_attribute("aria-current") is None
    page.go_back()

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
