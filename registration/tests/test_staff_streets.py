"""Assigning staff to streets in the admin (Settings → 工作人员街道): the
district administrator may, street users may not."""

import pytest
from django.urls import reverse

from portal.models import StaffProfile, Street
from registration.tests.staff import make_staff, staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_district_admin_assigns_a_new_officer_to_a_street(client, staff):
    newcomer = make_staff("newcomer", None)
    newcomer.staff_profile.delete()
    huli = Street.objects.get(code="350206001")
    client.force_login(staff["district_admin"])
    response = client.post(
        reverse("staff_streets:add"), {"user": newcomer.pk, "streets": [huli.pk], "phone": "0592-5550000"}
    )
    assert response.status_code == 302
    assert list(StaffProfile.objects.get(user=newcomer).streets.all()) == [huli]


def test_list_shows_streets_in_bounded_queries(client, staff, django_assert_max_num_queries):
    client.force_login(staff["district_admin"])
    url = reverse("staff_streets:index")
    with django_assert_max_num_queries(30) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert "湖里街道" in response.content.decode()
    for number in range(20):
        make_staff(f"extra{number}", None, ["350206004"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["officer_huli", "inspector_huli", "editor"])
def test_street_users_cannot_assign_streets(client, staff, role):
    client.force_login(staff[role])
    profile = staff["officer_huli"].staff_profile
    for url in (reverse("staff_streets:index"), reverse("staff_streets:edit", args=[profile.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")
    response = client.post(
        reverse("staff_streets:edit", args=[profile.pk]),
        {"user": profile.user_id, "streets": list(Street.objects.values_list("pk", flat=True)), "phone": ""},
    )
    assert response.status_code in (302, 403)
    assert list(profile.streets.values_list("code", flat=True)) == ["350206001"]


def test_syncing_roles_keeps_other_apps_permissions():
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from registration.roles import DISTRICT_ADMIN, sync_roles

    group = Group.objects.get(name=DISTRICT_ADMIN)
    foreign = Permission.objects.get(content_type__app_label="training", codename="view_trainee")
    group.permissions.add(foreign)
    stray = Permission.objects.get(content_type__app_label="portal", codename="view_street")
    group.permissions.add(stray)
    sync_roles(apps)
    assert group.permissions.filter(pk=foreign.pk).exists()
    assert not group.permissions.filter(pk=stray.pk).exists()
