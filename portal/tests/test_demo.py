"""The demo loader: complete, idempotent, and never in production."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

pytestmark = pytest.mark.django_db(transaction=False)

WATCHED_APPS = [
    "portal",
    "home",
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailmedia",
    "auth",
    "registration",
    "training",
]


def snapshot():
    counts = {
        model._meta.label: model.objects.count()
        for app in WATCHED_APPS
        for model in apps.get_app_config(app).get_models()
    }
    users = dict(get_user_model().objects.values_list("username", "password"))
    revisions = list(Revision.objects.order_by("pk").values_list("pk", "created_at"))
    pages = list(Page.objects.order_by("path").values_list("path", "title", "live", "latest_revision_id"))
    return counts, users, revisions, pages


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")


def test_loading_twice_changes_nothing(demo_env, capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first


def test_demo_creates_the_launch_day_site(demo_env, client):
    from home.models import HomePage, NoticePage, StandardPage
    from portal.models import PortalSettings

    call_command("load_demo")
    home = HomePage.objects.get()
    assert home.steps and home.intro
    assert NoticePage.objects.live().count() >= 5
    assert set(StandardPage.objects.values_list("slug", flat=True)) >= {"about", "faq", "privacy"}
    assert PortalSettings.load().privacy_page.slug == "privacy"
    for url in ["/", "/notices/", "/about/", "/faq/", "/privacy/"]:
        assert client.get(url).status_code == 200, url


def test_demo_logins_use_demo_password(demo_env, capsys):
    call_command("load_demo")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-pass-for-tests")
    out = capsys.readouterr().out
    assert "/admin/" in out and "admin" in out and "demo-pass-for-tests" in out


def test_demo_password_change_is_applied_on_next_run(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "first-password")
    call_command("load_demo")
    monkeypatch.setenv("DEMO_PASSWORD", "second-password")
    call_command("load_demo")
    assert get_user_model().objects.get(username="admin").check_password("second-password")


def test_generated_password_is_kept_between_runs(monkeypatch, tmp_path):
    from portal import demo

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    monkeypatch.setattr(demo, "PASSWORD_FILE", tmp_path / ".demo-password")
    call_command("load_demo")
    saved = (tmp_path / ".demo-password").read_text().strip()
    assert len(saved) >= 12
    call_command("load_demo")
    assert (tmp_path / ".demo-password").read_text().strip() == saved
    assert get_user_model().objects.get(username="admin").check_password(saved)


def test_demo_is_refused_when_not_allowed(settings, demo_env):
    settings.ALLOW_DEMO_CONTENT = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not get_user_model().objects.exists()
