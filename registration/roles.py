"""The back-office roles: one Django group each, named in Chinese because
staff see these names in the admin. The migration 0004_roles, the demo
loader, the tests and the README all take the names from here.

Permissions say *what* a role may do; the street scoping in permissions.py
says *which* works it may do it to. Only the district administrator (and
superusers) see every street.
"""

from portal import roles as portal_roles

DISTRICT_ADMIN = "区级管理员"
STREET_OFFICER = "街道纳管员"
SAFETY_INSPECTOR = "专职安全员"
CONTENT_EDITOR = "内容编辑"
# Guides inspectors and blows the whistle (吹哨); does no technical inspection.
GRID_WORKER = "社区网格员"

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
        "portal.view_auditevent",
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
        "registration.view_completionrequest",
        "registration.change_completionrequest",
        "registration.view_servicerating",
        "registration.view_report",
        "registration.change_report",
        "registration.view_incident",
        "registration.add_incident",
        "registration.change_incident",
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
        "registration.view_completionrequest",
        "registration.view_report",
        "registration.view_incident",
    ],
    GRID_WORKER: [ACCESS_ADMIN, "registration.add_report", "registration.view_report"],
    CONTENT_EDITOR: [ACCESS_ADMIN],
}

# Wagtail page permissions given on the root page, so they cover the whole site.
PAGE_PERMISSIONS = {
    CONTENT_EDITOR: ["add_page", "change_page", "publish_page"],
}

# Roles whose users see only the streets in their StaffProfile.
STREET_SCOPED_ROLES = (STREET_OFFICER, SAFETY_INSPECTOR, GRID_WORKER)


def sync_roles(apps):
    """The back-office groups and their permissions (portal/roles.py); called by
    the migrations 0004, 0005, 0009, 0010, 0012 and 0014 and by the demo loader."""
    portal_roles.sync_roles(apps, ROLE_PERMISSIONS, page_permissions=PAGE_PERMISSIONS)
