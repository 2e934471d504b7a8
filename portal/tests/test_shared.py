"""The mechanisms every app shares: formula guard, street scoping, group
checks, the throttle decorator, the scoped viewset and role syncing."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.http import HttpResponse
from django.test import RequestFactory

from portal import admin_views, exports, staff, throttle
from portal.models import StaffProfile, Street


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("湖里街道", "湖里街道"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (None, None),
    ],
)
def test_neutralise_formula(value, written):
    assert exports.neutralise_formula(value) == written


def test_text_cell_is_never_a_formula():
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet()
    assert exports.text_cell(sheet, "=1+1").data_type == "s"
    assert exports.text_cell(sheet, 3).data_type == "n"


@pytest.mark.django_db
def test_street_scoping_and_group_checks(django_assert_num_queries):
    huli, jiangtou = Street.objects.order_by("code")[:2]
    user = User.objects.create_user("scoped")
    StaffProfile.objects.create(user=user).streets.add(huli)
    user.groups.add(Group.objects.create(name="测试组"))
    streets = Street.objects.filter(pk__in=[huli.pk, jiangtou.pk])
    with django_assert_num_queries(3):  # the groups once, the streets once, the rows
        assert list(staff.scope_to_streets(streets, user, "pk", ("区级",))) == [huli]
        assert staff.in_staff_streets(user, huli.pk, ("区级",))
        assert not staff.in_staff_streets(user, jiangtou.pk, ("区级",))
        assert staff.in_group(user, "测试组") and not staff.in_group(user, "区级")
    assert staff.staff_street_ids(user, ("测试组",)) is None
    assert staff.group_names(AnonymousUser()) == frozenset()
    assert list(staff.scope_to_streets(streets, AnonymousUser(), "pk")) == []


@pytest.mark.django_db
def test_throttled_decorator_counts_then_refuses_with_retry_after(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    per_client = throttle.Throttle("test-client", limit=2, window_seconds=60)
    per_key = throttle.Throttle("test-key", limit=1, window_seconds=60)
    calls = []

    @throttle.throttled(
        per_client,
        "registration/status_throttled.html",
        per_key=per_key,
        key=lambda request: request.POST.get("key"),
        counts=lambda request: request.method == "POST",
    )
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    factory = RequestFactory()
    for _ in range(5):
        assert view(factory.get("/")).status_code == 200  # GETs do not count
    assert view(factory.post("/", {"key": "A"}, REMOTE_ADDR="10.0.0.9")).status_code == 200
    refused = view(factory.post("/", {"key": "A"}, REMOTE_ADDR="10.0.0.9"))  # same key again
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert view(factory.post("/", {"key": "B"}, REMOTE_ADDR="10.0.0.9")).status_code == 429  # client over
    assert calls.count("POST") == 1


def test_scoped_view_class_puts_the_scope_in_front_once():
    from wagtail.admin.views import generic

    def scope(queryset, user):
        return queryset

    scoped = admin_views.scoped_view_class(generic.EditView, scope)
    assert scoped.__mro__[1] is admin_views.ScopedObjectMixin
    assert admin_views.scoped_view_class(generic.EditView, scope) is scoped
    again = admin_views.scoped_view_class(scoped, scope)
    assert again.__mro__.count(admin_views.ScopedObjectMixin) == 1


@pytest.mark.django_db
def test_sync_roles_prunes_only_the_apps_it_names():
    from django.apps import apps
    from django.contrib.auth.models import Permission

    from portal.roles import sync_roles

    spec = {"测试角色": ["portal.view_street"]}
    sync_roles(apps, spec)
    group = Group.objects.get(name="测试角色")
    stray = Permission.objects.get(content_type__app_label="portal", codename="change_street")
    foreign = Permission.objects.get(content_type__app_label="registration", codename="view_registration")
    group.permissions.add(stray, foreign)
    sync_roles(apps, spec)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {"view_street", "view_registration"}
    with pytest.raises(LookupError):
        sync_roles(apps, {"测试角色": ["portal.no_such_permission"]})
