"""A street officer finds a pending work in a real browser: log in, open the
works list, filter to pending works, search a Chinese substring, open the detail."""

import pytest

from registration.models import Registration, Status

pytestmark = [pytest.mark.browser]


def test_officer_filters_searches_and_opens_a_work(demo_site, live_server, desktop_page, assert_accessible):
    page = desktop_page
    pending = Registration.objects.filter(street__code="350206001", status=Status.SUBMITTED).first()
    other_street = Registration.objects.exclude(street__code="350206001").values_list("reference", flat=True)

    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "officer_huli")
    page.fill("input[name=password]", "demo-pass-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/admin/")

    # the dashboard summary links to the pending works of the officer's street
    page.locator("#works-summary a[href$='?status=submitted']").click()
    page.wait_for_url("**/admin/works/?status=submitted")
    table = page.locator("main table.listing")
    assert pending.reference in table.inner_text()
    for reference in other_street:
        assert reference not in page.content()
    assert_accessible(page)

    page.fill("input[name=q]", "示例路")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    page.locator(f"main a:text-is('{pending.reference}')").click()
    page.wait_for_url(f"**/admin/works/inspect/{pending.pk}/")
    detail = page.locator("#works-detail").inner_text()
    assert pending.address in detail
    assert_accessible(page)
