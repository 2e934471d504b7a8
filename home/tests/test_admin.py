"""Editors can create and edit every page type and the settings in the Wagtail admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from home.models import (
    LeafletPage,
    NoticeIndexPage,
    NoticePage,
    PolicyDocumentPage,
    PolicyIndexPage,
    StandardPage,
    VideoIndexPage,
    VideoPage,
)
from portal.models import Street

from .factories import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.cn", "pw")
    client.force_login(user)
    return client


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def test_every_page_type_has_a_working_create_form(home_page, admin_client):
    policies = add_page(home_page, PolicyIndexPage(title="政策法规", slug="policies"))
    videos = add_page(home_page, VideoIndexPage(title="视频", slug="videos"))
    notices = add_page(home_page, NoticeIndexPage(title="通知公告", slug="notices"))
    cases = [
        (StandardPage, home_page),
        (LeafletPage, home_page),
        (PolicyDocumentPage, policies),
        (VideoPage, videos),
        (NoticePage, notices),
    ]
    for model, parent in cases:
        response = admin_client.get(add_url(model, parent))
        assert response.status_code == 200, model


def test_editor_creates_a_notice_through_the_admin(home_page, admin_client, client):
    notices = add_page(home_page, NoticeIndexPage(title="通知公告", slug="notices"))
    data = {
        "title": "关于台风期间停止高处作业的通知",
        "slug": "typhoon",
        "date": "2026-08-01",
        "summary": "台风预警期间停止室外高处作业。",
        "body-count": "0",
        "action-publish": "publish",
    }
    response = admin_client.post(add_url(NoticePage, notices), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get(slug="typhoon")
    assert notice.live
    assert "关于台风期间停止高处作业的通知" in client.get(notices.url).content.decode()


def settings_url(admin_client):
    """The generic setting's edit view redirects to the URL of its single row."""
    response = admin_client.get(reverse("wagtailsettings:edit", args=["portal", "portalsettings"]))
    assert response.status_code == 302
    return response["Location"]


def test_settings_are_editable_and_shown_in_the_footer(home_page, admin_client, client):
    url = settings_url(admin_client)
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "site_name": "湖里区小散工程纳管平台",
            "hotline": "0592-5700000",
            "office_address": "湖里区某路1号",
            "office_hours": "工作日",
            "icp_number": "闽ICP备12345678号",
            "privacy_page": "",
            "threshold_investment_yuan": "1000000",
            "threshold_area_m2": "500",
            "reference_prefix": "HL",
            "permit_info_url": "",
            "temporary_construction_url": "",
            "sms_signature": "湖里区住建局",
        },
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "闽ICP备12345678号" in html
    assert "0592-5700000" in html
    assert "湖里区小散工程纳管平台" in html


def test_settings_refuse_a_zero_threshold(admin_client):
    url = settings_url(admin_client)
    response = admin_client.post(url, {"site_name": "x", "threshold_investment_yuan": "0", "threshold_area_m2": "300"})
    assert response.status_code == 200
    assert "threshold_investment_yuan" in response.context["form"].errors


def test_streets_and_communities_are_listed_for_editors(admin_client):
    response = admin_client.get(reverse("wagtailsnippets_portal_street:list"))
    assert response.status_code == 200
    assert "350206004" in response.content.decode()
    heshan = Street.objects.get(code="350206003")
    response = admin_client.get(reverse("wagtailsnippets_portal_community:list"), {"street": heshan.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "五缘湾北社区" in html and "湖里社区" not in html


def test_anonymous_users_cannot_reach_the_admin(client):
    response = client.get(reverse("wagtailsettings:edit", args=["portal", "portalsettings"]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
