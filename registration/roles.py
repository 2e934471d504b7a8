"""The back-office roles: one Django group each, named in Chinese because
staff see these names in the admin. The migration 0004_roles, the demo
loader, the tests and the README all take the names from here.

Permissions say *what* a role may do; the street scoping in permissions.py
says *which* works it may do it to. Only the district administrator (and
superusers) see every street.
"""

from portal.roles import permissions_for

DISTRICT_ADMIN = "区级管理员"
STREET_OFFICER = "街道纳管员"
SAFETY_INSPECTOR = "专职安全员"
CONTENT_EDITOR = "内容编辑"

ACCESS_ADMIN = "wagtailadmin.access_admin"
ALL_REGISTRATION = "registration.*"

ROLE_PERMISSIONS = {
    DISTRICT_ADMIN: [
        ACCESS_ADMIN,
        ALL_REGISTRATION,
        "portal.view_staffprofile",
        "portal.add_staffprofile",
        "portal.change_staffprofile",
        "portal.delete_staffprofile",
    ],
    STREET_OFFICER: [
        ACCESS_ADMIN,
        "registration.view_registration",
        "registration.change_registration",
        "registration.view_attachment",
        "registration.view_inspection",
        "registration.change_inspection",
        "registration.view_hazard",
        "registration.change_hazard",
        "registration.view_enforcementreferral",
        "registration.add_enforcementreferral",
        "registration.change_enforcementreferral",
    ],
    SAFETY_INSPECTOR: [
        ACCESS_ADMIN,
        "registration.view_registration",
        "registration.view_attachment",
        "registration.view_inspection",
        "registration.add_inspection",
        "registration.change_inspection",
        "registration.view_hazard",
        "registration.add_hazard",
        "registration.change_hazard",
    ],
    CONTENT_EDITOR: [ACCESS_ADMIN],
}

# Wagtail page permissions given on the root page, so they cover the whole site.
PAGE_PERMISSIONS = {
    CONTENT_EDITOR: ["add_page", "change_page", "publish_page"],
}

# Roles whose users see only the streets in their StaffProfile.
STREET_SCOPED_ROLES = (STREET_OFFICER, SAFETY_INSPECTOR)


def sync_roles(apps):
    """Create the groups and give them exactly their permissions in the apps their specs name.

    ``apps`` is a migration's app registry or django.apps.apps. Running it
    again changes nothing, so the demo loader may call it too.
    """
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Permission = apps.get_model("auth", "Permission")
    root = Page.objects.filter(depth=1).first()
    for name, specs in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {perm.pk for spec in specs for perm in permissions_for(apps, spec)}
        # Only the apps named in this role's specs are ours to prune: another
        # app (training) gives the same groups permissions of its own.
        managed_apps = {spec.split(".")[0] for spec in specs}
        have = set(group.permissions.filter(content_type__app_label__in=managed_apps).values_list("pk", flat=True))
        if missing := wanted - have:
            group.permissions.add(*missing)
        if extra := have - wanted:
            group.permissions.remove(*extra)
        for codename in PAGE_PERMISSIONS.get(name, []):
            if root is None:
                break
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
